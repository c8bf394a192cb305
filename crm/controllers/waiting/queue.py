"""The waiting list (лист ожидания): patients waiting for a doctor's or a specialty's time.

An entry names the patient, a doctor or a specialty, the wished days, how to reach
the patient, and a note. When time frees up — an appointment cancelled or moved
away, or new working hours; the schedule announces it
(:mod:`crm.controllers.schedule.freed_time`) in its own transaction and this module
answers through :func:`offer_freed_time` — each free slot in that time goes, in time order, to
the earliest matching entry still waiting: its status becomes ``offered`` with the
doctor and the time, and a notice goes to the outbox (purpose ``waiting_offer``).
Desks learn of it through the row trigger on ``waiting_list_entry`` (``pg_notify``)
and show a prompt.

The patient accepts (the appointment is booked through
:func:`crm.controllers.schedule.booking.book`, so every booking rule applies; if the time
was taken meanwhile the desk is told so and the entry waits again) or declines
(the entry waits again and the time passes to the next matching entry after it in
order). An offer is not a hold: the slot stays free for anyone until accepted.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from crm.controllers.access.permissions import Permission, allowed, require
from crm.controllers.clinic import clock
from crm.controllers.clinic.clock import server_now
from crm.controllers.context import Actor
from crm.controllers.errors import ValidationError
from crm.controllers.notifications.calls import queue_call
from crm.controllers.notifications.outbox import queue_notice
from crm.controllers.schedule.booking import clean
from crm.controllers.schedule.freed_time import TimeFreed, TimeTaken, on_time_freed, on_time_taken
from crm.controllers.schedule.slots import free_slots, short_name
from crm.controllers.validation import format_date
from crm.controllers.waiting.common import (
    OfferRefused,
    WaitingOffer,
    closed_refusal,
    lock_entry,
    record_change,
    require_offered,
    snapshot,
    withdraw_offer,
)
from crm.controllers.waiting.list_booking import NO_USABLE_REFERRAL, accept_offer, book_entry
from crm.controllers.waiting.rows import (
    WaitingEntry,
    entry_rows,
    get_entry,
    list_entries,
    pending_offers,
    queue_order,
)
from crm.i18n import translate
from crm.models import (
    Appointment,
    Doctor,
    OutboxMessage,
    Patient,
    Specialty,
    WaitingListEntry,
)
from crm.models.appointments import HOLDS_SLOT
from crm.models.enums import ContactChannel, NotificationChannel, NotificationStatus, WaitingStatus

W = WaitingStatus
#: The outbox channel of a waiting-list entry's channel (the phone goes to the call list).
CHANNEL_OF = {
    ContactChannel.SMS: NotificationChannel.SMS,
    ContactChannel.EMAIL: NotificationChannel.EMAIL,
}
NOTE_MAX_LENGTH = 1000
#: How long a patient has to answer an offer before it passes to the next entry; an
#: offer of a time sooner than twice this gets half the time left before it.
ANSWER_WITHIN = dt.timedelta(hours=2)

__all__ = [
    "NOTE_MAX_LENGTH",
    "NO_USABLE_REFERRAL",
    "OfferRefused",
    "WaitingEntry",
    "WaitingOffer",
    "accept_offer",
    "answer_deadline",
    "add_entry",
    "book_entry",
    "cancel_entry",
    "decline_offer",
    "expire_offers",
    "get_entry",
    "list_entries",
    "offer_freed_time",
    "pending_offers",
]


# --- changes ------------------------------------------------------------------------------


def add_entry(
    db: sessionmaker[Session],
    actor: Actor,
    *,
    patient_id: int,
    wished_from: dt.date,
    wished_to: dt.date,
    channel: ContactChannel,
    specialty_id: int | None = None,
    doctor_id: int | None = None,
    note: str | None = None,
    now: dt.datetime | None = None,
) -> WaitingEntry:
    """Put a patient on the waiting list for a doctor or a specialty.

    With a doctor given, only that doctor's time matches; the specialty is then
    taken from the doctor when not given.

    Raises:
        PermissionDenied: the role may not book.
        ValidationError: ``doctor_id``/``specialty_id`` (neither given, or they
            disagree), ``wished_to`` (before ``wished_from``, or already past),
            ``patient_id``, ``note``.
    """
    if not (allowed(actor, Permission.BOOK_ANY_DOCTOR)
            or allowed(actor, Permission.BOOK_OWN_SCHEDULE)):  # fmt: skip
        require(actor, Permission.BOOK_ANY_DOCTOR)
    text = clean(note)
    if text is not None and len(text) > NOTE_MAX_LENGTH:
        raise ValidationError(
            translate("waiting_list", "Note: at most {n} characters").format(n=NOTE_MAX_LENGTH),
            field="note",
        )
    if wished_to < wished_from:
        raise ValidationError(
            translate("waiting_list", "Wished days: the end is before the beginning"),
            field="wished_to",
        )
    with db() as session, session.begin():
        moment = server_now(session, now)
        tz = clock.clinic_timezone(session)
        if wished_to < moment.astimezone(tz).date():
            raise ValidationError(
                translate("waiting_list", "Wished days: already past"), field="wished_to"
            )
        if session.get(Patient, patient_id) is None:
            raise ValidationError(
                translate("waiting_list", "Patient: no longer exists"), field="patient_id"
            )
        if doctor_id is not None:
            doctor = session.get(Doctor, doctor_id)
            if doctor is None:
                raise ValidationError(
                    translate("waiting_list", "Doctor: no longer exists"), field="doctor_id"
                )
            if specialty_id is not None and specialty_id != doctor.specialty_id:
                raise ValidationError(
                    translate("waiting_list", "Doctor: not of the chosen specialty"),
                    field="doctor_id",
                )
            specialty_id = doctor.specialty_id
        elif specialty_id is None or session.get(Specialty, specialty_id) is None:
            raise ValidationError(
                translate("waiting_list", "Specialty or doctor: required"), field="specialty_id"
            )
        row = WaitingListEntry(
            patient_id=patient_id, specialty_id=specialty_id, doctor_id=doctor_id,
            wished_from=wished_from, wished_to=wished_to, channel=channel, note=text,
            created_by_id=actor.user_id,
        )  # fmt: skip
        session.add(row)
        session.flush()
        record_change(session, actor, "create", row, before={})
        found = entry_rows(session, queue_order().where(WaitingListEntry.id == row.id), moment, tz)
        return found[0]


def cancel_entry(
    db: sessionmaker[Session],
    actor: Actor,
    entry_id: int,
    *,
    reason: str | None = None,
    now: dt.datetime | None = None,
) -> WaitingEntry:
    """Take a patient off the waiting list (an open offer lapses with it).

    Raises:
        NotFound: no such entry.
        OfferRefused: ``closed`` (already booked or cancelled).
    """
    require(actor, Permission.FIND_PATIENTS)
    if not (allowed(actor, Permission.BOOK_ANY_DOCTOR)
            or allowed(actor, Permission.BOOK_OWN_SCHEDULE)):  # fmt: skip
        require(actor, Permission.BOOK_ANY_DOCTOR)
    with db() as session, session.begin():
        moment = server_now(session, now)
        row = lock_entry(session, entry_id)
        if row.status not in (W.WAITING, W.OFFERED):
            raise closed_refusal()
        before = snapshot(row)
        row.status = W.CANCELLED
        session.flush()
        record_change(session, actor, "cancel", row, before=before, details=clean(reason))
        return entry_rows(session, queue_order().where(WaitingListEntry.id == row.id), moment,
                     clock.clinic_timezone(session))[0]  # fmt: skip


# --- offers -------------------------------------------------------------------------------


@on_time_freed
def _offer_announced_time(session: Session, event: TimeFreed) -> int:
    """The waiting list's answer to freed time: offer it (see :func:`offer_freed_time`)."""
    offers = offer_freed_time(
        session, event.doctor_id, event.starts_at, event.ends_at, actor=event.actor,
        now=event.now, exclude_patient_id=event.exclude_patient_id,
    )  # fmt: skip
    return len(offers)


