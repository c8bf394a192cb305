"""The Schedule section against the real database: loading, drag and drop through the
actions and the controllers, refusals, live updates from another workstation, the week
view, the holding tray and the remembered column order."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from PySide6.QtCore import QDate, QObject, Qt, Signal
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox
from sqlalchemy.orm import sessionmaker

from crm.controllers.access import auth
from crm.controllers.waiting import queue
from crm.crypto import generate_key_file
from crm.db.database import Database
from crm.models import Appointment, ScheduleTemplate, WaitingListEntry
from crm.models.enums import AppointmentStatus, ContactChannel, Role, WaitingStatus
from crm.views import AppContext
from crm.views.events import ChangeEvents
from crm.views.main_window import SCHEDULE, MainWindow
from crm.views.schedule import column_order, page_data
from crm.views.schedule.grid import appointment_mime
from crm.views.schedule.page import WEEK, SchedulePage
from crm.views.schedule.service_choice import ServiceChoiceDialog
from crm.views.schedule.week_view import WeekView, week_of
from tests import factories as f
from tests.gui.conftest import OFFSCREEN_NOISE, PASSWORD
from tests.gui.test_schedule_grid import (
    MENU_NOISE,
    ScheduleClinic,
    cell_at,
    future_weekday,
    make_schedule_clinic,
    send_drag,
)

TIMEOUT = 10_000
S = AppointmentStatus


class FakeEvents(QObject):
    """Change notices on demand (no listener): only what the test emits arrives."""

    changed = Signal(dict)
    connection_state = Signal(bool, str)
    connected = True
    detail = ""


@pytest.fixture
def schedule_clinic(gui_database: Database) -> ScheduleClinic:
    return make_schedule_clinic(gui_database)


@pytest.fixture
def registrar(make_context) -> AppContext:
    return make_context("boris")


@pytest.fixture
def open_page(qtbot, gui_database: Database) -> Callable[..., SchedulePage]:
    def open_(context: AppContext, clinic: ScheduleClinic | None = None) -> SchedulePage:
        page = SchedulePage(context)
        qtbot.addWidget(page)
        page.resize(1400, 1250)  # the whole day in view: drops land where aimed
        page.show()
        page.activate()
        day = clinic.day if clinic else future_weekday()
        with qtbot.waitSignal(page.loaded, timeout=TIMEOUT):
            page.set_day(day)
        wait_idle(qtbot, page)
        return page

    return open_


def hold(database: Database, appointment_id: int) -> None:
    """Put the appointment in the holding tray (as a change of hours would)."""
    with database.sessions() as session, session.begin():
        session.get(Appointment, appointment_id).in_holding_tray = True


def wait_idle(qtbot, page: SchedulePage) -> None:
    qtbot.waitUntil(lambda: not page.loading and page._context.runner.idle, timeout=TIMEOUT)


def status_in_db(database: Database, appointment_id: int) -> tuple[S, dt.datetime, int]:
    with database.sessions() as session:
        row = session.get(Appointment, appointment_id)
        assert row is not None
        return row.status, row.starts_at, row.doctor_id


def live_at(database: Database, doctor_id: int, starts: dt.datetime) -> Appointment | None:
    with database.sessions() as session:
        return session.scalars(
            sa.select(Appointment).where(
                Appointment.doctor_id == doctor_id,
                Appointment.starts_at == starts,
                Appointment.status == S.BOOKED,
            )
        ).one_or_none()


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])
def test_the_page_opens_on_the_clinic_s_today_not_the_workstation_s(
    qtbot, registrar: AppContext, zone: str
) -> None:
    # UTC+14 and UTC−11: at least one of them is not on the machine's date.
    context = dataclasses.replace(
        registrar, actor=dataclasses.replace(registrar.actor, clinic_timezone=zone)
    )
    page = SchedulePage(context)
    qtbot.addWidget(page)
    expected = dt.datetime.now(ZoneInfo(zone)).date()
    assert page.day == expected
    assert page.date_edit.date() == QDate(expected.year, expected.month, expected.day)


def test_the_page_shows_the_day_and_filters_by_specialty(
    qtbot, registrar: AppContext, open_page, schedule_clinic: ScheduleClinic
) -> None:
    c = schedule_clinic
    page = open_page(registrar)
    assert {column.doctor.id for column in page.grid.columns} == {c.petrov, c.sidorova, c.kuznetsov}
    assert {column.day for column in page.grid.columns} == {c.day}
    first = page.grid.appointment(c.first)
    assert first is not None
    # The blocks' labels are prepared on the runner's thread, beside the query.
    taken: list = []
    page.grid.learn_labels = taken.append  # type: ignore[method-assign]
    with qtbot.waitSignal(page.loaded, timeout=TIMEOUT):
        page.refresh()
    (prepared,) = taken
    assert {key[0] for key in prepared.lines} == {c.first, c.second, c.third}
    assert page.status_label.text() == "Врачей: 3, записей: 3"
    assert page.date_edit.date().toString("dd.MM.yyyy") == f"{c.day:%d.%m.%Y}"
    assert "Alt+" in page.today_button.toolTip()
    # Beside the sections list the page fits a 1280-pixel desk screen.
    assert page.minimumSizeHint().width() <= 1100
    qtbot.waitUntil(lambda: page.specialty_combo.count() > 1, timeout=TIMEOUT)
    assert page.specialty_combo.itemText(0) == "Все специальности"
    with qtbot.waitSignal(page.loaded, timeout=TIMEOUT):
        page.specialty_combo.setCurrentIndex(page.specialty_combo.findText("Кардиолог"))
    assert [column.doctor.id for column in page.grid.columns] == [c.kuznetsov]
    # Alt+Right goes to the next day.
    with qtbot.waitSignal(page.loaded, timeout=TIMEOUT):
        qtbot.keyClick(page.grid, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert page.day == c.day + dt.timedelta(days=1)


def test_while_another_day_loads_the_old_one_is_greyed_and_closed_to_booking(
    qtbot, registrar: AppContext, open_page, schedule_clinic: ScheduleClinic
) -> None:
    c = schedule_clinic
    page = open_page(registrar)
    grid = page.grid
    grid.set_cursor(cell_at(grid, c.petrov, c.day, "12:00"))
    asked: list[tuple[int, dt.datetime]] = []
    grid.schedule_actions.book = lambda doctor, starts: asked.append((doctor.id, starts))
    with qtbot.waitSignal(page.loaded, timeout=TIMEOUT):
        page.set_day(c.day + dt.timedelta(days=1))
        # The answer comes through the event loop: until then the old day is shown.
        assert grid.outdated
        qtbot.keyClick(grid, Qt.Key.Key_Return)
        assert asked == []  # not booked into the day that is no longer chosen
    assert not grid.outdated
    qtbot.keyClick(grid, Qt.Key.Key_Return)
    next_day = c.day + dt.timedelta(days=1)
    assert [(doctor, starts.date()) for doctor, starts in asked] == [(c.petrov, next_day)]


def test_a_doctor_starts_on_the_own_column_and_prints_the_own_day_list(
    qtbot, make_context, open_page, gui_database: Database, schedule_clinic: ScheduleClinic
) -> None:
    c = schedule_clinic
    auth.add_user(
        gui_database.sessions, "kuz", PASSWORD, Role.DOCTOR, "Кузнецов К. К.",
        doctor_id=c.kuznetsov,
    )  # fmt: skip
    page = open_page(make_context("kuz"))
    column = page.grid.current_column()
    assert column is not None and column.doctor.id == c.kuznetsov
    assert page.grid.columns[0].doctor.id == c.kuznetsov  # the own column leads
    assert page.grid.current_start() == f.at(c.day, "14:00")  # the first working slot
    printed: list[tuple[dt.date, int | None]] = []
    page.schedule_actions.print_day_list = lambda *args: printed.append(args)  # type: ignore[method-assign]
    page.print_day_list()
    assert printed == [(c.day, c.kuznetsov)]


def test_a_doctor_s_tray_and_waiting_panel_hold_only_what_the_doctor_could_book(
    qtbot, make_context, open_page, gui_database: Database, schedule_clinic: ScheduleClinic
) -> None:
    c = schedule_clinic
    registrar = make_context("boris")
    hold(gui_database, c.third)  # Петров's
    queue.add_entry(
        gui_database.sessions, registrar.actor, patient_id=c.patients[3], doctor_id=c.petrov,
        wished_from=c.day, wished_to=c.day + dt.timedelta(days=3), channel=ContactChannel.PHONE,
    )  # fmt: skip
    auth.add_user(
        gui_database.sessions, "kuz", PASSWORD, Role.DOCTOR, "Кузнецов К. К.",
        doctor_id=c.kuznetsov,
    )  # fmt: skip
    desk = open_page(registrar, c)
    wait_idle(qtbot, desk)
    assert desk.tray.count() == 1 and desk.waiting_panel.count() == 1
    page = open_page(make_context("kuz"), c)
    wait_idle(qtbot, page)
    assert page.tray.count() == 0 and not page.tray.isVisible()
    assert page.waiting_panel.count() == 0 and not page.waiting_panel.isVisible()


def test_dragging_a_block_to_a_free_slot_moves_it_in_the_database(
    qtbot, registrar: AppContext, gui_database: Database, open_page, schedule_clinic
) -> None:
    c = schedule_clinic
    page = open_page(registrar)
    grid = page.grid
    target = grid.cell_center(cell_at(grid, c.petrov, c.day, "12:15"))
    with qtbot.waitSignal(page.loaded, timeout=TIMEOUT):
        send_drag(grid, appointment_mime(grid.appointment(c.second)), target)
    assert status_in_db(gui_database, c.second)[0] is S.RESCHEDULED
    moved = live_at(gui_database, c.petrov, f.at(c.day, "12:15"))
    assert moved is not None and moved.rescheduled_from_id == c.second
    assert grid.appointment(c.second) is None
    assert grid.appointment(moved.id) is not None
    assert grid.selected_appointment().id == moved.id  # the cursor went with it
    assert page.message_bar.kind == "done"
    assert "Перенесено" in page.message_bar.text() and "12:15" in page.message_bar.text()
    assert grid.appointment(moved.id).patient_short in page.message_bar.text()  # whose visit


def page_with_chosen(open_page, context: AppContext, appointment_id: int) -> SchedulePage:
    """The page open on the clinic's day with the block chosen and the keyboard in the grid."""
    page = open_page(context)
    page.grid.setFocus()
    assert page.grid.select_appointment(appointment_id)
    return page


