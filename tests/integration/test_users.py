"""Administering users: the list, new accounts, roles, passwords, lockouts, the last admin."""

from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa

from crm.controllers.access import auth, users
from crm.controllers.access.users import LastAdministrator, NewUser, UserInvalid
from crm.controllers.errors import DomainError, LoginRefused, NotFound, PermissionDenied
from crm.models import JournalEntry, User
from crm.models.enums import Role
from tests import factories

PASSWORD = "пароль-админа-1"


@pytest.fixture
def admin(db):
    auth.add_user(db, "root", PASSWORD, Role.ADMIN, "Админова Алла")
    return auth.login(db, "root", PASSWORD, "desk-9")


@pytest.fixture
def registrar(db):
    auth.add_user(db, "reg1", PASSWORD, Role.REGISTRAR, "Кузнецова Анна")
    return auth.login(db, "reg1", PASSWORD, "desk-1")


@pytest.fixture
def doctor_id(db):
    with db() as session, session.begin():
        return factories.doctor(session, *factories.clinic(session)).id


def _journal(db, action):
    with db() as session:
        return session.scalars(
            sa.select(JournalEntry).where(JournalEntry.action == action).order_by(JournalEntry.id)
        ).all()


def test_add_and_list_with_the_doctor(db, admin, doctor_id):
    form = NewUser("petrov", "Петров Пётр Ильич", "doctor", "длинный-пароль", "длинный-пароль",
                   doctor_id)  # fmt: skip
    users.add_user(db, form, actor=admin)
    rows = {row.login: row for row in users.list_users(db, actor=admin)}
    assert rows["petrov"].role is Role.DOCTOR
    assert rows["petrov"].doctor_name == "Петров П. П."
    assert rows["petrov"].active and not rows["petrov"].locked
    assert rows["root"].role is Role.ADMIN
    [entry] = [e for e in _journal(db, "create") if e.entity == "app_user" and e.user_id]
    assert entry.changes["login"] == [None, "petrov"]
    assert entry.changes["doctor_id"] == [None, doctor_id]
    assert [o.name for o in users.doctor_options(db, actor=admin)] == ["Петров П. П."]


def test_bad_fields_are_all_named(db, admin):
    form = NewUser("и в", "x", "chief", "short", "other")
    with pytest.raises(UserInvalid) as refused:
        users.add_user(db, form, actor=admin)
    fields = [p.field for p in refused.value.problems]
    assert fields == ["login", "role", "password"]
    assert refused.value.problems[0].message.startswith("Логин")
    mismatch = NewUser("ok.login", "", "registrar", "длинный-пароль", "другой-пароль")
    with pytest.raises(UserInvalid) as again:
        users.add_user(db, mismatch, actor=admin)
    assert [p.field for p in again.value.problems] == ["password_again"]
    no_doctor = NewUser("doc", "", "doctor", "длинный-пароль")
    with pytest.raises(UserInvalid) as doctorless:
        users.add_user(db, no_doctor, actor=admin)
    assert [p.field for p in doctorless.value.problems] == ["doctor_id"]


def test_a_taken_login_names_the_field(db, admin):
    with pytest.raises(DomainError) as taken:
        users.add_user(db, NewUser("ROOT", "", "manager", "длинный-пароль"), actor=admin)
    assert taken.value.field == "login"


def test_only_the_administrator_manages_users(db, admin, registrar):
    with pytest.raises(PermissionDenied) as denied:
        users.list_users(db, actor=registrar)
    assert "управление пользователями" in denied.value.message
    assert "manage_users" not in denied.value.message
    with pytest.raises(PermissionDenied):
        users.change_role(db, "reg1", Role.ADMIN, actor=registrar)


def test_change_role_is_journaled_before_after(db, admin, registrar, doctor_id):
    users.change_role(db, "reg1", "doctor", doctor_id=doctor_id, actor=admin)
    [entry] = _journal(db, "role_changed")
    assert entry.changes == {"role": ["registrar", "doctor"], "doctor_id": [None, doctor_id]}
    assert entry.user_id == admin.user_id
    users.change_role(db, "reg1", Role.MANAGER, actor=admin)
    with db() as session:
        user = session.scalars(sa.select(User).where(User.login == "reg1")).one()
        assert (user.role, user.doctor_id) == (Role.MANAGER, None)
    with pytest.raises(UserInvalid) as bad:
        users.change_role(db, "reg1", "boss", actor=admin)
    assert bad.value.field == "role"
    with pytest.raises(NotFound):
        users.change_role(db, "nobody", Role.MANAGER, actor=admin)


