"""Doctors' workload: available, booked and attended slots per doctor per day and week.

Available slots come from the working hours (templates ∪ extra work − absences,
public holidays off: :func:`crm.controllers.schedule.calendar.working_periods_bulk`); an
appointment counts as many slots as it covers in its doctor's slot length. Booked
means it holds its slots (any status but cancelled and rescheduled, a no-show too);
attended means the patient came (arrived, in progress or completed). Utilisation is
booked ÷ available slots, so overbooking can make it exceed 100 %.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from crm.controllers.reports.common import (
    ATTENDED,
    HOLDING,
    BuildContext,
    ReportParams,
    describe_params,
    doctor_filters,
    local_date,
    period_bounds,
    ratio,
    short_person,
)
from crm.controllers.schedule.calendar import working_periods_bulk
from crm.i18n import translate
from crm.models import Appointment, Branch, Doctor, Specialty
from crm.reports.excel.model import Chart, Column, Kind, ReportDocument, Table, Total


def title() -> str:
    return translate("reports", "Doctor workload")


def description() -> str:
    return translate("reports", "Available, booked and attended slots per doctor per day and week")


@dataclass(frozen=True)
class DoctorInfo:
    id: int
    name: str
    specialty: str
    branch: str
    slot_minutes: int


@dataclass(frozen=True)
class WorkloadDay:
    """One doctor's day: slots available by the working hours, booked and attended."""

    doctor_id: int
    day: dt.date
    available: int
    booked: int
    attended: int

    @property
    def utilisation(self) -> float | None:
        return ratio(self.booked, self.available)


@dataclass(frozen=True)
class Workload:
    """The computed report: the doctors and their days (only days with hours or visits)."""

    doctors: list[DoctorInfo]
    days: list[WorkloadDay]


def doctors_for(session: Session, params: ReportParams) -> list[DoctorInfo]:
    """Doctors matching the filters, active or not, in name order."""
    starts, ends = period_bounds(params, dt.UTC)
    has_visits = sa.exists().where(
        Appointment.doctor_id == Doctor.id,
        Appointment.starts_at >= starts - dt.timedelta(days=1),
        Appointment.starts_at < ends + dt.timedelta(days=1),
    )
    rows = session.execute(
        sa.select(
            Doctor.id, Doctor.last_name, Doctor.first_name, Doctor.patronymic,
            Specialty.name, Branch.name, Doctor.slot_minutes,
        )
        .join(Specialty, Specialty.id == Doctor.specialty_id)
        .join(Branch, Branch.id == Doctor.branch_id)
        .where(sa.or_(Doctor.active, has_visits), *doctor_filters(params))
        .order_by(Specialty.name, Doctor.last_name, Doctor.first_name, Doctor.id)
    )  # fmt: skip
    return [DoctorInfo(r[0], short_person(r[1], r[2], r[3]), r[4], r[5], r[6]) for r in rows]


def compute(session: Session, params: ReportParams, context: BuildContext) -> Workload:
    """Slots per doctor per day over the period."""
    doctors = doctors_for(session, params)
    ids = [d.id for d in doctors]
    available: dict[tuple[int, dt.date], int] = defaultdict(int)
    for doctor_id, periods in working_periods_bulk(
        session, ids, params.date_from, params.date_to, tz=context.tz
    ).items():
        for period in periods:
            day = period.starts.astimezone(context.tz).date()
            available[(doctor_id, day)] += sum(1 for _ in period.slots())
    booked: dict[tuple[int, dt.date], int] = defaultdict(int)
    attended: dict[tuple[int, dt.date], int] = defaultdict(int)
    if ids:
        starts, ends = period_bounds(params, context.tz)
        step = {d.id: d.slot_minutes for d in doctors}
        minutes = sa.func.extract("epoch", Appointment.ends_at - Appointment.starts_at) / 60
        for doctor_id, day, status, length in session.execute(
            sa.select(
                Appointment.doctor_id,
                local_date(Appointment.starts_at, context.tz_name),
                Appointment.status,
                minutes,
            ).where(
                Appointment.doctor_id.in_(ids),
                Appointment.starts_at >= starts,
                Appointment.starts_at < ends,
                Appointment.status.in_(HOLDING),
            )
        ):
            slots = max(1, math.ceil(float(length) / step[doctor_id]))
            booked[(doctor_id, day)] += slots
            if status in ATTENDED:
                attended[(doctor_id, day)] += slots
    keys = sorted(set(available) | set(booked))
    order = {d.id: n for n, d in enumerate(doctors)}
    keys.sort(key=lambda k: (order[k[0]], k[1]))
    return Workload(
        doctors,
        [WorkloadDay(d, day, available[(d, day)], booked[(d, day)], attended[(d, day)])
         for d, day in keys],
    )  # fmt: skip


