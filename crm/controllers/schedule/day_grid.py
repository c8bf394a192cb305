"""What the schedule grid shows: doctors' columns, their working hours, appointments.

One call returns everything for a day (or a doctor's week) as plain frozen rows, in
a fixed number of queries whatever the number of doctors: doctors, working hours
(three queries, see :mod:`crm.controllers.schedule.calendar`) and the appointments of the
range joined with their patients and referrals. A grid refreshing after a change
notice asks for just the doctors that changed (``doctor_ids``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from crm.controllers.access.permissions import (
    Permission,
    allowed,
    require,
    schedule_limited_to,
)
from crm.controllers.clinic import clock
from crm.controllers.context import Actor
from crm.controllers.payments.status import PaymentStatus, mark_of, money_columns
from crm.controllers.schedule import calendar
from crm.controllers.schedule.slots import short_name
from crm.models import (
    Appointment,
    Branch,
    Doctor,
    Patient,
    Referral,
    Room,
    ScheduleException,
    Specialty,
)
from crm.models.appointments import HOLDS_SLOT
from crm.models.enums import AppointmentKind, AppointmentStatus, ExceptionKind


@dataclass(frozen=True)
class WorkingPeriod:
    """An uninterrupted stretch of working time (aware datetimes) in a room."""

    starts_at: dt.datetime
    ends_at: dt.datetime
    room_number: str | None


@dataclass(frozen=True)
class Absence:
    """A doctor's absence (vacation, sick leave, training, blocked hours) over the days
    shown: the header says why a day is not worked, and until when."""

    starts_at: dt.datetime
    ends_at: dt.datetime
    kind: ExceptionKind

    def covers(self, day: dt.date, tz: dt.tzinfo) -> bool:
        """Whether the absence takes in any of ``day`` (in the clinic's time)."""
        start, end = calendar.day_bounds(day, tz)
        return self.starts_at < end and self.ends_at > start

    def last_day(self, tz: dt.tzinfo) -> dt.date:
        """The last day it takes in (it ends at midnight of the day after)."""
        return (self.ends_at.astimezone(tz) - dt.timedelta(microseconds=1)).date()


@dataclass(frozen=True)
class GridDoctor:
    """A doctor's column."""

    id: int
    short_name: str
    full_name: str
    specialty_id: int
    specialty_name: str
    branch_id: int
    branch_name: str
    room_number: str | None
    offers_remote: bool
    slot_minutes: int
    periods: tuple[WorkingPeriod, ...]
    absences: tuple[Absence, ...] = ()


@dataclass(frozen=True)
class GridAppointment:
    """An appointment block (times in the clinic's timezone)."""

    id: int
    doctor_id: int
    patient_id: int
    patient_short: str
    patient_full: str
    patient_birth_date: dt.date
    patient_phone: str | None
    starts_at: dt.datetime
    ends_at: dt.datetime
    kind: AppointmentKind
    status: AppointmentStatus
    referral_id: int | None
    referral_number: str | None
    referral_specialty_id: int | None
    overbooked: bool
    in_holding_tray: bool
    room_number: str | None
    note: str | None
    version: int
    #: Who booked it and when (a registrar corrects her own booking for 15 minutes).
    created_by_id: int | None = None
    created_at: dt.datetime | None = None
    #: Paid / partly paid / unpaid / refunded; ``None``: nothing to pay, or the role
    #: does not see money (a doctor).
    payment: PaymentStatus | None = None

    @property
    def slots(self) -> int:
        """How many 15-minute slots the block spans."""
        return max(1, int((self.ends_at - self.starts_at) / dt.timedelta(minutes=15)))


@dataclass(frozen=True)
class GridData:
    """A day (or days) of the grid."""

    date_from: dt.date
    date_to: dt.date
    timezone: str
    doctors: tuple[GridDoctor, ...]
    appointments: tuple[GridAppointment, ...]
    holidays: frozenset[dt.date]


@dataclass(frozen=True)
class FilterChoice:
    """A branch or a specialty for the grid's filters."""

    id: int
    name: str


def list_filters(
    db: sessionmaker[Session], actor: Actor
) -> tuple[tuple[FilterChoice, ...], tuple[FilterChoice, ...]]:
    """Branches and the specialties that have active doctors."""
    require(actor, Permission.FIND_PATIENTS)
    with db() as session:
        branches = tuple(
            FilterChoice(r.id, r.name)
            for r in session.execute(
                sa.select(Branch.id, Branch.name).where(Branch.active).order_by(Branch.name)
            )
        )
        specialties = tuple(
            FilterChoice(r.id, r.name)
            for r in session.execute(
                sa.select(Specialty.id, Specialty.name)
                .where(sa.exists().where(Doctor.specialty_id == Specialty.id, Doctor.active))
                .order_by(Specialty.name)
            )
        )
    return branches, specialties


def load_grid(
    db: sessionmaker[Session],
    actor: Actor,
    date_from: dt.date,
    date_to: dt.date | None = None,
    *,
    branch_id: int | None = None,
    specialty_id: int | None = None,
    doctor_ids: Sequence[int] | None = None,
    include_released: bool = False,
) -> GridData:
    """Doctors (filtered), their hours and appointments from ``date_from`` to ``date_to``.

    Args:
        include_released: also return cancelled and rescheduled appointments (the
            grid hides them; a history view may want them).
    """
    require(actor, Permission.FIND_PATIENTS)
    date_to = date_to or date_from
    with db() as session:
        zone = clock.clinic_timezone(session)
        doctors = _doctors(session, branch_id, specialty_id, doctor_ids)
        periods = calendar.working_periods_bulk(
            session, [d.id for d in doctors], date_from, date_to, tz=zone
        )
        rooms = _room_numbers(session, periods)
        range_start, _ = calendar.day_bounds(date_from, zone)
        _, range_end = calendar.day_bounds(date_to, zone)
        appointments = _appointments(
            session,
            [d.id for d in doctors],
            range_start,
            range_end,
            include_released=include_released,
            zone=zone,
            money=allowed(actor, Permission.TAKE_PAYMENTS),
        )
        absences = _absences(session, [d.id for d in doctors], range_start, range_end)
    columns = tuple(
        GridDoctor(
            id=d.id,
            short_name=short_name(d.last_name, d.first_name, d.patronymic),
            full_name=" ".join(p for p in (d.last_name, d.first_name, d.patronymic) if p),
            specialty_id=d.specialty_id,
            specialty_name=d.specialty_name,
            branch_id=d.branch_id,
            branch_name=d.branch_name,
            room_number=d.room_number,
            offers_remote=d.offers_remote,
            slot_minutes=d.slot_minutes,
            periods=tuple(
                WorkingPeriod(p.starts, p.ends, rooms.get(p.room) if p.room else d.room_number)
                for p in periods[d.id]
            ),
            absences=absences.get(d.id, ()),
        )
        for d in doctors
    )
    return GridData(
        date_from=date_from,
        date_to=date_to,
        timezone=str(zone),
        doctors=columns,
        appointments=appointments,
        holidays=calendar.holidays_between(date_from, date_to),
    )


def _absences(
    session: Session, doctor_ids: list[int], range_start: dt.datetime, range_end: dt.datetime
) -> dict[int, tuple[Absence, ...]]:
    """The doctors' absences overlapping the range, by doctor (one query)."""
    if not doctor_ids:
        return {}
    rows = session.execute(
        sa.select(
            ScheduleException.doctor_id, ScheduleException.starts_at,
            ScheduleException.ends_at, ScheduleException.kind,
        )
        .where(
            ScheduleException.doctor_id.in_(doctor_ids),
            ScheduleException.kind != ExceptionKind.EXTRA_WORK,
            ScheduleException.starts_at < range_end,
            ScheduleException.ends_at > range_start,
        )
        .order_by(ScheduleException.starts_at)
    )  # fmt: skip
    found: dict[int, list[Absence]] = {}
    for row in rows:
        found.setdefault(row.doctor_id, []).append(Absence(row.starts_at, row.ends_at, row.kind))
    return {doctor_id: tuple(items) for doctor_id, items in found.items()}


def _doctors(
    session: Session,
    branch_id: int | None,
    specialty_id: int | None,
    doctor_ids: Sequence[int] | None,
) -> list[sa.Row]:
    query = (
        sa.select(
            Doctor.id,
            Doctor.last_name,
            Doctor.first_name,
            Doctor.patronymic,
            Doctor.specialty_id,
            Specialty.name.label("specialty_name"),
            Doctor.branch_id,
            Branch.name.label("branch_name"),
            Room.number.label("room_number"),
            Doctor.offers_remote,
            Doctor.slot_minutes,
        )
        .join(Specialty, Specialty.id == Doctor.specialty_id)
        .join(Branch, Branch.id == Doctor.branch_id)
        .outerjoin(Room, Room.id == Doctor.default_room_id)
        .where(Doctor.active)
        .order_by(Specialty.name, Doctor.last_name, Doctor.first_name, Doctor.id)
    )
    if branch_id is not None:
        query = query.where(Doctor.branch_id == branch_id)
    if specialty_id is not None:
        query = query.where(Doctor.specialty_id == specialty_id)
    if doctor_ids is not None:
        query = query.where(Doctor.id.in_(list(doctor_ids)))
    return list(session.execute(query))


def _room_numbers(session: Session, periods: dict[int, list]) -> dict[int, str]:
    ids = {p.room for ps in periods.values() for p in ps if p.room is not None}
    if not ids:
        return {}
    rows = session.execute(sa.select(Room.id, Room.number).where(Room.id.in_(ids)))
    return {row.id: row.number for row in rows}


@dataclass(frozen=True)
class HeldAppointments:
    """The holding tray: appointments waiting to be moved, and their doctors' names."""

    appointments: tuple[GridAppointment, ...]
    doctor_names: dict[int, str]


def held_appointments(
    db: sessionmaker[Session], actor: Actor, *, since: dt.datetime
) -> HeldAppointments:
    """Every booked appointment in the holding tray starting from ``since``, of all doctors
    (a doctor who may book only the own schedule: of that doctor, the only ones they can
    move).

    The tray lists them whatever day and doctors the grid shows, so none is forgotten.
    """
    require(actor, Permission.FIND_PATIENTS)
    conditions = [
        Appointment.in_holding_tray.is_(True),
        Appointment.status == AppointmentStatus.BOOKED,
        Appointment.starts_at >= since,
    ]
    if (own := schedule_limited_to(actor)) is not None:
        conditions.append(Appointment.doctor_id == own)
    with db() as session:
        zone = clock.clinic_timezone(session)
        held = _select_appointments(session, conditions, zone)
        names: dict[int, str] = {}
        if held:
            rows = session.execute(
                sa.select(
                    Doctor.id, Doctor.last_name, Doctor.first_name, Doctor.patronymic,
                    Specialty.name,
                )
                .join(Specialty, Specialty.id == Doctor.specialty_id)
                .where(Doctor.id.in_({a.doctor_id for a in held}))
            )  # fmt: skip
            names = {
                r.id: f"{short_name(r.last_name, r.first_name, r.patronymic)} ({r.name})"
                for r in rows
            }
        return HeldAppointments(held, names)


def _appointments(
    session: Session,
    doctor_ids: list[int],
    range_start: dt.datetime,
    range_end: dt.datetime,
    *,
    include_released: bool,
    zone: dt.tzinfo,
    money: bool = False,
) -> tuple[GridAppointment, ...]:
    if not doctor_ids:
        return ()
    conditions: list[sa.ColumnElement[bool] | sa.TextClause] = [
        Appointment.doctor_id.in_(doctor_ids),
        Appointment.starts_at < range_end,
        Appointment.ends_at > range_start,
    ]
    if not include_released:
        conditions.append(sa.text(HOLDS_SLOT.replace("status", "appointment.status")))
    return _select_appointments(session, conditions, zone, money=money)


def _select_appointments(
    session: Session,
    conditions: Sequence[sa.ColumnElement[bool] | sa.TextClause],
    zone: dt.tzinfo,
    *,
    money: bool = False,
) -> tuple[GridAppointment, ...]:
    """The appointments matching ``conditions``; with ``money``, each with its payment
    status, read in the same query (correlated sums, not a query per block)."""
    query = (
        sa.select(
            Appointment.id,
            Appointment.doctor_id,
            Appointment.patient_id,
            Patient.last_name,
            Patient.first_name,
            Patient.patronymic,
            Patient.birth_date,
            Patient.phone,
            Appointment.starts_at,
            Appointment.ends_at,
            Appointment.kind,
            Appointment.status,
            Appointment.referral_id,
            Referral.number.label("referral_number"),
            Referral.specialty_id.label("referral_specialty_id"),
            Appointment.overbooked,
            Appointment.in_holding_tray,
            Room.number.label("room_number"),
            Appointment.note,
            Appointment.version,
            Appointment.created_by_id,
            Appointment.created_at,
        )
        .join(Patient, Patient.id == Appointment.patient_id)
        .outerjoin(Referral, Referral.id == Appointment.referral_id)
        .outerjoin(Room, Room.id == Appointment.room_id)
        .where(*conditions)
        .order_by(Appointment.doctor_id, Appointment.starts_at, Appointment.id)
    )
    if money:
        query = query.add_columns(*money_columns(str(zone)))
    return tuple(
        GridAppointment(
            id=r.id,
            doctor_id=r.doctor_id,
            patient_id=r.patient_id,
            patient_short=short_name(r.last_name, r.first_name, r.patronymic),
            patient_full=" ".join(p for p in (r.last_name, r.first_name, r.patronymic) if p),
            patient_birth_date=r.birth_date,
            patient_phone=r.phone,
            starts_at=r.starts_at.astimezone(zone),
            ends_at=r.ends_at.astimezone(zone),
            kind=r.kind,
            status=r.status,
            referral_id=r.referral_id,
            referral_number=r.referral_number,
            referral_specialty_id=r.referral_specialty_id,
            overbooked=r.overbooked,
            in_holding_tray=r.in_holding_tray,
            room_number=r.room_number,
            note=r.note,
            version=r.version,
            created_by_id=r.created_by_id,
            created_at=r.created_at,
            payment=mark_of(r.money_due, r.money_paid, r.money_refunded) if money else None,
        )
        for r in session.execute(query)
    )
