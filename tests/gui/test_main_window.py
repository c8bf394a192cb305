"""The main window: start-up and login end to end, sections, journal, status bar."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

from crm.config import Settings
from crm.controllers.access import auth
from crm.controllers.access.keys import ensure_key
from crm.db.database import Database
from crm.views import AppContext
from crm.views.events import ChangeEvents
from crm.views.main_window import (
    JOURNAL,
    REFERRALS,
    REPORTS,
    SETTINGS,
    MainWindow,
)
from crm.views.pages.journal_page import JournalPage
from crm.views.pages.placeholder import PlaceholderPage
from crm.views.startup import Startup
from tests.gui.conftest import PASSWORD
from tests.gui.test_events import terminate_listener

TIMEOUT = 10_000


@pytest.fixture
def open_window(qtbot) -> Callable[[AppContext], MainWindow]:
    def open_(context: AppContext) -> MainWindow:
        window = MainWindow(context)
        qtbot.addWidget(window)
        window.show()
        # Window shortcuts (Ctrl+1…6, F5) need the active window. qtbot.waitActive
        # returns early on the offscreen platform; wait for what Qt itself reports.
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=TIMEOUT)
        return window

    return open_


@pytest.fixture
def startup(
    qtbot, gui_settings: Settings, gui_database: Database, users: dict[str, int]
) -> Iterator[Startup]:
    ensure_key(gui_database.sessions, gui_settings.key_file)
    flow = Startup(gui_settings)
    yield flow
    flow.shutdown()


def test_start_log_in_and_see_the_main_window(qtbot, startup: Startup) -> None:
    startup.start()
    qtbot.waitUntil(
        lambda: startup.login_dialog is not None and startup.login_dialog.isVisible(),
        timeout=TIMEOUT,
    )
    dialog = startup.login_dialog
    assert dialog is not None
    assert not startup.window.isVisible()  # the progress window gave way to the login
    qtbot.keyClicks(dialog.login_edit, "anna")
    qtbot.keyClicks(dialog.password_edit, PASSWORD)
    with qtbot.waitSignal(startup.main_window_shown, timeout=TIMEOUT) as blocker:
        qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    window: MainWindow = blocker.args[0]
    qtbot.waitExposed(window)
    assert window.status.user_label.text() == "Анна Петрова"
    assert window.status.role_label.text() == "менеджер"
    assert window.windowTitle() == "Анна Петрова (менеджер)"
    qtbot.waitUntil(lambda: window.status.connected is True, timeout=TIMEOUT)
    assert window.status.connection_label.text() == "подключено"

    with qtbot.waitSignal(startup.finished, timeout=TIMEOUT) as finished:
        qtbot.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert finished.args == [0]


def test_an_unreachable_server_is_reported_not_raised(qtbot, tmp_path) -> None:
    settings = Settings(
        database_url="postgresql+psycopg://postgres@127.0.0.1:1/nowhere",
        database_source="flag",
        key_file=tmp_path / "key.bin",
        workstation="desk-1",
    )
    flow = Startup(settings, listen=False)
    try:
        with qtbot.waitSignal(flow.problem, timeout=TIMEOUT) as problem:
            flow.start()
        assert problem.args[0].startswith("connection:")
        box = flow.problem_box
        assert box is not None and box.isVisible()
        assert box.text() == "Программа не может запуститься."
        assert "connection:" in box.informativeText()
        with qtbot.waitSignal(flow.finished, timeout=TIMEOUT) as finished:
            box.button(QMessageBox.StandardButton.NoButton)  # only our Quit button exists
            box.buttons()[0].click()
        assert finished.args == [1]
    finally:
        flow.shutdown()


def test_journal_shows_the_login(qtbot, make_context, open_window) -> None:
    window = open_window(make_context("anna"))
    page = window.pages[JOURNAL]
    assert isinstance(page, JournalPage)
    # A manager's sections: schedule … reports, feedback, notifications, directories, journal.
    qtbot.keyClick(window, Qt.Key.Key_8, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page == JOURNAL
    qtbot.waitUntil(lambda: page.model.rowCount() > 0 and not page.loading, timeout=TIMEOUT)
    top = page.model.row_at(0)
    assert (top.action, top.login, top.workstation) == ("login", "anna", "desk-1")
    assert page.model.index(0, page.model.ACTION).data() == "вход"
    assert page.table.isVisible()


def test_f5_adds_new_entries_and_keeps_the_selection(
    qtbot, make_context, open_window, gui_database: Database
) -> None:
    window = open_window(make_context("anna"))
    page = window.pages[JOURNAL]
    assert isinstance(page, JournalPage)
    with qtbot.waitSignal(page.loaded, timeout=TIMEOUT):
        window.show_page(JOURNAL)
    page.table.selectRow(0)
    selected_id = page.model.row_at(0).id

    with pytest.raises(auth.LoginRefused):
        auth.login(gui_database.sessions, "boris", "wrong-password", "desk-2")
    with qtbot.waitSignal(page.loaded, timeout=TIMEOUT) as loaded:
        qtbot.keyClick(window, Qt.Key.Key_F5)
    assert loaded.args == [1]
    assert page.model.row_at(0).action == "login_failed"
    rows = page.table.selectionModel().selectedRows()
    assert [page.model.row_at(index.row()).id for index in rows] == [selected_id]


def test_a_registrar_is_told_the_journal_is_not_for_the_role(
    qtbot, make_context, open_window
) -> None:
    context = make_context("boris")
    window = open_window(context)
    jobs_before = context.runner.last_job()
    window.show_page(JOURNAL)
    page = window.pages[JOURNAL]
    assert isinstance(page, JournalPage)
    assert page.denied_label.isVisible()
    assert "регистратор" in page.denied_label.text()
    assert "не разрешён" in page.denied_label.text()
    assert not page.table.isVisible()
    assert context.runner.last_job() == jobs_before  # nothing was asked of the database


def test_every_section_is_built(qtbot, make_context, open_window) -> None:
    window = open_window(make_context("anna"))
    titles = {REFERRALS: "Направления", REPORTS: "Отчёты"}
    for index, title in titles.items():
        qtbot.keyClick(
            window, getattr(Qt.Key, f"Key_{index + 1}"), Qt.KeyboardModifier.ControlModifier
        )
        page = window.stack.currentWidget()
        assert not isinstance(page, PlaceholderPage)
        assert page.title == title
        assert window.navigation.currentItem().text() == title
    assert not any(isinstance(page, PlaceholderPage) for page in window.pages.values())


def test_settings_page_says_where_the_data_is(qtbot, make_context, open_window) -> None:
    window = open_window(make_context("boris"))
    qtbot.keyClick(window, Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page == SETTINGS
    page = window.stack.currentWidget()
    server = page.findChild(QLabel, "server")
    source = page.findChild(QLabel, "source")
    how = page.findChild(QLabel, "howToConnect")
    assert server.text() == window.context.database.description
    assert source.text() == "параметр --database в командной строке"
    assert "CRM_DATABASE_URL" in how.text() and "--database" in how.text()
    assert "config.toml" in how.text()


def test_status_bar_follows_a_lost_connection(
    qtbot, make_context, open_window, committed_db_url: str
) -> None:
    events = ChangeEvents(committed_db_url, poll_seconds=0.1, ping_seconds=0.5, max_backoff=0.5)
    try:
        events.start()
        window = open_window(make_context("anna", events=events))
        status = window.status
        qtbot.waitUntil(lambda: status.connected is True, timeout=TIMEOUT)
        terminate_listener(committed_db_url)
        qtbot.waitUntil(lambda: status.connected is False, timeout=TIMEOUT)
        assert status.connection_label.text() == "нет связи с сервером — переподключение…"
        assert window.isVisible()  # the program keeps running
        qtbot.waitUntil(lambda: status.connected is True, timeout=TIMEOUT)
        assert status.connection_label.text() == "подключено"
    finally:
        events.stop()


def test_journal_follows_change_notices(
    qtbot, make_context, open_window, committed_db_url: str, gui_database: Database
) -> None:
    """A login on another desk is journaled; the journal's own change notice makes
    this desk's open journal page show it without F5."""
    events = ChangeEvents(committed_db_url, poll_seconds=0.1)
    try:
        with qtbot.waitSignal(events.connection_state, timeout=TIMEOUT):
            events.start()
        window = open_window(make_context("anna", events=events))
        page = window.pages[JOURNAL]
        assert isinstance(page, JournalPage)
        with qtbot.waitSignal(page.loaded, timeout=TIMEOUT):
            window.show_page(JOURNAL)
        with qtbot.waitSignal(page.loaded, timeout=TIMEOUT) as loaded:
            auth.login(gui_database.sessions, "boris", PASSWORD, "desk-2")
        assert loaded.args == [1]
        top = page.model.row_at(0)
        assert (top.login, top.workstation, top.action) == ("boris", "desk-2", "login")
    finally:
        events.stop()


def test_a_long_server_path_is_shortened_in_the_status_bar_and_whole_in_its_tooltip(
    qtbot,
) -> None:
    """A built-in server's long data path took the bar's width: the messages on its
    left were cut to «Демо-кли» beside a backup warning."""
    from PySide6.QtWidgets import QStatusBar

    from crm.controllers.context import Actor
    from crm.models.enums import Role
    from crm.views.status import SERVER_SECTION_MAX, StatusPanel

    bar = QStatusBar()
    qtbot.addWidget(bar)
    where = "встроенный PostgreSQL (/home/registratura/.local/share/registratura/" + "x" * 80 + ")"
    actor = Actor(user_id=1, login="anna", full_name="Анна", role=Role.REGISTRAR, workstation="w")
    panel = StatusPanel(bar, where, actor)
    label = panel.server_label
    assert label.fontMetrics().horizontalAdvance(label.text()) <= SERVER_SECTION_MAX
    assert "…" in label.text() and label.text().startswith("Сервер: встроенный")
    assert label.toolTip() == f"Сервер: {where}"
