"""Working hours of the demo doctors on given days: templates, holidays and exceptions.

The same rules the booking screens follow (DOMAIN.md, Doctors, rooms, schedules):
a template's weekday and hours, no work on a Russian public holiday unless the
template says so, and nothing inside a schedule exception.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import holidays

from crm.controllers.demo.clinic import DOCTORS, ExceptionSpec

MOSCOW = ZoneInfo("Europe/Moscow")
SLOT = dt.timedelta(minutes=15)


def russian_holidays(around: dt.date) -> frozenset[dt.date]:
    """Public holidays and transferred days off of Russia in the years around ``around``."""
    calendar = holidays.country_holidays("RU", years=range(around.year - 1, around.year + 2))
    return frozenset(calendar)


@dataclass(frozen=True)
class Period:
    """An uninterrupted stretch of a doctor's working time (aware datetimes, Moscow)."""

    doctor: int
    starts: dt.datetime
    ends: dt.datetime
    room: str

    def slots(self) -> Iterator[dt.datetime]:
        """Starts of the whole 15-minute slots inside the period."""
        moment = self.starts
        while moment + SLOT <= self.ends:
            yield moment
            moment += SLOT


def local(day: dt.date, time: dt.time) -> dt.datetime:
    """``day`` at ``time`` in Moscow, as an aware datetime."""
    return dt.datetime.combine(day, time, MOSCOW)


def template_periods(doctor: int, day: dt.date, holiday_days: frozenset[dt.date]) -> list[Period]:
    """The doctor's hours on ``day`` by the weekly templates and the holiday calendar."""
    spec = DOCTORS[doctor]
    periods = []
    for shift in spec.shifts:
        if day.isoweekday() not in shift.weekdays:
            continue
        if day in holiday_days and not shift.works_on_holidays:
            continue
        periods.append(Period(doctor, local(day, shift.starts), local(day, shift.ends), spec.room))
    return periods


def _subtract(period: Period, start: dt.datetime, end: dt.datetime) -> list[Period]:
    if end <= period.starts or start >= period.ends:
        return [period]
    pieces = []
    if start > period.starts:
        pieces.append(Period(period.doctor, period.starts, start, period.room))
    if end < period.ends:
        pieces.append(Period(period.doctor, end, period.ends, period.room))
    return pieces


def working_periods(
    doctor: int,
    day: dt.date,
    holiday_days: frozenset[dt.date],
    exceptions: Iterable[ExceptionSpec],
) -> list[Period]:
    """The doctor's bookable hours on ``day``: templates minus the doctor's exceptions."""
    periods = template_periods(doctor, day, holiday_days)
    for exception in exceptions:
        if exception.doctor != doctor:
            continue
        start = exception.starts.replace(tzinfo=MOSCOW)
        end = exception.ends.replace(tzinfo=MOSCOW)
        periods = [piece for period in periods for piece in _subtract(period, start, end)]
    return periods
