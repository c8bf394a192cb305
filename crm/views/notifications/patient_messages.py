"""The card's «Сообщения» tab: what was written to the patient and what became of it
(в очереди / отправлено / не доставлено and why), the newest first.

Read on the runner each time the card is shown or refreshed, and again on a change
notice of ``outbox_message`` about this patient.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from crm.controllers.notifications import messages
from crm.controllers.notifications.messages import MessageRow
from crm.views import AppContext
from crm.views.itemmodels.views import row_table
from crm.views.notifications.labels import MessagesModel
from crm.views.patients.fields import PROBLEM_COLOUR

DEBOUNCE_MS = 500


class PatientMessagesTab(QWidget):
    """The messages to one patient.

    Args:
        context: the logged-in user's context.
        parent: the Qt parent.

    Signals:
        loaded(): the messages were read (or the reading failed).
    """

    loaded = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("patientMessages")
        self._context = context
        self._patient_id: int | None = None
        self._loading = False
        self._again = False
        self.model = MessagesModel(parent=self)
        self.table = row_table(self.model, "patientMessagesTable", striped=True, fit_columns=True)
        self.message = QLabel()
        self.message.setObjectName("patientMessagesProblem")
        self.message.setStyleSheet(f"color: {PROBLEM_COLOUR};")
        self.message.setWordWrap(True)
        self.message.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.refresh)
        if context.events is not None:
            context.events.changed.connect(self._on_change)

    @property
    def loading(self) -> bool:
        """True while the messages are read."""
        return self._loading

    def show_patient(self, patient_id: int) -> None:
        """Show ``patient_id``'s messages (and read them)."""
        if patient_id != self._patient_id:
            self.model.set_rows([])
        self._patient_id = patient_id
        self.refresh()

    def _on_change(self, notice: dict) -> None:
        if self._patient_id is None:
            return
        if notice.get("op") == "RESYNC" or (
            notice.get("table") == "outbox_message" and notice.get("patient_id") == self._patient_id
        ):
            self._debounce.start()

    def refresh(self) -> None:
        """Read the messages again (asked for during a reading: once more after it)."""
        if self._patient_id is None or self._context.runner.closed:
            return
        if self._loading:
            self._again = True
            return
        self._loading = True
        self._context.runner.submit(
            messages.patient_messages, self._context.database.sessions, self._context.actor,
            self._patient_id, on_success=self._show, on_failure=self._failed, owner=self,
        )  # fmt: skip

    def _show(self, rows: list[MessageRow]) -> None:
        if all(row.patient_id == self._patient_id for row in rows):
            self.model.set_rows(rows)
            self.message.hide()
        self._done()

    def _failed(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()
        self._done()

    def _done(self) -> None:
        self._loading = False
        if self._again:
            self._again = False
            self.refresh()
        else:
            self.loaded.emit()
