"""The schedule grid's geometry: rows over the doctors' hours, hit testing, block rectangles."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from zoneinfo import ZoneInfo

import pytest

from crm.controllers.schedule.day_grid import GridAppointment, GridDoctor, WorkingPeriod
from crm.models.enums import AppointmentKind, AppointmentStatus
from crm.views.schedule.layout import Cell, GridColumn, GridLayout, Metrics

MOSCOW = ZoneInfo("Europe/Moscow")
DAY = dt.date(2031, 3, 3)
METRICS = Metrics(header_height=50, time_width=60, row_height=20, min_column_width=100)


def at(hhmm: str, day: dt.date = DAY) -> dt.datetime:
    hour, minute = map(int, hhmm.split(":"))
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=MOSCOW)


def doctor(doctor_id: int, *spans: str, day: dt.date = DAY) -> GridDoctor:
    periods = tuple(
        WorkingPeriod(at(span.split("-")[0], day), at(span.split("-")[1], day), "101")
        for span in spans
    )
    return GridDoctor(
        id=doctor_id, short_name=f"Врач {doctor_id}", full_name=f"Врач {doctor_id}",
        specialty_id=1, specialty_name="терапевт", branch_id=1, branch_name="Филиал",
        room_number="101", offers_remote=False, slot_minutes=15, periods=periods,
    )  # fmt: skip


def appointment(
    appointment_id: int, doctor_id: int, start: str, minutes: int = 15, **more
) -> GridAppointment:
    starts = at(start, more.pop("day", DAY))
    values = dict(
        id=appointment_id, doctor_id=doctor_id, patient_id=appointment_id,
        patient_short="Иванов И. И.", patient_full="Иванов Иван Иванович",
        patient_birth_date=dt.date(1980, 1, 1), patient_phone="+79160000000",
        starts_at=starts, ends_at=starts + dt.timedelta(minutes=minutes),
        kind=AppointmentKind.PAID, status=AppointmentStatus.BOOKED, referral_id=None,
        referral_number=None, referral_specialty_id=None, overbooked=False,
        in_holding_tray=False, room_number="101", note=None, version=1,
    )  # fmt: skip
    values.update(more)
    return GridAppointment(**values)


def layout_of(doctors, appointments=(), width: float | None = None) -> GridLayout:
    result = GridLayout([GridColumn(d, DAY) for d in doctors], appointments, MOSCOW, METRICS)
    if width is not None:
        result.fit(width)
    return result


def test_the_layout_module_needs_no_qt() -> None:
    code = (
        "import sys, crm.views.schedule.layout\n"
        "sys.exit(1 if any(m.startswith('PySide6') for m in sys.modules) else 0)\n"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False, timeout=60).returncode == 0


def test_rows_cover_the_union_of_hours_rounded_out_to_whole_hours() -> None:
    layout = layout_of([doctor(1, "09:00-13:00"), doctor(2, "11:30-18:15")])
    # 09:00 (the first doctor comes) to 19:00 (18:15 rounded out to the hour): no shaded
    # hour before the day starts, every row of a laptop's screen is worth having.
    assert layout.first_minute == 9 * 60
    assert layout.rows == 10 * 4
    assert layout.minute_of_row(0) == 540
    assert layout.slot_start(Cell(1, 0)) == at("09:00")
    assert layout.working_spans(0) == [(0, 16)]
    assert layout.working_spans(1) == [(10, 37)]
    assert layout.is_working(0, 0) and layout.is_working(0, 15)
    assert not layout.is_working(0, 16) and not layout.is_working(1, 9)
    assert layout.is_working(0, 14, slots=2) and not layout.is_working(0, 15, slots=2)
    # A margin may still be asked for: an hour around, rounded out.
    around = GridLayout(layout.columns, (), MOSCOW, METRICS, margin_minutes=60)
    assert (around.first_minute, around.rows) == (8 * 60, 12 * 4)


def test_a_day_without_hours_shows_the_default_day_and_appointments_extend_it() -> None:
    empty = layout_of([doctor(1)])
    assert (empty.first_minute, empty.rows) == (8 * 60, 12 * 4)
    assert empty.working_spans(0) == []
    late = layout_of([doctor(1, "09:00-12:00")], [appointment(7, 1, "21:00", 30)])
    assert late.first_minute == 9 * 60
    assert late.minute_of_row(late.rows) == 22 * 60  # 21:30 rounded out to the hour


def test_split_periods_make_two_spans() -> None:
    layout = layout_of([doctor(1, "09:00-12:00", "13:00-15:00")])
    assert layout.working_spans(0) == [(0, 12), (16, 24)]
    assert not layout.is_working(0, 12)
    assert not layout.is_working(0, 11, slots=2)  # the lunch break is in between


def test_columns_stretch_to_fill_but_not_below_the_minimum() -> None:
    layout = layout_of([doctor(n, "09:00-10:00") for n in range(1, 4)], width=660)
    assert layout.column_width == 200  # (660 − 60) / 3
    layout.fit(300)
    assert layout.column_width == 100  # the minimum; the grid scrolls
    assert layout.content_width == 300
    assert layout.column_x(2) == 200
    assert layout.column_range(150, 260) == range(1, 3)
    assert layout.row_range(30, 61) == range(1, 4)


def test_hit_testing_maps_points_to_doctor_and_slot() -> None:
    layout = layout_of([doctor(1, "09:00-12:00"), doctor(2, "09:00-12:00")], width=260)
    assert layout.column_width == 100
    cell = layout.cell_at(150, 85)
    assert cell == Cell(1, 4)
    assert layout.columns[cell.column].doctor.id == 2
    assert layout.slot_start(cell) == at("10:00")
    assert layout.cell_at(-1, 10) is None
    assert layout.cell_at(10, layout.content_height) is None
    assert layout.cell_at(layout.content_width, 10) is None
    assert layout.cell_of((2, DAY), at("09:40")) == Cell(1, 2)
    assert layout.cell_of((3, DAY), at("09:40")) is None


def test_blocks_span_their_slots() -> None:
    block = appointment(5, 2, "09:30", 30)
    layout = layout_of([doctor(1, "09:00-12:00"), doctor(2, "09:00-12:00")], [block], width=260)
    placement = layout.placement(5)
    assert placement is not None
    assert (placement.column, placement.first_row, placement.end_row) == (1, 2, 4)
    rect = layout.block_rect(placement)
    assert (rect.x, rect.y, rect.width, rect.height) == (102, 41, 96, 38)
    assert layout.block_at(150, 50) == placement
    assert layout.block_at(150, 85) is None
    assert layout.blocks_at(Cell(1, 3)) == [placement]
    assert not layout.is_free(1, 3) and layout.is_free(1, 4)
    assert layout.is_free(1, 2, slots=2, ignore=5)
    assert layout.is_free(0, 2)


def test_overbooked_blocks_stand_side_by_side() -> None:
    first = appointment(1, 1, "10:00", 30)
    second = appointment(2, 1, "10:15", 15, overbooked=True)
    later = appointment(3, 1, "11:00", 15)
    layout = layout_of([doctor(1, "09:00-12:00")], [first, second, later], width=260)
    one, two, three = (layout.placement(n) for n in (1, 2, 3))
    assert (one.lane, one.lanes, two.lane, two.lanes) == (0, 2, 1, 2)
    assert (three.lane, three.lanes) == (0, 1)  # after the overlap, full width again
    left, right = layout.block_rect(one), layout.block_rect(two)
    assert left.right <= right.x
    assert left.width == pytest.approx(right.width)
    assert [p.appointment.id for p in layout.blocks_at(Cell(0, 5))] == [1, 2]  # 10:15
    assert layout.block_at(right.x + 1, right.y + 1) == two


def test_appointments_of_other_days_and_doctors_are_left_out() -> None:
    layout = layout_of(
        [doctor(1, "09:00-12:00")],
        [appointment(1, 1, "10:00", day=DAY + dt.timedelta(days=1)), appointment(2, 9, "10:00")],
    )
    assert layout.placements == []


def test_a_week_puts_each_day_in_its_own_column() -> None:
    days = [DAY + dt.timedelta(days=n) for n in range(3)]
    periods = tuple(
        period for day in days[:2] for period in doctor(1, "09:00-12:00", day=day).periods
    )
    week_doctor = doctor(1)
    week_doctor = GridDoctor(**{**week_doctor.__dict__, "periods": periods})
    columns = [GridColumn(week_doctor, day) for day in days]
    tuesday = appointment(4, 1, "10:00", day=days[1])
    layout = GridLayout(columns, [tuesday], MOSCOW, METRICS)
    assert layout.working_spans(0) == layout.working_spans(1) == [(0, 12)]
    assert layout.working_spans(2) == []
    assert layout.placement(4).column == 1
    assert layout.slot_start(Cell(2, 0)) == at("09:00", days[2])


def test_the_columns_keep_one_order_whatever_the_day() -> None:
    """Issue 19, defect 11: on a Sunday the doctors off keep their places (greyed by the
    grid), so a column is where the desk left it; the switch hides them, order kept."""
    from crm.views.schedule.page_data import day_doctors  # imports Qt: imported here

    moscow = dt.timezone(dt.timedelta(hours=3))
    hours = (WorkingPeriod(
        dt.datetime(2031, 3, 2, 9, tzinfo=moscow), dt.datetime(2031, 3, 2, 13, tzinfo=moscow), "1"
    ),)  # fmt: skip

    def doctor(doctor_id: int, periods: tuple[WorkingPeriod, ...] = ()) -> GridDoctor:
        return GridDoctor(
            doctor_id, f"Д{doctor_id}", f"Доктор {doctor_id}", 1, "Терапевт", 1, "Центр",
            None, False, 15, periods,
        )  # fmt: skip

    doctors = [doctor(1), doctor(2, hours), doctor(3), doctor(4, hours), doctor(5)]
    assert [d.id for d in day_doctors(doctors, [])] == [1, 2, 3, 4, 5]
    assert [d.id for d in day_doctors(doctors, [], hide_off=True)] == [2, 4]
    # An appointment kept on a day off (moved there by a manager) counts as work.
    booked = type("Booked", (), {"doctor_id": 3})()
    assert [d.id for d in day_doctors(doctors, [booked], hide_off=True)] == [2, 3, 4]
    # A doctor's own column leads, working that day or not.
    assert [d.id for d in day_doctors(doctors, [], own=5)] == [5, 1, 2, 3, 4]
    assert [d.id for d in day_doctors(doctors, [], own=5, hide_off=True)] == [5, 2, 4]
