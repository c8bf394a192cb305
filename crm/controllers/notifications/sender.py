"""Sending what is due in the outbox: :func:`send_due`, called by ``clinic-crm notify run``
(and by any background-job service: it is a plain function of a session factory).

Each message is taken in its own transaction with ``SELECT … FOR UPDATE SKIP LOCKED``:
several senders at once (two desks, two servers) never take the same row, so none is
sent twice. A message that fails waits ``base_delay · 2^(tries-1)`` (at most
``max_delay``) and is tried again; after the clinic's number of tries, or at once when
the channel says trying again cannot help, it ends ``failed`` («не доставлено») with
the reason. SMS wait out the clinic's quiet hours (21:00–09:00 clinic time by default):
they are not taken then, e-mail still is. A reminder of a visit cancelled, moved or
past by the time it is due ends ``cancelled`` and is not sent.

Every attempt is journaled (``send``, the outbox row, ok/failed and the reason — no
body, no address). Secrets of the channels (SMTP password, gateway token) are blanked
out of every stored or logged reason.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from crm.controllers import journal
from crm.controllers.clinic import clock, settings
from crm.controllers.notifications.calendar_event import visit_event
from crm.controllers.notifications.channels import Channel, DeliveryError, Outgoing
from crm.controllers.notifications.templates import PURPOSES
from crm.controllers.notifications.visits import (
    SETTINGS_KEY,
    NoticeSettings,
    parse_notice_settings,
    visit_notice,
)
from crm.controllers.printing.tickets import ticket_number, ticket_pdf
from crm.models import Appointment, ClinicSetting, OutboxMessage
from crm.models.enums import (
    AppointmentStatus,
    JournalOutcome,
    NotificationChannel,
    NotificationStatus,
)

log = logging.getLogger("crm.notify")

BASE_DELAY = dt.timedelta(minutes=1)
MAX_DELAY = dt.timedelta(hours=6)
#: Reminders are sent only of visits still booked (not cancelled, moved or held).
_STILL_BOOKED = (AppointmentStatus.BOOKED,)


@dataclass(frozen=True)
class SendReport:
    """What one run did: messages sent, to be tried again, given up, not sent (no longer true)."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    cancelled: int = 0

    @property
    def handled(self) -> int:
        return self.sent + self.retried + self.failed + self.cancelled


def in_quiet_hours(local: dt.time, chosen: NoticeSettings) -> bool:
    """Whether ``local`` (clinic time) is within the quiet hours (which may span midnight)."""
    start, end = chosen.quiet_from, chosen.quiet_to
    if start == end:
        return False
    if start < end:
        return start <= local < end
    return local >= start or local < end


def retry_delay(attempts: int, base: dt.timedelta, cap: dt.timedelta) -> dt.timedelta:
    """The wait after the ``attempts``-th failed try: ``base · 2^(attempts-1)``, at most ``cap``."""
    return min(base * (2 ** max(attempts - 1, 0)), cap)


