"""Bonus points past their expiry are written off by the clinic's service, for every
patient, once (``clinic-crm service run --once``; issue 18, bonus points)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from click.testing import CliRunner

from crm.cli import main
from crm.controllers.payments import bonus, bonus_expiry
from crm.models import BonusLedgerEntry, JournalEntry
from tests import factories as f


def _ledger(session, patient_id: int, *entries: tuple[int, str, dt.date | None]) -> None:
    for delta, kind, expires_on in entries:
        session.add(BonusLedgerEntry(patient_id=patient_id, delta=delta, kind=kind,
                                     reason=kind, expires_on=expires_on))  # fmt: skip
    session.flush()


def test_the_service_expires_every_patients_lapsed_points_once(
    committed_db, committed_db_url, key_file
):
    today = f.clinic_today()
    gone, soon = today - dt.timedelta(days=1), today + dt.timedelta(days=30)
    with committed_db() as session, session.begin():
        spent_some, untouched, fresh = (f.patient(session, n).id for n in ("Первый", "Второй",
                                                                          "Третий"))  # fmt: skip
        _ledger(session, spent_some, (100, "accrual", gone), (40, "accrual", soon),
                (-30, "spend", None))  # fmt: skip
        _ledger(session, untouched, (25, "accrual", gone))
        _ledger(session, fresh, (60, "accrual", soon))
    with committed_db() as session:
        assert bonus_expiry.due_patients(session) == [spent_some, untouched]

    cli = ["--database", committed_db_url, "--key-file", str(key_file)]
    result = CliRunner().invoke(main, [*cli, "service", "run", "--once"])
    assert result.exit_code == 0, result.output
    assert "bonus_expiry" in result.output
    with committed_db() as session:
        assert [bonus.balance(session, p) for p in (spent_some, untouched, fresh)] == [40, 0, 60]
        expiries = session.execute(
            sa.select(BonusLedgerEntry.patient_id, BonusLedgerEntry.delta)
            .where(BonusLedgerEntry.kind == "expiry")
            .order_by(BonusLedgerEntry.patient_id)
        ).all()
        assert expiries == [(spent_some, -70), (untouched, -25)]
        logins = session.scalars(
            sa.select(JournalEntry.login).where(JournalEntry.action == "bonus_expiry")
        ).all()
        assert logins == ["service", "service"]
        assert bonus_expiry.due_patients(session) == []

    again = CliRunner().invoke(main, [*cli, "service", "run", "--once"])
    assert again.exit_code == 0, again.output
    assert "bonus_expiry" not in again.output  # nothing due: nothing run
    assert bonus_expiry.expire_all(committed_db) == bonus_expiry.ExpiryRun(0, 0)
    with committed_db() as session:
        count = session.scalar(sa.select(sa.func.count()).where(BonusLedgerEntry.kind == "expiry"))
        assert count == 2
