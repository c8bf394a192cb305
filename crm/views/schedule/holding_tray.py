"""The holding tray: appointments whose doctor became unavailable, waiting to be moved.

When a doctor is made unavailable over booked appointments, nothing is cancelled
silently (DOMAIN.md): the appointments are flagged ``in_holding_tray`` and listed
here, day by day, until the registrar drags each one to a free slot in the grid (the
same drag payload as a block dragged inside the grid, so the grid reschedules it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from PySide6.QtCore import QDate, QLocale, QMimeData, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crm.controllers.schedule.day_grid import GridAppointment
from crm.views.schedule.grid import MIME_TYPE, appointment_mime

ID_ROLE = Qt.ItemDataRole.UserRole


class TrayList(QListWidget):
    """The tray's list: day headings and draggable appointments.

    Args:
        parent: the Qt parent.

    Signals:
        The standard ones of :class:`QListWidget`.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("holdingTrayList")
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setWordWrap(True)
        self.appointments: dict[int, GridAppointment] = {}

    def mimeTypes(self) -> list[str]:  # Qt's name
        return [MIME_TYPE]

    def mimeData(self, items: Sequence[QListWidgetItem]) -> QMimeData:  # Qt's name
        for item in items:
            appointment = self.appointments.get(item.data(ID_ROLE))
            if appointment is not None:
                return appointment_mime(appointment)
        return QMimeData()


class HoldingTray(QWidget):
    """A side panel listing the shown days' appointments in the holding tray.

    Hidden while the tray is empty.

    Args:
        parent: the Qt parent.

    Signals:
        chosen(int): an appointment was double-clicked or Enter was pressed on it
            (take it to move by keyboard).
    """

    chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("holdingTray")
        self.title = QLabel()
        self.title.setObjectName("holdingTrayTitle")
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        hint = QLabel(self.tr(
            "The doctor became unavailable. Drag each one to a free slot, or press Enter "
            "on it and choose the time with the arrows."
        ))  # fmt: skip
        hint.setWordWrap(True)
        hint.setObjectName("holdingTrayHint")
        self.list = TrayList()
        self._shown: list[tuple[GridAppointment, str]] = []
        self.list.itemActivated.connect(self._activated)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(hint)
        layout.addWidget(self.list, 1)
        self.setMinimumWidth(200)
        self.setMaximumWidth(230)
        self.hide()

    def set_appointments(
        self, appointments: Sequence[GridAppointment], doctor_names: dict[int, str]
    ) -> None:
        """List ``appointments`` (those in the tray are kept) by day and time."""
        held = sorted(
            (a for a in appointments if a.in_holding_tray),
            key=lambda a: (a.starts_at, a.doctor_id, a.id),
        )
        shown = [(a, doctor_names.get(a.doctor_id, "")) for a in held]
        if shown == self._shown:
            return  # unchanged (the usual case after a column's reload)
        self._shown = shown
        self.list.clear()
        self.list.appointments = {a.id: a for a in held}
        day: dt.date | None = None
        for appointment in held:
            local_day = appointment.starts_at.date()
            if local_day != day:
                day = local_day
                date = QDate(day.year, day.month, day.day)
                heading = QListWidgetItem(QLocale().toString(date, "dddd, dd.MM.yyyy"))
                heading.setFlags(Qt.ItemFlag.ItemIsEnabled)  # a heading: not chosen, not dragged
                font = heading.font()
                font.setBold(True)
                heading.setFont(font)
                self.list.addItem(heading)
            doctor = doctor_names.get(appointment.doctor_id, "")
            item = QListWidgetItem(
                f"{appointment.starts_at:%H:%M} {appointment.patient_short}\n{doctor}"
            )
            item.setData(ID_ROLE, appointment.id)
            item.setToolTip(
                self.tr("{patient}, {phone}: drag to a free slot, or Enter to move it").format(
                    patient=appointment.patient_full, phone=appointment.patient_phone or "—"
                )
            )
            item.setFlags(
                Qt.ItemFlag.ItemIsEnabled
                | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemIsDragEnabled
            )
            self.list.addItem(item)
        self.title.setText(self.tr("Holding tray ({count})").format(count=len(held)))
        self.setVisible(bool(held))

    def count(self) -> int:
        """How many appointments are listed."""
        return len(self.list.appointments)

    def _activated(self, item: QListWidgetItem) -> None:
        appointment_id = item.data(ID_ROLE)
        if appointment_id is not None:
            self.chosen.emit(int(appointment_id))
