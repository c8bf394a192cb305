"""Patients' ratings: per doctor, per doctor and month, and the monthly trend.

A rating counts in the month (clinic's time) it was recorded. A doctor's ratings are
those of her visits and those of her; ratings of the clinic as a whole make a row of
their own unless the report is narrowed to branches, specialties or a doctor.
Averages are exact decimals rounded to two places; the totals row is weighted
(all points ÷ all ratings), not an average of averages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from crm.controllers.reports.common import (
    BuildContext,
    ReportParams,
    describe_params,
    doctor_filters,
    local_date,
    period_bounds,
    short_person,
)
from crm.i18n import translate
from crm.models import Doctor, Feedback, Specialty
from crm.reports.excel.model import Chart, Column, Kind, ReportDocument, Table, Total, Value

#: A rating at or below this is low (the manager's queue).
LOW = 2
#: The dashboard's averages cover this many days up to today.
DASHBOARD_DAYS = 90
CENT = Decimal("0.01")


def title() -> str:
    return translate("reports", "Patients' ratings")


def description() -> str:
    return translate("reports", "Ratings per doctor and per month: count, average, low ones")


def no_ratings() -> str:
    return translate("reports", "No ratings in this period: the report has no data")


@dataclass
class Tally:
    """Ratings of one group: how many, their points, the low ones and those answered."""

    count: int = 0
    points: int = 0
    low: int = 0
    low_answered: int = 0

    def add(self, rating: int, answered: bool) -> None:
        self.count += 1
        self.points += rating
        if rating <= LOW:
            self.low += 1
            self.low_answered += answered

    @property
    def average(self) -> Decimal | None:
        if not self.count:
            return None
        return (Decimal(self.points) / self.count).quantize(CENT, ROUND_HALF_UP)


@dataclass(frozen=True)
class DoctorAverage:
    """One doctor's ratings over a period (``doctor_id`` ``None``: the clinic itself)."""

    doctor_id: int | None
    doctor: str
    specialty: str
    count: int
    average: Decimal
    low: int


@dataclass(frozen=True)
class Fact:
    month: dt.date  # its first day
    doctor_id: int | None
    doctor: str
    specialty: str
    rating: int
    answered: bool


@dataclass
class Groups:
    by_doctor: dict[tuple[str, str, int | None], Tally] = field(default_factory=dict)
    by_month: dict[tuple[dt.date, str, str, int | None], Tally] = field(default_factory=dict)
    months: dict[dt.date, Tally] = field(default_factory=dict)


def clinic_label() -> str:
    return translate("reports", "The clinic as a whole")


def facts(
    session: Session,
    starts: dt.datetime,
    ends: dt.datetime,
    tz_name: str,
    clauses: Iterable[sa.ColumnElement[bool]] = (),
) -> list[Fact]:
    """Ratings recorded in ``[starts, ends)`` with their month and doctor."""
    day = local_date(Feedback.created_at, tz_name)
    query = (
        sa.select(day, Feedback.doctor_id, Doctor.last_name, Doctor.first_name,
                  Doctor.patronymic, Specialty.name, Feedback.rating, Feedback.answered_at)
        .outerjoin(Doctor, Doctor.id == Feedback.doctor_id)
        .outerjoin(Specialty, Specialty.id == Doctor.specialty_id)
        .where(Feedback.created_at >= starts, Feedback.created_at < ends, *clauses)
        .order_by(Feedback.created_at, Feedback.id)
    )  # fmt: skip
    clinic = clinic_label()
    return [
        Fact(
            on.replace(day=1), doctor_id,
            short_person(last, first, middle) if last else clinic, specialty or "",
            rating, answered_at is not None,
        )
        for on, doctor_id, last, first, middle, specialty, rating, answered_at
        in session.execute(query)
    ]  # fmt: skip


def group(found: Iterable[Fact]) -> Groups:
    groups = Groups()
    for fact in found:
        doctor = (fact.doctor, fact.specialty, fact.doctor_id)
        groups.by_doctor.setdefault(doctor, Tally()).add(fact.rating, fact.answered)
        groups.by_month.setdefault((fact.month, *doctor), Tally()).add(fact.rating, fact.answered)
        groups.months.setdefault(fact.month, Tally()).add(fact.rating, fact.answered)
    return groups


def _order(key: tuple[str, str, int | None]) -> tuple[bool, str, int]:
    # The clinic's own row last, doctors by name.
    return (key[2] is None, key[0], key[2] or 0)


