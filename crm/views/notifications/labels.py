"""The outbox in words: statuses, channels, purposes, and the table of messages.

The manager's queue and the patient card's «Сообщения» tab show the same rows
(:class:`crm.controllers.notifications.messages.MessageRow`) through
:class:`MessagesModel`; the queue adds the patient's column.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from crm.controllers.notifications.messages import MessageRow
from crm.controllers.validation.phones import format_phone
from crm.i18n import translate
from crm.models.enums import NotificationChannel, NotificationStatus
from crm.views.patients.tab_models import RowsModel

Index = QModelIndex | QPersistentModelIndex
FAILED_COLOUR = QColor("#8e1b1b")
DASH = "—"


def status_names() -> dict[NotificationStatus, str]:
    """Each outbox status as the desk says it."""
    return {
        NotificationStatus.PENDING: translate("NoticeLabels", "queued"),
        NotificationStatus.SENT: translate("NoticeLabels", "sent"),
        NotificationStatus.FAILED: translate("NoticeLabels", "not delivered"),
        NotificationStatus.CANCELLED: translate("NoticeLabels", "cancelled"),
        NotificationStatus.WITHDRAWN: translate("NoticeLabels", "withdrawn"),
    }


def channel_names() -> dict[NotificationChannel, str]:
    """Each channel's name."""
    return {
        NotificationChannel.EMAIL: translate("NoticeLabels", "e-mail"),
        NotificationChannel.SMS: translate("NoticeLabels", "SMS"),
    }


def purpose_name(purpose: str) -> str:
    """What a notice or a call is about (the code itself for one not known here)."""
    names = {
        "confirmation": translate("NoticeLabels", "booking confirmed"),
        "change": translate("NoticeLabels", "appointment changed"),
        "cancellation": translate("NoticeLabels", "appointment cancelled"),
        "reminder": translate("NoticeLabels", "reminder"),
        "waiting_offer": translate("NoticeLabels", "free time offered"),
        "waiting_offer_withdrawn": translate("NoticeLabels", "offered time withdrawn"),
        "unavailability": translate("NoticeLabels", "doctor unavailable"),
        "treatment_plan": translate("NoticeLabels", "treatment plan reminder"),
    }
    return names.get(purpose, purpose)


def status_text(row: MessageRow) -> str:
    """The status, with the reason of a failure (or of the last failed try)."""
    name = status_names().get(row.status, str(row.status))
    if row.last_error and row.status is not NotificationStatus.SENT:
        return f"{name}: {row.last_error}"
    return name


def recipient_text(row: MessageRow) -> str:
    """The address written to: a phone as the desk dictates it, an e-mail as it is."""
    return format_phone(row.recipient) if row.channel is NotificationChannel.SMS else row.recipient


def _when(row: MessageRow) -> str:
    if row.sent_at is not None:
        return f"{row.sent_at:%d.%m.%Y %H:%M}"
    if row.status is NotificationStatus.PENDING:
        return translate("NoticeLabels", "due {time}").format(
            time=f"{row.next_attempt_at:%d.%m.%Y %H:%M}"
        )
    return DASH


class MessagesModel(RowsModel[MessageRow]):
    """Outbox messages, the newest first; a message not delivered in red.

    Args:
        with_patient: add the patient's column (the manager's queue).
        parent: the Qt parent.

    Signals:
        The standard ones of :class:`QAbstractTableModel` only.
    """

    def __init__(self, *, with_patient: bool = False, parent: QObject | None = None) -> None:
        self._with_patient = with_patient
        super().__init__(parent)

    def columns(self) -> list[tuple[str, Callable[[MessageRow], str]]]:
        columns: list[tuple[str, Callable[[MessageRow], str]]] = [
            (translate("NoticeLabels", "Queued"), lambda r: f"{r.created_at:%d.%m.%Y %H:%M}"),
        ]
        if self._with_patient:
            columns.append((translate("NoticeLabels", "Patient"), lambda r: r.patient_name or DASH))
        columns += [
            (translate("NoticeLabels", "About"), lambda r: purpose_name(r.purpose)),
            (translate("NoticeLabels", "Channel"),
             lambda r: channel_names().get(r.channel, str(r.channel))),
            (translate("NoticeLabels", "To"), recipient_text),
            (translate("NoticeLabels", "Sent / due"), _when),
            (translate("NoticeLabels", "Tries"), lambda r: str(r.attempts)),
            (translate("NoticeLabels", "Status"), status_text),
        ]  # fmt: skip
        return columns

    def faded(self, row: MessageRow) -> bool:
        return row.status in (NotificationStatus.CANCELLED, NotificationStatus.WITHDRAWN)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role == Qt.ItemDataRole.ForegroundRole and index.isValid():
            row = self._rows[index.row()]
            if row.status is NotificationStatus.FAILED:
                return QBrush(FAILED_COLOUR)
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid():
            row = self._rows[index.row()]
            return row.subject or None
        return super().data(index, role)

    def row_ids(self) -> list[int]:
        """The ids of the messages listed, top to bottom."""
        return [row.id for row in self._rows]
