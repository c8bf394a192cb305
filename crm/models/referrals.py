"""Referrals (направления), their issuing organisations and extension history."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.models.base import Base, enum_type, fk, intpk, now_timestamp
from crm.models.enums import ReferralKind, ReferralStatus


class IssuingOrganisation(Base):
    """An organisation that issues referrals, named exactly as on its documents."""

    __tablename__ = "issuing_organisation"
    __table_args__ = (sa.CheckConstraint("ogrn ~ '^[0-9]{13}$'", name="ogrn_digits"),)

    id: Mapped[intpk]
    name: Mapped[str] = mapped_column(sa.String(300))
    ogrn: Mapped[str] = mapped_column(sa.String(13), unique=True)
    address: Mapped[str | None] = mapped_column(sa.String(300))


class Referral(Base):
    """A referral to a specialty or a diagnostic service."""

    __tablename__ = "referral"
    __table_args__ = (
        sa.UniqueConstraint("organisation_id", "number", name="uq_referral_number_per_org"),
        sa.CheckConstraint(
            "diagnosis_code ~ '^[A-Z][0-9]{2}(\\.[0-9]{1,2})?$'", name="diagnosis_code"
        ),
        sa.CheckConstraint(
            "kind <> 'emergency' OR (valid_days BETWEEN 7 AND 30)", name="emergency_days"
        ),
        sa.CheckConstraint("valid_days BETWEEN 1 AND 90", name="valid_days"),
        sa.CheckConstraint(
            "status <> 'cancelled' OR cancel_reason IS NOT NULL", name="cancel_reason"
        ),
        sa.Index("ix_referral_number", "number"),
        # A fragment of a number in the search box (migration 0022).
        sa.Index("ix_referral_number_trgm", sa.text("number gin_trgm_ops"), postgresql_using="gin"),
    )

    id: Mapped[intpk]
    number: Mapped[str] = mapped_column(sa.String(40))
    organisation_id: Mapped[int] = mapped_column(fk("issuing_organisation.id"))
    issued_on: Mapped[dt.date] = mapped_column(sa.Date)
    issuing_doctor: Mapped[str | None] = mapped_column(sa.String(200))
    patient_id: Mapped[int] = mapped_column(fk("patient.id"), index=True)
    specialty_id: Mapped[int] = mapped_column(fk("specialty.id"), index=True)
    diagnosis_code: Mapped[str] = mapped_column(sa.String(8))
    kind: Mapped[ReferralKind] = mapped_column(enum_type(ReferralKind, "kind"))
    #: Days of validity counted inclusively from ``issued_on`` (extensions raise it, ≤ 90).
    valid_days: Mapped[int] = mapped_column(sa.SmallInteger)
    status: Mapped[ReferralStatus] = mapped_column(
        enum_type(ReferralStatus, "status"), server_default=ReferralStatus.ACTIVE.value
    )
    cancel_reason: Mapped[str | None] = mapped_column(sa.Text)
    created_by_id: Mapped[int | None] = mapped_column(fk("app_user.id"))
    created_at: Mapped[now_timestamp]
    version: Mapped[int] = mapped_column(server_default=sa.text("1"))

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    organisation: Mapped[IssuingOrganisation] = relationship()
    extensions: Mapped[list[ReferralExtension]] = relationship(
        back_populates="referral", order_by="ReferralExtension.created_at"
    )

    @property
    def last_valid_day(self) -> dt.date:
        """The last day on which the referral is valid (issue day counts as day 1)."""
        return self.issued_on + dt.timedelta(days=self.valid_days - 1)


class ReferralExtension(Base):
    """One extension of a long-term referral by a doctor, with the reason."""

    __tablename__ = "referral_extension"

    id: Mapped[intpk]
    referral_id: Mapped[int] = mapped_column(fk("referral.id", ondelete="CASCADE"), index=True)
    old_valid_days: Mapped[int] = mapped_column(sa.SmallInteger)
    new_valid_days: Mapped[int] = mapped_column(sa.SmallInteger)
    reason: Mapped[str] = mapped_column(sa.Text)
    extended_by_id: Mapped[int] = mapped_column(fk("app_user.id"))
    created_at: Mapped[now_timestamp]

    __table_args__ = (
        sa.CheckConstraint("new_valid_days > old_valid_days AND new_valid_days <= 90", name="days"),
        sa.CheckConstraint("length(trim(reason)) > 0", name="reason"),
    )

    referral: Mapped[Referral] = relationship(back_populates="extensions")
