"""``clinic-crm report`` against a real, committed PostgreSQL database."""

from __future__ import annotations

import openpyxl
import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from sqlalchemy.orm import sessionmaker

from crm.cli import main
from crm.models import JournalEntry
from tests.cli_login import proved
from tests.integration.test_reports import build_clinic


@pytest.fixture
def run(key_file):
    def invoke(*args: str):
        arguments, given = proved(args)
        return CliRunner().invoke(main, ["--key-file", str(key_file), *arguments], input=given)

    return invoke


def test_report_list_needs_no_database(run):
    listed = run("--lang", "en", "report", "--list")
    assert listed.exit_code == 0, listed.output
    assert "workload" in listed.stdout and "no-shows" in listed.stdout


def test_report_writes_the_workbook_and_journals_it(
    run, committed_db_url, committed_engine, tmp_path
):
    upgraded = run("--database", committed_db_url, "db", "upgrade")
    assert upgraded.exit_code == 0, upgraded.output
    db = sessionmaker(bind=committed_engine, expire_on_commit=False)
    with db() as session, session.begin():
        clinic = build_clinic(session)
    target = tmp_path / "workload.xlsx"
    written = run(
        "--database", committed_db_url, "report", "workload", "--from", "14.04.2025",
        "--to", "2025-04-15", "--doctor", str(clinic.d1), "-o", str(target),
        "--as", clinic.manager.login,
    )  # fmt: skip
    assert written.exit_code == 0, written.output
    assert str(target) in written.stdout
    sheet = openpyxl.load_workbook(target).worksheets[0]
    assert sheet["D2"].value == 16  # D1: 8 slots on each of the two days
    with db() as session:
        entry = session.scalars(
            sa.select(JournalEntry).where(JournalEntry.action == "export")
        ).one()
    assert (entry.login, entry.workstation) == (clinic.manager.login, "cli")

    refused = run(
        "--database", committed_db_url, "report", "workload", "--from", "2025-04-15",
        "--to", "2025-04-14", "-o", str(target), "--as", clinic.registrar.login,
    )  # fmt: skip
    assert refused.exit_code == 1 and "Traceback" not in refused.output
    unknown = run("--database", committed_db_url, "report", "nonsense", "--from", "2025-04-14",
                  "--to", "2025-04-15", "-o", str(target))  # fmt: skip
    assert unknown.exit_code == 1 and "workload" in unknown.stderr
