# ruff: noqa: E501
"""``clinic-crm payment``, ``receipt``, ``bonus`` and ``feedback`` on a real, committed database."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from sqlalchemy.orm import sessionmaker

from crm.cli import main
from crm.models import Feedback, Payment
from crm.models.enums import Role
from tests import booking_factories as bf
from tests.cli_login import proved
from tests.integration.test_payments import visit
from tests.integration.test_receipts import pdf_text


@pytest.fixture
def run(key_file):
    def invoke(*args: str):
        arguments, given = proved(args)
        return CliRunner().invoke(main, ["--key-file", str(key_file), *arguments], input=given)

    return invoke


@pytest.fixture
def clinic(committed_db_url, committed_engine, run):
    upgraded = run("--database", committed_db_url, "db", "upgrade")
    assert upgraded.exit_code == 0, upgraded.output
    db = sessionmaker(bind=committed_engine, expire_on_commit=False)
    with db() as session, session.begin():
        registrar = bf.user(session, Role.REGISTRAR).login
        manager = bf.user(session, Role.MANAGER).login
        appointment, patient = visit(session)
        return db, committed_db_url, appointment.id, patient.id, registrar, manager


def test_payment_refund_and_receipt_from_the_command_line(clinic, run, tmp_path):
    db, url, appointment_id, _, registrar, manager = clinic
    taken = run(
        "--database",
        url,
        "payment",
        "add",
        str(appointment_id),
        "--amount",
        "1000",
        "--method",
        "cash",
        "--as",
        registrar,
    )
    assert taken.exit_code == 0, taken.output
    assert (
        "оплачено частично" in taken.output
        and "осталось оплатить 1\u00a0500,00\u00a0₽" in taken.output
    )
    with db() as session:
        payment_id = session.scalar(
            sa.select(Payment.id).where(Payment.appointment_id == appointment_id)
        )
    over = run(
        "--database",
        url,
        "payment",
        "refund",
        str(payment_id),
        "--amount",
        "1000.01",
        "--reason",
        "ошибка",
        "--as",
        manager,
    )
    assert over.exit_code == 1
    assert "Сумма: больше, чем было оплачено" in over.output
    not_manager = run(
        "--database",
        url,
        "payment",
        "refund",
        str(payment_id),
        "--amount",
        "10",
        "--reason",
        "ошибка",
        "--as",
        registrar,
    )
    assert not_manager.exit_code == 1 and "возврат платежей" in not_manager.output
    bad = run(
        "--database",
        url,
        "payment",
        "add",
        str(appointment_id),
        "--amount",
        "-5",
        "--method",
        "cash",
        "--as",
        registrar,
    )
    assert bad.exit_code == 1 and "Сумма:" in bad.output
    back = run(
        "--database",
        url,
        "payment",
        "refund",
        str(payment_id),
        "--amount",
        "1000",
        "--reason",
        "не оказана",
        "--as",
        manager,
    )
    assert back.exit_code == 0, back.output
    assert "возвращено" in back.output
    out = tmp_path / "квитанция.pdf"
    printed = run("--database", url, "receipt", str(payment_id), "-o", str(out), "--as", registrar)
    assert printed.exit_code == 0, printed.output
    assert "Одна тысяча рублей 00 копеек" in pdf_text(out.read_bytes())
    shown = run("--database", url, "payment", "show", str(appointment_id), "--as", registrar)
    assert shown.exit_code == 0 and shown.output.count("платёж") == 2


def test_bonus_and_feedback_from_the_command_line(clinic, run):
    db, url, appointment_id, patient_id, registrar, manager = clinic
    rules = run(
        "--database",
        url,
        "bonus",
        "rules",
        "--accrual",
        "10",
        "--max-share",
        "50",
        "--expiry-days",
        "180",
        "--as",
        manager,
    )
    assert rules.exit_code == 0, rules.output
    assert (
        run(
            "--database",
            url,
            "payment",
            "add",
            str(appointment_id),
            "--amount",
            "1000",
            "--method",
            "card",
            "--as",
            registrar,
        ).exit_code
        == 0
    )
    balance = run("--database", url, "bonus", "balance", str(patient_id), "--as", registrar)
    assert "баланс: 100 бонусов" in balance.output, balance.output
    spend = run(
        "--database",
        url,
        "payment",
        "add",
        str(appointment_id),
        "--amount",
        "101",
        "--method",
        "bonus",
        "--as",
        registrar,
    )
    assert spend.exit_code == 1 and "Бонусы: у пациента только 100 бонусов" in spend.output
    low = run(
        "--database",
        url,
        "feedback",
        "add",
        "--visit",
        str(appointment_id),
        "--rating",
        "2",
        "--comment",
        "долго ждали",
        "--as",
        registrar,
    )
    assert low.exit_code == 0 and "в очереди менеджера" in low.output, low.output
    bad = run("--database", url, "feedback", "add", "--rating", "6", "--as", registrar)
    assert bad.exit_code == 1 and "Оценка: целое число от 1 до 5" in bad.output
    clinic_rating = run("--database", url, "feedback", "add", "--rating", "5", "--as", registrar)
    assert clinic_rating.exit_code == 0 and "очереди" not in clinic_rating.output
    queue = run("--database", url, "feedback", "queue", "--as", manager)
    assert "долго ждали" in queue.output
    with db() as session:
        low_id = session.scalar(sa.select(Feedback.id).where(Feedback.rating == 2))
        assert session.get(Feedback, low_id).doctor_id is not None
    answered = run(
        "--database",
        url,
        "feedback",
        "answer",
        str(low_id),
        "--text",
        "Извините, разобрались",
        "--as",
        manager,
    )
    assert answered.exit_code == 0, answered.output
    assert "долго ждали" not in run("--database", url, "feedback", "queue", "--as", manager).output
