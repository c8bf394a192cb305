"""Appointments, the waiting list and priority requests.

Two exclusion constraints make double booking impossible under concurrent
workstations: a doctor's active, non-overbooked appointments never overlap, and a
patient's active appointments never overlap anywhere in the clinic; a trigger (migration
0011) keeps ordinary appointments off overbooked ones too. A partial unique
index lets a referral hold at most one live appointment.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ExcludeConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.models.base import Base, enum_type, fk, intpk, now_timestamp
from crm.models.enums import (
    AppointmentKind,
    AppointmentStatus,
    CancelledBy,
    ContactChannel,
    PriorityStatus,
    WaitingStatus,
)

#: SQL predicate: the appointment holds its slot (not cancelled and not replaced).
HOLDS_SLOT = "status NOT IN ('cancelled', 'rescheduled')"
#: SQL predicate: the appointment still uses its referral.
USES_REFERRAL = "status IN ('booked', 'arrived', 'in_progress', 'completed')"


class Appointment(Base):
    """A visit of a patient to a doctor over one or more consecutive slots."""

    __tablename__ = "appointment"
    __table_args__ = (
        sa.CheckConstraint("starts_at < ends_at", name="period"),
        sa.CheckConstraint(
            "NOT overbooked OR length(trim(coalesce(overbook_reason, ''))) > 0",
            name="overbook_reason",
        ),
        sa.CheckConstraint("kind <> 'referral' OR referral_id IS NOT NULL", name="referral_kind"),
        ExcludeConstraint(
            (sa.column("doctor_id"), "="),
            (sa.text("tstzrange(starts_at, ends_at, '[)')"), "&&"),
            name="ex_appointment_doctor_overlap",
            using="gist",
            where=sa.text(f"{HOLDS_SLOT} AND NOT overbooked"),
        ),
        ExcludeConstraint(
            (sa.column("patient_id"), "="),
            (sa.text("tstzrange(starts_at, ends_at, '[)')"), "&&"),
            name="ex_appointment_patient_overlap",
            using="gist",
            where=sa.text(HOLDS_SLOT),
        ),
        sa.Index(
            "uq_appointment_live_referral",
            "referral_id",
            unique=True,
            postgresql_where=sa.text(f"referral_id IS NOT NULL AND {USES_REFERRAL}"),
        ),
        sa.Index("ix_appointment_doctor_starts", "doctor_id", "starts_at"),
        sa.Index("ix_appointment_patient_starts", "patient_id", "starts_at"),
        sa.Index("ix_appointment_starts", "starts_at"),
    )

    id: Mapped[intpk]
    doctor_id: Mapped[int] = mapped_column(fk("doctor.id"))
    patient_id: Mapped[int] = mapped_column(fk("patient.id"))
    room_id: Mapped[int | None] = mapped_column(fk("room.id"))
    starts_at: Mapped[dt.datetime]
    ends_at: Mapped[dt.datetime]
    kind: Mapped[AppointmentKind] = mapped_column(enum_type(AppointmentKind, "kind"))
    status: Mapped[AppointmentStatus] = mapped_column(
        enum_type(AppointmentStatus, "status"), server_default=AppointmentStatus.BOOKED.value
    )
    referral_id: Mapped[int | None] = mapped_column(fk("referral.id"))
    service_id: Mapped[int | None] = mapped_column(fk("service.id"))
    overbooked: Mapped[bool] = mapped_column(server_default=sa.false())
    overbook_reason: Mapped[str | None] = mapped_column(sa.Text)
    #: The appointment this one replaced when rescheduled.
    rescheduled_from_id: Mapped[int | None] = mapped_column(fk("appointment.id"), unique=True)
    cancelled_by: Mapped[CancelledBy | None] = mapped_column(enum_type(CancelledBy, "cancelled_by"))
    cancel_reason: Mapped[str | None] = mapped_column(sa.Text)
    #: Waiting for a new slot after the doctor became unavailable (the holding tray).
    in_holding_tray: Mapped[bool] = mapped_column(server_default=sa.false())
    video_link: Mapped[str | None] = mapped_column(sa.String(500))
    note: Mapped[str | None] = mapped_column(sa.Text)
    created_by_id: Mapped[int | None] = mapped_column(fk("app_user.id"))
    created_at: Mapped[now_timestamp]
    version: Mapped[int] = mapped_column(server_default=sa.text("1"))

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    rescheduled_from: Mapped[Appointment | None] = relationship(remote_side="Appointment.id")


class WaitingListEntry(Base):
    """A patient waiting for a slot of a specialty or a doctor within a wished period."""

    __tablename__ = "waiting_list_entry"
    __table_args__ = (
        sa.CheckConstraint(
            "specialty_id IS NOT NULL OR doctor_id IS NOT NULL", name="specialty_or_doctor"
        ),
        sa.CheckConstraint("wished_from <= wished_to", name="period"),
        sa.Index(
            "ix_waiting_list_entry_open",
            "created_at",
            postgresql_where=sa.text("status = 'waiting'"),
        ),
    )

    id: Mapped[intpk]
    patient_id: Mapped[int] = mapped_column(fk("patient.id"), index=True)
    specialty_id: Mapped[int | None] = mapped_column(fk("specialty.id"))
    doctor_id: Mapped[int | None] = mapped_column(fk("doctor.id"))
    wished_from: Mapped[dt.date] = mapped_column(sa.Date)
    wished_to: Mapped[dt.date] = mapped_column(sa.Date)
    channel: Mapped[ContactChannel] = mapped_column(enum_type(ContactChannel, "channel"))
    note: Mapped[str | None] = mapped_column(sa.Text)
    status: Mapped[WaitingStatus] = mapped_column(
        enum_type(WaitingStatus, "status"), server_default=WaitingStatus.WAITING.value
    )
    offered_doctor_id: Mapped[int | None] = mapped_column(fk("doctor.id"))
    offered_starts_at: Mapped[dt.datetime | None]
    offered_at: Mapped[dt.datetime | None]
    appointment_id: Mapped[int | None] = mapped_column(fk("appointment.id"))
    created_by_id: Mapped[int | None] = mapped_column(fk("app_user.id"))
    created_at: Mapped[now_timestamp]


class PriorityRequest(Base):
    """An urgent request for an appointment, queued for a manager's decision."""

    __tablename__ = "priority_request"

    id: Mapped[intpk]
    patient_id: Mapped[int] = mapped_column(fk("patient.id"), index=True)
    specialty_id: Mapped[int | None] = mapped_column(fk("specialty.id"))
    reason: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[PriorityStatus] = mapped_column(
        enum_type(PriorityStatus, "status"), server_default=PriorityStatus.PENDING.value
    )
    decided_by_id: Mapped[int | None] = mapped_column(fk("app_user.id"))
    decided_at: Mapped[dt.datetime | None]
    decision_reason: Mapped[str | None] = mapped_column(sa.Text)
    appointment_id: Mapped[int | None] = mapped_column(fk("appointment.id"))
    created_by_id: Mapped[int | None] = mapped_column(fk("app_user.id"))
    created_at: Mapped[now_timestamp]

    __table_args__ = (
        sa.CheckConstraint(
            "status <> 'rejected' OR decision_reason IS NOT NULL", name="rejection_reason"
        ),
    )
