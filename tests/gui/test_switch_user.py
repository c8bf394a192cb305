"""Log out and switch user (Ctrl+L) without quitting; unsaved input is asked about first."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from crm.config import Settings
from crm.controllers.access import auth
from crm.controllers.access.keys import ensure_key
from crm.db.database import Database
from crm.models import JournalEntry
from crm.models.enums import Role
from crm.views.main_window import SCHEDULE, USERS, MainWindow
from crm.views.startup import Startup
from crm.views.users.page import UsersPage
from tests.gui.conftest import PASSWORD

TIMEOUT = 10_000


@pytest.fixture
def startup(
    qtbot, gui_settings: Settings, gui_database: Database, users: dict[str, int]
) -> Iterator[Startup]:
    ensure_key(gui_database.sessions, gui_settings.key_file)
    auth.add_user(gui_database.sessions, "root", PASSWORD, Role.ADMIN, "Админова Алла")
    flow = Startup(gui_settings, listen=False)
    yield flow
    flow.shutdown()


def _log_in(qtbot, startup: Startup, login: str) -> MainWindow:
    qtbot.waitUntil(
        lambda: startup.login_dialog is not None and startup.login_dialog.isVisible(),
        timeout=TIMEOUT,
    )
    dialog = startup.login_dialog
    assert dialog is not None
    qtbot.keyClicks(dialog.login_edit, login)
    qtbot.keyClicks(dialog.password_edit, PASSWORD)
    with qtbot.waitSignal(startup.main_window_shown, timeout=TIMEOUT) as shown:
        qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    window: MainWindow = shown.args[0]
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=TIMEOUT)
    return window


def test_log_out_and_another_user_logs_in(qtbot, startup: Startup, gui_database: Database) -> None:
    startup.start()
    first = _log_in(qtbot, startup, "root")
    assert first.current_page == USERS
    assert first.windowTitle() == "Админова Алла (администратор)"
    quits: list[int] = []
    startup.finished.connect(quits.append)

    with qtbot.waitSignal(first.logged_out, timeout=TIMEOUT):
        qtbot.keyClick(first, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    second = _log_in(qtbot, startup, "boris")
    assert second is not first and startup.main_window is second
    assert second.windowTitle() == "Борис Смирнов (регистратор)"
    assert second.current_page == SCHEDULE
    assert USERS not in second.pages
    assert quits == []  # the program never quit
    with gui_database.sessions() as session:
        logins = session.scalars(
            sa.select(JournalEntry.login).where(JournalEntry.action == "logout")
        ).all()
    assert logins == ["root"]


def test_unsaved_input_is_asked_about_before_logging_out(qtbot, startup: Startup) -> None:
    startup.start()
    window = _log_in(qtbot, startup, "root")
    page = window.pages[USERS]
    assert isinstance(page, UsersPage)
    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=TIMEOUT)
    dialog = page.add_user()
    assert dialog is not None
    dialog.fields["login"].insert("half-typed")  # type: ignore[attr-defined]

    window.log_out()
    box = window.leave_box
    assert box is not None and box.isVisible()
    assert "Пользователи" in box.text()
    stay = next(b for b in box.buttons() if b.text() == "Остаться")
    stay.click()
    qtbot.waitUntil(lambda: window.leave_box is None, timeout=TIMEOUT)
    assert window.isVisible() and dialog.isVisible()
    assert dialog.fields["login"].text() == "half-typed"  # type: ignore[attr-defined]

    window.log_out()
    box = window.leave_box
    assert box is not None
    leave = next(b for b in box.buttons() if b.text() == "Выйти без сохранения")
    with qtbot.waitSignal(window.logged_out, timeout=TIMEOUT):
        leave.click()
    second = _log_in(qtbot, startup, "anna")
    assert second.windowTitle() == "Анна Петрова (менеджер)"
