# ruff: noqa: E501  (SQL and parametrised calls read better on one line)
"""Payments and refunds at the desk, on the real database: each rule at its boundary."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
import sqlalchemy as sa

from crm.controllers.errors import NotFound, PermissionDenied, ValidationError
from crm.controllers.payments import bonus, taking
from crm.controllers.payments.status import PaymentStatus, payment_status
from crm.models import Appointment, BonusLedgerEntry, JournalEntry, Payment, Service, ServicePrice
from crm.models.enums import AppointmentStatus, Role
from tests import booking_factories as bf
from tests import factories as f

PRICE = Decimal("2500.00")


def visit(session, *, status=AppointmentStatus.COMPLETED, price=PRICE):
    """A paid visit for a service costing ``price`` on its day; returns (appointment, patient)."""
    branch, specialty = f.clinic(session)
    doctor = f.doctor(session, branch, specialty)
    patient = f.patient(session)
    service = Service(code=f"S-{patient.id}", name="Приём терапевта", duration_slots=1)
    session.add(service)
    session.flush()
    day = f.clinic_today()
    session.add(
        ServicePrice(service_id=service.id, amount=price, valid_from=day - dt.timedelta(days=30))
    )
    row = f.appointment(session, doctor, patient, f.at(day, "10:00"), status=status)
    row.service_id = service.id
    session.flush()
    return row, patient


@pytest.fixture
def desk(db):
    with db() as session, session.begin():
        registrar = bf.user(session, Role.REGISTRAR)
        manager = bf.user(session, Role.MANAGER)
        appointment, patient = visit(session)
        ids = appointment.id, patient.id
    return registrar, manager, *ids


def count(db, model) -> int:
    with db() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(model))


def test_status_is_computed_in_one_place():
    assert payment_status(PRICE, Decimal(0), Decimal(0)) is PaymentStatus.UNPAID
    assert payment_status(PRICE, Decimal(1000), Decimal(0)) is PaymentStatus.PARTLY_PAID
    assert payment_status(PRICE, PRICE, Decimal(0)) is PaymentStatus.PAID
    assert payment_status(PRICE, PRICE, PRICE) is PaymentStatus.REFUNDED
    assert payment_status(PRICE, PRICE, Decimal(500)) is PaymentStatus.PARTLY_PAID
    assert payment_status(None, Decimal(10), Decimal(0)) is PaymentStatus.PAID


def test_partial_payments_then_the_rest(db, desk):
    registrar, _, appointment_id, _ = desk
    first = taking.take_payment(
        db, registrar, appointment_id=appointment_id, amount="1 000,50", method="cash"
    )
    assert first.amount == Decimal("1000.50")
    assert first.visit.status is PaymentStatus.PARTLY_PAID
    assert first.visit.outstanding == Decimal("1499.50")
    second = taking.take_payment(
        db, registrar, appointment_id=appointment_id, amount=Decimal("1499.50"), method="card"
    )
    assert second.visit.status is PaymentStatus.PAID
    with db() as session:
        entries = session.scalars(
            sa.select(JournalEntry).where(JournalEntry.entity == "payment")
        ).all()
    assert {e.entity_id for e in entries} == {first.id, second.id}
    assert entries[0].changes["amount"] == [None, "1000.50"]


@pytest.mark.parametrize(
    ("amount", "method", "field"),
    [
        (12.5, "cash", "amount"),
        ("-100", "cash", "amount"),
        ("0", "cash", "amount"),
        ("10.005", "cash", "amount"),
        (Decimal("10.005"), "cash", "amount"),
        ("сто", "cash", "amount"),
        ("100", "cheque", "method"),
        ("2500.01", "cash", "amount"),  # more than is left to pay
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(
    db, desk, amount, method, field
):
    registrar, _, appointment_id, _ = desk
    before = count(db, Payment), count(db, JournalEntry)
    with pytest.raises(ValidationError) as refused:
        taking.take_payment(
            db, registrar, appointment_id=appointment_id, amount=amount, method=method
        )
    assert refused.value.field == field
    assert refused.value.message.split(":")[0] in {"Сумма", "Способ оплаты"}
    assert (count(db, Payment), count(db, JournalEntry)) == before


def test_a_cancelled_visit_takes_no_payment_in_the_controller_and_in_postgresql(db):
    with db() as session, session.begin():
        registrar = bf.user(session, Role.REGISTRAR)
        appointment, patient = visit(session, status=AppointmentStatus.CANCELLED)
        ids = appointment.id, patient.id
    with pytest.raises(ValidationError) as refused:
        taking.take_payment(db, registrar, appointment_id=ids[0], amount="100", method="cash")
    assert refused.value.field == "appointment_id"
    assert "отмен" in refused.value.message
    with (
        db() as session,
        pytest.raises(sa.exc.IntegrityError, match="a payment for a cancelled visit"),
    ):
        session.execute(
            sa.text(
                "INSERT INTO payment (patient_id, appointment_id, amount, method) VALUES (:p, :a, 100, 'cash')"
            ),
            {"p": ids[1], "a": ids[0]},
        )


def test_refunds_manager_only_with_a_reason_never_over_paid(db, desk):
    registrar, manager, appointment_id, _ = desk
    paid = taking.take_payment(
        db, registrar, appointment_id=appointment_id, amount="2500", method="card"
    )
    with pytest.raises(PermissionDenied):
        taking.refund(db, registrar, payment_id=paid.id, amount="100", reason="ошибка")
    with pytest.raises(ValidationError) as no_reason:
        taking.refund(db, manager, payment_id=paid.id, amount="100", reason="  ")
    assert no_reason.value.field == "reason"
    part = taking.refund(db, manager, payment_id=paid.id, amount="1000", reason="услуга не оказана")
    assert part.amount == Decimal("-1000.00")
    assert part.visit.status is PaymentStatus.PARTLY_PAID
    with pytest.raises(ValidationError) as over:
        taking.refund(db, manager, payment_id=paid.id, amount="1500.01", reason="ещё")
    assert over.value.field == "amount"
    assert "1\u00a0500,00" in over.value.message
    with pytest.raises(ValidationError):
        taking.refund(db, manager, payment_id=part.id, amount="1", reason="возврат возврата")
    with pytest.raises(NotFound):
        taking.refund(db, manager, payment_id=10**9, amount="1", reason="нет такого")
    rest = taking.refund(db, manager, payment_id=paid.id, amount="1500", reason="остаток")
    assert rest.visit.status is PaymentStatus.REFUNDED
    # The database refuses the over-refund by itself, whatever program sends it, a
    # refund to another visit or method, and any rewriting of the money taken.
    with db() as session, pytest.raises(sa.exc.IntegrityError, match="goes back the way"):
        session.execute(
            sa.text(
                "INSERT INTO payment (patient_id, appointment_id, amount, method, refund_of_id, reason) "
                "SELECT patient_id, NULL, -0.01, method, id, 'x' FROM payment WHERE id = :id"
            ),
            {"id": paid.id},
        )
    with db() as session, pytest.raises(sa.exc.ProgrammingError, match="append-only"):
        session.execute(
            sa.text("UPDATE payment SET amount = amount + 1 WHERE id = :id"), {"id": paid.id}
        )
    with db() as session, pytest.raises(sa.exc.IntegrityError, match="refund over the paid sum"):
        session.execute(
            sa.text(
                "INSERT INTO payment (patient_id, appointment_id, amount, method, refund_of_id, reason) "
                "SELECT patient_id, appointment_id, -0.01, method, id, 'x' FROM payment WHERE id = :id"
            ),
            {"id": paid.id},
        )


def test_points_accrue_spend_within_share_and_balance(db, desk):
    registrar, manager, appointment_id, patient_id = desk
    with pytest.raises(PermissionDenied):
        bonus.set_rules(db, registrar, accrual_percent="5", max_share_percent="30", expiry_days=365)
    with pytest.raises(ValidationError) as bad:
        bonus.set_rules(db, manager, accrual_percent="101", max_share_percent="30", expiry_days=365)
    assert bad.value.field == "accrual_percent"
    bonus.set_rules(db, manager, accrual_percent="5", max_share_percent="30", expiry_days=365)
    taking.take_payment(db, registrar, appointment_id=appointment_id, amount="1500", method="cash")
    with db() as session:
        assert bonus.balance(session, patient_id) == 75
    with pytest.raises(ValidationError) as over_balance:
        taking.take_payment(
            db, registrar, appointment_id=appointment_id, amount="76", method="bonus"
        )
    assert over_balance.value.field == "points"
    bonus.correct(db, manager, patient_id=patient_id, points=1000, reason="акция")
    with pytest.raises(ValidationError) as over_share:  # 30 % of 2500 = 750
        taking.take_payment(
            db, registrar, appointment_id=appointment_id, amount="751", method="bonus"
        )
    assert over_share.value.field == "amount"
    spent = taking.take_payment(
        db, registrar, appointment_id=appointment_id, amount="750", method="bonus"
    )
    with db() as session:
        assert bonus.balance(session, patient_id) == 325
    assert spent.visit.bonus_paid == Decimal("750.00")
    taking.refund(db, manager, payment_id=spent.id, amount="750", reason="ошибка")
    with db() as session:
        assert bonus.balance(session, patient_id) == 1075
    with pytest.raises(ValidationError) as below:
        bonus.correct(db, manager, patient_id=patient_id, points=-2000, reason="списание")
    assert below.value.field == "points"
    with pytest.raises(PermissionDenied):
        bonus.correct(db, registrar, patient_id=patient_id, points=10, reason="сам себе")


def test_expired_points_are_written_off_oldest_first(db, desk):
    registrar, manager, _, patient_id = desk
    with db() as session, session.begin():
        long_ago = f.clinic_today() - dt.timedelta(days=10)
        session.add(
            BonusLedgerEntry(
                patient_id=patient_id,
                delta=100,
                kind="accrual",
                reason="старое",
                expires_on=long_ago,
            )
        )
        session.add(
            BonusLedgerEntry(
                patient_id=patient_id,
                delta=50,
                kind="accrual",
                reason="новое",
                expires_on=f.clinic_today() + dt.timedelta(days=10),
            )
        )
        session.add(
            BonusLedgerEntry(patient_id=patient_id, delta=-30, kind="spend", reason="трата")
        )
    assert bonus.expire(db, manager, patient_id=patient_id) == 70
    assert bonus.expire(db, manager, patient_id=patient_id) == 0
    with db() as session:
        assert bonus.balance(session, patient_id) == 50


def _committed_visit(committed_db):
    with committed_db() as session, session.begin():
        registrar = bf.user(session, Role.REGISTRAR)
        manager = bf.user(session, Role.MANAGER)
        appointment, patient = visit(session)
        return registrar, manager, appointment.id, patient.id


def _race(calls):
    barrier = threading.Barrier(len(calls))
    outcomes: list[object] = [None] * len(calls)

    def run(k):
        barrier.wait(timeout=30)
        try:
            outcomes[k] = calls[k]()
        except Exception as exc:
            outcomes[k] = exc

    threads = [threading.Thread(target=run, args=(k,)) for k in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_two_desks_refunding_the_same_payment_at_once_one_wins(committed_db):
    registrar, manager, appointment_id, _ = _committed_visit(committed_db)
    paid = taking.take_payment(
        committed_db, registrar, appointment_id=appointment_id, amount="2500", method="cash"
    )
    for _ in range(5):
        outcomes = _race([
            lambda: taking.refund(committed_db, manager, payment_id=paid.id, amount="2000", reason="первая касса"),
            lambda: taking.refund(committed_db, manager, payment_id=paid.id, amount="2000", reason="вторая касса"),
        ])  # fmt: skip
        won = [o for o in outcomes if isinstance(o, taking.PaymentRow)]
        lost = [o for o in outcomes if isinstance(o, ValidationError)]
        if won:
            assert len(won) == 1 and len(lost) == 1, outcomes
            assert lost[0].field == "amount"
            break
    with committed_db() as session:
        refunded = session.scalar(
            sa.select(sa.func.sum(Payment.amount)).where(Payment.refund_of_id == paid.id)
        )
    assert refunded == Decimal("-2000.00")


def test_two_concurrent_spends_never_take_the_balance_below_zero(committed_db):
    registrar, manager, appointment_id, patient_id = _committed_visit(committed_db)
    bonus.correct(committed_db, manager, patient_id=patient_id, points=100, reason="акция")
    # Deterministic: the first spend holds its row while the second tries.
    engine = committed_db.kw["bind"]
    first = engine.connect()
    first.begin()
    first.execute(
        sa.text(
            "INSERT INTO bonus_ledger_entry (patient_id, delta, kind, reason) VALUES (:p, -80, 'spend', 'касса 1')"
        ),
        {"p": patient_id},
    )
    result: list[object] = []

    def second():
        with engine.connect() as connection:
            try:
                with connection.begin():
                    connection.execute(
                        sa.text(
                            "INSERT INTO bonus_ledger_entry (patient_id, delta, kind, reason) VALUES (:p, -80, 'spend', 'касса 2')"
                        ),
                        {"p": patient_id},
                    )
                result.append("spent")
            except sa.exc.IntegrityError as error:
                result.append(error)

    thread = threading.Thread(target=second)
    thread.start()
    thread.join(timeout=1)
    assert thread.is_alive()  # waiting on the first desk's row
    first.commit()
    first.close()
    thread.join(timeout=30)
    assert len(result) == 1 and isinstance(result[0], sa.exc.IntegrityError)
    assert "ck_patient_bonus_balance_nonnegative" in str(result[0])
    with committed_db() as session:
        assert bonus.balance(session, patient_id) == 20
    # And through the controller: two desks paying 15 points each from 20, at once.
    bonus.set_rules(
        committed_db, manager, accrual_percent="0", max_share_percent="100", expiry_days=30
    )
    other = _committed_visit(committed_db)[2]
    with committed_db() as session, session.begin():
        row = session.get(Appointment, other)
        row.starts_at += dt.timedelta(hours=2)
        row.ends_at += dt.timedelta(hours=2)
        row.patient_id = patient_id
    outcomes = _race([
        lambda: taking.take_payment(committed_db, registrar, appointment_id=appointment_id, amount="15", method="bonus"),
        lambda: taking.take_payment(committed_db, registrar, appointment_id=other, amount="15", method="bonus"),
    ])  # fmt: skip
    won = [o for o in outcomes if isinstance(o, taking.PaymentRow)]
    assert len(won) == 1, outcomes
    assert isinstance(next(o for o in outcomes if o not in won), ValidationError)
    with committed_db() as session:
        assert bonus.balance(session, patient_id) == 5
        assert (
            session.scalar(
                sa.select(sa.func.count()).select_from(Payment).where(Payment.method == "bonus")
            )
            == 1
        )


def test_the_desk_roles_may_take_payments_but_not_rewrite_money(db, desk):
    registrar, _, appointment_id, patient_id = desk
    paid = taking.take_payment(
        db, registrar, appointment_id=appointment_id, amount="100", method="cash"
    )
    with db() as session:
        connection = session.connection()
        for role, statement, allowed in (
            (
                "crm_registrar",
                "INSERT INTO payment (patient_id, appointment_id, amount, method) VALUES (:p, :a, 1, 'cash')",
                True,
            ),
            ("crm_registrar", "SELECT bonus_balance FROM patient", True),
            ("crm_registrar", "UPDATE patient SET bonus_balance = 1000000", False),
            ("crm_manager", "UPDATE patient SET bonus_balance = bonus_balance + 5", False),
            ("crm_registrar", "UPDATE patient SET note = 'ok'", True),
            ("crm_registrar", "DELETE FROM bonus_ledger_entry", False),
            ("crm_registrar", "UPDATE payment SET amount = 1", False),
            ("crm_manager", "UPDATE payment SET amount = 1", False),
            ("crm_manager", "DELETE FROM payment", False),
            (
                "crm_registrar",
                "INSERT INTO bonus_ledger_entry (patient_id, delta, kind, reason) VALUES (:p, 5, 'correction', 'x')",
                True,
            ),
            (
                "crm_manager",
                "INSERT INTO payment (patient_id, appointment_id, amount, method, refund_of_id, reason) VALUES (:p, :a, -1, 'cash', :r, 'x')",
                True,
            ),
            ("crm_doctor", "SELECT * FROM payment", False),
        ):
            savepoint = connection.begin_nested()
            connection.execute(sa.text(f"SET LOCAL ROLE {role}"))
            try:
                connection.execute(
                    sa.text(statement), {"p": patient_id, "a": appointment_id, "r": paid.id}
                )
                ran = True
            except sa.exc.ProgrammingError as error:
                assert "42501" == error.orig.sqlstate, statement
                ran = False
            savepoint.rollback()
            assert ran is allowed, (role, statement)


def test_the_paid_services_report_reconciles_with_the_payments_to_the_kopeck(db, desk):
    from zoneinfo import ZoneInfo

    from crm.controllers.payments.status import visit_money
    from crm.controllers.reports import ReportParams, build_document

    registrar, manager, appointment_id, _ = desk
    first = taking.take_payment(
        db, registrar, appointment_id=appointment_id, amount="1234.56", method="cash"
    )
    taking.take_payment(db, registrar, appointment_id=appointment_id, amount="0.01", method="card")
    taking.refund(db, manager, payment_id=first.id, amount="0.57", reason="округление")
    today = f.clinic_today()
    with db() as session, session.begin():
        found = build_document(session, manager, "payments", ReportParams(today, today))
        by_service = [
            dict(zip([c.key for c in found.tables[0].columns], r, strict=True))
            for r in found.tables[0].rows
        ]
        kept = visit_money(session, [appointment_id], ZoneInfo("Europe/Moscow"))[appointment_id]
    row = next(r for r in by_service if r["service"] == "Приём терапевта")
    assert (row["payments"], row["refunds"]) == (2, 1)
    assert (row["paid"], row["refunded"], row["revenue"]) == (
        Decimal("1234.57"),
        Decimal("-0.57"),
        Decimal("1234.00"),
    )
    assert kept.kept == row["revenue"] and kept.status is PaymentStatus.PARTLY_PAID
