"""Issue 19, defect 11: the grid stays put — the scroll position and the columns after a
live refresh, a booking or an undo; one order of the doctors' columns across days
(those off greyed, or hidden by a switch); a 1280-pixel window with the headers elided
and told in full by their tooltips."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from PySide6.QtCore import QPoint

from crm.db.database import Database
from crm.models.enums import Role
from crm.views.schedule.page import SchedulePage
from tests import booking_factories as bf
from tests import factories as f
from tests.gui.test_card_editor import release
from tests.gui.test_schedule_grid import future_weekday
from tests.gui.test_schedule_page import TIMEOUT, FakeEvents, wait_idle

WEEKDAYS_ONLY = (1, 2, 3, 4, 5)
NAMES = (
    "Абрамов",
    "Белова",
    "Воронцов",
    "Громова",
    "Дёмин",
    "Ершова",
    "Жуков",
    "Зуева",
    "Иванов",
    "Козлова",
    "Лунин",
    "Морозова",
)


@dataclass(frozen=True)
class Clinic:
    weekday: dt.date
    sunday: dt.date
    doctors: tuple[int, ...]  # by surname; Белова (the second) works on weekdays only
    patient: int


@pytest.fixture
def clinic(gui_database: Database) -> Clinic:
    weekday = future_weekday(14)
    while weekday.isoweekday() != 5:  # a Friday, then its Sunday
        weekday += dt.timedelta(days=1)
    with gui_database.sessions() as session, session.begin():
        branch, specialty = f.clinic(session)
        room = bf.room(session, branch, "101")
        doctors = []
        for n, name in enumerate(NAMES):
            doctor = f.doctor(session, branch, specialty, name)
            days = WEEKDAYS_ONLY if n == 1 else bf.EVERY_DAY
            bf.hours(session, doctor, "08:00-20:00", weekdays=days, room_row=room,
                     works_on_holidays=True)  # fmt: skip
            doctors.append(doctor.id)
        patient = f.patient(session, "Соколова").id
        bf.user(session, Role.REGISTRAR)
    return Clinic(weekday, weekday + dt.timedelta(days=2), tuple(doctors), patient)


@pytest.fixture
def page(qtbot, make_context, clinic: Clinic) -> Iterator[SchedulePage]:
    events = FakeEvents()
    page = SchedulePage(make_context("boris", events))
    page.resize(1280, 720)  # a 1280-pixel desk screen
    page.show()
    page.activate()
    with qtbot.waitSignal(page.loaded, timeout=TIMEOUT):
        page.set_day(clinic.weekday)
    wait_idle(qtbot, page)
    yield page
    release(page)


def order(page: SchedulePage) -> list[int]:
    return [column.doctor.id for column in page.grid.columns]


def show_day(qtbot, page: SchedulePage, day: dt.date) -> None:
    with qtbot.waitSignal(page.loaded, timeout=TIMEOUT):
        page.set_day(day)
    wait_idle(qtbot, page)


def where(page: SchedulePage) -> tuple[int, int, dict[int, int]]:
    """The scroll bars and where each doctor's column is on the page (x)."""
    grid = page.grid
    origin = grid._origin()
    layout = grid.grid_layout
    xs = {
        column.doctor.id: grid.viewport()
        .mapTo(page, QPoint(round(origin.x() + layout.column_x(n)), 0))
        .x()
        for n, column in enumerate(layout.columns)
    }
    return grid.horizontalScrollBar().value(), grid.verticalScrollBar().value(), xs


def test_the_columns_keep_one_order_across_days(qtbot, page: SchedulePage, clinic: Clinic):
    friday = order(page)
    assert sorted(friday) == sorted(clinic.doctors)
    show_day(qtbot, page, clinic.sunday)
    assert order(page) == friday, "Белова is off on Sunday: greyed in her place"
    off = page.grid.columns[friday.index(clinic.doctors[1])]
    assert page.grid.header_lines(off)[-1] == "не работает"
    page.off_button.click()  # «Working only»
    assert order(page) == [d for d in friday if d != clinic.doctors[1]]
    show_day(qtbot, page, clinic.weekday)
    assert order(page) == friday, "she works on Friday: shown with the switch on too"
    page.off_button.click()
    assert order(page) == friday


def test_the_scroll_position_stays_after_a_live_refresh_a_booking_and_an_undo(
    qtbot, page: SchedulePage, clinic: Clinic, gui_database: Database
):
    show_day(qtbot, page, clinic.sunday)
    grid = page.grid
    assert grid.horizontalScrollBar().maximum() > 0, "twelve doctors do not fit 1280 px"
    grid.horizontalScrollBar().setValue(grid.horizontalScrollBar().maximum())
    grid.verticalScrollBar().setValue(grid.verticalScrollBar().maximum() // 2)
    before = where(page)
    # Another desk (a manager) keeps a visit on Белова's day off: a live notice.
    with gui_database.sessions() as session, session.begin():
        doctor = session.get(f.Doctor, clinic.doctors[1])
        patient = session.get(f.Patient, clinic.patient)
        f.appointment(session, doctor, patient, f.at(clinic.sunday, "12:00"))
    with qtbot.waitSignal(page.loaded, timeout=TIMEOUT):
        page._context.events.changed.emit({
            "table": "appointment", "doctor_id": clinic.doctors[1],
            "day": clinic.sunday.isoformat(),
        })  # fmt: skip
    wait_idle(qtbot, page)
    assert where(page) == before, "no column moved, the view did not scroll"
    # A booking and an undo here: the actions say what they did and reload the column.
    for text in ("Записан: Соколова", "Отметка «пришёл» отменена"):
        with qtbot.waitSignal(page.loaded, timeout=TIMEOUT):
            page.schedule_actions.done.emit(text)
            page.schedule_actions.changed.emit({clinic.doctors[3]})
        wait_idle(qtbot, page)
        assert where(page) == before, text


def test_a_narrow_window_elides_the_headers_and_tells_them_whole(
    qtbot, page: SchedulePage, clinic: Clinic
):
    assert page.minimumSizeHint().width() <= 1280
    grid = page.grid
    m = grid.grid_layout.metrics
    column = grid.columns[0]
    tip = grid.header_tooltip(QPoint(m.time_width + 5, m.header_height // 2))
    assert tip is not None and tip.splitlines() == [
        line for line in grid.header_lines(column) if line
    ]
    assert grid.header_tooltip(QPoint(m.time_width + 5, m.header_height + 5)) is None
