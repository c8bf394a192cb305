"""Who the command line acts as: a named user who proved it (a password from standard
input, or a token file an administrator issued), never "the only manager" by default;
refusals journaled; what no person did shows in the journal as «служебный»."""

from __future__ import annotations

import datetime as dt
import stat
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from sqlalchemy.orm import sessionmaker

from crm.cli import main
from crm.controllers.access import auth
from crm.controllers.journal import SERVICE_LOGIN
from crm.models import Appointment, JournalEntry
from crm.models.enums import JournalOutcome, Role
from tests import booking_factories as bf
from tests import factories as f

MOSCOW = ZoneInfo("Europe/Moscow")
PASSWORD = "пароль-регистратора"


@pytest.fixture
def run(key_file, committed_db_url):
    def invoke(*args: str, input: str | None = None, env: dict[str, str] | None = None):
        return CliRunner().invoke(
            main,
            ["--key-file", str(key_file), "--database", committed_db_url, *args],
            input=input,
            env=env,
        )

    return invoke


@pytest.fixture
def desk(run, committed_engine):
    upgraded = run("db", "upgrade")
    assert upgraded.exit_code == 0, upgraded.output
    db = sessionmaker(bind=committed_engine, expire_on_commit=False)
    with db() as session, session.begin():
        branch, specialty = f.clinic(session)
        doctor = f.doctor(session, branch, specialty, "Петров")
        bf.hours(session, doctor, "09:00-18:00", weekdays=bf.EVERY_DAY, works_on_holidays=True,
                 room_row=bf.room(session, branch, "203"))  # fmt: skip
        patient = f.patient(session, "Пациентова").id
        service = f.service(session).id  # a paid visit is always of a service
        bf.user(session, Role.MANAGER)  # the only manager: never acted as by default
    registrar = auth.add_user(db, "regina", PASSWORD, Role.REGISTRAR, "Регистратова Регина")
    day = dt.datetime.now(MOSCOW).date() + dt.timedelta(days=10)
    return {"db": db, "doctor": doctor.id, "patient": patient, "day": day, "user": registrar,
            "service": service}  # fmt: skip


def _book(run, desk, hhmm: str, *extra: str, **kwargs):
    return run(
        "book", "--patient", str(desk["patient"]), "--doctor", str(desk["doctor"]),
        "--at", f"{desk['day'].isoformat()} {hhmm}", "--service", str(desk["service"]),
        *extra, **kwargs,
    )  # fmt: skip


def _entries(desk, action: str) -> list[JournalEntry]:
    with desk["db"]() as session:
        return list(
            session.scalars(
                sa.select(JournalEntry)
                .where(JournalEntry.action == action)
                .order_by(JournalEntry.id)
            )
        )


def test_nobody_named_is_refused_not_the_only_manager(run, desk):
    refused = _book(run, desk, "09:00")
    assert refused.exit_code == 1, refused.output
    assert "--as" in refused.output and "--token-file" in refused.output
    with desk["db"]() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Appointment)) == 0


def test_the_password_from_stdin_and_a_wrong_one_refused_and_journaled(run, desk):
    booked = _book(run, desk, "09:00", "--as", "regina", "--password-stdin", input=PASSWORD + "\n")
    assert booked.exit_code == 0, booked.output
    (created,) = [e for e in _entries(desk, "create") if e.entity == "appointment"]
    assert (created.user_id, created.login, created.workstation) == (desk["user"], "regina", "cli")

    wrong = _book(run, desk, "10:00", "--as", "regina", "--password-stdin", input="не тот\n")
    assert wrong.exit_code == 1
    assert "Неверный логин или пароль" in wrong.output
    (failed,) = _entries(desk, "login_failed")
    assert (failed.login, failed.workstation, failed.outcome) == (
        "regina", "cli", JournalOutcome.REFUSED,
    )  # fmt: skip
    # Without a terminal and without --password-stdin nothing is guessed.
    no_password = _book(run, desk, "10:00", "--as", "regina")
    assert no_password.exit_code == 1 and "--password-stdin" in no_password.output
    with desk["db"]() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Appointment)) == 1


def test_a_token_file_an_admin_issues_acts_as_its_user(run, desk, tmp_path):
    token = tmp_path / "regina.token"
    issued = run("user", "token", "regina", "-o", str(token))
    assert issued.exit_code == 0, issued.output
    assert stat.S_IMODE(token.stat().st_mode) == 0o600
    secret = token.read_text(encoding="utf-8").strip().partition(":")[2]
    with desk["db"]() as session:
        stored = session.scalar(sa.text("SELECT cli_token_hash FROM app_user WHERE login='regina'"))
    assert stored.startswith("$argon2id$") and secret not in stored

    booked = _book(run, desk, "09:00", "--token-file", str(token))
    assert booked.exit_code == 0, booked.output
    by_env = _book(run, desk, "10:00", "--as", "regina", env={"CRM_TOKEN_FILE": str(token)})
    assert by_env.exit_code == 0, by_env.output
    created = [e for e in _entries(desk, "create") if e.entity == "appointment"]
    assert [(e.user_id, e.login) for e in created] == [(desk["user"], "regina")] * 2

    forged = tmp_path / "forged.token"
    forged.write_text("regina:" + "x" * 43, encoding="utf-8")
    refused = _book(run, desk, "11:00", "--token-file", str(forged))
    assert refused.exit_code == 1
    assert run("user", "token", "regina", "--revoke").exit_code == 0
    revoked = _book(run, desk, "11:00", "--token-file", str(token))
    assert revoked.exit_code == 1
    failed = _entries(desk, "login_failed")
    assert [(e.login, e.outcome) for e in failed] == [("regina", JournalOutcome.REFUSED)] * 2
    issued_entry = _entries(desk, "token_issued")[0]
    assert (issued_entry.user_id, issued_entry.login) == (None, SERVICE_LOGIN)


def test_the_administrators_commands_are_the_service_in_the_journal(run, desk):
    assert run("user", "role", "regina", "manager").exit_code == 0
    (changed,) = _entries(desk, "role_changed")
    assert (changed.user_id, changed.login) == (None, "служебный")
