"""The appointments register: every appointment of a period, one row each, streamed.

Rows come from a server-side cursor (``yield_per``) straight into the write-only
workbook, so a register of a million appointments never sits in memory.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from crm.controllers.reports.common import (
    BuildContext,
    ReportParams,
    appointment_filters,
    describe_params,
    local_date,
    local_time,
    period_bounds,
)
from crm.controllers.vocabulary import appointment_kind_title as kind_title
from crm.controllers.vocabulary import appointment_status_title as status_title
from crm.i18n import translate
from crm.models import Appointment, Branch, Doctor, Patient, Referral, Room, Service, Specialty
from crm.models.enums import AppointmentKind, AppointmentStatus
from crm.reports.excel.model import Column, Kind, ReportDocument, Table, Total, Value

#: Rows fetched from the server-side cursor at a time.
BATCH = 2000


def title() -> str:
    return translate("reports", "Appointments register")


def description() -> str:
    return translate(
        "reports", "Every appointment of the period with its doctor, patient and status"
    )


def columns() -> list[Column]:
    """The register's columns, left to right."""
    return [
        Column("day", translate("reports", "Date"), Kind.DATE, Total.LABEL),
        Column("starts", translate("reports", "Start"), Kind.DATETIME),
        Column("ends", translate("reports", "End"), Kind.DATETIME),
        Column("doctor", translate("reports", "Doctor"), width=22),
        Column("specialty", translate("reports", "Specialty"), width=22),
        Column("branch", translate("reports", "Branch"), width=18),
        Column("room", translate("reports", "Room"), width=8),
        Column("patient", translate("reports", "Patient"), width=30),
        Column("birth_date", translate("reports", "Birth date"), Kind.DATE),
        Column("kind", translate("reports", "Kind"), width=16),
        Column("status", translate("reports", "Status"), width=14),
        Column("referral", translate("reports", "Referral"), width=14),
        Column("service", translate("reports", "Service"), width=24, wrap=True),
        Column("minutes", translate("reports", "Minutes"), Kind.INTEGER, Total.SUM),
        Column("id", translate("reports", "Appointment no."), Kind.INTEGER, Total.COUNT),
        Column("created", translate("reports", "Booked at"), Kind.DATETIME),
    ]


def register_query(params: ReportParams, tz_name: str, tz: object) -> sa.Select[tuple]:
    """The register's SELECT: one tuple per appointment in column order (raw kind/status)."""
    starts, ends = period_bounds(params, tz)  # type: ignore[arg-type]
    patient = aliased(Patient)
    doctor_name = sa.func.concat(
        Doctor.last_name,
        " ",
        sa.func.left(Doctor.first_name, 1),
        ".",
        sa.func.coalesce(" " + sa.func.left(Doctor.patronymic, 1) + ".", ""),
    )
    patient_name = sa.func.concat_ws(" ", patient.last_name, patient.first_name, patient.patronymic)
    minutes = sa.cast(
        sa.func.extract("epoch", Appointment.ends_at - Appointment.starts_at) / 60, sa.Integer
    )
    return (
        sa.select(
            local_date(Appointment.starts_at, tz_name),
            local_time(Appointment.starts_at, tz_name),
            local_time(Appointment.ends_at, tz_name),
            doctor_name,
            Specialty.name,
            Branch.name,
            Room.number,
            patient_name,
            patient.birth_date,
            Appointment.kind,
            Appointment.status,
            Referral.number,
            Service.name,
            minutes,
            Appointment.id,
            local_time(Appointment.created_at, tz_name),
        )
        .join(Doctor, Doctor.id == Appointment.doctor_id)
        .join(Specialty, Specialty.id == Doctor.specialty_id)
        .join(Branch, Branch.id == Doctor.branch_id)
        .join(patient, patient.id == Appointment.patient_id)
        .outerjoin(Room, Room.id == Appointment.room_id)
        .outerjoin(Referral, Referral.id == Appointment.referral_id)
        .outerjoin(Service, Service.id == Appointment.service_id)
        .where(
            Appointment.starts_at >= starts,
            Appointment.starts_at < ends,
            *appointment_filters(params),
        )
        .order_by(Appointment.starts_at, Doctor.last_name, Appointment.id)
    )


def _count(session: Session, params: ReportParams, tz: object) -> int:
    starts, ends = period_bounds(params, tz)  # type: ignore[arg-type]
    return (
        session.scalar(
            sa.select(sa.func.count())
            .select_from(Appointment)
            .join(Doctor, Doctor.id == Appointment.doctor_id)
            .where(
                Appointment.starts_at >= starts,
                Appointment.starts_at < ends,
                *appointment_filters(params),
            )
        )
        or 0
    )


def stream_rows(
    session: Session, params: ReportParams, tz_name: str, tz: object
) -> Iterator[Sequence[Value]]:
    """The register's rows, fetched ``BATCH`` at a time from a server-side cursor."""
    # Enum members hash as their values, so one dict serves both.
    kinds = {k.value: kind_title(k) for k in AppointmentKind}
    statuses = {s.value: status_title(s) for s in AppointmentStatus}
    result = session.execute(
        register_query(params, tz_name, tz), execution_options={"yield_per": BATCH}
    )
    try:
        for row in result.tuples():
            values: list[Value] = list(row)
            values[9] = kinds[row[9]]
            values[10] = statuses[row[10]]
            yield values
    finally:
        result.close()


def build(session: Session, params: ReportParams, context: BuildContext) -> ReportDocument:
    """The register as a one-sheet document."""
    table = Table(
        translate("reports", "Appointments"),
        columns(),
        stream_rows(session, params, context.tz_name, context.tz),
        expected_rows=_count(session, params, context.tz),
        empty_message=translate("reports", "No appointments in this period"),
    )
    return ReportDocument(
        title(),
        [table],
        describe_params(session, title(), params, context),
        [
            translate("reports", "Times are the clinic's local time."),
            translate(
                "reports", "Cancelled and rescheduled appointments are listed with their status."
            ),
        ],
        parameters_sheet=translate("reports", "Parameters"),
    )