def test_why_a_key_cannot_act_goes_when_the_cursor_moves_on(
    qtbot, registrar: AppContext, open_page, schedule_clinic
) -> None:
    c = schedule_clinic
    page = page_with_chosen(open_page, registrar, c.second)
    grid = page.grid
    qtbot.keyClick(grid, Qt.Key.Key_F8)  # a no-show before the visit began
    assert page.message_bar.kind == "warning"
    assert page.message_bar.text().startswith("Неявку можно отметить, когда приём начался")
    qtbot.keyClick(grid, Qt.Key.Key_Down)
    assert page.message_bar.kind == ""
    # A refusal of a change made stays, though: it is not about the cell.
    page.message_bar.show_message("error", "Время уже занято")
    qtbot.keyClick(grid, Qt.Key.Key_Down)
    assert page.message_bar.kind == "error"


def test_a_block_is_moved_by_keyboard_and_esc_leaves_it(
    qtbot, registrar: AppContext, gui_database: Database, open_page, schedule_clinic
) -> None:
    c = schedule_clinic
    page = page_with_chosen(open_page, registrar, c.second)
    grid = page.grid
    qtbot.keyClick(grid, Qt.Key.Key_X, Qt.KeyboardModifier.ControlModifier)
    assert grid.moving is not None and grid.moving.id == c.second
    assert page.message_bar.kind == "info" and "Перенос:" in page.message_bar.text()
    # Esc: left where it was, nothing written.
    qtbot.keyClick(grid, Qt.Key.Key_Escape)
    assert grid.moving is None and grid.indicator is None and page.message_bar.kind == ""
    assert status_in_db(gui_database, c.second)[0] is S.BOOKED

    # Onto a taken slot: refused, and still taken to move — another time may be chosen.
    qtbot.keyClick(grid, Qt.Key.Key_X, Qt.KeyboardModifier.ControlModifier)
    first = grid.appointment(c.first)
    grid.set_cursor(grid.grid_layout.cell_of((c.petrov, c.day), first.starts_at))
    with qtbot.waitSignal(page.schedule_actions.refused, timeout=TIMEOUT):
        qtbot.keyClick(grid, Qt.Key.Key_Return)
    assert grid.moving is not None and grid.moving.id == c.second
    assert page.message_bar.kind == "error"
    assert "Выберите другое время" in page.message_bar.text()
    wait_idle(qtbot, page)

    grid.set_cursor(cell_at(grid, c.petrov, c.day, "12:00"))
    qtbot.keyClick(grid, Qt.Key.Key_Down)  # the arrows carry the target along
    target = cell_at(grid, c.petrov, c.day, "12:15")
    assert grid.indicator is not None and grid.indicator[0] == target
    with qtbot.waitSignal(page.loaded, timeout=TIMEOUT):
        qtbot.keyClick(grid, Qt.Key.Key_Return)
    assert status_in_db(gui_database, c.second)[0] is S.RESCHEDULED
    moved = live_at(gui_database, c.petrov, f.at(c.day, "12:15"))
    assert moved is not None and moved.rescheduled_from_id == c.second
    assert grid.moving is None and grid.selected_appointment().id == moved.id
    assert "Перенесено" in page.message_bar.text()

    # To another day: taken here, the day changed, the target follows the cursor there.
    taken = grid.selected_appointment()
    qtbot.keyClick(grid, Qt.Key.Key_X, Qt.KeyboardModifier.ControlModifier)
    grid.set_cursor(cell_at(grid, c.petrov, c.day, "09:00"))
    next_day = c.day + dt.timedelta(days=1)
    with qtbot.waitSignal(page.loaded, timeout=TIMEOUT):
        page.set_day(next_day)
    wait_idle(qtbot, page)
    assert grid.moving is not None and grid.moving.id == taken.id
    assert grid.indicator is not None and grid.indicator[0] == grid.cursor_cell
    grid.set_cursor(cell_at(grid, c.petrov, next_day, "09:30"))
    with qtbot.waitSignal(page.loaded, timeout=TIMEOUT):
        qtbot.keyClick(grid, Qt.Key.Key_Return)
    assert live_at(gui_database, c.petrov, f.at(next_day, "09:30")) is not None
    # Named, though the block is not on the day now shown.
    assert page.message_bar.text().startswith(f"Перенесено: {taken.patient_short} → ")


