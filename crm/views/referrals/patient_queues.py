"""The card's read-only view of a patient's priority requests and waiting-list entries.

One tab of the card (:class:`crm.views.patients.card_tabs.CardTabs`): the requests
with their state and the manager's decision, and every waiting-list entry with the
time offered, if any. Both are read in one call on the runner, and again (debounced)
when a change notice of either table names this patient.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QLabel,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session, sessionmaker

from crm.controllers.context import Actor
from crm.controllers.referrals import priority
from crm.controllers.referrals.priority import PriorityRow
from crm.controllers.waiting import queue
from crm.controllers.waiting.queue import WaitingEntry
from crm.views import AppContext
from crm.views.itemmodels.views import row_table
from crm.views.referrals.waiting_models import PatientPriorityModel, PatientWaitingModel
from crm.views.serial_read import Query, SerialRead

DEBOUNCE_MS = 300
WATCHED = ("waiting_list_entry", "priority_request")


@dataclass(frozen=True)
class PatientQueues:
    """A patient's priority requests (latest first) and waiting-list entries (all)."""

    patient_id: int
    requests: list[PriorityRow]
    entries: list[WaitingEntry]


def load_patient_queues(db: sessionmaker[Session], actor: Actor, patient_id: int) -> PatientQueues:
    """Both lists of ``patient_id`` (run on the runner's worker thread)."""
    requests = priority.patient_requests(db, actor, patient_id)
    entries = queue.list_entries(db, actor, statuses=(), patient_id=patient_id)
    return PatientQueues(patient_id, requests, entries[::-1])


class PatientQueuesPanel(QWidget):
    """Priority requests and waiting-list entries of one patient, read-only.

    Args:
        context: the logged-in user's context.
        parent: the Qt parent.

    Signals:
        loaded(): both lists were (re)read.
    """

    loaded = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("patientQueues")
        self._context = context
        self._patient_id: int | None = None
        self._reader = SerialRead(context, self, self._query, self._on_loaded, self._on_failed)
        self.requests = PatientPriorityModel(self)
        self.entries = PatientWaitingModel(self)
        self.requests_title = QLabel(self.tr("Priority requests"))
        self.requests_title.setObjectName("patientRequestsTitle")
        self.entries_title = QLabel(self.tr("Waiting list"))
        self.entries_title.setObjectName("patientEntriesTitle")
        self.requests_table = row_table(self.requests, "patientRequestsTable", fit_columns=True)
        self.entries_table = row_table(self.entries, "patientEntriesTable", fit_columns=True)
        self.message = QLabel()
        self.message.setObjectName("patientQueuesMessage")
        self.message.setWordWrap(True)
        self.message.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.requests_title)
        layout.addWidget(self.requests_table, 1)
        layout.addWidget(self.entries_title)
        layout.addWidget(self.entries_table, 1)
        layout.addWidget(self.message)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.refresh)
        if context.events is not None:
            context.events.changed.connect(self._on_change)

    @property
    def loading(self) -> bool:
        """True while the lists are being read."""
        return self._reader.loading

    def show_patient(self, patient_id: int) -> None:
        """Show ``patient_id``'s requests and entries (and read them)."""
        if patient_id != self._patient_id:
            self.requests.set_rows([])
            self.entries.set_rows([])
        self._patient_id = patient_id
        self.refresh()

    def refresh(self) -> None:
        """Read both lists again (a second request during a read is queued)."""
        if self._patient_id is not None:
            self._reader.request()

    def _query(self) -> Query:
        context = self._context
        return load_patient_queues, (context.database.sessions, context.actor, self._patient_id), {}

    @Slot(dict)
    def _on_change(self, event: dict) -> None:
        if self._patient_id is None:
            return
        if event.get("table") == "*" or (
            event.get("table") in WATCHED and event.get("patient_id") == self._patient_id
        ):
            self._debounce.start()

    def _on_loaded(self, queues: PatientQueues) -> None:
        if queues.patient_id == self._patient_id:
            self.requests.set_rows(queues.requests)
            self.entries.set_rows(queues.entries)
            self.requests_title.setText(
                self.tr("Priority requests ({n})").format(n=len(queues.requests))
            )
            self.entries_title.setText(self.tr("Waiting list ({n})").format(n=len(queues.entries)))
            self.message.hide()
            self.loaded.emit()

    def _on_failed(self, message: str) -> None:
        self.message.setText(message)
        self.message.show()
        self.loaded.emit()
