"""The Reports tab against a real database: preview, export with the progress dialog, cancel."""

from __future__ import annotations

import openpyxl
import pytest
import sqlalchemy as sa
from PySide6.QtWidgets import QLabel, QPushButton

from crm.models import JournalEntry
from crm.views.reports.page import ReportsPage, reports_page
from crm.views.reports.reports_tab import ReportsTab
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


def test_registrar_sees_a_notice(qtbot, make_context):
    widget = reports_page(make_context("boris"))
    qtbot.addWidget(widget)
    assert widget.findChild(QLabel, "reportsNotAllowed") is not None
    assert widget.tabs is None
