"""What every report shares: its parameters, the filters, the period in the clinic's time.

A report is computed by one small module in this package into a
:class:`~crm.reports.excel.model.ReportDocument`; the registry in ``__init__`` lists
them with their titles and the filters each one takes.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from crm.controllers.context import Actor
from crm.controllers.errors import ValidationError
from crm.controllers.schedule.calendar import day_bounds, public_holidays
from crm.controllers.vocabulary import appointment_kind_title as kind_title
from crm.controllers.vocabulary import appointment_status_title as status_title
from crm.i18n import translate
from crm.models import Appointment, Branch, Doctor, Specialty
from crm.models.enums import AppointmentKind, AppointmentStatus
from crm.reports.excel.model import ReportDocument

#: Filters a report may take (the keys of :attr:`ReportDefinition.filters`).
BRANCH, SPECIALTY, DOCTOR, KIND, STATUS = "branch", "specialty", "doctor", "kind", "status"
ALL_FILTERS = (BRANCH, SPECIALTY, DOCTOR, KIND, STATUS)
#: Longest period a report may cover (a register of ten years is a mistake, not a report).
MAX_DAYS = 3 * 366
#: Statuses of a visit that took place (or is taking place).
ATTENDED = (AppointmentStatus.ARRIVED, AppointmentStatus.IN_PROGRESS, AppointmentStatus.COMPLETED)
#: Statuses that hold a slot.
HOLDING = (
    AppointmentStatus.BOOKED,
    AppointmentStatus.ARRIVED,
    AppointmentStatus.IN_PROGRESS,
    AppointmentStatus.COMPLETED,
    AppointmentStatus.NO_SHOW,
)


@dataclass(frozen=True)
class ReportParams:
    """The period (local days, inclusive) and the filters of one report run."""

    date_from: dt.date
    date_to: dt.date
    branch_id: int | None = None
    specialty_id: int | None = None
    doctor_id: int | None = None
    kind: AppointmentKind | None = None
    status: AppointmentStatus | None = None

    def given_filters(self) -> set[str]:
        """The filters set in these parameters."""
        values = {
            BRANCH: self.branch_id,
            SPECIALTY: self.specialty_id,
            DOCTOR: self.doctor_id,
            KIND: self.kind,
            STATUS: self.status,
        }
        return {name for name, value in values.items() if value is not None}


@dataclass(frozen=True)
class BuildContext:
    """Where and for whom a report is computed."""

    actor: Actor
    tz: dt.tzinfo
    now: dt.datetime
    tz_name: str

    @property
    def today(self) -> dt.date:
        """Today in the clinic's timezone."""
        return self.now.astimezone(self.tz).date()


Builder = Callable[[Session, ReportParams, BuildContext], ReportDocument]


@dataclass(frozen=True)
class ReportDefinition:
    """One report of the registry.

    Attributes:
        name: the name typed on the command line (``clinic-crm report NAME``).
        title: its title in the current language (a function: the language may change).
        description: one sentence on what it shows.
        filters: which of :data:`ALL_FILTERS` it takes.
        build: computes the document.
    """

    name: str
    title: Callable[[], str]
    description: Callable[[], str]
    filters: frozenset[str]
    build: Builder = field(repr=False)


def check_params(definition: ReportDefinition, params: ReportParams) -> None:
    """Refuse a reversed or overlong period and filters the report does not take."""
    if params.date_to < params.date_from:
        raise ValidationError(
            translate("reports", "Period: the end is before the start"), field="date_to"
        )
    if (params.date_to - params.date_from).days + 1 > MAX_DAYS:
        raise ValidationError(
            translate("reports", "Period: at most {days} days").format(days=MAX_DAYS),
            field="date_to",
        )
    extra = sorted(params.given_filters() - definition.filters)
    if extra:
        raise ValidationError(
            translate("reports", "This report has no filter by {filter}").format(
                filter=filter_title(extra[0])
            ),
            field=extra[0],
        )


def filter_title(name: str) -> str:
    """A filter's name in words."""
    titles = {
        BRANCH: translate("reports", "branch"),
        SPECIALTY: translate("reports", "specialty"),
        DOCTOR: translate("reports", "doctor"),
        KIND: translate("reports", "kind of appointment"),
        STATUS: translate("reports", "status"),
    }
    return titles[name]


