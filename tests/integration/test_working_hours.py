"""A manager's changes of working hours, and what they do to booked appointments.

Real PostgreSQL; every test rolls back. "Now" is passed in, a week before the days
the tests book, so nothing depends on the calendar.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from crm.controllers.context import Actor
from crm.controllers.errors import PermissionDenied, ValidationError
from crm.controllers.schedule import booking, calendar, day_grid, visit_status, working_hours
from crm.controllers.schedule.working_hours import ExceptionForm, TemplateForm
from crm.controllers.waiting import queue
from crm.models import Appointment, Doctor, JournalEntry, OutboxMessage, PatientConsent
from crm.models.enums import (
    AppointmentStatus,
    ConsentKind,
    ContactChannel,
    ExceptionKind,
    Role,
    WaitingStatus,
)
from tests import booking_factories as bf
from tests import factories as f

DAY = dt.date(2031, 3, 3)  # a Monday
NOW = f.at(DAY - dt.timedelta(days=7), "12:00")


@dataclass(frozen=True)
class Clinic:
    doctor: int
    colleague: int
    room_101: int
    room_102: int
    foreign_room: int
    consenting: int  # a patient with SMS consent
    silent: int  # a patient without any consent
    manager: Actor
    registrar: Actor


@pytest.fixture
def clinic(db) -> Clinic:
    with db() as session, session.begin():
        branch, specialty = f.clinic(session)
        other_branch, _ = f.clinic(session)
        room_101, room_102 = bf.room(session, branch, "101"), bf.room(session, branch, "102")
        foreign = bf.room(session, other_branch, "900")
        doctor = f.doctor(session, branch, specialty, "Петров")
        colleague = f.doctor(session, branch, specialty, "Сидорова")
        bf.hours(session, doctor, "09:00-13:00", room_row=room_101)
        bf.hours(session, colleague, "14:00-18:00", room_row=room_102)
        consenting, silent = f.patient(session, "Смирнов"), f.patient(session, "Молчанов")
        session.add(
            PatientConsent(
                patient_id=consenting.id, kind=ConsentKind.SMS, given_on=dt.date(2020, 1, 1)
            )
        )
        return Clinic(
            doctor=doctor.id, colleague=colleague.id, room_101=room_101.id, room_102=room_102.id,
            foreign_room=foreign.id, consenting=consenting.id, silent=silent.id,
            manager=bf.user(session, Role.MANAGER), registrar=bf.user(session, Role.REGISTRAR),
        )  # fmt: skip


def book(db, c: Clinic, patient: int, hhmm: str, day: dt.date = DAY) -> int:
    return f.book(
        db, c.registrar, patient_id=patient, doctor_id=c.doctor, starts_at=f.at(day, hhmm), now=NOW
    ).id


def vacation(day_from: dt.date, day_to: dt.date) -> ExceptionForm:
    return ExceptionForm(
        ExceptionKind.VACATION,
        f.at(day_from, "00:00"),
        f.at(day_to + dt.timedelta(days=1), "00:00"),
        "ежегодный отпуск",
    )


def appointment(db, appointment_id: int) -> Appointment:
    with db() as session:
        row = session.get(Appointment, appointment_id)
        session.expunge(row)
        return row


def outbox(db, appointment_id: int) -> list[OutboxMessage]:
    """The holding tray's notices of an appointment (its booking queued its own)."""
    with db() as session:
        return list(
            session.scalars(
                sa.select(OutboxMessage)
                .where(OutboxMessage.appointment_id == appointment_id)
                .where(OutboxMessage.purpose.in_(("unavailability", "change")))
                .order_by(OutboxMessage.id)
            )
        )


