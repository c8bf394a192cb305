"""The services catalogue and its prices."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ExcludeConstraint
from sqlalchemy.orm import Mapped, mapped_column

from crm.models.base import Base, fk, intpk


class Service(Base):
    """A service the clinic provides (paid or under ОМС), with its duration in slots."""

    __tablename__ = "service"
    __table_args__ = (
        sa.CheckConstraint("duration_slots BETWEEN 1 AND 4", name="duration"),
        # A code or a name in the search box (migration 0022).
        sa.Index(
            "ix_service_search_trgm",
            sa.text("lower(code || ' ' || name) gin_trgm_ops"),
            postgresql_using="gin",
        ),
    )

    id: Mapped[intpk]
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(300))
    specialty_id: Mapped[int | None] = mapped_column(fk("specialty.id"))
    duration_slots: Mapped[int] = mapped_column(sa.SmallInteger, server_default=sa.text("1"))
    description: Mapped[str | None] = mapped_column(sa.Text)
    active: Mapped[bool] = mapped_column(server_default=sa.true())
    #: Paid for by ОМС (free for the patient) rather than by the patient.
    oms: Mapped[bool] = mapped_column(server_default=sa.false())
    #: The code in the Минздрав nomenclature of medical services, where known.
    nomenclature_code: Mapped[str | None] = mapped_column(sa.String(40))
    version: Mapped[int] = mapped_column(server_default=sa.text("1"))

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class ServicePrice(Base):
    """A service's price over a period; periods of one service never overlap."""

    __tablename__ = "service_price"
    __table_args__ = (
        sa.CheckConstraint("amount >= 0", name="amount"),
        sa.CheckConstraint("valid_to IS NULL OR valid_from <= valid_to", name="validity"),
        ExcludeConstraint(
            (sa.column("service_id"), "="),
            (sa.text("daterange(valid_from, valid_to, '[]')"), "&&"),
            name="ex_service_price_period",
            using="gist",
        ),
    )

    id: Mapped[intpk]
    service_id: Mapped[int] = mapped_column(fk("service.id", ondelete="CASCADE"), index=True)
    amount: Mapped[Decimal] = mapped_column(sa.Numeric(12, 2))
    valid_from: Mapped[dt.date] = mapped_column(sa.Date)
    valid_to: Mapped[dt.date | None] = mapped_column(sa.Date)
    version: Mapped[int] = mapped_column(server_default=sa.text("1"))

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
