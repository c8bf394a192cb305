"""Visit statuses: check-in, in progress, completed, no-show, cancel, and a manager's undo.

Allowed steps (DOMAIN.md, Booking): booked → arrived → in progress → completed, and
booked → no-show once the start time has passed. A patient who has arrived is not a
no-show. A manager may step back one status to undo a mistake (completed → in
progress, no-show → booked…), with a reason; the journal keeps it.

A referral follows its visit: completing closes it, a no-show releases it (active
again while valid), cancelling releases it the same way, and undoing puts it back.
A cancelled appointment's time is announced as freed
(:mod:`crm.controllers.schedule.freed_time`; the waiting list offers it) in the same
transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from crm.controllers import journal
from crm.controllers.access.permissions import Permission, allowed, in_own_schedule
from crm.controllers.clinic import clock
from crm.controllers.clinic.clock import server_now
from crm.controllers.context import Actor
from crm.controllers.errors import BookingNotPermitted, BookingRefused
from crm.controllers.notifications import visits as notices
from crm.controllers.referrals import rules
from crm.controllers.schedule import freed_time
from crm.controllers.schedule.booking import (
    BookedAppointment,
    check_change_window,
    clean,
    conflict_code,
    lock_appointment,
    record,
    require_booked,
    require_schedule_access,
    set_referral_status,
    snapshot,
    stale_guard,
    view,
)
from crm.controllers.schedule.freed_time import TimeFreed
from crm.controllers.schedule.slots import short_name
from crm.controllers.vocabulary import appointment_status_title as status_title
from crm.i18n import translate
from crm.models import Appointment, Doctor, JournalEntry, Patient, Referral
from crm.models.enums import AppointmentStatus, CancelledBy, JournalOutcome, ReferralStatus

S = AppointmentStatus

# Forward steps and the permissions that allow each (any one of them).
FORWARD: dict[tuple[AppointmentStatus, AppointmentStatus], tuple[Permission, ...]] = {
    (S.BOOKED, S.ARRIVED): (Permission.CHECK_IN,),
    (S.ARRIVED, S.IN_PROGRESS): (Permission.MARK_VISITS,),
    (S.IN_PROGRESS, S.COMPLETED): (Permission.MARK_VISITS,),
    # The desk is offered the visits nobody came to, so registrars mark them too.
    (S.BOOKED, S.NO_SHOW): (Permission.MARK_VISITS, Permission.CHECK_IN),
}
# Steps that happen only on the visit's day (in the clinic's timezone): a patient who
# checks in for tomorrow would stay on a day a doctor may then be taken off.
SAME_DAY = frozenset({S.ARRIVED, S.IN_PROGRESS})
# Steps back a manager may take to undo a mistake (with a reason).
UNDO: frozenset[tuple[AppointmentStatus, AppointmentStatus]] = frozenset(
    {
        (S.ARRIVED, S.BOOKED),
        (S.IN_PROGRESS, S.ARRIVED),
        (S.COMPLETED, S.IN_PROGRESS),
        (S.NO_SHOW, S.BOOKED),
    }
)


def own_mark(session: Session, actor: Actor, row: Appointment) -> bool:
    """Whether ``row``'s present status was set by ``actor`` (the last status mark is hers)."""
    if actor.user_id is None:
        return False
    last = session.execute(
        sa.select(JournalEntry.user_id, JournalEntry.changes)
        .where(
            JournalEntry.entity == "appointment",
            JournalEntry.entity_id == row.id,
            JournalEntry.action == "status",
            JournalEntry.outcome == JournalOutcome.OK,
        )
        .order_by(JournalEntry.id.desc())
        .limit(1)
    ).one_or_none()
    if last is None or last.user_id != actor.user_id:
        return False
    status = (last.changes or {}).get("status")
    return isinstance(status, list) and len(status) == 2 and status[1] == row.status.value


