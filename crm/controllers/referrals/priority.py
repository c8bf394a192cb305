"""Priority requests (приоритетная запись): an urgent patient queued for a manager.

The desk (or a doctor) records the patient, the specialty and why it is urgent;
managers see the queue — pending requests first, the oldest first — and approve or
reject with a reason. An approved request is then booked by the manager (any
booking rule may be overridden by a manager with a reason, e.g. overbooking), and
the appointment is linked to it: the request reads ``booked``. The patient's card
shows the state of the patient's requests.

Deciding uses the manager's ``override_rules`` permission (no separate one exists).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased, sessionmaker

from crm.controllers import journal
from crm.controllers.access.permissions import Permission, allowed, require
from crm.controllers.clinic import clock
from crm.controllers.clinic.clock import server_now
from crm.controllers.context import Actor
from crm.controllers.errors import DomainError, NotFound, ValidationError
from crm.controllers.schedule.booking import BookedAppointment, book, clean
from crm.controllers.schedule.slots import short_name
from crm.controllers.vocabulary import priority_status_title as status_title
from crm.i18n import translate
from crm.models import Appointment, Patient, PriorityRequest, Specialty, User
from crm.models.enums import AppointmentKind, PriorityStatus

P = PriorityStatus
REASON_MAX_LENGTH = 2000
# The queue's order: what needs a decision, then what needs booking, then the rest.
_QUEUE_ORDER = {P.PENDING: 0, P.APPROVED: 1, P.BOOKED: 2, P.REJECTED: 3}


class PriorityRefused(DomainError):
    """The request is not in a state for this (``reason_code`` ``bad_status``,
    ``already_pending``, ``reason_required``)."""

    def __init__(self, reason_code: str, message: str, *, field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.reason_code = reason_code


@dataclass(frozen=True)
class PriorityRow:
    """A priority request as the manager's queue and the patient's card show it."""

    id: int
    patient_id: int
    patient_name: str
    patient_phone: str | None
    specialty_id: int | None
    specialty_name: str | None
    reason: str
    status: PriorityStatus
    created_at: dt.datetime
    created_by: str | None
    age: dt.timedelta
    decided_at: dt.datetime | None
    decided_by: str | None
    decision_reason: str | None
    appointment_id: int | None
    appointment_starts_at: dt.datetime | None


# --- reading ------------------------------------------------------------------------------


def _rows(
    session: Session, where: Iterable[sa.ColumnElement[bool]], now: dt.datetime
) -> list[PriorityRow]:
    tz = clock.clinic_timezone(session)
    creator, decider = aliased(User), aliased(User)
    query = (
        sa.select(
            PriorityRequest,
            Patient,
            Specialty.name,
            creator.full_name,
            decider.full_name,
            Appointment.starts_at,
        )  # fmt: skip
        .join(Patient, Patient.id == PriorityRequest.patient_id)
        .outerjoin(Specialty, Specialty.id == PriorityRequest.specialty_id)
        .outerjoin(creator, creator.id == PriorityRequest.created_by_id)
        .outerjoin(decider, decider.id == PriorityRequest.decided_by_id)
        .outerjoin(Appointment, Appointment.id == PriorityRequest.appointment_id)
        .where(*where)
        .order_by(PriorityRequest.created_at, PriorityRequest.id)
    )
    rows = []
    for r, p, specialty, created_by, decided_by, starts in session.execute(query).tuples():
        rows.append(
            PriorityRow(
                id=r.id,
                patient_id=p.id,
                patient_name=short_name(p.last_name, p.first_name, p.patronymic),
                patient_phone=p.phone,
                specialty_id=r.specialty_id,
                specialty_name=specialty,
                reason=r.reason,
                status=r.status,
                created_at=r.created_at.astimezone(tz),
                created_by=created_by,
                age=max(dt.timedelta(0), now - r.created_at),
                decided_at=r.decided_at.astimezone(tz) if r.decided_at else None,
                decided_by=decided_by,
                decision_reason=r.decision_reason,
                appointment_id=r.appointment_id,
                appointment_starts_at=starts.astimezone(tz) if starts else None,
            )
        )
    return rows


def manager_queue(
    db: sessionmaker[Session],
    actor: Actor,
    *,
    include_closed: bool = False,
    now: dt.datetime | None = None,
) -> list[PriorityRow]:
    """The manager's queue: pending requests first, then approved ones not yet booked,
    each group oldest first; with ``include_closed``, booked and rejected ones after
    them (the latest decisions first)."""
    require(actor, Permission.FIND_PATIENTS)
    statuses = list(_QUEUE_ORDER) if include_closed else [P.PENDING, P.APPROVED]
    with db() as session:
        rows = _rows(session, [PriorityRequest.status.in_(statuses)], server_now(session, now))
    far = dt.datetime.min.replace(tzinfo=dt.UTC)

    def order(row: PriorityRow) -> tuple[int, float]:
        group = _QUEUE_ORDER[row.status]
        if group < 2:
            return group, row.created_at.timestamp()
        return group, -(row.decided_at or far).timestamp()

    return sorted(rows, key=order)


def patient_requests(
    db: sessionmaker[Session], actor: Actor, patient_id: int, *, now: dt.datetime | None = None
) -> list[PriorityRow]:
    """The patient's requests for the card, the latest first."""
    require(actor, Permission.FIND_PATIENTS)
    with db() as session:
        rows = _rows(session, [PriorityRequest.patient_id == patient_id], server_now(session, now))
    return rows[::-1]