def test_a_vacation_holds_the_booked_appointments_it_covers_and_notifies_the_patients(db, clinic):
    c = clinic
    covered = book(db, c, c.consenting, "09:00")
    silent = book(db, c, c.silent, "10:00", DAY + dt.timedelta(days=1))
    later = book(db, c, c.consenting, "09:00", DAY + dt.timedelta(days=7))

    change = working_hours.add_exception(
        db, c.manager, c.doctor, vacation(DAY, DAY + dt.timedelta(days=2)), now=NOW
    )

    assert [a.id for a in change.held] == [covered, silent]
    assert [a.notices_queued for a in change.held] == [1, 0]  # no consent, no message
    for held in (covered, silent):
        row = appointment(db, held)
        assert row.in_holding_tray and row.status is AppointmentStatus.BOOKED  # never cancelled
    assert not appointment(db, later).in_holding_tray
    (message,) = outbox(db, covered)
    assert message.purpose == "unavailability" and message.channel.value == "sms"
    assert "03.03.2031" in message.body and "09:00" in message.body
    assert outbox(db, silent) == []
    with db() as session:
        actions = session.scalars(
            sa.select(JournalEntry.action)
            .where(JournalEntry.entity == "appointment", JournalEntry.entity_id == covered)
            .order_by(JournalEntry.id)
        ).all()
    assert actions[-1] == "hold"
    tray = day_grid.held_appointments(db, c.registrar, since=NOW)
    assert [a.id for a in tray.appointments] == [covered, silent]
    assert tray.doctor_names[c.doctor].startswith("Петров П. П.")


def test_a_doctor_s_tray_lists_only_the_doctor_s_own_held_appointments(db, clinic):
    c = clinic
    held = book(db, c, c.consenting, "09:00")
    working_hours.add_exception(db, c.manager, c.doctor, vacation(DAY, DAY), now=NOW)
    with db() as session, session.begin():
        doctor_user = bf.user(session, Role.DOCTOR, doctor=session.get(Doctor, c.doctor))
        colleague_user = bf.user(session, Role.DOCTOR, doctor=session.get(Doctor, c.colleague))
    assert [a.id for a in day_grid.held_appointments(db, doctor_user, since=NOW).appointments] == [
        held
    ]
    assert day_grid.held_appointments(db, colleague_user, since=NOW).appointments == ()
    assert len(day_grid.held_appointments(db, c.registrar, since=NOW).appointments) == 1


def test_calling_off_the_vacation_releases_the_held_appointments(db, clinic):
    c = clinic
    covered = book(db, c, c.consenting, "09:00")
    working_hours.add_exception(db, c.manager, c.doctor, vacation(DAY, DAY), now=NOW)
    hours = working_hours.doctor_hours(db, c.manager, c.doctor, since=DAY)
    (absence,) = hours.exceptions
    assert absence.reason == "ежегодный отпуск" and absence.kind is ExceptionKind.VACATION

    change = working_hours.delete_exception(db, c.manager, absence.id, now=NOW)

    assert [a.id for a in change.released] == [covered] and change.held == ()
    assert not appointment(db, covered).in_holding_tray
    assert [m.purpose for m in outbox(db, covered)] == ["unavailability", "change"]


def test_a_patient_already_in_the_clinic_is_named_not_moved(db, clinic):
    c = clinic
    today = NOW.date()
    arrived = book(db, c, c.consenting, "12:15", today)
    waiting = book(db, c, c.silent, "12:45", today)
    visit_status.set_status(
        db, c.registrar, arrived, AppointmentStatus.ARRIVED, now=f.at(today, "12:05")
    )
    sick = ExceptionForm(
        ExceptionKind.SICK_LEAVE, f.at(today, "12:00"), f.at(today, "13:00"), "заболел"
    )
    moment = f.at(today, "12:10")

    preview = working_hours.preview_exception(db, c.manager, c.doctor, sick, now=moment)
    assert [a.id for a in preview.present] == [arrived] and [a.id for a in preview.held] == [
        waiting
    ]
    change = working_hours.add_exception(db, c.manager, c.doctor, sick, now=moment)

    assert [a.id for a in change.present] == [arrived]
    assert change.present[0].patient_short.startswith("Смирнов")
    row = appointment(db, arrived)
    assert row.status is AppointmentStatus.ARRIVED and not row.in_holding_tray  # untouched
    assert [a.id for a in change.held] == [waiting]


