"""The priority queue: urgent requests waiting for a manager's decision.

Pending requests come first (tinted), oldest first, with how long each has waited;
then approved ones still to be booked; with «Show decided» the booked and rejected
ones follow. A registrar (anyone who may book) queues a request — patient, specialty
if known, the reason for urgency. A manager approves (and is offered to book at
once: :attr:`PriorityTab.book_requested` hands the patient, the specialty and the
request to the booking code) or rejects with a reason, which is required. Other
roles see the queue read-only: the decision buttons are disabled and say why.
The queue follows every desk's changes (debounced change notices).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crm.controllers.access.permissions import Permission, allowed
from crm.controllers.directories import pickers
from crm.controllers.directories.pickers import SpecialtyChoice
from crm.controllers.errors import DomainError
from crm.controllers.referrals import priority
from crm.controllers.referrals.priority import PriorityRow
from crm.controllers.vocabulary import role_title
from crm.models.enums import PriorityStatus
from crm.views import AppContext
from crm.views.itemmodels.views import row_table, select_row
from crm.views.patients.fields import FieldBox
from crm.views.patients.message_bar import MessageBar
from crm.views.referrals.waiting_form import PriorityRequestDialog
from crm.views.referrals.waiting_models import PriorityTableModel
from crm.views.serial_read import Query, SerialRead

P = PriorityStatus
DEBOUNCE_MS = 300
#: Tables whose changes may change the queue (``*`` = resynchronise everything).
WATCHED = ("priority_request", "*")


class PriorityTab(QWidget):
    """The manager's queue of priority requests with its actions.

    Args:
        context: the logged-in user's context.
        parent: the Qt parent.

    Signals:
        loaded(): the queue was (re)read from the database.
        book_requested(int, int, int): book an approved request now: the patient's
            id, the specialty's id (0 when the request names none) and the request's
            id. Once booked, call :meth:`link_booked` with the appointment's id.
        decided(object): a request was approved or rejected here (the new
            :class:`~crm.controllers.referrals.priority.PriorityRow`).
    """

    loaded = Signal()
    book_requested = Signal(int, int, int)
    decided = Signal(object)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("priorityTab")
        self._context = context
        self._reader = SerialRead(context, self, self._query, self._on_loaded, self._on_failed)
        self._select_next: int | None = None
        self._specialties: list[SpecialtyChoice] = []
        actor = context.actor
        self.manager = allowed(actor, Permission.OVERRIDE_RULES)
        self.may_create = allowed(actor, Permission.BOOK_ANY_DOCTOR) or allowed(
            actor, Permission.BOOK_OWN_SCHEDULE
        )
        self.create_dialog: PriorityRequestDialog | None = None

        self.show_decided = QCheckBox(self.tr("Show decided"))
        self.show_decided.setObjectName("priorityShowDecided")
        self.show_decided.toggled.connect(lambda _on: self.refresh())
        self.count_label = QLabel()
        self.count_label.setObjectName("priorityCount")
        self.create_button = QPushButton(self.tr("New request…"))
        self.create_button.setObjectName("priorityCreate")
        self.create_button.clicked.connect(self.open_create_dialog)
        self.approve_button = QPushButton(self.tr("Approve"))
        self.approve_button.setObjectName("priorityApprove")
        self.approve_button.clicked.connect(self.approve_selected)
        self.reject_button = QPushButton(self.tr("Reject…"))
        self.reject_button.setObjectName("priorityReject")
        self.reject_button.clicked.connect(self.ask_reason)
        self.book_button = QPushButton(self.tr("Book…"))
        self.book_button.setObjectName("priorityBook")
        self.book_button.setToolTip(self.tr("Book an appointment for the approved request"))
        self.book_button.clicked.connect(self.book_selected)
        role = role_title(actor.role)
        if not self.manager:
            why = self.tr("Only a manager decides on priority requests (your role: {role})")
            for button in (self.approve_button, self.reject_button, self.book_button):
                button.setToolTip(why.format(role=role))
        if not self.may_create:
            self.create_button.setToolTip(
                self.tr("Your role ({role}) may not book appointments").format(role=role)
            )

        self.model = PriorityTableModel(self)
        self.table = row_table(self.model, "priorityTable")
        self.model.modelReset.connect(self._fit_columns)
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())

        self.messages = MessageBar()
        # The rejection's reason, asked right above the buttons (no modal dialog).
        self.reject_panel = QFrame()
        self.reject_panel.setObjectName("priorityRejectPanel")
        self.reject_reason = QLineEdit()
        self.reject_reason.setObjectName("priorityRejectReason")
        self.reject_reason.setPlaceholderText(self.tr("Why the request is rejected (required)"))
        self.reject_reason.returnPressed.connect(self.reject_selected)
        self.reject_box = FieldBox(self.reject_reason)
        self.reject_confirm = QPushButton(self.tr("Reject"))
        self.reject_confirm.setObjectName("priorityRejectConfirm")
        self.reject_confirm.clicked.connect(self.reject_selected)
        self.reject_cancel = QPushButton(self.tr("Cancel"))
        self.reject_cancel.setObjectName("priorityRejectCancel")
        self.reject_cancel.clicked.connect(self.close_reason)
        panel = QHBoxLayout(self.reject_panel)
        panel.setContentsMargins(0, 0, 0, 0)
        label = QLabel(self.tr("Reason for the rejection"))
        label.setMinimumHeight(self.reject_reason.sizeHint().height())  # level with the field
        label.setBuddy(self.reject_reason)
        panel.addWidget(label, 0, Qt.AlignmentFlag.AlignTop)
        panel.addWidget(self.reject_box, 1)
        panel.addWidget(self.reject_confirm, 0, Qt.AlignmentFlag.AlignTop)
        panel.addWidget(self.reject_cancel, 0, Qt.AlignmentFlag.AlignTop)
        self.reject_panel.hide()
        self._rejecting: PriorityRow | None = None

        top = QHBoxLayout()
        top.addWidget(self.show_decided)
        top.addStretch(1)
        top.addWidget(self.count_label)
        buttons = QHBoxLayout()
        buttons.addWidget(self.create_button)
        buttons.addStretch(1)
        buttons.addWidget(self.approve_button)
        buttons.addWidget(self.reject_button)
        buttons.addWidget(self.book_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.messages)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.reject_panel)
        layout.addLayout(buttons)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.refresh)
        if context.events is not None:
            context.events.changed.connect(self._on_change)
        self._update_buttons()
        context.runner.submit(
            pickers.specialties, context.database.sessions, actor,
            on_success=self._set_specialties, on_failure=self._show_error, owner=self,
        )  # fmt: skip
        self.refresh()

    # --- reading ----------------------------------------------------------------------

    @property
    def loading(self) -> bool:
        """True while the queue is being read."""
        return self._reader.loading

    def _set_specialties(self, specialties: Sequence[SpecialtyChoice]) -> None:
        self._specialties = list(specialties)

    def refresh(self) -> None:
        """Read the queue again (a second request during a read is queued)."""
        self._reader.request()

    def _query(self) -> Query:
        return (
            priority.manager_queue,
            (self._context.database.sessions, self._context.actor),
            {"include_closed": self.show_decided.isChecked()},
        )

    @Slot(dict)
    def _on_change(self, event: dict) -> None:
        if event.get("table") in WATCHED:
            self._debounce.start()

    def _on_loaded(self, rows: list[PriorityRow]) -> None:
        selected = self.selected()
        wanted = self._select_next or (selected.id if selected is not None else None)
        self._select_next = None
        self.model.set_rows(rows)
        if wanted is not None and self.select_request(wanted):
            self.table.scrollTo(self.table.currentIndex())
        pending = sum(1 for r in rows if r.status is P.PENDING)
        approved = sum(1 for r in rows if r.status is P.APPROVED)
        self.count_label.setText(
            self.tr("Awaiting a decision: {pending} · to be booked: {approved}").format(
                pending=pending, approved=approved
            )
        )
        self._update_buttons()
        self.loaded.emit()

    def _on_failed(self, message: str) -> None:
        self._show_error(message)
        self.loaded.emit()

    def _show_error(self, message: str) -> None:
        self.messages.show_message("error", message)

    def _fit_columns(self) -> None:
        self.table.resizeColumnsToContents()
        # The decision (the last column) takes what is left; long reasons show whole
        # in their tooltips.
        if self.table.columnWidth(PriorityTableModel.REASON) > 280:
            self.table.setColumnWidth(PriorityTableModel.REASON, 280)
        if self.table.columnWidth(PriorityTableModel.CREATED_BY) > 180:
            self.table.setColumnWidth(PriorityTableModel.CREATED_BY, 180)

    # --- selection --------------------------------------------------------------------

    def selected(self) -> PriorityRow | None:
        """The request selected in the table."""
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def select_request(self, request_id: int) -> bool:
        """Select the row of ``request_id``; False if it is not shown."""
        row = self.model.row_of(request_id)
        if row is None:
            return False
        select_row(self.table, row)
        return True

    def _update_buttons(self) -> None:
        row = self.selected()
        status = row.status if row is not None else None
        self.create_button.setEnabled(self.may_create)
        self.approve_button.setEnabled(self.manager and status is P.PENDING)
        self.reject_button.setEnabled(self.manager and status in (P.PENDING, P.APPROVED))
        self.book_button.setEnabled(self.manager and status is P.APPROVED)
        if self._rejecting is not None and (row is None or row.id != self._rejecting.id):
            self.close_reason()

    # --- creating ---------------------------------------------------------------------

    def open_create_dialog(self) -> PriorityRequestDialog:
        """Open the form of a new request (non-modal ``open()``); returns it."""
        if self.create_dialog is not None:
            self.create_dialog.raise_()
            self.create_dialog.activateWindow()
            return self.create_dialog
        dialog = PriorityRequestDialog(self._context, self._specialties, self)
        dialog.saved.connect(self._created)
        dialog.finished.connect(lambda _result: self._dialog_closed(dialog))
        self.create_dialog = dialog
        dialog.open()
        return dialog

    def _dialog_closed(self, dialog: PriorityRequestDialog) -> None:
        if self.create_dialog is dialog:
            self.create_dialog = None
        dialog.deleteLater()

    def _created(self, row: PriorityRow) -> None:
        self.messages.show_message(
            "done",
            self.tr("The request for {patient} is queued for a manager's decision").format(
                patient=row.patient_name
            ),
        )
        self._select_next = row.id
        self.refresh()

    # --- deciding ---------------------------------------------------------------------

    def approve_selected(self) -> None:
        """Approve the selected pending request (then offer to book it)."""
        row = self.selected()
        if row is None or row.status is not P.PENDING or not self.manager:
            return
        self.messages.clear()
        self.approve_button.setEnabled(False)
        self._context.runner.submit(
            priority.approve,
            self._context.database.sessions,
            self._context.actor,
            row.id,
            on_success=self._approved,
            on_failure=self._decision_failed,
            owner=self,
        )

    def _approved(self, row: PriorityRow) -> None:
        self.messages.show_message(
            "done",
            self.tr("Approved: {patient}. Book the appointment now?").format(
                patient=row.patient_name
            ),
            [(self.tr("Book now"), partial(self.request_booking, row))],
        )
        self.decided.emit(row)
        self._select_next = row.id
        self.refresh()

    def ask_reason(self) -> None:
        """Open the reason field for rejecting the selected request."""
        row = self.selected()
        if row is None or row.status not in (P.PENDING, P.APPROVED) or not self.manager:
            return
        self._rejecting = row
        self.reject_box.clear_message()
        self.reject_panel.show()
        self.reject_reason.setFocus(Qt.FocusReason.OtherFocusReason)

    def close_reason(self) -> None:
        """Close the reason field (what was typed stays for the next time)."""
        self._rejecting = None
        self.reject_box.clear_message()
        self.reject_panel.hide()

    def reject_selected(self) -> None:
        """Reject the request the reason field was opened for, with the typed reason.

        The controller decides whether the reason is enough (an empty one is refused
        and the message shown under the field).
        """
        row = self._rejecting
        if row is None:
            return
        self.messages.clear()
        self.reject_box.clear_message()
        self.reject_confirm.setEnabled(False)
        self._context.runner.submit(
            priority.reject,
            self._context.database.sessions,
            self._context.actor,
            row.id,
            reason=self.reject_reason.text(),
            on_success=self._rejected,
            on_error=self._rejection_refused,
            owner=self,
        )

    def _rejected(self, row: PriorityRow) -> None:
        self.reject_confirm.setEnabled(True)
        self.reject_reason.clear()
        self.close_reason()
        self.messages.show_message(
            "done",
            self.tr("Rejected: {patient}").format(patient=row.patient_name),
        )
        self.decided.emit(row)
        self.refresh()

    def _rejection_refused(self, error: BaseException, message: str) -> None:
        self.reject_confirm.setEnabled(True)
        if isinstance(error, DomainError) and error.field == "reason":
            self.reject_box.show_problem(message)
            self.reject_reason.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self._decision_failed(message)

    def _decision_failed(self, message: str) -> None:
        self._show_error(message)
        self.refresh()

    # --- booking ----------------------------------------------------------------------

    def book_selected(self) -> None:
        """Ask for the selected approved request to be booked."""
        row = self.selected()
        if row is not None and row.status is P.APPROVED and self.manager:
            self.request_booking(row)

    def request_booking(self, row: PriorityRow) -> None:
        """Emit :attr:`book_requested` for ``row``."""
        self.messages.clear()
        self.book_requested.emit(row.patient_id, row.specialty_id or 0, row.id)

    def link_booked(self, request_id: int, appointment_id: int) -> None:
        """Mark the request booked with ``appointment_id`` (after the booking code booked it)."""
        self._context.runner.submit(
            priority.link_appointment,
            self._context.database.sessions,
            self._context.actor,
            request_id,
            appointment_id,
            on_success=self._linked,
            on_failure=self._decision_failed,
            owner=self,
        )

    def _linked(self, row: PriorityRow) -> None:
        text = self.tr("Booked: {patient}").format(patient=row.patient_name)
        if row.appointment_starts_at is not None:
            text += f", {row.appointment_starts_at:%d.%m.%Y %H:%M}"
        self.messages.show_message("done", text)
        self.refresh()