def get_request(
    db: sessionmaker[Session], actor: Actor, request_id: int, *, now: dt.datetime | None = None
) -> PriorityRow:
    """One request.

    Raises:
        NotFound: no such request.
    """
    require(actor, Permission.FIND_PATIENTS)
    with db() as session:
        rows = _rows(session, [PriorityRequest.id == request_id], server_now(session, now))
    if not rows:
        raise _not_found(request_id)
    return rows[0]


# --- changes ------------------------------------------------------------------------------


def _not_found(request_id: int) -> NotFound:
    return NotFound(
        translate("priority", "Priority request {id} does not exist").format(id=request_id)
    )


def _snapshot(row: PriorityRequest) -> dict[str, Any]:
    names = ("patient_id", "specialty_id", "reason", "status", "decision_reason",
             "appointment_id")  # fmt: skip
    return {name: getattr(row, name) for name in names}


def _record(session: Session, actor: Actor, action: str, row: PriorityRequest, *,
            before: dict[str, Any], details: str | None = None) -> None:  # fmt: skip
    journal.record(
        session, action, actor=actor, entity="priority_request", entity_id=row.id,
        changes=journal.diff(before, _snapshot(row)), details=details,
    )  # fmt: skip


def _lock(session: Session, request_id: int) -> PriorityRequest:
    row = session.get(PriorityRequest, request_id, with_for_update=True)
    if row is None:
        raise _not_found(request_id)
    return row


def _bad_status(row: PriorityRequest) -> PriorityRefused:
    return PriorityRefused(
        "bad_status",
        translate("priority", "The request is already {status}").format(
            status=status_title(row.status)
        ),
    )


def create_request(
    db: sessionmaker[Session],
    actor: Actor,
    *,
    patient_id: int,
    reason: str,
    specialty_id: int | None = None,
    now: dt.datetime | None = None,
) -> PriorityRow:
    """Queue an urgent request for a patient (for a specialty, if known).

    Raises:
        PermissionDenied: the role may not book.
        ValidationError: ``reason`` (empty or too long), ``patient_id``, ``specialty_id``.
        PriorityRefused: ``already_pending`` (the patient has an open request for it).
    """
    if not (allowed(actor, Permission.BOOK_ANY_DOCTOR)
            or allowed(actor, Permission.BOOK_OWN_SCHEDULE)):  # fmt: skip
        require(actor, Permission.BOOK_ANY_DOCTOR)
    text = clean(reason)
    if text is None:
        raise ValidationError(translate("priority", "Reason for urgency: required"), field="reason")
    if len(text) > REASON_MAX_LENGTH:
        raise ValidationError(
            translate("priority", "Reason for urgency: at most {n} characters").format(
                n=REASON_MAX_LENGTH
            ),
            field="reason",
        )
    with db() as session, session.begin():
        moment = server_now(session, now)
        if session.get(Patient, patient_id, with_for_update=True) is None:
            raise ValidationError(
                translate("priority", "Patient: no longer exists"), field="patient_id"
            )
        if specialty_id is not None and session.get(Specialty, specialty_id) is None:
            raise ValidationError(
                translate("priority", "Specialty: no longer exists"), field="specialty_id"
            )
        open_request = session.scalar(
            sa.select(PriorityRequest.id).where(
                PriorityRequest.patient_id == patient_id,
                PriorityRequest.status.in_([P.PENDING, P.APPROVED]),
                PriorityRequest.specialty_id.is_not_distinct_from(specialty_id),
            )
        )
        if open_request is not None:
            raise PriorityRefused(
                "already_pending",
                translate("priority", "The patient already has an open priority request for this"),
            )
        row = PriorityRequest(
            patient_id=patient_id, specialty_id=specialty_id, reason=text,
            created_by_id=actor.user_id, status=P.PENDING,
        )  # fmt: skip
        session.add(row)
        session.flush()
        _record(session, actor, "create", row, before={})
        return _rows(session, [PriorityRequest.id == row.id], moment)[0]


