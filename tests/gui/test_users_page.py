"""The administrator's Users section against a real database: add, role, refusals, deactivate."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

from crm.controllers.access import auth
from crm.db.database import Database
from crm.models.enums import Role
from crm.views import AppContext
from crm.views.main_window import (
    BACKUPS,
    DIRECTORIES,
    JOURNAL,
    NOTIFICATIONS,
    SCHEDULE,
    SETTINGS,
    USERS,
    MainWindow,
)
from crm.views.users.dialogs import NewUserDialog, RoleDialog
from crm.views.users.page import UsersPage
from tests.gui.conftest import PASSWORD

TIMEOUT = 10_000


@pytest.fixture
def admin(make_context, gui_database: Database) -> AppContext:
    auth.add_user(gui_database.sessions, "root", PASSWORD, Role.ADMIN, "Админова Алла")
    return make_context("root")


@pytest.fixture
def window(qtbot, admin: AppContext) -> MainWindow:
    widget = MainWindow(admin)
    qtbot.addWidget(widget)
    widget.show()
    widget.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget, timeout=TIMEOUT)
    return widget


@pytest.fixture
def page(qtbot, window: MainWindow) -> UsersPage:
    widget = window.pages[USERS]
    assert isinstance(widget, UsersPage)
    qtbot.waitUntil(lambda: widget.model.rowCount() == 3 and not widget.loading, timeout=TIMEOUT)
    return widget


def _cell(page: UsersPage, login: str, column: int) -> str:
    row = page.model.row_of(login)
    assert row is not None
    return str(page.model.index(row, column).data())


def test_the_administrator_lands_on_users_and_sees_no_refusals(
    qtbot, window: MainWindow, page: UsersPage, qtmodeltester
) -> None:
    assert window.current_page == USERS
    assert window.sections == [NOTIFICATIONS, USERS, DIRECTORIES, BACKUPS, JOURNAL, SETTINGS]
    assert SCHEDULE not in window.pages
    assert [window.navigation.item(i).text() for i in range(6)] == [
        "Уведомления",  # the channels only: the queue names patients
        "Пользователи",
        "Справочники",
        "Резервные копии",
        "Журнал",
        "Настройки",
    ]
    assert page.model.headerData(0, Qt.Orientation.Horizontal) == "Логин"
    assert _cell(page, "boris", page.model.ROLE) == "регистратор"
    assert not page.message.isVisible()
    assert "find_patients" not in window.statusBar().currentMessage()
    qtmodeltester.check(page.model)


def test_add_a_user(qtbot, page: UsersPage) -> None:
    with qtbot.waitSignal(page.dialog_opened, timeout=TIMEOUT) as opened:
        qtbot.keyClick(page.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = opened.args[0]
    assert isinstance(dialog, NewUserDialog)
    assert dialog.windowTitle().startswith("Новый пользователь")
    qtbot.keyClicks(dialog.login_edit, "vera")
    dialog.name_edit.insert("Вера Котова")
    dialog.role_combo.setCurrentIndex(dialog.role_combo.findData(Role.MANAGER))
    dialog.password_edit.insert("пароль-веры-1")
    dialog.again_edit.insert("пароль-веры-1")
    with qtbot.waitSignal(page.loaded, timeout=TIMEOUT):
        dialog.save_button.click()
    assert page.model.rowCount() == 4
    assert _cell(page, "vera", page.model.ROLE) == "менеджер"
    assert page.selected_user() is not None and page.selected_user().login == "vera"
    assert page.message.text() == "Пользователь создан."
    assert auth.login(page._context.database.sessions, "vera", "пароль-веры-1", "d").login == "vera"


def test_bad_fields_are_shown_under_them_and_the_text_is_kept(qtbot, page: UsersPage) -> None:
    dialog = page.add_user()
    assert isinstance(dialog, NewUserDialog)
    dialog.login_edit.insert("и в")
    qtbot.keyClicks(dialog.password_edit, "short")
    qtbot.keyClicks(dialog.again_edit, "short")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: not dialog.busy and dialog.problem_text("login") != "", timeout=TIMEOUT)
    assert dialog.problem_text("login").startswith("Логин")
    assert dialog.problem_text("password").startswith("Пароль")
    assert dialog.problem_text("full_name") == ""
    assert dialog.isVisible()
    assert dialog.login_edit.text() == "и в" and dialog.password_edit.text() == "short"
    assert page.has_unsaved_changes()
    # A taken login comes back from the database, under the login too.
    dialog.login_edit.setText("BORIS")
    dialog.password_edit.setText("длинный-пароль")
    dialog.again_edit.setText("длинный-пароль")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: "занят" in dialog.problem_text("login"), timeout=TIMEOUT)
    assert dialog.problem_text("password") == ""
    assert page.model.rowCount() == 3


def test_change_a_role(qtbot, page: UsersPage) -> None:
    assert page.select_login("boris")
    dialog = page.change_role()
    assert isinstance(dialog, RoleDialog)
    assert not dialog.has_unsaved_changes()
    dialog.role_combo.setCurrentIndex(dialog.role_combo.findData(Role.MANAGER))
    with qtbot.waitSignal(page.loaded, timeout=TIMEOUT):
        dialog.save_button.click()
    assert _cell(page, "boris", page.model.ROLE) == "менеджер"
    assert page.selected_user().login == "boris"


def test_the_last_administrator_keeps_the_role(qtbot, page: UsersPage) -> None:
    assert page.select_login("root")
    dialog = page.change_role()
    assert isinstance(dialog, RoleDialog)
    dialog.role_combo.setCurrentIndex(dialog.role_combo.findData(Role.REGISTRAR))
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.problem_text("role") != "", timeout=TIMEOUT)
    assert "единственный действующий администратор" in dialog.problem_text("role")
    assert dialog.isVisible()
    assert dialog.role_combo.currentData() == Role.REGISTRAR  # the choice is kept
    dialog.reject()
    # Deactivating oneself is refused on the page, in words.
    page.toggle_active()
    qtbot.waitUntil(page.message.isVisible, timeout=TIMEOUT)
    assert page.message.text() == "Нельзя отключить собственную учётную запись"
    assert _cell(page, "root", page.model.STATE) == "действует"


def test_deactivate_and_reactivate(qtbot, page: UsersPage) -> None:
    assert page.select_login("boris")
    assert page.active_button.text() == "Отключить (Ctrl+D)"
    with qtbot.waitSignal(page.loaded, timeout=TIMEOUT):
        qtbot.keyClick(page.table, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert _cell(page, "boris", page.model.STATE) == "отключена"
    assert "отключена" in page.message.text()
    assert page.active_button.text() == "Включить снова (Ctrl+D)"
    with qtbot.waitSignal(page.loaded, timeout=TIMEOUT):
        page.active_button.click()
    assert _cell(page, "boris", page.model.STATE) == "действует"


def test_unlock_a_locked_account(qtbot, page: UsersPage, gui_database: Database) -> None:
    for _ in range(auth.MAX_FAILED_ATTEMPTS):
        with pytest.raises(auth.LoginRefused):
            auth.login(gui_database.sessions, "boris", "wrong", "desk-2")
    with qtbot.waitSignal(page.loaded, timeout=TIMEOUT):
        page.refresh()
    assert page.select_login("boris")
    assert _cell(page, "boris", page.model.STATE).startswith("заблокирована до")
    assert page.unlock_button.isEnabled()
    with qtbot.waitSignal(page.loaded, timeout=TIMEOUT):
        page.unlock_button.click()
    assert _cell(page, "boris", page.model.STATE) == "действует"


def test_a_manager_has_no_users_section(qtbot, make_context) -> None:
    window = MainWindow(make_context("anna"))
    qtbot.addWidget(window)
    assert USERS not in window.pages
    assert window.current_page == SCHEDULE
    assert window.findChild(QLabel, "usersDenied") is None
