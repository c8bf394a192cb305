"""Working hours of the demo doctors on given days: templates, holidays and exceptions.

The rules are the booking screens' own (:mod:`crm.controllers.schedule.calendar`): a
template's weekday and hours, no work on a Russian public holiday unless the
template says so, and nothing inside a schedule exception. Only the input differs:
the demo's constant doctors (:data:`~crm.controllers.demo.clinic.DOCTORS`) instead of
rows in the database, with rooms by number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import cache
from zoneinfo import ZoneInfo

from crm.controllers.demo.clinic import DOCTORS, ExceptionSpec
from crm.controllers.schedule import calendar
from crm.controllers.schedule.calendar import SLOT, HoursException, WeeklyHours

MOSCOW = ZoneInfo("Europe/Moscow")
#: A period of a demo doctor; the room is the room's number.
Period = calendar.Period[str]

__all__ = [
    "MOSCOW",
    "SLOT",
    "Period",
    "local",
    "russian_holidays",
    "template_periods",
    "working_periods",
]


def russian_holidays(around: dt.date) -> frozenset[dt.date]:
    """Public holidays and transferred days off of Russia in the years around ``around``."""
    return calendar.public_holidays(range(around.year - 1, around.year + 2))


def local(day: dt.date, time: dt.time) -> dt.datetime:
    """``day`` at ``time`` in Moscow, as an aware datetime."""
    return dt.datetime.combine(day, time, MOSCOW)


@cache
def _weekly_hours(doctor: int) -> tuple[WeeklyHours[str], ...]:
    spec = DOCTORS[doctor]
    return tuple(
        WeeklyHours(weekday, shift.starts, shift.ends, spec.room,
                    works_on_holidays=shift.works_on_holidays)
        for shift in spec.shifts
        for weekday in shift.weekdays
    )  # fmt: skip


def template_periods(doctor: int, day: dt.date, holiday_days: frozenset[dt.date]) -> list[Period]:
    """The doctor's hours on ``day`` by the weekly templates and the holiday calendar."""
    return calendar.template_periods(doctor, _weekly_hours(doctor), day, holiday_days, tz=MOSCOW)


def working_periods(
    doctor: int,
    day: dt.date,
    holiday_days: frozenset[dt.date],
    exceptions: Iterable[ExceptionSpec],
) -> list[Period]:
    """The doctor's bookable hours on ``day``: templates minus the doctor's exceptions."""
    room = DOCTORS[doctor].room
    own = [
        HoursException(e.kind, e.starts.replace(tzinfo=MOSCOW), e.ends.replace(tzinfo=MOSCOW), room)
        for e in exceptions
        if e.doctor == doctor
    ]
    return calendar.day_periods(doctor, _weekly_hours(doctor), own, day, holiday_days, tz=MOSCOW)
