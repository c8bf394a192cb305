"""What the patient's card shows below its fields: appointments, referrals, history, consents.

Read functions for the card's tabs, and the two small changes the consents tab makes
(give a consent, revoke it), both journaled. Appointments, referrals and consents are
not medical contents, so anyone who may find patients may read them; the history
shows the journal entries about the card, its appointments and its referrals — those
entries never hold identity-document numbers (see :mod:`crm.controllers.patients.cards`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from crm.controllers import journal
from crm.controllers.access.permissions import Permission, allowed, require
from crm.controllers.clinic import clock
from crm.controllers.context import Actor
from crm.controllers.errors import DomainError, NotFound, ValidationError
from crm.controllers.journal.words import Names, read_names
from crm.controllers.payments.status import PaymentStatus, mark_of, money_columns
from crm.controllers.referrals.rules import effective_status, last_valid_day
from crm.controllers.validation import format_date
from crm.i18n import translate
from crm.models import (
    Appointment,
    Doctor,
    Insurer,
    IssuingOrganisation,
    JournalEntry,
    Patient,
    PatientConsent,
    Referral,
    Specialty,
    User,
)
from crm.models.enums import ConsentKind

#: Most rows a tab loads; a card with more shows the newest.
TAB_LIMIT = 300


@dataclass(frozen=True)
class InsurerRow:
    """An insurance organisation (СМО) for the card's policy box."""

    id: int
    name: str
    code: str | None


@dataclass(frozen=True)
class AppointmentRow:
    """One of the patient's appointments (times in the clinic's timezone)."""

    id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    doctor: str
    specialty: str
    status: str
    kind: str
    #: Paid / partly paid / unpaid / refunded (``None``: nothing to pay, or a role
    #: that does not see money).
    payment: PaymentStatus | None = None


@dataclass(frozen=True)
class ReferralRow:
    """One of the patient's referrals; ``status`` as of today (expired when run out)."""

    id: int
    number: str
    organisation: str
    specialty: str
    issued_on: dt.date
    last_valid_day: dt.date
    status: str
    kind: str


@dataclass(frozen=True)
class FieldChange:
    """One field of a journal entry: its value before and after."""

    field: str
    before: Any
    after: Any


@dataclass(frozen=True)
class HistoryRow:
    """A journal entry about the card, one of its appointments or referrals.

    ``at`` is in the clinic's timezone; ``changes`` hold the values as journaled
    (:mod:`crm.controllers.journal.words` puts them in words).
    """

    id: int
    at: dt.datetime
    login: str | None
    user_name: str | None
    workstation: str | None
    action: str
    entity: str | None
    entity_id: int | None
    outcome: str
    details: str | None
    changes: tuple[FieldChange, ...]


@dataclass(frozen=True)
class ConsentRow:
    """A consent the patient gave, and when it was revoked if it was."""

    id: int
    patient_id: int
    kind: str
    given_on: dt.date
    revoked_on: dt.date | None

    @property
    def live(self) -> bool:
        """Not revoked."""
        return self.revoked_on is None


@dataclass(frozen=True)
class PatientHistory:
    """Everything the card's tabs show, read in one transaction."""

    patient_id: int
    appointments: tuple[AppointmentRow, ...]
    referrals: tuple[ReferralRow, ...]
    history: tuple[HistoryRow, ...]
    consents: tuple[ConsentRow, ...]
    #: Names of the ids the history's changes mention (doctors, rooms, insurers…).
    names: Names = field(default_factory=Names)


def list_insurers(db: sessionmaker[Session], actor: Actor) -> list[InsurerRow]:
    """The insurance organisations, by name."""
    require(actor, Permission.FIND_PATIENTS)
    with db() as session:
        return [
            InsurerRow(id=row.id, name=row.name, code=row.code)
            for row in session.scalars(sa.select(Insurer).order_by(Insurer.name))
        ]


def load_history(db: sessionmaker[Session], actor: Actor, patient_id: int) -> PatientHistory:
    """All four tabs of the card of ``patient_id`` (one round trip)."""
    require(actor, Permission.FIND_PATIENTS)
    with db() as session, session.begin():
        _require_patient(session, patient_id)
        history = _history(session, patient_id)
        return PatientHistory(
            patient_id=patient_id,
            appointments=tuple(_appointments(session, patient_id, actor)),
            referrals=tuple(_referrals(session, patient_id)),
            history=tuple(history),
            consents=tuple(_consents(session, patient_id)),
            names=_names(session, history),
        )


def list_appointments(
    db: sessionmaker[Session], actor: Actor, patient_id: int
) -> list[AppointmentRow]:
    """The patient's appointments, newest first."""
    require(actor, Permission.FIND_PATIENTS)
    with db() as session:
        return _appointments(session, patient_id, actor)


