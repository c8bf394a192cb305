"""Taking payments and refunds at the desk.

The database has the last word where two desks could race (migration 0009's
trigger): a refund never returns more than its payment took (the payment's row is
locked, so two refunds of it take turns) and a cancelled visit takes no payment.
These functions check the same first so the desk gets the reason in words, and map
the database's refusal to the same words when a race decided it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from crm.controllers import journal
from crm.controllers.access.permissions import Permission, require
from crm.controllers.context import Actor
from crm.controllers.errors import NotFound
from crm.controllers.payments import bonus
from crm.controllers.payments.money import clean_amount, refuse, rubles
from crm.controllers.payments.status import VisitMoney, visit_money
from crm.i18n import translate
from crm.models import Appointment, BonusLedgerEntry, Payment, Service
from crm.models.enums import RELEASED_STATUSES, PaymentMethod


@dataclass(frozen=True)
class PaymentRow:
    """A payment or a refund (negative ``amount``), as the desk shows it."""

    id: int
    appointment_id: int | None
    patient_id: int
    amount: Decimal
    method: PaymentMethod
    paid_at: dt.datetime
    refund_of_id: int | None
    reason: str | None
    visit: VisitMoney | None


def method_title(method: PaymentMethod) -> str:
    """A payment method in words."""
    return {
        PaymentMethod.CASH: translate("payments", "cash"),
        PaymentMethod.CARD: translate("payments", "card"),
        PaymentMethod.TRANSFER: translate("payments", "bank transfer"),
        PaymentMethod.BONUS: translate("payments", "bonus points"),
    }[method]


def clean_method(value: str | PaymentMethod) -> PaymentMethod:
    """``value`` as a method (its code), or a refusal naming the field."""
    try:
        return PaymentMethod(str(value).strip().lower())
    except ValueError:
        choices = ", ".join(m.value for m in PaymentMethod)
        raise refuse(
            "method", translate("payments", "one of {choices}").format(choices=choices)
        ) from None


def _zone(actor: Actor) -> ZoneInfo:
    return ZoneInfo(actor.clinic_timezone)


def _row(session: Session, actor: Actor, payment: Payment) -> PaymentRow:
    visit = None
    if payment.appointment_id is not None:
        visit = visit_money(session, [payment.appointment_id], _zone(actor)).get(
            payment.appointment_id
        )
    return PaymentRow(
        payment.id, payment.appointment_id, payment.patient_id, payment.amount,
        payment.method, payment.paid_at, payment.refund_of_id, payment.reason, visit,
    )  # fmt: skip


def _constraint(error: sa.exc.IntegrityError) -> str | None:
    return getattr(getattr(error.orig, "diag", None), "constraint_name", None)


def _cancelled() -> Exception:
    return refuse(
        "appointment_id", translate("payments", "the visit is cancelled: it takes no payment")
    )


def take_payment(
    db: sessionmaker[Session],
    actor: Actor,
    *,
    appointment_id: int,
    amount: str | Decimal | int,
    method: str | PaymentMethod,
) -> PaymentRow:
    """Take ``amount`` for the visit's service (part of it, or all that is left).

    A payment in points spends the patient's points (1 point = 1 rouble, whole
    roubles, at most the rules' share of the price); any other accrues the rules'
    percent as points. Journaled. Nothing is written when refused.

    Raises:
        PermissionDenied: the role takes no payments.
        NotFound: no such appointment.
        ValidationError: naming the field: the amount (not positive, not two
            decimals, more than is left to pay), the method, a cancelled visit,
            points over the balance or the share.
    """
    require(actor, Permission.TAKE_PAYMENTS)
    money = clean_amount(amount)
    how = clean_method(method)
    with db() as session:
        try:
            with session.begin():
                return _take(session, actor, appointment_id, money, how)
        except sa.exc.IntegrityError as error:
            name = _constraint(error)
            if name == "payment_for_cancelled":
                raise _cancelled() from error
            if bonus.is_balance_refusal(error):
                with db() as again:
                    appointment = again.get(Appointment, appointment_id)
                    have = bonus.balance(again, appointment.patient_id) if appointment else 0
                raise bonus.over_balance(have) from error
            raise


def _take(
    session: Session, actor: Actor, appointment_id: int, money: Decimal, how: PaymentMethod
) -> PaymentRow:
    appointment = session.get(Appointment, appointment_id)
    if appointment is None:
        raise NotFound(translate("payments", "No such appointment"), field="appointment_id")
    if appointment.status in RELEASED_STATUSES:
        raise _cancelled()
    visit = visit_money(session, [appointment_id], _zone(actor))[appointment_id]
    outstanding = visit.outstanding
    if outstanding is not None and money > outstanding:
        raise refuse(
            "amount",
            translate("payments", "more than is left to pay for the visit ({left})").format(
                left=rubles(outstanding)
            ),
        )
    rules = bonus.read_rules(session)
    if how is PaymentMethod.BONUS:
        _check_points(session, appointment, visit, money, rules)
    payment = Payment(
        patient_id=appointment.patient_id,
        appointment_id=appointment_id,
        service_id=appointment.service_id,
        amount=money,
        method=how,
        received_by_id=actor.user_id,
    )
    session.add(payment)
    session.flush()
    note = translate("payments", "payment {id}").format(id=payment.id)
    if how is PaymentMethod.BONUS:
        bonus.add_entry(
            session, actor, patient_id=appointment.patient_id, delta=-int(money),
            kind="spend", reason=note, payment_id=payment.id,
        )  # fmt: skip
    else:
        points = bonus.points_for(money, rules.accrual_percent)
        if points > 0:
            today = appointment.starts_at.astimezone(_zone(actor)).date()
            bonus.add_entry(
                session, actor, patient_id=appointment.patient_id, delta=points,
                kind="accrual", reason=note, payment_id=payment.id,
                expires_on=today + dt.timedelta(days=rules.expiry_days),
            )  # fmt: skip
    journal.record(
        session, "create", actor=actor, entity="payment", entity_id=payment.id,
        changes=journal.diff({}, {
            "appointment_id": appointment_id, "amount": money, "method": how,
        }),
    )  # fmt: skip
    return _row(session, actor, payment)


def _check_points(
    session: Session,
    appointment: Appointment,
    visit: VisitMoney,
    money: Decimal,
    rules: bonus.BonusRules,
) -> None:
    if money != money.to_integral_value():
        raise refuse("amount", translate("payments", "points pay whole roubles only"))
    if visit.due is None:
        raise refuse("method", translate("payments", "the visit has no price to pay in points"))
    share = (visit.due * rules.max_share_percent / 100).quantize(
        Decimal("1."), rounding="ROUND_FLOOR"
    )
    if visit.bonus_paid + money > share:
        raise refuse(
            "amount",
            translate("payments", "at most {share} of this visit can be paid in points").format(
                share=rubles(share)
            ),
        )
    have = bonus.balance(session, appointment.patient_id)
    if money > have:
        raise bonus.over_balance(have)


def refund(
    db: sessionmaker[Session],
    actor: Actor,
    *,
    payment_id: int,
    amount: str | Decimal | int,
    reason: str,
) -> PaymentRow:
    """Return ``amount`` of a payment (manager), with a reason; returns the refund.

    Points paid come back to the patient; points accrued for the money are taken
    back in proportion (as many as the patient still has). Journaled.

    Raises:
        PermissionDenied: not a manager.
        NotFound: no such payment.
        ValidationError: naming the field: the amount (over what is left of the
            payment, also when another desk refunded it meanwhile), no reason, a
            refund of a refund.
    """
    require(actor, Permission.REFUND_PAYMENTS)
    money = clean_amount(amount)
    why = " ".join(reason.split())
    if not why:
        raise refuse("reason", translate("payments", "say why the money is returned"))
    with db() as session:
        try:
            with session.begin():
                return _refund(session, actor, payment_id, money, why)
        except sa.exc.IntegrityError as error:
            if _constraint(error) == "refund_over_paid":
                raise _over_paid(None) from error
            raise


def _over_paid(left: Decimal | None) -> Exception:
    if left is None:
        return refuse(
            "amount",
            translate(
                "payments", "more than was paid: the payment was refunded meanwhile, look again"
            ),
        )
    return refuse(
        "amount",
        translate("payments", "more than was paid (at most {left} can be returned)").format(
            left=rubles(left)
        ),
    )


def _refund(
    session: Session, actor: Actor, payment_id: int, money: Decimal, why: str
) -> PaymentRow:
    original = session.get(Payment, payment_id)
    if original is None:
        raise NotFound(translate("payments", "No such payment"), field="payment_id")
    if original.refund_of_id is not None:
        raise refuse("payment_id", translate("payments", "this is a refund, not a payment"))
    returned = -(
        session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(Payment.amount), 0)).where(
                Payment.refund_of_id == payment_id
            )
        )
        or 0
    )
    left = original.amount - Decimal(returned)
    if money > left:
        raise _over_paid(left)
    row = Payment(
        patient_id=original.patient_id,
        appointment_id=original.appointment_id,
        service_id=original.service_id,
        amount=-money,
        method=original.method,
        received_by_id=actor.user_id,
        refund_of_id=original.id,
        reason=why,
    )
    session.add(row)
    session.flush()
    note = translate("payments", "refund {id} of payment {of}").format(id=row.id, of=original.id)
    if original.method is PaymentMethod.BONUS:
        bonus.add_entry(
            session, actor, patient_id=original.patient_id, delta=int(money), kind="refund",
            reason=note, payment_id=row.id,
        )  # fmt: skip
    else:
        _take_back_points(session, actor, original, row, money=money, note=note)
    journal.record(
        session, "refund", actor=actor, entity="payment", entity_id=row.id,
        changes=journal.diff({}, {
            "refund_of_id": original.id, "amount": -money, "method": original.method,
        }),
        details=why,
    )  # fmt: skip
    return _row(session, actor, row)


def _take_back_points(
    session: Session, actor: Actor, original: Payment, row: Payment, *, money: Decimal, note: str
) -> None:
    accrued = session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(BonusLedgerEntry.delta), 0)).where(
            BonusLedgerEntry.payment_id == original.id,
            BonusLedgerEntry.kind == "accrual",
        )
    )
    back = min(
        int(Decimal(accrued or 0) * money / original.amount),
        bonus.balance(session, original.patient_id),
    )
    if back > 0:
        bonus.add_entry(
            session, actor, patient_id=original.patient_id, delta=-back, kind="refund",
            reason=note, payment_id=row.id,
        )  # fmt: skip


def visit_payments(
    db: sessionmaker[Session], actor: Actor, appointment_id: int
) -> tuple[VisitMoney, tuple[PaymentRow, ...]]:
    """A visit's sums and status, and its payments and refunds in order."""
    require(actor, Permission.TAKE_PAYMENTS)
    with db() as session:
        visit = visit_money(session, [appointment_id], _zone(actor)).get(appointment_id)
        if visit is None:
            raise NotFound(translate("payments", "No such appointment"), field="appointment_id")
        rows = session.scalars(
            sa.select(Payment).where(Payment.appointment_id == appointment_id).order_by(Payment.id)
        )
        return visit, tuple(
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
            )  # fmt: skip
            for p in rows
        )


