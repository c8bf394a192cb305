"""The working-hours editor driven from the Schedule page, against the real database."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from PySide6.QtCore import QCoreApplication, QDate, QDateTime, Qt, QTime
from PySide6.QtWidgets import QAbstractButton, QMessageBox, QWidget

from crm.controllers.schedule.hours_tray import AffectedAppointment, HoursChange
from crm.db.database import Database
from crm.models import Appointment, Doctor, JournalEntry, Room, ScheduleException, ScheduleTemplate
from crm.models.enums import ExceptionKind
from crm.views import AppContext
from crm.views.schedule.hours_dialog import LISTED, WorkingHoursDialog
from crm.views.schedule.hours_forms import ExceptionEditor
from crm.views.schedule.page import SchedulePage
from tests import factories as f
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


def open_dialog(qtbot, context: AppContext, clinic: ScheduleClinic) -> WorkingHoursDialog:
    """The editor on its own (no schedule page), on Петров."""
    doctors = [(clinic.petrov, "Петров П. П."), (clinic.sidorova, "Сидорова П. П."),
               (clinic.kuznetsov, "Кузнецов П. П.")]  # fmt: skip
    dialog = WorkingHoursDialog(context, doctors, clinic.petrov)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.hours is not None, timeout=TIMEOUT)
    return dialog


def button(box: QMessageBox, role: QMessageBox.ButtonRole) -> QAbstractButton:
    return next(b for b in box.buttons() if box.buttonRole(b) == role)


def ask_to_save(qtbot, dialog: WorkingHoursDialog, editor: QWidget) -> QMessageBox:
    """Press Save on ``editor`` and wait for the question about the moved appointments."""
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: dialog.confirm_box is not None, timeout=TIMEOUT)
    box = dialog.confirm_box
    assert box is not None and box.isVisible()
    assert box.windowModality() == Qt.WindowModality.WindowModal  # open(), not exec()
    assert box.buttonRole(box.defaultButton()) == QMessageBox.ButtonRole.RejectRole
    assert box.escapeButton() is box.defaultButton()
    return box


def whole_day(editor: ExceptionEditor, day: dt.date, kind: ExceptionKind, reason: str) -> None:
    editor.kind.setCurrentIndex(editor.kind.findData(kind.value))
    start = QDate(day.year, day.month, day.day)
    assert editor.whole_days.isChecked()  # the default: days, the last one included
    editor.starts_at.setDateTime(QDateTime(start, QTime(0, 0)))
    editor.ends_at.setDateTime(QDateTime(start, QTime(0, 0)))
    editor.reason.setText(reason)


def exception_count(database: Database) -> int:
    with database.sessions() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(ScheduleException)) or 0


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
    assert not dialog.read_only_note.isVisible()  # a manager edits

    qtbot.mouseClick(dialog.add_exception_button, Qt.MouseButton.LeftButton)
    editor = dialog.exception_editor
    assert editor.isVisible()
    editor.kind.setCurrentIndex(editor.kind.findData(ExceptionKind.SICK_LEAVE.value))
    day = QDate(c.day.year, c.day.month, c.day.day)
    # Whole days, «по» the same day: the form asks for that day from 00:00 to 24:00.
    editor.starts_at.setDateTime(QDateTime(day, QTime(0, 0)))
    editor.ends_at.setDateTime(QDateTime(day, QTime(0, 0)))
    tz = ZoneInfo("Europe/Moscow")
    asked = editor.form(tz)
    assert (asked.starts_at, asked.ends_at) == (f.at(c.day, "00:00"), f.at(c.day, "00:00")
                                                + dt.timedelta(days=1))  # fmt: skip
    # Unticked, the same period in exact times; ticked again, back to days.
    editor.whole_days.setChecked(False)
    assert editor.form(tz).ends_at == asked.ends_at
    assert editor.ends_at.dateTime() == QDateTime(day.addDays(1), QTime(0, 0))
    editor.whole_days.setChecked(True)
    assert editor.form(tz) == asked
    # «С» moved past «По» brings «По» along.
    editor.starts_at.setDateTime(QDateTime(day.addDays(3), QTime(0, 0)))
    assert editor.ends_at.date() == day.addDays(3)
    editor.starts_at.setDateTime(QDateTime(day, QTime(0, 0)))
    assert editor.ends_at.date() == day.addDays(3)  # moving back leaves it
    editor.ends_at.setDateTime(QDateTime(day, QTime(0, 0)))

    # No reason yet: refused naming the field, and what was typed stays.
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.message_bar.kind == "error", timeout=TIMEOUT)
    assert "причин" in dialog.message_bar.text().lower()
    assert editor.isVisible() and editor.reason.styleSheet()
    assert editor.current_kind() is ExceptionKind.SICK_LEAVE

    editor.reason.setText("больничный лист")  # keyClicks types only ASCII
    page: SchedulePage = dialog.page  # type: ignore[attr-defined]
    # Two booked patients would lose the doctor: asked first, «Back» by default.
    box = ask_to_save(qtbot, dialog, editor)
    assert "2" in box.text() and "Соколова" in box.informativeText()
    assert held_ids(gui_database) == set()  # the question wrote nothing
    with qtbot.waitSignal(dialog.hours_changed, timeout=TIMEOUT):
        button(box, QMessageBox.ButtonRole.AcceptRole).click()
    assert dialog.confirm_box is None
    assert not editor.isVisible()
    assert dialog.message_bar.kind == "warning"
    assert "Лист переноса" in dialog.message_bar.text() or "лист переноса" in (
        dialog.message_bar.text()
    )
    assert held_ids(gui_database) == {c.first, c.second}
    qtbot.waitUntil(lambda: page.tray.count() == 2, timeout=TIMEOUT)
    # The doctor's column says why the day is not worked, and until when.

    def petrov_header() -> tuple[str, ...]:
        column = next(column for column in page.grid.columns if column.doctor.id == c.petrov)
        return page.grid.header_lines(column)

    qtbot.waitUntil(lambda: petrov_header()[2] == f"Больничный до {c.day:%d.%m}", timeout=TIMEOUT)
    qtbot.waitUntil(lambda: dialog.exceptions.rowCount() == 1, timeout=TIMEOUT)
    # Listed as entered: whole days, «с … по …» the same day.
    shown = [dialog.exceptions.index(0, column).data() for column in (1, 2)]
    assert shown == [f"{c.day:%d.%m.%Y}", f"{c.day:%d.%m.%Y}"]

    # Calling the sick leave off brings them back.
    dialog.exception_view.selectRow(0)
    qtbot.mouseClick(dialog.remove_exception_button, Qt.MouseButton.LeftButton)
    # Counted first: the question says that the two come back out of the tray.
    qtbot.waitUntil(dialog.message_bar.first_button.isVisible, timeout=TIMEOUT)
    assert "Вернутся из листа переноса: 2" in dialog.message_bar.text()
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
    assert dialog.read_only_note.isVisible()
    assert "меняет менеджер" in dialog.read_only_note.text()
    dialog.new_exception()
    assert not dialog.exception_editor.isVisible()
    dialog.close()


def test_back_from_the_question_saves_nothing_and_keeps_the_form(
    qtbot, make_context, gui_database: Database, clinic: ScheduleClinic
) -> None:
    c = clinic
    dialog = open_dialog(qtbot, make_context("anna"), c)
    with gui_database.sessions() as session:
        journal_before = session.scalars(sa.select(JournalEntry.id).order_by(JournalEntry.id)).all()
    dialog.new_exception()
    editor = dialog.exception_editor
    whole_day(editor, c.day, ExceptionKind.VACATION, "ежегодный отпуск")

    box = ask_to_save(qtbot, dialog, editor)
    lines = box.informativeText().splitlines()
    assert len(lines) == 2  # 09:30 Соколова, 11:00 Лебедев
    assert lines[0].startswith(f"• {c.day:%d.%m.%Y} 09:30 Соколова")
    assert lines[1].startswith(f"• {c.day:%d.%m.%Y} 11:00 Лебедев")
    # Neither patient consented to messages: the desk is told to call them.
    assert all("+7 (916) " in line for line in lines)  # formatted as people dictate it
    button(box, QMessageBox.ButtonRole.RejectRole).click()
    qtbot.waitUntil(lambda: dialog._context.runner.idle, timeout=TIMEOUT)

    assert dialog.confirm_box is None
    assert exception_count(gui_database) == 0 and held_ids(gui_database) == set()
    with gui_database.sessions() as session:
        journal_after = session.scalars(sa.select(JournalEntry.id).order_by(JournalEntry.id)).all()
    assert journal_after == journal_before
    assert editor.isVisible()  # what was typed is still there
    assert editor.current_kind() is ExceptionKind.VACATION
    assert editor.reason.text() == "ежегодный отпуск"
    assert editor.starts_at.dateTime().date() == QDate(c.day.year, c.day.month, c.day.day)
    assert dialog.message_bar.kind == ""

    # Asked again and confirmed this time: saved, and exactly those two are moved.
    box = ask_to_save(qtbot, dialog, editor)
    with qtbot.waitSignal(dialog.hours_changed, timeout=TIMEOUT):
        button(box, QMessageBox.ButtonRole.AcceptRole).click()
    assert exception_count(gui_database) == 1
    assert held_ids(gui_database) == {c.first, c.second}
    assert dialog.message_bar.kind == "warning" and not editor.isVisible()


def test_a_change_that_moves_nobody_is_saved_without_a_question(
    qtbot, make_context, gui_database: Database, clinic: ScheduleClinic
) -> None:
    c = clinic
    dialog = open_dialog(qtbot, make_context("anna"), c)
    dialog.new_exception()
    editor = dialog.exception_editor
    whole_day(editor, c.day + dt.timedelta(days=1), ExceptionKind.TRAINING, "курсы")
    with qtbot.waitSignals([dialog.hours_changed, dialog.loaded], timeout=TIMEOUT):
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert dialog.confirm_box is None
    assert exception_count(gui_database) == 1 and held_ids(gui_database) == set()
    assert dialog.message_bar.kind == "done" and not editor.isVisible()


def test_a_template_change_over_booked_patients_asks_first(
    qtbot, make_context, gui_database: Database, clinic: ScheduleClinic
) -> None:
    c = clinic
    dialog = open_dialog(qtbot, make_context("anna"), c)
    weekday = c.day.isoweekday()
    row = next(
        n for n in range(dialog.templates.rowCount()) if dialog.templates.row(n).weekday == weekday
    )
    dialog.template_view.selectRow(row)
    dialog.edit_template()
    editor = dialog.template_editor
    editor.ends.setTime(QTime(11, 0))  # 09:00–11:00: Лебедев at 11:00 falls out
    box = ask_to_save(qtbot, dialog, editor)
    assert "Лебедев" in box.informativeText() and "Соколова" not in box.informativeText()
    with qtbot.waitSignal(dialog.hours_changed, timeout=TIMEOUT):
        button(box, QMessageBox.ButtonRole.AcceptRole).click()
    assert held_ids(gui_database) == {c.second}


def test_many_moved_appointments_are_listed_in_part(
    qtbot, make_context, gui_database: Database, clinic: ScheduleClinic
) -> None:
    c = clinic
    with gui_database.sessions() as session, session.begin():
        doctor = session.get(Doctor, c.petrov)
        assert doctor is not None
        for n in range(LISTED + 3):
            person = f.patient(session, f"Пациентов{n}")
            f.appointment(session, doctor, person, f.at(c.day + dt.timedelta(days=1), "09:00")
                          + dt.timedelta(minutes=15 * n))  # fmt: skip
    dialog = open_dialog(qtbot, make_context("anna"), c)
    dialog.new_exception()
    editor = dialog.exception_editor
    whole_day(editor, c.day + dt.timedelta(days=1), ExceptionKind.SICK_LEAVE, "больничный")
    box = ask_to_save(qtbot, dialog, editor)
    assert str(LISTED + 3) in box.text()
    lines = box.informativeText().splitlines()
    assert len(lines) == LISTED + 1 and "3" in lines[-1] and "•" not in lines[-1]
    button(box, QMessageBox.ButtonRole.RejectRole).click()
    assert exception_count(gui_database) == 0


def test_the_outcome_lists_in_part_says_who_was_told_and_names_patients_in_the_clinic(
    qtbot, make_context, clinic: ScheduleClinic
) -> None:
    dialog = open_dialog(qtbot, make_context("anna"), clinic)
    at = f.at(clinic.day, "09:00")

    def affected(n: int, notices: int) -> AffectedAppointment:
        return AffectedAppointment(n, at + dt.timedelta(minutes=15 * n), f"Пациентов{n} И.",
                                   "+79161234567", notices)  # fmt: skip

    change = HoursChange(
        held=tuple(affected(n, n % 2) for n in range(LISTED + 7)),
        released=(affected(90, 1), affected(91, 0)),
        present=(affected(95, 0),),
    )
    kind, text = dialog.describe_change(change)
    lines = text.split("<br>")
    assert kind == "warning"
    held_lines = [line for line in lines if "Пациентов" in line and int(
        line.split("Пациентов")[1].split()[0]) < 90]  # fmt: skip
    assert len(held_lines) == LISTED  # not 12: the dialog keeps its size
    assert "…и ещё 7" in text
    assert "позвоните +7 (916) 123-45-67" in text  # the number as people dictate it
    assert "(сообщено, что визит в силе: 1)" in text
    assert "Пациенты уже в клинике: 1" in text and "Пациентов95" in text
    dialog.close()


def test_a_refusal_goes_with_cancel_a_new_form_and_another_doctor(
    qtbot, make_context, clinic: ScheduleClinic
) -> None:
    c = clinic
    dialog = open_dialog(qtbot, make_context("anna"), c)
    editor = dialog.template_editor

    def refuse() -> None:
        dialog.new_template()
        editor.starts.setTime(QTime(14, 0))
        editor.ends.setTime(QTime(10, 0))
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.message_bar.kind == "error", timeout=TIMEOUT)
        assert editor.ends.styleSheet()  # the field named is outlined

    refuse()
    qtbot.mouseClick(editor.cancel_button, Qt.MouseButton.LeftButton)
    assert dialog.message_bar.kind == "" and not dialog.message_bar.isVisible()
    assert not editor.isVisible() and not editor.ends.styleSheet()

    refuse()
    dialog.new_template()  # the form starts again: so does the bar
    assert dialog.message_bar.kind == "" and not editor.ends.styleSheet()

    refuse()
    choose_doctor(qtbot, dialog, c.sidorova)
    assert dialog.message_bar.kind == "" and not editor.isVisible()
    assert not editor.ends.styleSheet()

    # The exception form too.
    dialog.new_exception()
    exception = dialog.exception_editor
    exception.reason.setText("курсы")
    exception.ends_at.setDateTime(exception.starts_at.dateTime().addSecs(-3600))
    qtbot.mouseClick(exception.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.message_bar.kind == "error", timeout=TIMEOUT)
    assert exception.ends_at.styleSheet()
    qtbot.mouseClick(exception.cancel_button, Qt.MouseButton.LeftButton)
    assert dialog.message_bar.kind == "" and not exception.ends_at.styleSheet()


def test_the_doctors_own_room_is_named_and_the_holidays_column_explained(
    qtbot, make_context, gui_database: Database, clinic: ScheduleClinic
) -> None:
    c = clinic
    with gui_database.sessions() as session, session.begin():
        doctor = session.get(Doctor, c.kuznetsov)
        assert doctor is not None
        room = Room(branch_id=doctor.branch_id, number="105")
        session.add(room)
        session.flush()
        doctor.default_room_id = room.id
        saturday = session.scalars(
            sa.select(ScheduleTemplate).where(
                ScheduleTemplate.doctor_id == c.kuznetsov, ScheduleTemplate.weekday == 6
            )
        ).one()
        saturday.room_id = None  # the doctor's own room
        sunday = session.scalars(
            sa.select(ScheduleTemplate).where(
                ScheduleTemplate.doctor_id == c.petrov, ScheduleTemplate.weekday == 7
            )
        ).one()
        sunday.room_id = None  # Петров has no room of his own
    dialog = open_dialog(qtbot, make_context("boris"), c)

    def room_cells() -> dict[int, str]:
        model = dialog.templates
        return {
            model.row(n).weekday: model.data(model.index(n, 2)) for n in range(model.rowCount())
        }

    assert room_cells()[7] == "свой кабинет"
    assert room_cells()[1] == "101"
    choose_doctor(qtbot, dialog, c.kuznetsov)
    assert room_cells()[6] == "свой кабинет (105)"
    assert dialog.template_editor.room.itemText(0).endswith("(105)")  # the form's choice
    assert room_cells()[1] == "102"
    assert "—" not in room_cells().values()
    tip = dialog.templates.headerData(5, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert "работает в праздничные дни" in tip
    assert dialog.templates.headerData(
        5, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole
    ) == QCoreApplication.translate("WorkingHoursDialog", "Holidays")


def test_removing_hours_says_first_how_many_appointments_go_to_the_tray(
    qtbot, make_context, gui_database: Database, clinic: ScheduleClinic
) -> None:
    c = clinic
    dialog = open_dialog(qtbot, make_context("anna"), c)
    row = next(
        n for n in range(dialog.templates.rowCount())
        if dialog.templates.row(n).weekday == c.day.isoweekday()
    )  # fmt: skip
    dialog.template_view.selectRow(row)
    dialog.ask_remove_template()
    assert dialog.message_bar.text() == "Проверяем записи пациентов…"
    qtbot.waitUntil(lambda: dialog.message_bar.kind == "warning", timeout=TIMEOUT)
    text = dialog.message_bar.text()
    assert "Записей в этих часах: 2" in text and "Соколова" in text and "Лебедев" in text
    assert held_ids(gui_database) == set()  # counted, nothing written
    with qtbot.waitSignal(dialog.hours_changed, timeout=TIMEOUT):
        dialog.message_bar.first_button.click()  # «Удалить»
    assert held_ids(gui_database) == {c.first, c.second}

    # Hours whose removal moves nobody are asked about plainly.
    other = next(
        n for n in range(dialog.templates.rowCount())
        if dialog.templates.row(n).weekday != c.day.isoweekday()
    )  # fmt: skip
    dialog.template_view.selectRow(other)
    dialog.ask_remove_template()
    qtbot.waitUntil(lambda: dialog.message_bar.kind == "info" and "?" in dialog.message_bar.text(),
                    timeout=TIMEOUT)  # fmt: skip
    assert "Записи пациентов не затронуты" in dialog.message_bar.text()
    dialog.message_bar.second_button.click()  # «Оставить»
    assert dialog.message_bar.kind == ""
    dialog.close()
