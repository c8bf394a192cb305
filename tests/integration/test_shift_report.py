# ruff: noqa: E501  (the sums read better on one line)
"""The desk's shift report on the real database: per registrar and method, refunds, and
totals that reconcile with the payments to the kopeck — on screen, in the PDF's text
and in the Excel cells."""

from __future__ import annotations

from decimal import Decimal

import openpyxl
import pytest
import sqlalchemy as sa

from crm.controllers.errors import PermissionDenied
from crm.controllers.payments import taking
from crm.controllers.reports import shift
from crm.controllers.schedule.calendar import day_bounds
from crm.models import JournalEntry, Payment
from crm.models.enums import Role
from tests import booking_factories as bf
from tests import factories as f
from tests.integration.test_payments import visit
from tests.integration.test_receipts import pdf_text


@pytest.fixture
def day_of_payments(db):
    with db() as session, session.begin():
        registrar = bf.user(session, Role.REGISTRAR)
        manager = bf.user(session, Role.MANAGER)
        doctor_actor = bf.user(session, Role.DOCTOR)
        first, _ = visit(session, price=Decimal("2500.00"))
        second, _ = visit(session, price=Decimal("3333.33"))
        ids = first.id, second.id
    cash = taking.take_payment(
        db, registrar, appointment_id=ids[0], amount="1000.50", method="cash"
    )
    taking.take_payment(db, registrar, appointment_id=ids[0], amount="1499,50", method="card")
    taking.take_payment(db, manager, appointment_id=ids[1], amount="3333.33", method="transfer")
    taking.refund(db, manager, payment_id=cash.id, amount="300.25", reason="ошибка в сумме")
    return registrar, manager, doctor_actor


def sums_of_the_day(db) -> tuple[Decimal, Decimal]:
    """What the payment table itself says: taken (positive rows) and all rows' sum."""
    day = f.clinic_today()
    starts, ends = day_bounds(day, f.MOSCOW)
    with db() as session:
        row = session.execute(
            sa.select(
                sa.func.coalesce(sa.func.sum(Payment.amount).filter(Payment.amount > 0), 0),
                sa.func.coalesce(sa.func.sum(Payment.amount), 0),
            ).where(Payment.paid_at >= starts, Payment.paid_at < ends)
        ).one()
        return Decimal(row[0]), Decimal(row[1])


def test_the_shift_report_reconciles_with_the_payments_to_the_kopeck(db, day_of_payments, tmp_path):
    registrar, manager, doctor_actor = day_of_payments
    day = f.clinic_today()
    taken, net = sums_of_the_day(db)
    data = shift.read_shift(db, registrar, day)
    assert data.taken == taken and data.net == net
    assert data.net == Decimal("1000.50") + Decimal("1499.50") + Decimal("3333.33") - Decimal(
        "300.25"
    )
    rows = {(r.cashier, r.method): r for r in data.rows}
    assert rows[(registrar.full_name, "cash")].taken == Decimal("1000.50")
    assert rows[(registrar.full_name, "card")].payments == 1
    refund_row = rows[(manager.full_name, "cash")]  # the manager returned it
    assert (refund_row.refunds, refund_row.refunded, refund_row.net) == (
        1,
        Decimal("300.25"),
        Decimal("-300.25"),
    )
    assert [(r.amount, r.reason) for r in data.refunds] == [(Decimal("300.25"), "ошибка в сумме")]
    by_method = {r.method: r.net for r in data.by_method()}
    assert sum(by_method.values()) == net

    text = pdf_text(shift.shift_pdf(db, registrar, day))
    assert f"{day:%d.%m.%Y}" in text
    assert registrar.full_name in text and manager.full_name in text
    for amount in ("1\u00a0000,50", "300,25", "3\u00a0333,33"):
        assert amount.replace("\u00a0", " ") in text.replace("\u00a0", " ")
    total = f"{net:.2f}".replace(".", ",")
    whole, cents = total.split(",")
    spaced = f"{int(whole):,}".replace(",", " ") + "," + cents
    assert spaced in text.replace("\u00a0", " ")  # the grand total, to the kopeck
    assert "ошибка в сумме" in text

    target = shift.shift_excel(db, registrar, day, tmp_path / "shift.xlsx")
    book = openpyxl.load_workbook(target)
    sheet = book.worksheets[0]
    header_row = next(
        row
        for row in sheet.iter_rows()
        if any(c.value in {"Регистратор", "Registrar"} for c in row)
    )
    columns = {c.value: c.column for c in header_row}
    net_column = max(columns.values())  # «net» is the last column
    cashier_column = header_row[0].column
    values = []
    for row in sheet.iter_rows(min_row=header_row[0].row + 1):
        label = row[cashier_column - 1].value
        value = row[net_column - 1].value
        if isinstance(value, (int, float, Decimal)) and label not in (None, "Итого", "Total"):
            values.append(Decimal(str(value)).quantize(Decimal("0.01")))
    assert sum(values) == net  # the data cells add up to the payments
    with db() as session:
        exports = session.scalars(
            sa.select(JournalEntry.details).where(
                JournalEntry.entity == "report", JournalEntry.action == "export"
            )
        ).all()
    assert any(d.startswith("PDF") for d in exports) and any(d.startswith("Excel") for d in exports)

    with pytest.raises(PermissionDenied):
        shift.read_shift(db, doctor_actor, day)


def test_several_visits_are_paid_in_one_transaction_all_or_none(db):
    with db() as session, session.begin():
        registrar = bf.user(session, Role.REGISTRAR)
        first, patient = visit(session)
        second, _ = visit(session)
        ids = [first.id, second.id]
    taking.take_payment(db, registrar, appointment_id=second.id, amount="2500", method="cash")
    before = sums_of_the_day(db)
    from crm.controllers.errors import ValidationError

    with pytest.raises(ValidationError) as refused:
        taking.pay_visits(db, registrar, appointment_ids=ids, method="card")
    assert refused.value.field == "appointment_id" and str(second.id) in refused.value.message
    assert sums_of_the_day(db) == before  # the first visit was not paid either
    with pytest.raises(ValidationError) as points:
        taking.pay_visits(db, registrar, appointment_ids=[first.id], method="bonus")
    assert points.value.field == "method"
    rows = taking.pay_visits(db, registrar, appointment_ids=[first.id], method="card")
    assert [r.amount for r in rows] == [Decimal("2500.00")]
    assert taking.unpaid_visits(db, registrar, patient.id) == ()