def test_blocked_hours_hold_only_what_they_overlap(db, clinic):
    c = clinic
    before, inside, after = (book(db, c, c.silent, t) for t in ("09:00", "10:15", "11:30"))
    form = ExceptionForm(ExceptionKind.BLOCKED, f.at(DAY, "10:00"), f.at(DAY, "11:00"), "ремонт")

    change = working_hours.add_exception(db, c.manager, c.doctor, form, now=NOW)

    assert [a.id for a in change.held] == [inside]
    assert not appointment(db, before).in_holding_tray
    assert not appointment(db, after).in_holding_tray


def test_removing_a_template_holds_its_appointments(db, clinic):
    c = clinic
    monday = book(db, c, c.silent, "09:00")
    tuesday = book(db, c, c.silent, "09:00", DAY + dt.timedelta(days=1))
    hours = working_hours.doctor_hours(db, c.manager, c.doctor, since=DAY)
    (monday_hours,) = [t for t in hours.templates if t.weekday == 1]

    change = working_hours.delete_template(db, c.manager, monday_hours.id, now=NOW)

    assert [a.id for a in change.held] == [monday]
    assert not appointment(db, tuesday).in_holding_tray


def test_shortening_hours_holds_what_falls_outside(db, clinic):
    c = clinic
    early, late = book(db, c, c.silent, "09:00"), book(db, c, c.silent, "12:30")
    (monday_hours,) = [
        t
        for t in working_hours.doctor_hours(db, c.manager, c.doctor, since=DAY).templates
        if t.weekday == 1
    ]
    form = TemplateForm(1, dt.time(9), dt.time(12), c.room_101, dt.date(2020, 1, 1))

    change = working_hours.save_template(
        db, c.manager, c.doctor, form, template_id=monday_hours.id, now=NOW
    )

    assert [a.id for a in change.held] == [late]
    assert not appointment(db, early).in_holding_tray


def test_a_held_appointment_moved_to_a_free_slot_leaves_the_tray(db, clinic):
    c = clinic
    held = book(db, c, c.silent, "09:00")
    working_hours.add_exception(db, c.manager, c.doctor, vacation(DAY, DAY), now=NOW)

    moved = booking.reschedule(
        db, c.registrar, held, starts_at=f.at(DAY + dt.timedelta(days=1), "09:00"), now=NOW
    )

    assert not appointment(db, moved.id).in_holding_tray
    assert appointment(db, held).status is AppointmentStatus.RESCHEDULED
    assert day_grid.held_appointments(db, c.registrar, since=NOW).appointments == ()


def test_new_hours_open_new_slots(db, clinic):
    c = clinic
    saturday = DAY + dt.timedelta(days=12)  # not 8 March, a public holiday
    assert calendar.working_periods(db, c.doctor, saturday) == []
    form = TemplateForm(6, dt.time(10), dt.time(14), c.room_101, dt.date(2031, 1, 1))

    working_hours.save_template(db, c.manager, c.doctor, form, now=NOW)

    (period,) = calendar.working_periods(db, c.doctor, saturday)
    assert (period.starts, period.ends) == (f.at(saturday, "10:00"), f.at(saturday, "14:00"))
    with db() as session:
        entry = session.scalars(
            sa.select(JournalEntry).where(JournalEntry.entity == "schedule_template")
        ).one()
    assert entry.action == "create" and entry.changes["weekday"] == [None, 6]


@pytest.mark.parametrize(
    ("form", "field"),
    [
        (TemplateForm(6, dt.time(14), dt.time(10), None, dt.date(2031, 1, 1)), "ends"),
        (TemplateForm(6, dt.time(10, 10), dt.time(14), None, dt.date(2031, 1, 1)), "starts"),
        (TemplateForm(8, dt.time(10), dt.time(14), None, dt.date(2031, 1, 1)), "weekday"),
        (
            TemplateForm(
                6, dt.time(10), dt.time(14), None, dt.date(2031, 1, 1), dt.date(2030, 1, 1)
            ),
            "valid_to",
        ),
        # Monday 12:00–15:00 overlaps the doctor's own Monday 09:00–13:00.
        (TemplateForm(1, dt.time(12), dt.time(15), None, dt.date(2031, 1, 1)), "starts"),
    ],
)
def test_bad_templates_are_refused_naming_the_field(db, clinic, form, field):
    with pytest.raises(ValidationError) as caught:
        working_hours.save_template(db, clinic.manager, clinic.doctor, form, now=NOW)
    assert caught.value.field == field


