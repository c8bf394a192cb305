"""Where people see the outbox: a manager's queue, a patient's messages, failures today.

:func:`list_outbox` reads the outbox with the manager's filters; :func:`retry_message`
queues a message «не доставлено» again (its tries counted afresh) and
:func:`cancel_message` takes back one still queued — each under the row's lock, so a
message a sender holds is decided only once the sender has finished with it (a sent
one is never cancelled), and each journaled. :func:`patient_messages` lists what was
written to one patient (the card's tab); :func:`failures_today` counts the messages
given up today (the dashboard).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from crm.controllers import journal
from crm.controllers.access.permissions import Permission, require
from crm.controllers.clinic.clock import clinic_timezone, server_now
from crm.controllers.context import Actor
from crm.controllers.errors import DomainError, NotFound, ValidationError
from crm.i18n import translate
from crm.models import JournalEntry, OutboxMessage, Patient
from crm.models.enums import JournalOutcome, NotificationChannel, NotificationStatus

#: At most this many rows are listed (the newest first): narrow the filters for more.
LIST_LIMIT = 500
#: The «отменено» filter: cancelled by someone or by the sender, or an offer taken back.
ENDED = (NotificationStatus.CANCELLED, NotificationStatus.WITHDRAWN)


@dataclass(frozen=True)
class MessageRow:
    """One outbox message, its times in the clinic's timezone."""

    id: int
    created_at: dt.datetime
    patient_id: int | None
    patient_name: str
    channel: NotificationChannel
    recipient: str
    purpose: str
    subject: str | None
    status: NotificationStatus
    attempts: int
    last_error: str | None
    next_attempt_at: dt.datetime
    sent_at: dt.datetime | None


@dataclass(frozen=True)
class OutboxFilter:
    """What the manager's queue shows.

    Attributes:
        status: one status (``CANCELLED`` also covers ``WITHDRAWN``), or ``None``: all.
        channel: one channel, or ``None``: all.
        date_from: the first day (clinic time) a message was queued, or ``None``.
        date_to: the last day, or ``None``.
        patient: part of the patient's name or the recipient (phone, e-mail), or empty.
    """

    status: NotificationStatus | None = None
    channel: NotificationChannel | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    patient: str = ""


def _name() -> sa.ColumnElement[str]:
    return sa.func.concat_ws(" ", Patient.last_name, Patient.first_name, Patient.patronymic)


def _rows(session: Session, query: sa.Select[tuple[OutboxMessage, str]]) -> list[MessageRow]:
    tz = clinic_timezone(session)

    def local(moment: dt.datetime | None) -> dt.datetime | None:
        return moment.astimezone(tz) if moment is not None else None

    return [
        MessageRow(
            m.id,
            m.created_at.astimezone(tz),
            m.patient_id,
            name or "",
            m.channel,
            m.recipient,
            m.purpose,
            m.subject,
            m.status,
            m.attempts,
            m.last_error,
            m.next_attempt_at.astimezone(tz),
            local(m.sent_at),
        )  # fmt: skip
        for m, name in session.execute(query)
    ]


def _select() -> sa.Select[tuple[OutboxMessage, str]]:
    return sa.select(OutboxMessage, _name()).outerjoin(
        Patient, Patient.id == OutboxMessage.patient_id
    )


def list_outbox(
    db: sessionmaker[Session], actor: Actor, filters: OutboxFilter, *, limit: int = LIST_LIMIT
) -> list[MessageRow]:
    """The outbox as ``filters`` narrow it, the newest first (at most ``limit`` rows)."""
    require(actor, Permission.MANAGE_NOTIFICATIONS)
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        raise ValidationError(
            translate("outbox", "The period ends before it begins"), field="date_to"
        )
    with db() as session:
        tz = clinic_timezone(session)
        query = _select()
        if filters.status in ENDED:
            query = query.where(OutboxMessage.status.in_(ENDED))
        elif filters.status is not None:
            query = query.where(OutboxMessage.status == filters.status)
        if filters.channel is not None:
            query = query.where(OutboxMessage.channel == filters.channel)
        if filters.date_from is not None:
            start = dt.datetime.combine(filters.date_from, dt.time(), tz)
            query = query.where(OutboxMessage.created_at >= start)
        if filters.date_to is not None:
            end = dt.datetime.combine(filters.date_to + dt.timedelta(days=1), dt.time(), tz)
            query = query.where(OutboxMessage.created_at < end)
        text = filters.patient.strip()
        if text:
            pattern = "%" + text.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_")
            pattern += "%"
            query = query.where(
                sa.or_(_name().ilike(pattern), OutboxMessage.recipient.ilike(pattern))
            )
        query = query.order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        return _rows(session, query.limit(limit))


