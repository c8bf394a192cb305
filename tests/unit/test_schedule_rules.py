"""Working-hours rules on plain values: templates, holidays, exceptions, the slot grid.

No database and no Qt: :mod:`crm.controllers.schedule.calendar`'s pure functions only.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from crm.controllers.schedule.calendar import (
    SLOT,
    HoursException,
    Period,
    WeeklyHours,
    day_periods,
    holidays_between,
    period_holding,
    public_holidays,
    subtract,
    template_periods,
)
from crm.models.enums import ExceptionKind

MOSCOW = ZoneInfo("Europe/Moscow")
MONDAY = dt.date(2031, 3, 3)
UNITY_DAY = dt.date(2031, 11, 4)  # a Tuesday
NONE: frozenset[dt.date] = frozenset()


def at(day: dt.date, hhmm: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.fromisoformat(hhmm), MOSCOW)


def hours(weekday: int, span: str, room: str = "101", **kwargs) -> WeeklyHours[str]:
    start, end = (dt.time.fromisoformat(x) for x in span.split("-"))
    return WeeklyHours(weekday, start, end, room, **kwargs)


def spans(periods: list[Period[str]]) -> list[tuple[str, str, str]]:
    return [(p.starts.strftime("%H:%M"), p.ends.strftime("%H:%M"), p.room) for p in periods]


def absence(day: dt.date, start: str, end: str, kind=ExceptionKind.BLOCKED, room="101"):
    return HoursException(kind, at(day, start), at(day, end), room)


def test_russian_public_holidays_come_from_the_production_calendar():
    days = public_holidays([2026, 2031])
    assert {dt.date(2026, 1, 1), dt.date(2026, 1, 7), dt.date(2026, 11, 4), UNITY_DAY} <= days
    assert dt.date(2026, 1, 9) in days, "a transferred day off"
    assert MONDAY not in days
    assert holidays_between(dt.date(2031, 11, 1), dt.date(2031, 11, 30)) == {UNITY_DAY}


def test_templates_apply_on_their_weekday_within_their_validity():
    templates = [
        hours(1, "09:00-13:00"),
        hours(1, "14:00-18:00", room="102", valid_from=MONDAY + dt.timedelta(days=7)),
        hours(2, "08:00-12:00"),
        hours(1, "18:00-20:00", valid_to=MONDAY - dt.timedelta(days=1)),
    ]
    assert spans(template_periods(1, templates, MONDAY, NONE, tz=MOSCOW)) == [
        ("09:00", "13:00", "101")]  # fmt: skip
    next_monday = MONDAY + dt.timedelta(days=7)
    assert spans(template_periods(1, templates, next_monday, NONE, tz=MOSCOW)) == [
        ("09:00", "13:00", "101"), ("14:00", "18:00", "102")]  # fmt: skip


def test_a_public_holiday_is_off_unless_the_template_works_on_holidays():
    holidays = public_holidays([2031])
    normal, duty = hours(2, "09:00-15:00"), hours(2, "09:00-15:00", works_on_holidays=True)
    assert template_periods(1, [normal], UNITY_DAY, holidays, tz=MOSCOW) == []
    assert spans(template_periods(1, [duty], UNITY_DAY, holidays, tz=MOSCOW)) == [
        ("09:00", "15:00", "101")]  # fmt: skip


def test_touching_periods_in_one_room_merge_and_overlaps_keep_the_first_room():
    merged = template_periods(
        1, [hours(1, "08:00-14:00"), hours(1, "14:00-20:00")], MONDAY, NONE, tz=MOSCOW
    )
    assert spans(merged) == [("08:00", "20:00", "101")]
    clash = template_periods(
        1, [hours(1, "08:00-14:00"), hours(1, "12:00-16:00", room="102")], MONDAY, NONE, tz=MOSCOW
    )
    assert spans(clash) == [("08:00", "14:00", "101"), ("14:00", "16:00", "102")]


def test_absences_take_hours_away_on_the_slot_grid():
    period = Period(1, at(MONDAY, "09:00"), at(MONDAY, "13:00"), "101")
    assert spans(subtract(period, at(MONDAY, "10:00"), at(MONDAY, "11:00"))) == [
        ("09:00", "10:00", "101"), ("11:00", "13:00", "101")]  # fmt: skip
    # 10:10–10:20 blocks the whole 10:00 and 10:15 slots, not a shifted grid.
    assert spans(subtract(period, at(MONDAY, "10:10"), at(MONDAY, "10:20"))) == [
        ("09:00", "10:00", "101"), ("10:30", "13:00", "101")]  # fmt: skip
    assert subtract(period, at(MONDAY, "08:00"), at(MONDAY, "14:00")) == []
    assert subtract(period, at(MONDAY, "13:00"), at(MONDAY, "14:00")) == [period]


def test_day_periods_are_templates_plus_extra_work_minus_absences():
    templates = [hours(1, "09:00-18:00"), hours(6, "10:00-12:00")]
    exceptions = [
        absence(MONDAY, "13:00", "14:00", ExceptionKind.TRAINING),
        HoursException(ExceptionKind.EXTRA_WORK, at(MONDAY, "18:00"), at(MONDAY, "20:00"), "101"),
        # A vacation over several days, starting in the middle of the previous one.
        HoursException(
            ExceptionKind.VACATION,
            at(MONDAY + dt.timedelta(days=3), "12:00"),
            at(MONDAY + dt.timedelta(days=5), "11:00"),
            "101",
        ),  # fmt: skip
    ]
    monday = day_periods(1, templates, exceptions, MONDAY, NONE, tz=MOSCOW)
    assert spans(monday) == [("09:00", "13:00", "101"), ("14:00", "20:00", "101")]
    saturday = MONDAY + dt.timedelta(days=5)
    assert spans(day_periods(1, templates, exceptions, saturday, NONE, tz=MOSCOW)) == [
        ("11:00", "12:00", "101")]  # fmt: skip
    # Extra work on a day off, in its own room; an absence inside it still counts.
    sunday = MONDAY + dt.timedelta(days=6)
    extra = [
        HoursException(ExceptionKind.EXTRA_WORK, at(sunday, "10:00"), at(sunday, "14:00"), "7"),
        absence(sunday, "11:00", "11:30", ExceptionKind.SICK_LEAVE),
    ]
    assert spans(day_periods(1, templates, extra, sunday, NONE, tz=MOSCOW)) == [
        ("10:00", "11:00", "7"), ("11:30", "14:00", "7")]  # fmt: skip


def test_slots_and_holding_follow_the_doctors_slot_length():
    period = Period(1, at(MONDAY, "09:00"), at(MONDAY, "10:10"), "101")
    assert [s.strftime("%H:%M") for s in period.slots()] == ["09:00", "09:15", "09:30", "09:45"]
    assert period.holds(at(MONDAY, "09:15"), at(MONDAY, "09:45"))
    assert not period.holds(at(MONDAY, "09:05"), at(MONDAY, "09:20")), "off the grid"
    assert not period.holds(at(MONDAY, "09:45"), at(MONDAY, "10:15")), "past the end"
    half_hours = Period(1, at(MONDAY, "09:00"), at(MONDAY, "11:00"), "101", 2 * SLOT)
    assert len(list(half_hours.slots())) == 4
    assert not half_hours.holds(at(MONDAY, "09:15"), at(MONDAY, "09:45"))
    assert period_holding([period, half_hours], at(MONDAY, "10:30"), at(MONDAY, "11:00")) is (
        half_hours)  # fmt: skip
    assert period_holding([period], at(MONDAY, "12:00"), at(MONDAY, "12:15")) is None
