"""The waiting list beside the grid: drag a waiting patient into a free slot to book.

The Referrals section has the full waiting list (filters, adding, offers); this panel
only lists who waits, oldest first, so that a registrar who sees a free slot can drop
the patient into it. The grid books through the waiting-list controller, which
closes the entry.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QMimeData, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crm.controllers.waiting.queue import WaitingEntry
from crm.models.enums import WaitingStatus
from crm.views.referrals.waiting_models import patient_short
from crm.views.schedule.grid import waiting_mime

ENTRY_ROLE = Qt.ItemDataRole.UserRole


class WaitingList(QListWidget):
    """The panel's list; its items drag as waiting-list entries."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("waitingPanelList")
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setDefaultDropAction(Qt.DropAction.CopyAction)
        self.setWordWrap(True)

    def mimeData(self, items: Sequence[QListWidgetItem]) -> QMimeData:  # Qt's name
        for item in items:
            entry_id = item.data(ENTRY_ROLE)
            if entry_id is not None:
                return waiting_mime(int(entry_id))
        return QMimeData()


class WaitingPanel(QWidget):
    """Who waits for a time (not yet booked), oldest first; hidden while nobody waits.

    Args:
        parent: the Qt parent.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("waitingPanel")
        self.title = QLabel()
        self.title.setObjectName("waitingPanelTitle")
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        hint = QLabel(self.tr("Drag a patient to a free slot to book."))
        hint.setWordWrap(True)
        self.list = WaitingList()
        self._shown: list[tuple[int, str]] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(hint)
        layout.addWidget(self.list, 1)
        self.setMinimumWidth(200)
        self.setMaximumWidth(230)
        self.hide()

    def set_entries(self, entries: Sequence[WaitingEntry]) -> None:
        """List the entries still waiting (an offered one too: the desk may book it)."""
        waiting = [e for e in entries if e.status in (WaitingStatus.WAITING, WaitingStatus.OFFERED)]
        shown = [(e.id, self._text(e)) for e in waiting]
        if shown == self._shown:
            return
        self._shown = shown
        self.list.clear()
        for entry, (entry_id, text) in zip(waiting, shown, strict=True):
            item = QListWidgetItem(text)
            item.setData(ENTRY_ROLE, entry_id)
            item.setToolTip(
                self.tr("{patient}, {phone}; {note}").format(
                    patient=entry.patient_name, phone=entry.patient_phone or "—",
                    note=entry.note or "",
                )
            )  # fmt: skip
            self.list.addItem(item)
        self.title.setText(self.tr("Waiting list ({count})").format(count=len(waiting)))
        self.setVisible(bool(waiting))

    def _text(self, entry: WaitingEntry) -> str:
        whom = entry.doctor_name or entry.specialty_name or ""
        days = f"{entry.wished_from:%d.%m}–{entry.wished_to:%d.%m}"
        waited = self.tr("{days} d.").format(days=entry.age_days)
        return f"{patient_short(entry.patient_name)} · {waited}\n{whom}, {days}"

    def count(self) -> int:
        """How many entries are listed."""
        return self.list.count()
