"""Doctors' working hours: weekly templates, public holidays and schedule exceptions.

The rules (DOMAIN.md, Doctors, rooms, schedules): a doctor works the hours of the
weekly templates valid on a day; a Russian public holiday (production calendar of
the ``holidays`` package) is a day off unless the template says it works on
holidays; ``extra_work`` exceptions add hours; vacation, sick leave, training and
blocked hours take hours away. Put as sets: (templates ∪ extra work) − absences.

The pure functions at the top work on plain values (no database), so the demo
generator and the unit tests use the very same rules; the functions below them
read templates and exceptions from the database in bulk.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import Generic, TypeVar

import holidays
import sqlalchemy as sa

from crm.controllers.clinic.clock import SessionSource, clinic_timezone, reading
from crm.models import Doctor, ScheduleException, ScheduleTemplate
from crm.models.enums import ExceptionKind

SLOT = dt.timedelta(minutes=15)

R = TypeVar("R")
RoomId = int | None


# --- pure rules ---------------------------------------------------------------------------


@dataclass(frozen=True)
class WeeklyHours(Generic[R]):
    """One weekly template: on ``weekday`` (ISO, 1 = Monday) from ``starts`` to ``ends``.

    Attributes:
        weekday: ISO weekday, 1 = Monday … 7 = Sunday.
        starts: local start time.
        ends: local end time (after ``starts``, same day).
        room: where the doctor receives (a room id, or the demo's room number).
        valid_from: first day the template applies (``None``: always).
        valid_to: last day the template applies (``None``: open-ended).
        works_on_holidays: the doctor works on this weekday even on a public holiday.
    """

    weekday: int
    starts: dt.time
    ends: dt.time
    room: R
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    works_on_holidays: bool = False

    def applies_on(self, day: dt.date, holiday_days: Iterable[dt.date] = ()) -> bool:
        """Whether the doctor works these hours on ``day``."""
        if day.isoweekday() != self.weekday:
            return False
        if self.valid_from is not None and day < self.valid_from:
            return False
        if self.valid_to is not None and day > self.valid_to:
            return False
        return self.works_on_holidays or day not in holiday_days


@dataclass(frozen=True)
class HoursException(Generic[R]):
    """A schedule exception: absence (vacation, sick leave…) or extra work.

    Attributes:
        kind: what it is; only ``extra_work`` adds hours.
        starts: aware start.
        ends: aware end.
        room: for extra work, where the doctor receives.
    """

    kind: ExceptionKind
    starts: dt.datetime
    ends: dt.datetime
    room: R

    @property
    def adds_hours(self) -> bool:
        """Whether this exception makes the doctor available rather than unavailable."""
        return self.kind is ExceptionKind.EXTRA_WORK


@dataclass(frozen=True)
class Period(Generic[R]):
    """An uninterrupted stretch of a doctor's working time in one room.

    Attributes:
        doctor: the doctor (an id, or the demo's index).
        starts: aware start.
        ends: aware end.
        room: where the doctor receives.
        step: the slot length (the doctor's ``slot_minutes``, 15 minutes by default).
    """

    doctor: int
    starts: dt.datetime
    ends: dt.datetime
    room: R
    step: dt.timedelta = SLOT

    def slots(self) -> Iterator[dt.datetime]:
        """Starts of the whole slots inside the period."""
        moment = self.starts
        while moment + self.step <= self.ends:
            yield moment
            moment += self.step

    def holds(self, starts: dt.datetime, ends: dt.datetime) -> bool:
        """Whether ``[starts, ends)`` lies inside the period on its slot grid."""
        return (
            self.starts <= starts < ends <= self.ends
            and (starts - self.starts) % self.step == dt.timedelta(0)
            and (ends - starts) % self.step == dt.timedelta(0)
        )


@cache
def _holidays_of_year(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("RU", years=year))


def public_holidays(years: Iterable[int]) -> frozenset[dt.date]:
    """Russian public holidays and transferred days off in ``years``."""
    found: set[dt.date] = set()
    for year in years:
        found |= _holidays_of_year(year)
    return frozenset(found)


def holidays_between(date_from: dt.date, date_to: dt.date) -> frozenset[dt.date]:
    """Russian public holidays from ``date_from`` to ``date_to`` inclusive."""
    return frozenset(
        day
        for day in public_holidays(range(date_from.year, date_to.year + 1))
        if date_from <= day <= date_to
    )


def day_bounds(day: dt.date, tz: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    """The aware start of ``day`` and of the next day in ``tz``."""
    start = dt.datetime.combine(day, dt.time(0), tz)
    return start, dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tz)


def template_periods(
    doctor: int,
    hours: Iterable[WeeklyHours[R]],
    day: dt.date,
    holiday_days: Iterable[dt.date],
    *,
    tz: dt.tzinfo,
    step: dt.timedelta = SLOT,
) -> list[Period[R]]:
    """The doctor's hours on ``day`` by the weekly templates and the holiday calendar."""
    holiday_set = holiday_days if isinstance(holiday_days, frozenset | set) else set(holiday_days)
    periods: list[Period[R]] = []
    for template in hours:
        if template.applies_on(day, holiday_set):
            periods = _add(
                periods,
                Period(
                    doctor,
                    dt.datetime.combine(day, template.starts, tz),
                    dt.datetime.combine(day, template.ends, tz),
                    template.room,
                    step,
                ),
            )
    return periods


def subtract(period: Period[R], starts: dt.datetime, ends: dt.datetime) -> list[Period[R]]:
    """What is left of ``period`` outside ``[starts, ends)``, on the period's slot grid.

    A piece is cut back to whole slots (an absence until 10:20 frees the doctor
    from 10:30 with 15-minute slots starting at 10:00), so that every later slot
    still starts where the template's slots do.
    """
    if ends <= period.starts or starts >= period.ends:
        return [period]
    step = period.step
    pieces = []
    if starts > period.starts:
        before_end = period.starts + ((starts - period.starts) // step) * step
        if before_end > period.starts:
            pieces.append(replace(period, ends=before_end))
    if ends < period.ends:
        after_start = period.starts + -((period.starts - ends) // step) * step
        if after_start < period.ends:
            pieces.append(replace(period, starts=after_start))
    return pieces


def _add(periods: list[Period[R]], new: Period[R]) -> list[Period[R]]:
    # Hours already covered keep their room (the first template wins on a clash);
    # touching periods in the same room merge, so a visit may run across them.
    pieces = [new]
    for existing in periods:
        pieces = [
            part for piece in pieces for part in subtract(piece, existing.starts, existing.ends)
        ]
    merged = sorted([*periods, *pieces], key=lambda p: p.starts)
    result: list[Period[R]] = []
    for period in merged:
        last = result[-1] if result else None
        if (
            last is not None
            and last.ends == period.starts
            and last.room == period.room
            and last.step == period.step
        ):
            result[-1] = replace(last, ends=period.ends)
        else:
            result.append(period)
    return result


def day_periods(
    doctor: int,
    hours: Iterable[WeeklyHours[R]],
    exceptions: Iterable[HoursException[R]],
    day: dt.date,
    holiday_days: Iterable[dt.date],
    *,
    tz: dt.tzinfo,
    step: dt.timedelta = SLOT,
) -> list[Period[R]]:
    """The doctor's bookable hours on ``day``: (templates ∪ extra work) − absences.

    Args:
        doctor: the doctor the periods are for.
        hours: the doctor's weekly templates.
        exceptions: the doctor's exceptions (any days; those off ``day`` are ignored).
        day: the local day.
        holiday_days: public holidays (at least those around ``day``).
        tz: the clinic's timezone.
        step: the doctor's slot length.

    Returns:
        Non-overlapping periods in time order.
    """
    periods = template_periods(doctor, hours, day, holiday_days, tz=tz, step=step)
    day_start, day_end = day_bounds(day, tz)
    exceptions = [e for e in exceptions if e.starts < day_end and e.ends > day_start]
    for extra in exceptions:
        if extra.adds_hours:
            starts, ends = max(extra.starts, day_start), min(extra.ends, day_end)
            periods = _add(periods, Period(doctor, starts, ends, extra.room, step))
    for absence in exceptions:
        if not absence.adds_hours:
            periods = [
                piece
                for period in periods
                for piece in subtract(period, absence.starts, absence.ends)
            ]
    return periods


def days(date_from: dt.date, date_to: dt.date) -> Iterator[dt.date]:
    """The days from ``date_from`` to ``date_to`` inclusive."""
    day = date_from
    while day <= date_to:
        yield day
        day += dt.timedelta(days=1)


# --- from the database --------------------------------------------------------------------


def working_periods_bulk(
    source: SessionSource,
    doctor_ids: Sequence[int],
    date_from: dt.date,
    date_to: dt.date,
    *,
    tz: dt.tzinfo | None = None,
) -> dict[int, list[Period[RoomId]]]:
    """Every listed doctor's working periods from ``date_from`` to ``date_to`` inclusive.

    Three queries whatever the range: doctors, their templates valid in the range,
    and their exceptions overlapping it.

    Returns:
        For each doctor id (present even when empty), its periods in time order.
    """
    result: dict[int, list[Period[RoomId]]] = {doctor_id: [] for doctor_id in doctor_ids}
    if not doctor_ids or date_to < date_from:
        return result
    with reading(source) as session:
        zone = tz or clinic_timezone(session)
        doctors = {
            row.id: row
            for row in session.execute(
                sa.select(Doctor.id, Doctor.slot_minutes, Doctor.default_room_id).where(
                    Doctor.id.in_(doctor_ids)
                )
            )
        }
        hours: dict[int, list[WeeklyHours[RoomId]]] = {}
        for t in session.scalars(
            sa.select(ScheduleTemplate)
            .where(
                ScheduleTemplate.doctor_id.in_(doctor_ids),
                ScheduleTemplate.valid_from <= date_to,
                sa.or_(ScheduleTemplate.valid_to.is_(None), ScheduleTemplate.valid_to >= date_from),
            )
            .order_by(ScheduleTemplate.id)
        ):
            room = t.room_id if t.room_id is not None else doctors[t.doctor_id].default_room_id
            hours.setdefault(t.doctor_id, []).append(
                WeeklyHours(
                    t.weekday,
                    t.starts,
                    t.ends,
                    room,
                    t.valid_from,
                    t.valid_to,
                    t.works_on_holidays,
                )
            )
        range_start, _ = day_bounds(date_from, zone)
        _, range_end = day_bounds(date_to, zone)
        exceptions: dict[int, list[HoursException[RoomId]]] = {}
        for e in session.scalars(
            sa.select(ScheduleException)
            .where(
                ScheduleException.doctor_id.in_(doctor_ids),
                ScheduleException.starts_at < range_end,
                ScheduleException.ends_at > range_start,
            )
            .order_by(ScheduleException.starts_at)
        ):
            room = e.room_id if e.room_id is not None else doctors[e.doctor_id].default_room_id
            exceptions.setdefault(e.doctor_id, []).append(
                HoursException(e.kind, e.starts_at, e.ends_at, room)
            )
    holiday_days = holidays_between(date_from, date_to)
    for doctor_id, doctor in doctors.items():
        step = dt.timedelta(minutes=doctor.slot_minutes)
        own_hours = hours.get(doctor_id, [])
        own_exceptions = exceptions.get(doctor_id, [])
        for day in days(date_from, date_to):
            result[doctor_id].extend(
                day_periods(
                    doctor_id, own_hours, own_exceptions, day, holiday_days, tz=zone, step=step
                )
            )
    return result


def working_periods(
    source: SessionSource, doctor_id: int, day: dt.date, *, tz: dt.tzinfo | None = None
) -> list[Period[RoomId]]:
    """The doctor's working periods on ``day`` (local to the clinic), in time order."""
    return working_periods_bulk(source, [doctor_id], day, day, tz=tz)[doctor_id]


def period_holding(
    periods: Iterable[Period[R]], starts: dt.datetime, ends: dt.datetime
) -> Period[R] | None:
    """The period that holds ``[starts, ends)`` on its slot grid, if any."""
    return next((p for p in periods if p.holds(starts, ends)), None)