def _check_step(
    session: Session,
    actor: Actor,
    row: Appointment,
    new_status: AppointmentStatus,
    reason: str | None,
    *,
    moment: dt.datetime,
    tz: dt.tzinfo,
) -> bool:
    """Refuse a step the rules forbid; whether it is an undo."""
    step = (row.status, new_status)
    if step in UNDO:
        if not allowed(actor, Permission.UNDO_STATUS):
            if own_mark(session, actor, row):
                return True  # her own mistake (a mis-pressed F2): no reason asked
            raise BookingNotPermitted(
                translate("booking", "Only a manager may undo a visit status")
            )
        if reason is None:
            raise BookingRefused(
                "reason_required", translate("booking", "Reason: required"), field="reason"
            )
        return True
    permissions = FORWARD.get(step)
    if permissions is None:
        raise BookingRefused(
            "bad_transition",
            translate("booking", "The status cannot change from «{old}» to «{new}»").format(
                old=status_title(row.status), new=status_title(new_status)
            ),
        )
    if not any(allowed(actor, p) for p in permissions):
        raise BookingNotPermitted(translate("booking", "Your role may not set this status"))
    if not in_own_schedule(actor, row.doctor_id):
        raise BookingNotPermitted(
            translate("booking", "You may mark visits only in your own schedule")
        )
    if new_status is S.NO_SHOW and moment < row.starts_at:
        raise BookingRefused(
            "too_early",
            translate("booking", "A no-show can be marked only after the appointment's start"),
        )
    day = row.starts_at.astimezone(tz).date()
    if new_status in SAME_DAY and moment.astimezone(tz).date() != day:
        raise BookingRefused(
            "not_today",
            translate(
                "booking",
                "A patient can arrive or see the doctor only on the day of the visit, {date}",
            ).format(date=day.strftime("%d.%m.%Y")),
        )
    return False


def _follow_referral(
    session: Session, actor: Actor, row: Appointment, new_status: AppointmentStatus, today: dt.date
) -> None:
    if row.referral_id is None:
        return
    referral = session.get(Referral, row.referral_id, with_for_update=True)
    assert referral is not None  # a foreign key
    current = referral.status
    if new_status is S.COMPLETED and current is ReferralStatus.USED:
        set_referral_status(session, actor, referral, ReferralStatus.CLOSED)
    elif new_status is S.NO_SHOW and current is ReferralStatus.USED:
        set_referral_status(session, actor, referral, rules.released_status(referral, today))
    elif new_status is S.IN_PROGRESS and current is ReferralStatus.CLOSED:
        set_referral_status(session, actor, referral, ReferralStatus.USED)
    elif new_status is S.BOOKED and row.status is S.NO_SHOW:
        # Taking the no-show back: the referral must still be free for it.
        if current not in (ReferralStatus.ACTIVE, ReferralStatus.EXPIRED):
            raise BookingRefused(
                "referral_used",
                translate("booking", "The referral is already used by another appointment"),
            )
        set_referral_status(session, actor, referral, ReferralStatus.USED)