@on_time_taken
def withdraw_overbooked_offers(session: Session, event: TimeTaken) -> int:
    """A manager overbooked time offered to the waiting list: take those offers back.

    Each entry offered a slot of the doctor's overlapping ``[starts_at, ends_at)`` waits
    again (keeping its place), journaled as ``offer_withdrawn``; its notices not yet
    sent are withdrawn, and a patient already told gets a notice that the time is gone.

    Returns:
        How many offers were withdrawn.
    """
    minutes = session.scalar(sa.select(Doctor.slot_minutes).where(Doctor.id == event.doctor_id))
    slot = dt.timedelta(minutes=minutes or 15)
    rows = session.scalars(
        sa.select(WaitingListEntry)
        .where(
            WaitingListEntry.status == W.OFFERED,
            WaitingListEntry.offered_doctor_id == event.doctor_id,
            WaitingListEntry.offered_starts_at < event.ends_at,
            WaitingListEntry.offered_starts_at > event.starts_at - slot,
        )
        .order_by(WaitingListEntry.id)
        .with_for_update()
    ).all()
    tz = clock.clinic_timezone(session)
    for row in rows:
        offered = row.offered_starts_at
        assert offered is not None  # set with the status
        before = snapshot(row)
        withdraw_offer(row)
        session.flush()
        record_change(session, event.actor, "offer_withdrawn", row, before=before)
        notices = session.scalars(
            sa.select(OutboxMessage)
            .where(
                OutboxMessage.waiting_entry_id == row.id,
                OutboxMessage.purpose == "waiting_offer",
                OutboxMessage.status.in_((NotificationStatus.PENDING, NotificationStatus.SENT)),
            )
            .with_for_update()
        ).all()
        told = False
        for notice in notices:
            if notice.status is NotificationStatus.PENDING:
                notice.status = NotificationStatus.WITHDRAWN
            else:
                told = True
        if told:
            patient = session.get(Patient, row.patient_id)
            assert patient is not None  # a foreign key
            local = offered.astimezone(tz)
            body = translate(
                "waiting_list",
                "The time offered to you on {date} at {time} is no longer free. "
                "You stay on the waiting list.",
            ).format(date=format_date(local.date()), time=local.strftime("%H:%M"))
            queue_notice(
                session, patient, "waiting_offer_withdrawn", body,
                today=event.now.astimezone(tz).date(), waiting_entry_id=row.id,
                subject=translate("waiting_list", "The offered time is no longer free"),
            )  # fmt: skip
    return len(rows)


