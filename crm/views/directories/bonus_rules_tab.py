"""The «Bonus points» tab: the rules a manager sets for the clinic's points.

Points accrued per paid visit (% of the money taken), the largest share of a visit's
price payable in points (%), and the days points live
(:func:`crm.controllers.payments.bonus.set_rules`, journaled). Others see them
read-only. A bad field gets its message under it and nothing typed is lost.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from crm.controllers.access.permissions import Permission, allowed
from crm.controllers.errors import DomainError
from crm.controllers.payments import bonus
from crm.controllers.payments.bonus import BonusRules
from crm.views import AppContext
from crm.views.controls import save_row
from crm.views.patients.fields import PROBLEM_COLOUR
from crm.views.patients.message_bar import MessageBar

FIELDS = ("accrual_percent", "max_share_percent", "expiry_days")


class BonusRulesTab(QWidget):
    """The bonus rules with «Save» for managers.

    Args:
        context: the logged-in user's context.
        parent: the Qt parent.

    Signals:
        loaded(): the rules were read.
        saved(object): they were saved (:class:`~crm.controllers.payments.bonus.BonusRules`).
        refused(str): saving was refused; the message is shown.
    """

    loaded = Signal()
    saved = Signal(object)
    refused = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bonusRulesTab")
        self.title = self.tr("Bonus points")
        self._context = context
        self.may_edit = allowed(context.actor, Permission.MANAGE_BONUS)
        self.stored: BonusRules | None = None
        titles = {
            "accrual_percent": self.tr("Points accrued, % of a paid visit"),
            "max_share_percent": self.tr("Largest share payable in points, %"),
            "expiry_days": self.tr("Points expire after, days"),
        }
        self.editors: dict[str, QLineEdit] = {}
        self.problems: dict[str, QLabel] = {}
        form = QFormLayout()
        for name in FIELDS:
            editor = QLineEdit()
            editor.setObjectName(f"bonusRule_{name}")
            editor.setReadOnly(not self.may_edit)
            editor.setMaximumWidth(160)
            editor.returnPressed.connect(self.save)
            problem = QLabel()
            problem.setObjectName(f"bonusRuleProblem_{name}")
            problem.setStyleSheet(f"color: {PROBLEM_COLOUR};")
            # The space is kept when empty, so a message never moves the fields.
            problem.setMinimumHeight(problem.fontMetrics().height())
            column = QVBoxLayout()
            column.setSpacing(0)
            column.addWidget(editor)
            column.addWidget(problem)
            form.addRow(titles[name], column)
            self.editors[name], self.problems[name] = editor, problem
        note = QLabel(
            self.tr(
                "One point is one rouble. Points are accrued on the money taken for a paid "
                "visit and written off when they expire (by the clinic's service)."
            )
            if self.may_edit
            else self.tr("Only a manager changes the bonus rules.")
        )
        note.setWordWrap(True)
        self.messages = MessageBar()
        self.save_button, buttons = save_row(
            self, "bonusRulesSave", self.save, visible=self.may_edit
        )
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.messages)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addStretch(1)

    def activate(self) -> None:
        """The tab came to the front: read the rules."""
        self._context.runner.submit(
            bonus.current_rules, self._context.database.sessions,
            on_success=self._show, on_failure=lambda m: self.messages.show_message("error", m),
            owner=self,
        )  # fmt: skip

    def typed(self) -> dict[str, str]:
        """The fields as typed."""
        return {name: editor.text().strip() for name, editor in self.editors.items()}

    @staticmethod
    def _texts(rules: BonusRules) -> dict[str, str]:
        return {
            "accrual_percent": f"{rules.accrual_percent:f}".replace(".", ","),
            "max_share_percent": f"{rules.max_share_percent:f}".replace(".", ","),
            "expiry_days": str(rules.expiry_days),
        }

    def has_unsaved_changes(self) -> bool:
        """Whether the fields differ from what is stored."""
        return self.stored is not None and self.typed() != self._texts(self.stored)

    def _show(self, rules: BonusRules) -> None:
        if not self.has_unsaved_changes():
            self.stored = rules
            for name, text in self._texts(rules).items():
                self.editors[name].setText(text)
        self.loaded.emit()

    def save(self) -> None:
        """Store the rules as typed."""
        if not self.may_edit:
            return
        for problem in self.problems.values():
            problem.clear()
        self.save_button.setEnabled(False)
        typed = self.typed()
        self._context.runner.submit(
            bonus.set_rules, self._context.database.sessions, self._context.actor,
            accrual_percent=typed["accrual_percent"].replace(",", "."),
            max_share_percent=typed["max_share_percent"].replace(",", "."),
            expiry_days=typed["expiry_days"],
            on_success=self._saved, on_error=self._refused, owner=self,
        )  # fmt: skip

    def _saved(self, rules: BonusRules) -> None:
        self.save_button.setEnabled(True)
        self.stored = rules
        for name, text in self._texts(rules).items():
            self.editors[name].setText(text)
        self.messages.show_message("done", self.tr("The bonus rules are saved"))
        self.saved.emit(rules)

    def _refused(self, error: BaseException, message: str) -> None:
        self.save_button.setEnabled(True)
        self.messages.show_message("error", message)
        field = error.field if isinstance(error, DomainError) else None
        if field in self.problems:
            self.problems[field].setText(message)
            self.editors[field].setFocus(Qt.FocusReason.OtherFocusReason)
        self.refused.emit(message)