def test_enter_on_a_held_appointment_takes_it_to_move_to_another_day(
    qtbot, registrar: AppContext, gui_database: Database, open_page, schedule_clinic
) -> None:
    c = schedule_clinic
    hold(gui_database, c.third)
    page = open_page(registrar, c)
    qtbot.waitUntil(lambda: page.tray.count() == 1, timeout=TIMEOUT)
    item = next(
        page.tray.list.item(n) for n in range(page.tray.list.count())
        if page.tray.list.item(n).data(Qt.ItemDataRole.UserRole) == c.third
    )  # fmt: skip
    page.tray.list.setCurrentItem(item)
    qtbot.keyClick(page.tray.list, Qt.Key.Key_Return)
    taken = page.grid.moving
    assert taken is not None and taken.id == c.third
    next_day = c.day + dt.timedelta(days=1)
    with qtbot.waitSignal(page.loaded, timeout=TIMEOUT):
        page.set_day(next_day)
    wait_idle(qtbot, page)
    assert page.grid.moving is not None  # it goes along to the day shown
    assert "Перенос:" in page.message_bar.text()
    # The target follows the cursor onto the new day (not left where it was).
    assert page.grid.indicator is not None
    assert page.grid.indicator[0].row == page.grid.cursor_cell.row
    page.grid.set_cursor(cell_at(page.grid, c.sidorova, next_day, "15:00"))
    with qtbot.waitSignal(page.loaded, timeout=TIMEOUT):
        qtbot.keyClick(page.grid, Qt.Key.Key_Return)
    moved = live_at(gui_database, c.sidorova, f.at(next_day, "15:00"))
    assert moved is not None and moved.rescheduled_from_id == c.third
    assert not moved.in_holding_tray
    # Named although it came from another day: «Перенесено: <patient> → …».
    assert page.message_bar.text().startswith(f"Перенесено: {taken.patient_short} → ")
    qtbot.waitUntil(lambda: page.tray.count() == 0, timeout=TIMEOUT)


