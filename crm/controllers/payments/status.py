"""A visit's payment status — paid, partly paid, unpaid, refunded — computed here only."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from crm.i18n import translate
from crm.models import Appointment, Payment, ServicePrice

ZERO = Decimal("0.00")


class PaymentStatus(enum.StrEnum):
    """Where a visit stands with its money."""

    UNPAID = "unpaid"
    PARTLY_PAID = "partly_paid"
    PAID = "paid"
    REFUNDED = "refunded"


def status_title(status: PaymentStatus) -> str:
    """The status in words."""
    return {
        PaymentStatus.UNPAID: translate("payments", "unpaid"),
        PaymentStatus.PARTLY_PAID: translate("payments", "partly paid"),
        PaymentStatus.PAID: translate("payments", "paid"),
        PaymentStatus.REFUNDED: translate("payments", "refunded"),
    }[status]


def payment_status(due: Decimal | None, paid: Decimal, refunded: Decimal) -> PaymentStatus:
    """The status of a visit whose service costs ``due`` (``None``: no price known),
    from the sums taken (``paid``, positive) and returned (``refunded``, positive).

    Nothing taken: unpaid. Everything taken returned: refunded. The price covered (or
    any money kept when no price is known): paid. Otherwise partly paid.
    """
    if paid <= 0:
        return PaymentStatus.UNPAID
    kept = paid - refunded
    if kept <= 0:
        return PaymentStatus.REFUNDED
    if due is None or kept >= due:
        return PaymentStatus.PAID
    return PaymentStatus.PARTLY_PAID


@dataclass(frozen=True)
class VisitMoney:
    """A visit's sums and status.

    Attributes:
        appointment_id: the visit.
        due: the service's price on the visit's day (``None``: no service or no price).
        paid: taken, refunds not subtracted.
        refunded: returned (positive).
        bonus_paid: the part of ``paid − refunds of it`` paid in points.
        status: computed by :func:`payment_status`.
    """

    appointment_id: int
    due: Decimal | None
    paid: Decimal
    refunded: Decimal
    bonus_paid: Decimal
    status: PaymentStatus

    @property
    def kept(self) -> Decimal:
        """What the clinic holds for the visit now."""
        return self.paid - self.refunded

    @property
    def outstanding(self) -> Decimal | None:
        """What is left to pay (``None`` when no price is known)."""
        return None if self.due is None else max(self.due - self.kept, ZERO)


def price_on(session: Session, service_id: int | None, day: dt.date) -> Decimal | None:
    """The service's price valid on ``day``, or ``None``."""
    if service_id is None:
        return None
    return session.scalar(
        sa.select(ServicePrice.amount).where(
            ServicePrice.service_id == service_id,
            ServicePrice.valid_from <= day,
            sa.or_(ServicePrice.valid_to.is_(None), ServicePrice.valid_to >= day),
        )
    )


def visit_money(
    session: Session, appointment_ids: Iterable[int], zone: ZoneInfo
) -> dict[int, VisitMoney]:
    """The sums and status of each visit in ``appointment_ids`` (those that exist)."""
    ids = list(appointment_ids)
    if not ids:
        return {}
    bonus = sa.case((Payment.method == "bonus", Payment.amount), else_=0)
    sums = {
        row.appointment_id: row
        for row in session.execute(
            sa.select(
                Payment.appointment_id,
                sa.func.coalesce(
                    sa.func.sum(sa.case((Payment.amount > 0, Payment.amount), else_=0)), 0
                ).label("paid"),
                sa.func.coalesce(
                    -sa.func.sum(sa.case((Payment.amount < 0, Payment.amount), else_=0)), 0
                ).label("refunded"),
                sa.func.coalesce(sa.func.sum(bonus), 0).label("bonus"),
            )
            .where(Payment.appointment_id.in_(ids))
            .group_by(Payment.appointment_id)
        )
    }
    result = {}
    for appointment in session.scalars(sa.select(Appointment).where(Appointment.id.in_(ids))):
        due = price_on(
            session, appointment.service_id, appointment.starts_at.astimezone(zone).date()
        )
        row = sums.get(appointment.id)
        paid = Decimal(row.paid if row else 0).quantize(ZERO)
        refunded = Decimal(row.refunded if row else 0).quantize(ZERO)
        result[appointment.id] = VisitMoney(
            appointment_id=appointment.id,
            due=due,
            paid=paid,
            refunded=refunded,
            bonus_paid=Decimal(row.bonus if row else 0).quantize(ZERO),
            status=payment_status(due, paid, refunded),
        )
    return result


def money_columns(zone: str) -> tuple[Any, Any, Any]:
    """The visit's price on its day, paid and refunded, as subqueries correlated to
    :class:`Appointment`: added to a query of appointments, they give every row's sums in
    that one query (the grid's day, the card's visits).

    Args:
        zone: the clinic's timezone name (the visit's day is its day there).
    """
    day = sa.cast(sa.func.timezone(zone, Appointment.starts_at), sa.Date)
    due = (
        sa.select(ServicePrice.amount)
        .where(
            ServicePrice.service_id == Appointment.service_id,
            ServicePrice.valid_from <= day,
            sa.or_(ServicePrice.valid_to.is_(None), ServicePrice.valid_to >= day),
        )
        .order_by(ServicePrice.valid_from.desc())
        .limit(1)
        .correlate(Appointment)
        .scalar_subquery()
    )

    def total(condition: sa.ColumnElement[bool], sign: int) -> Any:
        return (
            sa.select(sa.func.coalesce(sign * sa.func.sum(Payment.amount), 0))
            .where(Payment.appointment_id == Appointment.id, condition)
            .correlate(Appointment)
            .scalar_subquery()
        )

    return (
        due.label("money_due"),
        total(Payment.amount > 0, 1).label("money_paid"),
        total(Payment.amount < 0, -1).label("money_refunded"),
    )


def mark_of(
    due: Decimal | None, paid: Decimal | None, refunded: Decimal | None
) -> PaymentStatus | None:
    """The status a visit's block shows, or ``None`` for a visit with nothing to pay
    (no price and no money taken: a free visit under a referral, say)."""
    taken = Decimal(paid or 0)
    if due is None and taken <= 0:
        return None
    return payment_status(due, taken, Decimal(refunded or 0))
