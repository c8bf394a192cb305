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
    refund_of_id: Mapped[int | None] = mapped_column(fk("payment.id"))

    __table_args__ = (
        sa.CheckConstraint("amount <> 0", name="nonzero"),
        sa.CheckConstraint("(amount < 0) = (refund_of_id IS NOT NULL)", name="refund_sign"),
    )


class BonusLedgerEntry(Base):
    """A change of a patient's bonus points (earned or spent); the balance is their sum."""

    __tablename__ = "bonus_ledger_entry"

    id: Mapped[intpk]
    patient_id: Mapped[int] = mapped_column(fk("patient.id"), index=True)
    delta: Mapped[int]
    reason: Mapped[str] = mapped_column(sa.String(200))
    payment_id: Mapped[int | None] = mapped_column(fk("payment.id"))
    created_at: Mapped[now_timestamp]

    __table_args__ = (sa.CheckConstraint("delta <> 0", name="nonzero"),)


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

    __table_args__ = (sa.CheckConstraint("rating BETWEEN 1 AND 5", name="rating"),)
