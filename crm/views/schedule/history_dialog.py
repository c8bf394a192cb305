"""An appointment's history: its moves (from → to) and every journal entry about it.

Read with :func:`crm.controllers.schedule.appointment_history.load_history` on the runner;
the dialog is non-modal, so the registrar can keep it open beside the grid.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crm.controllers.schedule import appointment_history
from crm.controllers.schedule.appointment_history import AppointmentHistory, HistoryEntry
from crm.controllers.schedule.day_grid import GridAppointment
from crm.views import AppContext

DASH = "—"


def _moment(value: object) -> str:
    return value.strftime("%d.%m.%Y %H:%M") if hasattr(value, "strftime") else DASH


class HistoryDialog(QDialog):
    """The history of one appointment and of the ones it replaced or was replaced by.

    Args:
        context: the logged-in user's context.
        appointment: the block asked about.
        parent: the Qt parent.

    Signals:
        loaded(object): the history arrived and is shown
            (:class:`~crm.controllers.schedule.appointment_history.AppointmentHistory`).
        failed(str): it could not be read; the message is shown in the dialog.
    """

    loaded = Signal(object)
    failed = Signal(str)

    def __init__(
        self, context: AppContext, appointment: GridAppointment, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._context = context
        self._appointment = appointment
        self.history: AppointmentHistory | None = None
        self.setObjectName("historyDialog")
        self.setWindowTitle(
            self.tr("Appointment history — {patient}").format(patient=appointment.patient_short)
        )
        self.status = QLabel(self.tr("Loading…"))
        self.status.setObjectName("historyStatus")
        self.status.setWordWrap(True)

        moves_title = QLabel(self.tr("<b>Moves</b>"))
        self.moves = QTableWidget(0, 5)
        self.moves.setObjectName("historyMoves")
        self.moves.setHorizontalHeaderLabels(
            [self.tr("From"), self.tr("To"), self.tr("Who"), self.tr("When"), self.tr("Reason")]
        )
        self.moves.verticalHeader().hide()
        self.moves.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.moves.horizontalHeader().setStretchLastSection(True)
        self.moves.setMaximumHeight(140)
        self.no_moves = QLabel(self.tr("The appointment was not moved."))
        self.no_moves.setObjectName("historyNoMoves")

        entries_title = QLabel(self.tr("<b>Journal</b>"))
        self.entries = QTreeWidget()
        self.entries.setObjectName("historyEntries")
        self.entries.setColumnCount(4)
        self.entries.setHeaderLabels(
            [self.tr("When / field"), self.tr("Who / before"), self.tr("What / after"),
             self.tr("Details")]
        )  # fmt: skip
        self.entries.header().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.entries.setAlternatingRowColors(True)

        close = QPushButton(self.tr("Close"))
        close.setDefault(True)
        close.clicked.connect(self.close)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(moves_title)
        layout.addWidget(self.no_moves)
        layout.addWidget(self.moves)
        layout.addWidget(entries_title)
        layout.addWidget(self.entries, 1)
        layout.addLayout(bottom)
        self.resize(820, 560)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def load(self) -> None:
        """Read the history on the runner."""
        self._context.runner.submit(
            appointment_history.load_history,
            self._context.database.sessions,
            self._context.actor,
            self._appointment.id,
            on_success=self._show,
            on_failure=self._on_failed,
            owner=self,
        )

    def _on_failed(self, message: str) -> None:
        self.status.setText(message)
        self.failed.emit(message)

    def _show(self, history: AppointmentHistory) -> None:
        self.history = history
        self.status.setText(
            self.tr("{patient}: {n} journal entries").format(
                patient=history.patient_name, n=len(history.entries)
            )
        )
        self.moves.setRowCount(len(history.moves))
        for row, move in enumerate(history.moves):
            cells = (
                f"{_moment(move.from_starts_at)}, {move.from_doctor}",
                f"{_moment(move.to_starts_at)}, {move.to_doctor}",
                move.user_name or DASH,
                _moment(move.at),
                move.reason or "",
            )
            for column, text in enumerate(cells):
                self.moves.setItem(row, column, QTableWidgetItem(text))
        self.moves.resizeColumnsToContents()
        self.moves.setVisible(bool(history.moves))
        self.no_moves.setVisible(not history.moves)
        self.entries.clear()
        for entry in history.entries:
            self.entries.addTopLevelItem(self._entry_item(entry))
        self.entries.expandAll()
        for column in range(3):
            self.entries.resizeColumnToContents(column)
        self.loaded.emit(history)

    def _entry_item(self, entry: HistoryEntry) -> QTreeWidgetItem:
        what = entry.action_title
        if entry.appointment_id is not None and entry.appointment_id != self._appointment.id:
            what = self.tr("{action} (appointment № {id})").format(
                action=what, id=entry.appointment_id
            )
        if entry.outcome != "ok":
            what = f"{what} — {entry.outcome_title}"
        who = entry.user_name or DASH
        if entry.workstation:
            who = f"{who} ({entry.workstation})"
        item = QTreeWidgetItem([_moment(entry.at), who, what, entry.details or ""])
        font = item.font(0)
        font.setBold(True)
        for column in range(3):
            item.setFont(column, font)
        for change in entry.changes:
            item.addChild(
                QTreeWidgetItem(
                    [change.title, change.before or DASH, f"→ {change.after or DASH}", ""]
                )
            )
        return item
