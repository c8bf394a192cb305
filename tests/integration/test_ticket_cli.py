"""``clinic-crm ticket`` and ``clinic-crm daylist`` against a real, committed database."""

from __future__ import annotations

import datetime as dt

import pypdfium2 as pdfium
import pytest
import sqlalchemy as sa
import zxingcpp
from click.testing import CliRunner
from sqlalchemy.orm import sessionmaker

from crm.cli import main
from crm.models import JournalEntry
from crm.models.enums import Role
from crm.reports import qr
from tests import booking_factories as bf
from tests import factories as f
from tests.cli_login import proved

DAY = dt.date(2026, 11, 24)


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
        branch, specialty = f.clinic(session)
        doctor = f.doctor(session, branch, specialty, "Петров")
        patient = f.patient(session, "Ёлкина")
        appointment = f.appointment(session, doctor, patient, f.at(DAY, "12:45"))
        registrar = bf.user(session, Role.REGISTRAR).login
        return db, committed_db_url, appointment.id, doctor.id, registrar


def test_ticket_command_writes_a_roll_ticket_and_journals_it(clinic, run, tmp_path):
    db, url, appointment_id, _doctor, registrar = clinic
    out = tmp_path / "талон.pdf"
    result = run(
        "--database", url, "ticket", str(appointment_id), "-o", str(out),
        "--format", "roll80", "--as", registrar,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    document = pdfium.PdfDocument(out.read_bytes())
    text = document[0].get_textpage().get_text_range()
    assert "Ёлкина Иван" in text and "12:45" in text
    codes = [c.text for c in zxingcpp.read_barcodes(document[0].render(scale=2).to_pil())]
    document.close()
    assert [qr.parse_code(c) for c in codes] == [appointment_id]
    with db() as session:
        entry = session.scalars(sa.select(JournalEntry).where(JournalEntry.action == "print")).one()
    assert (entry.entity, entry.entity_id, entry.workstation) == (
        "appointment",
        appointment_id,
        "cli",
    )


def test_daylist_command_and_a_refusal(clinic, run, tmp_path):
    _db, url, _appointment, doctor_id, registrar = clinic
    out = tmp_path / "list.pdf"
    result = run(
        "--database", url, "daylist", "--date", "24.11.2026", "--doctor", str(doctor_id),
        "-o", str(out), "--as", registrar,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    document = pdfium.PdfDocument(out.read_bytes())
    assert "Ёлкина Иван" in document[0].get_textpage().get_text_range()
    document.close()
    missing = run(
        "--database", url, "ticket", "999999", "-o", str(tmp_path / "x.pdf"), "--as", registrar
    )
    assert missing.exit_code == 1
    assert "999999" in missing.output
    assert not (tmp_path / "x.pdf").exists()