@pytest.mark.qt_log_ignore(OFFSCREEN_NOISE, MENU_NOISE)
def test_a_move_to_another_doctor_is_confirmed_first(
    qtbot, registrar: AppContext, gui_database: Database, open_page, schedule_clinic
) -> None:
    c = schedule_clinic
    page = open_page(registrar)
    grid = page.grid
    send_drag(grid, appointment_mime(grid.appointment(c.first)),
              grid.cell_center(cell_at(grid, c.sidorova, c.day, "14:00")))  # fmt: skip
    qtbot.waitUntil(lambda: isinstance(page.schedule_actions.question, QMessageBox),
                    timeout=TIMEOUT)  # fmt: skip
    box = page.schedule_actions.question
    assert isinstance(box, QMessageBox) and box.isVisible()
    yes = next(b for b in box.buttons() if box.buttonRole(b) is QMessageBox.ButtonRole.AcceptRole)
    with qtbot.waitSignal(page.loaded, timeout=TIMEOUT):
        yes.click()
    assert status_in_db(gui_database, c.first)[0] is S.RESCHEDULED
    moved = live_at(gui_database, c.sidorova, f.at(c.day, "14:00"))
    assert moved is not None
    assert moved.ends_at - moved.starts_at == dt.timedelta(minutes=30)  # same duration
    assert grid.appointment(moved.id).doctor_id == c.sidorova


