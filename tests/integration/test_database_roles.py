"""The database refuses what a role may not do, whatever program or psql sends it.

The demo clinic is loaded once (in a transaction rolled back after the module); each
check then runs as a demo user's own PostgreSQL role (``SET LOCAL SESSION
AUTHORIZATION``, which sets ``session_user`` as a real login does) inside a savepoint.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from crm.controllers.access import auth, users
from crm.controllers.context import Actor
from crm.controllers.demo.users import DEMO_PASSWORD
from crm.controllers.directories.catalogue import DOCTORS
from crm.controllers.directories.records import list_rows
from crm.controllers.notifications import calls, messages
from crm.controllers.notifications.calls import queue_call
from crm.controllers.notifications.messages import OutboxFilter
from crm.controllers.notifications.template_editing import save_template
from crm.controllers.patients.cards import open_card
from crm.controllers.patients.search import search_patients
from crm.controllers.reports.dashboard import dashboard
from crm.controllers.schedule import booking, visit_status
from crm.controllers.schedule.day_grid import load_grid
from crm.controllers.schedule.slots import free_slots
from crm.crypto import KeyRing
from crm.db.checks import check_connection_role
from crm.models import Appointment, JournalEntry, OutboxMessage, Patient, Service, User
from crm.models.database_roles import GATE_SETTINGS, GROUP_OF_ROLE
from crm.models.enums import (
    AppointmentKind,
    CallStatus,
    NotificationChannel,
    NotificationStatus,
    Role,
)
from tests.factories import rolled_back_demo

TODAY = dt.date(2026, 12, 8)  # a Tuesday


@dataclass
class Demo:
    connection: sa.Connection
    db: sessionmaker[Session]
    keyring: KeyRing

    def actor(self, login: str) -> Actor:
        return auth.login(self.db, login, DEMO_PASSWORD, "desk-roles")

    def role_of(self, login: str) -> str:
        with self.db() as session:
            return session.scalars(sa.select(User.db_role).where(User.login == login)).one()

    @contextmanager
    def as_login(self, login: str) -> Iterator[sa.Connection]:
        """Everything inside runs as ``login``'s PostgreSQL role, then is undone."""
        role = self.role_of(login)
        savepoint = self.connection.begin_nested()
        self.connection.execute(sa.text(f'SET LOCAL SESSION AUTHORIZATION "{role}"'))
        try:
            yield self.connection
        finally:
            savepoint.rollback()

    def refused(self, login: str, statement: str) -> str | None:
        """The SQLSTATE with which ``statement`` fails as ``login`` (``None``: it ran)."""
        with self.as_login(login) as connection:
            inner = connection.begin_nested()
            try:
                connection.execute(sa.text(statement))
            except sa.exc.DBAPIError as error:
                inner.rollback()
                return getattr(error.orig, "sqlstate", "?")
            inner.rollback()
            return None


