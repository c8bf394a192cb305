"""``clinic-crm book``, ``cancel`` and ``slots`` against a real, committed PostgreSQL database.

The commands use the server's clock, so the booked day is ten days from today and
the doctor works every day, holidays included.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from sqlalchemy.orm import sessionmaker

from crm.cli import main
from crm.models import Appointment, JournalEntry
from crm.models.enums import AppointmentStatus, Role
from tests import booking_factories as bf
from tests import factories as f
from tests.cli_login import proved

MOSCOW = ZoneInfo("Europe/Moscow")


@dataclass(frozen=True)
class Desk:
    url: str
    day: dt.date
    doctor: int
    specialty_code: str
    patients: tuple[int, ...]
    registrar: str
    manager: str
    service: int


@pytest.fixture
def run(key_file):
    def invoke(*args: str):
        arguments, given = proved(args)
        return CliRunner().invoke(main, ["--key-file", str(key_file), *arguments], input=given)

    return invoke


@pytest.fixture
def desk(committed_db_url, committed_engine, run) -> Desk:
    upgraded = run("--database", committed_db_url, "db", "upgrade")
    assert upgraded.exit_code == 0, upgraded.output
    db = sessionmaker(bind=committed_engine, expire_on_commit=False)
    with db() as session, session.begin():
        branch, specialty = f.clinic(session)
        doctor = f.doctor(session, branch, specialty, "Петров")
        bf.hours(session, doctor, "09:00-18:00", weekdays=bf.EVERY_DAY, works_on_holidays=True,
                 room_row=bf.room(session, branch, "203"))  # fmt: skip
        patients = tuple(f.patient(session, f"Пациент{i}").id for i in range(3))
        registrar = bf.user(session, Role.REGISTRAR).login
        manager = bf.user(session, Role.MANAGER).login
        code = specialty.code
        service = f.service(session).id
    day = dt.datetime.now(MOSCOW).date() + dt.timedelta(days=10)
    return Desk(committed_db_url, day, doctor.id, code, patients, registrar, manager, service)


def _book(run, desk: Desk, patient: int, hhmm: str, *extra: str, service: bool = True):
    terms = ("--service", str(desk.service)) if service and "--referral" not in extra else ()
    return run(
        "--database", desk.url, "book", "--patient", str(desk.patients[patient]),
        "--doctor", str(desk.doctor), "--at", f"{desk.day.isoformat()} {hhmm}", *terms, *extra,
    )  # fmt: skip


def test_a_paid_visit_without_a_service_is_refused_naming_the_field(desk, run, committed_db):
    with committed_db() as session:
        before = session.scalar(sa.select(sa.func.count()).select_from(Appointment))
    for kind in ((), ("--kind", "paid"), ("--kind", "follow_up")):
        refused = _book(run, desk, 0, "11:00", *kind, "--as", desk.registrar, service=False)
        assert refused.exit_code == 1, refused.output
        assert "Услуга:" in refused.stderr
    with committed_db() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Appointment)) == before
    booked = _book(run, desk, 0, "11:00", "--kind", "follow_up", "--as", desk.registrar)
    assert booked.exit_code == 0, booked.output
    with committed_db() as session:
        row = session.get(Appointment, int(booked.stdout.strip()))
        assert (row.kind.value, row.service_id) == ("follow_up", desk.service)


def test_book_prints_the_id_and_a_refusal_names_the_nearest_free_slot(desk, run, committed_db):
    booked = _book(run, desk, 0, "09:00", "--slots", "2", "--as", desk.registrar)
    assert booked.exit_code == 0, booked.output
    appointment_id = int(booked.stdout.strip())
    with committed_db() as session:
        row = session.get(Appointment, appointment_id)
        assert row.starts_at.astimezone(MOSCOW).strftime("%H:%M") == "09:00"
        assert row.ends_at - row.starts_at == dt.timedelta(minutes=30)
        entry = session.scalars(
            sa.select(JournalEntry).where(
                JournalEntry.entity == "appointment", JournalEntry.entity_id == appointment_id
            )
        ).one()
        assert (entry.login, entry.workstation) == (desk.registrar, "cli")

    taken = _book(run, desk, 1, "09:15", "--as", desk.registrar)
    assert taken.exit_code == 1
    assert taken.stdout == ""
    date = desk.day.strftime("%d.%m.%Y")
    assert (
        f"Время уже занято; ближайшее свободное время: {date} 09:30, Петров П. П., каб. 203"
        in taken.stderr
    )
    assert "Traceback" not in taken.output

    outside = _book(run, desk, 1, "19:00", "--as", desk.registrar)
    assert outside.exit_code == 1
    assert "Вне рабочего времени врача; ближайшее свободное время:" in outside.stderr

    unknown = _book(run, desk, 1, "12:00", "--referral", "НЕТ-ТАКОГО", "--as", desk.registrar)
    assert unknown.exit_code == 1
    assert "Направление с таким номером не зарегистрировано" in unknown.stderr
    assert "ближайшее" not in unknown.stderr


def test_who_acts_without_as(desk, run, committed_engine):
    # Issue 19, defect 4: nobody is acted as by default, not even the only manager.
    alone = _book(run, desk, 0, "10:00")
    assert alone.exit_code == 1 and "--as" in alone.stderr
    nobody = _book(run, desk, 1, "11:00", "--as", "nobody")
    assert nobody.exit_code == 1 and "Неверный логин или пароль" in nobody.stderr
    bad_time = _book(run, desk, 1, "11 o'clock", "--as", desk.manager)
    assert bad_time.exit_code == 2 and "--at" in bad_time.output
    assert "Traceback" not in bad_time.output


def test_slots_lists_free_time_by_doctor_or_specialty(desk, run):
    assert _book(run, desk, 0, "09:00", "--as", desk.registrar).exit_code == 0
    day = desk.day.isoformat()
    listed = run("--database", desk.url, "slots", "--doctor", str(desk.doctor),
                 "--from", day, "--to", day)  # fmt: skip
    assert listed.exit_code == 0, listed.output
    lines = listed.stdout.splitlines()
    date = desk.day.strftime("%d.%m.%Y")
    assert lines[0].startswith(f"{date} 09:15–09:30  Петров П. П. (")
    assert lines[0].endswith("), каб. 203")
    assert len(lines) == 35
    by_specialty = run("--database", desk.url, "slots", "--specialty", desk.specialty_code,
                       "--from", desk.day.strftime("%d.%m.%Y"), "--to", day, "--slots", "4",
                       "--limit", "2")  # fmt: skip
    assert by_specialty.exit_code == 0, by_specialty.output
    assert [line[:16] for line in by_specialty.stdout.splitlines()] == [
        f"{date} 09:15", f"{date} 09:30"]  # fmt: skip
    neither = run("--database", desk.url, "slots", "--from", day, "--to", day)
    assert neither.exit_code == 2
    unknown = run("--database", desk.url, "slots", "--specialty", "nope", "--from", day,
                  "--to", day)  # fmt: skip
    assert unknown.exit_code == 1 and "nope" in unknown.stderr


def test_cancel(desk, run, committed_db):
    booked = _book(run, desk, 0, "10:00", "--as", desk.registrar)
    appointment_id = booked.stdout.strip()
    cancelled = run("--database", desk.url, "cancel", appointment_id, "--reason", "заболел",
                    "--as", desk.registrar)  # fmt: skip
    assert cancelled.exit_code == 0, cancelled.output
    assert f"Запись {appointment_id} на {desk.day.strftime('%d.%m.%Y')} 10:00 отменена" in (
        cancelled.stdout)  # fmt: skip
    with committed_db() as session:
        row = session.get(Appointment, int(appointment_id))
        assert row.status is AppointmentStatus.CANCELLED and row.cancel_reason == "заболел"
    again = run("--database", desk.url, "cancel", appointment_id, "--reason", "x", "--by",
                "clinic", "--as", desk.manager)  # fmt: skip
    assert again.exit_code == 1
    assert "Отменить или перенести можно только предстоящую запись" in again.stderr
