"""The ratings' register a manager reads, the queue of low ratings, and the choices the
desk's rating dialog offers (the patient's visits, the doctors).

The register and the queue need :attr:`Permission.MANAGE_FEEDBACK` (managers); the
dialog's choices need :attr:`Permission.RECORD_FEEDBACK` (the desk and managers).
DOMAIN.md gives doctors no right to the register, so they have none here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from crm.controllers.access.permissions import Permission, require
from crm.controllers.clinic.clock import clinic_timezone
from crm.controllers.context import Actor
from crm.controllers.errors import NotFound, ValidationError
from crm.controllers.feedback.ratings import LOW_RATING, Subject, subject_of
from crm.controllers.printing.tickets import full_name
from crm.controllers.schedule.calendar import day_bounds
from crm.controllers.schedule.slots import short_name
from crm.i18n import translate
from crm.models import Appointment, Doctor, Feedback, Patient, Specialty
from crm.models.enums import AppointmentStatus

#: The register shows at most this many rows (newest first); a filter narrows it.
REGISTER_LIMIT = 1000
#: Visits of the patient offered in the rating dialog.
RECENT_VISITS = 30
#: Statuses of a visit that took place, which a patient may rate.
RATED_STATUSES = (
    AppointmentStatus.ARRIVED,
    AppointmentStatus.IN_PROGRESS,
    AppointmentStatus.COMPLETED,
)


@dataclass(frozen=True)
class RegisterFilter:
    """What the register is narrowed to (``None``: any).

    Attributes:
        date_from, date_to: the days the ratings were recorded on (clinic's days, inclusive).
        doctor_id: ratings of this doctor (of her visits or of her).
        ratings: only these ratings (e.g. ``{1, 2}`` for the low ones).
        subject: a visit, a doctor or the clinic.
        answered: answered (``True``) or not (``False``).
    """

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    doctor_id: int | None = None
    ratings: frozenset[int] | None = None
    subject: Subject | None = None
    answered: bool | None = None


@dataclass(frozen=True)
class RegisterRow:
    """A rating with the names the register shows (times in the clinic's zone)."""

    id: int
    created_at: dt.datetime
    subject: Subject
    rating: int
    comment: str | None
    patient_id: int | None
    patient: str
    doctor_id: int | None
    doctor: str
    appointment_id: int | None
    visit_at: dt.datetime | None
    answer: str | None
    answered_at: dt.datetime | None

    @property
    def needs_answer(self) -> bool:
        """A low rating nobody has answered yet."""
        return self.rating <= LOW_RATING and self.answered_at is None


@dataclass(frozen=True)
class VisitChoice:
    """A visit the patient may rate."""

    id: int
    starts_at: dt.datetime
    doctor_id: int
    doctor: str


@dataclass(frozen=True)
class DoctorChoice:
    """A doctor the patient may rate."""

    id: int
    name: str
    specialty: str


@dataclass(frozen=True)
class RatingChoices:
    """What the rating dialog offers: the patient's name and visits, and the doctors."""

    patient_id: int | None
    patient: str
    visits: tuple[VisitChoice, ...]
    doctors: tuple[DoctorChoice, ...]


def _subject_clause(subject: Subject) -> sa.ColumnElement[bool]:
    if subject is Subject.VISIT:
        return Feedback.appointment_id.is_not(None)
    if subject is Subject.DOCTOR:
        return sa.and_(Feedback.appointment_id.is_(None), Feedback.doctor_id.is_not(None))
    return sa.and_(Feedback.appointment_id.is_(None), Feedback.doctor_id.is_(None))


def _clauses(session: Session, filters: RegisterFilter) -> list[sa.ColumnElement[bool]]:
    if filters.date_from and filters.date_to and filters.date_to < filters.date_from:
        raise ValidationError(
            translate("feedback", "Period: the end is before the start"), field="date_to"
        )
    tz = clinic_timezone(session)
    clauses: list[sa.ColumnElement[bool]] = []
    if filters.date_from is not None:
        clauses.append(Feedback.created_at >= day_bounds(filters.date_from, tz)[0])
    if filters.date_to is not None:
        clauses.append(Feedback.created_at < day_bounds(filters.date_to, tz)[1])
    if filters.doctor_id is not None:
        clauses.append(Feedback.doctor_id == filters.doctor_id)
    if filters.ratings:
        clauses.append(Feedback.rating.in_(sorted(filters.ratings)))
    if filters.subject is not None:
        clauses.append(_subject_clause(filters.subject))
    if filters.answered is not None:
        answered = Feedback.answered_at.is_not(None)
        clauses.append(answered if filters.answered else ~answered)
    return clauses


def _rows(session: Session, query: sa.Select[tuple]) -> tuple[RegisterRow, ...]:
    tz = clinic_timezone(session)
    found = []
    for f, p_last, p_first, p_middle, d_last, d_first, d_middle, visit_at in session.execute(query):
        found.append(
            RegisterRow(
                f.id, f.created_at.astimezone(tz), subject_of(f.appointment_id, f.doctor_id),
                f.rating, f.comment, f.patient_id,
                full_name(p_last, p_first, p_middle) if p_last else "",
                f.doctor_id, short_name(d_last, d_first, d_middle) if d_last else "",
                f.appointment_id, visit_at.astimezone(tz) if visit_at else None, f.answer,
                f.answered_at.astimezone(tz) if f.answered_at else None,
            )
        )  # fmt: skip
    return tuple(found)


def _select() -> sa.Select[tuple]:
    return (
        sa.select(
            Feedback, Patient.last_name, Patient.first_name, Patient.patronymic,
            Doctor.last_name, Doctor.first_name, Doctor.patronymic, Appointment.starts_at,
        )
        .outerjoin(Patient, Patient.id == Feedback.patient_id)
        .outerjoin(Doctor, Doctor.id == Feedback.doctor_id)
        .outerjoin(Appointment, Appointment.id == Feedback.appointment_id)
    )  # fmt: skip


def list_feedback(
    db: sessionmaker[Session],
    actor: Actor,
    filters: RegisterFilter | None = None,
    *,
    limit: int = REGISTER_LIMIT,
) -> tuple[RegisterRow, ...]:
    """The register: ratings matching ``filters``, newest first (manager).

    Raises:
        PermissionDenied: the role reads no register.
        ValidationError: a reversed period (field ``date_to``).
    """
    require(actor, Permission.MANAGE_FEEDBACK)
    with db() as session:
        query = (
            _select()
            .where(*_clauses(session, filters or RegisterFilter()))
            .order_by(Feedback.created_at.desc(), Feedback.id.desc())
            .limit(limit)
        )
        return _rows(session, query)


def answer_queue(db: sessionmaker[Session], actor: Actor) -> tuple[RegisterRow, ...]:
    """Low ratings (≤ 2) not answered yet, oldest first, with names (manager)."""
    require(actor, Permission.MANAGE_FEEDBACK)
    with db() as session:
        query = (
            _select()
            .where(Feedback.rating <= LOW_RATING, Feedback.answered_at.is_(None))
            .order_by(Feedback.created_at, Feedback.id)
        )
        return _rows(session, query)


def register_doctors(db: sessionmaker[Session], actor: Actor) -> tuple[DoctorChoice, ...]:
    """Every doctor, for the register's doctor filter (manager)."""
    require(actor, Permission.MANAGE_FEEDBACK)
    with db() as session:
        return _doctors(session, active_only=False)


def _doctors(session: Session, *, active_only: bool) -> tuple[DoctorChoice, ...]:
    query = (
        sa.select(Doctor.id, Doctor.last_name, Doctor.first_name, Doctor.patronymic,
                  Specialty.name)
        .join(Specialty, Specialty.id == Doctor.specialty_id)
        .order_by(Doctor.last_name, Doctor.first_name, Doctor.id)
    )  # fmt: skip
    if active_only:
        query = query.where(Doctor.active.is_(True))
    return tuple(
        DoctorChoice(r[0], short_name(r[1], r[2], r[3]), r[4]) for r in session.execute(query)
    )


def rating_choices(
    db: sessionmaker[Session],
    actor: Actor,
    *,
    patient_id: int | None = None,
    appointment_id: int | None = None,
) -> RatingChoices:
    """The patient's recent visits and the doctors, for the desk's rating dialog.

    Given a visit, its patient's visits are offered (the visit among them).

    Raises:
        PermissionDenied: the role records no ratings.
        NotFound: no such patient or visit.
    """
    require(actor, Permission.RECORD_FEEDBACK)
    with db() as session:
        tz = clinic_timezone(session)
        if appointment_id is not None:
            visit = session.get(Appointment, appointment_id)
            if visit is None:
                raise NotFound(translate("feedback", "No such appointment"), field="appointment_id")
            patient_id = visit.patient_id
        name = ""
        visits: list[VisitChoice] = []
        if patient_id is not None:
            patient = session.get(Patient, patient_id)
            if patient is None:
                raise NotFound(translate("feedback", "No such patient"), field="patient_id")
            name = full_name(patient.last_name, patient.first_name, patient.patronymic)
            rows = session.execute(
                sa.select(Appointment.id, Appointment.starts_at, Doctor.id, Doctor.last_name,
                          Doctor.first_name, Doctor.patronymic)
                .join(Doctor, Doctor.id == Appointment.doctor_id)
                .where(
                    Appointment.patient_id == patient_id,
                    sa.or_(Appointment.status.in_(RATED_STATUSES),
                           Appointment.id == appointment_id),
                )
                .order_by(Appointment.starts_at.desc())
                .limit(RECENT_VISITS)
            )  # fmt: skip
            visits = [
                VisitChoice(r[0], r[1].astimezone(tz), r[2], short_name(r[3], r[4], r[5]))
                for r in rows
            ]
        return RatingChoices(patient_id, name, tuple(visits), _doctors(session, active_only=True))
