"""The settings page edits this workstation's settings; the start-up error screen too."""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox

from crm.config import Settings, config_file
from crm.controllers.access import auth
from crm.controllers.access.keys import ensure_key
from crm.controllers.workstation.settings import WorkstationConfig
from crm.db.database import Database
from crm.models.enums import Role
from crm.views import AppContext
from crm.views.pages.settings_page import SettingsPage
from crm.views.printing.dialog import workstation_settings
from crm.views.settings.connection import ConnectionSettings
from crm.views.startup import Startup
from tests.gui.conftest import PASSWORD

TIMEOUT = 15_000
CLOSED_PORT = "postgresql://postgres@127.0.0.1:1/nowhere"

UNKNOWN = """\
workstation = "desk-9"
future_option = 42

[printing]
label = "Окно 3"
"""


@pytest.fixture
def admin_context(
    gui_database: Database, make_context: Callable[..., AppContext], users: dict[str, int]
) -> AppContext:
    auth.add_user(gui_database.sessions, "vera", PASSWORD, Role.ADMIN, "Вера Орлова")
    return make_context("vera")


def open_page(qtbot, context: AppContext) -> SettingsPage:
    page = SettingsPage(context)
    qtbot.addWidget(page)
    page.resize(900, 1000)
    page.show()
    qtbot.waitUntil(lambda: page.ticket_format.choice.count() > 0, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: context.runner.idle, timeout=TIMEOUT)
    return page


def saved_config() -> dict[str, object]:
    return tomllib.loads(config_file().read_text(encoding="utf-8"))


def test_admin_edits_and_saves_config_toml(qtbot, admin_context: AppContext, tmp_path) -> None:
    config_file().parent.mkdir(parents=True, exist_ok=True)
    config_file().write_text(UNKNOWN, encoding="utf-8")
    page = open_page(qtbot, admin_context)
    connection = page.connection
    assert connection.builtin_choice.isChecked() and not connection.url_edit.isEnabled()
    qtbot.mouseClick(connection.server_choice, Qt.MouseButton.LeftButton)
    assert connection.url_edit.isEnabled()
    qtbot.keyClicks(connection.url_edit, "postgresql://registratura:pw@server.clinic/crm")
    connection.key_edit.setText(str(tmp_path / "клиника" / "key.bin"))  # keyClicks: ASCII only
    page.language.setCurrentIndex(page.language.findData("en"))
    printers = page.printing.paper
    printers.setCurrentIndex(printers.findData("roll80"))
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)

    data = saved_config()
    assert data["database_url"] == "postgresql://registratura:pw@server.clinic/crm"
    assert data["key_file"] == str(tmp_path / "клиника" / "key.bin")
    assert data["lang"] == "en"
    assert data["workstation"] == "desk-9" and data["future_option"] == 42  # kept
    assert data["printing"] == {"label": "Окно 3"}
    assert workstation_settings().value("printing/ticket_format") == "roll80"
    assert page.message.kind == "done"
    text = page.message.text()
    assert "Перезапустите программу" in text
    assert "Адрес сервера, Файл ключа, Язык" in text

    # Back to the built-in server: the address leaves the file.
    qtbot.mouseClick(connection.builtin_choice, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert "database_url" not in saved_config()
    assert saved_config()["lang"] == "en"


def test_a_bad_address_names_the_field_and_keeps_the_text(qtbot, admin_context: AppContext) -> None:
    page = open_page(qtbot, admin_context)
    connection = page.connection
    connection.server_choice.setChecked(True)
    qtbot.keyClicks(connection.url_edit, "postgresql://u@server:port/crm")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert page.message.kind == "error"
    assert page.message.text().startswith("Адрес сервера: порт должен быть числом")
    assert connection.problem_label.isVisible()
    assert connection.url_edit.text() == "postgresql://u@server:port/crm"  # nothing lost
    assert not config_file().exists()
    # Typing again puts the complaint away.
    qtbot.keyClicks(connection.url_edit, "x")
    assert not connection.problem_label.isVisible()


def test_a_registrar_sees_the_server_read_only_but_chooses_the_language(
    qtbot, make_context: Callable[..., AppContext]
) -> None:
    config_file().parent.mkdir(parents=True, exist_ok=True)
    config_file().write_text(
        'database_url = "postgresql://registratura:secret@server.clinic/crm"\n', encoding="utf-8"
    )
    page = open_page(qtbot, make_context("boris"))
    connection = page.connection
    assert not page.may_change_connection
    assert connection.url_edit.isReadOnly() and connection.key_edit.isReadOnly()
    assert not connection.builtin_choice.isEnabled() and not connection.browse_button.isEnabled()
    assert "secret" not in connection.url_edit.text() and "***" in connection.url_edit.text()
    note = page.findChild(QLabel, "connectionNote")
    assert note is not None and "только администратор" in note.text()
    page.language.setCurrentIndex(page.language.findData("en"))
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert page.message.kind == "done", page.message.text()
    data = saved_config()
    assert data == {
        "database_url": "postgresql://registratura:secret@server.clinic/crm",  # untouched
        "lang": "en",
    }


def test_test_connection_reports_success_in_words(
    qtbot, admin_context: AppContext, committed_db_url: str, gui_database: Database, tmp_path
) -> None:
    key = tmp_path / "keys" / "key.bin"
    ensure_key(gui_database.sessions, key)
    widget = ConnectionSettings(WorkstationConfig(committed_db_url, str(key), "ru"), editable=True)
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.checked, timeout=TIMEOUT) as checked:
        qtbot.mouseClick(widget.check_button, Qt.MouseButton.LeftButton)
    ok, report = checked.args
    assert ok, report
    lines = report.splitlines()
    assert lines[0] == "Подключение работает: все проверки пройдены."
    assert lines[1].startswith("✔ Сервер отвечает: PostgreSQL ")
    assert any(line.startswith("✔ Кириллица: ") for line in lines)
    assert any(line.startswith("✔ Расширения установлены: btree_gist, pg_trgm") for line in lines)
    assert any(line.startswith("✔ Структура базы данных актуальна") for line in lines)
    assert any("отпечаток совпадает" in line for line in lines)
    assert not widget.report.isHidden() and widget.check_button.isEnabled()