def list_referrals(db: sessionmaker[Session], actor: Actor, patient_id: int) -> list[ReferralRow]:
    """The patient's referrals, newest first."""
    require(actor, Permission.FIND_PATIENTS)
    with db() as session:
        return _referrals(session, patient_id)


def list_history(db: sessionmaker[Session], actor: Actor, patient_id: int) -> list[HistoryRow]:
    """Journal entries about the card, its appointments and referrals, newest first
    (times in the clinic's timezone)."""
    require(actor, Permission.FIND_PATIENTS)
    with db() as session:
        return _history(session, patient_id)


def list_consents(db: sessionmaker[Session], actor: Actor, patient_id: int) -> list[ConsentRow]:
    """The patient's consents, newest first."""
    require(actor, Permission.FIND_PATIENTS)
    with db() as session:
        return _consents(session, patient_id)


def give_consent(
    db: sessionmaker[Session],
    actor: Actor,
    patient_id: int,
    kind: ConsentKind,
    given_on: dt.date,
) -> ConsentRow:
    """Record that the patient gave a consent of ``kind`` on ``given_on``.

    Raises:
        NotFound: no such patient.
        ValidationError: (field ``given_on``) a day in the future.
        DomainError: (field ``kind``) a consent of this kind is in force already.
    """
    require(actor, Permission.EDIT_PATIENTS)
    with db() as session, session.begin():
        _require_patient(session, patient_id, lock=True)
        today = _today(session)
        if given_on > today:
            raise ValidationError(
                translate("patient_history", "Consent date: cannot be in the future"),
                field="given_on",
            )
        live = session.scalar(
            sa.select(PatientConsent.id).where(
                PatientConsent.patient_id == patient_id,
                PatientConsent.kind == kind,
                PatientConsent.revoked_on.is_(None),
            )
        )
        if live is not None:
            raise DomainError(
                translate("patient_history", "This consent is already in force"), field="kind"
            )
        row = PatientConsent(patient_id=patient_id, kind=kind, given_on=given_on)
        session.add(row)
        session.flush()
        journal.record(
            session,
            "consent_given",
            actor=actor,
            entity="patient",
            entity_id=patient_id,
            changes={f"consent_{kind.value}": [None, given_on.isoformat()]},
        )
        return _consent_row(row)


def revoke_consent(
    db: sessionmaker[Session], actor: Actor, consent_id: int, revoked_on: dt.date
) -> ConsentRow:
    """Record that the patient revoked consent ``consent_id`` on ``revoked_on``.

    Raises:
        NotFound: no such consent.
        ValidationError: (field ``revoked_on``) in the future or before the consent was given.
        DomainError: the consent was revoked already.
    """
    require(actor, Permission.EDIT_PATIENTS)
    with db() as session, session.begin():
        row = session.get(PatientConsent, consent_id, with_for_update=True)
        if row is None:
            raise NotFound(translate("patient_history", "The consent no longer exists"))
        if row.revoked_on is not None:
            raise DomainError(
                translate("patient_history", "The consent was revoked on {date}").format(
                    date=format_date(row.revoked_on)
                )
            )
        if revoked_on > _today(session):
            raise ValidationError(
                translate("patient_history", "Revocation date: cannot be in the future"),
                field="revoked_on",
            )
        if revoked_on < row.given_on:
            raise ValidationError(
                translate(
                    "patient_history", "Revocation date: not before the consent was given ({date})"
                ).format(date=format_date(row.given_on)),
                field="revoked_on",
            )
        row.revoked_on = revoked_on
        journal.record(
            session,
            "consent_revoked",
            actor=actor,
            entity="patient",
            entity_id=row.patient_id,
            changes={f"consent_{row.kind.value}": [row.given_on.isoformat(), None]},
            details=revoked_on.isoformat(),
        )
        return _consent_row(row)


# --- reading ------------------------------------------------------------------------


def _today(session: Session) -> dt.date:
    return clock.clinic_today(session)


def _require_patient(session: Session, patient_id: int, *, lock: bool = False) -> None:
    query = sa.select(Patient.id).where(Patient.id == patient_id)
    if lock:
        # Two desks giving the same consent at once: the second one waits and then sees it.
        query = query.with_for_update()
    if session.scalar(query) is None:
        raise NotFound(translate("patients", "The card no longer exists"))


def _person(last_name: str, first_name: str, patronymic: str | None) -> str:
    """``Петров П. П.``: how the desk names a doctor in a list."""
    initials = f"{first_name[:1]}." + (f" {patronymic[:1]}." if patronymic else "")
    return f"{last_name} {initials}"


