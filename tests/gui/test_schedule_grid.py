"""The schedule grid widget: painting from the database, keys, menus, dropping, reloads.

The grid is driven here with a recording stand-in for the page's actions, so these
tests see exactly what the grid asks for; ``test_schedule_page.py`` runs it with the
real actions against the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
    QImage,
)
from PySide6.QtWidgets import QApplication, QMenu

from crm.controllers.schedule.day_grid import GridData, load_grid
from crm.db.database import Database
from crm.models.enums import AppointmentStatus, Role
from crm.views.schedule.grid import (
    MIME_TYPE,
    NOW,
    OVERDUE,
    STATUS_COLOURS,
    ScheduleGrid,
    appointment_mime,
    read_mime,
)
from crm.views.schedule.layout import Cell, GridColumn
from tests import booking_factories as bf
from tests import factories as f
from tests.gui.conftest import OFFSCREEN_NOISE

TIMEOUT = 10_000
# A popup menu on the offscreen platform: noise about the platform, not the program.
# (pytest-qt reads only the closest qt_log_ignore mark: repeat the conftest's pattern.)
MENU_NOISE = r"This plugin does not support (raise\(\)|grabbing the keyboard)"
with_menus = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE, MENU_NOISE)


def future_weekday(days_ahead: int = 10) -> dt.date:
    """A day far enough ahead for a registrar to move appointments (24-hour rule)."""
    return dt.datetime.now(ZoneInfo("Europe/Moscow")).date() + dt.timedelta(days=days_ahead)


@dataclass(frozen=True)
class ScheduleClinic:
    """Three doctors on ``day``; Петров has two appointments and Сидорова one."""

    day: dt.date
    petrov: int  # 09:00–13:00
    sidorova: int  # 11:00–17:00
    kuznetsov: int  # 14:00–18:00, another specialty
    patients: tuple[int, ...]
    first: int  # Петров 09:30–10:00, patient 0
    second: int  # Петров 11:00–11:15, patient 1
    third: int  # Сидорова 12:00–12:15, patient 2
    registrar: Any


def make_schedule_clinic(database: Database) -> ScheduleClinic:
    """Write the :class:`ScheduleClinic` to ``database`` (committed)."""
    day = future_weekday()
    with database.sessions() as session, session.begin():
        branch, specialty = f.clinic(session)
        other = bf.specialty(session, "Кардиолог")
        room_1, room_2 = bf.room(session, branch, "101"), bf.room(session, branch, "102")
        petrov = f.doctor(session, branch, specialty, "Петров")
        sidorova = f.doctor(session, branch, specialty, "Сидорова")
        kuznetsov = f.doctor(session, branch, other, "Кузнецов")
        every_day = dict(weekdays=bf.EVERY_DAY, works_on_holidays=True)
        bf.hours(session, petrov, "09:00-13:00", room_row=room_1, **every_day)
        bf.hours(session, sidorova, "11:00-17:00", room_row=room_2, **every_day)
        bf.hours(session, kuznetsov, "14:00-18:00", room_row=room_2, **every_day)
        people = [f.patient(session, name) for name in ("Соколова", "Лебедев", "Орлова", "Зайцев")]
        first = f.appointment(session, petrov, people[0], f.at(day, "09:30"), 30)
        second = f.appointment(session, petrov, people[1], f.at(day, "11:00"))
        third = f.appointment(session, sidorova, people[2], f.at(day, "12:00"))
        registrar = bf.user(session, Role.REGISTRAR)
        return ScheduleClinic(
            day=day, petrov=petrov.id, sidorova=sidorova.id, kuznetsov=kuznetsov.id,
            patients=tuple(p.id for p in people), first=first.id, second=second.id,
            third=third.id, registrar=registrar,
        )  # fmt: skip


@pytest.fixture
def schedule_clinic(gui_database: Database) -> ScheduleClinic:
    return make_schedule_clinic(gui_database)


class RecordingActions:
    """Stands in for ``ScheduleActions``: records what the grid asks for."""

    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []

    def book(self, doctor, starts_at, slots: int = 1) -> None:  # noqa: ANN001
        self.calls.append(("book", doctor.id, starts_at))

    def booking_refusal(self, doctor_id: int) -> str | None:
        return None  # the grid's side only: who may book is ScheduleActions' test

    def reschedule(self, appointment, doctor, starts_at) -> None:  # noqa: ANN001
        self.calls.append(("reschedule", appointment.id, doctor.id, starts_at, appointment.version))

    def cancel(self, appointment) -> None:  # noqa: ANN001
        self.calls.append(("cancel", appointment.id))

    def run_shortcut(self, appointment, name: str) -> None:  # noqa: ANN001
        self.calls.append(("shortcut", appointment.id, name))

    def fill_context_menu(self, menu: QMenu, appointment) -> None:  # noqa: ANN001
        menu.addAction("Отметить приход")
        self.calls.append(("menu", appointment.id))


def grid_data(database: Database, clinic: ScheduleClinic) -> GridData:
    return load_grid(database.sessions, clinic.registrar, clinic.day)


def show_data(grid: ScheduleGrid, data: GridData) -> None:
    grid.set_content(
        [GridColumn(d, data.date_from) for d in data.doctors],
        data.appointments,
        ZoneInfo(data.timezone),
    )


@pytest.fixture
def grid(qtbot, gui_database: Database, schedule_clinic: ScheduleClinic) -> ScheduleGrid:
    widget = ScheduleGrid()
    qtbot.addWidget(widget)
    widget.resize(900, 1100)  # the whole day in view: no scrolling while dragging
    widget.set_actions(RecordingActions())
    show_data(widget, grid_data(gui_database, schedule_clinic))
    widget.show()
    return widget


def column_of(grid: ScheduleGrid, doctor_id: int) -> int:
    return next(n for n, c in enumerate(grid.columns) if c.doctor.id == doctor_id)


def cell_at(grid: ScheduleGrid, doctor_id: int, day: dt.date, hhmm: str) -> Cell:
    cell = grid.grid_layout.cell_of((doctor_id, day), f.at(day, hhmm))
    assert cell is not None
    return cell


def send_drag(grid: ScheduleGrid, mime: QMimeData, point: QPoint) -> tuple[Any, Any, Any]:
    """A drag entering the viewport, moving to ``point`` and dropping there — as Qt does
    it: where the last move was ignored, the drag leaves and no drop is delivered."""
    viewport = grid.viewport()
    buttons, keys = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(point, Qt.DropAction.MoveAction, mime, buttons, keys)
    QApplication.sendEvent(viewport, enter)
    move = QDragMoveEvent(point, Qt.DropAction.MoveAction, mime, buttons, keys)
    drop = QDropEvent(QPointF(point), Qt.DropAction.MoveAction, mime, buttons, keys)
    if not enter.isAccepted():
        drop.ignore()
        return enter, move, drop
    QApplication.sendEvent(viewport, move)
    if move.isAccepted():
        QApplication.sendEvent(viewport, drop)
    else:
        drop.ignore()
        QApplication.sendEvent(viewport, QDragLeaveEvent())
    return enter, move, drop


def test_grid_shows_doctors_and_blocks_from_the_database(
    grid: ScheduleGrid, schedule_clinic: ScheduleClinic
) -> None:
    c = schedule_clinic
    names = [column.doctor.short_name for column in grid.columns]
    assert sorted(names) == ["Кузнецов П. П.", "Петров П. П.", "Сидорова П. П."]
    petrov = grid.columns[column_of(grid, c.petrov)]
    assert grid.header_lines(petrov) == (
        "Петров П. П.",
        petrov.doctor.specialty_name,
        "каб. 101",
        "09:00–13:00",
    )
    # Rows: from the earliest start (09:00) to the latest end (18:00), nothing shaded around.
    layout = grid.grid_layout
    assert (layout.first_minute, layout.minute_of_row(layout.rows)) == (9 * 60, 18 * 60)

    placement = layout.placement(c.first)
    assert placement is not None and placement.end_row - placement.first_row == 2
    rect = grid.block_viewport_rect(c.first)
    assert rect is not None and rect.height() > grid.grid_layout.metrics.row_height

    image = QImage(grid.viewport().size(), QImage.Format.Format_RGB32)
    grid.viewport().render(image)
    fill = STATUS_COLOURS[AppointmentStatus.BOOKED][0]
    # Top right: the lower right corner holds the payment's mark (a paid visit's service).
    inside = image.pixelColor(rect.right() - 4, rect.top() + 3)
    assert inside == fill
    outside_hours = cell_at(grid, c.kuznetsov, c.day, "09:00")
    working = cell_at(grid, c.petrov, c.day, "12:30")
    assert image.pixelColor(grid.cell_center(outside_hours)) != image.pixelColor(
        grid.cell_center(working)
    )
    assert image.pixelColor(grid.cell_center(working)) == QColor("#ffffff")

    # The red line of "now" across the columns of today, and the "no-show?" marker on a
    # block whose time has passed while it is still booked.
    grid.now = lambda: f.at(c.day, "10:00") + dt.timedelta(minutes=7.5)  # mid-slot
    image = QImage(grid.viewport().size(), QImage.Format.Format_RGB32)
    grid.viewport().render(image)
    middle = grid.cell_center(cell_at(grid, c.sidorova, c.day, "10:00"))
    assert NOW in (image.pixelColor(middle), image.pixelColor(middle.x(), middle.y() - 1))
    assert image.pixelColor(middle.x(), middle.y() + 4) != NOW
    overdue = grid.block_viewport_rect(c.first)
    column = overdue.right() - 12
    badge = [image.pixelColor(column, y) for y in range(overdue.top(), overdue.bottom())]
    assert OVERDUE in badge
    assert "Время прошло: отметить неявку?" in grid.tooltip_text(placement.appointment)
    grid.now = lambda: f.at(c.day, "08:00")

    tip = grid.tooltip_text(placement.appointment)
    assert "Соколова Иван Петрович" not in tip  # the factory's patients have no patronymic
    assert tip.splitlines()[0] == "Соколова Иван"
    assert "д. р. 17.05.1980" in tip and "+7 (916)" in tip
    assert f"{c.day:%d.%m.%Y} 09:30–10:00" in tip
    assert "Статус: записан" in tip


def test_arrows_move_the_cursor_across_doctors_and_slots(
    qtbot, grid: ScheduleGrid, schedule_clinic: ScheduleClinic
) -> None:
    c = schedule_clinic
    grid.setFocus()
    start = cell_at(grid, c.petrov, c.day, "09:00")
    grid.set_cursor(start)
    with qtbot.waitSignal(grid.cursor_moved) as moved:
        qtbot.keyClick(grid, Qt.Key.Key_Down)
    column, when = moved.args[0]
    assert column.doctor.id == c.petrov and when == f.at(c.day, "09:15")
    qtbot.keyClick(grid, Qt.Key.Key_Down)
    assert grid.selected_appointment() is not None
    assert grid.selected_appointment().id == c.first  # 09:30 is inside the first block
    qtbot.keyClick(grid, Qt.Key.Key_Right)
    assert grid.current_column().doctor.id == grid.columns[start.column + 1].doctor.id
    assert grid.current_start() == f.at(c.day, "09:30")
    assert grid.selected_appointment() is None or grid.current_column().doctor.id != c.petrov
    qtbot.keyClick(grid, Qt.Key.Key_Home)
    assert grid.cursor_cell.row == 0
    qtbot.keyClick(grid, Qt.Key.Key_End)
    assert grid.cursor_cell.row == grid.grid_layout.rows - 1
    for _ in range(len(grid.columns) + 2):
        qtbot.keyClick(grid, Qt.Key.Key_Left)
    assert grid.cursor_cell.column == 0  # stops at the edge


@with_menus
def test_enter_books_a_free_slot_and_opens_the_menu_of_a_block(
    qtbot, grid: ScheduleGrid, schedule_clinic: ScheduleClinic
) -> None:
    c = schedule_clinic
    actions: RecordingActions = grid.schedule_actions
    grid.setFocus()
    grid.set_cursor(cell_at(grid, c.petrov, c.day, "10:15"))
    qtbot.keyClick(grid, Qt.Key.Key_Return)
    assert actions.calls == [("book", c.petrov, f.at(c.day, "10:15"))]

    grid.set_cursor(cell_at(grid, c.petrov, c.day, "09:45"))
    with qtbot.waitSignal(grid.context_menu_shown) as shown:
        qtbot.keyClick(grid, Qt.Key.Key_Return)
    menu: QMenu = shown.args[0]
    assert [a.text() for a in menu.actions() if a.text()][0] == "Отметить приход"
    assert actions.calls[-1] == ("menu", c.first)
    menu.close()

    qtbot.keyClick(grid, Qt.Key.Key_Delete)
    assert actions.calls[-1] == ("shortcut", c.first, "actionCancel")
    for key, name in (
        (Qt.Key.Key_F2, "actionArrived"),
        (Qt.Key.Key_F3, "actionInProgress"),
        (Qt.Key.Key_F4, "actionCompleted"),
        (Qt.Key.Key_F8, "actionNoShow"),
    ):
        qtbot.keyClick(grid, key)
        assert actions.calls[-1] == ("shortcut", c.first, name)

    with qtbot.waitSignal(grid.context_menu_shown):
        qtbot.keyClick(grid, Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier)
    grid.menu.close()
    # The Menu key, as the platform delivers it: a keyboard context-menu event.
    event = QContextMenuEvent(
        QContextMenuEvent.Reason.Keyboard, QPoint(0, 0), grid.mapToGlobal(QPoint(0, 0))
    )
    with qtbot.waitSignal(grid.context_menu_shown):
        QApplication.sendEvent(grid, event)
    grid.menu.close()

    # A free slot's menu offers booking there.
    grid.set_cursor(cell_at(grid, c.petrov, c.day, "12:00"))
    with qtbot.waitSignal(grid.context_menu_shown) as shown:
        qtbot.keyClick(grid, Qt.Key.Key_Menu)
    book = shown.args[0].actions()[0]
    # The key is named as on the keyboard (Qt's shortcut text would say «Return»).
    assert book.text() == "Записать на 12:00…\tEnter"
    book.trigger()
    assert actions.calls[-1] == ("book", c.petrov, f.at(c.day, "12:00"))
    grid.menu.close()


def test_a_slot_booked_under_the_cursor_becomes_the_chosen_block(
    qtbot, grid: ScheduleGrid, gui_database: Database, schedule_clinic: ScheduleClinic
) -> None:
    """Booked here by Enter or at another desk: once the day is read again, Enter and
    the menu act on the new block, not on the free slot that was there."""
    c = schedule_clinic
    grid.set_cursor(cell_at(grid, c.petrov, c.day, "12:00"))
    assert grid.selected_appointment() is None
    made = f.book(
        gui_database.sessions, c.registrar, patient_id=c.patients[3], doctor_id=c.petrov,
        starts_at=f.at(c.day, "12:00"),
    )  # fmt: skip
    with qtbot.waitSignal(grid.selection_changed):
        show_data(grid, grid_data(gui_database, c))
    chosen = grid.selected_appointment()
    assert chosen is not None and chosen.id == made.id


def test_double_click_books_a_free_slot_or_opens_the_patient(
    qtbot, grid: ScheduleGrid, schedule_clinic: ScheduleClinic
) -> None:
    c = schedule_clinic
    free = grid.cell_center(cell_at(grid, c.sidorova, c.day, "13:00"))
    qtbot.mouseDClick(grid.viewport(), Qt.MouseButton.LeftButton, pos=free)
    assert grid.schedule_actions.calls[-1] == ("book", c.sidorova, f.at(c.day, "13:00"))
    block = grid.block_viewport_rect(c.third).center()
    with qtbot.waitSignal(grid.patient_requested) as requested:
        qtbot.mouseDClick(grid.viewport(), Qt.MouseButton.LeftButton, pos=block)
    assert requested.args == [c.patients[2]]


def test_a_drop_on_a_slot_asks_to_reschedule_with_the_dragged_version(
    qtbot, gui_database: Database, grid: ScheduleGrid, schedule_clinic: ScheduleClinic
) -> None:
    c = schedule_clinic
    appointment = grid.appointment(c.second)
    mime = appointment_mime(appointment)
    assert mime.hasFormat(MIME_TYPE)
    assert read_mime(mime) == (c.second, appointment.version)
    target = grid.cell_center(cell_at(grid, c.sidorova, c.day, "14:00"))
    enter, move, drop = send_drag(grid, mime, target)
    assert enter.isAccepted() and move.isAccepted() and drop.isAccepted()
    assert grid.schedule_actions.calls == [
        ("reschedule", c.second, c.sidorova, f.at(c.day, "14:00"), appointment.version)
    ]
    assert grid.pending is not None  # a dashed outline until the data comes back
    show_data(grid, grid_data(gui_database, c))
    assert grid.pending is None


def test_outside_hours_and_headers_refuse_the_drop(
    qtbot, grid: ScheduleGrid, schedule_clinic: ScheduleClinic
) -> None:
    c = schedule_clinic
    mime = appointment_mime(grid.appointment(c.second))
    outside = grid.cell_center(cell_at(grid, c.kuznetsov, c.day, "10:00"))
    enter, move, _drop = send_drag(grid, mime, outside)
    assert enter.isAccepted()
    # Over closed hours the target is red but the drop is taken, to be explained.
    assert move.isAccepted() and grid.indicator is None  # cleared by the drop
    header = QPoint(grid.grid_layout.metrics.time_width + 20, 10)
    _enter, move, drop = send_drag(grid, mime, header)
    assert not move.isAccepted() and not drop.isAccepted()
    # Dropped outside the hours: the controller decides and says why.
    rescheduled = ("reschedule", c.second, c.kuznetsov, f.at(c.day, "10:00"), 1)
    assert grid.schedule_actions.calls == [rescheduled]
    # Something that is not an appointment is refused at the door.
    other = QMimeData()
    other.setText("hello")
    enter, _move, drop = send_drag(grid, other, outside)
    assert not enter.isAccepted() and not drop.isAccepted()


def test_new_content_keeps_cursor_selection_and_scroll(
    qtbot, gui_database: Database, grid: ScheduleGrid, schedule_clinic: ScheduleClinic
) -> None:
    c = schedule_clinic
    grid.resize(500, 300)  # small enough to scroll both ways
    qtbot.waitUntil(lambda: grid.verticalScrollBar().maximum() > 0, timeout=TIMEOUT)
    assert grid.select_appointment(c.third)
    grid.set_cursor(cell_at(grid, c.sidorova, c.day, "16:30"), select=False)
    grid.set_cursor(cell_at(grid, c.sidorova, c.day, "12:00"))
    scroll = (grid.horizontalScrollBar().value(), grid.verticalScrollBar().value())
    assert scroll[1] > 0
    with gui_database.sessions() as session, session.begin():
        doctor = session.get(f.Doctor, c.petrov)
        f.appointment(session, doctor, session.get(f.Patient, c.patients[3]), f.at(c.day, "12:30"))
    show_data(grid, grid_data(gui_database, c))
    assert grid.selected_appointment().id == c.third
    assert grid.current_start() == f.at(c.day, "12:00")
    assert (grid.horizontalScrollBar().value(), grid.verticalScrollBar().value()) == scroll


def test_columns_move_with_ctrl_shift_arrows(
    qtbot, grid: ScheduleGrid, schedule_clinic: ScheduleClinic
) -> None:
    grid.setFocus()
    grid.set_cursor(Cell(0, 5))
    before = [column.doctor.id for column in grid.columns]
    with qtbot.waitSignal(grid.column_order_changed) as changed:
        qtbot.keyClick(grid, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier
                       | Qt.KeyboardModifier.ShiftModifier)  # fmt: skip
    assert changed.args[0] == [before[1], before[0], before[2]]
    assert grid.cursor_cell == Cell(1, 5)  # the cursor went with its column
    assert grid.current_column().doctor.id == before[0]