def test_test_connection_reports_a_closed_port_without_freezing(
    qtbot, admin_context: AppContext
) -> None:
    page = open_page(qtbot, admin_context)
    connection = page.connection
    connection.server_choice.setChecked(True)
    qtbot.keyClicks(connection.url_edit, CLOSED_PORT)
    results: list[tuple[bool, str]] = []
    connection.checked.connect(lambda ok, text: results.append((ok, text)))
    qtbot.mouseClick(connection.check_button, Qt.MouseButton.LeftButton)
    # The click returned at once: the test runs on a worker, the page stays live.
    assert connection.checking and not connection.check_button.isEnabled()
    assert connection.report.text() == "Проверка подключения…"
    assert admin_context.runner.idle  # the page's database runner is not held up
    qtbot.waitUntil(lambda: bool(results), timeout=TIMEOUT)
    ok, report = results[0]
    assert not ok
    assert report.splitlines()[0] == "Подключения нет."
    assert "✘ Сервер недоступен или отказывает в подключении" in report
    assert "Connection refused" in report or "127.0.0.1" in report
    assert connection.check_button.isEnabled()
    assert connection.url_edit.text() == CLOSED_PORT


@pytest.fixture
def failing_startup(tmp_path: Path) -> Iterator[Startup]:
    settings = Settings(
        database_url="postgresql+psycopg://postgres@127.0.0.1:1/nowhere",
        database_source="config",
        key_file=tmp_path / "key.bin",
        workstation="desk-1",
    )
    flow = Startup(settings, listen=False)
    yield flow
    flow.shutdown()


def test_startup_error_opens_connection_settings_and_retries(  # noqa: PLR0917 (fixtures)
    qtbot,
    failing_startup: Startup,
    committed_db_url: str,
    gui_database: Database,
    key_file: Path,
    users: dict[str, int],  # a set-up clinic: the retry ends at the login, not the wizard
) -> None:
    key = key_file
    ensure_key(gui_database.sessions, key)
    flow = failing_startup
    with qtbot.waitSignal(flow.problem, timeout=TIMEOUT):
        flow.start()
    box = flow.problem_box
    assert box is not None and box.isVisible()
    button = next(b for b in box.buttons() if b.text() == "Настройки подключения…")
    assert box.buttons()[0].text() == "Выход"  # Quit stays first
    button.click()
    qtbot.waitUntil(
        lambda: flow.connection_dialog is not None and flow.connection_dialog.isVisible(),
        timeout=TIMEOUT,
    )
    dialog = flow.connection_dialog
    assert dialog is not None
    connection = dialog.connection
    assert connection.url_edit.text() == "postgresql+psycopg://postgres@127.0.0.1:1/nowhere"

    # A typo is named, the dialog stays, the text stays.
    connection.url_edit.setText("mysql://nowhere/db")
    dialog.save_button.click()
    assert dialog.isVisible() and "Адрес сервера: это не адрес PostgreSQL" in (
        connection.problem_label.text()
    )
    assert not config_file().exists()

    connection.url_edit.setText(committed_db_url)
    connection.key_edit.setText(str(key))
    with qtbot.waitSignal(connection.checked, timeout=TIMEOUT) as checked:
        connection.check_button.click()
    assert checked.args[0], checked.args[1]

    dialog.save_button.click()
    assert saved_config() == {"database_url": committed_db_url, "key_file": str(key)}
    qtbot.waitUntil(
        lambda: flow.login_dialog is not None and flow.login_dialog.isVisible(), timeout=TIMEOUT
    )
    assert flow.settings.key_file == key
    assert flow.ready is not None and flow.ready.keyring.fingerprint


def test_startup_error_settings_cancelled_shows_the_problem_again(
    qtbot, failing_startup: Startup
) -> None:
    flow = failing_startup
    with qtbot.waitSignal(flow.problem, timeout=TIMEOUT):
        flow.start()
    first = flow.problem_box
    assert first is not None
    next(b for b in first.buttons() if b.text() == "Настройки подключения…").click()
    qtbot.waitUntil(lambda: flow.connection_dialog is not None, timeout=TIMEOUT)
    assert flow.connection_dialog is not None
    with qtbot.waitSignal(flow.problem, timeout=TIMEOUT) as again:
        flow.connection_dialog.reject()
    box = flow.problem_box
    assert box is not None and box.isVisible() and box is not first
    assert again.args[0] == box.informativeText()
    assert box.informativeText().count("Откуда взят адрес базы данных") == 1
    with qtbot.waitSignal(flow.finished, timeout=TIMEOUT) as finished:
        box.buttons()[0].click()
    assert finished.args == [1]
    assert isinstance(box, QMessageBox)
