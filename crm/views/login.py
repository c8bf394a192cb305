"""The login dialog: the check runs on the database runner, refusals show inline."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session, sessionmaker

from crm.controllers.context import Actor
from crm.controllers.vocabulary import role_title
from crm.db import logins
from crm.models.enums import Role
from crm.views.runner import DbRunner

log = logging.getLogger(__name__)

ERROR_STYLE = "color: #c62828;"


class LoginDialog(QDialog):
    """Asks for login and password and checks them without blocking the window.

    Enter submits. While the check runs the fields are read-only and the button is
    disabled; a refusal (wrong password, locked or disabled account) appears in red
    under the fields, the login stays and only the password is cleared. In demo
    mode a table lists the demo users; a click fills the fields, a double click
    also logs in.

    Args:
        runner: where the check runs.
        sessions: the session factory of the open database.
        workstation: this workstation's name, for the journal.
        demo: show the demo users (the embedded database holds the demo clinic).
        server: where the database is, shown small under the title.
        parent: the Qt parent.

    Signals:
        logged_in(object): the :class:`~crm.controllers.context.Actor` who logged in;
            emitted just before the dialog is accepted.
    """

    logged_in = Signal(object)

    def __init__(
        self,
        runner: DbRunner,
        sessions: sessionmaker[Session],
        workstation: str,
        *,
        demo: bool = False,
        server: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._sessions = sessions
        self._workstation = workstation
        self._busy = False
        self.actor: Actor | None = None

        self.setWindowTitle(self.tr("Sign-in"))
        self.setObjectName("LoginDialog")

        title = QLabel(self.tr("Registratura"))
        title.setObjectName("loginTitle")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        title.setFont(font)
        subtitle = QLabel(self.tr("Clinic front desk. Log in to continue."))
        subtitle.setWordWrap(True)

        self.login_edit = QLineEdit()
        self.login_edit.setObjectName("login")
        self.login_edit.setMaxLength(60)
        self.login_edit.setPlaceholderText(self.tr("your login"))
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("password")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText(self.tr("password"))

        form = QFormLayout()
        form.addRow(self.tr("&Login:"), self.login_edit)
        form.addRow(self.tr("&Password:"), self.password_edit)

        self.error_label = QLabel()
        self.error_label.setObjectName("loginError")
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setWordWrap(True)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.hide()
        self.busy_label = QLabel(self.tr("Checking…"))
        self.busy_label.hide()

        self.buttons = QDialogButtonBox()
        self.submit_button = self.buttons.addButton(
            self.tr("Log in"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.submit_button.setDefault(True)
        self.quit_button = self.buttons.addButton(
            self.tr("Quit"), QDialogButtonBox.ButtonRole.RejectRole
        )
        # accepted() would close the dialog at once; the check decides instead.
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(subtitle)
        if server:
            where = QLabel(self.tr("Database: {server}").format(server=server))
            where.setObjectName("loginServer")
            where.setWordWrap(True)
            where.setStyleSheet("color: #6b6b6b;")
            layout.addWidget(where)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.busy_label)
        self.demo_table: QTableWidget | None = None
        if demo:
            box = self._demo_box()
            if box is not None:
                layout.addWidget(box)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)
        self.login_edit.setFocus()

    def _demo_box(self) -> QGroupBox | None:
        try:
            # Imported lazily: only the embedded (demo) database needs it.
            from crm.controllers import demo
        except ImportError:
            log.warning("demo mode, but crm.controllers.demo is not available")
            return None
        users: tuple[Any, ...] = tuple(demo.DEMO_USERS)
        self._demo_password = str(demo.DEMO_PASSWORD)
        box = QGroupBox(self.tr("Demo clinic"))
        note = QLabel(
            self.tr(
                "This is the built-in demo database. Every demo user's password is "
                "{password}. Click a user to fill in the fields; double-click to log in."
            ).format(password=self._demo_password)
        )
        note.setWordWrap(True)
        table = QTableWidget(len(users), 3)
        table.setObjectName("demoUsers")
        table.setHorizontalHeaderLabels([self.tr("Login"), self.tr("Role"), self.tr("Name")])
        table.verticalHeader().hide()
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes login → password → button
        for row, user in enumerate(users):
            cells = (user.login, role_title(Role(user.role)), user.full_name)
            for column, text in enumerate(cells):
                table.setItem(row, column, QTableWidgetItem(str(text)))
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        # Exactly as tall as its rows: the list is short and must not scroll or leave a gap.
        table.setFixedHeight(
            header.sizeHint().height()
            + sum(table.rowHeight(r) for r in range(len(users)))
            + 2 * table.frameWidth()
        )
        table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        table.cellClicked.connect(lambda row, _column: self._fill_demo(row))
        table.cellDoubleClicked.connect(lambda row, _column: self._fill_demo(row, submit=True))
        self.demo_table = table
        layout = QVBoxLayout(box)
        layout.addWidget(note)
        layout.addWidget(table)
        return box

    def showEvent(self, event: QShowEvent) -> None:  # Qt's name
        super().showEvent(event)
        self._fit_height()
        # The mark of a finished start: installer/smoke.sh waits for this line.
        log.info("login dialog shown")

    def _fit_height(self) -> None:
        # Wrapped labels ask for height at a narrow guessed width (a gap below them),
        # and a top-level window does not grow by itself when a wrapped label appears:
        # take exactly the height the layout needs at the real width.
        layout = self.layout()
        if layout is not None and layout.hasHeightForWidth() and self.isVisible():
            self.resize(self.width(), layout.totalHeightForWidth(self.width()))

    def _fill_demo(self, row: int, *, submit: bool = False) -> None:
        if self._busy or self.demo_table is None:
            return
        item = self.demo_table.item(row, 0)
        if item is None:
            return
        self.login_edit.setText(item.text())
        self.password_edit.setText(self._demo_password)
        self.show_error("")
        if submit:
            self.submit()

    @property
    def busy(self) -> bool:
        """True while the credentials are being checked."""
        return self._busy

    def show_error(self, message: str) -> None:
        """Show ``message`` in red under the fields (an empty message hides the label)."""
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))
        self._fit_height()

    def submit(self) -> None:
        """Check the typed credentials on the runner (ignored while a check runs)."""
        if self._busy:
            return
        login_name = self.login_edit.text().strip()
        password = self.password_edit.text()
        # Obvious omissions are caught here: no journal entry for an empty form.
        if not login_name:
            self.show_error(self.tr("Enter your login."))
            self.login_edit.setFocus()
            return
        if not password:
            self.show_error(self.tr("Enter your password."))
            self.password_edit.setFocus()
            return
        self._set_busy(True)
        self._runner.submit(
            logins.login,
            self._sessions,
            login_name,
            password,
            self._workstation,
            on_success=self._on_success,
            on_failure=self._on_failure,
            owner=self,
        )

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.login_edit.setReadOnly(busy)
        self.password_edit.setReadOnly(busy)
        self.submit_button.setEnabled(not busy)
        self.busy_label.setVisible(busy)
        if busy:
            self.show_error("")
            self.setCursor(Qt.CursorShape.BusyCursor)
        else:
            self.unsetCursor()

    def _on_success(self, actor: Actor) -> None:
        self._set_busy(False)
        self.actor = actor
        self.logged_in.emit(actor)
        self.accept()

    def _on_failure(self, message: str) -> None:
        self._set_busy(False)
        self.show_error(message)
        self.password_edit.clear()
        self.password_edit.setFocus()