def doctor_averages(
    session: Session, today: dt.date, tz: dt.tzinfo, days: int = DASHBOARD_DAYS
) -> list[DoctorAverage]:
    """Each rated doctor's count, average and low ratings over the last ``days`` days,
    best average first (the dashboard's table); the clinic's own ratings last."""
    params = ReportParams(today - dt.timedelta(days=days - 1), today)
    starts, ends = period_bounds(params, tz)
    groups = group(facts(session, starts, ends, str(tz)))
    rows = [
        DoctorAverage(key[2], key[0], key[1], t.count, t.average or Decimal(0), t.low)
        for key, t in groups.by_doctor.items()
    ]
    return sorted(rows, key=lambda r: (r.doctor_id is None, -r.average, r.doctor))


def _month(day: dt.date) -> str:
    return f"{day:%m.%Y}"


def _figure_columns() -> list[Column]:
    return [
        Column("count", translate("reports", "Ratings"), Kind.INTEGER, Total.SUM),
        Column("points", translate("reports", "Points"), Kind.INTEGER, Total.SUM),
        Column("average", translate("reports", "Average"), Kind.NUMBER, Total.RATIO,
               ratio=("points", "count")),
        Column("low", translate("reports", "Low (≤ 2)"), Kind.INTEGER, Total.SUM),
        Column("answered", translate("reports", "Low answered"), Kind.INTEGER, Total.SUM),
    ]  # fmt: skip


def _figures(t: Tally) -> list[Value]:
    return [t.count, t.points, t.average, t.low, t.low_answered]


def _trend(groups: Groups, empty: str) -> Table:
    doctors = sorted(groups.by_doctor, key=_order)
    columns = [
        Column("month", translate("reports", "Month"), total=Total.LABEL),
        Column("count", translate("reports", "Ratings"), Kind.INTEGER, Total.SUM),
        Column("average", translate("reports", "Average, all"), Kind.NUMBER),
        *(Column(f"doctor_{n}", name, Kind.NUMBER, width=14) for n, (name, _s, _i) in
          enumerate(doctors)),
    ]  # fmt: skip
    rows: list[list[Value]] = []
    for month, tally in sorted(groups.months.items()):
        row: list[Value] = [_month(month), tally.count, tally.average]
        for name, specialty, doctor_id in doctors:
            cell = groups.by_month.get((month, name, specialty, doctor_id))
            row.append(cell.average if cell else None)
        rows.append(row)
    series = ("average", *(f"doctor_{n}" for n in range(len(doctors))))
    return Table(
        translate("reports", "Trend"),
        columns,
        rows,
        chart=Chart(
            translate("reports", "Average rating per month"),
            "month",
            series,
            y_title=translate("reports", "Average"),
        ),
        empty_message=empty,
    )


def build(session: Session, params: ReportParams, context: BuildContext) -> ReportDocument:
    """By doctor, by doctor and month, and the trend with its chart."""
    starts, ends = period_bounds(params, context.tz)
    found = facts(session, starts, ends, context.tz_name, doctor_filters(params))
    groups = group(found)
    empty = no_ratings()
    doctor_columns = [
        Column("doctor", translate("reports", "Doctor"), total=Total.LABEL, width=26),
        Column("specialty", translate("reports", "Specialty"), width=22),
    ]
    by_doctor = sorted(groups.by_doctor.items(), key=lambda item: _order(item[0]))
    by_month = sorted(groups.by_month.items(), key=lambda item: (item[0][0], *_order(item[0][1:])))
    tables = [
        Table(
            translate("reports", "By doctor"),
            [*doctor_columns, *_figure_columns()],
            [[k[0], k[1], *_figures(t)] for k, t in by_doctor],
            empty_message=empty,
        ),
        Table(
            translate("reports", "By month"),
            [Column("month", translate("reports", "Month"), total=Total.LABEL), *doctor_columns,
             *_figure_columns()],
            [[_month(k[0]), k[1], k[2], *_figures(t)] for k, t in by_month],
            empty_message=empty,
        ),
        _trend(groups, empty),
    ]  # fmt: skip
    return ReportDocument(
        title(),
        tables,
        describe_params(session, title(), params, context),
        [
            translate("reports", "A rating counts in the month it was recorded, clinic's time."),
            translate("reports", "A doctor's ratings: of her visits and of her."),
            translate("reports", "The totals' average is all points divided by all ratings."),
        ],
        parameters_sheet=translate("reports", "Parameters"),
        no_data=None if found else empty,
    )
