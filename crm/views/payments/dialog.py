"""«Оплата»: a visit's money at the desk — take a payment, list them, refund one, receipts.

The dialog reads the visit's sheet (:func:`crm.controllers.payments.desk.visit_sheet`)
on the runner, and after every payment or refund reads it again. The amount comes
prefilled with what is left to pay; a refusal names its field, puts the cursor
there and keeps what was typed. A manager sees the refund row under the list: the
amount comes prefilled with what is left of the chosen payment, and a refund over it
(also one that lost a race with another desk, which PostgreSQL refuses) is refused
in words naming the amount.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crm.controllers.errors import DomainError
from crm.controllers.payments import desk, taking
from crm.controllers.payments.desk import PaymentLine, VisitSheet
from crm.controllers.payments.money import rubles
from crm.controllers.payments.status import status_title
from crm.controllers.payments.taking import PaymentRow, method_title
from crm.models.enums import PaymentMethod
from crm.views import AppContext
from crm.views.patients.fields import PROBLEM_COLOUR
from crm.views.patients.message_bar import MessageBar
from crm.views.payments.receipt import open_receipt

DASH = "—"


def amount_text(value: object) -> str:
    """An amount as the edit is prefilled with: ``1500.50`` (no spaces, no sign)."""
    return f"{value:.2f}"


class PaymentDialog(QDialog):
    """Take payments for one visit, list them, refund one (manager), print receipts.

    Args:
        context: the logged-in user's context.
        appointment_id: the visit.
        parent: the Qt parent.

    Signals:
        changed(int): a payment or refund was written for the visit (its id).
        loaded(): the sheet was (re)read and shown.
    """

    changed = Signal(int)
    loaded = Signal()

    def __init__(
        self, context: AppContext, appointment_id: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._context = context
        self.appointment_id = appointment_id
        self.sheet: VisitSheet | None = None
        self._busy = False
        self._refilling = False
        #: The last payment taken here (its receipt is offered).
        self.last_payment: PaymentRow | None = None
        #: The last receipt's print dialog opened.
        self.print_dialog: QDialog | None = None
        self.setObjectName("paymentDialog")
        self.setWindowTitle(self.tr("Payment"))

        self.visit_label = QLabel(self.tr("Reading the visit…"))
        self.visit_label.setObjectName("paymentVisit")
        self.visit_label.setWordWrap(True)
        self.service_value = self._value("paymentService")
        self.price_value = self._value("paymentPrice")
        self.paid_value = self._value("paymentPaid")
        self.left_value = self._value("paymentLeft")
        self.status_value = self._value("paymentStatus")
        summary = QFormLayout()
        summary.addRow(self.tr("Service:"), self.service_value)
        summary.addRow(self.tr("Price:"), self.price_value)
        summary.addRow(self.tr("Paid:"), self.paid_value)
        summary.addRow(self.tr("Left to pay:"), self.left_value)
        summary.addRow(self.tr("Status:"), self.status_value)

        self.amount_edit = QLineEdit()
        self.amount_edit.setObjectName("paymentAmount")
        self.amount_edit.setPlaceholderText(self.tr("roubles, e.g. 1500.50"))
        self.method_box = QComboBox()
        self.method_box.setObjectName("paymentMethod")
        for method in PaymentMethod:
            self.method_box.addItem(method_title(method), method.value)
        self.bonus_label = QLabel()
        self.bonus_label.setObjectName("paymentBonus")
        self.take_button = QPushButton(self.tr("Take the payment"))
        self.take_button.setObjectName("paymentTake")
        self.take_button.setDefault(True)
        self.take_button.clicked.connect(self.take)
        take_form = QFormLayout()
        take_form.addRow(self.tr("Amount:"), self.amount_edit)
        take_form.addRow(self.tr("Method:"), self.method_box)
        take_form.addRow("", self.bonus_label)
        take_row = QHBoxLayout()
        take_row.addStretch(1)
        take_row.addWidget(self.take_button)
        take_form.addRow(take_row)
        self.take_group = QGroupBox(self.tr("Take a payment"))
        self.take_group.setLayout(take_form)

        self.table = QTableWidget(0, 6)
        self.table.setObjectName("paymentsTable")
        self.table.setHorizontalHeaderLabels(
            [self.tr("№"), self.tr("When"), self.tr("Amount"), self.tr("Method"),
             self.tr("Who"), self.tr("Refund reason / left to return")]
        )  # fmt: skip
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.setMinimumHeight(150)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemSelectionChanged.connect(self._payment_chosen)
        self.receipt_button = QPushButton(self.tr("Receipt…"))
        self.receipt_button.setObjectName("paymentReceipt")
        self.receipt_button.setAutoDefault(False)
        self.receipt_button.setEnabled(False)
        self.receipt_button.clicked.connect(self.print_selected)

        self.refund_amount = QLineEdit()
        self.refund_amount.setObjectName("refundAmount")
        self.refund_reason = QLineEdit()
        self.refund_reason.setObjectName("refundReason")
        self.refund_reason.setPlaceholderText(self.tr("Why the money is returned (required)"))
        self.refund_button = QPushButton(self.tr("Refund"))
        self.refund_button.setObjectName("refundButton")
        self.refund_button.setAutoDefault(False)
        self.refund_button.setEnabled(False)
        self.refund_button.clicked.connect(self.refund)
        refund_row = QHBoxLayout()
        refund_row.addWidget(QLabel(self.tr("Amount:")))
        refund_row.addWidget(self.refund_amount)
        refund_row.addWidget(QLabel(self.tr("Reason:")))
        refund_row.addWidget(self.refund_reason, 1)
        refund_row.addWidget(self.refund_button)
        self.refund_group = QGroupBox(self.tr("Refund the chosen payment (manager)"))
        self.refund_group.setObjectName("refundGroup")
        self.refund_group.setLayout(refund_row)
        self.refund_group.hide()

        list_buttons = QHBoxLayout()
        list_buttons.addStretch(1)
        list_buttons.addWidget(self.receipt_button)
        self.messages = MessageBar()
        close = QPushButton(self.tr("Close"))
        close.setObjectName("paymentClose")
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addWidget(self.visit_label)
        layout.addLayout(summary)
        layout.addWidget(self.take_group)
        layout.addWidget(QLabel(self.tr("Payments and refunds of the visit:")))
        layout.addWidget(self.table, 1)
        layout.addLayout(list_buttons)
        layout.addWidget(self.refund_group)
        layout.addWidget(self.messages)
        layout.addLayout(bottom)
        self.setMinimumSize(680, 640)
        self._set_enabled()

    @staticmethod
    def _value(name: str) -> QLabel:
        label = QLabel(DASH)
        label.setObjectName(name)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    @property
    def busy(self) -> bool:
        """True while the sheet is read or a payment or refund is written."""
        return self._busy

    # --- reading ------------------------------------------------------------------------

    def load(self) -> None:
        """Read the visit's sheet (again) on the runner."""
        self._busy = True
        self._set_enabled()
        self._context.runner.submit(
            desk.visit_sheet,
            self._context.database.sessions,
            self._context.actor,
            self.appointment_id,
            on_success=self._show_sheet,
            on_failure=self._load_failed,
            owner=self,
        )

    def _load_failed(self, message: str) -> None:
        self._busy = False
        self._set_enabled()
        self.messages.show_message("error", message)
        self.loaded.emit()

    def _show_sheet(self, sheet: VisitSheet, *, prefill: bool = True) -> None:
        self._busy = False
        first = self.sheet is None
        self.sheet = sheet
        money = sheet.money
        when = f"{sheet.starts_at:%d.%m.%Y %H:%M}"
        self.visit_label.setText(
            self.tr("<b>{patient}</b>, visit on {when}, doctor {doctor}").format(
                patient=escape(sheet.patient_name), when=when, doctor=escape(sheet.doctor_name)
            )
        )
        self.service_value.setText(sheet.service_name or self.tr("no service (nothing to pay)"))
        self.price_value.setText(rubles(money.due) if money.due is not None else DASH)
        paid = rubles(money.paid)
        if money.refunded:
            paid += " " + self.tr("(returned {sum})").format(sum=rubles(money.refunded))
        self.paid_value.setText(paid)
        left = money.outstanding
        self.left_value.setText(rubles(left) if left is not None else DASH)
        self.status_value.setText(status_title(money.status))
        self.bonus_label.setText(
            self.tr("The patient has {points} bonus points; up to {payable} for this visit").format(
                points=sheet.bonus_balance, payable=sheet.bonus_payable
            )
        )
        if prefill or first:
            self.amount_edit.setText(amount_text(left) if left else "")
        self._fill_table(sheet.payments)
        self.refund_group.setVisible(sheet.may_refund)
        if sheet.cancelled:
            self.messages.show_message(
                "warning", self.tr("The visit is cancelled: it takes no payment.")
            )
        self._set_enabled()
        if first:
            self.amount_edit.setFocus(Qt.FocusReason.OtherFocusReason)
            self.amount_edit.selectAll()
        self.loaded.emit()

    def _fill_table(self, lines: tuple[PaymentLine, ...]) -> None:
        chosen = self.chosen_line()
        chosen_id = chosen.row.id if chosen else None
        self.table.setRowCount(len(lines))
        zone = self.sheet.starts_at.tzinfo if self.sheet else None
        for n, line in enumerate(lines):
            row = line.row
            if row.refund_of_id is not None:
                note = self.tr("refund of № {of}: {reason}").format(
                    of=row.refund_of_id, reason=row.reason or ""
                )
            else:
                note = self.tr("left to return {sum}").format(sum=rubles(line.returnable))
            texts = [
                str(row.id),
                f"{row.paid_at.astimezone(zone):%d.%m.%Y %H:%M}",
                rubles(row.amount),
                method_title(row.method),
                line.cashier or DASH,
                note,
            ]
            for column, text in enumerate(texts):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, line)
                if column == 2:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(n, column, item)
        self._refilling = True  # the same payment chosen again: keep the typed amount
        try:
            for n, line in enumerate(lines):
                if line.row.id == chosen_id:
                    self.table.selectRow(n)
        finally:
            self._refilling = False
        self._set_enabled()

    # --- choosing -------------------------------------------------------------------

    def chosen_line(self) -> PaymentLine | None:
        """The payment chosen in the list."""
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        item = self.table.item(rows[0].row(), 0)
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def choose_payment(self, payment_id: int) -> None:
        """Choose ``payment_id`` in the list (as a click would)."""
        for n in range(self.table.rowCount()):
            item = self.table.item(n, 0)
            if item is not None and item.data(Qt.ItemDataRole.UserRole).row.id == payment_id:
                self.table.selectRow(n)
                return

    def _payment_chosen(self) -> None:
        line = self.chosen_line()
        if line is not None and line.row.refund_of_id is None and not self._refilling:
            self.refund_amount.setText(amount_text(line.returnable) if line.returnable else "")
        self._set_enabled()

    def _set_enabled(self) -> None:
        sheet, line = self.sheet, self.chosen_line()
        open_visit = sheet is not None and not sheet.cancelled
        self.take_button.setEnabled(open_visit and not self._busy)
        self.receipt_button.setEnabled(line is not None)
        refundable = line is not None and line.row.refund_of_id is None and line.returnable > 0
        self.refund_button.setEnabled(refundable and not self._busy)

    # --- writing --------------------------------------------------------------------

    def take(self) -> None:
        """Take the amount typed by the method chosen (on the runner)."""
        if self._busy or self.sheet is None:
            return
        self._busy = True
        self._set_enabled()
        self._clear_marks()
        self._context.runner.submit(
            taking.take_payment,
            self._context.database.sessions,
            self._context.actor,
            appointment_id=self.appointment_id,
            amount=self.amount_edit.text(),
            method=str(self.method_box.currentData()),
            on_success=self._taken,
            on_error=self._refused,
            owner=self,
        )

    def _taken(self, row: PaymentRow) -> None:
        self.last_payment = row
        self.messages.show_message(
            "done",
            self.tr("Taken {amount} ({method}), payment № {id}.").format(
                amount=rubles(row.amount), method=method_title(row.method), id=row.id
            ),
            [(self.tr("Print or save the receipt…"), lambda: self.print_receipt(row.id))],
        )
        self.changed.emit(self.appointment_id)
        self.load()

    def refund(self) -> None:
        """Refund the typed amount of the chosen payment, with the reason (manager)."""
        line = self.chosen_line()
        if self._busy or line is None:
            return
        self._busy = True
        self._set_enabled()
        self._clear_marks()
        self._context.runner.submit(
            taking.refund,
            self._context.database.sessions,
            self._context.actor,
            payment_id=line.row.id,
            amount=self.refund_amount.text(),
            reason=self.refund_reason.text(),
            on_success=self._refunded,
            on_error=lambda error, message: self._refused(error, message, refund=True),
            owner=self,
        )

    def _refunded(self, row: PaymentRow) -> None:
        self.last_payment = row
        self.refund_reason.clear()
        self.refund_amount.clear()
        self.messages.show_message(
            "done",
            self.tr("Returned {amount} of payment № {of} (refund № {id}).").format(
                amount=rubles(-row.amount), of=row.refund_of_id, id=row.id
            ),
            [(self.tr("Print or save the refund receipt…"), lambda: self.print_receipt(row.id))],
        )
        self.changed.emit(self.appointment_id)
        self.load()

    def _refused(self, error: BaseException, message: str, *, refund: bool = False) -> None:
        self._busy = False
        self._set_enabled()
        self.messages.show_message("error", message)
        field = error.field if isinstance(error, DomainError) else None
        widget = self._field_widget(field, refund)
        if widget is not None:
            widget.setStyleSheet(f"border: 1px solid {PROBLEM_COLOUR};")
            widget.setFocus(Qt.FocusReason.OtherFocusReason)
        if refund or field in ("amount", "payment_id"):
            # Someone else may have paid or returned meanwhile: show the sums as they
            # are, without touching what was typed.
            self._context.runner.submit(
                desk.visit_sheet, self._context.database.sessions, self._context.actor,
                self.appointment_id,
                on_success=lambda sheet: self._show_sheet(sheet, prefill=False), owner=self,
            )  # fmt: skip

    def _field_widget(self, field: str | None, refund: bool) -> QWidget | None:
        if refund:
            return {"amount": self.refund_amount, "reason": self.refund_reason}.get(
                field or "", self.refund_amount if field == "payment_id" else None
            )
        return {"amount": self.amount_edit, "method": self.method_box}.get(field or "")

    def _clear_marks(self) -> None:
        for widget in (self.amount_edit, self.method_box, self.refund_amount, self.refund_reason):
            widget.setStyleSheet("")

    # --- receipts -------------------------------------------------------------------

    def print_selected(self) -> None:
        """The receipt of the payment chosen in the list."""
        line = self.chosen_line()
        if line is not None:
            self.print_receipt(line.row.id)

    def print_receipt(self, payment_id: int) -> None:
        """Open the print dialog with ``payment_id``'s receipt (print, preview, save);
        it is kept in :attr:`print_dialog`."""
        self.print_dialog = open_receipt(self._context, payment_id, self)


def open_payment_dialog(
    context: AppContext, appointment_id: int, parent: QWidget | None
) -> PaymentDialog:
    """Open «Оплата» for ``appointment_id`` (``open()``, never ``exec()``) and read it."""
    dialog = PaymentDialog(context, appointment_id, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    dialog.load()
    return dialog
