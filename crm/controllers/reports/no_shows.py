"""No-shows and late cancellations: rates by doctor, specialty, weekday and day.

Counted over the appointments starting in the period, rescheduled ones left out
(their replacement counts instead):

* no-show rate = no-shows ÷ appointments not cancelled;
* late cancellation = cancelled less than 24 hours before the start (by anyone),
  the moment of cancelling taken from the journal; rate = late ÷ all appointments.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

from crm.controllers.reports.common import (
    ATTENDED,
    BuildContext,
    ReportParams,
    appointment_filters,
    describe_params,
    local_date,
    period_bounds,
    ratio,
    short_person,
    weekday_title,
)
from crm.i18n import translate
from crm.models import Appointment, Doctor, JournalEntry, Specialty
from crm.models.enums import AppointmentStatus
from crm.reports.excel.model import Chart, Column, Kind, ReportDocument, Table, Total

LATE = dt.timedelta(hours=24)
K = TypeVar("K")


def title() -> str:
    return translate("reports", "No-shows and late cancellations")


def description() -> str:
    return translate(
        "reports", "No-show and late cancellation rates by doctor, specialty and weekday"
    )


@dataclass(frozen=True)
class Visit:
    """One appointment as this report reads it."""

    doctor: str
    specialty: str
    day: dt.date
    status: AppointmentStatus
    late_cancel: bool


@dataclass
class Counts:
    """Counts of one group and its rates."""

    appointments: int = 0
    cancelled: int = 0
    late: int = 0
    no_shows: int = 0
    attended: int = 0

    def add(self, visit: Visit) -> None:
        self.appointments += 1
        if visit.status is AppointmentStatus.CANCELLED:
            self.cancelled += 1
            self.late += visit.late_cancel
        elif visit.status is AppointmentStatus.NO_SHOW:
            self.no_shows += 1
        elif visit.status in ATTENDED:
            self.attended += 1

    @property
    def due(self) -> int:
        """Appointments not cancelled: the patient was expected."""
        return self.appointments - self.cancelled

    @property
    def no_show_rate(self) -> float | None:
        return ratio(self.no_shows, self.due)

    @property
    def late_rate(self) -> float | None:
        return ratio(self.late, self.appointments)

    def figures(self) -> list[int | float | None]:
        return [
            self.appointments, self.cancelled, self.late, self.due, self.no_shows,
            self.attended, self.no_show_rate, self.late_rate,
        ]  # fmt: skip


def visits(session: Session, params: ReportParams, context: BuildContext) -> list[Visit]:
    """The period's appointments (not rescheduled) with whether each was cancelled late."""
    starts, ends = period_bounds(params, context.tz)
    cancelled_at = (
        sa.select(sa.func.max(JournalEntry.at))
        .where(
            JournalEntry.entity == "appointment",
            JournalEntry.action == "cancel",
            JournalEntry.entity_id == Appointment.id,
        )
        .scalar_subquery()
    )
    rows = session.execute(
        sa.select(
            Doctor.last_name, Doctor.first_name, Doctor.patronymic, Specialty.name,
            local_date(Appointment.starts_at, context.tz_name), Appointment.status,
            Appointment.starts_at,
            sa.case(
                (Appointment.status == AppointmentStatus.CANCELLED, cancelled_at), else_=None
            ),
        )
        .join(Doctor, Doctor.id == Appointment.doctor_id)
        .join(Specialty, Specialty.id == Doctor.specialty_id)
        .where(
            Appointment.starts_at >= starts,
            Appointment.starts_at < ends,
            Appointment.status != AppointmentStatus.RESCHEDULED,
            *appointment_filters(params),
        )
        .order_by(Appointment.starts_at, Appointment.id)
    )  # fmt: skip
    return [
        Visit(
            short_person(last, first, middle), specialty, day, status,
            cancelled is not None and starts_at - cancelled < LATE,
        )
        for last, first, middle, specialty, day, status, starts_at, cancelled in rows
    ]  # fmt: skip