def test_a_refused_drop_leaves_the_block_and_says_why(
    qtbot, registrar: AppContext, gui_database: Database, open_page, schedule_clinic
) -> None:
    c = schedule_clinic
    page = open_page(registrar)
    grid = page.grid
    before = grid.block_viewport_rect(c.second)
    # Onto the first appointment's time: the database refuses (slot taken).
    taken = grid.cell_center(cell_at(grid, c.petrov, c.day, "09:30"))
    with qtbot.waitSignal(page.schedule_actions.refused, timeout=TIMEOUT) as refused:
        send_drag(grid, appointment_mime(grid.appointment(c.second)), taken)
    assert refused.args[0] == c.second
    wait_idle(qtbot, page)
    assert page.message_bar.kind == "error"
    assert page.message_bar.text().startswith("Время уже занято")
    assert "Ближайшее свободное время" in page.message_bar.text()
    assert grid.pending is None
    assert grid.block_viewport_rect(c.second) == before
    assert status_in_db(gui_database, c.second) == (S.BOOKED, f.at(c.day, "11:00"), c.petrov)

    # Outside the doctor's hours the target is red; a drop there is the controller's
    # to refuse, in its words (issue 19: Qt delivers a drop only where the move was taken).
    page.message_bar.show_message("done", "старое сообщение")
    outside = grid.cell_center(cell_at(grid, c.petrov, c.day, "14:00"))
    with qtbot.waitSignal(page.schedule_actions.refused, timeout=TIMEOUT):
        _enter, move, _drop = send_drag(grid, appointment_mime(grid.appointment(c.second)), outside)
    assert move.isAccepted()
    assert "старое" not in page.message_bar.text()
    wait_idle(qtbot, page)
    assert page.message_bar.text().startswith("Вне рабочего времени врача")
    assert grid.block_viewport_rect(c.second) == before
    # The refusal was about that day: it goes when another day is shown.
    with qtbot.waitSignal(page.loaded, timeout=TIMEOUT):
        page.set_day(c.day + dt.timedelta(days=1))
    assert page.message_bar.kind == "" and not page.message_bar.isVisible()
    page.message_bar.show_message("error", "проверка")
    qtbot.mouseClick(page.message_bar.close_button, Qt.MouseButton.LeftButton)
    assert page.message_bar.kind == "" and not page.message_bar.isVisible()


def test_a_drop_of_a_block_changed_meanwhile_is_refused(
    qtbot, registrar: AppContext, gui_database: Database, open_page, schedule_clinic
) -> None:
    c = schedule_clinic
    page = open_page(registrar)
    grid = page.grid
    mime = appointment_mime(grid.appointment(c.second))  # version 1 is being dragged…
    with gui_database.sessions() as session, session.begin():
        session.get(Appointment, c.second).note = "перезвонить"  # …another desk edits it
    with qtbot.waitSignal(page.schedule_actions.refused, timeout=TIMEOUT):
        send_drag(grid, mime, grid.cell_center(cell_at(grid, c.petrov, c.day, "12:30")))
    assert "другом рабочем месте" in page.message_bar.text()
    assert status_in_db(gui_database, c.second)[0] is S.BOOKED


