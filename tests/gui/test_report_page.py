"""The Reports tab against a real database: preview, export with the progress dialog, cancel."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa
from PySide6.QtCore import QCoreApplication, QPoint, QStandardPaths
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QLabel,
    QPushButton,
    QStyle,
    QStyleOptionComboBox,
)

from crm.models import JournalEntry
from crm.views.reports.page import ReportsPage, reports_page
from crm.views.reports.reports_tab import ReportsTab, export_file_name
from tests.integration.test_reports import MON, TUE, build_clinic


@pytest.fixture
def page(qtbot, make_context, gui_database):
    with gui_database.sessions() as session, session.begin():
        build_clinic(session)
    context = make_context("anna")
    widget = reports_page(context)
    qtbot.addWidget(widget)
    assert isinstance(widget, ReportsPage) and widget.title
    widget.tabs.setCurrentWidget(widget.reports)
    widget.show()
    yield widget
    if widget.reports is not None:
        widget.reports.shutdown()
    qtbot.waitUntil(lambda: context.runner.idle, timeout=10_000)


def _choose(tab: ReportsTab, name: str) -> None:
    tab.report.setCurrentIndex(tab.report.findData(name))
    tab.set_period(MON, TUE)


def _preview(qtbot, tab: ReportsTab) -> None:
    with qtbot.waitSignal(tab.previewed, timeout=10_000):
        tab.preview()


def _shows_nothing(tab: ReportsTab) -> bool:
    return (
        tab.model.rowCount() == 0
        and tab.model.columnCount() == 0
        and tab.sheet.count() == 0
        and not tab.message.isVisibleTo(tab)
        and tab.message.kind == ""
    )


def test_preview_shows_the_first_rows(qtbot, page):
    tab = page.reports
    _choose(tab, "appointments")
    with qtbot.waitSignal(tab.previewed, timeout=10_000):
        tab.preview_button.click()
    assert tab.model.rowCount() == 11
    assert tab.model.index(0, 0).data() == "14.04.2025"
    _choose(tab, "no-shows")
    assert not tab._form.isRowVisible(tab.filters["status"])
    with qtbot.waitSignal(tab.previewed, timeout=10_000):
        tab.preview()
    assert tab.sheet.count() == 5 - 1  # by doctor, by specialty, by weekday, trend
    tab.sheet.setCurrentIndex(2)
    assert tab.model.rowCount() == 2  # Monday and Tuesday


def test_export_runs_with_the_progress_dialog(qtbot, page, tmp_path, gui_database):
    tab = page.reports
    _choose(tab, "workload")
    target = tmp_path / "workload.xlsx"
    with qtbot.waitSignal(tab.exported, timeout=30_000) as done:
        tab.export_to(target)
        assert tab.progress is not None and tab.progress.isVisible()
        assert not tab.export_button.isEnabled()
    qtbot.waitUntil(lambda: tab.export_thread is None, timeout=10_000)
    assert done.args[0].path == target and target.exists()
    assert tab.progress is None and tab.export_button.isEnabled()
    assert openpyxl.load_workbook(target).worksheets[0]["D2"].value == 16
    assert tab.message.first_button.isVisibleTo(tab) and tab.message.second_button.isVisibleTo(tab)
    assert tab.message.kind == "done"
    _choose(tab, "payments")  # the «saved» message was about the workload report
    assert not tab.message.isVisibleTo(tab) and tab.message.kind == ""
    with gui_database.sessions() as session:
        assert (
            session.scalar(sa.select(sa.func.count()).where(JournalEntry.action == "export")) == 1
        )


def test_cancelled_export_writes_nothing(qtbot, page, tmp_path):
    tab = page.reports
    _choose(tab, "appointments")
    with qtbot.waitSignal(tab.export_ended, timeout=30_000):
        tab.export_to(tmp_path / "cancelled.xlsx")
        tab.progress.findChild(QPushButton).click()  # the dialog's Cancel
    assert not (tmp_path / "cancelled.xlsx").exists()
    assert list(tmp_path.iterdir()) == []
    assert "отмен" in tab.message.text().lower() or "cancel" in tab.message.text().lower()


def test_registrar_sees_a_notice_and_only_the_shift_report(qtbot, make_context):
    widget = reports_page(make_context("boris"))
    qtbot.addWidget(widget)
    assert widget.findChild(QLabel, "reportsNotAllowed") is not None
    assert widget.reports is None and widget.dashboard is None
    assert widget.tabs is not None and widget.tabs.count() == 1 and widget.shift is not None


def test_choosing_another_report_clears_the_preview_and_the_message(qtbot, page):
    tab = page.reports
    _choose(tab, "appointments")
    _preview(qtbot, tab)
    assert tab.model.rowCount() == 11 and tab.sheet.count() == 1
    _choose(tab, "workload")
    assert _shows_nothing(tab)
    assert tab.description.text() == tab._info().description

    tab.set_period(TUE, MON)  # reversed: refused with an error message
    _preview(qtbot, tab)
    assert tab.message.kind == "error" and tab.message.isVisibleTo(tab)
    _choose(tab, "no-shows")
    assert _shows_nothing(tab) and tab.preview_button.isEnabled()


def test_a_preview_arriving_after_the_report_changed_is_dropped(qtbot, page):
    tab = page.reports
    _choose(tab, "appointments")
    tab.preview()
    _choose(tab, "patients")  # before the runner delivers the register's rows
    qtbot.waitUntil(lambda: tab.context.runner.idle, timeout=10_000)
    QApplication.processEvents()
    assert _shows_nothing(tab)
    assert tab.preview_button.isEnabled()
    _preview(qtbot, tab)
    assert tab.sheet.count() == 2  # new cards, age and sex: the patients report's own


def test_buttons_stay_in_place_whichever_report_is_chosen(qtbot, page):
    tab = page.reports
    tops, lefts = set(), set()
    for index in range(tab.report.count()):
        tab.report.setCurrentIndex(index)
        QApplication.sendPostedEvents()  # the layout's pending requests
        tab.layout().activate()
        tops.add(tab.preview_button.mapTo(tab, QPoint(0, 0)).y())
        lefts.add(tab.report.mapTo(tab, QPoint(0, 0)).x())  # the fields do not move sideways
    assert len(tops) == 1, tops
    assert len(lefts) == 1, lefts
    # Rows for the filters a report does not take are hidden, not left blank in place.
    _choose(tab, "patients")
    assert not any(tab._form.isRowVisible(combo) for combo in tab.filters.values())


def test_sheet_choice_is_as_wide_as_its_longest_name(qtbot, page):
    tab = page.reports
    _choose(tab, "waiting")
    _preview(qtbot, tab)
    names = [tab.sheet.itemText(i) for i in range(tab.sheet.count())]
    assert len(names) == 4
    longest = max(tab.sheet.fontMetrics().horizontalAdvance(name) for name in names)

    def text_room() -> int:
        option = QStyleOptionComboBox()
        tab.sheet.initStyleOption(option)
        field = QStyle.SubControl.SC_ComboBoxEditField
        rect = tab.sheet.style().subControlRect(
            QStyle.ComplexControl.CC_ComboBox, option, field, tab.sheet
        )
        return rect.width()

    qtbot.waitUntil(lambda: text_room() >= longest, timeout=5_000)
    page.resize(200, page.height())  # a narrow window does not squeeze it either
    QApplication.sendPostedEvents()
    page.layout().activate()
    tab.layout().activate()
    assert text_room() >= longest


def test_save_dialog_opens_in_documents_then_in_the_last_folder(qtbot, page, tmp_path, monkeypatch):
    documents = tmp_path / "Документы"
    documents.mkdir()
    monkeypatch.setattr(
        QStandardPaths,
        "writableLocation",
        staticmethod(
            lambda location: (
                str(documents)
                if location == QStandardPaths.StandardLocation.DocumentsLocation
                else ""
            )
        ),
    )
    tab = page.reports
    _choose(tab, "appointments")
    tab.choose_file()
    dialog = tab.save_dialog
    assert isinstance(dialog, QFileDialog) and dialog.isVisible()
    name = export_file_name(tab._info().title, MON, TUE)
    assert Path(dialog.directory().absolutePath()) == documents
    assert [Path(f) for f in dialog.selectedFiles()] == [documents / name]
    assert not set(name) & set('/\\:*?"<>|')
    # Qt's own labels are Russian too (qtbase_ru.qm, accelerators included).
    labels = {label.text() for label in dialog.findChildren(QLabel)}
    assert {"&Перейти к:", "&Имя файла:", "&Типы файлов:"} <= labels, labels

    chosen = tmp_path / "Отчёты"
    chosen.mkdir()
    with qtbot.waitSignal(tab.export_ended, timeout=30_000):
        dialog.selectFile(str(chosen / "register.xlsx"))
        dialog.accept()
    assert (chosen / "register.xlsx").exists()
    assert tab.export_folder() == chosen  # remembered on this workstation
    tab.choose_file()
    assert Path(tab.save_dialog.directory().absolutePath()) == chosen
    tab.save_dialog.reject()

    chosen.joinpath("register.xlsx").unlink()
    chosen.rmdir()  # a remembered folder that is gone: back to Documents
    assert tab.export_folder() == documents


def test_qt_file_dialog_texts_are_russian(qapp):
    assert QCoreApplication.translate("QFileDialog", "Look in:") == "Перейти к:"
    assert QCoreApplication.translate("QFileDialog", "&Look in:") == "&Перейти к:"
    assert QCoreApplication.translate("QFileDialog", "Files of &type:") == "&Типы файлов:"
    # Texts nobody translated stay as they are (never empty).
    assert QCoreApplication.translate("QFileDialog", "&Not a Qt text") == "&Not a Qt text"
    assert QCoreApplication.translate("Nowhere", "Plain") == "Plain"


def test_reports_speak_russian(qtbot, page):
    """Names, sheets and headers come from the catalogue (context «reports»)."""
    tab = page.reports
    titles = [tab.report.itemText(i) for i in range(tab.report.count())]
    assert titles == [
        "Журнал записей", "Загрузка врачей", "Неявки и поздние отмены", "Направления",
        "Лист ожидания и приоритетные заявки", "Платные услуги", "Оценки пациентов",
        "Пациенты",
    ]  # fmt: skip
    _choose(tab, "appointments")
    _preview(qtbot, tab)
    assert [tab.sheet.itemText(i) for i in range(tab.sheet.count())] == ["Записи"]
    headers = tab.model.header_labels()
    assert list(headers[:6]) == ["Дата", "Начало", "Окончание", "Врач", "Специальность", "Филиал"]
    assert "Дата рождения" in headers and "Вид приёма" in headers
    _choose(tab, "workload")
    _preview(qtbot, tab)
    assert [tab.sheet.itemText(i) for i in range(tab.sheet.count())] == [
        "По врачам", "По дням", "По неделям", "Динамика",
    ]  # fmt: skip
    assert "Загрузка, %" in tab.model.header_labels()
    assert tab.suggested_path().name == "Загрузка врачей 14.04.2025-15.04.2025.xlsx"