def patient_messages(db: sessionmaker[Session], actor: Actor, patient_id: int) -> list[MessageRow]:
    """Every message to ``patient_id``, the newest first (the card's «Сообщения» tab)."""
    require(actor, Permission.FIND_PATIENTS)
    with db() as session:
        query = (
            _select()
            .where(OutboxMessage.patient_id == patient_id)
            .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        )
        return _rows(session, query)


def _locked(session: Session, message_id: int) -> OutboxMessage:
    # A sender holding the row (FOR UPDATE SKIP LOCKED) is waited for: the manager
    # decides on what the sender left, never on a message half sent.
    message = session.get(OutboxMessage, message_id, with_for_update=True)
    if message is None:
        raise NotFound(translate("outbox", "No message with id {id}").format(id=message_id))
    return message


def retry_message(
    db: sessionmaker[Session], actor: Actor, message_id: int, *, now: dt.datetime | None = None
) -> NotificationStatus:
    """Queue a message «не доставлено» again, due now, with its tries counted afresh."""
    require(actor, Permission.MANAGE_NOTIFICATIONS)
    with db() as session, session.begin():
        message = _locked(session, message_id)
        if message.status is not NotificationStatus.FAILED:
            raise DomainError(translate("outbox", "Only a message not delivered can be sent again"))
        before = {"status": message.status, "attempts": message.attempts}
        message.status = NotificationStatus.PENDING
        message.attempts = 0
        message.next_attempt_at = server_now(session, now)
        journal.record(
            session, "retry", actor=actor, entity="outbox_message", entity_id=message.id,
            changes=journal.diff(before, {"status": message.status, "attempts": 0}),
        )  # fmt: skip
        return message.status


def cancel_message(db: sessionmaker[Session], actor: Actor, message_id: int) -> NotificationStatus:
    """Take back a message still queued: it is never sent."""
    require(actor, Permission.MANAGE_NOTIFICATIONS)
    with db() as session, session.begin():
        message = _locked(session, message_id)
        if message.status is not NotificationStatus.PENDING:
            refusal = (
                translate("outbox", "The message has already been sent: it cannot be cancelled")
                if message.status is NotificationStatus.SENT
                else translate("outbox", "Only a queued message can be cancelled")
            )
            raise DomainError(refusal)
        message.status = NotificationStatus.CANCELLED
        journal.record(
            session, "cancel", actor=actor, entity="outbox_message", entity_id=message.id,
            changes=journal.diff(
                {"status": NotificationStatus.PENDING}, {"status": message.status}
            ),
        )  # fmt: skip
        return message.status


def failures_today(session: Session, start: dt.datetime, end: dt.datetime) -> int:
    """Messages «не доставлено» with a failed try journaled between ``start`` and ``end``
    (the dashboard's failures today: given up today, or retried today in vain)."""
    failed_then = sa.exists().where(
        JournalEntry.entity == "outbox_message",
        JournalEntry.entity_id == OutboxMessage.id,
        JournalEntry.action == "send",
        JournalEntry.outcome == JournalOutcome.FAILED,
        JournalEntry.at >= start,
        JournalEntry.at < end,
    )
    query = sa.select(sa.func.count()).where(
        OutboxMessage.status == NotificationStatus.FAILED, failed_then
    )
    return int(session.execute(query).scalar_one())