def test_a_booking_from_another_workstation_appears_live(
    qtbot, make_context, gui_database: Database, open_page, monkeypatch
) -> None:
    c: ScheduleClinic = make_schedule_clinic(gui_database)
    asked: list[dict] = []
    original = page_data.load_grid

    def spy(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        asked.append(kwargs)
        return original(*args, **kwargs)

    monkeypatch.setattr(page_data, "load_grid", spy)
    events = ChangeEvents(gui_database.url, poll_seconds=0.05)
    other_desk = sa.create_engine(gui_database.url, poolclass=sa.pool.NullPool)
    try:
        events.start()
        qtbot.waitUntil(lambda: events.connected is True, timeout=TIMEOUT)
        page = open_page(make_context("boris", events), c)
        grid = page.grid
        assert grid.select_appointment(c.third)
        scroll = grid.verticalScrollBar().value()
        asked.clear()
        # Another desk, with its own engine and session factory, books Сидорова at 15:00.
        other = f.book(
            sessionmaker(bind=other_desk), c.registrar, patient_id=c.patients[3],
            doctor_id=c.sidorova, starts_at=f.at(c.day, "15:00"),
        )  # fmt: skip
        qtbot.waitUntil(lambda: grid.appointment(other.id) is not None, timeout=TIMEOUT)
        assert [a.get("doctor_ids") for a in asked] == [[c.sidorova]]  # only that column
        assert grid.selected_appointment().id == c.third
        assert grid.verticalScrollBar().value() == scroll
        # A notice about another day changes nothing here. (Not qtbot.waitSignal on
        # events.changed: it is emitted on the listener's thread, and a queued emission
        # arriving after the blocker is gone crashes pytest-qt's slot.)
        seen: list[dict] = []
        events.changed.connect(seen.append)
        later = f.book(
            sessionmaker(bind=other_desk), c.registrar, patient_id=c.patients[3],
            doctor_id=c.sidorova, starts_at=f.at(c.day + dt.timedelta(days=1), "15:00"),
        )  # fmt: skip
        qtbot.waitUntil(lambda: any(e.get("id") == later.id for e in seen), timeout=TIMEOUT)
        qtbot.waitUntil(lambda: not page.loading, timeout=TIMEOUT)
        assert len(asked) == 1
    finally:
        events.stop()
        other_desk.dispose()


def test_resync_reloads_everything(
    qtbot, make_context, gui_database: Database, open_page, schedule_clinic
) -> None:
    c = schedule_clinic
    events = FakeEvents()
    page = open_page(make_context("boris", events))
    with gui_database.sessions() as session, session.begin():
        doctor = session.get(f.Doctor, c.kuznetsov)
        patient = session.get(f.Patient, c.patients[3])
        added = f.appointment(session, doctor, patient, f.at(c.day, "16:00")).id
    with qtbot.waitSignal(page.loaded, timeout=TIMEOUT):
        events.changed.emit({"table": "*", "op": "RESYNC"})
    assert page.grid.appointment(added) is not None


def test_the_week_view_shows_a_doctors_week(
    qtbot, registrar: AppContext, gui_database: Database, open_page, schedule_clinic
) -> None:
    c = schedule_clinic
    monday, sunday = week_of(c.day)
    other_day = monday if c.day != monday else monday + dt.timedelta(days=1)
    with gui_database.sessions() as session, session.begin():
        doctor = session.get(f.Doctor, c.petrov)
        patient = session.get(f.Patient, c.patients[3])
        elsewhere = f.appointment(session, doctor, patient, f.at(other_day, "10:00")).id
    page = open_page(registrar)
    page.grid.set_cursor(cell_at(page.grid, c.petrov, c.day, "10:00"))
    with qtbot.waitSignal(page.loaded, timeout=TIMEOUT):
        page.week_button.click()
    week: WeekView = page.week
    assert page.views.currentWidget() is week and page.doctor_combo.isVisible()
    # The week view fits a 1280-pixel desk screen: no combo box or legend sets the
    # window's minimum width (the side panels and the grid scroll).
    assert page.minimumSizeHint().width() <= 1100
    assert not page.branch_combo.isVisible()  # one doctor's week: no doctor filters
    assert [column.day for column in week.columns] == [
        monday + dt.timedelta(days=n) for n in range(7)
    ]
    assert {column.doctor.id for column in week.columns} == {c.petrov}
    assert week.appointment(c.first).starts_at == f.at(c.day, "09:30")
    assert week.grid_layout.placement(elsewhere).column == (other_day - monday).days
    assert week.grid_layout.placement(c.first).column == (c.day - monday).days
    assert week.appointment(c.third) is None  # Сидорова's
    title, hours, place = week.header_lines(week.columns[0])
    assert title.startswith("пн, ") and hours == "09:00–13:00" and place == "каб. 101"
    with gui_database.sessions() as session, session.begin():
        for template in session.scalars(
            sa.select(ScheduleTemplate).where(
                ScheduleTemplate.doctor_id == c.petrov, ScheduleTemplate.weekday == 7
            )
        ):
            session.delete(template)  # Sundays off from now on
    with qtbot.waitSignal(page.loaded, timeout=TIMEOUT):
        page.refresh()
    assert week.header_lines(week.columns[6])[1] == "выходной"
    # Another doctor's week from the combo box, and back to the day.
    with qtbot.waitSignal(page.loaded, timeout=TIMEOUT):
        page.doctor_combo.setCurrentIndex(page.doctor_combo.findData(c.sidorova))
        page.doctor_combo.activated.emit(page.doctor_combo.currentIndex())
    assert {column.doctor.id for column in week.columns} == {c.sidorova}
    assert page.mode == WEEK
    with qtbot.waitSignal(page.loaded, timeout=TIMEOUT):
        page.day_button.click()
    assert len(page.grid.columns) == 3


def test_the_column_order_is_remembered_on_this_workstation(
    qtbot, registrar: AppContext, open_page, schedule_clinic
) -> None:
    page = open_page(registrar)
    first = [column.doctor.id for column in page.grid.columns]
    page.grid.setFocus()
    page.grid.move_cursor(0, 0)
    with qtbot.waitSignal(page.grid.column_order_changed):
        qtbot.keyClick(page.grid, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier
                       | Qt.KeyboardModifier.ShiftModifier)  # fmt: skip
    moved = [first[1], first[0], first[2]]
    assert column_order.saved_order() == moved
    again = open_page(registrar)
    assert [column.doctor.id for column in again.grid.columns] == moved


def test_the_holding_tray_lists_and_a_drag_from_it_reschedules(
    qtbot, registrar: AppContext, gui_database: Database, open_page, schedule_clinic
) -> None:
    c = schedule_clinic
    hold(gui_database, c.third)
    page = open_page(registrar)
    assert page.tray.isVisible() and page.tray.count() == 1
    assert page.tray.title.text() == "Лист переноса (1)"
    assert page.status_label.text() == "Врачей: 3, записей: 2, в листе переноса: 1"
    item = next(
        page.tray.list.item(n) for n in range(page.tray.list.count())
        if page.tray.list.item(n).data(Qt.ItemDataRole.UserRole) == c.third
    )  # fmt: skip
    assert "Орлова" in item.text()
    mime = page.tray.list.mimeData([item])
    target = page.grid.cell_center(cell_at(page.grid, c.sidorova, c.day, "13:00"))
    with qtbot.waitSignal(page.loaded, timeout=TIMEOUT):
        send_drag(page.grid, mime, target)
    wait_idle(qtbot, page)
    assert status_in_db(gui_database, c.third)[0] is S.RESCHEDULED
    assert live_at(gui_database, c.sidorova, f.at(c.day, "13:00")) is not None
    assert not page.tray.isVisible() and page.tray.count() == 0


def test_the_tray_lists_held_appointments_of_other_days_too(
    qtbot, registrar: AppContext, gui_database: Database, open_page, schedule_clinic
) -> None:
    c = schedule_clinic
    hold(gui_database, c.third)
    page = open_page(registrar, c)
    with qtbot.waitSignal(page.tray_loaded, timeout=TIMEOUT):
        page.set_day(c.day + dt.timedelta(days=1))
    wait_idle(qtbot, page)
    assert page.tray.isVisible() and page.tray.count() == 1


def test_the_main_window_opens_on_the_schedule_and_a_block_opens_the_card(
    qtbot, make_context, tmp_path: Path, schedule_clinic
) -> None:
    context = make_context("boris")
    context.keyring = generate_key_file(tmp_path / "schedule-key.bin")
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=TIMEOUT)
    page = window.pages[SCHEDULE]
    assert isinstance(page, SchedulePage) and window.current_page == SCHEDULE
    assert window.navigation.currentItem().text() == "Расписание"
    with qtbot.waitSignal(window.pages[1].editor_opened, timeout=TIMEOUT) as opened:
        page.open_patient.emit(schedule_clinic.patients[0])
    assert opened.args[0].patient_id == schedule_clinic.patients[0]


