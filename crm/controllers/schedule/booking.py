"""Booking and rescheduling appointments (DOMAIN.md, Booking).

PostgreSQL is the referee between workstations: the exclusion constraints on
``appointment`` refuse a second active appointment over a doctor's or a patient's
time, and a partial unique index lets a referral hold one live appointment. The
rules it cannot see (working hours, the past, the 24-hour rule, referrals,
permissions) are checked here first. A refusal raises :class:`BookingRefused` with a
machine-readable ``reason_code`` and, for refusals about the time, the nearest free
alternatives (same doctor first, then the same specialty).

The database's clock is the referee for "now" (``SELECT now()``); every function
takes ``now`` for tests. Cancelling and visit statuses are in
:mod:`crm.controllers.schedule.visit_status`, the slot search in
:mod:`crm.controllers.schedule.slots`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from crm.controllers import journal
from crm.controllers.access.permissions import Permission, allowed
from crm.controllers.clinic import clock
from crm.controllers.clinic.clock import server_now
from crm.controllers.context import Actor
from crm.controllers.errors import (
    BookingNotPermitted,
    BookingRefused,
    NotFound,
    StaleRecord,
)
from crm.controllers.notifications import visits as notices
from crm.controllers.referrals import rules
from crm.controllers.schedule import calendar, freed_time, telemedicine
from crm.controllers.schedule.freed_time import TimeFreed, TimeTaken
from crm.controllers.schedule.slots import nearest_alternatives
from crm.i18n import translate
from crm.models import Appointment, Doctor, Patient, Referral, Service
from crm.models.enums import (
    AppointmentKind,
    AppointmentStatus,
    CancelledBy,
    JournalOutcome,
    ReferralStatus,
)

MAX_SLOTS = 4
# Cancelling or moving an appointment later than this before its start needs a manager.
CHANGE_NOTICE = dt.timedelta(hours=24)
# …except that a registrar may still correct her own booking this long after making it.
CORRECTION_WINDOW = dt.timedelta(minutes=15)
#: Kinds of visit the patient pays for: they are always of a service (its price, its length).
KINDS_WITH_SERVICE = frozenset({AppointmentKind.PAID, AppointmentKind.FOLLOW_UP})
#: The trigger of migration 0016 refusing such a visit without a service.
SERVICE_REQUIRED = "ck_appointment_service_required"
# Refusals about the time asked for: they come with the nearest free alternatives.
TIME_REASONS = frozenset({"slot_taken", "outside_hours", "in_past", "patient_busy"})
DEADLOCK = "40P01"
DEADLOCK_RETRIES = 3
# First keys of the advisory locks that make desks take turns inserting (see _insert).
LOCK_DOCTOR = 0x43524D01
LOCK_PATIENT = 0x43524D02


@dataclass(frozen=True)
class BookedAppointment:
    """An appointment as the controllers return it (times in the clinic's timezone)."""

    id: int
    doctor_id: int
    patient_id: int
    room_id: int | None
    starts_at: dt.datetime
    ends_at: dt.datetime
    kind: AppointmentKind
    status: AppointmentStatus
    referral_id: int | None
    service_id: int | None
    overbooked: bool
    overbook_reason: str | None
    rescheduled_from_id: int | None
    cancelled_by: CancelledBy | None
    cancel_reason: str | None
    video_link: str | None
    note: str | None
    version: int


class _Trial(Exception):  # noqa: N818 - not an error: it carries a trial's result out
    """A trial move went through: raised to roll it back, carrying what it made."""

    def __init__(self, result: BookedAppointment) -> None:
        super().__init__("trial")
        self.result = result


class _Conflict(Exception):
    """The database refused the insert: raised inside the transaction, handled outside."""

    def __init__(self, reason_code: str) -> None:
        super().__init__(reason_code)
        self.reason_code = reason_code


# --- helpers shared with visit_status ------------------------------------------------------


_FIELDS = (
    "doctor_id", "patient_id", "room_id", "starts_at", "ends_at", "kind", "status",
    "referral_id", "service_id", "overbooked", "overbook_reason", "rescheduled_from_id",
    "cancelled_by", "cancel_reason", "video_link", "note",
)  # fmt: skip


def snapshot(row: Appointment) -> dict[str, Any]:
    """The journaled fields of ``row`` (for :func:`crm.controllers.journal.diff`)."""
    return {name: getattr(row, name) for name in _FIELDS}


def view(row: Appointment, tz: dt.tzinfo) -> BookedAppointment:
    """The plain record of ``row``."""
    values = snapshot(row)
    values.update(starts_at=row.starts_at.astimezone(tz), ends_at=row.ends_at.astimezone(tz))
    return BookedAppointment(id=row.id, version=row.version, **values)


def _video_link(session: Session, kind: AppointmentKind, typed: str | None) -> str | None:
    """A remote visit's link: the one typed, else a new room of the clinic's provider."""
    if kind is not AppointmentKind.REMOTE:
        return None
    return clean(typed) or telemedicine.new_room_link(session)


def clean(text: str | None) -> str | None:
    """``text`` trimmed, or ``None`` when blank."""
    text = (text or "").strip()
    return text or None


def record(
    session: Session,
    actor: Actor,
    action: str,
    entity_id: int | None,
    changes: dict[str, Any],
    *,
    details: str | None = None,
    entity: str = "appointment",
    outcome: JournalOutcome = JournalOutcome.OK,
) -> None:
    """Journal a change of an appointment (or of ``entity``) in ``session``."""
    journal.record(
        session, action, actor=actor, entity=entity, entity_id=entity_id, changes=changes,
        outcome=outcome, details=details,
    )  # fmt: skip


def schedule_access_refusal(actor: Actor, doctor_id: int) -> str | None:
    """Why ``actor`` may not book into ``doctor_id``'s schedule; ``None``: they may.

    Registrars and managers book any doctor; a doctor only into the own schedule.
    """
    if allowed(actor, Permission.BOOK_ANY_DOCTOR):
        return None
    if allowed(actor, Permission.BOOK_OWN_SCHEDULE):
        if actor.doctor_id == doctor_id:
            return None
        return translate("booking", "You may book only into your own schedule")
    return translate("booking", "Your role may not book appointments")


def require_schedule_access(actor: Actor, doctor_id: int) -> None:
    """Refuse (:class:`BookingNotPermitted`) unless ``actor`` may book ``doctor_id``."""
    refusal = schedule_access_refusal(actor, doctor_id)
    if refusal is not None:
        raise BookingNotPermitted(refusal)


def lock_appointment(
    session: Session, appointment_id: int, expected_version: int | None
) -> Appointment:
    """The appointment, locked for update, at ``expected_version`` if given.

    Raises:
        NotFound: no such appointment.
        StaleRecord: it changed since the caller read it.
    """
    row = session.scalars(
        sa.select(Appointment).where(Appointment.id == appointment_id).with_for_update()
    ).one_or_none()
    if row is None:
        raise NotFound(
            translate("booking", "Appointment {id} does not exist").format(id=appointment_id)
        )
    if expected_version is not None and row.version != expected_version:
        raise _stale()
    return row


def _stale() -> StaleRecord:
    return StaleRecord(
        translate("booking", "The appointment was changed on another workstation: reload it")
    )


@contextmanager
def stale_guard() -> Iterator[None]:
    """Turn SQLAlchemy's optimistic-locking failure into :class:`StaleRecord`."""
    try:
        yield
    except StaleDataError as exc:
        raise _stale() from exc


def set_referral_status(
    session: Session, actor: Actor, referral: Referral, status: ReferralStatus
) -> None:
    """Change a referral's stored status and journal it (nothing if unchanged)."""
    if referral.status is not status:
        changes = journal.diff({"status": referral.status}, {"status": status})
        referral.status = status
        record(session, actor, "status", referral.id, changes, entity="referral")


def refusal(code: str) -> BookingRefused:
    """The refusal for a time or a referral the database (or the schedule) refused."""
    messages = {
        "in_past": translate("booking", "This time has already passed"),
        "outside_hours": translate("booking", "Outside the doctor's working hours"),
        "slot_taken": translate("booking", "This time is already taken"),
        "patient_busy": translate("booking", "The patient already has an appointment then"),
        "referral_used": translate(
            "booking", "The referral is already used by another appointment"
        ),
        "service_missing": service_missing_message(),
    }
    return BookingRefused(
        code, messages[code], field="service" if code == "service_missing" else None
    )


def service_missing_message() -> str:
    """Why a paid or follow-up visit without a service is refused (names the field)."""
    return translate(
        "booking", "Service: a paid or follow-up visit needs its service (the price and length)"
    )


def require_booked(row: Appointment) -> None:
    """Refuse changing an appointment that is no longer simply booked."""
    if row.status is not AppointmentStatus.BOOKED:
        raise BookingRefused(
            "bad_status",
            translate("booking", "Only a booked appointment can be cancelled or moved"),
        )


def too_late_message() -> str:
    """The 24-hour rule in words: the one wording every desk shows (refusals, greyed items)."""
    return translate(
        "booking",
        "Less than 24 hours before the appointment only a manager may change it, giving a reason",
    )


def own_correction(
    actor: Actor, created_by_id: int | None, created_at: dt.datetime | None, now: dt.datetime
) -> bool:
    """Whether ``actor`` made the booking (``created_by_id`` at ``created_at``) within the
    last :data:`CORRECTION_WINDOW`: her own, which she may still correct whatever the
    24-hour rule says (the desk's menu asks the same)."""
    return (
        actor.user_id is not None
        and created_by_id == actor.user_id
        and created_at is not None
        and dt.timedelta(0) <= now - created_at <= CORRECTION_WINDOW
    )


def check_change_window(
    actor: Actor,
    starts_at: dt.datetime,
    now: dt.datetime,
    reason: str | None,
    *,
    row: Appointment | None = None,
) -> str | None:
    """Refuse changing an appointment less than 24 h before it, unless a manager says why
    or ``row`` is the actor's own booking of the last 15 minutes.

    Returns:
        The journal's note when the change is allowed only as such a correction.
    """
    if starts_at - now >= CHANGE_NOTICE:
        return None
    if allowed(actor, Permission.OVERRIDE_RULES) and clean(reason):
        return None
    if row is not None and own_correction(actor, row.created_by_id, row.created_at, now):
        return translate("booking", "Correction of an own booking made {minutes} min ago").format(
            minutes=int((now - row.created_at).total_seconds() // 60)
        )
    raise BookingRefused("too_late_to_change", too_late_message())


def conflict_code(error: IntegrityError) -> str | None:
    """``slot_taken``, ``patient_busy`` or ``referral_used`` for the constraint that refused."""
    orig = error.orig
    sqlstate = getattr(orig, "sqlstate", None)
    constraint = getattr(getattr(orig, "diag", None), "constraint_name", None)
    codes = {
        ("23P01", "ex_appointment_doctor_overlap"): "slot_taken",
        ("23P01", "ex_appointment_patient_overlap"): "patient_busy",
        ("23505", "uq_appointment_live_referral"): "referral_used",
        ("23514", SERVICE_REQUIRED): "service_missing",
    }
    return codes.get((sqlstate or "", constraint or ""))


def _insert(session: Session, values: dict[str, Any]) -> Appointment:
    # Desks booking the same doctor (or patient) take turns here, until commit. Without
    # this, two desks inserting the same time at once each put their row in the gist
    # index and then wait for the other's at the exclusion check: a deadlock, which
    # PostgreSQL breaks only after deadlock_timeout, and a retry meets again. Taking
    # the doctor's lock before the patient's keeps the order the same everywhere.
    # The constraint stays the referee: the desk that waited now meets a committed row.
    for namespace, key in (
        (LOCK_DOCTOR, values["doctor_id"]),
        (LOCK_PATIENT, values["patient_id"]),
    ):
        session.execute(sa.select(sa.func.pg_advisory_xact_lock(namespace, key)))
    # A savepoint keeps the transaction usable after a refusal (the overbooking retry)
    # and after a deadlock with a writer that does not take the locks above.
    for attempt in range(1, DEADLOCK_RETRIES + 1):
        row = Appointment(**values)
        try:
            with session.begin_nested():
                session.add(row)
                session.flush()
        except IntegrityError as exc:
            code = conflict_code(exc)
            if code is None:
                raise
            raise _Conflict(code) from exc
        except OperationalError as exc:
            if getattr(exc.orig, "sqlstate", None) != DEADLOCK or attempt == DEADLOCK_RETRIES:
                raise
            continue
        return row
    raise AssertionError("unreachable")  # pragma: no cover


def _target(
    session: Session,
    doctor_id: int,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    *,
    kind: AppointmentKind,
    now: dt.datetime,
    tz: dt.tzinfo,
    past_allowed: bool = False,
) -> tuple[Doctor, calendar.Period[calendar.RoomId]]:
    """The doctor and the working period ``[starts_at, ends_at)`` may be booked in."""
    doctor = session.get(Doctor, doctor_id)
    if doctor is None:
        raise NotFound(translate("booking", "No doctor with id {id}").format(id=doctor_id))
    if not doctor.active:
        raise BookingRefused(
            "doctor_inactive", translate("booking", "The doctor no longer receives patients")
        )
    if starts_at < now and not past_allowed:
        raise refusal("in_past")
    day = starts_at.astimezone(tz).date()
    periods = calendar.working_periods(session, doctor.id, day, tz=tz)
    period = calendar.period_holding(periods, starts_at, ends_at)
    if period is None:
        raise refusal("outside_hours")
    if kind is AppointmentKind.REMOTE and not doctor.offers_remote:
        raise BookingRefused(
            "no_remote", translate("booking", "This doctor does not give remote consultations")
        )
    return doctor, period


def _refused(
    db: sessionmaker[Session],
    actor: Actor,
    error: _Conflict | BookingRefused,
    *,
    action: str,
    attempted: dict[str, Any],
    entity_id: int | None = None,
    slots: int,
    now: dt.datetime | None,
    journal_it: bool = True,
) -> BookingRefused:
    """The refusal to raise, journaled if the database refused (and ``journal_it``: a
    trial is not an attempt), with alternatives."""
    refused = refusal(error.reason_code) if isinstance(error, _Conflict) else error
    if isinstance(error, _Conflict) and journal_it:
        # Its own short transaction: the one that tried was rolled back.
        with db() as session, session.begin():
            record(
                session, actor, action, entity_id, journal.diff({}, attempted),
                details=refused.message,  # in words: the journal is read by people
                outcome=JournalOutcome.REFUSED,
            )  # fmt: skip
    if refused.reason_code in TIME_REASONS and "doctor_id" in attempted:
        refused.alternatives = nearest_alternatives(
            db, doctor_id=attempted["doctor_id"], starts_at=attempted["starts_at"],
            slots=slots, patient_id=attempted.get("patient_id"), now=now,
        )  # fmt: skip
    return refused


# --- book ---------------------------------------------------------------------------------


def book(
    db: sessionmaker[Session],
    actor: Actor,
    *,
    patient_id: int,
    doctor_id: int,
    starts_at: dt.datetime,
    slots: int | None = None,
    kind: AppointmentKind | None = None,
    referral_number: str | None = None,
    referral_id: int | None = None,
    service_id: int | None = None,
    overbook_reason: str | None = None,
    backdate_reason: str | None = None,
    video_link: str | None = None,
    note: str | None = None,
    now: dt.datetime | None = None,
) -> BookedAppointment:
    """Book ``slots`` consecutive slots of a doctor for a patient.

    Args:
        db: the session factory.
        actor: who books (registrar or manager: any doctor; doctor: own schedule).
        patient_id: the patient.
        doctor_id: the doctor.
        starts_at: aware start, on the doctor's slot grid inside the working hours.
        slots: 1–4 consecutive slots; by default the service's length (else 1).
        kind: by referral, paid, follow-up or remote; by default ``referral`` when a
            referral is given, else ``paid``. A paid or follow-up visit needs
            ``service_id`` (refused ``service_missing`` otherwise).
        referral_number: the referral's number (as on the document)…
        referral_id: …or its id; the referral is marked used.
        service_id: the catalogue service (active); required for paid and follow-up.
        overbook_reason: a manager's reason to book over a taken slot on purpose.
        backdate_reason: a manager's reason to record an appointment in the past.
        video_link: the video-call link of a remote consultation (kept for ``remote`` only).
        note: free text.
        now: the current time (the database server's clock by default).

    Returns:
        The new appointment.

    Raises:
        BookingRefused: a rule refused; see ``reason_code`` and ``alternatives``.
        NotFound: no such patient, doctor or service.
    """
    if starts_at.tzinfo is None:
        raise ValueError("starts_at must be timezone-aware")
    require_schedule_access(actor, doctor_id)
    overbook_reason, backdate_reason = clean(overbook_reason), clean(backdate_reason)
    if (overbook_reason or backdate_reason) and not allowed(actor, Permission.OVERRIDE_RULES):
        raise BookingNotPermitted(
            translate("booking", "Only a manager may overbook or record a past appointment")
        )
    if slots is not None and not 1 <= slots <= MAX_SLOTS:
        raise BookingRefused(
            "bad_length",
            translate("booking", "An appointment takes 1 to {n} slots").format(n=MAX_SLOTS),
            field="slots",
        )
    has_referral = referral_id is not None or clean(referral_number) is not None
    kind = kind or (AppointmentKind.REFERRAL if has_referral else AppointmentKind.PAID)
    if kind in KINDS_WITH_SERVICE and service_id is None:
        raise BookingRefused("service_missing", service_missing_message(), field="service")
    attempted: dict[str, Any] = {
        "doctor_id": doctor_id, "patient_id": patient_id, "starts_at": starts_at, "kind": kind,
    }  # fmt: skip
    try:
        with db() as session, session.begin():
            moment = server_now(session, now)
            tz = clock.clinic_timezone(session)
            patient = session.get(Patient, patient_id)
            if patient is None:
                raise NotFound(
                    translate("booking", "No patient with id {id}").format(id=patient_id)
                )
            service = None if service_id is None else session.get(Service, service_id)
            if service_id is not None and service is None:
                raise NotFound(
                    translate("booking", "No service with id {id}").format(id=service_id),
                    field="service",
                )
            if service is not None and not service.active:
                raise BookingRefused(
                    "service_inactive",
                    translate("booking", "Service: no longer provided"),
                    field="service",
                )
            if slots is None:
                slots = service.duration_slots if service is not None else 1
            minutes = session.scalar(sa.select(Doctor.slot_minutes).where(Doctor.id == doctor_id))
            ends_at = starts_at + slots * dt.timedelta(minutes=minutes or 15)
            attempted["ends_at"] = ends_at
            doctor, period = _target(
                session, doctor_id, starts_at, ends_at, kind=kind, now=moment, tz=tz,
                past_allowed=backdate_reason is not None,
            )  # fmt: skip
            referral = None
            if kind is AppointmentKind.REFERRAL and not has_referral:
                raise BookingRefused(
                    "referral_missing",
                    translate("booking", "Booking by referral needs the referral's number"),
                    field="referral",
                )
            if has_referral:
                referral = rules.find_referral(
                    session, referral_id=referral_id, number=referral_number, patient_id=patient_id
                )
                day, today = starts_at.astimezone(tz).date(), moment.astimezone(tz).date()
                rules.check_booking(
                    session, referral, patient, doctor.specialty_id, day=day, today=today
                )
            values: dict[str, Any] = {
                "doctor_id": doctor_id, "patient_id": patient_id, "room_id": period.room,
                "starts_at": starts_at, "ends_at": ends_at, "kind": kind,
                "status": AppointmentStatus.BOOKED,
                "referral_id": referral.id if referral else None, "service_id": service_id,
                "video_link": _video_link(session, kind, video_link),
                "note": clean(note), "created_by_id": actor.user_id,
            }  # fmt: skip
            try:
                row = _insert(session, values)
            except _Conflict as conflict:
                if conflict.reason_code != "slot_taken" or not overbook_reason:
                    raise
                # Booked over the taken slot on purpose: the doctor's constraint
                # ignores overbooked rows, the patient's still applies. The time is
                # now held twice: offers of it to the waiting list are withdrawn.
                values.update(overbooked=True, overbook_reason=overbook_reason)
                row = _insert(session, values)
                freed_time.announce_taken(
                    session, TimeTaken(doctor_id, starts_at, ends_at, actor=actor, now=moment)
                )
            if referral is not None:
                set_referral_status(session, actor, referral, ReferralStatus.USED)
            details = None
            if starts_at < moment:
                details = translate("booking", "Recorded in the past: {reason}").format(
                    reason=backdate_reason
                )
            record(
                session, actor, "create", row.id, journal.diff({}, snapshot(row)), details=details
            )
            if starts_at > moment:  # the patient is told, in this transaction
                notices.queue_visit_notice(session, row, "confirmation", now=moment, tz=tz)
                notices.queue_reminders(session, row, now=moment, tz=tz)
            return view(row, tz)
    except (_Conflict, BookingRefused) as error:
        raise _refused(
            db, actor, error, action="create", attempted=attempted, slots=slots or 1, now=now
        ) from None


# --- reschedule ---------------------------------------------------------------------------


def reschedule(
    db: sessionmaker[Session],
    actor: Actor,
    appointment_id: int,
    *,
    starts_at: dt.datetime,
    doctor_id: int | None = None,
    reason: str | None = None,
    expected_version: int | None = None,
    check_only: bool = False,
    now: dt.datetime | None = None,
) -> BookedAppointment:
    """Move a booked appointment to another time (and perhaps another doctor).

    ``check_only``: go through every rule and the database's constraints as the move
    would, then roll it all back — the desk asks «move to another doctor?» only for a
    move that would succeed (the answer is advice: the move itself checks again).

    The new appointment keeps the duration, kind, service, note and referral of the
    old one and links back to it (``rescheduled_from_id``); the old one becomes
    ``rescheduled``. The referral stays used; with another doctor, the doctor's
    specialty must still be the referral's. Later than 24 hours before the old
    start only a manager may move it, giving a reason — unless it is in the holding
    tray (its doctor became unavailable), which any desk may rebook. The old time, as far as
    it is now free, is offered to the waiting list.

    Raises:
        BookingRefused: ``too_late_to_change``, ``slot_taken``, ``outside_hours``,
            ``in_past``, ``patient_busy``, ``referral_*``, ``bad_status``, ``permission``.
        NotFound: no such appointment or doctor.
        StaleRecord: ``expected_version`` differs (changed on another workstation).
    """
    if starts_at.tzinfo is None:
        raise ValueError("starts_at must be timezone-aware")
    attempted: dict[str, Any] = {"starts_at": starts_at}
    slots = 1
    try:
        with stale_guard(), db() as session, session.begin():
            moment = server_now(session, now)
            tz = clock.clinic_timezone(session)
            old = lock_appointment(session, appointment_id, expected_version)
            target = old.doctor_id if doctor_id is None else doctor_id
            duration = old.ends_at - old.starts_at
            ends_at = starts_at + duration
            attempted.update(doctor_id=target, patient_id=old.patient_id, ends_at=ends_at)
            require_schedule_access(actor, old.doctor_id)
            require_schedule_access(actor, target)
            require_booked(old)
            correction = None
            if not old.in_holding_tray:
                # A held appointment is moved because the clinic cancelled the doctor's
                # hours: the 24-hour rule protects the clinic from late changes by the
                # patient and must not stop the desk from rebooking it.
                correction = check_change_window(actor, old.starts_at, moment, reason, row=old)
            doctor, period = _target(
                session, target, starts_at, ends_at, kind=old.kind, now=moment, tz=tz
            )
            slots = max(1, duration // dt.timedelta(minutes=doctor.slot_minutes))
            if old.referral_id is not None:
                referral = session.get(Referral, old.referral_id, with_for_update=True)
                patient = session.get(Patient, old.patient_id)
                assert patient is not None  # a foreign key
                day, today = starts_at.astimezone(tz).date(), moment.astimezone(tz).date()
                rules.check_booking(
                    session, referral, patient, doctor.specialty_id, day=day, today=today,
                    rebooking=True,
                )  # fmt: skip
            before = snapshot(old)
            # Free the old time first, so that a move by a slot or two does not
            # collide with the appointment it replaces.
            old.status = AppointmentStatus.RESCHEDULED
            session.flush()
            new = _insert(session, {
                **{name: before[name] for name in (
                    "patient_id", "kind", "referral_id", "service_id", "video_link", "note")},
                "doctor_id": target, "room_id": period.room, "starts_at": starts_at,
                "ends_at": ends_at, "status": AppointmentStatus.BOOKED,
                "rescheduled_from_id": old.id, "created_by_id": actor.user_id,
            })  # fmt: skip
            if check_only:
                raise _Trial(view(new, tz))  # rolls the transaction back
            moved = {**snapshot(new), "status": old.status, "rescheduled_from_id": None}
            changes = {**journal.diff(before, moved), "replaced_by": [None, new.id]}
            details = "; ".join(filter(None, (correction, clean(reason)))) or None
            record(session, actor, "reschedule", old.id, changes, details=details)
            record(session, actor, "create", new.id, journal.diff({}, snapshot(new)))
            # Old → new time; the old visit's reminders are not sent (the sender sees it moved).
            notices.queue_visit_notice(session, new, "change", now=moment, tz=tz, old=old)
            notices.queue_reminders(session, new, now=moment, tz=tz)
            # The time given up is announced (the waiting list offers it), in this transaction.
            freed_time.announce(session, TimeFreed(
                old.doctor_id, before["starts_at"], before["ends_at"], actor=actor,
                now=moment, exclude_patient_id=old.patient_id,
            ))  # fmt: skip
            return view(new, tz)
    except _Trial as trial:
        return trial.result
    except (_Conflict, BookingRefused) as error:
        raise _refused(
            db, actor, error, action="reschedule", attempted=attempted,
            entity_id=appointment_id, slots=slots, now=now, journal_it=not check_only,
        ) from None  # fmt: skip
