"""The waiting list's entries as every part of it changes them: the offer made, the
refusals, the lock, the journal's snapshot; shared by :mod:`crm.controllers.waiting.queue`
(entries and offers) and :mod:`crm.controllers.waiting.list_booking` (booking from the list)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, object_session

from crm.controllers import journal
from crm.controllers.context import Actor
from crm.controllers.errors import DomainError
from crm.controllers.waiting.rows import entry_not_found
from crm.i18n import translate
from crm.models import CallTask, WaitingListEntry
from crm.models.enums import CallStatus, WaitingStatus

W = WaitingStatus


@dataclass(frozen=True)
class WaitingOffer:
    """An offer just made: which entry got which doctor's time, and how many notices."""

    entry_id: int
    patient_id: int
    doctor_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    notices: int


class OfferRefused(DomainError):
    """The entry cannot do this now (``reason_code`` ``not_offered``, ``closed``,
    ``lapsed``: the offered time has passed, the entry waits again)."""

    def __init__(self, reason_code: str, message: str) -> None:
        super().__init__(message)
        self.reason_code = reason_code


def snapshot(row: WaitingListEntry) -> dict[str, object]:
    """The entry's fields the journal compares before and after a change."""
    names = (
        "patient_id", "specialty_id", "doctor_id", "wished_from", "wished_to", "channel",
        "note", "status", "offered_doctor_id", "offered_starts_at", "appointment_id",
    )  # fmt: skip
    return {name: getattr(row, name) for name in names}


def record_change(session: Session, actor: Actor | None, action: str, row: WaitingListEntry, *,
            before: dict[str, object], details: str | None = None) -> None:  # fmt: skip
    """Journal ``action`` on the entry: what changed since ``before`` (a :func:`snapshot`)."""
    journal.record(
        session, action, actor=actor, entity="waiting_list_entry", entity_id=row.id,
        changes=journal.diff(before, snapshot(row)), details=details,
        login=None if actor else "system",
    )  # fmt: skip


def lock_entry(session: Session, entry_id: int) -> WaitingListEntry:
    """The entry, locked ``FOR UPDATE`` for the rest of the transaction.

    Raises:
        NotFound: no such entry.
    """
    row = session.get(WaitingListEntry, entry_id, with_for_update=True)
    if row is None:
        raise entry_not_found(entry_id)
    return row


def closed_refusal() -> OfferRefused:
    """The entry was booked or removed already."""
    return OfferRefused(
        "closed", translate("waiting_list", "The entry is no longer on the waiting list")
    )


def not_offered_refusal() -> OfferRefused:
    """No time is offered to the entry now."""
    return OfferRefused(
        "not_offered", translate("waiting_list", "No time is offered to this entry now")
    )


def withdraw_offer(row: WaitingListEntry) -> None:
    """The entry waits again, its offer gone (keeping its place in the order).

    A call about the offer still on the registrar's list is withdrawn with it: nobody
    phones a patient to offer a time that is no longer offered.
    """
    row.status = W.WAITING
    row.offered_doctor_id = row.offered_starts_at = row.offered_at = None
    session = object_session(row)
    if session is not None:
        session.execute(
            sa.update(CallTask)
            .where(
                CallTask.waiting_entry_id == row.id,
                CallTask.purpose == "waiting_offer",
                CallTask.status.in_((CallStatus.OPEN, CallStatus.NO_ANSWER)),
            )
            .values(status=CallStatus.WITHDRAWN)
        )


def require_offered(row: WaitingListEntry) -> None:
    """Refuse unless a time is offered to the entry now (closed, or not offered)."""
    if row.status is not W.OFFERED:
        raise closed_refusal() if row.status in (W.BOOKED, W.CANCELLED) else not_offered_refusal()