def offer_freed_time(
    session: Session,
    doctor_id: int,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    *,
    actor: Actor | None = None,
    now: dt.datetime | None = None,
    after_entry: WaitingListEntry | None = None,
    exclude_patient_id: int | None = None,
) -> list[WaitingOffer]:
    """Offer each free slot of the doctor's in ``[starts_at, ends_at)`` to the waiting list.

    Runs inside the caller's transaction (call it after the change that freed the
    time is flushed). A slot is offered when it is free, within working hours, in
    the future and not already offered; it goes to the earliest entry still waiting
    (in the list's order) whose doctor — or, without one, whose specialty — matches,
    whose wished days hold the slot's day, and whose patient is free then. Each
    entry gets at most one slot per call. A lapsed offer (its time has passed) no
    longer holds its entry back.

    Args:
        session: the caller's session.
        doctor_id: whose time freed.
        starts_at: aware start of the freed time.
        ends_at: aware end.
        actor: who caused it (for the journal); ``None`` for the system.
        now: the current time (the server's clock by default).
        after_entry: only entries after this one in order (a declined offer passes on).
        exclude_patient_id: not to this patient (the one who just gave the time up).

    Returns:
        The offers made, in time order.
    """
    moment = server_now(session, now)
    tz = clock.clinic_timezone(session)
    doctor = session.get(Doctor, doctor_id)
    if doctor is None or not doctor.active or ends_at <= max(starts_at, moment):
        return []
    first_day, last_day = starts_at.astimezone(tz).date(), ends_at.astimezone(tz).date()
    candidates = _candidates(
        session, doctor, first_day=first_day, last_day=last_day, moment=moment,
        after_entry=after_entry, exclude_patient_id=exclude_patient_id,
    )  # fmt: skip
    if not candidates:
        return []
    already = {
        offered
        for (offered,) in session.execute(
            sa.select(WaitingListEntry.offered_starts_at).where(
                WaitingListEntry.status == W.OFFERED,
                WaitingListEntry.offered_doctor_id == doctor_id,
                WaitingListEntry.offered_starts_at > moment,
            )
        )
    }
    slots = [
        slot
        for slot in free_slots(
            session,
            doctor_id=doctor_id,
            date_from=first_day,
            date_to=last_day,
            limit=None,
            now=moment,
        )  # fmt: skip
        if starts_at <= slot.starts_at and slot.ends_at <= ends_at and slot.starts_at not in already
    ]
    offers: list[WaitingOffer] = []
    for slot in slots:
        day = slot.starts_at.astimezone(tz).date()
        for entry in candidates:
            if not entry.wished_from <= day <= entry.wished_to:
                continue
            if _patient_busy(session, entry.patient_id, slot.starts_at, slot.ends_at):
                continue
            offers.append(_offer(session, actor, entry, doctor, starts=slot.starts_at,
                                 ends=slot.ends_at, moment=moment, tz=tz,
                                 room=slot.room_number))  # fmt: skip
            candidates.remove(entry)
            break
        if not candidates:
            break
    return offers