def _slot_columns() -> list[Column]:
    return [
        Column("available", translate("reports", "Available slots"), Kind.INTEGER, Total.SUM),
        Column("booked", translate("reports", "Booked slots"), Kind.INTEGER, Total.SUM),
        Column("attended", translate("reports", "Attended slots"), Kind.INTEGER, Total.SUM),
        Column(
            "utilisation", translate("reports", "Utilisation"), Kind.PERCENT, Total.RATIO,
            ("booked", "available"),
        ),
        Column(
            "attendance", translate("reports", "Attended of available"), Kind.PERCENT, Total.RATIO,
            ("attended", "available"),
        ),
    ]  # fmt: skip


def _figures(available: int, booked: int, attended: int) -> list[int | float | None]:
    return [available, booked, attended, ratio(booked, available), ratio(attended, available)]


def monday(day: dt.date) -> dt.date:
    """The Monday of ``day``'s week."""
    return day - dt.timedelta(days=day.isoweekday() - 1)


def build(session: Session, params: ReportParams, context: BuildContext) -> ReportDocument:
    """The workload workbook: by day, by week, by doctor, and the daily trend with a chart."""
    work = compute(session, params, context)
    info = {d.id: d for d in work.doctors}
    doctor_cols = [
        Column("doctor", translate("reports", "Doctor"), Kind.TEXT, Total.LABEL, width=22),
        Column("specialty", translate("reports", "Specialty"), width=22),
    ]
    by_day = [
        [info[w.doctor_id].name, info[w.doctor_id].specialty, w.day,
         *_figures(w.available, w.booked, w.attended)]
        for w in work.days
    ]  # fmt: skip
    weeks: dict[tuple[int, dt.date], list[int]] = {}
    doctors: dict[int, list[int]] = {}
    trend: dict[dt.date, list[int]] = {}
    for w in work.days:
        for bucket in (
            weeks.setdefault((w.doctor_id, monday(w.day)), [0, 0, 0]),
            doctors.setdefault(w.doctor_id, [0, 0, 0]),
            trend.setdefault(w.day, [0, 0, 0]),
        ):
            bucket[0] += w.available
            bucket[1] += w.booked
            bucket[2] += w.attended
    by_week = [
        [info[d].name, info[d].specialty, week, week + dt.timedelta(days=6), *_figures(*v)]
        for (d, week), v in sorted(weeks.items(), key=lambda kv: (kv[0][1], kv[0][0]))
    ]
    by_doctor = [
        [d.name, d.specialty, d.branch, *_figures(*doctors[d.id])]
        for d in work.doctors
        if d.id in doctors
    ]
    trend_rows = [[day, *_figures(*v)] for day, v in sorted(trend.items())]
    empty = translate("reports", "No working hours or appointments in this period")
    tables = [
        Table(
            translate("reports", "By doctor"),
            [
                *doctor_cols,
                Column("branch", translate("reports", "Branch"), width=18),
                *_slot_columns(),
            ],
            by_doctor,
            empty_message=empty,
        ),
        Table(
            translate("reports", "By day"),
            [
                *doctor_cols,
                Column("day", translate("reports", "Date"), Kind.DATE),
                *_slot_columns(),
            ],
            by_day,
            empty_message=empty,
        ),
        Table(
            translate("reports", "By week"),
            [
                *doctor_cols,
                Column("week", translate("reports", "Week from"), Kind.DATE),
                Column("week_to", translate("reports", "Week to"), Kind.DATE),
                *_slot_columns(),
            ],
            by_week,
            empty_message=empty,
        ),
        Table(
            translate("reports", "Trend"),
            [Column("day", translate("reports", "Date"), Kind.DATE, Total.LABEL), *_slot_columns()],
            trend_rows,
            chart=Chart(
                translate("reports", "Slots per day"),
                "day",
                ("available", "booked", "attended"),
                y_title=translate("reports", "Slots"),
            ),
            empty_message=empty,
        ),
    ]
    return ReportDocument(
        title(),
        tables,
        describe_params(session, title(), params, context),
        [
            translate("reports", "Available slots: the working hours (templates and extra work, "
                      "minus absences; public holidays are days off)."),
            translate("reports", "Booked slots: appointments that hold their slots (no-shows "
                      "included; cancelled and rescheduled ones not)."),
            translate("reports", "Attended slots: the patient arrived (arrived, in progress or "
                      "completed)."),
            translate("reports", "Utilisation = booked ÷ available; overbooking can exceed 100 %."),
        ],
        parameters_sheet=translate("reports", "Parameters"),
        no_data=None if work.days else empty,
    )  # fmt: skip
