"""Paid services: payments and revenue by service and by doctor.

Payments received in the period count (refunds are negative payments, counted
apart and subtracted from revenue). A payment's service is its own, else its
appointment's; its doctor is its appointment's. With no payments in the period
the report says it has no data rather than show zeros.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from crm.controllers.reports.common import (
    BuildContext,
    ReportParams,
    describe_params,
    doctor_filters,
    period_bounds,
    short_person,
)
from crm.i18n import translate
from crm.models import Appointment, Doctor, Payment, Service, Specialty
from crm.reports.excel.model import Column, Kind, ReportDocument, Table, Total, Value


def title() -> str:
    return translate("reports", "Paid services")


def description() -> str:
    return translate("reports", "Count and revenue of paid services by service and doctor")


def no_payments() -> str:
    return translate("reports", "No payments in this period: the report has no data")


@dataclass(frozen=True)
class PaymentFact:
    service: str
    doctor: str
    specialty: str
    amount: Decimal


@dataclass
class Sums:
    payments: int = 0
    refunds: int = 0
    paid: Decimal = Decimal(0)
    refunded: Decimal = Decimal(0)

    def add(self, amount: Decimal) -> None:
        if amount > 0:
            self.payments += 1
            self.paid += amount
        else:
            self.refunds += 1
            self.refunded += amount

    @property
    def revenue(self) -> Decimal:
        return self.paid + self.refunded

    def figures(self) -> list[Value]:
        return [self.payments, self.refunds, self.paid, self.refunded, self.revenue]


def payment_facts(
    session: Session, params: ReportParams, context: BuildContext
) -> list[PaymentFact]:
    """Payments received in the period, with their service and doctor."""
    starts, ends = period_bounds(params, context.tz)
    own_service, visit_service = aliased(Service), aliased(Service)
    not_stated = translate("reports", "not stated")
    query = (
        sa.select(
            sa.func.coalesce(own_service.name, visit_service.name, not_stated),
            Doctor.last_name, Doctor.first_name, Doctor.patronymic, Specialty.name,
            Payment.amount,
        )
        .outerjoin(own_service, own_service.id == Payment.service_id)
        .outerjoin(Appointment, Appointment.id == Payment.appointment_id)
        .outerjoin(visit_service, visit_service.id == Appointment.service_id)
        .outerjoin(Doctor, Doctor.id == Appointment.doctor_id)
        .outerjoin(Specialty, Specialty.id == Doctor.specialty_id)
        .where(Payment.paid_at >= starts, Payment.paid_at < ends, *doctor_filters(params))
        .order_by(Payment.paid_at, Payment.id)
    )  # fmt: skip
    without = translate("reports", "without an appointment")
    return [
        PaymentFact(
            service,
            short_person(last, first, middle) if last else without,
            specialty or "",
            Decimal(amount),
        )
        for service, last, first, middle, specialty, amount in session.execute(query)
    ]


def _sum_by(
    found: list[PaymentFact], key: Callable[[PaymentFact], tuple[str, ...]]
) -> dict[tuple[str, ...], Sums]:
    groups: dict[tuple[str, ...], Sums] = {}
    for fact in found:
        groups.setdefault(key(fact), Sums()).add(fact.amount)
    return dict(sorted(groups.items()))


def _money_columns() -> list[Column]:
    return [
        Column("payments", translate("reports", "Payments"), Kind.INTEGER, Total.SUM),
        Column("refunds", translate("reports", "Refunds"), Kind.INTEGER, Total.SUM),
        Column("paid", translate("reports", "Paid"), Kind.MONEY, Total.SUM),
        Column("refunded", translate("reports", "Refunded"), Kind.MONEY, Total.SUM),
        Column("revenue", translate("reports", "Revenue"), Kind.MONEY, Total.SUM),
    ]


def build(session: Session, params: ReportParams, context: BuildContext) -> ReportDocument:
    """By service and by doctor; a plain "no data" when nobody paid in the period."""
    found = payment_facts(session, params, context)
    empty = no_payments()
    by_service = _sum_by(found, lambda f: (f.service,))
    by_doctor = _sum_by(found, lambda f: (f.doctor, f.specialty))
    tables = [
        Table(
            translate("reports", "By service"),
            [Column("service", translate("reports", "Service"), total=Total.LABEL, width=34,
                    wrap=True),
             *_money_columns()],
            [[k[0], *s.figures()] for k, s in by_service.items()],
            empty_message=empty,
        ),
        Table(
            translate("reports", "By doctor"),
            [Column("doctor", translate("reports", "Doctor"), total=Total.LABEL, width=24),
             Column("specialty", translate("reports", "Specialty"), width=22), *_money_columns()],
            [[k[0], k[1], *s.figures()] for k, s in by_doctor.items()],
            empty_message=empty,
        ),
    ]  # fmt: skip
    return ReportDocument(
        title(),
        tables,
        describe_params(session, title(), params, context),
        [
            translate("reports", "Payments received in the period; refunds are subtracted."),
            translate("reports", "The doctor is the one of the paid appointment."),
        ],
        parameters_sheet=translate("reports", "Parameters"),
        no_data=None if found else empty,
    )
