"""The medical card: attached documents, treatment plans with tasks, materials, messages."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.models.base import Base, enum_type, fk, intpk, now_timestamp
from crm.models.enums import DocumentKind, MessageDirection, TaskStatus


class DocumentContent(Base):
    """The bytes of an attached file, kept once per SHA-256 whatever the documents naming it.

    The bytes themselves are in :class:`DocumentPart` rows (a megabyte each), so a large
    file is written and read a part at a time, never as one huge value.
    """

    __tablename__ = "document_content"

    id: Mapped[intpk]
    sha256: Mapped[str] = mapped_column(sa.String(64), unique=True)
    size_bytes: Mapped[int] = mapped_column(sa.BigInteger)
    created_at: Mapped[now_timestamp]

    __table_args__ = (
        sa.CheckConstraint("sha256 ~ '^[0-9a-f]{64}$'", name="sha256_hex"),
        sa.CheckConstraint("size_bytes > 0", name="size_positive"),
    )


class DocumentPart(Base):
    """One part (``part_no`` from 0) of a file's bytes."""

    __tablename__ = "document_part"

    content_id: Mapped[int] = mapped_column(fk("document_content.id"), primary_key=True)
    part_no: Mapped[int] = mapped_column(primary_key=True)
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)


class MedicalDocument(Base):
    """A result of an examination, an analysis or an image attached to the card.

    Never deleted (a trigger refuses): withdrawn with a reason instead.
    """

    __tablename__ = "medical_document"

    id: Mapped[intpk]
    patient_id: Mapped[int] = mapped_column(fk("patient.id"), index=True)
    appointment_id: Mapped[int | None] = mapped_column(fk("appointment.id"))
    kind: Mapped[DocumentKind] = mapped_column(enum_type(DocumentKind, "kind"))
    title: Mapped[str] = mapped_column(sa.String(300))
    file_name: Mapped[str] = mapped_column(sa.String(300))
    mime_type: Mapped[str] = mapped_column(sa.String(100))
    content_id: Mapped[int] = mapped_column(fk("document_content.id"), index=True)
    size_bytes: Mapped[int] = mapped_column(sa.BigInteger)
    document_date: Mapped[dt.date] = mapped_column(sa.Date)
    author: Mapped[str | None] = mapped_column(sa.String(200))
    uploaded_by_id: Mapped[int | None] = mapped_column(fk("app_user.id"))
    created_at: Mapped[now_timestamp]
    withdrawn_at: Mapped[dt.datetime | None]
    withdrawn_by_id: Mapped[int | None] = mapped_column(fk("app_user.id"))
    withdraw_reason: Mapped[str | None] = mapped_column(sa.Text)

    __table_args__ = (
        sa.CheckConstraint(
            "(withdrawn_at IS NULL) = (withdraw_reason IS NULL)", name="withdrawn_with_reason"
        ),
        # Titles in the search box (migration 0022).
        sa.Index(
            "ix_medical_document_title_trgm",
            sa.text("lower(title) gin_trgm_ops"),
            postgresql_using="gin",
        ),
    )


class TreatmentPlan(Base):
    """A doctor's treatment plan for a patient."""

    __tablename__ = "treatment_plan"

    id: Mapped[intpk]
    patient_id: Mapped[int] = mapped_column(fk("patient.id"), index=True)
    doctor_id: Mapped[int] = mapped_column(fk("doctor.id"))
    title: Mapped[str] = mapped_column(sa.String(300))
    notes: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[now_timestamp]
    closed_at: Mapped[dt.datetime | None]

    tasks: Mapped[list[TreatmentTask]] = relationship(back_populates="plan")


class TreatmentTask(Base):
    """One task of a plan (take a test, come for a follow-up), with an optional reminder."""

    __tablename__ = "treatment_task"

    id: Mapped[intpk]
    plan_id: Mapped[int] = mapped_column(fk("treatment_plan.id", ondelete="CASCADE"), index=True)
    description: Mapped[str] = mapped_column(sa.Text)
    due_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    remind_at: Mapped[dt.datetime | None]
    status: Mapped[TaskStatus] = mapped_column(
        enum_type(TaskStatus, "status"), server_default=TaskStatus.OPEN.value
    )
    done_at: Mapped[dt.datetime | None]

    plan: Mapped[TreatmentPlan] = relationship(back_populates="tasks")


class EducationalMaterial(Base):
    """A leaflet or article to hand out to patients."""

    __tablename__ = "educational_material"

    id: Mapped[intpk]
    title: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    specialty_id: Mapped[int | None] = mapped_column(fk("specialty.id"))
    created_at: Mapped[now_timestamp]


class PatientMessage(Base):
    """One message of the chat log with a patient."""

    __tablename__ = "patient_message"

    id: Mapped[intpk]
    patient_id: Mapped[int] = mapped_column(fk("patient.id"), index=True)
    direction: Mapped[MessageDirection] = mapped_column(enum_type(MessageDirection, "direction"))
    body: Mapped[str] = mapped_column(sa.Text)
    user_id: Mapped[int | None] = mapped_column(fk("app_user.id"))
    at: Mapped[now_timestamp]
