"""«Резервные копии» and the status bar's warning, driven by pytest-qt against a real database."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from crm.controllers.access import auth
from crm.controllers.clinic import backups
from crm.crypto import generate_key_file, open_sealed_key, read_master_key
from crm.db import scheduled_backup
from crm.db.database import Database
from crm.models import BackupRun
from crm.models.enums import Role
from crm.views import AppContext
from crm.views.backups.page import BackupsPage
from crm.views.main_window import BACKUPS, MainWindow
from tests.gui.conftest import PASSWORD

TIMEOUT = 60_000


@pytest.fixture
def admin(make_context, gui_database: Database) -> AppContext:
    auth.add_user(gui_database.sessions, "root", PASSWORD, Role.ADMIN, "Админова Алла")
    return make_context("root")


def _window(qtbot, context: AppContext) -> MainWindow:
    widget = MainWindow(context)
    qtbot.addWidget(widget)
    widget.show()
    return widget


@pytest.fixture
def page(qtbot, admin: AppContext) -> BackupsPage:
    window = _window(qtbot, admin)
    widget = window.pages[BACKUPS]
    assert isinstance(widget, BackupsPage)
    window.show_page(BACKUPS)
    qtbot.waitUntil(lambda: widget.status_label.text() != "", timeout=TIMEOUT)
    return widget


def test_bad_schedule_fields_are_named_and_nothing_is_stored(
    qtbot, page: BackupsPage, gui_database: Database
) -> None:
    assert page.title == "Резервные копии"
    assert page.status_label.text() == "Резервных копий ещё не было."
    page.enabled.setChecked(True)
    page.time_edit.setText("25:00")
    page.keep_edit.setText("0")
    page.folder_edit.setText("backups")
    page.save_button.click()
    qtbot.waitUntil(page.problem_label.isVisible, timeout=TIMEOUT)
    text = page.problem_label.text()
    assert "Время" in text and "Хранить последние" in text and "Папка" in text
    assert all(edit.styleSheet() for edit in page.edits.values())
    assert backups.read_schedule(gui_database.sessions) is None


def test_save_the_schedule_then_back_up_now_without_waiting(
    qtbot, page: BackupsPage, gui_database: Database, tmp_path: Path
) -> None:
    folder = tmp_path / "copies"
    page.enabled.setChecked(True)
    page.time_edit.setText("3:30")
    page.keep_edit.setText("7")
    page.folder_edit.setText(str(folder))
    with qtbot.waitSignal(page.schedule_saved, timeout=TIMEOUT):
        page.save_button.click()
    stored = backups.read_schedule(gui_database.sessions)
    assert stored == backups.BackupSchedule(True, dt.time(3, 30), 7, str(folder))
    assert not page.has_unsaved_changes()

    with qtbot.waitSignal(page.backup_finished, timeout=TIMEOUT) as finished:
        page.back_up_now()
        # The button waits for the worker; the GUI thread went on at once.
        assert not page.backup_button.isEnabled()
    outcome = finished.args[0]
    assert outcome.status == "made", outcome
    assert outcome.path.parent == folder and outcome.path.exists()
    qtbot.waitUntil(lambda: page.table.rowCount() == 1, timeout=TIMEOUT)
    assert page.table.item(0, 2).text() == "готово"
    assert page.table.item(0, 3).text().endswith("МБ")
    assert "0 мин" in page.status_label.text()
    assert page.backup_button.isEnabled()


def test_the_key_is_saved_sealed_with_the_passphrase(
    qtbot, page: BackupsPage, admin: AppContext, tmp_path: Path
) -> None:
    generate_key_file(admin.settings.key_file)
    page.passphrase.setText("short")
    page.passphrase_again.setText("other")
    page.choose_key_target()
    assert "различаются" in page.message.text()
    page.passphrase.setText("correct horse")
    page.passphrase_again.setText("correct horse")
    target = tmp_path / "key.sealed"
    with qtbot.waitSignal(page.key_exported, timeout=TIMEOUT):
        page.export_key(target)
    sealed = target.read_text(encoding="utf-8")
    assert open_sealed_key(sealed, "correct horse") == read_master_key(admin.settings.key_file)
    assert page.passphrase.text() == ""


def test_the_status_bar_warns_a_manager_of_an_old_backup(
    qtbot, make_context, gui_database: Database
) -> None:
    window = _window(qtbot, make_context("anna"))  # a manager
    warning = window.backup_warning
    assert warning is not None
    qtbot.waitUntil(warning.label.isVisible, timeout=TIMEOUT)
    assert warning.label.text() == "Резервных копий базы ещё нет"

    three_days_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=3)
    with gui_database.sessions() as session, session.begin():
        session.add(
            BackupRun(
                started_at=three_days_ago,
                finished_at=three_days_ago,
                trigger="schedule",
                result="ok",
                file_path="/b/x.crmbackup",
                size_bytes=1,
                host="server",
            )
        )
    with qtbot.waitSignal(warning.checked, timeout=TIMEOUT):
        warning.check()
    assert warning.label.isVisible()
    assert warning.label.text() == "Последней резервной копии 3 дн."

    with gui_database.sessions() as session, session.begin():
        session.add(
            BackupRun(
                finished_at=dt.datetime.now(dt.UTC),
                trigger="schedule",
                result="ok",
                file_path="/b/y.crmbackup",
                size_bytes=1,
                host="server",
            )
        )
    with qtbot.waitSignal(warning.checked, timeout=TIMEOUT):
        warning.check()
    assert not warning.label.isVisible()


def test_a_registrar_gets_no_backup_warning(qtbot, make_context) -> None:
    window = _window(qtbot, make_context("boris"))
    assert window.backup_warning is None
    assert BACKUPS not in window.pages
    QApplication.processEvents()


def test_back_up_now_while_the_service_backs_up_says_so(
    qtbot, page: BackupsPage, gui_database: Database
) -> None:
    with scheduled_backup.backup_lock(gui_database.engine) as got:
        assert got
        with qtbot.waitSignal(page.backup_finished, timeout=TIMEOUT) as finished:
            page.back_up_now()
    assert finished.args[0] == "Резервная копия делается прямо сейчас: дождитесь её окончания."
    assert page.message.kind == "error"
    assert page.backup_button.isEnabled()
    assert backups.recent_runs(gui_database.sessions) == []