def test_a_waiting_patient_dragged_into_a_free_slot_is_booked(
    qtbot, registrar: AppContext, gui_database: Database, open_page, schedule_clinic
) -> None:
    c = schedule_clinic
    entry = queue.add_entry(
        gui_database.sessions, registrar.actor, patient_id=c.patients[3], doctor_id=c.petrov,
        wished_from=c.day, wished_to=c.day + dt.timedelta(days=3), channel=ContactChannel.PHONE,
    )  # fmt: skip
    page = open_page(registrar, c)
    wait_idle(qtbot, page)
    assert page.waiting_panel.isVisible() and page.waiting_panel.count() == 1
    item = page.waiting_panel.list.item(0)
    assert "Зайцев" in item.text()
    mime = page.waiting_panel.list.mimeData([item])
    target = page.grid.cell_center(cell_at(page.grid, c.sidorova, c.day, "14:00"))
    send_drag(page.grid, mime, target)
    # No referral on the card: asked first, nothing booked until the desk answers.
    qtbot.waitUntil(lambda: page.message_bar.kind == "warning", timeout=TIMEOUT)
    assert "Зайцев" in page.message_bar.text() and "платный" in page.message_bar.text()
    assert live_at(gui_database, c.sidorova, f.at(c.day, "14:00")) is None
    assert page.message_bar.first_button.text() == "Записать платно"
    with gui_database.sessions() as session, session.begin():
        f.service(session)
    page.message_bar.first_button.click()
    # A paid visit is of a service: which one is asked, with the price of that day.
    qtbot.waitUntil(lambda: page.findChild(ServiceChoiceDialog) is not None, timeout=TIMEOUT)
    dialog = page.findChild(ServiceChoiceDialog)
    qtbot.waitUntil(lambda: dialog.choose_code(f.PAID_SERVICE), timeout=TIMEOUT)
    dialog.service.setCurrentIndex(0)
    dialog.choose()  # none chosen: refused naming the field, the dialog stays
    assert dialog.isVisible() and dialog.messages.text().startswith("Услуга:")
    assert live_at(gui_database, c.sidorova, f.at(c.day, "14:00")) is None
    dialog.choose_code(f.PAID_SERVICE)
    with qtbot.waitSignal(page.loaded, timeout=TIMEOUT):
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    wait_idle(qtbot, page)
    booked = live_at(gui_database, c.sidorova, f.at(c.day, "14:00"))
    assert booked.service_id == f.paid_service_id(gui_database.sessions)
    assert booked is not None and booked.patient_id == c.patients[3]
    with gui_database.sessions() as session:
        closed = session.get(WaitingListEntry, entry.id)
        assert closed.status is WaitingStatus.BOOKED and closed.appointment_id == booked.id
    assert page.message_bar.kind == "done"
    assert "(платный)" in page.message_bar.text()  # no referral on the card: a paid visit
    assert "Зайцев" in page.message_bar.text()  # who was booked, not only where
    assert page.waiting_panel.count() == 0 and not page.waiting_panel.isVisible()


