# ruff: noqa: E501
"""The receipt PDF of a payment, read back as text (pdftotext)."""

from __future__ import annotations

import shutil
import subprocess
from decimal import Decimal

import pytest
import sqlalchemy as sa

from crm.controllers.clinic import settings
from crm.controllers.errors import NotFound
from crm.controllers.payments import fiscal, receipts, taking
from crm.models import JournalEntry
from crm.models.enums import Role
from crm.reports.receipt import in_words
from tests import booking_factories as bf
from tests.integration.test_payments import visit


def pdf_text(pdf: bytes) -> str:
    tool = shutil.which("pdftotext")
    assert tool, "pdftotext (poppler-utils) is needed to read the receipt"
    done = subprocess.run([tool, "-layout", "-", "-"], input=pdf, capture_output=True, check=True)
    return " ".join(done.stdout.decode("utf-8").split())


def test_amount_in_words_in_russian():
    assert in_words(Decimal("2500.00")) == "Две тысячи пятьсот рублей 00 копеек"
    assert in_words(Decimal("1.01")) == "Один рубль 01 копейка"
    assert in_words(Decimal("21.42")) == "Двадцать один рубль 42 копейки"


def test_the_fiscal_register_is_not_connected():
    register = fiscal.register()
    assert not register.connected()
    assert register.status() == "не подключена"
    with pytest.raises(fiscal.FiscalNotConnected):
        register.send(1, Decimal("1.00"), "cash")


def test_receipt_carries_the_clinic_the_amount_in_figures_and_words(db):
    with db() as session, session.begin():
        settings.put(
            session,
            settings.CLINIC_PROFILE,
            {"name": "ООО «Клиника Здоровье»", "address": "Москва, ул. Лесная, д. 5",
             "phone": "+74951234567", "ogrn": "1027700132195", "licence": "ЛО-77-01-000001"},
        )  # fmt: skip
        registrar = bf.user(session, Role.REGISTRAR)
        manager = bf.user(session, Role.MANAGER)
        appointment, _ = visit(session)
        appointment_id = appointment.id
    paid = taking.take_payment(
        db, registrar, appointment_id=appointment_id, amount="2500", method="card"
    )
    text = pdf_text(receipts.receipt_pdf(db, registrar, paid.id))
    for expected in (
        "ООО «Клиника Здоровье»",
        "Москва, ул. Лесная, д. 5",
        "+7 (495) 123-45-67",
        "ОГРН 1027700132195",
        f"КВИТАНЦИЯ № {paid.id}",
        "Приём терапевта — 2 500,00 руб.",
        "Итого: 2 500,00 руб.",
        "Сумма прописью: Две тысячи пятьсот рублей 00 копеек",
        "Способ оплаты: карта",
        "Иванов Иван",
        "Это не кассовый чек (54-ФЗ)",
        "не подключена",
    ):
        assert expected in text.replace("\u00a0", " "), (expected, text)
    back = taking.refund(
        db, manager, payment_id=paid.id, amount="1000.50", reason="услуга не оказана"
    )
    text = pdf_text(receipts.receipt_pdf(db, manager, back.id)).replace("\u00a0", " ")
    assert f"КВИТАНЦИЯ О ВОЗВРАТЕ № {back.id}" in text
    assert "Одна тысяча рублей 50 копеек" in text
    assert "Причина возврата: услуга не оказана" in text
    with db() as session:
        printed = session.scalar(
            sa.select(sa.func.count())
            .select_from(JournalEntry)
            .where(JournalEntry.action == "print", JournalEntry.entity == "payment")
        )
    assert printed == 2
    with pytest.raises(NotFound):
        receipts.receipt_pdf(db, registrar, 10**9)
