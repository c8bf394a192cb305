"""Bonus points: the manager's rules and each patient's ledger (1 point = 1 rouble).

The balance is ``patient.bonus_balance``, kept by a trigger on the ledger (and by
nothing else); its ``CHECK (bonus_balance >= 0)`` refuses a spend over the balance
even when two desks spend at once (the second update of the row sees the first's
result). The ledger is
append-only: accruals (with the day they expire), spends, expiries, refunds and a
manager's corrections with a reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from crm.controllers import journal
from crm.controllers.access.permissions import Permission, require
from crm.controllers.clinic import settings
from crm.controllers.clinic.clock import clinic_today
from crm.controllers.context import Actor
from crm.controllers.errors import NotFound
from crm.controllers.payments.money import clean_percent, refuse
from crm.i18n import translate
from crm.models import BonusLedgerEntry, Patient

BONUS_RULES = "payments.bonus_rules"
BALANCE_CONSTRAINT = "ck_patient_bonus_balance_nonnegative"
#: pg_advisory_xact_lock namespace: one expiry run per patient at a time ("CRM" + 0x30).
LOCK_EXPIRY = 0x43524D30
MAX_EXPIRY_DAYS = 3650
#: Who the journal names for the background service's expiry runs.
SERVICE_LOGIN = "service"


@dataclass(frozen=True)
class BonusRules:
    """What the manager set: points accrued per paid visit (% of the money taken), the
    largest share of a visit's price payable in points (%), and the days points live.
    Until set, no points are accrued and none can be spent."""

    accrual_percent: Decimal = Decimal("0.00")
    max_share_percent: Decimal = Decimal("0.00")
    expiry_days: int = 365


@dataclass(frozen=True)
class LedgerRow:
    """One line of a patient's ledger, for the card and the CLI."""

    id: int
    created_at: dt.datetime
    kind: str
    delta: int
    reason: str
    payment_id: int | None
    expires_on: dt.date | None


def kind_title(kind: str) -> str:
    """A ledger line's kind in words."""
    return {
        "accrual": translate("payments", "accrual"),
        "spend": translate("payments", "spend"),
        "expiry": translate("payments", "expiry"),
        "correction": translate("payments", "correction"),
        "refund": translate("payments", "refund"),
    }.get(kind, kind)


@dataclass(frozen=True)
class BonusAccount:
    """A patient's points now and the ledger that makes them, oldest first."""

    patient_id: int
    balance: int
    rows: tuple[LedgerRow, ...]


def current_rules(db: sessionmaker[Session]) -> BonusRules:
    """:func:`read_rules` in its own session (for the manager's screen)."""
    with db() as session:
        return read_rules(session)


def read_rules(session: Session) -> BonusRules:
    """The clinic's bonus rules (the defaults until a manager sets them)."""
    stored = settings.get(session, BONUS_RULES) or {}
    defaults = BonusRules()
    return BonusRules(
        accrual_percent=Decimal(str(stored.get("accrual_percent", defaults.accrual_percent))),
        max_share_percent=Decimal(str(stored.get("max_share_percent", defaults.max_share_percent))),
        expiry_days=int(stored.get("expiry_days", defaults.expiry_days)),
    )


def set_rules(
    db: sessionmaker[Session],
    actor: Actor,
    *,
    accrual_percent: str | Decimal,
    max_share_percent: str | Decimal,
    expiry_days: int | str,
) -> BonusRules:
    """Store the bonus rules (manager); journaled before → after.

    Raises:
        PermissionDenied: not a manager.
        ValidationError: naming the bad field.
    """
    require(actor, Permission.MANAGE_BONUS)
    accrual = clean_percent(accrual_percent, "accrual_percent")
    share = clean_percent(max_share_percent, "max_share_percent")
    try:
        days = int(str(expiry_days).strip())
    except ValueError:
        days = -1
    if not 1 <= days <= MAX_EXPIRY_DAYS:
        raise refuse(
            "expiry_days",
            translate("payments", "whole days from 1 to {top}").format(top=MAX_EXPIRY_DAYS),
        )
    rules = BonusRules(accrual, share, days)
    with db() as session, session.begin():
        before = read_rules(session)
        settings.put(
            session,
            BONUS_RULES,
            {"accrual_percent": str(accrual), "max_share_percent": str(share), "expiry_days": days},
        )
        journal.record(
            session,
            "update",
            actor=actor,
            entity="clinic_setting",
            changes=journal.diff(_rule_fields(before), _rule_fields(rules)),
            details=BONUS_RULES,
        )
    return rules


def _rule_fields(rules: BonusRules) -> dict[str, object]:
    return {
        "accrual_percent": str(rules.accrual_percent),
        "max_share_percent": str(rules.max_share_percent),
        "expiry_days": rules.expiry_days,
    }


def balance(session: Session, patient_id: int) -> int:
    """The patient's points now."""
    return session.scalar(sa.select(Patient.bonus_balance).where(Patient.id == patient_id)) or 0


def points_for(amount: Decimal, percent: Decimal) -> int:
    """Whole points accrued for ``amount`` roubles at ``percent`` (rounded down)."""
    return int((amount * percent / 100).to_integral_value(rounding=ROUND_FLOOR))