def approve(
    db: sessionmaker[Session],
    actor: Actor,
    request_id: int,
    *,
    note: str | None = None,
    now: dt.datetime | None = None,
) -> PriorityRow:
    """A manager approves a pending request (to be booked next).

    Raises:
        PermissionDenied: not a manager.
        NotFound: no such request.
        PriorityRefused: ``bad_status`` (not pending).
    """
    require(actor, Permission.OVERRIDE_RULES)
    with db() as session, session.begin():
        moment = server_now(session, now)
        row = _lock(session, request_id)
        if row.status is not P.PENDING:
            raise _bad_status(row)
        before = _snapshot(row)
        row.status, row.decided_by_id, row.decided_at = P.APPROVED, actor.user_id, moment
        row.decision_reason = clean(note)
        session.flush()
        _record(session, actor, "approve", row, before=before, details=clean(note))
        return _rows(session, [PriorityRequest.id == row.id], moment)[0]


def reject(
    db: sessionmaker[Session],
    actor: Actor,
    request_id: int,
    *,
    reason: str,
    now: dt.datetime | None = None,
) -> PriorityRow:
    """A manager rejects a pending (or approved, not yet booked) request with a reason.

    Raises:
        PermissionDenied: not a manager.
        NotFound: no such request.
        PriorityRefused: ``reason_required``, ``bad_status``.
    """
    require(actor, Permission.OVERRIDE_RULES)
    text = clean(reason)
    if text is None:
        raise PriorityRefused(
            "reason_required",
            translate("priority", "Reason for the rejection: required"),
            field="reason",
        )
    with db() as session, session.begin():
        moment = server_now(session, now)
        row = _lock(session, request_id)
        if row.status not in (P.PENDING, P.APPROVED):
            raise _bad_status(row)
        before = _snapshot(row)
        row.status, row.decided_by_id, row.decided_at = P.REJECTED, actor.user_id, moment
        row.decision_reason = text
        session.flush()
        _record(session, actor, "reject", row, before=before, details=text)
        return _rows(session, [PriorityRequest.id == row.id], moment)[0]


def link_appointment(
    db: sessionmaker[Session],
    actor: Actor,
    request_id: int,
    appointment_id: int,
    *,
    now: dt.datetime | None = None,
) -> PriorityRow:
    """Link the appointment the manager booked to an approved request (→ ``booked``).

    Raises:
        PermissionDenied: not a manager.
        NotFound: no such request or appointment.
        PriorityRefused: ``bad_status`` (not approved).
        ValidationError: (``appointment_id``) another patient's appointment.
    """
    require(actor, Permission.OVERRIDE_RULES)
    with db() as session, session.begin():
        moment = server_now(session, now)
        row = _lock(session, request_id)
        _link(session, actor, row, appointment_id)
        return _rows(session, [PriorityRequest.id == row.id], moment)[0]


def _link(session: Session, actor: Actor, row: PriorityRequest, appointment_id: int) -> None:
    if row.status is not P.APPROVED:
        raise _bad_status(row)
    appointment = session.get(Appointment, appointment_id)
    if appointment is None:
        raise NotFound(
            translate("priority", "Appointment {id} does not exist").format(id=appointment_id)
        )
    if appointment.patient_id != row.patient_id:
        raise ValidationError(
            translate("priority", "The appointment is another patient's"),
            field="appointment_id",
        )
    before = _snapshot(row)
    row.status, row.appointment_id = P.BOOKED, appointment_id
    session.flush()
    _record(session, actor, "book", row, before=before)


def book_request(
    db: sessionmaker[Session],
    actor: Actor,
    request_id: int,
    *,
    doctor_id: int,
    starts_at: dt.datetime,
    slots: int | None = None,
    kind: AppointmentKind | None = None,
    referral_id: int | None = None,
    service_id: int | None = None,
    overbook_reason: str | None = None,
    now: dt.datetime | None = None,
) -> tuple[BookedAppointment, PriorityRow]:
    """Book an approved request (every booking rule applies; a manager may overbook
    with a reason) and link the appointment to it.

    The kind defaults as in :func:`~crm.controllers.schedule.booking.book` (by
    referral with ``referral_id``, else paid); a paid or follow-up visit needs
    ``service_id``, else it is refused (``service_missing``) and the request stays
    approved — a priority request never becomes a paid visit of no service.

    Raises:
        PermissionDenied, NotFound, PriorityRefused: as :func:`link_appointment`.
        BookingRefused: booking refused (the request stays approved).
    """
    require(actor, Permission.OVERRIDE_RULES)
    with db() as session:
        row = session.get(PriorityRequest, request_id)
        if row is None:
            raise _not_found(request_id)
        if row.status is not P.APPROVED:
            raise _bad_status(row)
        patient_id = row.patient_id
    made = book(
        db, actor, patient_id=patient_id, doctor_id=doctor_id, starts_at=starts_at, slots=slots,
        kind=kind, referral_id=referral_id, service_id=service_id,
        overbook_reason=overbook_reason, note=translate("priority", "Priority request"), now=now,
    )  # fmt: skip
    return made, link_appointment(db, actor, request_id, made.id, now=now)
