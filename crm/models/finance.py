"""Payments for paid services, the bonus-points ledger and feedback."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from crm.models.base import Base, enum_type, fk, intpk, now_timestamp
from crm.models.enums import PaymentMethod


class Payment(Base):
    """A payment (or a refund, with a negative amount) for a service."""

    __tablename__ = "payment"

    id: Mapped[intpk]
    patient_id: Mapped[int] = mapped_column(fk("patient.id"), index=True)
    appointment_id: Mapped[int | None] = mapped_column(fk("appointment.id"))
    service_id: Mapped[int | None] = mapped_column(fk("service.id"))
    amount: Mapped[Decimal] = mapped_column(sa.Numeric(12, 2))
    method: Mapped[PaymentMethod] = mapped_column(enum_type(PaymentMethod, "method"))
    paid_at: Mapped[now_timestamp]
    received_by_id: Mapped[int | None] = mapped_column(fk("app_user.id"))
    refund_of_id: Mapped[int | None] = mapped_column(fk("payment.id"), index=True)
    #: Why the money was returned (refunds only, required for them).
    reason: Mapped[str | None] = mapped_column(sa.Text)

    # A BEFORE INSERT trigger (migration 0009, ``crm_payment_check``) refuses a refund
    # over what the payment took (the original row locked) and a payment for a
    # cancelled visit.
    __table_args__ = (
        sa.CheckConstraint("amount <> 0", name="nonzero"),
        sa.CheckConstraint("(amount < 0) = (refund_of_id IS NOT NULL)", name="refund_sign"),
        sa.CheckConstraint(
            "refund_of_id IS NULL OR length(btrim(coalesce(reason, ''))) > 0",
            name="refund_reason",
        ),
        sa.Index("ix_payment_appointment_id", "appointment_id"),
    )


class BonusLedgerEntry(Base):
    """A change of a patient's bonus points (earned or spent); the balance is their sum.

    Append-only for the desk (no UPDATE or DELETE grants); a trigger keeps
    ``patient.bonus_balance`` in step (migration 0009).
    """

    __tablename__ = "bonus_ledger_entry"

    id: Mapped[intpk]
    patient_id: Mapped[int] = mapped_column(fk("patient.id"), index=True)
    delta: Mapped[int]
    reason: Mapped[str] = mapped_column(sa.String(200))
    payment_id: Mapped[int | None] = mapped_column(fk("payment.id"))
    created_at: Mapped[now_timestamp]
    #: ``accrual``, ``spend``, ``expiry``, ``correction`` or ``refund``.
    kind: Mapped[str] = mapped_column(sa.String(20), server_default="correction")
    #: The last day an accrual's points may be spent (``None``: they do not expire).
    expires_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    created_by_id: Mapped[int | None] = mapped_column(fk("app_user.id"))

    __table_args__ = (
        sa.CheckConstraint("delta <> 0", name="nonzero"),
        sa.CheckConstraint(
            "kind IN ('accrual', 'spend', 'expiry', 'correction', 'refund')", name="kind"
        ),
    )


class Feedback(Base):
    """A patient's rating of a doctor or of the clinic, with a comment."""

    __tablename__ = "feedback"

    id: Mapped[intpk]
    patient_id: Mapped[int | None] = mapped_column(fk("patient.id"), index=True)
    doctor_id: Mapped[int | None] = mapped_column(fk("doctor.id"), index=True)
    appointment_id: Mapped[int | None] = mapped_column(fk("appointment.id"))
    rating: Mapped[int] = mapped_column(sa.SmallInteger)
    comment: Mapped[str | None] = mapped_column(sa.Text)
    answered_at: Mapped[dt.datetime | None]
    answer: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[now_timestamp]
    #: ``desk`` (recorded at the desk) or ``import`` (read from a file, e.g. the
    #: patients' app's export).
    source: Mapped[str] = mapped_column(sa.String(10), server_default="desk")
    #: An imported rating's key (its number in the source, or a digest of its row):
    #: the same rating is imported once however often the file is.
    external_ref: Mapped[str | None] = mapped_column(sa.String(120), unique=True)

    __table_args__ = (
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name="rating"),
        sa.CheckConstraint("source IN ('desk', 'import')", name="source"),
    )
