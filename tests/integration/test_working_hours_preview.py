"""The preview of a change of working hours: what the save would move, nothing written.

Each test previews a change, checks that the database is exactly as before, then
saves the same change and checks that the save moved exactly what the preview said.
Real PostgreSQL; every test rolls back; "now" is passed in.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa

from crm.controllers.errors import NotFound, PermissionDenied, ValidationError
from crm.controllers.schedule import working_hours
from crm.controllers.schedule.working_hours import ExceptionForm, HoursPreview, TemplateForm
from crm.models import (
    Appointment,
    Doctor,
    JournalEntry,
    OutboxMessage,
    ScheduleException,
    ScheduleTemplate,
)
from crm.models.enums import ExceptionKind
from tests import factories as f
from tests.integration import test_working_hours as base
from tests.integration.test_working_hours import DAY, NOW, Clinic, book, vacation

#: The clinic of the tests of saving: a doctor Mon–Fri 09:00–13:00 in room 101.
clinic = base.clinic


def snapshot(db) -> dict[str, Any]:
    """Everything a change of hours (or a preview gone wrong) could write."""
    with db() as session:
        return {
            "journal": session.execute(
                sa.select(JournalEntry.id, JournalEntry.action, JournalEntry.entity)
                .order_by(JournalEntry.id)
            ).all(),
            "appointments": session.execute(
                sa.select(
                    Appointment.id, Appointment.status, Appointment.in_holding_tray,
                    Appointment.version,
                ).order_by(Appointment.id)
            ).all(),
            "outbox": session.execute(
                sa.select(OutboxMessage.id).order_by(OutboxMessage.id)
            ).all(),
            "exceptions": session.execute(
                sa.select(ScheduleException.id).order_by(ScheduleException.id)
            ).all(),
            "templates": session.execute(
                sa.select(
                    ScheduleTemplate.id, ScheduleTemplate.weekday, ScheduleTemplate.starts,
                    ScheduleTemplate.ends, ScheduleTemplate.room_id, ScheduleTemplate.valid_from,
                    ScheduleTemplate.valid_to, ScheduleTemplate.works_on_holidays,
                ).order_by(ScheduleTemplate.id)
            ).all(),
        }  # fmt: skip


def monday_template(db, c: Clinic) -> int:
    (row,) = [
        t
        for t in working_hours.doctor_hours(db, c.manager, c.doctor, since=DAY).templates
        if t.weekday == 1
    ]
    return row.id


def many_patients(db, count: int) -> list[int]:
    with db() as session, session.begin():
        return [f.patient(session, f"Пациентов{n}").id for n in range(count)]


def test_a_vacation_over_thirteen_appointments_is_previewed_exactly_and_nothing_is_written(
    db, clinic
):
    c = clinic
    patients = many_patients(db, 12)
    times = [f"{9 + m // 60:02d}:{m % 60:02d}" for m in range(0, 12 * 15, 15)]  # 09:00…11:45
    booked = [book(db, c, p, t) for p, t in zip(patients, times, strict=True)]
    booked.append(book(db, c, c.consenting, "09:00", DAY + dt.timedelta(days=1)))
    untouched = book(db, c, c.silent, "09:00", DAY + dt.timedelta(days=7))
    form = vacation(DAY, DAY + dt.timedelta(days=1))
    before = snapshot(db)

    preview = working_hours.preview_exception(db, c.manager, c.doctor, form, now=NOW)

    assert snapshot(db) == before  # no exception, no journal, no notice, nobody in the tray
    assert len(preview.held) == 13 and preview.released == ()
    assert [a.id for a in preview.held] == booked
    assert untouched not in {a.id for a in preview.held}
    # Only Смирнов consented to SMS: the others would get no notice (the desk calls).
    assert [a.notices_queued for a in preview.held] == [0] * 12 + [1]
    assert preview.held[0].starts_at == f.at(DAY, "09:00")
    assert preview.held[0].patient_short == "Пациентов0 И."

    change = working_hours.add_exception(db, c.manager, c.doctor, form, now=NOW)

    assert change.held == preview.held  # the same appointments, times, names and notices
    assert change.released == preview.released
    with db() as session:
        assert set(
            session.scalars(sa.select(Appointment.id).where(Appointment.in_holding_tray))
        ) == set(booked)


def test_shortening_a_template_is_previewed_as_the_save_then_does_it(db, clinic):
    c = clinic
    early, late = book(db, c, c.silent, "09:00"), book(db, c, c.consenting, "12:30")
    template_id = monday_template(db, c)
    form = TemplateForm(1, dt.time(9), dt.time(12), c.room_101, dt.date(2020, 1, 1))
    before = snapshot(db)

    preview = working_hours.preview_template(
        db, c.manager, c.doctor, form, template_id=template_id, now=NOW
    )

    assert snapshot(db) == before  # the template keeps 09:00–13:00
    assert [a.id for a in preview.held] == [late] and preview.held[0].notices_queued == 1
    change = working_hours.save_template(
        db, c.manager, c.doctor, form, template_id=template_id, now=NOW
    )
    assert change.held == preview.held and change.released == ()
    assert early not in {a.id for a in change.held}


def test_hours_given_back_are_previewed_as_released_and_new_hours_move_nobody(db, clinic):
    c = clinic
    held = book(db, c, c.consenting, "12:30")
    shorter = TemplateForm(1, dt.time(9), dt.time(12), c.room_101, dt.date(2020, 1, 1))
    working_hours.save_template(
        db, c.manager, c.doctor, shorter, template_id=monday_template(db, c), now=NOW
    )
    # Extra work (an absence would still win over it) gives 12:00–13:00 back.
    extra = ExceptionForm(
        ExceptionKind.EXTRA_WORK, f.at(DAY, "12:00"), f.at(DAY, "13:00"), "замена", c.room_101
    )
    before = snapshot(db)

    preview = working_hours.preview_exception(db, c.manager, c.doctor, extra, now=NOW)

    assert snapshot(db) == before
    assert preview.held == () and [a.id for a in preview.released] == [held]
    change = working_hours.add_exception(db, c.manager, c.doctor, extra, now=NOW)
    assert change.released == preview.released

    saturday = TemplateForm(6, dt.time(10), dt.time(14), c.room_101, dt.date(2031, 1, 1))
    assert working_hours.preview_template(db, c.manager, c.doctor, saturday, now=NOW) == (
        HoursPreview()
    )


def test_removing_hours_or_an_absence_is_previewed_as_the_removal_then_does_it(db, clinic):
    c = clinic
    monday = [book(db, c, c.silent, "09:00"), book(db, c, c.consenting, "12:30")]
    template_id = monday_template(db, c)
    before = snapshot(db)

    preview = working_hours.preview_delete_template(db, c.manager, template_id, now=NOW)

    assert snapshot(db) == before  # the template is still there, nobody in the tray
    assert [a.id for a in preview.held] == monday and preview.released == ()
    change = working_hours.delete_template(db, c.manager, template_id, now=NOW)
    assert change.held == preview.held

    # A vacation on Tuesday holds its appointment; calling the vacation off brings it back.
    tuesday = DAY + dt.timedelta(days=1)
    held = book(db, c, c.silent, "10:00", tuesday)
    working_hours.add_exception(db, c.manager, c.doctor, vacation(tuesday, tuesday), now=NOW)
    with db() as session:
        (exception_id,) = session.scalars(sa.select(ScheduleException.id))
    before = snapshot(db)

    preview = working_hours.preview_delete_exception(db, c.manager, exception_id, now=NOW)

    assert snapshot(db) == before
    assert preview.held == () and [a.id for a in preview.released] == [held]
    change = working_hours.delete_exception(db, c.manager, exception_id, now=NOW)
    assert change.released == preview.released
    with pytest.raises(NotFound):
        working_hours.preview_delete_exception(db, c.manager, exception_id, now=NOW)
    with pytest.raises(PermissionDenied):
        working_hours.preview_delete_template(db, c.registrar, template_id, now=NOW)


def test_a_new_template_over_the_tray_is_previewed_with_the_same_rule(db, clinic):
    c = clinic
    # Tuesday 09:00 is held by a vacation; a Tuesday template does not bring it back
    # (the vacation still covers it), and a preview says just that.
    tuesday = DAY + dt.timedelta(days=1)
    held = book(db, c, c.silent, "09:00", tuesday)
    working_hours.add_exception(db, c.manager, c.doctor, vacation(tuesday, tuesday), now=NOW)
    evening = TemplateForm(2, dt.time(17), dt.time(19), c.room_101, dt.date(2031, 1, 1))

    preview = working_hours.preview_template(db, c.manager, c.doctor, evening, now=NOW)

    assert preview == HoursPreview()
    assert working_hours.save_template(db, c.manager, c.doctor, evening, now=NOW).released == ()
    with db() as session:
        assert session.get(Appointment, held).in_holding_tray


@pytest.mark.parametrize(
    ("form", "field"),
    [
        (TemplateForm(6, dt.time(14), dt.time(10), None, dt.date(2031, 1, 1)), "ends"),
        (TemplateForm(1, dt.time(12), dt.time(15), None, dt.date(2031, 1, 1)), "starts"),
    ],
)
def test_a_preview_refuses_a_template_as_the_save_would(db, clinic, form, field):
    before = snapshot(db)
    with pytest.raises(ValidationError) as caught:
        working_hours.preview_template(db, clinic.manager, clinic.doctor, form, now=NOW)
    assert caught.value.field == field
    assert snapshot(db) == before


def test_a_preview_refuses_an_exception_as_the_save_would(db, clinic):
    c = clinic
    no_reason = ExceptionForm(ExceptionKind.TRAINING, f.at(DAY, "10:00"), f.at(DAY, "11:00"), " ")
    backwards = ExceptionForm(ExceptionKind.TRAINING, f.at(DAY, "11:00"), f.at(DAY, "10:00"), "x")
    foreign = ExceptionForm(
        ExceptionKind.EXTRA_WORK, f.at(DAY, "15:00"), f.at(DAY, "16:00"), "x", c.foreign_room
    )
    for form, field in ((no_reason, "reason"), (backwards, "ends_at"), (foreign, "room")):
        with pytest.raises(ValidationError) as caught:
            working_hours.preview_exception(db, c.manager, c.doctor, form, now=NOW)
        assert caught.value.field == field


def test_only_a_manager_previews_a_change(db, clinic):
    c = clinic
    form = TemplateForm(6, dt.time(10), dt.time(14), None, dt.date(2031, 1, 1))
    with pytest.raises(PermissionDenied):
        working_hours.preview_template(db, c.registrar, c.doctor, form, now=NOW)
    with pytest.raises(PermissionDenied):
        working_hours.preview_exception(db, c.registrar, c.doctor, vacation(DAY, DAY), now=NOW)


def test_the_doctors_own_room_number_comes_with_the_hours(db, clinic):
    c = clinic
    hours = working_hours.doctor_hours(db, c.manager, c.doctor, since=DAY)
    assert hours.default_room_id is None and hours.default_room_number is None
    with db() as session, session.begin():
        doctor = session.get(Doctor, c.doctor)
        assert doctor is not None
        doctor.default_room_id = c.room_102
    hours = working_hours.doctor_hours(db, c.manager, c.doctor, since=DAY)
    assert hours.default_room_number == "102"
