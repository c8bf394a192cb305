"""What the desk's payment dialog shows of a visit, and its receipt as a printable document.

:func:`visit_sheet` reads, in one call, the visit (patient, service, doctor, time),
its sums and status, its payments with what is left to return of each and who took
them, and the patient's bonus points with how many this visit can still take.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from crm.controllers.access.permissions import Permission, allowed, require
from crm.controllers.context import Actor
from crm.controllers.errors import NotFound
from crm.controllers.payments import bonus
from crm.controllers.payments.receipts import receipt_pdf
from crm.controllers.payments.status import VisitMoney, visit_money
from crm.controllers.payments.taking import PaymentRow
from crm.controllers.printing.tickets import PrintableDocument
from crm.i18n import translate
from crm.models import Appointment, Doctor, Patient, Payment, Service, User
from crm.models.enums import RELEASED_STATUSES, AppointmentStatus


@dataclass(frozen=True)
class PaymentLine:
    """A payment or refund of the visit, as the dialog lists it.

    Attributes:
        row: the payment (a refund has a negative amount).
        returnable: what can still be returned of it (zero for a refund).
        cashier: who took it (or returned it).
    """

    row: PaymentRow
    returnable: Decimal
    cashier: str | None


@dataclass(frozen=True)
class VisitSheet:
    """A visit with its money, for the payment dialog."""

    appointment_id: int
    patient_id: int
    patient_name: str
    service_name: str | None
    doctor_name: str
    starts_at: dt.datetime
    status: AppointmentStatus
    money: VisitMoney
    payments: tuple[PaymentLine, ...]
    bonus_balance: int
    #: The most this visit can still take in points (balance and the rules' share).
    bonus_payable: int
    may_refund: bool

    @property
    def cancelled(self) -> bool:
        """A cancelled or moved visit takes no payment."""
        return self.status in RELEASED_STATUSES


def _name(last: str, first: str, patronymic: str | None) -> str:
    return " ".join(p for p in (last, first, patronymic) if p)


def visit_sheet(db: sessionmaker[Session], actor: Actor, appointment_id: int) -> VisitSheet:
    """Everything the payment dialog shows about ``appointment_id``.

    Raises:
        PermissionDenied: the role takes no payments.
        NotFound: no such appointment.
    """
    require(actor, Permission.TAKE_PAYMENTS)
    zone = ZoneInfo(actor.clinic_timezone)
    with db() as session:
        found = session.execute(
            sa.select(Appointment, Patient, Doctor, Service.name)
            .join(Patient, Patient.id == Appointment.patient_id)
            .join(Doctor, Doctor.id == Appointment.doctor_id)
            .outerjoin(Service, Service.id == Appointment.service_id)
            .where(Appointment.id == appointment_id)
        ).one_or_none()
        if found is None:
            raise NotFound(translate("payments", "No such appointment"), field="appointment_id")
        appointment, patient, doctor, service_name = found
        money = visit_money(session, [appointment_id], zone)[appointment_id]
        return VisitSheet(
            appointment_id=appointment_id,
            patient_id=patient.id,
            patient_name=_name(patient.last_name, patient.first_name, patient.patronymic),
            service_name=service_name,
            doctor_name=_name(doctor.last_name, doctor.first_name, doctor.patronymic),
            starts_at=appointment.starts_at.astimezone(zone),
            status=appointment.status,
            money=money,
            payments=_lines(session, appointment_id),
            bonus_balance=patient.bonus_balance,
            bonus_payable=_payable(session, money, patient.bonus_balance),
            may_refund=allowed(actor, Permission.REFUND_PAYMENTS),
        )


def _lines(session: Session, appointment_id: int) -> tuple[PaymentLine, ...]:
    rows = list(
        session.execute(
            sa.select(Payment, User.full_name)
            .outerjoin(User, User.id == Payment.received_by_id)
            .where(Payment.appointment_id == appointment_id)
            .order_by(Payment.id)
        )
    )
    returned: dict[int, Decimal] = {}
    for payment, _cashier in rows:
        if payment.refund_of_id is not None:
            returned[payment.refund_of_id] = returned.get(payment.refund_of_id, Decimal(0)) - (
                payment.amount
            )
    return tuple(
        PaymentLine(
            PaymentRow(
                p.id,
                p.appointment_id,
                p.patient_id,
                p.amount,
                p.method,
                p.paid_at,
                p.refund_of_id,
                p.reason,
                None,
            ),  # fmt: skip
            Decimal(0) if p.refund_of_id is not None else p.amount - returned.get(p.id, 0),
            cashier,
        )
        for p, cashier in rows
    )


def _payable(session: Session, money: VisitMoney, balance: int) -> int:
    if money.due is None or money.outstanding is None:
        return 0
    rules = bonus.read_rules(session)
    share = (money.due * rules.max_share_percent / 100).quantize(
        Decimal("1."), rounding=ROUND_FLOOR
    )
    room = min(share - money.bonus_paid, money.outstanding, Decimal(balance))
    return max(int(room.to_integral_value(rounding=ROUND_FLOOR)), 0)


def receipt_document(
    db: sessionmaker[Session], actor: Actor, payment_id: int, _option: object = None
) -> PrintableDocument:
    """The receipt of ``payment_id`` for the print dialog (built once, journaled as
    built by :func:`receipt_pdf`; printing or saving it is journaled again there)."""
    pdf = receipt_pdf(db, actor, payment_id)
    return PrintableDocument(
        kind="receipt",
        pdf=pdf,
        title=translate("payments", "Receipt {number}").format(number=payment_id),
        entity="payment",
        entity_ids=(payment_id,),
    )