def test_the_last_admin_is_neither_demoted_nor_deactivated(db, admin):
    with pytest.raises(LastAdministrator) as demoted:
        users.change_role(db, "root", Role.MANAGER, actor=None)
    assert "единственный" in demoted.value.message
    with pytest.raises(LastAdministrator):
        users.set_active(db, "root", False, actor=None)
    auth.add_user(db, "root2", PASSWORD, Role.ADMIN, "Второй Админ")
    users.change_role(db, "root", Role.MANAGER, actor=admin)  # another admin remains
    with pytest.raises(LastAdministrator):
        users.set_active(db, "root2", False, actor=None)


def test_no_one_deactivates_oneself(db, admin):
    auth.add_user(db, "root2", PASSWORD, Role.ADMIN, "Второй Админ")
    with pytest.raises(DomainError) as own:
        users.set_active(db, "root", False, actor=admin)
    assert own.value.field == "active"


def test_deactivate_and_reactivate(db, admin, registrar):
    users.set_active(db, "reg1", False, actor=admin)
    with pytest.raises(LoginRefused):
        auth.login(db, "reg1", PASSWORD, "desk-1")
    [entry] = _journal(db, "deactivate")
    assert entry.changes == {"active": [True, False]}
    users.set_active(db, "reg1", True, actor=admin)
    assert auth.login(db, "reg1", PASSWORD, "desk-1").login == "reg1"
    assert len(_journal(db, "reactivate")) == 1


def test_unlock_and_reset_password(db, admin, registrar):
    for _ in range(auth.MAX_FAILED_ATTEMPTS):
        with pytest.raises(LoginRefused):
            auth.login(db, "reg1", "wrong", "desk-1")
    [row] = [r for r in users.list_users(db, actor=admin) if r.login == "reg1"]
    assert row.locked and row.locked_until is not None
    assert users.unlock(db, "reg1", actor=admin) is True
    assert users.unlock(db, "reg1", actor=admin) is False
    [entry] = _journal(db, "unlock")
    assert entry.changes["locked_until"][1] is None
    assert auth.login(db, "reg1", PASSWORD, "desk-1").login == "reg1"
    with pytest.raises(UserInvalid) as short:
        users.reset_password(db, "reg1", "short", "short", actor=admin)
    assert short.value.field == "password"
    users.reset_password(db, "reg1", "новый-пароль-9", "новый-пароль-9", actor=admin)
    assert auth.login(db, "reg1", "новый-пароль-9", "desk-1").login == "reg1"


def test_two_admins_demoting_each_other_at_once_cannot_both_succeed(committed_db):
    """Both changes wait on the lock together; when it is let go, one goes through and
    the other counts again and finds itself the last administrator."""
    auth.add_user(committed_db, "adm1", PASSWORD, Role.ADMIN, "Первый")
    auth.add_user(committed_db, "adm2", PASSWORD, Role.ADMIN, "Второй")
    one = auth.login(committed_db, "adm1", PASSWORD, "desk-1")
    two = auth.login(committed_db, "adm2", PASSWORD, "desk-2")
    outcomes: list[str] = []

    def act(fn) -> None:
        try:
            fn()
            outcomes.append("ok")
        except LastAdministrator:
            outcomes.append("refused")

    with committed_db() as holder, holder.begin():
        holder.execute(sa.select(sa.func.pg_advisory_xact_lock(users.LOCK_ADMINS)))
        threads = [
            threading.Thread(
                target=act,
                args=(
                    lambda: users.change_role(committed_db, "adm2", "manager", actor=one),
                ),  # fmt: skip
            ),
            threading.Thread(
                target=act,
                args=(
                    lambda: users.set_active(committed_db, "adm1", False, actor=two),
                ),  # fmt: skip
            ),
        ]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with committed_db() as probe:
                waiting = probe.execute(
                    sa.text(
                        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
                    )
                ).scalar_one()
            if waiting == 2:
                break
            time.sleep(0.05)
        assert waiting == 2
    for thread in threads:
        thread.join(10)
    assert sorted(outcomes) == ["ok", "refused"]
    with committed_db() as session:
        admins = session.scalars(
            sa.select(User.login).where(User.role == Role.ADMIN, User.active)
        ).all()
    assert len(admins) == 1