def set_status(
    db: sessionmaker[Session],
    actor: Actor,
    appointment_id: int,
    new_status: AppointmentStatus,
    *,
    reason: str | None = None,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> BookedAppointment:
    """Move a visit to ``new_status`` (check-in, start, complete, no-show or undo).

    Raises:
        BookingRefused: ``bad_transition``, ``too_early`` (no-show before the start),
            ``not_today`` (check-in or the doctor's start on another day than the visit's),
            ``reason_required`` (undo without a reason), ``referral_used`` (undoing a
            no-show whose referral was used again), ``permission``.
        NotFound: no such appointment.
        StaleRecord: ``expected_version`` differs (changed on another workstation).
    """
    cleaned = clean(reason)
    with stale_guard(), db() as session, session.begin():
        moment = server_now(session, now)
        tz = clock.clinic_timezone(session)
        row = lock_appointment(session, appointment_id, expected_version)
        own = not allowed(actor, Permission.UNDO_STATUS)
        undo = _check_step(session, actor, row, new_status, cleaned, moment=moment, tz=tz)
        before = snapshot(row)
        _follow_referral(session, actor, row, new_status, moment.astimezone(tz).date())
        row.status = new_status
        try:
            with session.begin_nested():
                session.flush()
        except IntegrityError as exc:
            if conflict_code(exc) != "referral_used":
                raise
            raise BookingRefused(
                "referral_used",
                translate("booking", "The referral is already used by another appointment"),
            ) from exc
        details = cleaned
        if undo and own:
            details = translate("booking", "Correction: own status mark undone")
            if cleaned:
                details += f": {cleaned}"
        elif undo:
            details = translate("booking", "Undone: {reason}").format(reason=cleaned)
        changes = journal.diff(before, snapshot(row))
        record(session, actor, "status", row.id, changes, details=details)
        return view(row, tz)


def cancel(
    db: sessionmaker[Session],
    actor: Actor,
    appointment_id: int,
    *,
    reason: str,
    by: CancelledBy = CancelledBy.PATIENT,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> BookedAppointment:
    """Cancel a booked appointment (by the patient or by the clinic) with a reason.

    Later than 24 hours before the start only a manager may cancel. A referral the
    appointment used becomes active again, or expired if its last day has passed
    (as of today, not of the appointment's day).

    Raises:
        BookingRefused: ``reason_required``, ``too_late_to_change``, ``bad_status``,
            ``permission``.
        NotFound: no such appointment.
        StaleRecord: ``expected_version`` differs (changed on another workstation).
    """
    cleaned = clean(reason)
    if cleaned is None:
        raise BookingRefused(
            "reason_required", translate("booking", "Reason: required"), field="reason"
        )
    with stale_guard(), db() as session, session.begin():
        moment = server_now(session, now)
        tz = clock.clinic_timezone(session)
        row = lock_appointment(session, appointment_id, expected_version)
        require_schedule_access(actor, row.doctor_id)
        require_booked(row)
        correction = check_change_window(actor, row.starts_at, moment, cleaned, row=row)
        before = snapshot(row)
        row.status, row.cancelled_by, row.cancel_reason = S.CANCELLED, by, cleaned
        session.flush()
        if row.referral_id is not None:
            referral = session.get(Referral, row.referral_id, with_for_update=True)
            if referral is not None and referral.status is ReferralStatus.USED:
                today = moment.astimezone(tz).date()
                released = rules.released_status(referral, today)
                set_referral_status(session, actor, referral, released)
        changes = journal.diff(before, snapshot(row))
        details = f"{correction}; {cleaned}" if correction else cleaned
        record(session, actor, "cancel", row.id, changes, details=details)
        if row.starts_at > moment:  # its reminders are not sent: the sender sees it cancelled
            notices.queue_visit_notice(session, row, "cancellation", now=moment, tz=tz)
        # The freed time is announced (the waiting list offers it), in this same transaction.
        freed_time.announce(session, TimeFreed(
            row.doctor_id, row.starts_at, row.ends_at, actor=actor, now=moment,
            exclude_patient_id=row.patient_id,
        ))  # fmt: skip
        return view(row, tz)


@dataclass(frozen=True)
class OverdueAppointment:
    """An appointment past its end still ``booked``: offered to the desk as a no-show."""

    id: int
    doctor_id: int
    doctor_name: str
    patient_id: int
    patient_name: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    version: int


def overdue_booked(
    db: sessionmaker[Session] | Session,
    now: dt.datetime | None = None,
    *,
    doctor_id: int | None = None,
) -> list[OverdueAppointment]:
    """Appointments whose end has passed but which are still ``booked``, oldest first."""
    with clock.reading(db) as session:
        moment = server_now(session, now)
        tz = clock.clinic_timezone(session)
        query = (
            sa.select(Appointment, Doctor, Patient)
            .join(Doctor, Doctor.id == Appointment.doctor_id)
            .join(Patient, Patient.id == Appointment.patient_id)
            .where(Appointment.status == S.BOOKED, Appointment.ends_at <= moment)
            .order_by(Appointment.starts_at, Appointment.id)
        )
        if doctor_id is not None:
            query = query.where(Appointment.doctor_id == doctor_id)
        return [
            OverdueAppointment(
                id=a.id,
                doctor_id=d.id,
                doctor_name=short_name(d.last_name, d.first_name, d.patronymic),
                patient_id=p.id,
                patient_name=" ".join(x for x in (p.last_name, p.first_name, p.patronymic) if x),
                starts_at=a.starts_at.astimezone(tz),
                ends_at=a.ends_at.astimezone(tz),
                version=a.version,
            )
            for a, d, p in session.execute(query).tuples()
        ]
