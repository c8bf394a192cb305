"""The append-only journal of every action, the notification outbox, the call list and the
clinic's own texts of notices."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from crm.models.base import Base, bigpk, enum_type, fk, intpk, now_timestamp
from crm.models.enums import CallStatus, JournalOutcome, NotificationChannel, NotificationStatus


class JournalEntry(Base):
    """One recorded action. A trigger refuses UPDATE, DELETE and TRUNCATE on this table."""

    __tablename__ = "journal_entry"
    __table_args__ = (
        sa.Index("ix_journal_entry_at", "at"),
        sa.Index("ix_journal_entry_entity", "entity", "entity_id"),
    )

    id: Mapped[bigpk]
    at: Mapped[now_timestamp]
    user_id: Mapped[int | None] = mapped_column(fk("app_user.id"))
    #: Login as typed (kept for failed logins of unknown users).
    login: Mapped[str | None] = mapped_column(sa.String(60))
    workstation: Mapped[str | None] = mapped_column(sa.String(100))
    action: Mapped[str] = mapped_column(sa.String(40))
    entity: Mapped[str | None] = mapped_column(sa.String(40))
    entity_id: Mapped[int | None] = mapped_column(sa.BigInteger)
    #: Changed fields: ``{"field": [before, after], …}``.
    changes: Mapped[dict[str, Any] | None]
    outcome: Mapped[JournalOutcome] = mapped_column(
        enum_type(JournalOutcome, "outcome"), server_default=JournalOutcome.OK.value
    )
    details: Mapped[str | None] = mapped_column(sa.Text)


class OutboxMessage(Base):
    """A notification waiting to be sent (or sent), so nothing is lost when a channel is down."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        sa.Index(
            "ix_outbox_message_due",
            "next_attempt_at",
            postgresql_where=sa.text("status = 'pending'"),
        ),
    )

    id: Mapped[intpk]
    patient_id: Mapped[int | None] = mapped_column(fk("patient.id"), index=True)
    appointment_id: Mapped[int | None] = mapped_column(fk("appointment.id"))
    #: The waiting-list entry whose offer this notice tells of (withdrawn with the offer).
    waiting_entry_id: Mapped[int | None] = mapped_column(fk("waiting_list_entry.id"))
    channel: Mapped[NotificationChannel] = mapped_column(enum_type(NotificationChannel, "channel"))
    recipient: Mapped[str] = mapped_column(sa.String(200))
    #: confirmation, change, cancellation, reminder, waiting_offer, unavailability…
    purpose: Mapped[str] = mapped_column(sa.String(40))
    subject: Mapped[str | None] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[NotificationStatus] = mapped_column(
        enum_type(NotificationStatus, "status"), server_default=NotificationStatus.PENDING.value
    )
    attempts: Mapped[int] = mapped_column(server_default=sa.text("0"))
    next_attempt_at: Mapped[now_timestamp]
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[now_timestamp]
    sent_at: Mapped[dt.datetime | None]
    #: The text is the purpose's template filled for the appointment: the sender fills the
    #: clinic's template again when it sends (its text and the visit as they are then).
    from_template: Mapped[bool] = mapped_column(server_default=sa.false())


class CallTask(Base):
    """A patient to phone (the «звонок» channel): a task on the registrar's call list."""

    __tablename__ = "call_task"
    __table_args__ = (
        sa.Index("ix_call_task_open", "due_at", postgresql_where=sa.text("status = 'open'")),
    )

    id: Mapped[intpk]
    patient_id: Mapped[int] = mapped_column(fk("patient.id"), index=True)
    appointment_id: Mapped[int | None] = mapped_column(fk("appointment.id"))
    waiting_entry_id: Mapped[int | None] = mapped_column(fk("waiting_list_entry.id"))
    phone: Mapped[str | None] = mapped_column(sa.String(20))
    #: The same codes as the outbox's purpose: waiting_offer, confirmation, reminder…
    purpose: Mapped[str] = mapped_column(sa.String(40))
    #: What to tell the patient.
    body: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[CallStatus] = mapped_column(
        enum_type(CallStatus, "status"), server_default=CallStatus.OPEN.value
    )
    due_at: Mapped[now_timestamp]
    attempts: Mapped[int] = mapped_column(server_default=sa.text("0"))
    done_by_id: Mapped[int | None] = mapped_column(fk("app_user.id"))
    done_at: Mapped[dt.datetime | None]
    created_at: Mapped[now_timestamp]


class NoticeTemplate(Base):
    """The clinic's own text of a notice of ``purpose`` by ``channel`` (none: the default).

    ``body`` ``NULL`` means «the default again» (the row and its version stay, so a desk
    that read an older version is told, whatever happened in between).
    """

    __tablename__ = "notice_template"
    __table_args__ = (sa.UniqueConstraint("purpose", "channel"),)

    id: Mapped[intpk]
    purpose: Mapped[str] = mapped_column(sa.String(40))
    channel: Mapped[NotificationChannel] = mapped_column(enum_type(NotificationChannel, "channel"))
    #: E-mail only.
    subject: Mapped[str | None] = mapped_column(sa.String(200))
    body: Mapped[str | None] = mapped_column(sa.Text)
    updated_by_id: Mapped[int | None] = mapped_column(fk("app_user.id"))
    updated_at: Mapped[now_timestamp]
    version: Mapped[int] = mapped_column(server_default=sa.text("1"))

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