def _appointments(session: Session, patient_id: int, actor: Actor) -> list[AppointmentRow]:
    tz = clock.clinic_timezone(session)
    money = allowed(actor, Permission.TAKE_PAYMENTS)
    query = (
        sa.select(Appointment, Doctor, Specialty.name)
        .join(Doctor, Doctor.id == Appointment.doctor_id)
        .join(Specialty, Specialty.id == Doctor.specialty_id)
        .where(Appointment.patient_id == patient_id)
        .order_by(Appointment.starts_at.desc(), Appointment.id.desc())
        .limit(TAB_LIMIT)
    )
    if money:  # the sums in the same query (correlated), not one per visit
        query = query.add_columns(*money_columns(str(tz)))
    return [
        AppointmentRow(
            id=appointment.id,
            starts_at=appointment.starts_at.astimezone(tz),
            ends_at=appointment.ends_at.astimezone(tz),
            doctor=_person(doctor.last_name, doctor.first_name, doctor.patronymic),
            specialty=specialty,
            status=appointment.status.value,
            kind=appointment.kind.value,
            payment=mark_of(*row[3:6]) if money else None,
        )
        for row in session.execute(query)
        for appointment, doctor, specialty in [row[:3]]
    ]


def _referrals(session: Session, patient_id: int) -> list[ReferralRow]:
    today = _today(session)
    query = (
        sa.select(Referral, IssuingOrganisation.name, Specialty.name)
        .join(IssuingOrganisation, IssuingOrganisation.id == Referral.organisation_id)
        .join(Specialty, Specialty.id == Referral.specialty_id)
        .where(Referral.patient_id == patient_id)
        .order_by(Referral.issued_on.desc(), Referral.id.desc())
        .limit(TAB_LIMIT)
    )
    return [
        ReferralRow(
            id=referral.id,
            number=referral.number,
            organisation=organisation,
            specialty=specialty,
            issued_on=referral.issued_on,
            last_valid_day=last_valid_day(referral.issued_on, referral.valid_days),
            status=effective_status(referral, today).value,
            kind=referral.kind.value,
        )
        for referral, organisation, specialty in session.execute(query)
    ]


def _history(session: Session, patient_id: int) -> list[HistoryRow]:
    tz = clock.clinic_timezone(session)
    appointments = sa.select(Appointment.id).where(Appointment.patient_id == patient_id)
    referrals = sa.select(Referral.id).where(Referral.patient_id == patient_id)
    query = (
        sa.select(JournalEntry, User.full_name)
        .outerjoin(User, User.id == JournalEntry.user_id)
        .where(
            sa.or_(
                sa.and_(JournalEntry.entity == "patient", JournalEntry.entity_id == patient_id),
                sa.and_(
                    JournalEntry.entity == "appointment",
                    JournalEntry.entity_id.in_(appointments.scalar_subquery()),
                ),
                sa.and_(
                    JournalEntry.entity == "referral",
                    JournalEntry.entity_id.in_(referrals.scalar_subquery()),
                ),
            )
        )
        .order_by(JournalEntry.id.desc())
        .limit(TAB_LIMIT)
    )
    return [
        HistoryRow(
            id=entry.id,
            at=entry.at.astimezone(tz),
            login=entry.login,
            user_name=user_name,
            workstation=entry.workstation,
            action=entry.action,
            entity=entry.entity,
            entity_id=entry.entity_id,
            outcome=entry.outcome.value,
            details=entry.details,
            changes=_changes(entry.changes),
        )
        for entry, user_name in session.execute(query)
    ]


def _names(session: Session, history: Sequence[HistoryRow]) -> Names:
    return read_names(
        session,
        (
            {change.field: [change.before, change.after] for change in row.changes}
            for row in history
        ),
    )


def _changes(changes: dict[str, Any] | None) -> tuple[FieldChange, ...]:
    found: list[FieldChange] = []
    for name, change in (changes or {}).items():
        if isinstance(change, Sequence) and not isinstance(change, str) and len(change) == 2:
            found.append(FieldChange(name, change[0], change[1]))
        else:
            found.append(FieldChange(name, None, change))
    return tuple(found)


def _consents(session: Session, patient_id: int) -> list[ConsentRow]:
    query = (
        sa.select(PatientConsent)
        .where(PatientConsent.patient_id == patient_id)
        .order_by(PatientConsent.given_on.desc(), PatientConsent.id.desc())
    )
    return [_consent_row(row) for row in session.scalars(query)]


def _consent_row(row: PatientConsent) -> ConsentRow:
    return ConsentRow(
        id=row.id,
        patient_id=row.patient_id,
        kind=row.kind.value,
        given_on=row.given_on,
        revoked_on=row.revoked_on,
    )