def group(visits_: list[Visit], key: Callable[[Visit], K]) -> dict[K, Counts]:
    """Counts per ``key`` of the visits, in key order."""
    found: dict[K, Counts] = {}
    for visit in visits_:
        found.setdefault(key(visit), Counts()).add(visit)
    return {k: found[k] for k in sorted(found)}  # type: ignore[type-var]


def _count_columns() -> list[Column]:
    return [
        Column("appointments", translate("reports", "Appointments"), Kind.INTEGER, Total.SUM),
        Column("cancelled", translate("reports", "Cancelled"), Kind.INTEGER, Total.SUM),
        Column("late", translate("reports", "Cancelled late (< 24 h)"), Kind.INTEGER, Total.SUM),
        Column("due", translate("reports", "Expected (not cancelled)"), Kind.INTEGER, Total.SUM),
        Column("no_shows", translate("reports", "No-shows"), Kind.INTEGER, Total.SUM),
        Column("attended", translate("reports", "Came"), Kind.INTEGER, Total.SUM),
        Column(
            "no_show_rate", translate("reports", "No-show rate"), Kind.PERCENT, Total.RATIO,
            ("no_shows", "due"),
        ),
        Column(
            "late_rate", translate("reports", "Late cancellation rate"), Kind.PERCENT, Total.RATIO,
            ("late", "appointments"),
        ),
    ]  # fmt: skip


def build(session: Session, params: ReportParams, context: BuildContext) -> ReportDocument:
    """By doctor, by specialty, by weekday, and the daily trend with a chart."""
    found = visits(session, params, context)
    by_doctor = group(found, lambda v: (v.specialty, v.doctor))
    by_specialty = group(found, lambda v: v.specialty)
    by_weekday = group(found, lambda v: v.day.isoweekday())
    by_day = group(found, lambda v: v.day)
    label = Total.LABEL
    empty = translate("reports", "No appointments in this period")
    tables = [
        Table(
            translate("reports", "By doctor"),
            [
                Column("doctor", translate("reports", "Doctor"), total=label, width=22),
                Column("specialty", translate("reports", "Specialty"), width=22),
                *_count_columns(),
            ],
            [[k[1], k[0], *c.figures()] for k, c in by_doctor.items()],
            empty_message=empty,
        ),
        Table(
            translate("reports", "By specialty"),
            [Column("specialty", translate("reports", "Specialty"), total=label, width=26),
             *_count_columns()],
            [[k, *c.figures()] for k, c in by_specialty.items()],
            empty_message=empty,
        ),
        Table(
            translate("reports", "By weekday"),
            [Column("weekday", translate("reports", "Weekday"), total=label, width=16),
             *_count_columns()],
            [[weekday_title(k), *c.figures()] for k, c in by_weekday.items()],
            empty_message=empty,
        ),
        Table(
            translate("reports", "Trend"),
            [Column("day", translate("reports", "Date"), Kind.DATE, label), *_count_columns()],
            [[k, *c.figures()] for k, c in by_day.items()],
            chart=Chart(
                translate("reports", "No-shows and late cancellations per day"),
                "day",
                ("no_show_rate", "late_rate"),
                y_title=translate("reports", "Share"),
                percent=True,
            ),
            empty_message=empty,
        ),
    ]  # fmt: skip
    return ReportDocument(
        title(),
        tables,
        describe_params(session, title(), params, context),
        [
            translate("reports", "Appointments starting in the period; rescheduled ones are "
                      "counted once, as their replacement."),
            translate("reports", "No-show rate = no-shows ÷ appointments not cancelled."),
            translate("reports", "Late cancellation: cancelled less than 24 hours before the "
                      "start; rate = late cancellations ÷ all appointments."),
        ],
        parameters_sheet=translate("reports", "Parameters"),
        no_data=None if found else empty,
    )  # fmt: skip
