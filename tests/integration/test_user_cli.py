"""``clinic-crm user role|disable|enable|unlock|list`` against a real PostgreSQL."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from crm.cli import main
from crm.controllers.access import auth
from crm.controllers.errors import LoginRefused
from crm.db.engine import make_engine, make_session_factory
from crm.models.enums import Role

PASSWORD = "секретный-пароль"


@pytest.fixture
def run(key_file, committed_db_url):
    upgraded = CliRunner().invoke(
        main, ["--key-file", str(key_file), "--database", committed_db_url, "db", "upgrade"]
    )
    assert upgraded.exit_code == 0, upgraded.output

    def invoke(*args: str, input: str | None = None):
        return CliRunner().invoke(
            main,
            ["--key-file", str(key_file), "--database", committed_db_url, "user", *args],
            input=input,
        )

    return invoke


@pytest.fixture
def sessions(committed_db_url):
    engine = make_engine(committed_db_url, pool_size=2)
    factory = make_session_factory(engine)
    auth.add_user(factory, "root", PASSWORD, Role.ADMIN, "Админова Алла")
    auth.add_user(factory, "ivanova", PASSWORD, Role.REGISTRAR, "Иванова Мария")
    yield factory
    engine.dispose()


def test_role_changes_and_the_last_admin_stays(run, sessions):
    changed = run("role", "ivanova", "manager")
    assert changed.exit_code == 0, changed.output
    assert "ivanova" in changed.output and "менеджер" in changed.output
    assert "менеджер" in run("list").output
    refused = run("role", "root", "registrar")
    assert refused.exit_code == 1
    assert "единственный действующий администратор" in refused.output
    assert "Traceback" not in refused.output
    doctorless = run("role", "ivanova", "doctor")
    assert doctorless.exit_code == 1 and "Врач" in doctorless.output
    unknown = run("role", "nobody", "manager")
    assert unknown.exit_code == 1 and "nobody" in unknown.output


def test_disable_enable(run, sessions):
    disabled = run("disable", "ivanova")
    assert disabled.exit_code == 0, disabled.output
    assert "отключён" in run("list").output
    with pytest.raises(LoginRefused):
        auth.login(sessions, "ivanova", PASSWORD, "desk-1")
    assert run("disable", "root").exit_code == 1
    enabled = run("enable", "ivanova")
    assert enabled.exit_code == 0, enabled.output
    assert auth.login(sessions, "ivanova", PASSWORD, "desk-1").login == "ivanova"


def test_unlock_and_list_shows_the_lock(run, sessions):
    for _ in range(auth.MAX_FAILED_ATTEMPTS):
        with pytest.raises(LoginRefused):
            auth.login(sessions, "ivanova", "wrong", "desk-1")
    assert "заблокирован до" in run("list").output
    unlocked = run("unlock", "ivanova")
    assert unlocked.exit_code == 0, unlocked.output
    assert "заблокирован" not in run("list").output
    again = run("unlock", "ivanova")
    assert again.exit_code == 0 and "не был заблокирован" in again.output
    assert auth.login(sessions, "ivanova", PASSWORD, "desk-1").login == "ivanova"
