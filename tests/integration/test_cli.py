"""The ``clinic-crm`` command against a real PostgreSQL (in-process through click)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from crm import __version__
from crm.cli import main


@pytest.fixture
def run(key_file):
    def invoke(*args: str, input: str | None = None):
        return CliRunner().invoke(main, ["--key-file", str(key_file), *args], input=input)

    return invoke


def test_version():
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.output


def test_upgrade_then_check_passes(committed_db_url, run):
    upgraded = run("--database", committed_db_url, "db", "upgrade")
    assert upgraded.exit_code == 0, upgraded.output
    from crm.db.migrate import head_revision

    assert head_revision() in upgraded.output
    checked = run("--database", committed_db_url, "db", "check")
    assert checked.exit_code == 0, checked.output
    assert checked.output.count("[ok ]") == 5
    current = run("--database", committed_db_url, "db", "current")
    assert current.exit_code == 0 and head_revision() in current.output


def test_check_fails_clearly_on_a_c_ctype_database(pg_server, run):
    name = pg_server.create_database(ctype="C")
    url = pg_server.url_for(name)
    try:
        assert run("--database", url, "db", "upgrade").exit_code == 0
        result = run("--database", url, "db", "check")
        assert result.exit_code == 1
        assert "[FAIL] cyrillic" in result.output
        assert "ctype" in result.output and "C.UTF-8" in result.output
        assert "Traceback" not in result.output
    finally:
        pg_server.drop_database(name)


def test_check_fails_on_an_unmigrated_database(pg_server, run):
    name = pg_server.create_database()
    try:
        result = run("--database", pg_server.url_for(name), "db", "check")
        assert result.exit_code == 1
        assert "[FAIL] migrations" in result.output
        assert "db upgrade" in result.output
    finally:
        pg_server.drop_database(name)


def test_unreachable_server_is_one_line_and_exit_1(run):
    result = run("--database", "postgresql://nobody@127.0.0.1:1/none", "db", "upgrade")
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("clinic-crm: ")
    assert "Traceback" not in result.output


def test_user_add_list_passwd(committed_db_url, run):
    assert run("--database", committed_db_url, "db", "upgrade").exit_code == 0
    added = run(
        "--database",
        committed_db_url,
        "user",
        "add",
        "ivanova",
        "--role",
        "manager",
        "--full-name",
        "Иванова Мария Петровна",
        input="секретный-пароль\n",
    )
    assert added.exit_code == 0, added.output
    listed = run("--database", committed_db_url, "user", "list")
    assert "ivanova" in listed.output and "Иванова Мария Петровна" in listed.output
    assert "менеджер" in listed.output
    duplicate = run(
        "--database",
        committed_db_url,
        "user",
        "add",
        "IVANOVA",
        "--role",
        "registrar",
        input="секретный-пароль\n",
    )
    assert duplicate.exit_code == 1
    assert "ivanova" in duplicate.output.lower() and "Traceback" not in duplicate.output
    changed = run(
        "--database", committed_db_url, "user", "passwd", "ivanova", input="другой-пароль\n"
    )
    assert changed.exit_code == 0, changed.output
    missing = run(
        "--database", committed_db_url, "user", "passwd", "nobody", input="другой-пароль\n"
    )
    assert missing.exit_code == 1 and "nobody" in missing.output


def test_short_password_is_refused_with_the_field(committed_db_url, run):
    assert run("--database", committed_db_url, "db", "upgrade").exit_code == 0
    result = run(
        "--database", committed_db_url, "user", "add", "x1", "--role", "admin", input="123\n"
    )
    assert result.exit_code == 1
    assert "Пароль" in result.output


def test_odd_user_input_is_one_line(committed_db_url, run):
    assert run("--database", committed_db_url, "db", "upgrade").exit_code == 0
    no_doctor = run(
        "--database",
        committed_db_url,
        "user",
        "add",
        "doc2",
        "--role",
        "doctor",
        input="секретный-пароль\n",
    )
    assert no_doctor.exit_code == 1 and "--doctor-id" in no_doctor.output
    unknown = run(
        "--database",
        committed_db_url,
        "user",
        "add",
        "doc2",
        "--role",
        "doctor",
        "--doctor-id",
        "99999",
        input="секретный-пароль\n",
    )
    assert unknown.exit_code == 1 and "99999" in unknown.output
    long_name = run(
        "--database",
        committed_db_url,
        "user",
        "add",
        "x2",
        "--role",
        "registrar",
        "--full-name",
        "Я" * 201,
        input="секретный-пароль\n",
    )
    assert long_name.exit_code == 1
    for result in (no_doctor, unknown, long_name):
        assert "Traceback" not in result.output and "argon2" not in result.output
        assert (
            len([line for line in result.output.splitlines() if line.startswith("clinic-crm:")])
            == 1
        )


def test_database_newer_than_the_program(committed_db_url, run):
    import sqlalchemy as sa

    assert run("--database", committed_db_url, "db", "upgrade").exit_code == 0
    engine = sa.create_engine(committed_db_url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    checked = run("--database", committed_db_url, "db", "check")
    assert checked.exit_code == 1 and "9999" in checked.output
    assert "db upgrade" not in checked.output
    upgraded = run("--database", committed_db_url, "db", "upgrade")
    assert upgraded.exit_code == 1 and "9999" in upgraded.output
    assert "Traceback" not in upgraded.output


def test_bad_language_and_url_are_one_line(monkeypatch):
    monkeypatch.setenv("CRM_LANG", "de")
    result = CliRunner().invoke(main, ["db", "current"])
    assert result.exit_code == 1 and "'de'" in result.output
    monkeypatch.delenv("CRM_LANG")
    result = CliRunner().invoke(main, ["--database", "mysql://x/y", "db", "current"])
    assert result.exit_code == 1 and "--database" in result.output
