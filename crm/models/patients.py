"""Patients' cards, their identity documents (encrypted) and consents.

Passport, СНИЛС and other identity documents are personal data: the ``*_enc``
columns hold AES-GCM ciphertext (key outside the database, see ``crm.crypto``) and
the ``*_hash`` columns a keyed HMAC of the canonical value for exact search and
duplicate detection. The ОМС policy number is stored in clear (it is printed on
tickets and searched by prefix) but is unique for the unified kind.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.models.base import Base, enum_type, fk, intpk, now_timestamp, short_text
from crm.models.enums import ConsentKind, OtherDocumentKind, PolicyKind, Sex


class Insurer(Base):
    """A medical insurance organisation (СМО) that issues ОМС policies."""

    __tablename__ = "insurer"

    id: Mapped[intpk]
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    code: Mapped[str | None] = mapped_column(sa.String(20))


class Patient(Base):
    """A patient's card (карточка пациента)."""

    __tablename__ = "patient"
    __table_args__ = (
        sa.CheckConstraint("birth_date >= DATE '1900-01-01'", name="birth_date"),
        # Kept by the bonus ledger's trigger (migration 0009): a spend over it fails here.
        sa.CheckConstraint("bonus_balance >= 0", name="bonus_balance_nonnegative"),
        sa.Index(
            "ix_patient_full_name_trgm",
            sa.text(
                "lower(last_name || ' ' || first_name || ' ' || coalesce(patronymic, ''))"
                " gin_trgm_ops"
            ),
            postgresql_using="gin",
        ),
        sa.Index(
            "ix_patient_last_name_trgm",
            sa.text("lower(last_name) gin_trgm_ops"),
            postgresql_using="gin",
        ),
        sa.Index("ix_patient_last_name_lower", sa.text("lower(last_name) text_pattern_ops")),
        sa.Index("ix_patient_birth_date", "birth_date"),
        # The search reads a surname's cards in result order straight from this index.
        sa.Index(
            "ix_patient_name_order",
            sa.text("lower(last_name)"),
            "first_name",
            "patronymic",
            "birth_date",
            "id",
        ),
        sa.Index(
            "ix_patient_phone_trgm",
            "phone",
            postgresql_using="gin",
            postgresql_ops={"phone": "gin_trgm_ops"},
        ),
        sa.Index(
            "uq_patient_policy_unified",
            "policy_number",
            unique=True,
            postgresql_where=sa.text("policy_kind = 'unified'"),
        ),
        sa.Index("uq_patient_snils_hash", "snils_hash", unique=True),
        sa.Index("uq_patient_passport_hash", "passport_hash", unique=True),
    )

    id: Mapped[intpk]
    last_name: Mapped[short_text]
    first_name: Mapped[short_text]
    patronymic: Mapped[str | None] = mapped_column(sa.String(60))
    birth_date: Mapped[dt.date]
    sex: Mapped[Sex | None] = mapped_column(enum_type(Sex, "sex"))
    #: E.164, e.g. +79161234567.
    phone: Mapped[str | None] = mapped_column(sa.String(20))
    email: Mapped[str | None] = mapped_column(sa.String(200))
    address: Mapped[str | None] = mapped_column(sa.String(300))

    snils_enc: Mapped[bytes | None]
    snils_hash: Mapped[bytes | None]
    #: Last five digits shown to roles that may not read the full number (``***-***-445 95``).
    snils_tail: Mapped[str | None] = mapped_column(sa.String(5))

    passport_enc: Mapped[bytes | None]  # JSON: series, number, issued_on, subdivision, issued_by
    passport_hash: Mapped[bytes | None]
    passport_tail: Mapped[str | None] = mapped_column(sa.String(4))

    other_document_kind: Mapped[OtherDocumentKind | None] = mapped_column(
        enum_type(OtherDocumentKind, "other_document_kind")
    )
    other_document_enc: Mapped[bytes | None]

    policy_kind: Mapped[PolicyKind | None] = mapped_column(enum_type(PolicyKind, "policy_kind"))
    policy_series: Mapped[str | None] = mapped_column(sa.String(10))
    policy_number: Mapped[str | None] = mapped_column(sa.String(16))
    policy_ends_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    insurer_id: Mapped[int | None] = mapped_column(fk("insurer.id"))

    bonus_balance: Mapped[int] = mapped_column(server_default=sa.text("0"))
    note: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[now_timestamp]
    #: Set by the ``crm_touch`` trigger on every update; fetched back after a flush.
    updated_at: Mapped[now_timestamp] = mapped_column(server_onupdate=sa.FetchedValue())
    version: Mapped[int] = mapped_column(server_default=sa.text("1"))

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    insurer: Mapped[Insurer | None] = relationship()
    consents: Mapped[list[PatientConsent]] = relationship(back_populates="patient")


class PatientSurname(Base):
    """A distinct surname (lower case) and how many cards carry it.

    Kept by statement-level triggers on ``patient`` (migration 0002); the search
    matches typos against these few rows instead of every card.
    """

    __tablename__ = "patient_surname"
    __table_args__ = (
        sa.Index(
            "ix_patient_surname_trgm", sa.text("surname gin_trgm_ops"), postgresql_using="gin"
        ),
    )

    surname: Mapped[str] = mapped_column(sa.String(60), primary_key=True)
    patients: Mapped[int]


class PatientConsent(Base):
    """A consent the patient gave (and may have revoked), with dates."""

    __tablename__ = "patient_consent"

    id: Mapped[intpk]
    patient_id: Mapped[int] = mapped_column(fk("patient.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ConsentKind] = mapped_column(enum_type(ConsentKind, "kind"))
    given_on: Mapped[dt.date] = mapped_column(sa.Date)
    revoked_on: Mapped[dt.date | None] = mapped_column(sa.Date)

    patient: Mapped[Patient] = relationship(back_populates="consents")