def add_entry(
    session: Session,
    actor: Actor | None,
    *,
    patient_id: int,
    delta: int,
    kind: str,
    reason: str,
    payment_id: int | None = None,
    expires_on: dt.date | None = None,
) -> BonusLedgerEntry:
    """Append a ledger line in ``session``'s transaction and flush it (so the balance's
    CHECK speaks now: ``IntegrityError`` on :data:`BALANCE_CONSTRAINT`)."""
    entry = BonusLedgerEntry(
        patient_id=patient_id,
        delta=delta,
        kind=kind,
        reason=reason[:200],
        payment_id=payment_id,
        expires_on=expires_on,
        created_by_id=actor.user_id if actor else None,
    )
    session.add(entry)
    session.flush()
    return entry


def is_balance_refusal(error: sa.exc.IntegrityError) -> bool:
    """Whether the database refused a ledger line because the balance would go below 0."""
    diag = getattr(error.orig, "diag", None)
    return getattr(diag, "constraint_name", None) == BALANCE_CONSTRAINT


def over_balance(have: int) -> Exception:
    """The refusal of a spend over the balance."""
    return refuse(
        "points", translate("payments", "the patient has only {points} points").format(points=have)
    )


def clean_points(points: int | str) -> int:
    """Points as typed (``"+100"``, ``"-50"``, ``"1 000"``) as a whole number.

    Raises:
        ValidationError: (``points``) not a whole number.
    """
    if isinstance(points, int) and not isinstance(points, bool):
        return points
    text = "".join(str(points).split()).replace("\u2212", "-")
    try:
        return int(text)
    except ValueError:
        raise refuse("points", translate("payments", "a whole number, e.g. 100 or -50")) from None


def correct(
    db: sessionmaker[Session], actor: Actor, *, patient_id: int, points: int | str, reason: str
) -> int:
    """A manager's manual correction of a patient's points, with a reason; returns the
    new balance. Never below zero (the database refuses it).

    Raises:
        PermissionDenied: not a manager.
        ValidationError: no reason, zero points, or the balance would go below zero.
    """
    require(actor, Permission.MANAGE_BONUS)
    points = clean_points(points)
    reason = " ".join(reason.split())
    if not reason:
        raise refuse("reason", translate("payments", "say why the points are corrected"))
    if points == 0:
        raise refuse("points", translate("payments", "must not be zero"))
    with db() as session:
        try:
            with session.begin():
                if session.get(Patient, patient_id) is None:
                    raise NotFound(translate("payments", "No such patient"), field="patient_id")
                add_entry(
                    session, actor, patient_id=patient_id, delta=points, kind="correction",
                    reason=reason,
                )  # fmt: skip
                journal.record(
                    session, "bonus_correction", actor=actor, entity="patient",
                    entity_id=patient_id, changes={"points": [None, points]}, details=reason,
                )  # fmt: skip
                return balance(session, patient_id)
        except sa.exc.IntegrityError as error:
            if is_balance_refusal(error):
                raise over_balance(balance(session, patient_id)) from error
            raise


def expire(db: sessionmaker[Session], actor: Actor | None, *, patient_id: int) -> int:
    """Write off the patient's points whose accruals have expired; returns the points
    written off (0 when none; run again, it writes nothing). Spends and other
    write-offs use the oldest points first, so what expired and is still unspent is
    ``expired accruals − everything taken``. ``actor`` ``None``: the clinic's
    background service (journaled as ``service``).
    """
    with db() as session, session.begin():
        session.execute(sa.select(sa.func.pg_advisory_xact_lock(LOCK_EXPIRY, patient_id)))
        today = clinic_today(session)
        entries = BonusLedgerEntry.__table__.c
        expired, taken = session.execute(
            sa.select(
                sa.func.coalesce(
                    sa.func.sum(entries.delta).filter(
                        entries.kind == "accrual", entries.expires_on < today
                    ),
                    0,
                ),
                sa.func.coalesce(-sa.func.sum(entries.delta).filter(entries.delta < 0), 0),
            ).where(entries.patient_id == patient_id)
        ).one()
        lapsed = min(int(expired) - int(taken), balance(session, patient_id))
        if lapsed <= 0:
            return 0
        add_entry(
            session, actor, patient_id=patient_id, delta=-lapsed, kind="expiry",
            reason=translate("payments", "points expired"),
        )  # fmt: skip
        journal.record(
            session, "bonus_expiry", actor=actor, entity="patient", entity_id=patient_id,
            changes={"points": [None, -lapsed]}, login=None if actor else SERVICE_LOGIN,
        )  # fmt: skip
        return lapsed


def _ledger_rows(session: Session, patient_id: int) -> tuple[LedgerRow, ...]:
    rows = session.scalars(
        sa.select(BonusLedgerEntry)
        .where(BonusLedgerEntry.patient_id == patient_id)
        .order_by(BonusLedgerEntry.id)
    )
    return tuple(
        LedgerRow(r.id, r.created_at, r.kind, r.delta, r.reason, r.payment_id, r.expires_on)
        for r in rows
    )


def ledger(db: sessionmaker[Session], actor: Actor, patient_id: int) -> tuple[LedgerRow, ...]:
    """The patient's ledger, oldest first."""
    require(actor, Permission.TAKE_PAYMENTS)
    with db() as session:
        return _ledger_rows(session, patient_id)


def account(db: sessionmaker[Session], actor: Actor, patient_id: int) -> BonusAccount:
    """The patient's balance and ledger, read in one snapshot (the card's «Бонусы» tab)."""
    require(actor, Permission.TAKE_PAYMENTS)
    with db() as session, session.begin():
        session.execute(sa.text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
        return BonusAccount(
            patient_id, balance(session, patient_id), _ledger_rows(session, patient_id)
        )
