"""The dialogs that change an account: a new user, another role, a new password.

Each runs its controller on the runner when the administrator presses «Save». A
refusal appears in red under the field it names (all of them when the controller lists
several), the typed text stays, and the dialog stays open; on success it emits
``saved`` and closes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from crm.controllers.access import users
from crm.controllers.access.users import DoctorOption, NewUser, UserRow
from crm.controllers.errors import FieldProblem
from crm.controllers.vocabulary import role_title
from crm.models.enums import Role
from crm.views import AppContext

ERROR_STYLE = "color: #c62828;"


class UserDialog(QDialog):
    """What the three dialogs share: fields with an error line each, Save and Cancel.

    Args:
        context: the administrator's context.
        parent: the Qt parent.

    Signals:
        saved(): the change went through.
    """

    saved = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._busy = False
        self.fields: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        self.form = QFormLayout()
        self.general_error = self._error_label("generalError")
        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton(
            self.tr("Save"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.save_button.setDefault(True)
        self.buttons.addButton(self.tr("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.submit)  # the outcome decides whether to close
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(480)

    def _error_label(self, name: str) -> QLabel:
        label = QLabel()
        label.setObjectName(name)
        label.setStyleSheet(ERROR_STYLE)
        label.setWordWrap(True)
        label.hide()
        return label

    def add_field(self, name: str, label: str, widget: QWidget) -> None:
        """Add ``widget`` as field ``name`` (the controller's name for it) with its error line."""
        widget.setObjectName(name)
        self.fields[name] = widget
        self.form.addRow(label, widget)
        error = self._error_label(f"{name}Error")
        self.errors[name] = error
        self.form.addRow("", error)

    def line(self, name: str, label: str, *, password: bool = False) -> QLineEdit:
        """A text field."""
        edit = QLineEdit()
        if password:
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.add_field(name, label, edit)
        return edit

    def role_box(self, current: Role | None = None) -> QComboBox:
        """The role field: the four roles by their titles."""
        box = QComboBox()
        for role in Role:
            box.addItem(role_title(role), role)
        if current is not None:
            box.setCurrentIndex(box.findData(current))
        self.add_field("role", self.tr("&Role:"), box)
        return box

    def doctor_box(self, doctors: Sequence[DoctorOption], current: int | None) -> QComboBox:
        """The doctor field (for a doctor's account)."""
        box = QComboBox()
        box.addItem(self.tr("— not a doctor —"), None)
        for doctor in doctors:
            box.addItem(doctor.name, doctor.id)
        if current is not None and box.findData(current) >= 0:
            box.setCurrentIndex(box.findData(current))
        self.add_field("doctor_id", self.tr("&Doctor:"), box)
        return box

    @property
    def busy(self) -> bool:
        """True while the change is on the runner."""
        return self._busy

    def show_problems(self, problems: Sequence[FieldProblem]) -> None:
        """Show each problem under its field (unknown fields under all of them)."""
        for shown in (*self.errors.values(), self.general_error):
            shown.clear()
            shown.hide()
        general: list[str] = []
        focused = False
        for problem in problems:
            under = self.errors.get(problem.field)
            if under is None:
                general.append(problem.message)
                continue
            under.setText(problem.message)
            under.show()
            if not focused:
                self.fields[problem.field].setFocus()
                focused = True
        if general:
            self.general_error.setText("\n".join(general))
            self.general_error.show()

    def problem_text(self, field: str) -> str:
        """The refusal shown under ``field`` (``""``: none)."""
        label = self.errors.get(field, self.general_error)
        return "" if label.isHidden() else label.text()

    def has_unsaved_changes(self) -> bool:
        """Whether something was typed that would be lost."""
        return any(isinstance(w, QLineEdit) and w.text() for w in self.fields.values())

    def run(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        """Run the change on the runner (ignored while one runs)."""
        if self._busy:
            return
        self._busy = True
        self.save_button.setEnabled(False)
        self._context.runner.submit(
            fn,
            self._context.database.sessions,
            *args,
            actor=self._context.actor,
            on_success=self._on_saved,
            on_error=self._on_error,
            owner=self,
            **kwargs,
        )

    def submit(self) -> None:
        """Save (each dialog says what)."""
        raise NotImplementedError

    def _on_saved(self, _result: object) -> None:
        self._busy = False
        self.save_button.setEnabled(True)
        self.saved.emit()
        self.accept()

    def _on_error(self, error: BaseException, message: str) -> None:
        self._busy = False
        self.save_button.setEnabled(True)
        problems = getattr(error, "problems", None)
        if problems:
            self.show_problems(problems)
        else:
            self.show_problems([FieldProblem(getattr(error, "field", None) or "", message)])


class NewUserDialog(UserDialog):
    """A new account: login, full name, role, doctor, the password twice.

    Args:
        context: the administrator's context.
        doctors: the doctors a doctor's account may be.
        parent: the Qt parent.
    """

    def __init__(
        self,
        context: AppContext,
        doctors: Sequence[DoctorOption],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(context, parent)
        self.setObjectName("NewUserDialog")
        self.setWindowTitle(self.tr("New user"))
        self.login_edit = self.line("login", self.tr("&Login:"))
        self.login_edit.setMaxLength(60)
        self.name_edit = self.line("full_name", self.tr("&Full name:"))
        self.role_combo = self.role_box(Role.REGISTRAR)
        self.doctor_combo = self.doctor_box(doctors, None)
        self.password_edit = self.line("password", self.tr("&Password:"), password=True)
        self.again_edit = self.line("password_again", self.tr("R&epeat:"), password=True)
        self.login_edit.setFocus()

    def new_user(self) -> NewUser:
        """The account as typed."""
        return NewUser(
            login=self.login_edit.text(),
            full_name=self.name_edit.text(),
            role=self.role_combo.currentData(),
            password=self.password_edit.text(),
            password_again=self.again_edit.text(),
            doctor_id=self.doctor_combo.currentData(),
        )

    def submit(self) -> None:
        self.run(users.add_user, self.new_user())


class RoleDialog(UserDialog):
    """Another role (and, for a doctor, the doctor) for an account.

    Args:
        context: the administrator's context.
        user: the account.
        doctors: the doctors a doctor's account may be.
        parent: the Qt parent.
    """

    def __init__(
        self,
        context: AppContext,
        user: UserRow,
        doctors: Sequence[DoctorOption],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(context, parent)
        self.setObjectName("RoleDialog")
        self.user = user
        self.setWindowTitle(self.tr("Role of {login}").format(login=user.login))
        who = QLabel(f"{user.login} — {user.full_name}")
        who.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.form.addRow(self.tr("User:"), who)
        self.role_combo = self.role_box(user.role)
        self.doctor_combo = self.doctor_box(doctors, user.doctor_id)
        self.role_combo.setFocus()

    def has_unsaved_changes(self) -> bool:
        return (
            self.role_combo.currentData() != self.user.role
            or self.doctor_combo.currentData() != self.user.doctor_id
        )

    def submit(self) -> None:
        self.run(
            users.change_role,
            self.user.login,
            self.role_combo.currentData(),
            doctor_id=self.doctor_combo.currentData(),
        )


class PasswordDialog(UserDialog):
    """A new password for an account (it also lifts a lockout).

    Args:
        context: the administrator's context.
        user: the account.
        parent: the Qt parent.
    """

    def __init__(self, context: AppContext, user: UserRow, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.setObjectName("PasswordDialog")
        self.user = user
        self.setWindowTitle(self.tr("New password for {login}").format(login=user.login))
        self.password_edit = self.line("password", self.tr("&Password:"), password=True)
        self.again_edit = self.line("password_again", self.tr("R&epeat:"), password=True)
        self.password_edit.setFocus()

    def submit(self) -> None:
        self.run(
            users.reset_password,
            self.user.login,
            self.password_edit.text(),
            self.again_edit.text(),
        )