def period_bounds(params: ReportParams, tz: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    """The aware start of the first day and of the day after the last."""
    return day_bounds(params.date_from, tz)[0], day_bounds(params.date_to, tz)[1]


def doctor_filters(params: ReportParams) -> list[sa.ColumnElement[bool]]:
    """WHERE clauses on ``Doctor`` for the branch, specialty and doctor filters."""
    clauses: list[sa.ColumnElement[bool]] = []
    if params.branch_id is not None:
        clauses.append(Doctor.branch_id == params.branch_id)
    if params.specialty_id is not None:
        clauses.append(Doctor.specialty_id == params.specialty_id)
    if params.doctor_id is not None:
        clauses.append(Doctor.id == params.doctor_id)
    return clauses


def appointment_filters(params: ReportParams) -> list[sa.ColumnElement[bool]]:
    """WHERE clauses on ``Appointment`` (joined to ``Doctor``) for every filter."""
    clauses = doctor_filters(params)
    if params.kind is not None:
        clauses.append(Appointment.kind == params.kind)
    if params.status is not None:
        clauses.append(Appointment.status == params.status)
    return clauses


def describe_params(
    session: Session, title: str, params: ReportParams, context: BuildContext
) -> list[tuple[str, Any]]:
    """The parameters sheet's lines: report, period, filters, who and when."""
    lines: list[tuple[str, Any]] = [
        (translate("reports", "Report"), title),
        (translate("reports", "Period from"), params.date_from),
        (translate("reports", "Period to"), params.date_to),
    ]
    if params.branch_id is not None:
        name = session.scalar(sa.select(Branch.name).where(Branch.id == params.branch_id))
        lines.append((translate("reports", "Branch"), name or f"#{params.branch_id}"))
    if params.specialty_id is not None:
        name = session.scalar(sa.select(Specialty.name).where(Specialty.id == params.specialty_id))
        lines.append((translate("reports", "Specialty"), name or f"#{params.specialty_id}"))
    if params.doctor_id is not None:
        row = session.execute(
            sa.select(Doctor.last_name, Doctor.first_name, Doctor.patronymic).where(
                Doctor.id == params.doctor_id
            )
        ).first()
        lines.append(
            (translate("reports", "Doctor"), person_name(*row) if row else f"#{params.doctor_id}")
        )
    if params.kind is not None:
        lines.append((translate("reports", "Kind of appointment"), kind_title(params.kind)))
    if params.status is not None:
        lines.append((translate("reports", "Status"), status_title(params.status)))
    actor = context.actor
    lines += [
        (translate("reports", "Generated by"), f"{actor.full_name} ({actor.login})"),
        (translate("reports", "Workstation"), actor.workstation),
        (translate("reports", "Generated at"), context.now.astimezone(context.tz)),
        (translate("reports", "Timezone"), context.tz_name),
    ]
    return lines


def person_name(last_name: str, first_name: str, patronymic: str | None) -> str:
    """``Иванова Анна Петровна``."""
    return " ".join(part for part in (last_name, first_name, patronymic) if part)


def short_person(last_name: str, first_name: str, patronymic: str | None) -> str:
    """``Иванова А. П.``."""
    initials = f"{first_name[:1]}." + (f" {patronymic[:1]}." if patronymic else "")
    return f"{last_name} {initials}"


def weekday_title(iso_weekday: int) -> str:
    """Monday … Sunday in words (ISO numbering, 1 = Monday)."""
    names = (
        translate("reports", "Monday"),
        translate("reports", "Tuesday"),
        translate("reports", "Wednesday"),
        translate("reports", "Thursday"),
        translate("reports", "Friday"),
        translate("reports", "Saturday"),
        translate("reports", "Sunday"),
    )
    return names[iso_weekday - 1]


def ratio(part: float, whole: float) -> float | None:
    """``part / whole``, or ``None`` when ``whole`` is zero."""
    return part / whole if whole else None


def percentile(values: Sequence[float], fraction: float) -> float | None:
    """The ``fraction`` percentile with linear interpolation (Excel's PERCENTILE.INC)."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def median(values: Sequence[float]) -> float | None:
    """The median (``None`` for no values)."""
    return percentile(values, 0.5)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end`` (weekends and RU holidays off).

    The day of issue is day zero: a referral issued on a Friday and used the next
    Monday waited one working day.
    """
    if end <= start:
        return 0
    holiday_days = public_holidays(range(start.year, end.year + 1))
    count = 0
    day = start + dt.timedelta(days=1)
    while day <= end:
        if day.isoweekday() <= 5 and day not in holiday_days:
            count += 1
        day += dt.timedelta(days=1)
    return count


def local_date(column: Any, tz_name: str) -> sa.ColumnElement[dt.date]:
    """SQL: the local calendar day of a ``timestamptz`` column in the clinic's timezone."""
    return sa.cast(sa.func.timezone(tz_name, column), sa.Date)


def local_time(column: Any, tz_name: str) -> sa.ColumnElement[dt.datetime]:
    """SQL: a ``timestamptz`` column as the clinic's wall-clock time (no zone, for Excel)."""
    return sa.func.timezone(tz_name, column)


def first(rows: Iterable[Any]) -> Any:
    """The first item, or ``None``."""
    return next(iter(rows), None)
