"""Table models of the waiting list and the priority requests, over the controllers' rows.

Both hold plain frozen rows (:class:`~crm.controllers.waiting.queue.WaitingEntry`,
:class:`~crm.controllers.referrals.priority.PriorityRow`) and answer ``Qt.UserRole``
with the row itself. The waiting list's open offers are tinted; closed entries and
decided requests are grey.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QBrush, QColor

from crm.controllers.referrals.priority import PriorityRow
from crm.controllers.schedule.slots import short_name
from crm.controllers.validation import format_date
from crm.controllers.validation.phones import format_phone
from crm.controllers.vocabulary import priority_status_title as status_title
from crm.controllers.vocabulary import waiting_status_title
from crm.controllers.waiting.queue import WaitingEntry
from crm.models.enums import ContactChannel, PriorityStatus, WaitingStatus
from crm.views.patients.tab_models import Index, RowsModel

translate = QCoreApplication.translate

W = WaitingStatus
P = PriorityStatus
DASH = "—"
#: Background of an entry with a time offered and not answered yet.
OFFERED = QColor("#e3f2fd")
#: Background of a request waiting for the manager's decision.
PENDING = QColor("#fff4e0")


def channel_title(channel: ContactChannel | str) -> str:
    """How to reach the patient, in the current language."""
    titles = {
        ContactChannel.PHONE: translate("WaitingLabels", "phone call"),
        ContactChannel.SMS: translate("WaitingLabels", "SMS"),
        ContactChannel.EMAIL: translate("WaitingLabels", "e-mail"),
    }
    return titles.get(ContactChannel(channel), str(channel))


def age_text(age: dt.timedelta) -> str:
    """«3 d» for a wait of days, «5 h» (or «< 1 h») for a shorter one."""
    if age.days >= 1:
        return translate("WaitingLabels", "{n} d").format(n=age.days)
    hours = int(age.total_seconds() // 3600)
    if hours >= 1:
        return translate("WaitingLabels", "{n} h").format(n=hours)
    return translate("WaitingLabels", "< 1 h")


def phone_text(phone: str | None) -> str:
    """The phone as the desk dictates it, or a dash."""
    return format_phone(phone) if phone else DASH


def patient_short(full_name: str) -> str:
    """«Иванов И. И.» from «Иванов Иван Иванович» (a name of another shape as it is)."""
    parts = full_name.split()
    if len(parts) in (2, 3):
        return short_name(parts[0], parts[1], parts[2] if len(parts) == 3 else None)
    return full_name


def offer_text(entry: WaitingEntry) -> str:
    """«Петров П. П., 24.11 10:15» for the time offered to ``entry`` (empty if none)."""
    if entry.offered_starts_at is None:
        return ""
    return f"{entry.offered_doctor_name or DASH}, {entry.offered_starts_at:%d.%m %H:%M}"


def wanted_text(entry: WaitingEntry) -> str:
    """The doctor wished for (with the specialty), or the specialty alone."""
    if entry.doctor_name:
        if entry.specialty_name:
            return f"{entry.doctor_name} ({entry.specialty_name})"
        return entry.doctor_name
    return entry.specialty_name or DASH


class WaitingTableModel(RowsModel[WaitingEntry]):
    """The waiting list, oldest entry first, with the age of each.

    Args:
        parent: the Qt parent.

    Signals:
        The standard ones of :class:`QAbstractTableModel` only.
    """

    (PATIENT, PHONE, WANTED, WISHED, CHANNEL, NOTE, STATUS, AGE, OFFER) = range(9)

    def columns(self) -> list[tuple[str, Callable[[WaitingEntry], str]]]:
        return [
            (self.tr("Patient"), lambda e: e.patient_name),
            (self.tr("Phone"), lambda e: phone_text(e.patient_phone)),
            (self.tr("Specialty or doctor"), wanted_text),
            (
                self.tr("Wished days"),
                lambda e: f"{format_date(e.wished_from)} – {format_date(e.wished_to)}",
            ),
            (self.tr("Channel"), lambda e: channel_title(e.channel)),
            (self.tr("Note"), lambda e: e.note or ""),
            (self.tr("Status"), self._status),
            (self.tr("Waits, days"), lambda e: str(e.age_days)),
            (self.tr("Offered time"), offer_text),
        ]

    def _status(self, entry: WaitingEntry) -> str:
        title = waiting_status_title(entry.status)
        if entry.offer_lapsed:
            return self.tr("{status} (the time has passed)").format(status=title)
        return title

    def faded(self, row: WaitingEntry) -> bool:
        return row.status in (W.BOOKED, W.CANCELLED) or row.offer_lapsed

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        entry = self._rows[index.row()]
        if role == Qt.ItemDataRole.BackgroundRole:
            if entry.status is W.OFFERED and not entry.offer_lapsed:
                return QBrush(OFFERED)
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == self.AGE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            if index.column() == self.AGE:
                return self.tr("On the list since {date}").format(
                    date=entry.created_at.strftime("%d.%m.%Y %H:%M")
                )
            if index.column() == self.NOTE and entry.note:
                return entry.note
            return None
        return super().data(index, role)

    def row_of(self, entry_id: int) -> int | None:
        """The row showing ``entry_id``, if shown."""
        return next((n for n, e in enumerate(self._rows) if e.id == entry_id), None)


class PatientWaitingModel(RowsModel[WaitingEntry]):
    """A patient's waiting-list entries, for the card (no patient column)."""

    def columns(self) -> list[tuple[str, Callable[[WaitingEntry], str]]]:
        return [
            (self.tr("Specialty or doctor"), wanted_text),
            (
                self.tr("Wished days"),
                lambda e: f"{format_date(e.wished_from)} – {format_date(e.wished_to)}",
            ),
            (self.tr("Status"), lambda e: waiting_status_title(e.status)),
            (self.tr("Offered time"), offer_text),
            (self.tr("Since"), lambda e: format_date(e.created_at.date())),
        ]

    def faded(self, row: WaitingEntry) -> bool:
        return row.status in (W.BOOKED, W.CANCELLED)


