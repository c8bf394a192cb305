"""A registrar corrects her own mistakes (issue 19, defect 9; DOMAIN.md, Booking).

She may undo her own status mark (a mis-pressed F2) without a manager, and change or
cancel a booking she made in the last 15 minutes even less than 24 hours before it;
both are journaled as corrections. Anyone else's mark or booking keeps the rules.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from crm.controllers.schedule import booking, visit_status
from crm.models import Appointment
from crm.models.enums import AppointmentStatus, Role
from tests import booking_factories as bf
from tests import factories as f
from tests.integration import test_booking as tb
from tests.integration.test_booking import DAY, book, journal_of, refused

clinic = tb.clinic  # the booking tests' clinic, as a fixture here too

S = AppointmentStatus
SOON = f.at(DAY - dt.timedelta(days=1), "10:01")  # 23 h 59 min before 10:00


def made_at(db, appointment_id: int, when: dt.datetime) -> None:
    """Say the appointment was booked at ``when`` (the tests' clock is years ahead)."""
    with db() as session, session.begin():
        session.execute(
            sa.update(Appointment).where(Appointment.id == appointment_id).values(created_at=when)
        )


def another_registrar(db):
    with db() as session, session.begin():
        return bf.user(session, Role.REGISTRAR)


def test_her_own_booking_of_the_last_15_minutes_may_be_cancelled_inside_24_hours(db, clinic):
    made = book(db, clinic, "10:00", now=SOON - dt.timedelta(minutes=5))
    made_at(db, made.id, SOON - dt.timedelta(minutes=5))
    caught = refused(visit_status.cancel, db, another_registrar(db), made.id, reason="x", now=SOON)
    assert caught.reason_code == "too_late_to_change"
    assert caught.message == booking.too_late_message()
    late = SOON + dt.timedelta(minutes=11)  # 16 minutes after she booked
    caught = refused(visit_status.cancel, db, clinic.registrar, made.id, reason="x", now=late)
    assert caught.reason_code == "too_late_to_change"

    cancelled = visit_status.cancel(db, clinic.registrar, made.id, reason="не тот врач", now=SOON)
    assert cancelled.status is S.CANCELLED
    entry = journal_of(db, made.id)[-1]
    assert entry.action == "cancel"
    assert entry.details.startswith("Исправление своей записи") and "не тот врач" in entry.details


def test_her_own_booking_of_the_last_15_minutes_may_be_moved_inside_24_hours(db, clinic):
    made = book(db, clinic, "10:00", now=SOON - dt.timedelta(minutes=10))
    made_at(db, made.id, SOON - dt.timedelta(minutes=10))
    moved = booking.reschedule(
        db, clinic.registrar, made.id, starts_at=f.at(DAY, "11:00"), now=SOON
    )
    assert moved.starts_at == f.at(DAY, "11:00")
    entry = [e for e in journal_of(db, made.id) if e.action == "reschedule"][-1]
    assert entry.details.startswith("Исправление своей записи")


def test_she_undoes_her_own_status_mark_but_nobody_else_s(db, clinic):
    made = book(db, clinic, "10:00")
    at = f.at(DAY, "09:50")
    visit_status.set_status(db, clinic.registrar, made.id, S.ARRIVED, now=at)  # F2, wrong row
    caught = refused(visit_status.set_status, db, another_registrar(db), made.id, S.BOOKED, now=at)
    assert caught.reason_code == "permission"
    back = visit_status.set_status(db, clinic.registrar, made.id, S.BOOKED, now=at)
    assert back.status is S.BOOKED
    entry = journal_of(db, made.id)[-1]
    assert entry.changes == {"status": ["arrived", "booked"]}
    assert entry.details.startswith("Исправление")
    # A mark a manager made stays a manager's to undo.
    visit_status.set_status(db, clinic.manager, made.id, S.ARRIVED, now=at)
    caught = refused(visit_status.set_status, db, clinic.registrar, made.id, S.BOOKED, now=at)
    assert caught.reason_code == "permission"
