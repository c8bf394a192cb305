"""From launch to the main window: prepare the database, log in, open the window.

Every step that touches the database runs on the runner's worker thread; the GUI
thread only shows progress. The flow is driven by signals rather than by
``exec()`` calls, so it works the same under qasync and under pytest-qt.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from pathlib import Path

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QLabel, QMessageBox, QProgressBar, QVBoxLayout, QWidget

from crm.config import EMBEDDED, ConfigError, Settings, config_file, normalise_url
from crm.controllers.context import Actor
from crm.controllers.workstation.settings import WorkstationConfig, read_workstation_config
from crm.db import bootstrap
from crm.db.bootstrap import Progress, Ready, StartupProblem
from crm.i18n import translate
from crm.views import AppContext
from crm.views.events import ChangeEvents
from crm.views.login import LoginDialog
from crm.views.main_window import MainWindow
from crm.views.pages.settings_page import describe_source
from crm.views.runner import DbRunner
from crm.views.settings.dialog import ConnectionDialog
from crm.views.setup.wizard import SetupWizard
from crm.views.status import describe_database

log = logging.getLogger(__name__)

PrepareFunction = Callable[..., Ready]


class StartupWindow(QWidget):
    """A small window saying what the program is doing while the database gets ready.

    Args:
        parent: the Qt parent.

    Signals:
        closed(): the user closed the window before start-up finished.
    """

    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("StartupWindow")
        self.setWindowTitle(self.tr("Starting"))
        title = QLabel(self.tr("Registratura"))
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        title.setFont(font)
        self.message = QLabel(self.tr("Starting…"))
        self.message.setObjectName("startupMessage")
        self.message.setWordWrap(True)
        bar = QProgressBar()
        bar.setRange(0, 0)  # busy indicator: the steps have no known length
        bar.setTextVisible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.message)
        layout.addWidget(bar)
        self.setMinimumWidth(420)
        self._closing_on_purpose = False

    @Slot(str)
    def set_message(self, message: str) -> None:
        """Show the current step."""
        self.message.setText(message)

    def close_quietly(self) -> None:
        """Close without reporting it as the user's cancellation."""
        self._closing_on_purpose = True
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:  # Qt's name
        if not self._closing_on_purpose:
            self.closed.emit()
        super().closeEvent(event)


def _prepare(prepare: PrepareFunction, settings: Settings, progress: Progress) -> Ready:
    # Runs on the worker thread. Anything but a StartupProblem is a bug or an
    # environment surprise: log it with its traceback, but still tell the user why.
    try:
        return prepare(settings, progress=progress)
    except StartupProblem:
        raise
    except Exception as exc:
        log.exception("start-up failed")
        raise StartupProblem(
            translate("startup", "The program could not start: {error}").format(error=exc)
        ) from exc