@dataclass(frozen=True)
class UnpaidVisit:
    """One of the patient's visits with money left to pay."""

    appointment_id: int
    starts_at: dt.datetime
    service_name: str | None
    outstanding: Decimal


def unpaid_visits(
    db: sessionmaker[Session], actor: Actor, patient_id: int
) -> tuple[UnpaidVisit, ...]:
    """The patient's visits (not cancelled or moved) with something left to pay, oldest first."""
    require(actor, Permission.TAKE_PAYMENTS)
    zone = _zone(actor)
    with db() as session:
        rows = list(
            session.execute(
                sa.select(Appointment.id, Appointment.starts_at, Service.name)
                .outerjoin(Service, Service.id == Appointment.service_id)
                .where(
                    Appointment.patient_id == patient_id,
                    Appointment.service_id.is_not(None),
                    Appointment.status.not_in(list(RELEASED_STATUSES)),
                )
                .order_by(Appointment.starts_at, Appointment.id)
            )
        )
        money = visit_money(session, [r.id for r in rows], zone)
    return tuple(
        UnpaidVisit(r.id, r.starts_at.astimezone(zone), r.name, left)
        for r in rows
        if (left := money[r.id].outstanding) is not None and left > 0
    )


def pay_visits(
    db: sessionmaker[Session],
    actor: Actor,
    *,
    appointment_ids: list[int],
    method: str | PaymentMethod,
) -> tuple[PaymentRow, ...]:
    """Pay what is left of each of ``appointment_ids`` in one go, in one transaction:
    all are paid, or (one refused) none.

    Points are not taken here (each visit has its own share payable in points).

    Raises:
        PermissionDenied, NotFound: as :func:`take_payment`.
        ValidationError: no visits chosen, points as the method, a visit with nothing
            left to pay or cancelled (naming it).
    """
    require(actor, Permission.TAKE_PAYMENTS)
    how = clean_method(method)
    if how is PaymentMethod.BONUS:
        raise refuse("method", translate("payments", "points are spent one visit at a time"))
    ids = list(dict.fromkeys(appointment_ids))
    if not ids:
        raise refuse("appointment_id", translate("payments", "choose the visits to pay"))
    with db() as session:
        try:
            with session.begin():
                # Locked in order, so two desks paying overlapping visits take turns.
                session.execute(
                    sa.select(Appointment.id)
                    .where(Appointment.id.in_(ids))
                    .order_by(Appointment.id)
                    .with_for_update()
                )
                money = visit_money(session, ids, _zone(actor))
                taken = []
                for appointment_id in ids:
                    visit = money.get(appointment_id)
                    left = visit.outstanding if visit else None
                    if not left:
                        raise refuse(
                            "appointment_id",
                            translate("payments", "visit {id}: nothing left to pay").format(
                                id=appointment_id
                            ),
                        )
                    taken.append(_take(session, actor, appointment_id, left, how))
                return tuple(taken)
        except sa.exc.IntegrityError as error:
            if _constraint(error) == "payment_for_cancelled":
                raise _cancelled() from error
            raise
