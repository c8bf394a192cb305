import sqlalchemy as sa


def test_db_fixture_is_migrated(db):
    with db() as session:
        assert session.execute(sa.text("SELECT lower('ИВАНОВ')")).scalar_one() == "иванов"
        assert session.execute(sa.text("SELECT count(*) FROM app_user")).scalar_one() == 0
