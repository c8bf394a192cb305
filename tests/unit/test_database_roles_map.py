"""Every table has a decision in the role map: a new table without grants fails here."""

from crm.models import Base
from crm.models.database_roles import ALL_GROUPS, TABLE_GRANTS, USER_COLUMNS, grant_statements


def test_every_table_of_the_models_has_its_grants() -> None:
    granted = {grant.table for grant in TABLE_GRANTS}
    tables = set(Base.metadata.tables) | {"alembic_version"}
    assert tables - granted == set(), "tables nobody decided about"
    assert granted - tables == set(), "grants on tables that do not exist"


def test_grants_name_only_known_groups_and_no_password_column() -> None:
    for grant in TABLE_GRANTS:
        assert set(grant.groups) <= set(ALL_GROUPS)
        assert set(grant.privileges.split()) <= {"SELECT", "INSERT", "UPDATE", "DELETE"}
    assert "password_hash" not in USER_COLUMNS
    assert not any("TRUNCATE" in s or "ALL PRIVILEGES" in s for s in grant_statements())


def test_an_older_migration_grants_only_the_tables_and_columns_there_are_then() -> None:
    """0004 runs with the newest map: tables and columns of later migrations wait for them."""
    statements = grant_statements({"app_user": {"id", "login"}})
    on_tables = {s.split(" ON TABLE ")[1].split()[0] for s in statements if " ON TABLE " in s}
    assert on_tables == {"app_user"}
    column_grants = [s for s in statements if s.startswith("GRANT") and "(" in s]
    assert column_grants and all(
        "password_hash" not in s and "full_name" not in s for s in column_grants
    )
