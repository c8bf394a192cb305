"""A manager edits doctors' working hours: weekly templates and exceptions.

Making a doctor unavailable over booked appointments never cancels them (DOMAIN.md):
after every change the doctor's future booked appointments are checked against the
new hours; those now outside them go to the holding tray (``in_holding_tray``) with a
notice queued to the patient, and those a change brings back inside the hours leave
the tray (the patient is told the visit stands). All in the transaction of the change,
under the doctor's booking lock, so a desk cannot book into hours being taken away.

Before saving, the editor asks :func:`preview_template` / :func:`preview_exception`
which booked appointments the change would move. A preview makes the very change the
save makes, in a transaction it then rolls back, and runs the same check
(:func:`hours_tray.tray_moves`) over the result: the answer is the save's, without a write
and without the lock (it is advice; the save decides again under the lock).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from crm.controllers import journal
from crm.controllers.access.permissions import Permission, require
from crm.controllers.clinic import clock
from crm.controllers.clinic.clock import server_now
from crm.controllers.context import Actor
from crm.controllers.errors import NotFound, ValidationError
from crm.controllers.notifications import outbox
from crm.controllers.schedule import calendar, freed_time, hours_tray
from crm.controllers.schedule.booking import LOCK_DOCTOR, clean
from crm.controllers.schedule.freed_time import TimeFreed
from crm.controllers.schedule.hours_tray import AffectedAppointment, HoursChange, HoursPreview
from crm.controllers.schedule.slots import short_name
from crm.i18n import translate
from crm.models import (
    Doctor,
    Room,
    ScheduleException,
    ScheduleTemplate,
    Specialty,
    User,
)
from crm.models.enums import ExceptionKind

#: Exceptions shown in the editor start this long before the day asked for.
HISTORY = dt.timedelta(days=31)
#: How far ahead hours given back are offered to the waiting list.
OFFER_HORIZON = dt.timedelta(days=60)


@dataclass(frozen=True)
class TemplateRow:
    """A weekly template as the editor shows it (``weekday``: ISO, 1 = Monday)."""

    id: int
    weekday: int
    starts: dt.time
    ends: dt.time
    room_id: int | None
    room_number: str | None
    valid_from: dt.date
    valid_to: dt.date | None
    works_on_holidays: bool


@dataclass(frozen=True)
class ExceptionRow:
    """A schedule exception (times in the clinic's timezone)."""

    id: int
    kind: ExceptionKind
    starts_at: dt.datetime
    ends_at: dt.datetime
    room_id: int | None
    room_number: str | None
    reason: str
    created_by: str | None


@dataclass(frozen=True)
class RoomChoice:
    """A room of the doctor's branch."""

    id: int
    number: str
    name: str | None


@dataclass(frozen=True)
class DoctorHours:
    """One doctor's templates and exceptions, and the rooms they may name."""

    doctor_id: int
    doctor_name: str
    specialty: str
    slot_minutes: int
    default_room_id: int | None
    rooms: tuple[RoomChoice, ...]
    templates: tuple[TemplateRow, ...]
    exceptions: tuple[ExceptionRow, ...]
    default_room_number: str | None = None


@dataclass(frozen=True)
class TemplateForm:
    """What the manager typed for a weekly template."""

    weekday: int
    starts: dt.time
    ends: dt.time
    room_id: int | None
    valid_from: dt.date
    valid_to: dt.date | None = None
    works_on_holidays: bool = False


@dataclass(frozen=True)
class ExceptionForm:
    """What the manager typed for an exception (aware times)."""

    kind: ExceptionKind
    starts_at: dt.datetime
    ends_at: dt.datetime
    reason: str
    room_id: int | None = None


def weekday_name(weekday: int) -> str:
    """The Russian (translated) name of ISO ``weekday``."""
    names = [
        translate("hours", "Monday"),
        translate("hours", "Tuesday"),
        translate("hours", "Wednesday"),
        translate("hours", "Thursday"),
        translate("hours", "Friday"),
        translate("hours", "Saturday"),
        translate("hours", "Sunday"),
    ]
    return names[weekday - 1]


# --- reading ------------------------------------------------------------------------------


def doctor_hours(
    db: sessionmaker[Session], actor: Actor, doctor_id: int, *, since: dt.date
) -> DoctorHours:
    """The doctor's templates (all) and the exceptions ending after ``since`` − a month."""
    require(actor, Permission.FIND_PATIENTS)
    with db() as session:
        tz = clock.clinic_timezone(session)
        doctor = _doctor(session, doctor_id)
        specialty = session.get(Specialty, doctor.specialty_id)
        rooms = tuple(
            RoomChoice(r.id, r.number, r.name)
            for r in session.scalars(
                sa.select(Room)
                .where(Room.branch_id == doctor.branch_id, Room.active)
                .order_by(Room.number)
            )
        )
        numbers = dict(session.execute(sa.select(Room.id, Room.number)).tuples().all())
        templates = tuple(
            TemplateRow(
                t.id,
                t.weekday,
                t.starts,
                t.ends,
                t.room_id,
                numbers.get(t.room_id or 0),
                t.valid_from,
                t.valid_to,
                t.works_on_holidays,
            )  # fmt: skip
            for t in session.scalars(
                sa.select(ScheduleTemplate)
                .where(ScheduleTemplate.doctor_id == doctor_id)
                .order_by(
                    ScheduleTemplate.weekday, ScheduleTemplate.starts, ScheduleTemplate.valid_from
                )
            )
        )
        start, _ = calendar.day_bounds(since, tz)
        authors = dict(session.execute(sa.select(User.id, User.full_name)).tuples().all())
        exceptions = tuple(
            ExceptionRow(
                e.id,
                e.kind,
                e.starts_at.astimezone(tz),
                e.ends_at.astimezone(tz),
                e.room_id,
                numbers.get(e.room_id or 0),
                e.reason,
                authors.get(e.created_by_id or 0),
            )  # fmt: skip
            for e in session.scalars(
                sa.select(ScheduleException)
                .where(
                    ScheduleException.doctor_id == doctor_id,
                    ScheduleException.ends_at > start - HISTORY,
                )
                .order_by(ScheduleException.starts_at)
            )
        )
        return DoctorHours(
            doctor_id=doctor.id,
            doctor_name=" ".join(
                p for p in (doctor.last_name, doctor.first_name, doctor.patronymic) if p
            ),
            specialty=specialty.name if specialty else "",
            slot_minutes=doctor.slot_minutes,
            default_room_id=doctor.default_room_id,
            rooms=rooms,
            templates=templates,
            exceptions=exceptions,
            default_room_number=numbers.get(doctor.default_room_id or 0),
        )


# --- changing -----------------------------------------------------------------------------


def save_template(
    db: sessionmaker[Session],
    actor: Actor,
    doctor_id: int,
    form: TemplateForm,
    *,
    template_id: int | None = None,
    now: dt.datetime | None = None,
) -> HoursChange:
    """Add a weekly template (``template_id`` None) or change one.

    Raises:
        ValidationError: a bad field (named), or hours overlapping another template of
            the doctor, or the room taken by another doctor then.
        NotFound: no such doctor or template.
    """
    require(actor, Permission.MANAGE_SCHEDULES)
    with db() as session, session.begin():
        _lock_doctor(session, doctor_id)
        doctor = _doctor(session, doctor_id)
        row, changes, action = _put_template(session, doctor, form, template_id)
        journal.record(
            session, action, actor=actor, entity="schedule_template", entity_id=row.id,
            changes={**changes, "doctor_id": [doctor_id, doctor_id]},
        )  # fmt: skip
        return _offer_new_hours(
            session, actor, doctor, now, hours_tray.reconcile(session, actor, doctor, now)
        )


def preview_template(
    db: sessionmaker[Session],
    actor: Actor,
    doctor_id: int,
    form: TemplateForm,
    *,
    template_id: int | None = None,
    now: dt.datetime | None = None,
) -> HoursPreview:
    """What :func:`save_template` with these arguments would move; nothing is written.

    Raises:
        ValidationError, NotFound: as :func:`save_template` would.
    """
    require(actor, Permission.MANAGE_SCHEDULES)

    def change(session: Session, doctor: Doctor) -> object:
        return _put_template(session, doctor, form, template_id)

    return _dry_run(db, doctor_id, now, change)


def delete_template(
    db: sessionmaker[Session], actor: Actor, template_id: int, *, now: dt.datetime | None = None
) -> HoursChange:
    """Remove a weekly template; appointments in its hours go to the holding tray."""
    require(actor, Permission.MANAGE_SCHEDULES)
    with db() as session, session.begin():
        row = session.get(ScheduleTemplate, template_id)
        if row is None:
            raise NotFound(translate("hours", "The working hours were already removed"))
        _lock_doctor(session, row.doctor_id)
        doctor = _doctor(session, row.doctor_id)
        before = {
            "weekday": row.weekday, "starts": row.starts, "ends": row.ends,
            "room_id": row.room_id, "valid_from": row.valid_from, "valid_to": row.valid_to,
            "doctor_id": row.doctor_id,
        }  # fmt: skip
        session.delete(row)
        session.flush()
        journal.record(
            session, "delete", actor=actor, entity="schedule_template", entity_id=template_id,
            changes=journal.diff(before, {}),
        )  # fmt: skip
        return hours_tray.reconcile(session, actor, doctor, now)


def preview_delete_template(
    db: sessionmaker[Session], actor: Actor, template_id: int, *, now: dt.datetime | None = None
) -> HoursPreview:
    """What :func:`delete_template` would move; nothing is written.

    Raises:
        NotFound: the template is gone already.
    """
    require(actor, Permission.MANAGE_SCHEDULES)
    return _dry_run_delete(db, ScheduleTemplate, template_id, now)


def add_exception(
    db: sessionmaker[Session],
    actor: Actor,
    doctor_id: int,
    form: ExceptionForm,
    *,
    now: dt.datetime | None = None,
) -> HoursChange:
    """Record a vacation, sick leave, training, blocked hours or extra work.

    Raises:
        ValidationError: no reason, an end not after the start, a room of another branch.
        NotFound: no such doctor.
    """
    require(actor, Permission.MANAGE_SCHEDULES)
    _check_aware(form)
    with db() as session, session.begin():
        _lock_doctor(session, doctor_id)
        doctor = _doctor(session, doctor_id)
        row = _put_exception(session, actor, doctor, form)
        journal.record(
            session, "create", actor=actor, entity="schedule_exception", entity_id=row.id,
            changes=journal.diff({}, {
                "doctor_id": doctor_id, "kind": form.kind, "starts_at": form.starts_at,
                "ends_at": form.ends_at, "room_id": form.room_id, "reason": row.reason,
            }),
        )  # fmt: skip
        change = hours_tray.reconcile(session, actor, doctor, now)
        if form.kind is ExceptionKind.EXTRA_WORK:
            change = _offer_new_hours(session, actor, doctor, now, change)
        return change


def preview_exception(
    db: sessionmaker[Session],
    actor: Actor,
    doctor_id: int,
    form: ExceptionForm,
    *,
    now: dt.datetime | None = None,
) -> HoursPreview:
    """What :func:`add_exception` with these arguments would move; nothing is written.

    Raises:
        ValidationError, NotFound: as :func:`add_exception` would.
    """
    require(actor, Permission.MANAGE_SCHEDULES)
    _check_aware(form)

    def change(session: Session, doctor: Doctor) -> object:
        return _put_exception(session, actor, doctor, form)

    return _dry_run(db, doctor_id, now, change)


def delete_exception(
    db: sessionmaker[Session], actor: Actor, exception_id: int, *, now: dt.datetime | None = None
) -> HoursChange:
    """Remove an exception (a vacation called off gives its hours back)."""
    require(actor, Permission.MANAGE_SCHEDULES)
    with db() as session, session.begin():
        row = session.get(ScheduleException, exception_id)
        if row is None:
            raise NotFound(translate("hours", "The exception was already removed"))
        _lock_doctor(session, row.doctor_id)
        doctor = _doctor(session, row.doctor_id)
        before = {
            "doctor_id": row.doctor_id, "kind": row.kind, "starts_at": row.starts_at,
            "ends_at": row.ends_at, "reason": row.reason,
        }  # fmt: skip
        session.delete(row)
        session.flush()
        journal.record(
            session, "delete", actor=actor, entity="schedule_exception", entity_id=exception_id,
            changes=journal.diff(before, {}),
        )  # fmt: skip
        change = hours_tray.reconcile(session, actor, doctor, now)
        if before["kind"] is not ExceptionKind.EXTRA_WORK:
            change = _offer_new_hours(session, actor, doctor, now, change)
        return change


def preview_delete_exception(
    db: sessionmaker[Session], actor: Actor, exception_id: int, *, now: dt.datetime | None = None
) -> HoursPreview:
    """What :func:`delete_exception` would move (an extra shift removed sends its
    appointments to the tray; a vacation removed brings held ones back); nothing is written.

    Raises:
        NotFound: the exception is gone already.
    """
    require(actor, Permission.MANAGE_SCHEDULES)
    return _dry_run_delete(db, ScheduleException, exception_id, now)


def _dry_run_delete(
    db: sessionmaker[Session],
    model: type[ScheduleTemplate] | type[ScheduleException],
    row_id: int,
    now: dt.datetime | None,
) -> HoursPreview:
    with db() as session:
        doctor_id = session.scalar(sa.select(model.doctor_id).where(model.id == row_id))
    if doctor_id is None:
        raise NotFound(
            translate("hours", "The working hours were already removed")
            if model is ScheduleTemplate
            else translate("hours", "The exception was already removed")
        )

    def change(session: Session, _doctor: Doctor) -> object:
        found = session.get(model, row_id)
        if found is not None:
            session.delete(found)
            session.flush()
        return found

    return _dry_run(db, doctor_id, now, change)


# --- rules --------------------------------------------------------------------------------


def _lock_doctor(session: Session, doctor_id: int) -> None:
    # The lock desks take while booking this doctor: none books into hours being changed.
    session.execute(sa.select(sa.func.pg_advisory_xact_lock(LOCK_DOCTOR, doctor_id)))


def _doctor(session: Session, doctor_id: int) -> Doctor:
    doctor = session.get(Doctor, doctor_id)
    if doctor is None:
        raise NotFound(translate("hours", "Doctor {id} does not exist").format(id=doctor_id))
    return doctor


def _template(session: Session, template_id: int, doctor_id: int) -> ScheduleTemplate:
    row = session.get(ScheduleTemplate, template_id)
    if row is None or row.doctor_id != doctor_id:
        raise NotFound(translate("hours", "The working hours were already removed"))
    return row


def _put_template(
    session: Session, doctor: Doctor, form: TemplateForm, template_id: int | None
) -> tuple[ScheduleTemplate, dict[str, list[object]], str]:
    """Check the form and write the template: the row, the journal's changes, the action."""
    _check_template(session, doctor, form, template_id)
    values = {
        "weekday": form.weekday, "starts": form.starts, "ends": form.ends,
        "room_id": form.room_id, "valid_from": form.valid_from, "valid_to": form.valid_to,
        "works_on_holidays": form.works_on_holidays,
    }  # fmt: skip
    if template_id is None:
        row = ScheduleTemplate(doctor_id=doctor.id, **values)
        session.add(row)
        session.flush()
        return row, journal.diff({}, values), "create"
    row = _template(session, template_id, doctor.id)
    before = {name: getattr(row, name) for name in values}
    for name, value in values.items():
        setattr(row, name, value)
    session.flush()
    return row, journal.diff(before, values), "update"


def _check_aware(form: ExceptionForm) -> None:
    if form.starts_at.tzinfo is None or form.ends_at.tzinfo is None:
        raise ValueError("exception times must be timezone-aware")


def _put_exception(
    session: Session, actor: Actor, doctor: Doctor, form: ExceptionForm
) -> ScheduleException:
    """Check the form and write the exception (its reason cleaned)."""
    reason = clean(form.reason)
    if form.ends_at <= form.starts_at:
        raise ValidationError(
            translate("hours", "The end must be after the start"), field="ends_at"
        )
    if reason is None:
        raise ValidationError(
            translate("hours", "Give the reason (it is shown to the registrars)"),
            field="reason",
        )
    _check_room(session, doctor, form.room_id)
    row = ScheduleException(
        doctor_id=doctor.id, kind=form.kind, starts_at=form.starts_at, ends_at=form.ends_at,
        room_id=form.room_id, reason=reason, created_by_id=actor.user_id,
    )  # fmt: skip
    session.add(row)
    session.flush()
    return row


def _dry_run(
    db: sessionmaker[Session],
    doctor_id: int,
    now: dt.datetime | None,
    change: Callable[[Session, Doctor], object],
) -> HoursPreview:
    """Make ``change`` as the save would, see what it moves, and roll it all back."""
    with db() as session:
        try:
            doctor = _doctor(session, doctor_id)
            change(session, doctor)
            moment = server_now(session, now)
            today = moment.astimezone(clock.clinic_timezone(session)).date()
            held: list[AffectedAppointment] = []
            released: list[AffectedAppointment] = []
            for move in hours_tray.tray_moves(session, doctor, moment, lock=False):
                reachable = outbox.reachable_channels(session, move.patient, today)
                (held if move.to_tray else released).append(move.affected(len(reachable)))
            return HoursPreview(
                held=tuple(held),
                released=tuple(released),
                present=hours_tray.present_outside(session, doctor, moment),
            )
        finally:
            # Nothing of the trial change may stay: not the row, not a flushed journal.
            session.rollback()


def _on_grid(moment: dt.time, minutes: int) -> bool:
    return (moment.hour * 60 + moment.minute) % minutes == 0 and moment.second == 0


def _hhmm(moment: dt.time) -> str:
    return moment.strftime("%H:%M")


def _check_template(
    session: Session, doctor: Doctor, form: TemplateForm, template_id: int | None
) -> None:
    if not 1 <= form.weekday <= 7:
        raise ValidationError(translate("hours", "Choose the day of the week"), field="weekday")
    if form.ends <= form.starts:
        raise ValidationError(translate("hours", "The end must be after the start"), field="ends")
    for field, moment in (("starts", form.starts), ("ends", form.ends)):
        if not _on_grid(moment, doctor.slot_minutes):
            raise ValidationError(
                translate("hours", "Use whole slots of {minutes} minutes (e.g. 08:00, 08:15)")
                .format(minutes=doctor.slot_minutes),
                field=field,
            )  # fmt: skip
    if form.valid_to is not None and form.valid_to < form.valid_from:
        raise ValidationError(
            translate("hours", "The last day cannot be before the first day"), field="valid_to"
        )
    _check_room(session, doctor, form.room_id)
    overlapping = _overlapping_templates(session, form, template_id)
    own = next((t for t in overlapping if t.doctor_id == doctor.id), None)
    if own is not None:
        raise ValidationError(
            translate(
                "hours", "These hours overlap the doctor's hours {starts}–{ends} on {weekday}"
            ).format(
                starts=_hhmm(own.starts), ends=_hhmm(own.ends), weekday=weekday_name(own.weekday)
            ),
            field="starts",
        )  # fmt: skip
    room_id = form.room_id if form.room_id is not None else doctor.default_room_id
    for other in overlapping:
        other_room = other.room_id
        if other_room is None:
            other_doctor = session.get(Doctor, other.doctor_id)
            other_room = other_doctor.default_room_id if other_doctor else None
        if room_id is not None and other_room == room_id:
            other_doctor = session.get(Doctor, other.doctor_id)
            assert other_doctor is not None  # a foreign key
            raise ValidationError(
                translate(
                    "hours", "The room is taken then by {doctor} ({starts}–{ends})"
                ).format(
                    doctor=short_name(
                        other_doctor.last_name, other_doctor.first_name, other_doctor.patronymic
                    ),
                    starts=_hhmm(other.starts), ends=_hhmm(other.ends),
                ),
                field="room",
            )  # fmt: skip


def _overlapping_templates(
    session: Session, form: TemplateForm, template_id: int | None
) -> list[ScheduleTemplate]:
    """Templates (any doctor's) on the same weekday whose times and validity overlap."""
    query = sa.select(ScheduleTemplate).where(
        ScheduleTemplate.weekday == form.weekday,
        ScheduleTemplate.starts < form.ends,
        ScheduleTemplate.ends > form.starts,
        sa.or_(ScheduleTemplate.valid_to.is_(None), ScheduleTemplate.valid_to >= form.valid_from),
    )
    if form.valid_to is not None:
        query = query.where(ScheduleTemplate.valid_from <= form.valid_to)
    if template_id is not None:
        query = query.where(ScheduleTemplate.id != template_id)
    return list(session.scalars(query.order_by(ScheduleTemplate.id)))


def _check_room(session: Session, doctor: Doctor, room_id: int | None) -> None:
    if room_id is None:
        return
    room = session.get(Room, room_id)
    if room is None or room.branch_id != doctor.branch_id or not room.active:
        raise ValidationError(
            translate("hours", "Choose a room of the doctor's branch"), field="room"
        )


def _offer_new_hours(
    session: Session, actor: Actor, doctor: Doctor, now: dt.datetime | None, change: HoursChange
) -> HoursChange:
    """Offer the doctor's free time (new hours may have made some) to the waiting list."""
    moment = server_now(session, now)
    offers = freed_time.announce(
        session, TimeFreed(doctor.id, moment, moment + OFFER_HORIZON, actor=actor, now=moment)
    )
    return replace(change, offers=offers)