@pytest.fixture(scope="module")
def clinic(shared_engine: sa.Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    key_file = tmp_path_factory.mktemp("roles-key") / "key.bin"
    with rolled_back_demo(shared_engine, key_file, patients=40, seed=3, today=TODAY) as (
        connection,
        factory,
        keyring,
        _,
    ):
        yield Demo(connection, factory, keyring)


DEMO_LOGINS = ("registrar", "doctor", "manager", "admin")

#: Nobody at a workstation may do these (SQLSTATE 42501, insufficient privilege).
FORBIDDEN_TO_ALL = (
    "CREATE TABLE intruder (a int)",
    "ALTER TABLE patient ADD COLUMN intruder int",
    "DROP TABLE journal_entry",
    "TRUNCATE journal_entry",
    "TRUNCATE appointment",
    "ALTER TABLE journal_entry DISABLE TRIGGER ALL",
    "ALTER TABLE appointment DISABLE ROW LEVEL SECURITY",
    "DROP TRIGGER crm_journal_actor ON journal_entry",
    "UPDATE journal_entry SET details = 'rewritten'",
    "DELETE FROM journal_entry",
    "SELECT password_hash FROM app_user",
    "SELECT * FROM app_user",
    "SET session_replication_role = replica",
    "CREATE ROLE intruder LOGIN SUPERUSER",
    "DELETE FROM appointment",
    "DELETE FROM patient",
)

#: What a role may not do that another may.
FORBIDDEN_TO = {
    "registrar": (
        "SELECT data FROM document_part",
        "SELECT content_id FROM medical_document",
        "SELECT * FROM medical_document",
        "INSERT INTO schedule_template SELECT * FROM schedule_template LIMIT 1",
        "UPDATE doctor SET id = id",
        "UPDATE app_user SET role = 'admin'",
        "UPDATE clinic_setting SET value = value",
        "SELECT crm_sync_login(1, NULL)",
        "UPDATE notice_template SET body = body",
    ),
    "doctor": (
        "INSERT INTO patient SELECT * FROM patient LIMIT 1",
        "UPDATE patient SET note = 'x'",
        "DELETE FROM schedule_exception",
        "UPDATE app_user SET role = 'admin'",
        "SELECT crm_sync_login(1, NULL)",
    ),
    "manager": (
        "UPDATE app_user SET role = 'admin'",
        "INSERT INTO app_user (login, full_name, role, password_hash) "
        "VALUES ('x', 'x', 'admin', 'x')",
        "SELECT crm_sync_login(1, NULL)",
    ),
    "admin": (
        "SELECT last_name FROM patient",
        "SELECT data FROM document_part",
        "UPDATE appointment SET note = 'x'",
        "INSERT INTO payment SELECT * FROM payment LIMIT 1",
    ),
}

#: What each role's work needs, run straight in SQL as that role.
ALLOWED_TO = {
    "registrar": (
        "SELECT id, file_name, kind FROM medical_document",
        "SELECT last_name, snils_enc FROM patient",
        "UPDATE patient SET note = note",
        "INSERT INTO journal_entry (action) VALUES ('test')",
        "SELECT login, full_name FROM app_user",
        "SELECT subject, body FROM notice_template",  # a booking fills the clinic's texts
    ),
    "doctor": (
        "SELECT data FROM document_part",
        "SELECT last_name FROM patient",
        "UPDATE appointment SET note = note WHERE doctor_id = crm_my_doctor_id()",
        "UPDATE call_task SET status = status",
    ),
    "manager": (
        "UPDATE doctor SET id = id",
        "DELETE FROM schedule_exception WHERE false",
        "SELECT * FROM journal_entry",
        "UPDATE notice_template SET version = version",
    ),
    "admin": (
        "UPDATE app_user SET full_name = full_name",
        "UPDATE clinic_setting SET value = value",
        "SELECT * FROM journal_entry",
        "UPDATE schedule_template SET version = version",
    ),
}


def test_every_demo_user_is_a_role_in_its_group(clinic: Demo) -> None:
    for login in ("registrar", "registrar2", "doctor", "manager", "admin"):
        role = clinic.role_of(login)
        with clinic.db() as session:
            user = session.scalars(sa.select(User).where(User.login == login)).one()
            member, can_login, superuser = session.execute(
                sa.text(
                    "SELECT pg_has_role(:role, :group, 'MEMBER'), rolcanlogin, rolsuper "
                    "FROM pg_roles WHERE rolname = :role"
                ),
                {"role": role, "group": GROUP_OF_ROLE[user.role]},
            ).one()
        assert role.startswith(f"{login}@")
        assert member and can_login and not superuser


@pytest.mark.parametrize("login", DEMO_LOGINS)
@pytest.mark.parametrize("statement", FORBIDDEN_TO_ALL)
def test_no_workstation_role_may(clinic: Demo, login: str, statement: str) -> None:
    assert clinic.refused(login, statement) == "42501", statement


@pytest.mark.parametrize(
    ("login", "statement"),
    [(login, statement) for login, statements in FORBIDDEN_TO.items() for statement in statements],
)
def test_a_role_may_not(clinic: Demo, login: str, statement: str) -> None:
    assert clinic.refused(login, statement) == "42501", statement


@pytest.mark.parametrize(
    ("login", "statement"),
    [(login, statement) for login, statements in ALLOWED_TO.items() for statement in statements],
)
def test_a_role_may(clinic: Demo, login: str, statement: str) -> None:
    assert clinic.refused(login, statement) is None, statement


def test_nobody_writes_a_journal_entry_in_anothers_name(clinic: Demo) -> None:
    admin = clinic.actor("admin")
    registrar = clinic.actor("registrar")
    with clinic.as_login("registrar") as connection:
        entry_id = connection.execute(
            sa.text(
                "INSERT INTO journal_entry (user_id, login, action) "
                "VALUES (:id, 'admin', 'forged') RETURNING id"
            ),
            {"id": admin.user_id},
        ).scalar_one()
        user_id, login = connection.execute(
            sa.text("SELECT user_id, login FROM journal_entry WHERE id = :id"), {"id": entry_id}
        ).one()
    assert (user_id, login) == (registrar.user_id, "registrar")


def test_a_doctor_changes_only_her_own_appointments(clinic: Demo) -> None:
    doctor = clinic.actor("doctor")
    with clinic.db() as session:
        other = session.scalars(
            sa.select(Appointment.id).where(Appointment.doctor_id != doctor.doctor_id).limit(1)
        ).one()
        own = session.scalars(
            sa.select(Appointment.id).where(Appointment.doctor_id == doctor.doctor_id).limit(1)
        ).one()
    with clinic.as_login("doctor") as connection:
        # Another doctor's appointments are out of reach: the update finds no row.
        changed = connection.execute(
            sa.text("UPDATE appointment SET note = 'x' WHERE id = :id"), {"id": other}
        ).rowcount
        assert changed == 0
        own_changed = connection.execute(
            sa.text("UPDATE appointment SET note = note WHERE id = :id"), {"id": own}
        ).rowcount
        assert own_changed == 1
    # …and her own cannot be handed to another doctor.
    state = clinic.refused(
        "doctor",
        f"UPDATE appointment SET doctor_id = doctor_id + 1 WHERE id = {own}",
    )
    assert state == "42501"


def test_the_desks_work_runs_as_the_registrars_role(clinic: Demo) -> None:
    registrar = clinic.actor("registrar")
    with clinic.as_login("registrar"):
        page = search_patients(clinic.db, registrar, clinic.keyring, "а")
        assert page.hits
        card = open_card(clinic.db, registrar, clinic.keyring, page.hits[0].id, reveal=True)
        assert card.id == page.hits[0].id and card.revealed
        grid = load_grid(clinic.db, registrar, TODAY)
        assert grid.doctors
        with clinic.db() as session:
            doctor_id = session.scalars(sa.select(Appointment.doctor_id).limit(1)).one()
            service_id = session.scalars(sa.select(Service.id).where(Service.active).limit(1)).one()
        [slot] = free_slots(
            clinic.db,
            doctor_id=doctor_id,
            date_from=TODAY + dt.timedelta(days=3),
            date_to=TODAY + dt.timedelta(days=20),
            limit=1,
            patient_id=page.hits[0].id,
        )
        booked = booking.book(
            clinic.db,
            registrar,
            patient_id=page.hits[0].id,
            doctor_id=doctor_id,
            starts_at=slot.starts_at,
            kind=AppointmentKind.PAID,
            service_id=service_id,
            now=dt.datetime.combine(TODAY, dt.time(9), dt.UTC),
        )
        visit_status.cancel(
            clinic.db,
            registrar,
            booked.id,
            reason="Пациент передумал",
            now=dt.datetime.combine(TODAY, dt.time(9), dt.UTC),
        )
        with clinic.db() as session:
            actors = set(
                session.scalars(
                    sa.select(JournalEntry.user_id).where(JournalEntry.entity_id == booked.id)
                )
            )
        assert actors == {registrar.user_id}


def test_the_managers_and_the_admins_work_runs_as_their_roles(clinic: Demo) -> None:
    manager = clinic.actor("manager")
    admin = clinic.actor("admin")
    with clinic.as_login("manager"):
        assert dashboard(clinic.db, manager, now=dt.datetime.combine(TODAY, dt.time(9), dt.UTC))
        assert list_rows(clinic.db, manager, DOCTORS)
        assert load_grid(clinic.db, manager, TODAY).doctors
        sms = NotificationChannel.SMS
        saved = save_template(clinic.db, manager, "reminder", sms, subject=None,
                              body="{patient}, завтра в {time}", version=0)  # fmt: skip
        assert saved.custom
    with clinic.as_login("admin"):
        assert len(users.list_users(clinic.db, actor=admin)) == 5
        new_id = users.add_user(
            clinic.db,
            users.NewUser("night.desk", "Ночная Регистратура", Role.REGISTRAR, "long-enough-1"),
            actor=admin,
        )
        users.change_role(clinic.db, "night.desk", Role.MANAGER, actor=admin)
        users.set_active(clinic.db, "night.desk", False, actor=admin)
        with clinic.db() as session:
            role = session.get(User, new_id).db_role  # type: ignore[union-attr]
            member, can_login = session.execute(
                sa.text(
                    "SELECT pg_has_role(rolname, 'crm_manager', 'MEMBER'), rolcanlogin "
                    "FROM pg_roles WHERE rolname = :role"
                ),
                {"role": role},
            ).one()
        assert member and not can_login


def test_db_check_warns_of_a_superuser_and_not_of_a_staff_role(clinic: Demo) -> None:
    as_superuser = check_connection_role(clinic.connection)
    assert as_superuser.ok and as_superuser.warning
    assert "суперпользователь" in as_superuser.detail
    with clinic.as_login("registrar") as connection:
        as_registrar = check_connection_role(connection)
    assert as_registrar.ok and not as_registrar.warning
    assert clinic.role_of("registrar") in as_registrar.detail


def _as_gate(clinic: Demo) -> str:
    """A workstation's role before login (member of ``crm_gate`` only)."""
    database = clinic.connection.execute(sa.text("SELECT current_database()")).scalar_one()
    role = f"desk@{database}"
    clinic.connection.execute(sa.text(f'CREATE ROLE "{role}" LOGIN IN ROLE crm_gate'))
    return role


def test_a_desk_before_login_only_asks_and_counts_failures(clinic: Demo) -> None:
    savepoint = clinic.connection.begin_nested()
    try:
        gate = _as_gate(clinic)
        registrar_role = clinic.role_of("registrar")
        connection = clinic.connection
        settings_sql = sa.text("SELECT key FROM clinic_setting ORDER BY key")
        connection.execute(
            sa.text(
                "INSERT INTO clinic_setting (key, value) VALUES "
                "('crypto.key_fingerprint', '{}'), ('clinic.secret', '{}') ON CONFLICT DO NOTHING"
            )
        )
        assert "clinic.secret" in connection.execute(settings_sql).scalars().all()
        connection.execute(sa.text(f'SET LOCAL SESSION AUTHORIZATION "{gate}"'))
        # Of the clinic's settings, the desk sees the key's fingerprint and the timezone only.
        seen = connection.execute(settings_sql).scalars().all()
        assert "crypto.key_fingerprint" in seen and set(seen) <= set(GATE_SETTINGS)
        state, role, locked = connection.execute(
            sa.text("SELECT * FROM crm_login_check('Registrar')")
        ).one()
        assert (state, role, locked) == ("ok", registrar_role, None)
        assert connection.execute(sa.text("SELECT * FROM crm_login_check('nobody')")).one()[0] == (
            "unknown"
        )
        ends = [
            connection.execute(
                sa.text(
                    "SELECT crm_login_failed('registrar', 'desk-1', 'wrong password', 5, "
                    "interval '15 minutes')"
                )
            ).scalar_one()
            for _ in range(5)
        ]
        assert ends[:4] == [None] * 4 and ends[4] is not None
        assert connection.execute(sa.text("SELECT * FROM crm_login_check('registrar')")).one()[
            0
        ] == ("locked")
        for forbidden in ("SELECT login FROM app_user", "SELECT last_name FROM patient"):
            inner = connection.begin_nested()
            with pytest.raises(sa.exc.ProgrammingError) as refused:
                connection.execute(sa.text(forbidden))
            inner.rollback()
            assert refused.value.orig.sqlstate == "42501"  # type: ignore[union-attr]
        connection.execute(sa.text("RESET SESSION AUTHORIZATION"))
        # Locked out in the server too: the role's password has expired.
        expired = connection.execute(
            sa.text("SELECT rolvaliduntil = '-infinity' FROM pg_roles WHERE rolname = :r"),
            {"r": registrar_role},
        ).scalar_one()
        assert expired
        failures = connection.execute(
            sa.text(
                "SELECT count(*) FROM journal_entry WHERE action = 'login_failed' "
                "AND login = 'registrar' AND workstation = 'desk-1'"
            )
        ).scalar_one()
        assert failures == 5
    finally:
        savepoint.rollback()


def test_a_staff_role_records_its_own_login(clinic: Demo) -> None:
    registrar = clinic.actor("registrar")
    with clinic.as_login("registrar") as connection:
        assert (
            connection.execute(sa.text("SELECT crm_login_succeeded('desk-7')")).scalar_one()
            == registrar.user_id
        )
        user_id, workstation = connection.execute(
            sa.text(
                "SELECT user_id, workstation FROM journal_entry "
                "WHERE action = 'login' ORDER BY id DESC LIMIT 1"
            )
        ).one()
    assert (user_id, workstation) == (registrar.user_id, "desk-7")


def test_the_outbox_queue_and_the_call_list_run_as_their_roles(clinic: Demo) -> None:
    manager, registrar = clinic.actor("manager"), clinic.actor("registrar")
    doctor = clinic.actor("doctor")
    outer = clinic.connection.begin_nested()
    try:
        with clinic.db() as session, session.begin():
            pending = session.scalars(
                sa.select(OutboxMessage).where(OutboxMessage.status == NotificationStatus.PENDING)
                .order_by(OutboxMessage.id).limit(2)
            ).all()  # fmt: skip
            queued, given_up = pending[0].id, pending[1].id
            pending[1].status = NotificationStatus.FAILED
            patient_id = pending[0].patient_id
            call = queue_call(session, session.get(Patient, patient_id), "reminder", "Позвонить")
            call_id = call.id
        with clinic.as_login("manager"):
            assert messages.list_outbox(clinic.db, manager, OutboxFilter(patient="а"))
            assert messages.cancel_message(clinic.db, manager, queued) is (
                NotificationStatus.CANCELLED
            )
            assert messages.retry_message(clinic.db, manager, given_up) is (
                NotificationStatus.PENDING
            )
        for login, actor in (("registrar", registrar), ("doctor", doctor)):
            with clinic.as_login(login):
                assert messages.patient_messages(clinic.db, actor, patient_id)
        with clinic.as_login("registrar"):
            assert call_id in {c.id for c in calls.open_calls(clinic.db, registrar)}
            assert calls.mark_call(clinic.db, registrar, call_id, reached=False) is (
                CallStatus.NO_ANSWER
            )
    finally:
        outer.rollback()
