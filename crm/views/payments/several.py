"""Paying several of a patient's unpaid visits in one go (one transaction: all or none)."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crm.controllers.payments import taking
from crm.controllers.payments.money import rubles
from crm.controllers.payments.taking import PaymentRow, UnpaidVisit, method_title
from crm.models.enums import PaymentMethod
from crm.views import AppContext
from crm.views.patients.message_bar import MessageBar


class SeveralVisitsDialog(QDialog):
    """The patient's visits with money left to pay, ticked; pays what is left of each.

    Args:
        context: the logged-in user's context.
        patient_id: the patient.
        parent: the Qt parent.

    Signals:
        paid(): the visits ticked were paid.
        loaded(): the list was read.
    """

    paid = Signal()
    loaded = Signal()

    def __init__(self, context: AppContext, patient_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.patient_id = patient_id
        self._busy = False
        self.taken: tuple[PaymentRow, ...] = ()
        self.setObjectName("severalVisitsDialog")
        self.setWindowTitle(self.tr("Pay several visits"))
        self.visits = QListWidget()
        self.visits.setObjectName("unpaidVisits")
        self.visits.itemChanged.connect(lambda _item: self._update_total())
        self.method_box = QComboBox()
        self.method_box.setObjectName("severalMethod")
        for method in PaymentMethod:
            if method is not PaymentMethod.BONUS:  # points: one visit at a time
                self.method_box.addItem(method_title(method), method.value)
        self.total_label = QLabel()
        self.total_label.setObjectName("severalTotal")
        self.pay_button = QPushButton(self.tr("Pay"))
        self.pay_button.setObjectName("severalPay")
        self.pay_button.setDefault(True)
        self.pay_button.clicked.connect(self.pay)
        close = QPushButton(self.tr("Close"))
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)
        self.messages = MessageBar()
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Method:")))
        row.addWidget(self.method_box)
        row.addStretch(1)
        row.addWidget(self.total_label)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.pay_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Visits with money left to pay (tick those to pay):")))
        layout.addWidget(self.visits, 1)
        layout.addLayout(row)
        layout.addWidget(self.messages)
        layout.addLayout(buttons)
        self.setMinimumSize(520, 380)
        self._update_total()

    def load(self) -> None:
        """Read the unpaid visits on the runner."""
        self._context.runner.submit(
            taking.unpaid_visits, self._context.database.sessions, self._context.actor,
            self.patient_id, on_success=self._show, on_failure=self._failed, owner=self,
        )  # fmt: skip

    def _show(self, visits: tuple[UnpaidVisit, ...]) -> None:
        self.visits.blockSignals(True)
        self.visits.clear()
        for visit in visits:
            text = f"{visit.starts_at:%d.%m.%Y %H:%M} · {visit.service_name or '—'} · " + self.tr(
                "left {sum}"
            ).format(sum=rubles(visit.outstanding))
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, visit)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.visits.addItem(item)
        self.visits.blockSignals(False)
        if not visits:
            self.messages.show_message("info", self.tr("The patient has no unpaid visits."))
        self._update_total()
        self.loaded.emit()

    def _failed(self, message: str) -> None:
        self._busy = False
        self.messages.show_message("error", message)
        self._update_total()
        self.loaded.emit()

    def chosen(self) -> list[UnpaidVisit]:
        """The visits ticked."""
        items = (self.visits.item(n) for n in range(self.visits.count()))
        return [
            item.data(Qt.ItemDataRole.UserRole)
            for item in items
            if item.checkState() == Qt.CheckState.Checked
        ]

    def _update_total(self) -> None:
        chosen = self.chosen()
        total = sum((v.outstanding for v in chosen), Decimal("0.00"))
        self.total_label.setText(self.tr("Total: {sum}").format(sum=rubles(total)))
        self.pay_button.setEnabled(bool(chosen) and not self._busy)

    def pay(self) -> None:
        """Pay what is left of every visit ticked (all or none)."""
        chosen = self.chosen()
        if self._busy or not chosen:
            return
        self._busy = True
        self._update_total()
        self._context.runner.submit(
            taking.pay_visits, self._context.database.sessions, self._context.actor,
            appointment_ids=[v.appointment_id for v in chosen],
            method=str(self.method_box.currentData()),
            on_success=self._paid, on_failure=self._failed, owner=self,
        )  # fmt: skip

    def _paid(self, rows: tuple[PaymentRow, ...]) -> None:
        self._busy = False
        self.taken = rows
        total = sum((r.amount for r in rows), Decimal("0.00"))
        self.messages.show_message(
            "done",
            self.tr("Paid {count} visit(s), {sum}: payments № {ids}.").format(
                count=len(rows), sum=rubles(total), ids=", ".join(str(r.id) for r in rows)
            ),
        )
        self.paid.emit()
        self.load()


def open_several_dialog(
    context: AppContext, patient_id: int, parent: QWidget | None
) -> SeveralVisitsDialog:
    """Open the dialog for ``patient_id`` (``open()``) and read the visits."""
    dialog = SeveralVisitsDialog(context, patient_id, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    dialog.load()
    return dialog
