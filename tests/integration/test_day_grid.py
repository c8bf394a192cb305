"""The schedule grid's data: doctors with their hours, appointments in the clinic's time."""

from __future__ import annotations

import datetime as dt

import pytest

from crm.controllers.access import auth
from crm.controllers.context import Actor
from crm.controllers.errors import PermissionDenied
from crm.controllers.schedule.day_grid import list_filters, load_grid
from crm.models import ScheduleException, ScheduleTemplate
from crm.models.enums import AppointmentStatus, ExceptionKind, Role
from tests import factories as f

MONDAY = dt.date(2031, 3, 3)


@pytest.fixture
def registrar(db):
    user_id = auth.add_user(db, "reg", "password-123", Role.REGISTRAR, "Рег")
    return Actor(user_id, "reg", "Рег", Role.REGISTRAR, "desk-1")


@pytest.fixture
def clinic(db):
    with db() as session, session.begin():
        branch, therapy = f.clinic(session)
        _, cardiology = f.clinic(session)
        ivanov = f.doctor(session, branch, therapy, "Иванов")
        petrova = f.doctor(session, branch, cardiology, "Петрова")
        session.add_all(
            [
                ScheduleTemplate(
                    doctor_id=ivanov.id,
                    weekday=1,
                    starts=dt.time(8),
                    ends=dt.time(12),
                    valid_from=dt.date(2030, 1, 1),
                ),
                ScheduleTemplate(
                    doctor_id=petrova.id,
                    weekday=1,
                    starts=dt.time(14),
                    ends=dt.time(18),
                    valid_from=dt.date(2030, 1, 1),
                ),
            ]
        )
        patient = f.patient(session, "Смирнова")
        kept = f.appointment(session, ivanov, patient, f.at(MONDAY, "09:00"), 30)
        gone = f.appointment(session, petrova, patient, f.at(MONDAY, "15:00"))
        gone.status = AppointmentStatus.CANCELLED
        session.flush()
        return {
            "branch": branch.id,
            "therapy": therapy.id,
            "cardiology": cardiology.id,
            "ivanov": ivanov.id,
            "petrova": petrova.id,
            "kept": kept.id,
            "gone": gone.id,
        }


def test_day_with_hours_and_live_appointments(db, registrar, clinic):
    grid = load_grid(db, registrar, MONDAY)
    by_id = {d.id: d for d in grid.doctors}
    assert set(by_id) == {clinic["ivanov"], clinic["petrova"]}
    [period] = by_id[clinic["ivanov"]].periods
    assert (period.starts_at.hour, period.ends_at.hour) == (8, 12)
    assert by_id[clinic["ivanov"]].short_name == "Иванов П. П."
    [block] = grid.appointments
    assert block.id == clinic["kept"] and block.slots == 2
    assert block.starts_at.utcoffset() == dt.timedelta(hours=3)  # Moscow wall clock
    assert block.starts_at.hour == 9 and block.patient_short == "Смирнова И."
    released = load_grid(db, registrar, MONDAY, include_released=True)
    assert {a.id for a in released.appointments} == {clinic["kept"], clinic["gone"]}


def test_filters_and_partial_refresh(db, registrar, clinic):
    only_cardiology = load_grid(db, registrar, MONDAY, specialty_id=clinic["cardiology"])
    assert [d.id for d in only_cardiology.doctors] == [clinic["petrova"]]
    only_ivanov = load_grid(db, registrar, MONDAY, doctor_ids=[clinic["ivanov"]])
    assert [d.id for d in only_ivanov.doctors] == [clinic["ivanov"]]
    branches, specialties = list_filters(db, registrar)
    assert clinic["branch"] in {b.id for b in branches}
    assert {clinic["therapy"], clinic["cardiology"]} <= {s.id for s in specialties}


def test_week_and_holidays(db, registrar, clinic):
    week = load_grid(
        db, registrar, dt.date(2031, 5, 5), dt.date(2031, 5, 11), doctor_ids=[clinic["ivanov"]]
    )
    assert dt.date(2031, 5, 9) in week.holidays  # Victory Day
    [doctor] = week.doctors
    assert [p.starts_at.date() for p in doctor.periods] == [dt.date(2031, 5, 5)]


def test_a_doctor_s_absence_comes_with_the_days_it_takes_in(db, registrar, clinic):
    with db() as session, session.begin():
        session.add_all([
            ScheduleException(
                doctor_id=clinic["ivanov"], kind=ExceptionKind.VACATION,
                starts_at=f.at(MONDAY, "00:00"),
                ends_at=f.at(MONDAY + dt.timedelta(days=5), "00:00"), reason="отпуск",
            ),
            ScheduleException(  # extra work is not an absence
                doctor_id=clinic["petrova"], kind=ExceptionKind.EXTRA_WORK,
                starts_at=f.at(MONDAY, "08:00"), ends_at=f.at(MONDAY, "10:00"), reason="замена",
            ),
        ])  # fmt: skip
    grid = load_grid(db, registrar, MONDAY)
    by_id = {d.id: d for d in grid.doctors}
    [away] = by_id[clinic["ivanov"]].absences
    assert away.kind is ExceptionKind.VACATION and by_id[clinic["ivanov"]].periods == ()
    assert away.covers(MONDAY, f.MOSCOW) and not away.covers(MONDAY - dt.timedelta(1), f.MOSCOW)
    assert away.last_day(f.MOSCOW) == MONDAY + dt.timedelta(days=4)  # to Friday inclusive
    assert by_id[clinic["petrova"]].absences == ()
    later = load_grid(db, registrar, MONDAY + dt.timedelta(days=7))
    assert all(d.absences == () for d in later.doctors)


def test_admin_has_no_schedule(db, clinic):
    admin_id = auth.add_user(db, "adm", "password-123", Role.ADMIN, "Админ")
    with pytest.raises(PermissionDenied):
        load_grid(db, Actor(admin_id, "adm", "А", Role.ADMIN, "x"), MONDAY)
