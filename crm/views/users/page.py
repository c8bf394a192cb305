"""The Users section: the administrator's table of accounts and what may be done to them."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crm.controllers.access import users
from crm.controllers.access.permissions import Permission, allowed
from crm.controllers.access.users import DoctorOption, UserRow
from crm.views import AppContext
from crm.views.itemmodels.views import row_table, select_row
from crm.views.users.dialogs import NewUserDialog, PasswordDialog, RoleDialog, UserDialog
from crm.views.users.model import UsersModel

ERROR_STYLE = "color: #c62828;"
NOTE_STYLE = "color: #2e7d32;"


class UsersPage(QWidget):
    """Every account in a table; new user, role, password, unlock, deactivate.

    Shortcuts (while the page has the keyboard): Ctrl+N a new user, Ctrl+R the role,
    Ctrl+P a new password, Ctrl+U unlock, Ctrl+D deactivate or reactivate; F5 (the
    main window's) refreshes. A refusal (the last administrator, one's own account)
    shows in red above the table; the dialogs show theirs under the field.

    Args:
        context: the administrator's context.
        parent: the Qt parent.

    Signals:
        loaded(int): the list was read; carries the number of accounts.
        dialog_opened(object): a :class:`UserDialog` was opened.
        changed(): an account was changed from this page (the list reloads).
    """

    loaded = Signal(int)
    dialog_opened = Signal(object)
    changed = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.title = self.tr("Users")
        self.permitted = allowed(context.actor, Permission.MANAGE_USERS)
        self._loading = False
        self._keep_login: str | None = None
        self.doctors: tuple[DoctorOption, ...] = ()
        self.dialog: UserDialog | None = None

        heading = QLabel(self.tr("Users"))
        heading.setObjectName("pageTitle")
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        heading.setFont(font)

        self.model = UsersModel(self)
        self.table = row_table(self.model, "usersTable")
        self.table.setAlternatingRowColors(True)
        self.table.doubleClicked.connect(lambda _index: self.change_role())
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())
        self.model.modelReset.connect(self._fit_columns)

        self.message = QLabel()
        self.message.setObjectName("usersMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.hide()

        self.add_button = self._button(self.tr("New user (Ctrl+N)"), "Ctrl+N", self.add_user)
        self.role_button = self._button(self.tr("Role… (Ctrl+R)"), "Ctrl+R", self.change_role)
        self.password_button = self._button(
            self.tr("New password… (Ctrl+P)"), "Ctrl+P", self.reset_password
        )
        self.unlock_button = self._button(self.tr("Unlock (Ctrl+U)"), "Ctrl+U", self.unlock)
        self.active_button = self._button(
            self.tr("Deactivate (Ctrl+D)"), "Ctrl+D", self.toggle_active
        )
        bar = QHBoxLayout()
        for button in (
            self.add_button,
            self.role_button,
            self.password_button,
            self.unlock_button,
            self.active_button,
        ):
            bar.addWidget(button)
        bar.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.addWidget(heading)
        if not self.permitted:
            denied = QLabel(self.tr("Users are managed by an administrator."))
            denied.setObjectName("usersDenied")
            layout.addWidget(denied)
            layout.addStretch(1)
            for button in self._buttons():
                button.hide()
            self.table.hide()
            return
        layout.addLayout(bar)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        self._update_buttons()

    def _button(self, text: str, keys: str, slot: object) -> QPushButton:
        button = QPushButton(text)
        button.clicked.connect(slot)
        shortcut = QShortcut(QKeySequence(keys), self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(slot)
        return button

    def _buttons(self) -> tuple[QPushButton, ...]:
        return (
            self.add_button,
            self.role_button,
            self.password_button,
            self.unlock_button,
            self.active_button,
        )

    # --- loading ------------------------------------------------------------------

    @property
    def loading(self) -> bool:
        """True while the list is being read."""
        return self._loading

    def activate(self) -> None:
        """The page came to the front: read the list, the table takes the keyboard."""
        if not self.permitted:
            return
        self.table.setFocus()
        self.refresh()

    def refresh(self) -> None:
        """Read the accounts (and the doctors for the dialogs) again."""
        if not self.permitted or self._loading:
            return
        self._loading = True
        selected = self.selected_user()
        if selected is not None and self._keep_login is None:
            self._keep_login = selected.login
        runner, sessions, actor = (
            self._context.runner,
            self._context.database.sessions,
            self._context.actor,
        )
        runner.submit(
            users.doctor_options,
            sessions,
            actor=actor,
            on_success=self._set_doctors,
            on_failure=self._say_refused,
            owner=self,
        )
        runner.submit(
            users.list_users,
            sessions,
            actor=actor,
            on_success=self._on_loaded,
            on_failure=self._on_failed,
            owner=self,
        )

    def _set_doctors(self, doctors: tuple[DoctorOption, ...]) -> None:
        self.doctors = doctors

    def _on_loaded(self, rows: Sequence[UserRow]) -> None:
        self._loading = False
        self.model.set_rows(rows)
        keep = self._keep_login
        self._keep_login = None
        row = self.model.row_of(keep) if keep else None
        if row is None and self.model.rowCount():
            row = 0
        if row is not None:
            select_row(self.table, row)
        self._update_buttons()
        self.loaded.emit(len(rows))

    def _on_failed(self, message: str) -> None:
        self._loading = False
        self._say_refused(message)

    def _fit_columns(self) -> None:
        header = self.table.horizontalHeader()
        for column in range(self.model.columnCount() - 1):
            self.table.resizeColumnToContents(column)
        header.setSectionResizeMode(self.model.columnCount() - 1, QHeaderView.ResizeMode.Stretch)

    # --- the selection ------------------------------------------------------------

    def selected_user(self) -> UserRow | None:
        """The account of the current row, if any."""
        index = self.table.currentIndex()
        if not index.isValid() or index.row() >= self.model.rowCount():
            return None
        return self.model.row_at(index.row())

    def select_login(self, login: str) -> bool:
        """Make ``login``'s row current; ``False`` if it is not in the table."""
        row = self.model.row_of(login)
        if row is None:
            return False
        select_row(self.table, row)
        return True

    def show_user(self, login: str) -> None:
        """Choose ``login``'s row now, or once the list under way has been read."""
        if self._loading or not self.select_login(login):
            self._keep_login = login
            self.refresh()
        self.table.setFocus()

    def _update_buttons(self) -> None:
        user = self.selected_user()
        for button in (self.role_button, self.password_button, self.active_button):
            button.setEnabled(user is not None)
        self.unlock_button.setEnabled(user is not None and user.locked)
        if user is not None and not user.active:
            self.active_button.setText(self.tr("Reactivate (Ctrl+D)"))
        else:
            self.active_button.setText(self.tr("Deactivate (Ctrl+D)"))

    def _chosen(self) -> UserRow | None:
        user = self.selected_user()
        if user is None:
            self._say_refused(self.tr("Choose a user in the table first."))
        return user

    # --- messages -----------------------------------------------------------------

    def _say_refused(self, message: str) -> None:
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setText(message)
        self.message.show()

    def _say_done(self, message: str) -> None:
        self.message.setStyleSheet(NOTE_STYLE)
        self.message.setText(message)
        self.message.show()

    # --- actions ------------------------------------------------------------------

    def _open(self, dialog: UserDialog, done: str) -> UserDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(lambda: self._after_change(done))
        dialog.finished.connect(lambda _result, d=dialog: self._dialog_closed(d))
        self.dialog = dialog
        dialog.open()
        self.dialog_opened.emit(dialog)
        return dialog

    def _dialog_closed(self, dialog: UserDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        self.table.setFocus()

    def add_user(self) -> UserDialog | None:
        """Open the new account dialog."""
        if not self.permitted or self.dialog is not None:
            return None
        dialog = NewUserDialog(self._context, self.doctors, self)
        dialog.saved.connect(lambda d=dialog: setattr(self, "_keep_login", d.login_edit.text()))
        return self._open(dialog, self.tr("The user was created."))

    def change_role(self) -> UserDialog | None:
        """Open the role dialog of the selected account."""
        user = self._chosen() if self.permitted and self.dialog is None else None
        if user is None:
            return None
        return self._open(
            RoleDialog(self._context, user, self.doctors, self),
            self.tr("The role of {login} was changed.").format(login=user.login),
        )

    def reset_password(self) -> UserDialog | None:
        """Open the new password dialog of the selected account."""
        user = self._chosen() if self.permitted and self.dialog is None else None
        if user is None:
            return None
        return self._open(
            PasswordDialog(self._context, user, self),
            self.tr("The password of {login} was changed.").format(login=user.login),
        )

    def unlock(self) -> None:
        """Lift the selected account's lockout."""
        user = self._chosen() if self.permitted else None
        if user is None:
            return
        self._run(
            users.unlock,
            user.login,
            done=self.tr("{login} was unlocked.").format(login=user.login),
        )

    def toggle_active(self) -> None:
        """Deactivate the selected account, or reactivate it if it is deactivated."""
        user = self._chosen() if self.permitted else None
        if user is None:
            return
        if user.active:
            done = self.tr("{login} was deactivated: no more logins.").format(login=user.login)
        else:
            done = self.tr("{login} was reactivated.").format(login=user.login)
        self._run(users.set_active, user.login, not user.active, done=done)

    def _run(self, fn: object, *args: object, done: str) -> None:
        self.message.hide()
        self._context.runner.submit(
            fn,  # type: ignore[arg-type]
            self._context.database.sessions,
            *args,
            actor=self._context.actor,
            on_success=lambda _result: self._after_change(done),
            on_failure=self._say_refused,
            owner=self,
        )

    def _after_change(self, done: str) -> None:
        self._say_done(done)
        self.changed.emit()
        self.refresh()

    # --- leaving ------------------------------------------------------------------

    def has_unsaved_changes(self) -> bool:
        """Whether an open dialog holds typed text that would be lost."""
        return self.dialog is not None and self.dialog.has_unsaved_changes()
