"""The login dialog against a real database: success, inline refusal, demo users."""

from __future__ import annotations

import sys
import types
from dataclasses import dataclass

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

import crm.controllers
from crm.db.database import Database
from crm.models.enums import Role
from crm.views.login import LoginDialog
from crm.views.runner import DbRunner
from tests.gui.conftest import PASSWORD

TIMEOUT = 10_000


@pytest.fixture
def dialog(qtbot, runner: DbRunner, gui_database: Database, users: dict[str, int]) -> LoginDialog:
    widget = LoginDialog(runner, gui_database.sessions, "desk-1", server="test server")
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def type_credentials(qtbot, dialog: LoginDialog, login: str, password: str) -> None:
    qtbot.keyClicks(dialog.login_edit, login)
    qtbot.keyClicks(dialog.password_edit, password)


def test_enter_logs_in(qtbot, dialog: LoginDialog) -> None:
    type_credentials(qtbot, dialog, "anna", PASSWORD)
    with qtbot.waitSignal(dialog.logged_in, timeout=TIMEOUT) as blocker:
        qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
        assert dialog.busy  # the check runs on the runner, the dialog stays responsive
        assert not dialog.submit_button.isEnabled()
    actor = blocker.args[0]
    assert (actor.login, actor.role, actor.workstation) == ("anna", Role.MANAGER, "desk-1")
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_wrong_password_is_refused_inline(qtbot, dialog: LoginDialog, runner: DbRunner) -> None:
    type_credentials(qtbot, dialog, "anna", "not-the-password")
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.busy and runner.idle, timeout=TIMEOUT)
    assert dialog.error_label.isVisible()
    assert dialog.error_label.text() == "Неверный логин или пароль"
    assert dialog.error_label.styleSheet()  # red
    assert dialog.login_edit.text() == "anna"
    assert dialog.password_edit.text() == ""
    assert dialog.isVisible()
    assert dialog.submit_button.isEnabled()


def test_empty_password_is_caught_without_the_database(
    qtbot, dialog: LoginDialog, runner: DbRunner
) -> None:
    qtbot.keyClicks(dialog.login_edit, "anna")
    jobs_before = runner.last_job()
    qtbot.keyClick(dialog.login_edit, Qt.Key.Key_Return)
    assert dialog.error_label.text() == "Введите пароль."
    assert runner.last_job() == jobs_before


@dataclass(frozen=True)
class FakeDemoUser:
    login: str
    role: Role
    full_name: str


@pytest.fixture
def demo_module(monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    """Stands in for crm.controllers.demo: the dialog only reads its user list."""
    module = types.ModuleType("crm.controllers.demo")
    module.DEMO_PASSWORD = PASSWORD  # type: ignore[attr-defined]
    module.DEMO_USERS = (  # type: ignore[attr-defined]
        FakeDemoUser("boris", Role.REGISTRAR, "Борис Смирнов"),
        FakeDemoUser("anna", Role.MANAGER, "Анна Петрова"),
    )
    # `from crm.controllers import demo` reads the package attribute once the real
    # module has been imported (by other tests), and sys.modules before that.
    monkeypatch.setitem(sys.modules, "crm.controllers.demo", module)
    monkeypatch.setattr(crm.controllers, "demo", module, raising=False)
    return module


def test_demo_users_fill_the_fields_and_log_in(
    qtbot, runner: DbRunner, gui_database: Database, users: dict[str, int], demo_module
) -> None:
    dialog = LoginDialog(runner, gui_database.sessions, "desk-1", demo=True)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    table = dialog.demo_table
    assert table is not None
    assert [table.item(r, 1).text() for r in range(table.rowCount())] == [
        "регистратор",
        "менеджер",
    ]

    def cell_centre(row: int):
        return table.visualRect(table.model().index(row, 0)).center()

    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=cell_centre(0))
    assert dialog.login_edit.text() == "boris"
    assert dialog.password_edit.text() == PASSWORD

    with qtbot.waitSignal(dialog.logged_in, timeout=TIMEOUT) as blocker:
        # QTest's double click is only the second half of one: press first, as a hand does.
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=cell_centre(1))
        qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=cell_centre(1))
    assert blocker.args[0].login == "anna"


def test_no_demo_table_outside_demo_mode(dialog: LoginDialog) -> None:
    assert dialog.demo_table is None