def decision_text(row: PriorityRow) -> str:
    """The manager's words first, then who decided and when («Принять в течение недели
    (Петрова А. А., 22.11.2026 07:41)»); nothing before the decision."""
    if row.decided_at is None:
        return ""
    who = f"{row.decided_by or DASH}, {row.decided_at:%d.%m.%Y %H:%M}"
    return f"{row.decision_reason} ({who})" if row.decision_reason else who


def appointment_text(row: PriorityRow) -> str:
    """The booked appointment's time, or nothing."""
    if row.appointment_starts_at is None:
        return ""
    return row.appointment_starts_at.strftime("%d.%m.%Y %H:%M")


class PriorityTableModel(RowsModel[PriorityRow]):
    """The manager's queue: pending requests first (tinted), oldest first.

    Args:
        parent: the Qt parent.

    Signals:
        The standard ones of :class:`QAbstractTableModel` only.
    """

    (PATIENT, PHONE, SPECIALTY, REASON, STATUS, AGE, CREATED_BY, APPOINTMENT, DECISION) = range(9)

    def columns(self) -> list[tuple[str, Callable[[PriorityRow], str]]]:
        return [
            (self.tr("Patient"), lambda r: r.patient_name),
            (self.tr("Phone"), lambda r: phone_text(r.patient_phone)),
            (self.tr("Specialty"), lambda r: r.specialty_name or DASH),
            (self.tr("Reason for urgency"), lambda r: r.reason),
            (self.tr("Status"), lambda r: status_title(r.status)),
            (self.tr("Waits"), lambda r: age_text(r.age)),
            (self.tr("Asked by"), lambda r: r.created_by or DASH),
            (self.tr("Appointment"), appointment_text),
            (self.tr("Decision"), decision_text),
        ]

    def faded(self, row: PriorityRow) -> bool:
        return row.status in (P.REJECTED, P.BOOKED)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(PENDING) if row.status is P.PENDING else None
        if role == Qt.ItemDataRole.ToolTipRole:
            if index.column() == self.AGE:
                return self.tr("Asked on {date}").format(
                    date=row.created_at.strftime("%d.%m.%Y %H:%M")
                )
            # Long texts are cut in narrow columns: the tooltip shows them whole.
            return super().data(index, Qt.ItemDataRole.DisplayRole) or None
        return super().data(index, role)

    def row_of(self, request_id: int) -> int | None:
        """The row showing ``request_id``, if shown."""
        return next((n for n, r in enumerate(self._rows) if r.id == request_id), None)


class PatientPriorityModel(RowsModel[PriorityRow]):
    """A patient's priority requests, for the card, the latest first."""

    def columns(self) -> list[tuple[str, Callable[[PriorityRow], str]]]:
        return [
            (self.tr("Asked on"), lambda r: r.created_at.strftime("%d.%m.%Y")),
            (self.tr("Specialty"), lambda r: r.specialty_name or DASH),
            (self.tr("Reason for urgency"), lambda r: r.reason),
            (self.tr("State"), lambda r: status_title(r.status)),
            (self.tr("Decision"), decision_text),
            (self.tr("Appointment"), appointment_text),
        ]

    def faded(self, row: PriorityRow) -> bool:
        return row.status is P.REJECTED
