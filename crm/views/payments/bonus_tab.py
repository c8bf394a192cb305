"""The card's «Бонусы» tab: the patient's points, the ledger, and a manager's correction.

Read with :func:`crm.controllers.payments.bonus.account` (balance and ledger in one
snapshot) on the runner; a manager corrects the points with a reason
(:func:`crm.controllers.payments.bonus.correct`) — the database keeps the balance
from going below zero. A refusal names the field and keeps what was typed.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
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

from crm.controllers.access.permissions import Permission, allowed
from crm.controllers.errors import DomainError
from crm.controllers.payments import bonus
from crm.controllers.payments.bonus import BonusAccount
from crm.views import AppContext
from crm.views.patients.message_bar import MessageBar


class BonusTab(QWidget):
    """A patient's bonus points.

    Args:
        context: the logged-in user's context (anyone who takes payments reads it; a
            manager corrects).
        parent: the Qt parent.

    Signals:
        loaded(): the balance and the ledger were read.
        corrected(int): a correction was saved; the new balance.
    """

    loaded = Signal()
    corrected = Signal(int)

    COLUMNS = 5

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bonusTab")
        self._context = context
        self._patient_id: int | None = None
        self._busy = False
        self._zone = ZoneInfo(context.actor.clinic_timezone)
        self.may_correct = allowed(context.actor, Permission.MANAGE_BONUS)
        self.balance_label = QLabel()
        self.balance_label.setObjectName("bonusBalance")
        self.messages = MessageBar()
        self.table = QTableWidget(0, self.COLUMNS)
        self.table.setObjectName("bonusLedger")
        self.table.setHorizontalHeaderLabels(
            [self.tr("When"), self.tr("What"), self.tr("Points"), self.tr("Expires"),
             self.tr("Reason")]
        )  # fmt: skip
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.points = QLineEdit()
        self.points.setObjectName("bonusCorrectionPoints")
        self.points.setPlaceholderText(self.tr("+100 or -50"))
        self.points.setMaximumWidth(120)
        self.reason = QLineEdit()
        self.reason.setObjectName("bonusCorrectionReason")
        self.reason.setPlaceholderText(self.tr("Reason for the correction"))
        self.reason.returnPressed.connect(self.correct)
        self.points.returnPressed.connect(self.correct)
        self.correct_button = QPushButton(self.tr("Correct the points"))
        self.correct_button.setObjectName("bonusCorrect")
        self.correct_button.clicked.connect(self.correct)
        correction = QHBoxLayout()
        correction.addWidget(QLabel(self.tr("Correction:")))
        correction.addWidget(self.points)
        correction.addWidget(self.reason, 1)
        correction.addWidget(self.correct_button)
        self.correction_box = QWidget()
        self.correction_box.setLayout(correction)
        self.correction_box.setVisible(self.may_correct)
        layout = QVBoxLayout(self)
        layout.addWidget(self.balance_label)
        layout.addWidget(self.messages)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.correction_box)

    @property
    def busy(self) -> bool:
        """True while a correction is on the runner."""
        return self._busy

    def show_patient(self, patient_id: int) -> None:
        """Show ``patient_id``'s points (and read them)."""
        if patient_id != self._patient_id:
            self.points.clear()
            self.reason.clear()
            self.messages.clear()
        self._patient_id = patient_id
        self.refresh()

    def refresh(self) -> None:
        """Read the balance and the ledger again."""
        if self._patient_id is None:
            return
        self._context.runner.submit(
            bonus.account, self._context.database.sessions, self._context.actor,
            self._patient_id, on_success=self._show, on_failure=self._failed, owner=self,
        )  # fmt: skip

    def _show(self, account: BonusAccount) -> None:
        if account.patient_id != self._patient_id:
            return
        self.balance_label.setText(
            self.tr("Balance: <b>{points}</b> points").format(points=account.balance)
        )
        self.table.setRowCount(len(account.rows))
        for row, line in enumerate(reversed(account.rows)):  # the newest first
            cells = (
                f"{line.created_at.astimezone(self._zone):%d.%m.%Y %H:%M}",
                bonus.kind_title(line.kind),
                f"{line.delta:+d}",
                f"{line.expires_on:%d.%m.%Y}" if line.expires_on else "",
                line.reason,
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 2:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(row, column, item)
        self.loaded.emit()

    def _failed(self, message: str) -> None:
        self.messages.show_message("error", message)
        self.loaded.emit()

    def correct(self) -> None:
        """Save the correction typed below the ledger."""
        if self._busy or self._patient_id is None or not self.may_correct:
            return
        self._busy = True
        self.correct_button.setEnabled(False)
        self.messages.clear()
        self._context.runner.submit(
            bonus.correct, self._context.database.sessions, self._context.actor,
            patient_id=self._patient_id, points=self.points.text(), reason=self.reason.text(),
            on_success=self._corrected, on_error=self._refused, owner=self,
        )  # fmt: skip

    def _corrected(self, balance: int) -> None:
        self._busy = False
        self.correct_button.setEnabled(True)
        self.points.clear()
        self.reason.clear()
        self.messages.show_message(
            "done", self.tr("Points corrected: the balance is {points}").format(points=balance)
        )
        self.corrected.emit(balance)
        self.refresh()

    def _refused(self, error: BaseException, message: str) -> None:
        self._busy = False
        self.correct_button.setEnabled(True)
        self.messages.show_message("error", message)
        field = error.field if isinstance(error, DomainError) else None
        target = self.reason if field == "reason" else self.points
        target.setFocus(Qt.FocusReason.OtherFocusReason)
