"""The working-hours editor driven from the Schedule page, against the real database."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from PySide6.QtCore import QDate, QDateTime, Qt, QTime

from crm.db.database import Database
from crm.models import Appointment, ScheduleException
from crm.models.enums import ExceptionKind
from crm.views import AppContext
from crm.views.schedule.hours_dialog import WorkingHoursDialog
from crm.views.schedule.page import SchedulePage
from tests.gui.conftest import OFFSCREEN_NOISE
from tests.gui.test_schedule_grid import ScheduleClinic, make_schedule_clinic
from tests.gui.test_schedule_page import TIMEOUT, wait_idle

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)


@pytest.fixture
def clinic(gui_database: Database) -> ScheduleClinic:
    return make_schedule_clinic(gui_database)


def open_hours(qtbot, context: AppContext, clinic: ScheduleClinic) -> WorkingHoursDialog:
    page = SchedulePage(context)
    qtbot.addWidget(page)
    page.resize(1400, 900)
    page.show()
    page.activate()
    with qtbot.waitSignal(page.loaded, timeout=TIMEOUT):
        page.set_day(clinic.day)
    wait_idle(qtbot, page)
    page.grid.setFocus()
    with qtbot.waitSignal(page.loaded, timeout=TIMEOUT, raising=False):
        pass
    dialog = page.open_hours()
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.hours is not None, timeout=TIMEOUT)
    dialog.page = page  # type: ignore[attr-defined]  (for the test's own use)
    return dialog


def choose_doctor(qtbot, dialog: WorkingHoursDialog, doctor_id: int) -> None:
    if dialog.doctor_id != doctor_id:
        with qtbot.waitSignal(dialog.loaded, timeout=TIMEOUT):
            dialog.doctor_combo.setCurrentIndex(dialog.doctor_combo.findData(doctor_id))


def held_ids(database: Database) -> set[int]:
    with database.sessions() as session:
        return set(
            session.scalars(sa.select(Appointment.id).where(Appointment.in_holding_tray.is_(True)))
        )


def test_a_manager_enters_a_vacation_and_the_appointments_go_to_the_tray(
    qtbot, make_context, gui_database: Database, clinic: ScheduleClinic
) -> None:
    c = clinic
    dialog = open_hours(qtbot, make_context("anna"), c)
    choose_doctor(qtbot, dialog, c.petrov)
    assert dialog.templates.rowCount() == 7  # every day of the week

    qtbot.mouseClick(dialog.add_exception_button, Qt.MouseButton.LeftButton)
    editor = dialog.exception_editor
    assert editor.isVisible()
    editor.kind.setCurrentIndex(editor.kind.findData(ExceptionKind.SICK_LEAVE.value))
    day = QDate(c.day.year, c.day.month, c.day.day)
    editor.starts_at.setDateTime(QDateTime(day, QTime(0, 0)))
    editor.ends_at.setDateTime(QDateTime(day.addDays(1), QTime(0, 0)))

    # No reason yet: refused naming the field, and what was typed stays.
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.message_bar.kind == "error", timeout=TIMEOUT)
    assert "причин" in dialog.message_bar.text().lower()
    assert editor.isVisible() and editor.reason.styleSheet()
    assert editor.current_kind() is ExceptionKind.SICK_LEAVE

    editor.reason.setText("больничный лист")  # keyClicks types only ASCII
    page: SchedulePage = dialog.page  # type: ignore[attr-defined]
    with qtbot.waitSignal(dialog.hours_changed, timeout=TIMEOUT):
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert not editor.isVisible()
    assert dialog.message_bar.kind == "warning"
    assert "Лист переноса" in dialog.message_bar.text() or "лист переноса" in (
        dialog.message_bar.text()
    )
    assert held_ids(gui_database) == {c.first, c.second}
    qtbot.waitUntil(lambda: page.tray.count() == 2, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: dialog.exceptions.rowCount() == 1, timeout=TIMEOUT)

    # Calling the sick leave off brings them back.
    dialog.exception_view.selectRow(0)
    qtbot.mouseClick(dialog.remove_exception_button, Qt.MouseButton.LeftButton)
    assert dialog.message_bar.kind == "warning"
    with qtbot.waitSignal(dialog.hours_changed, timeout=TIMEOUT):
        qtbot.mouseClick(dialog.message_bar.first_button, Qt.MouseButton.LeftButton)
    assert held_ids(gui_database) == set()
    with gui_database.sessions() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(ScheduleException)) == 0
    qtbot.waitUntil(lambda: page.tray.count() == 0, timeout=TIMEOUT)
    dialog.close()


def test_a_manager_adds_weekly_hours_and_a_bad_room_is_named(
    qtbot, make_context, gui_database: Database, clinic: ScheduleClinic
) -> None:
    c = clinic
    dialog = open_hours(qtbot, make_context("anna"), c)
    choose_doctor(qtbot, dialog, c.kuznetsov)
    before = dialog.templates.rowCount()
    qtbot.mouseClick(dialog.edit_template_button, Qt.MouseButton.LeftButton)
    assert not dialog.template_editor.isVisible()  # nothing selected: nothing to change
    dialog.template_view.selectRow(0)
    qtbot.mouseClick(dialog.edit_template_button, Qt.MouseButton.LeftButton)
    editor = dialog.template_editor
    assert editor.isVisible() and editor.editing_id is not None
    # Кузнецов's hours, 14:00–18:00, moved to the morning into room 101: Петров's room then.
    editor.starts.setTime(QTime(9, 0))
    editor.ends.setTime(QTime(11, 0))
    editor.room.setCurrentIndex(editor.room.findText("101"))
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.message_bar.kind == "error", timeout=TIMEOUT)
    assert "Петров" in dialog.message_bar.text() and editor.room.styleSheet()
    assert editor.starts.time() == QTime(9, 0)  # kept

    editor.room.setCurrentIndex(editor.room.findText("102"))  # Сидорова's from 11:00 only
    with qtbot.waitSignals([dialog.hours_changed, dialog.loaded], timeout=TIMEOUT):
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert dialog.message_bar.kind == "done"
    assert dialog.templates.rowCount() == before
    changed = [
        dialog.templates.row(n)
        for n in range(dialog.templates.rowCount())
        if dialog.templates.row(n).starts == dt.time(9, 0)
    ]
    assert len(changed) == 1
    dialog.close()


def test_a_registrar_looks_but_cannot_change(qtbot, make_context, clinic: ScheduleClinic) -> None:
    dialog = open_hours(qtbot, make_context("boris"), clinic)
    assert dialog.templates.rowCount() > 0
    for button in (dialog.add_template_button, dialog.add_exception_button):
        assert not button.isEnabled() and button.toolTip()
    dialog.new_exception()
    assert not dialog.exception_editor.isVisible()
    dialog.close()