def test_a_held_appointment_of_another_day_is_dropped_into_the_shown_day(
    qtbot, registrar: AppContext, gui_database: Database, open_page, schedule_clinic
) -> None:
    c = schedule_clinic
    hold(gui_database, c.third)
    page = open_page(registrar, c)
    with qtbot.waitSignal(page.tray_loaded, timeout=TIMEOUT):
        page.set_day(c.day + dt.timedelta(days=1))
    wait_idle(qtbot, page)
    item = next(
        page.tray.list.item(n) for n in range(page.tray.list.count())
        if page.tray.list.item(n).data(Qt.ItemDataRole.UserRole) == c.third
    )  # fmt: skip
    next_day = c.day + dt.timedelta(days=1)
    target = page.grid.cell_center(cell_at(page.grid, c.sidorova, next_day, "13:00"))
    with qtbot.waitSignal(page.loaded, timeout=TIMEOUT):
        send_drag(page.grid, page.tray.list.mimeData([item]), target)
    wait_idle(qtbot, page)
    assert status_in_db(gui_database, c.third)[0] is S.RESCHEDULED
    assert live_at(gui_database, c.sidorova, f.at(next_day, "13:00")) is not None
    assert page.tray.count() == 0


def test_a_waiting_patient_dropped_outside_the_hours_is_told_why(
    qtbot, registrar: AppContext, gui_database: Database, open_page, schedule_clinic
) -> None:
    """Issue 19, defect 5: the mouse says what the keyboard says, and the old message goes."""
    c = schedule_clinic
    queue.add_entry(
        gui_database.sessions, registrar.actor, patient_id=c.patients[3], doctor_id=c.petrov,
        wished_from=c.day, wished_to=c.day + dt.timedelta(days=3), channel=ContactChannel.PHONE,
    )  # fmt: skip
    page = open_page(registrar, c)
    wait_idle(qtbot, page)
    page.message_bar.show_message("done", "старое сообщение")
    item = page.waiting_panel.list.item(0)
    mime = page.waiting_panel.list.mimeData([item])
    outside = page.grid.cell_center(cell_at(page.grid, c.petrov, c.day, "14:00"))
    _enter, move, drop = send_drag(page.grid, mime, outside)
    assert move.isAccepted() and not drop.isAccepted()
    assert page.message_bar.text() == "Вне рабочего времени врача"
    assert live_at(gui_database, c.petrov, f.at(c.day, "14:00")) is None


def test_the_enter_or_esc_hint_goes_with_esc(
    qtbot, registrar: AppContext, open_page, schedule_clinic
) -> None:
    # Issue 19, defect 10: after a refused keyboard move, Esc left «нажмите Enter или Esc».
    c = schedule_clinic
    page = page_with_chosen(open_page, registrar, c.second)
    grid = page.grid
    qtbot.keyClick(grid, Qt.Key.Key_X, Qt.KeyboardModifier.ControlModifier)
    first = grid.appointment(c.first)
    grid.set_cursor(grid.grid_layout.cell_of((c.petrov, c.day), first.starts_at))
    with qtbot.waitSignal(page.schedule_actions.refused, timeout=TIMEOUT):
        qtbot.keyClick(grid, Qt.Key.Key_Return)
    assert "Выберите другое время" in page.message_bar.text()
    wait_idle(qtbot, page)
    qtbot.keyClick(grid, Qt.Key.Key_Escape)
    assert grid.moving is None
    assert "Enter" not in page.message_bar.text() and page.message_bar.kind == ""