def redact(text: str, secrets: tuple[str, ...]) -> str:
    """``text`` with every secret replaced by ``***``."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def _still_true(session: Session, row: OutboxMessage, moment: dt.datetime) -> bool:
    if row.purpose != "reminder" or row.appointment_id is None:
        return True
    visit = session.get(Appointment, row.appointment_id)
    return (
        visit is not None
        and visit.status in _STILL_BOOKED
        and not visit.in_holding_tray
        and visit.starts_at > moment
    )


def _setting(key: str) -> sa.ScalarSelect[Any]:
    return sa.select(ClinicSetting.value).where(ClinicSetting.key == key).scalar_subquery()


def _look(
    session: Session, now: dt.datetime | None, channels: list[NotificationChannel]
) -> tuple[dt.datetime, ZoneInfo, NoticeSettings, bool]:
    """In one query: the moment, the clinic's timezone and settings, and whether anything
    is due on ``channels`` (the idle poll of a looping sender costs this query only)."""
    moment = sa.func.now() if now is None else sa.literal(now, sa.DateTime(timezone=True))
    due = sa.exists().where(
        OutboxMessage.status == NotificationStatus.PENDING,
        OutboxMessage.next_attempt_at <= moment,
        OutboxMessage.channel.in_(channels),
    )
    row = session.execute(sa.select(
        moment, _setting(settings.CLINIC_TIMEZONE), _setting(SETTINGS_KEY), due
    )).one()  # fmt: skip
    at, zone, stored, anything = row
    try:
        tz = ZoneInfo(str((zone or {}).get("name") or clock.DEFAULT_TIMEZONE))
    except (ZoneInfoNotFoundError, ValueError):
        tz = ZoneInfo(clock.DEFAULT_TIMEZONE)
    return at, tz, parse_notice_settings(stored), bool(anything)


def has_due(
    session_factory: sessionmaker[Session], channels: Mapping[NotificationChannel, Any]
) -> bool:
    """Whether anything is due now on ``channels`` (one query)."""
    if not channels:
        return False
    with session_factory() as session:
        return _look(session, None, list(channels))[3]


def _handle(
    session: Session,
    row: OutboxMessage,
    channel: Channel,
    *,
    moment: dt.datetime,
    tz: dt.tzinfo,
    chosen: NoticeSettings,
    base_delay: dt.timedelta,
    max_delay: dt.timedelta,
) -> str:
    """Send ``row`` (or give it up), record the attempt; which count it adds to."""
    if not _still_true(session, row, moment):
        row.status, row.last_error = NotificationStatus.CANCELLED, "visit no longer booked"
        return "cancelled"
    outcome, reason = _attempt(channel, _outgoing(session, row, tz))
    row.attempts += 1
    if outcome is JournalOutcome.OK:
        row.status, row.sent_at, row.last_error = NotificationStatus.SENT, moment, None
        result = "sent"
    elif reason.permanent or row.attempts >= chosen.max_attempts:
        row.status, row.last_error = NotificationStatus.FAILED, reason.reason
        result = "failed"
    else:
        row.last_error = reason.reason
        row.next_attempt_at = moment + retry_delay(row.attempts, base_delay, max_delay)
        result = "retried"
    journal.record(
        session, "send", entity="outbox_message", entity_id=row.id, outcome=outcome,
        details=None if outcome is JournalOutcome.OK else
        f"{row.channel.value}, {row.attempts}: {row.last_error}",
    )  # fmt: skip
    log.info("outbox %d by %s: %s (try %d)", row.id, row.channel.value, result, row.attempts)
    return result


class RateLimiter:
    """At most ``per_minute[channel]`` attempts of a channel within any 60 seconds (a sliding
    window; channels not named are not limited). Kept by a looping sender across its runs;
    ``clock`` is seconds (``time.monotonic``)."""

    WINDOW = 60.0

    def __init__(
        self,
        per_minute: Mapping[NotificationChannel, int],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_minute = {channel: n for channel, n in per_minute.items() if n > 0}
        self.clock = clock
        self._spent: dict[NotificationChannel, deque[float]] = {}

    def allowance(self, channel: NotificationChannel) -> int | None:
        """How many more ``channel`` may send now (``None``: no limit)."""
        limit = self.per_minute.get(channel)
        if limit is None:
            return None
        spent = self._spent.setdefault(channel, deque())
        horizon = self.clock() - self.WINDOW
        while spent and spent[0] <= horizon:
            spent.popleft()
        return max(limit - len(spent), 0)

    def spend(self, channel: NotificationChannel) -> None:
        """Note one attempt of ``channel`` now."""
        if channel in self.per_minute:
            self._spent.setdefault(channel, deque()).append(self.clock())


def _take(
    session: Session, moment: dt.datetime, channels: list[NotificationChannel], size: int
) -> list[OutboxMessage]:
    query = (
        sa.select(OutboxMessage)
        .where(
            OutboxMessage.status == NotificationStatus.PENDING,
            OutboxMessage.next_attempt_at <= moment,
            OutboxMessage.channel.in_(channels),
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(size)
        .with_for_update(skip_locked=True)
    )
    return list(session.scalars(query))


def send_due(
    session_factory: sessionmaker[Session],
    now: dt.datetime | None = None,
    *,
    channels: Mapping[NotificationChannel, Channel],
    limit: int | None = None,
    base_delay: dt.timedelta = BASE_DELAY,
    max_delay: dt.timedelta = MAX_DELAY,
    batch: int = 20,
    limiter: RateLimiter | None = None,
) -> SendReport:
    """Send every message due by ``now`` (the database's clock) through ``channels``.

    Messages of a channel not given stay queued. Stops when nothing is due (or after
    ``limit`` messages). Channels are not closed here: the caller owns them. With a
    ``limiter``, a channel stops for this run when its messages per minute are spent:
    the rest stay queued, untouched, for a later run.

    ``batch`` messages are taken and recorded in one transaction (fewer commits: the
    sender keeps up with a bare SMTP loop); if the sender dies in the middle of one, the
    messages of that batch already handed over are sent again by the next run — at
    least once, never lost. ``batch=1`` narrows that to one message.
    """
    if not channels:
        return SendReport()
    with session_factory() as session:
        moment, tz, chosen, due = _look(session, now, list(channels))
    if not due:  # an idle poll: that one query
        return SendReport()
    quiet = in_quiet_hours(moment.astimezone(tz).time(), chosen)
    open_channels = [c for c in channels if not (quiet and c is NotificationChannel.SMS)]
    counts = {"sent": 0, "retried": 0, "failed": 0, "cancelled": 0}
    # Without a limit, the channels are taken together; with one, each on its own, so that
    # a channel whose minute is spent does not hold the others' rows.
    groups = [[c] for c in open_channels] if limiter is not None else [open_channels]
    groups = [group for group in groups if group]
    for group in groups:
        while limit is None or sum(counts.values()) < limit:
            size = batch if limit is None else min(batch, limit - sum(counts.values()))
            allowance = None if limiter is None else limiter.allowance(group[0])
            if allowance is not None:
                size = min(size, allowance)
                if size == 0:
                    break
            with session_factory() as session, session.begin():
                # The rows' "sent" need not wait for the disk: a server crash in that
                # instant at worst sends them again, as a sender crash before the commit would.
                session.execute(sa.text("SET LOCAL synchronous_commit TO OFF"))
                rows = _take(session, moment, group, size)
                for row in rows:
                    outcome = _handle(
                        session, row, channels[row.channel], moment=moment, tz=tz,
                        chosen=chosen, base_delay=base_delay, max_delay=max_delay,
                    )  # fmt: skip
                    counts[outcome] += 1
                    if limiter is not None and outcome != "cancelled":
                        limiter.spend(row.channel)
            if len(rows) < size:
                break
    return SendReport(**counts)


_OK = DeliveryError("")


#: E-mails of these purposes carry the visit as an ``.ics`` event (a cancellation's cancels
#: it) and, while the visit still has one, its ticket as a PDF.
_WITH_EVENT = {"confirmation": False, "change": False, "reminder": False, "cancellation": True}


def _outgoing(session: Session, row: OutboxMessage, tz: dt.tzinfo) -> Outgoing:
    """The message of ``row``: a templated text filled again from the clinic's template
    and the visit as they are now (and kept in the row: what was sent); an e-mail about a
    visit with its ``.ics`` and ticket."""
    visit = session.get(Appointment, row.appointment_id) if row.appointment_id else None
    if visit is not None and row.from_template and row.purpose in PURPOSES:
        row.subject, row.body = visit_notice(session, visit, row.purpose, row.channel, tz)
    attachments: tuple[tuple[str, str, bytes], ...] = ()
    if (
        visit is not None
        and row.channel is NotificationChannel.EMAIL
        and row.purpose in _WITH_EVENT
    ):
        event = visit_event(session, visit, tz, cancelled=_WITH_EVENT[row.purpose])
        attachments = (("appointment.ics", "text/calendar", event),)
        ticket = ticket_pdf(session, visit.id)
        if ticket is not None:
            name = f"ticket-{ticket_number(visit.id)}.pdf"
            attachments += ((name, "application/pdf", ticket),)
    return Outgoing(row.id, row.recipient, row.subject, row.body, attachments)


def _attempt(channel: Channel, message: Outgoing) -> tuple[JournalOutcome, DeliveryError]:
    try:
        channel.send(message)
    except DeliveryError as error:
        error.reason = redact(error.reason, channel.secrets)[:1000]
        return JournalOutcome.FAILED, error
    except Exception as error:  # noqa: BLE001 - a channel's bug must not stop the others
        reason = redact(f"{type(error).__name__}: {error}", channel.secrets)[:1000]
        return JournalOutcome.FAILED, DeliveryError(reason)
    return JournalOutcome.OK, _OK