class Startup(QObject):
    """The start-up flow: progress window → login dialog → main window.

    Args:
        settings: the resolved workstation settings.
        runner: the database runner (one is created when not given).
        prepare: the preparation step (:func:`crm.db.bootstrap.prepare`; tests may
            pass another).
        listen: whether to start the change listener.
        parent: the Qt parent.

    Signals:
        progress(str): a start-up step (emitted on the worker thread, shown on the
            GUI thread).
        main_window_shown(object): the :class:`MainWindow` is up.
        setup_shown(object): the :class:`SetupWizard` is up (an empty database).
        problem(str): start-up failed; the message is on screen.
        finished(int): the program should end with this exit code.
    """

    progress = Signal(str)
    main_window_shown = Signal(object)
    setup_shown = Signal(object)
    problem = Signal(str)
    finished = Signal(int)

    def __init__(
        self,
        settings: Settings,
        *,
        runner: DbRunner | None = None,
        prepare: PrepareFunction = bootstrap.prepare,
        listen: bool = True,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.runner = runner or DbRunner(parent=self)
        self._prepare = prepare
        self._listen = listen
        self.window = StartupWindow()
        self.window.closed.connect(lambda: self._finish(0))
        self.progress.connect(self.window.set_message)
        self.ready: Ready | None = None
        self.events: ChangeEvents | None = None
        self.login_dialog: LoginDialog | None = None
        self.setup_wizard: SetupWizard | None = None
        self.main_window: MainWindow | None = None
        self.problem_box: QMessageBox | None = None
        self.connection_dialog: ConnectionDialog | None = None
        self._finished = False
        self._shut_down = False
        self._logged_in_before = False

    def start(self) -> None:
        """Show the progress window and begin preparing the database."""
        self.window.show()
        self.runner.submit(
            _prepare,
            self._prepare,
            self.settings,
            self.progress.emit,
            on_success=self._on_ready,
            on_failure=self._on_problem,
            expected=(StartupProblem,),
        )

    def _on_ready(self, ready: Ready) -> None:
        self.ready = ready
        if self._listen:
            self.events = ChangeEvents(ready.database.url, self)
            self.events.start()
        if ready.needs_setup:
            self._show_setup()
        else:
            self._show_login()
        self.window.close_quietly()

    def _show_setup(self) -> None:
        assert self.ready is not None
        wizard = SetupWizard(self.runner, self.ready.database.sessions)
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        wizard.set_up.connect(self._show_login)
        wizard.rejected.connect(lambda: self._finish(0))
        self.setup_wizard = wizard
        wizard.open()
        self.setup_shown.emit(wizard)

    def _show_login(self, login: str = "") -> None:
        assert self.ready is not None
        ready = self.ready
        self.setup_wizard = None
        dialog = LoginDialog(
            self.runner,
            ready.database.sessions,
            self.settings.workstation,
            demo=ready.demo_clinic,
            server=describe_database(ready.database),
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.logged_in.connect(self._on_logged_in)
        dialog.rejected.connect(lambda: self._finish(0))
        if login:
            dialog.login_edit.setText(login)
            dialog.password_edit.setFocus()
        self.login_dialog = dialog
        dialog.open()  # not exec(): a nested loop would stall qasync's task switching
        dialog.activateWindow()

    def _on_logged_in(self, actor: Actor) -> None:
        assert self.ready is not None
        context = AppContext(
            settings=self.settings,
            database=self.ready.database,
            actor=actor,
            runner=self.runner,
            events=self.events,
            keyring=self.ready.keyring,
        )
        window = MainWindow(context)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.closed.connect(lambda: self._finish(0))
        window.logged_out.connect(self._on_logged_out)
        if self.ready.demo_loaded_now and not self._logged_in_before:
            window.statusBar().showMessage(self.tr("Demo clinic created."), 15_000)
        self.main_window = window
        self._logged_in_before = True
        self.login_dialog = None
        window.show()
        # The login dialog had the keyboard; hand it to the main window so that the
        # shortcuts (Ctrl+1…6, F5) work at once, also without a window manager.
        window.activateWindow()
        self.main_window_shown.emit(window)

    def _on_logged_out(self) -> None:
        # The window closed (and deletes itself); the same desk logs in again.
        self.main_window = None
        self._show_login()

    def _on_problem(self, message: str) -> None:
        reason = message
        self.window.set_message(self.tr("The program cannot start."))
        box = QMessageBox(self.window)
        box.setObjectName("startupProblem")
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle(self.tr("Cannot start"))
        box.setText(self.tr("The program cannot start."))
        if not self.settings.embedded:
            message += "\n\n" + self.tr(
                "The database address comes from {source}. Configuration file: {path}"
            ).format(source=describe_source(self.settings.database_source), path=config_file())
        box.setInformativeText(message)
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.setStandardButtons(QMessageBox.StandardButton.NoButton)
        settings_button = box.addButton(
            self.tr("Connection settings…"), QMessageBox.ButtonRole.ActionRole
        )
        settings_button.setObjectName("connectionSettings")
        quit_button = box.addButton(self.tr("Quit"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(quit_button)
        box.finished.connect(
            lambda _result: (
                self._open_connection_settings(reason)
                if box.clickedButton() is settings_button
                else self._finish(1)
            )
        )
        self.problem_box = box
        box.open()
        self.problem.emit(message)

    def _open_connection_settings(self, message: str) -> None:
        # A wrong address must never lock the desk out: fix it here, without a login.
        self.problem_box = None
        shown = WorkstationConfig(
            database_url=self.settings.database_url,
            key_file=str(self.settings.key_file),
            lang=self.settings.lang,
        )
        try:
            saved = read_workstation_config()
        except ConfigError:
            saved = shown
        overridden = self.settings.database_source in ("flag", "env")
        dialog = ConnectionDialog(
            shown,
            saved,
            describe_source(self.settings.database_source) if overridden else None,
            self.window,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._retry)
        dialog.rejected.connect(lambda: self._on_problem(message))
        self.connection_dialog = dialog
        dialog.open()

    def _retry(self, config: WorkstationConfig) -> None:
        """Start again with the saved address and key file."""
        self.connection_dialog = None
        self.settings = dataclasses.replace(
            self.settings,
            database_url=normalise_url(config.database_url) if config.database_url else None,
            database_source="config" if config.database_url else EMBEDDED,
            key_file=Path(config.key_file).expanduser(),
        )
        self.window.set_message(self.tr("Starting…"))
        self.start()

    def _finish(self, code: int) -> None:
        if self._finished:
            return
        self._finished = True
        self.finished.emit(code)

    def shutdown(self) -> None:
        """Stop listening, stop the runner, close the windows and the connections."""
        if self._shut_down:
            return
        self._shut_down = True
        if self.events is not None:
            self.events.stop()
        self.runner.shutdown()
        for widget in (
            self.main_window,
            self.login_dialog,
            self.setup_wizard,
            self.problem_box,
            self.connection_dialog,
        ):
            if widget is not None:
                _close_quietly(widget)
        self.window.close_quietly()
        if self.ready is not None:
            self.ready.database.dispose()


def _close_quietly(widget: QWidget) -> None:
    if shiboken6.isValid(widget):
        widget.blockSignals(True)  # closing at shutdown is not the user quitting again
        if isinstance(widget, MainWindow):
            widget.confirm_leaving()  # shutting down: nothing left to ask about
        widget.close()
