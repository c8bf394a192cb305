"""Reading referrals: the registry, one referral in full, titles of kinds and statuses.

Expiry is never trusted from the table: every row is read through
:func:`~crm.controllers.referrals.rules.effective_status` against today, and the
registry's status filters say the same in SQL. :mod:`crm.controllers.referrals.editing`
re-exports all of this beside the changes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased, sessionmaker

from crm.controllers.access.permissions import Permission, require
from crm.controllers.clinic import clock
from crm.controllers.clinic.clock import server_now
from crm.controllers.context import Actor
from crm.controllers.errors import NotFound
from crm.controllers.referrals import rules
from crm.controllers.schedule.slots import short_name
from crm.i18n import translate
from crm.models import (
    Appointment,
    Doctor,
    IssuingOrganisation,
    Patient,
    Referral,
    ReferralExtension,
    Specialty,
    User,
)
from crm.models.enums import AppointmentStatus, ReferralKind, ReferralStatus

RS = ReferralStatus
#: Appointment statuses that keep using a referral (as ``USES_REFERRAL`` in the model).
USING = (
    AppointmentStatus.BOOKED,
    AppointmentStatus.ARRIVED,
    AppointmentStatus.IN_PROGRESS,
    AppointmentStatus.COMPLETED,
)
REGISTRY_LIMIT = 500


@dataclass(frozen=True)
class RegistryFilter:
    """What the registry shows (every criterion optional; all given must hold).

    Attributes:
        statuses: effective statuses as of today (empty: any).
        specialty_id: the target specialty.
        organisation_id: the issuing organisation.
        patient_id: the patient (the card's referrals tab).
        issued_from: issued on or after this day.
        issued_to: issued on or before this day.
        expiring_only: only active referrals with ≤ 5 days left and no appointment.
        number: part of the number (any case, spaces ignored).
        limit: at most this many rows (newest issue dates first).
    """

    statuses: frozenset[ReferralStatus] = frozenset()
    specialty_id: int | None = None
    organisation_id: int | None = None
    patient_id: int | None = None
    issued_from: dt.date | None = None
    issued_to: dt.date | None = None
    expiring_only: bool = False
    number: str | None = None
    limit: int = REGISTRY_LIMIT


@dataclass(frozen=True)
class ReferralRow:
    """One line of the registry.

    ``status`` is the effective status as of ``today`` (an active referral past its
    last day reads ``expired``); ``expiring`` marks an active one with ≤ 5 days left
    and no appointment (to highlight). ``appointment_*`` describe the appointment
    that uses it (booked or done), if any.
    """

    id: int
    number: str
    organisation_id: int
    organisation_name: str
    patient_id: int
    patient_name: str
    specialty_id: int
    specialty_name: str
    diagnosis_code: str
    kind: ReferralKind
    issued_on: dt.date
    valid_days: int
    last_valid_day: dt.date
    days_left: int
    status: ReferralStatus
    expiring: bool
    appointment_id: int | None
    appointment_starts_at: dt.datetime | None
    appointment_doctor_name: str | None
    version: int


@dataclass(frozen=True)
class ExtensionRow:
    """One extension of a long-term referral, as the referral lists them."""

    id: int
    old_valid_days: int
    new_valid_days: int
    old_last_day: dt.date
    new_last_day: dt.date
    reason: str
    extended_by: str
    created_at: dt.datetime


@dataclass(frozen=True)
class ReferralAppointment:
    """An appointment ever made on the referral (cancelled and moved ones too)."""

    id: int
    starts_at: dt.datetime
    doctor_id: int
    doctor_name: str
    status: AppointmentStatus
    rescheduled_from_id: int | None


@dataclass(frozen=True)
class ReferralDetails:
    """One referral with its extensions and its appointments, oldest first.

    ``max_last_day`` is how far a doctor may extend it (the last valid day itself
    for kinds that cannot be extended); ``extendable`` says whether it can be
    extended now (long-term, active or used, below 90 days).
    """

    row: ReferralRow
    organisation_ogrn: str
    organisation_address: str | None
    issuing_doctor: str | None
    emergency_days: int | None
    cancel_reason: str | None
    created_at: dt.datetime
    created_by: str | None
    max_last_day: dt.date
    extendable: bool
    extensions: tuple[ExtensionRow, ...]
    appointments: tuple[ReferralAppointment, ...]


# --- reading ------------------------------------------------------------------------------


def today_of(session: Session, today: dt.date | None = None) -> dt.date:
    """``today`` if given, else the server's day in the clinic's timezone."""
    if today is not None:
        return today
    return server_now(session).astimezone(clock.clinic_timezone(session)).date()


def _last_day_sql() -> sa.ColumnElement[dt.date]:
    return Referral.issued_on + (Referral.valid_days - 1)


def _status_condition(status: ReferralStatus, today: dt.date) -> sa.ColumnElement[bool]:
    """SQL for "reads as ``status`` on ``today``" (the SQL twin of ``effective_status``)."""
    last_day = _last_day_sql()
    if status is RS.ACTIVE:
        return sa.and_(Referral.status == RS.ACTIVE, last_day >= today)
    if status is RS.EXPIRED:
        return sa.or_(
            Referral.status == RS.EXPIRED, sa.and_(Referral.status == RS.ACTIVE, last_day < today)
        )
    return Referral.status == status


def _live_appointment() -> Any:
    return aliased(Appointment, name="live")


def _query(today: dt.date) -> tuple[sa.Select[Any], Any]:
    live = _live_appointment()
    live_doctor = aliased(Doctor, name="live_doctor")
    query = (
        sa.select(Referral, IssuingOrganisation.name, Patient, Specialty.name, live, live_doctor)
        .join(IssuingOrganisation, IssuingOrganisation.id == Referral.organisation_id)
        .join(Patient, Patient.id == Referral.patient_id)
        .join(Specialty, Specialty.id == Referral.specialty_id)
        .outerjoin(live, sa.and_(live.referral_id == Referral.id, live.status.in_(USING)))
        .outerjoin(live_doctor, live_doctor.id == live.doctor_id)
    )
    return query, live


def _row(
    found: tuple[Referral, str, Patient, str, Appointment | None, Doctor | None],
    *,
    today: dt.date,
    tz: dt.tzinfo,
) -> ReferralRow:
    referral, organisation_name, patient, specialty_name, live, live_doctor = found
    status = rules.effective_status(referral, today)
    left = rules.days_left(referral, today)
    return ReferralRow(
        id=referral.id,
        number=referral.number,
        organisation_id=referral.organisation_id,
        organisation_name=organisation_name,
        patient_id=patient.id,
        patient_name=short_name(patient.last_name, patient.first_name, patient.patronymic),
        specialty_id=referral.specialty_id,
        specialty_name=specialty_name,
        diagnosis_code=referral.diagnosis_code,
        kind=referral.kind,
        issued_on=referral.issued_on,
        valid_days=referral.valid_days,
        last_valid_day=rules.last_valid_day(referral.issued_on, referral.valid_days),
        days_left=left,
        status=status,
        expiring=status is RS.ACTIVE and left <= rules.EXPIRING_DAYS and live is None,
        appointment_id=live.id if live else None,
        appointment_starts_at=live.starts_at.astimezone(tz) if live else None,
        appointment_doctor_name=(
            short_name(live_doctor.last_name, live_doctor.first_name, live_doctor.patronymic)
            if live_doctor
            else None
        ),
        version=referral.version,
    )


def registry(
    db: sessionmaker[Session],
    actor: Actor,
    filters: RegistryFilter | None = None,
    *,
    today: dt.date | None = None,
) -> list[ReferralRow]:
    """The registry's rows matching ``filters``, newest issue date first."""
    require(actor, Permission.FIND_PATIENTS)
    wanted = filters or RegistryFilter()
    with db() as session:
        day = today_of(session, today)
        tz = clock.clinic_timezone(session)
        query, live = _query(day)
        if wanted.statuses:
            query = query.where(sa.or_(*(_status_condition(s, day) for s in wanted.statuses)))
        if wanted.specialty_id is not None:
            query = query.where(Referral.specialty_id == wanted.specialty_id)
        if wanted.organisation_id is not None:
            query = query.where(Referral.organisation_id == wanted.organisation_id)
        if wanted.patient_id is not None:
            query = query.where(Referral.patient_id == wanted.patient_id)
        if wanted.issued_from is not None:
            query = query.where(Referral.issued_on >= wanted.issued_from)
        if wanted.issued_to is not None:
            query = query.where(Referral.issued_on <= wanted.issued_to)
        if wanted.expiring_only:
            query = query.where(
                _status_condition(RS.ACTIVE, day),
                _last_day_sql() < day + dt.timedelta(days=rules.EXPIRING_DAYS),
                live.id.is_(None),
            )
        if wanted.number and (typed := "".join(wanted.number.split()).upper()):
            pattern = typed.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            canonical = rules.normalize_number(typed)
            query = query.where(
                sa.or_(
                    sa.func.upper(Referral.number).like(f"%{pattern}%", escape="\\"),
                    Referral.number == (canonical or typed),
                )
            )
        query = query.order_by(Referral.issued_on.desc(), Referral.id.desc()).limit(wanted.limit)
        return [_row(found, today=day, tz=tz) for found in session.execute(query).tuples()]


def find_by_number(
    db: sessionmaker[Session],
    actor: Actor,
    number: str,
    *,
    organisation_id: int | None = None,
    today: dt.date | None = None,
) -> list[ReferralRow]:
    """Referrals with exactly this number (one per organisation at most), newest first."""
    require(actor, Permission.FIND_PATIENTS)
    typed = number.strip()
    with db() as session:
        day = today_of(session, today)
        tz = clock.clinic_timezone(session)
        query, _ = _query(day)
        query = query.where(Referral.number.in_({typed, rules.normalize_number(typed) or typed}))
        if organisation_id is not None:
            query = query.where(Referral.organisation_id == organisation_id)
        query = query.order_by(Referral.issued_on.desc(), Referral.id.desc())
        return [_row(found, today=day, tz=tz) for found in session.execute(query).tuples()]


def get_referral(
    db: sessionmaker[Session] | Session,
    actor: Actor,
    referral_id: int,
    *,
    today: dt.date | None = None,
) -> ReferralDetails:
    """One referral with its extensions and every appointment made on it.

    Raises:
        NotFound: no such referral.
    """
    require(actor, Permission.FIND_PATIENTS)
    with clock.reading(db) as session:
        return referral_details(session, referral_id, today_of(session, today))


def referral_details(session: Session, referral_id: int, today: dt.date) -> ReferralDetails:
    """:func:`get_referral` inside the caller's session (no permission check)."""
    tz = clock.clinic_timezone(session)
    query, _ = _query(today)
    found = session.execute(query.where(Referral.id == referral_id)).tuples().one_or_none()
    if found is None:
        raise referral_not_found(referral_id)
    row = _row(found, today=today, tz=tz)
    referral = found[0]
    organisation = session.get(IssuingOrganisation, referral.organisation_id)
    assert organisation is not None  # a foreign key
    extender = aliased(User)
    extensions = tuple(
        ExtensionRow(
            id=e.id,
            old_valid_days=e.old_valid_days,
            new_valid_days=e.new_valid_days,
            old_last_day=rules.last_valid_day(referral.issued_on, e.old_valid_days),
            new_last_day=rules.last_valid_day(referral.issued_on, e.new_valid_days),
            reason=e.reason,
            extended_by=name,
            created_at=e.created_at.astimezone(tz),
        )
        for e, name in session.execute(
            sa.select(ReferralExtension, extender.full_name)
            .join(extender, extender.id == ReferralExtension.extended_by_id)
            .where(ReferralExtension.referral_id == referral.id)
            .order_by(ReferralExtension.created_at, ReferralExtension.id)
        ).tuples()
    )
    appointments = tuple(
        ReferralAppointment(
            id=a.id,
            starts_at=a.starts_at.astimezone(tz),
            doctor_id=d.id,
            doctor_name=short_name(d.last_name, d.first_name, d.patronymic),
            status=a.status,
            rescheduled_from_id=a.rescheduled_from_id,
        )
        for a, d in session.execute(
            sa.select(Appointment, Doctor)
            .join(Doctor, Doctor.id == Appointment.doctor_id)
            .where(Appointment.referral_id == referral.id)
            .order_by(Appointment.created_at, Appointment.id)
        ).tuples()
    )
    created_by = (
        session.scalar(sa.select(User.full_name).where(User.id == referral.created_by_id))
        if referral.created_by_id is not None
        else None
    )
    max_days = rules.max_valid_days(
        referral.kind,
        referral.valid_days,
        limit=rules.specialty_rules(session, referral.specialty_id)[1],
    )
    return ReferralDetails(
        row=row,
        organisation_ogrn=organisation.ogrn,
        organisation_address=organisation.address,
        issuing_doctor=referral.issuing_doctor,
        emergency_days=referral.valid_days if referral.kind is ReferralKind.EMERGENCY else None,
        cancel_reason=referral.cancel_reason,
        created_at=referral.created_at.astimezone(tz),
        created_by=created_by,
        max_last_day=rules.last_valid_day(referral.issued_on, max_days),
        extendable=(
            referral.kind is ReferralKind.LONG_TERM
            and row.status in (RS.ACTIVE, RS.USED)
            and referral.valid_days < max_days
        ),
        extensions=extensions,
        appointments=appointments,
    )


def referral_not_found(referral_id: int) -> NotFound:
    """The error for a referral that does not exist (any more)."""
    return NotFound(translate("referrals", "Referral {id} does not exist").format(id=referral_id))


# --- titles -------------------------------------------------------------------------------
