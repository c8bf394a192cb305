"""The clinic's structure: branches, rooms, specialties, doctors, working hours, settings."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.models.base import Base, enum_type, fk, intpk, name_text, now_timestamp, short_text
from crm.models.enums import AcademicDegree, ExceptionKind, QualificationCategory


class ClinicSetting(Base):
    """A clinic-wide setting (key → JSON value): clinic name, timezone, key fingerprint…"""

    __tablename__ = "clinic_setting"

    key: Mapped[str] = mapped_column(sa.String(100), primary_key=True)
    value: Mapped[dict[str, Any]]
    updated_at: Mapped[now_timestamp]


class Branch(Base):
    """A branch (филиал) of the clinic, at one address."""

    __tablename__ = "branch"

    id: Mapped[intpk]
    name: Mapped[name_text] = mapped_column(unique=True)
    address: Mapped[str] = mapped_column(sa.String(300))
    phone: Mapped[str | None] = mapped_column(sa.String(20))
    active: Mapped[bool] = mapped_column(server_default=sa.true())
    version: Mapped[int] = mapped_column(server_default=sa.text("1"))

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    rooms: Mapped[list[Room]] = relationship(back_populates="branch")


class Room(Base):
    """A room (кабинет) of a branch."""

    __tablename__ = "room"
    __table_args__ = (sa.UniqueConstraint("branch_id", "number"),)

    id: Mapped[intpk]
    branch_id: Mapped[int] = mapped_column(fk("branch.id"))
    number: Mapped[str] = mapped_column(sa.String(20))
    name: Mapped[str | None] = mapped_column(sa.String(100))
    active: Mapped[bool] = mapped_column(server_default=sa.true())
    version: Mapped[int] = mapped_column(server_default=sa.text("1"))

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    branch: Mapped[Branch] = relationship(back_populates="rooms")


class Specialty(Base):
    """A medical specialty or a diagnostic service a referral can target (e.g. УЗИ)."""

    __tablename__ = "specialty"
    __table_args__ = (
        sa.CheckConstraint(
            "referral_days IS NULL OR referral_days BETWEEN 7 AND 90", name="referral_days"
        ),
        sa.CheckConstraint(
            "referral_max_days IS NULL OR referral_max_days BETWEEN 7 AND 365",
            name="referral_max_days",
        ),
    )

    id: Mapped[intpk]
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[name_text] = mapped_column(unique=True)
    is_service: Mapped[bool] = mapped_column(server_default=sa.false())
    active: Mapped[bool] = mapped_column(server_default=sa.true())
    #: A standard referral's validity for this specialty where it differs from the default.
    referral_days: Mapped[int | None] = mapped_column(sa.SmallInteger)
    #: How far a long-term referral may be extended, where it differs from the default.
    referral_max_days: Mapped[int | None] = mapped_column(sa.SmallInteger)
    version: Mapped[int] = mapped_column(server_default=sa.text("1"))

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class SpecialtyAlternative(Base):
    """A specialty offered instead of another when the clinic has no doctor for it."""

    __tablename__ = "specialty_alternative"

    specialty_id: Mapped[int] = mapped_column(
        fk("specialty.id", ondelete="CASCADE"), primary_key=True
    )
    alternative_id: Mapped[int] = mapped_column(
        fk("specialty.id", ondelete="CASCADE"), primary_key=True
    )
    __table_args__ = (sa.CheckConstraint("specialty_id <> alternative_id", name="not_self"),)


class Doctor(Base):
    """A doctor who receives patients."""

    __tablename__ = "doctor"

    id: Mapped[intpk]
    last_name: Mapped[short_text]
    first_name: Mapped[short_text]
    patronymic: Mapped[str | None] = mapped_column(sa.String(60))
    specialty_id: Mapped[int] = mapped_column(fk("specialty.id"), index=True)
    category: Mapped[QualificationCategory] = mapped_column(
        enum_type(QualificationCategory, "category"),
        server_default=QualificationCategory.NONE.value,
    )
    degree: Mapped[AcademicDegree] = mapped_column(
        enum_type(AcademicDegree, "degree"), server_default=AcademicDegree.NONE.value
    )
    licence_number: Mapped[str | None] = mapped_column(sa.String(40))
    branch_id: Mapped[int] = mapped_column(fk("branch.id"), index=True)
    default_room_id: Mapped[int | None] = mapped_column(fk("room.id"))
    offers_remote: Mapped[bool] = mapped_column(server_default=sa.false())
    slot_minutes: Mapped[int] = mapped_column(server_default=sa.text("15"))
    active: Mapped[bool] = mapped_column(server_default=sa.true())
    version: Mapped[int] = mapped_column(server_default=sa.text("1"))

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    __table_args__ = (
        sa.CheckConstraint("slot_minutes IN (15, 30, 45, 60)", name="slot_minutes"),
        # A name in the search box (migration 0022).
        sa.Index(
            "ix_doctor_search_trgm",
            sa.text(
                "lower(last_name || ' ' || first_name || ' ' || coalesce(patronymic, ''))"
                " gin_trgm_ops"
            ),
            postgresql_using="gin",
        ),
    )

    specialty: Mapped[Specialty] = relationship()
    branch: Mapped[Branch] = relationship()
    default_room: Mapped[Room | None] = relationship()


class ScheduleTemplate(Base):
    """A weekly working-hours rule: weekday, start–end, room, valid from/to."""

    __tablename__ = "schedule_template"
    __table_args__ = (
        sa.CheckConstraint("weekday BETWEEN 1 AND 7", name="weekday"),  # ISO: 1 = Monday
        sa.CheckConstraint("starts < ends", name="hours"),
        sa.CheckConstraint("valid_to IS NULL OR valid_from <= valid_to", name="validity"),
    )

    id: Mapped[intpk]
    doctor_id: Mapped[int] = mapped_column(fk("doctor.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[int] = mapped_column(sa.SmallInteger)
    starts: Mapped[dt.time] = mapped_column(sa.Time)
    ends: Mapped[dt.time] = mapped_column(sa.Time)
    room_id: Mapped[int | None] = mapped_column(fk("room.id"))
    valid_from: Mapped[dt.date] = mapped_column(sa.Date)
    valid_to: Mapped[dt.date | None] = mapped_column(sa.Date)
    #: Works on this weekday even when it is a public holiday.
    works_on_holidays: Mapped[bool] = mapped_column(server_default=sa.false())
    version: Mapped[int] = mapped_column(server_default=sa.text("1"))

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class ScheduleException(Base):
    """A period when a doctor is unavailable (or, for extra_work, available) with a reason."""

    __tablename__ = "schedule_exception"
    __table_args__ = (sa.CheckConstraint("starts_at < ends_at", name="period"),)

    id: Mapped[intpk]
    doctor_id: Mapped[int] = mapped_column(fk("doctor.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ExceptionKind] = mapped_column(enum_type(ExceptionKind, "kind"))
    starts_at: Mapped[dt.datetime]
    ends_at: Mapped[dt.datetime]
    room_id: Mapped[int | None] = mapped_column(fk("room.id"))
    reason: Mapped[str] = mapped_column(sa.Text)
    created_by_id: Mapped[int | None] = mapped_column(fk("app_user.id"))
    created_at: Mapped[now_timestamp]


class BackupRun(Base):
    """One backup the clinic's service (or an administrator's «back up now») made or tried.

    Written by whoever runs it, so that every desk knows the age of the last good
    backup from the database alone. ``pruned_at`` is set when the service deleted the
    file because more than the schedule's "keep the last N" were newer.
    """

    __tablename__ = "backup_run"

    id: Mapped[intpk]
    started_at: Mapped[now_timestamp]
    finished_at: Mapped[dt.datetime | None]
    #: ``schedule`` (the service found it due) or ``manual`` («back up now»).
    trigger: Mapped[str] = mapped_column(sa.String(20))
    #: ``running``, ``ok`` or ``failed``.
    result: Mapped[str] = mapped_column(sa.String(20), server_default="running")
    file_path: Mapped[str | None] = mapped_column(sa.Text)
    size_bytes: Mapped[int | None] = mapped_column(sa.BigInteger)
    error: Mapped[str | None] = mapped_column(sa.Text)
    #: The computer that ran it (the service's host or the desk's name).
    host: Mapped[str] = mapped_column(sa.String(200))
    pruned_at: Mapped[dt.datetime | None]

    __table_args__ = (
        sa.CheckConstraint("trigger IN ('schedule', 'manual')", name="trigger"),
        sa.CheckConstraint("result IN ('running', 'ok', 'failed')", name="result"),
        sa.Index("ix_backup_run_started_at", "started_at"),
    )
