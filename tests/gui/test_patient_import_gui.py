"""Importing patients from the Patients page: choose a file, check it, import it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from crm.crypto import KeyRing, generate_key_file
from crm.db.database import Database
from crm.models import Patient
from crm.views import AppContext
from crm.views.patients.import_dialog import ImportDialog
from crm.views.patients.page import PatientsPage
from tests.gui.test_card_editor import release

TIMEOUT = 10_000
CSV = (
    "Фамилия;Имя;Дата рождения;СНИЛС\n"
    "Импортова;Вера;17.05.1980;112-233-445 95\n"
    "Ошибкина;Нина;01.02.1975;112-233-445 96\n"  # wrong checksum
)


@pytest.fixture
def keyring(tmp_path: Path) -> KeyRing:
    return generate_key_file(tmp_path / "import-key.bin")


@pytest.fixture
def page(qtbot, make_context, keyring: KeyRing) -> Iterator[PatientsPage]:
    context: AppContext = make_context("boris")
    context.keyring = keyring
    page = PatientsPage(context)
    page.show()
    yield page
    release(page)


def choose(monkeypatch: pytest.MonkeyPatch, method: str, path: Path) -> None:
    monkeypatch.setattr(
        QFileDialog, method, staticmethod(lambda *_args, **_kwargs: (str(path), ""))
    )


def open_import(qtbot, page: PatientsPage) -> ImportDialog:
    assert page.import_button.isVisible()
    assert page.import_button.text() == "Импорт…"
    with qtbot.waitSignal(page.import_opened, timeout=TIMEOUT) as opened:
        qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    dialog: ImportDialog = opened.args[0]
    assert dialog.isVisible()
    return dialog


def last_names(database: Database) -> set[str]:
    with database.sessions() as session:
        return set(session.scalars(sa.select(Patient.last_name)))


def test_check_then_import_a_csv(
    qtbot,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    page: PatientsPage,
    gui_database: Database,
) -> None:
    source = tmp_path / "пациенты.csv"
    source.write_text(CSV, encoding="utf-8")
    choose(monkeypatch, "getOpenFileName", source)

    with qtbot.waitSignal(page.import_opened, timeout=TIMEOUT) as opened:
        qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    dialog: ImportDialog = opened.args[0]
    qtbot.waitUntil(lambda: dialog.last_result is not None, timeout=TIMEOUT)
    result = dialog.last_result
    assert result is not None and result.dry_run
    assert (result.total, result.imported, result.already_present, result.rejected_rows) == (
        2,
        1,
        0,
        1,
    )
    assert "к импорту: 1" in dialog.summary.text()
    assert "отклонено: 1" in dialog.summary.text()
    [(row, field, reason)] = dialog.rejected_rows()
    assert row == "3" and field == "СНИЛС" and reason
    assert dialog.table.isVisible()
    assert dialog.import_button.isEnabled()
    assert last_names(gui_database) == set()  # the check writes nothing

    # The rejected rows go to a workbook, as the command line's --errors writes them.
    errors = tmp_path / "errors.xlsx"
    choose(monkeypatch, "getSaveFileName", errors)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    sheet = openpyxl.load_workbook(errors).active
    assert sheet is not None
    assert [cell.value for cell in sheet[2]][:3] == [3, "СНИЛС", reason]

    with qtbot.waitSignal(dialog.imported, timeout=TIMEOUT) as imported:
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert imported.args[0].imported == 1 and not imported.args[0].dry_run
    assert "импортировано: 1" in dialog.summary.text()
    assert not dialog.import_button.isEnabled()
    assert last_names(gui_database) == {"Импортова"}
    qtbot.waitUntil(lambda: not page.searching, timeout=TIMEOUT)


def test_an_unreadable_file_shows_its_reason(
    qtbot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, page: PatientsPage
) -> None:
    choose(monkeypatch, "getOpenFileName", tmp_path / "нет такого.csv")
    dialog = open_import(qtbot, page)
    qtbot.waitUntil(lambda: "не найден" in dialog.summary.text(), timeout=TIMEOUT)
    assert dialog.last_result is None
    assert not dialog.import_button.isEnabled()
    assert not dialog.save_button.isEnabled()


def test_cancelled_chooser_opens_nothing(qtbot, page: PatientsPage, modal_calls) -> None:
    qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    assert [name for name, _args in modal_calls] == ["getOpenFileName"]
    assert page.import_dialog is None