def test_a_room_taken_by_a_colleague_then_is_refused(db, clinic):
    c = clinic
    # Сидорова has room 102 from 14:00 to 18:00 on weekdays.
    form = TemplateForm(2, dt.time(13), dt.time(15), c.room_102, dt.date(2031, 1, 1))
    with pytest.raises(ValidationError) as caught:
        working_hours.save_template(db, c.manager, c.doctor, form, now=NOW)
    assert caught.value.field == "room" and "Сидорова" in caught.value.message
    foreign = TemplateForm(6, dt.time(10), dt.time(14), c.foreign_room, dt.date(2031, 1, 1))
    with pytest.raises(ValidationError) as caught:
        working_hours.save_template(db, c.manager, c.doctor, foreign, now=NOW)
    assert caught.value.field == "room"


def test_an_exception_needs_a_reason_and_an_end_after_its_start(db, clinic):
    c = clinic
    no_reason = ExceptionForm(ExceptionKind.TRAINING, f.at(DAY, "10:00"), f.at(DAY, "11:00"), " ")
    backwards = ExceptionForm(ExceptionKind.TRAINING, f.at(DAY, "11:00"), f.at(DAY, "10:00"), "x")
    for form, field in ((no_reason, "reason"), (backwards, "ends_at")):
        with pytest.raises(ValidationError) as caught:
            working_hours.add_exception(db, c.manager, c.doctor, form, now=NOW)
        assert caught.value.field == field


def test_only_a_manager_changes_working_hours(db, clinic):
    c = clinic
    form = TemplateForm(6, dt.time(10), dt.time(14), None, dt.date(2031, 1, 1))
    with pytest.raises(PermissionDenied):
        working_hours.save_template(db, c.registrar, c.doctor, form, now=NOW)
    with pytest.raises(PermissionDenied):
        working_hours.add_exception(db, c.registrar, c.doctor, vacation(DAY, DAY), now=NOW)
    # Registrars may still look at the hours.
    assert working_hours.doctor_hours(db, c.registrar, c.doctor, since=DAY).templates


def test_a_held_appointment_may_be_rebooked_by_the_desk_within_24_hours(db, clinic):
    c = clinic
    held = book(db, c, c.silent, "11:00")
    working_hours.add_exception(db, c.manager, c.doctor, vacation(DAY, DAY), now=NOW)
    early_that_morning = f.at(DAY, "07:00")

    moved = booking.reschedule(
        db, c.registrar, held, starts_at=f.at(DAY + dt.timedelta(days=1), "09:00"),
        now=early_that_morning,
    )  # fmt: skip

    assert appointment(db, moved.id).status is AppointmentStatus.BOOKED
    # An appointment not in the tray still keeps the 24-hour rule.
    other = book(db, c, c.consenting, "10:00", DAY + dt.timedelta(days=1))
    with pytest.raises(booking.BookingRefused) as caught:
        booking.reschedule(
            db, c.registrar, other, starts_at=f.at(DAY + dt.timedelta(days=1), "12:00"),
            now=f.at(DAY + dt.timedelta(days=1), "07:00"),
        )  # fmt: skip
    assert caught.value.reason_code == "too_late_to_change"


def test_new_hours_are_offered_to_the_waiting_list(db, clinic):
    c = clinic
    saturday = DAY + dt.timedelta(days=12)
    entry = queue.add_entry(
        db, c.registrar, patient_id=c.consenting, doctor_id=c.doctor, wished_from=saturday,
        wished_to=saturday, channel=ContactChannel.SMS, now=NOW,
    )  # fmt: skip
    form = TemplateForm(6, dt.time(10), dt.time(12), c.room_101, dt.date(2031, 1, 1))

    change = working_hours.save_template(db, c.manager, c.doctor, form, now=NOW)

    assert change.offers == 1
    offered = queue.get_entry(db, c.registrar, entry.id, now=NOW)
    assert offered.status is WaitingStatus.OFFERED
    assert offered.offered_starts_at == f.at(saturday, "10:00")