def _candidates(
    session: Session,
    doctor: Doctor,
    *,
    first_day: dt.date,
    last_day: dt.date,
    moment: dt.datetime,
    after_entry: WaitingListEntry | None,
    exclude_patient_id: int | None,
) -> list[WaitingListEntry]:
    lapsed = sa.and_(
        WaitingListEntry.status == W.OFFERED, WaitingListEntry.offered_starts_at <= moment
    )
    query = (
        queue_order()
        .where(
            sa.or_(WaitingListEntry.status == W.WAITING, lapsed),
            sa.or_(
                WaitingListEntry.doctor_id == doctor.id,
                sa.and_(
                    WaitingListEntry.doctor_id.is_(None),
                    WaitingListEntry.specialty_id == doctor.specialty_id,
                ),
            ),
            WaitingListEntry.wished_from <= last_day,
            WaitingListEntry.wished_to >= first_day,
        )
        .with_for_update(skip_locked=True)
    )
    if after_entry is not None:
        query = query.where(
            sa.tuple_(WaitingListEntry.created_at, WaitingListEntry.id)
            > sa.tuple_(sa.literal(after_entry.created_at), sa.literal(after_entry.id))
        )
    if exclude_patient_id is not None:
        query = query.where(WaitingListEntry.patient_id != exclude_patient_id)
    return list(session.scalars(query))


def _patient_busy(
    session: Session, patient_id: int, starts: dt.datetime, ends: dt.datetime
) -> bool:
    return bool(
        session.scalar(
            sa.select(
                sa.exists().where(
                    Appointment.patient_id == patient_id,
                    sa.text(HOLDS_SLOT),
                    Appointment.starts_at < ends,
                    Appointment.ends_at > starts,
                )
            )
        )
    )


def _offer(
    session: Session,
    actor: Actor | None,
    entry: WaitingListEntry,
    offered: Doctor,
    *,
    starts: dt.datetime,
    ends: dt.datetime,
    moment: dt.datetime,
    tz: dt.tzinfo,
    room: str | None,
) -> WaitingOffer:
    before = snapshot(entry)
    entry.status, entry.offered_doctor_id = W.OFFERED, offered.id
    entry.offered_starts_at, entry.offered_at = starts, moment
    session.flush()
    patient = session.get(Patient, entry.patient_id)
    assert patient is not None  # a foreign key
    local = starts.astimezone(tz)
    body = translate(
        "waiting_list",
        "A time has become free for you: {date} at {time}, doctor {doctor}{room}. "
        "Please call the clinic to confirm it.",
    ).format(
        date=format_date(local.date()), time=local.strftime("%H:%M"),
        doctor=short_name(offered.last_name, offered.first_name, offered.patronymic),
        room=(", " + translate("waiting_list", "room {number}").format(number=room))
        if room else "",
    )  # fmt: skip
    if entry.channel is ContactChannel.PHONE:  # «звонок»: a call on the list, never an SMS
        notices: list[object] = [
            queue_call(
                session, patient, "waiting_offer", body, due_at=moment, waiting_entry_id=entry.id
            )
        ]
    else:
        notices = list(queue_notice(
            session, patient, "waiting_offer", body, today=moment.astimezone(tz).date(),
            subject=translate("waiting_list", "A free appointment time"),
            only=CHANNEL_OF[entry.channel], waiting_entry_id=entry.id,
        ))  # fmt: skip
    record_change(session, actor, "offer", entry, before=before)
    return WaitingOffer(entry.id, entry.patient_id, offered.id, local, ends.astimezone(tz),
                        len(notices))  # fmt: skip


