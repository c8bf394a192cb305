"""Login with argon2id, lockout after five failures, everything journaled."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
import sqlalchemy as sa

from crm.controllers.access import auth
from crm.controllers.clinic import settings
from crm.controllers.errors import LoginRefused, ValidationError
from crm.models import JournalEntry, User
from crm.models.enums import Role

PASSWORD = "верный-пароль-1"


@pytest.fixture
def registrar(db):
    return auth.add_user(db, "reg1", PASSWORD, Role.REGISTRAR, "Кузнецова Анна Сергеевна")


def _journal(db, action):
    with db() as session:
        return session.scalars(
            sa.select(JournalEntry).where(JournalEntry.action == action).order_by(JournalEntry.id)
        ).all()


def test_password_is_stored_as_argon2id(db, registrar):
    with db() as session:
        stored = session.get(User, registrar).password_hash
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


def test_login_succeeds_case_insensitively_and_is_journaled(db, registrar):
    actor = auth.login(db, "REG1", PASSWORD, "desk-3")
    assert actor.role is Role.REGISTRAR
    assert actor.full_name == "Кузнецова Анна Сергеевна"
    [entry] = _journal(db, "login")
    assert entry.user_id == registrar
    assert entry.workstation == "desk-3"


def test_the_actor_knows_the_clinic_s_day_whatever_the_workstation_s_zone(db, registrar):
    assert auth.login(db, "reg1", PASSWORD, "desk-3").clinic_timezone == "Europe/Moscow"
    with db() as session, session.begin():
        settings.put(session, settings.CLINIC_TIMEZONE, {"name": "Pacific/Kiritimati"})
    far_east = auth.login(db, "reg1", PASSWORD, "desk-3")
    assert far_east.clinic_timezone == "Pacific/Kiritimati"  # UTC+14
    far_west = dataclasses.replace(far_east, clinic_timezone="Pacific/Pago_Pago")  # UTC−11
    # 25 hours apart: never the same date.
    assert far_east.clinic_today() > far_west.clinic_today()
    assert far_east.clinic_now().utcoffset() == dt.timedelta(hours=14)


def test_wrong_password_and_unknown_login_are_refused_alike(db, registrar):
    with pytest.raises(LoginRefused) as wrong:
        auth.login(db, "reg1", "not-it", "desk-1")
    with pytest.raises(LoginRefused) as unknown:
        auth.login(db, "nobody", "not-it", "desk-1")
    assert wrong.value.message == unknown.value.message == "Неверный логин или пароль"
    failures = _journal(db, "login_failed")
    assert [e.login for e in failures] == ["reg1", "nobody"]
    assert {e.outcome.value for e in failures} == {"refused"}


def test_five_failures_lock_the_account_for_fifteen_minutes(db, registrar):
    for _ in range(4):
        with pytest.raises(LoginRefused, match="Неверный логин или пароль"):
            auth.login(db, "reg1", "wrong", "desk-1")
    with pytest.raises(LoginRefused, match="заблокирована до"):
        auth.login(db, "reg1", "wrong", "desk-1")
    # Locked: even the right password is refused now.
    with pytest.raises(LoginRefused, match="заблокирована до"):
        auth.login(db, "reg1", PASSWORD, "desk-1")
    with db() as session:
        user = session.get(User, registrar)
        now = session.scalar(sa.select(sa.func.now()))
        assert dt.timedelta(minutes=14) < user.locked_until - now <= dt.timedelta(minutes=15)
    assert len(_journal(db, "login_failed")) == 6


def test_lock_expires_after_fifteen_minutes(db, registrar):
    with db() as session, session.begin():
        session.execute(
            sa.update(User)
            .where(User.id == registrar)
            .values(locked_until=sa.func.now() - sa.text("interval '1 second'"))
        )
    assert auth.login(db, "reg1", PASSWORD, "desk-1").user_id == registrar


def test_success_resets_the_failure_count(db, registrar):
    for _ in range(4):
        with pytest.raises(LoginRefused):
            auth.login(db, "reg1", "wrong", "desk-1")
    auth.login(db, "reg1", PASSWORD, "desk-1")
    for _ in range(4):
        with pytest.raises(LoginRefused, match="Неверный логин или пароль"):
            auth.login(db, "reg1", "wrong", "desk-1")


def test_disabled_account_is_refused(db, registrar):
    with db() as session, session.begin():
        session.get(User, registrar).active = False
    with pytest.raises(LoginRefused, match="отключена"):
        auth.login(db, "reg1", PASSWORD, "desk-1")


def test_set_password_lifts_the_lock(db, registrar):
    with db() as session, session.begin():
        session.get(User, registrar).locked_until = dt.datetime(2099, 1, 1, tzinfo=dt.UTC)
    auth.set_password(db, "reg1", "новый-пароль-2")
    assert auth.login(db, "reg1", "новый-пароль-2", "desk-1").login == "reg1"


def test_user_rules(db, registrar):
    with pytest.raises(ValidationError) as taken:
        auth.add_user(db, "Reg1", PASSWORD, Role.DOCTOR, "Другой")
    assert taken.value.field == "login"
    with pytest.raises(ValidationError) as short:
        auth.add_user(db, "reg2", "short", Role.DOCTOR, "Другой")
    assert short.value.field == "password"
    with pytest.raises(ValidationError) as bad_login:
        auth.add_user(db, "рег", PASSWORD, Role.DOCTOR, "Другой")
    assert bad_login.value.field == "login"
    assert [u.login for u in auth.list_users(db)] == ["reg1"]


def test_lockout_holds_across_concurrent_desks(committed_db):
    """Guesses from several connections at once still lock after five failures."""
    from concurrent.futures import ThreadPoolExecutor

    auth.add_user(committed_db, "shared", PASSWORD, Role.REGISTRAR, "Общий")

    def guess(_: int) -> str:
        try:
            auth.login(committed_db, "shared", "wrong", "desk-x")
        except LoginRefused as exc:
            return exc.message
        return "accepted"

    with ThreadPoolExecutor(max_workers=4) as pool:
        messages = list(pool.map(guess, range(8)))
    assert "accepted" not in messages
    assert sum("заблокирована" in m for m in messages) >= 4
    with pytest.raises(LoginRefused, match="заблокирована"):
        auth.login(committed_db, "shared", PASSWORD, "desk-x")