def decline_offer(
    db: sessionmaker[Session],
    actor: Actor,
    entry_id: int,
    *,
    now: dt.datetime | None = None,
) -> list[WaitingOffer]:
    """The patient does not want the offered time: the entry waits again (keeping its
    place) and the time is offered to the next matching entry after it in order.

    Returns:
        The offer made instead (empty if nobody after it matches).

    Raises:
        NotFound: no such entry.
        OfferRefused: ``not_offered``, ``closed``.
    """
    require(actor, Permission.FIND_PATIENTS)
    with db() as session, session.begin():
        row = lock_entry(session, entry_id)
        require_offered(row)
        return _pass_on(session, actor, row, "decline", now)


def answer_deadline(
    offered_at: dt.datetime, starts_at: dt.datetime, answer_within: dt.timedelta = ANSWER_WITHIN
) -> dt.datetime:
    """When an offer made at ``offered_at`` of a time at ``starts_at`` passes on unanswered
    (the rule :func:`expire_offers` applies in SQL)."""
    return offered_at + min(answer_within, (starts_at - offered_at) / 2)


def expire_offers(
    db: sessionmaker[Session],
    actor: Actor,
    *,
    now: dt.datetime | None = None,
    answer_within: dt.timedelta = ANSWER_WITHIN,
) -> list[WaitingOffer]:
    """Pass on the offers left unanswered too long: each entry waits again (keeping its
    place) and its time goes to the next matching entry after it, as on a decline.

    An offer is unanswered too long ``answer_within`` after it was made, or after half
    the time it left before the offered start, whichever comes first
    (:func:`answer_deadline`), so that the next patient still has time to come. Every
    desk calls this now and then; entries another desk is handling are skipped
    (``SKIP LOCKED``), so none is passed on twice.

    Returns:
        The offers made instead.
    """
    require(actor, Permission.FIND_PATIENTS)
    with db() as session, session.begin():
        moment = server_now(session, now)
        offered_at, starts = WaitingListEntry.offered_at, WaitingListEntry.offered_starts_at
        overdue = sa.func.least(sa.literal(answer_within), (starts - offered_at) / 2)
        rows = session.scalars(
            sa.select(WaitingListEntry)
            .where(
                WaitingListEntry.status == W.OFFERED,
                starts > moment,
                offered_at + overdue <= moment,
            )
            .order_by(WaitingListEntry.offered_at, WaitingListEntry.id)
            .with_for_update(skip_locked=True)
        ).all()
        offers: list[WaitingOffer] = []
        for row in rows:
            offers += _pass_on(session, None, row, "offer_expired", moment)
        return offers


def _pass_on(
    session: Session,
    actor: Actor | None,
    row: WaitingListEntry,
    action: str,
    now: dt.datetime | None,
) -> list[WaitingOffer]:
    """Take back ``row``'s offer (journaled as ``action``) and offer the time to the
    next entry that matches, after ``row`` in the queue."""
    doctor_id, starts_at = row.offered_doctor_id, row.offered_starts_at
    assert doctor_id is not None and starts_at is not None  # set with the status
    before = snapshot(row)
    withdraw_offer(row)
    session.flush()
    record_change(session, actor, action, row, before=before)
    minutes = session.scalar(sa.select(Doctor.slot_minutes).where(Doctor.id == doctor_id))
    ends_at = starts_at + dt.timedelta(minutes=minutes or 15)
    return offer_freed_time(session, doctor_id, starts_at, ends_at, actor=actor, now=now,
                            after_entry=row)  # fmt: skip
