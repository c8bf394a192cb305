"""``clinic-crm document add|list|get|withdraw|limit`` against a real database."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from crm.cli import main
from crm.models import JournalEntry
from crm.models.enums import Role
from tests import booking_factories as bf
from tests import factories as f
from tests.cli_login import proved

PDF = b"%PDF-1.4\n" + b"x" * 5000 + b"\n%%EOF\n"


@pytest.fixture
def run(key_file):
    def invoke(url: str, *args: str):
        arguments, given = proved(args)
        return CliRunner().invoke(main, ["--key-file", str(key_file), "--lang", "ru",
                                         "--database", url, *arguments], input=given)  # fmt: skip

    return invoke


@pytest.fixture
def clinic(committed_db_url, committed_db, run):
    upgraded = run(committed_db_url, "db", "upgrade")
    assert upgraded.exit_code == 0, upgraded.output
    with committed_db() as session, session.begin():
        patient = f.patient(session).id
        logins = {role: bf.user(session, role).login for role in Role}
    return committed_db_url, patient, logins


def test_add_list_get_withdraw(run, clinic, committed_db, tmp_path):
    url, patient, logins = clinic
    source = tmp_path / "Анализ крови.pdf"
    source.write_bytes(PDF)
    doctor = logins[Role.DOCTOR]
    added = run(url, "document", "add", str(patient), str(source), "--kind", "analysis",
                "--as", doctor)  # fmt: skip
    assert added.exit_code == 0, added.output
    document_id = int(added.stdout.strip().splitlines()[-1])

    listed = run(url, "document", "list", str(patient), "--as", logins[Role.REGISTRAR])
    assert listed.exit_code == 0, listed.output
    assert f"{document_id}\t" in listed.stdout and "анализ\tАнализ крови" in listed.stdout

    refused = run(url, "document", "get", str(document_id), "-o", str(tmp_path / "r.pdf"),
                  "--as", logins[Role.REGISTRAR])  # fmt: skip
    assert refused.exit_code != 0 and not (tmp_path / "r.pdf").exists()

    got = run(url, "document", "get", str(document_id), "-o", str(tmp_path / "got.pdf"),
              "--as", doctor)  # fmt: skip
    assert got.exit_code == 0, got.output
    assert (tmp_path / "got.pdf").read_bytes() == PDF
    with committed_db() as session:
        opened = session.scalar(
            sa.select(sa.func.count()).where(
                JournalEntry.action == "document_opened", JournalEntry.entity_id == document_id
            )
        )
    assert opened == 1

    gone = run(url, "document", "withdraw", str(document_id), "--reason", "дубль",
               "--as", doctor)  # fmt: skip
    assert gone.exit_code == 0, gone.output
    listed = run(url, "document", "list", str(patient), "--as", doctor)
    assert "отозван: дубль" in listed.stdout


def test_over_the_limit_is_refused_naming_the_file(run, clinic, tmp_path):
    url, patient, logins = clinic
    assert run(url, "document", "limit", "1", "--as", logins[Role.ADMIN]).exit_code == 0
    big = tmp_path / "big.pdf"
    big.write_bytes(b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024))
    refused = run(url, "document", "add", str(patient), str(big), "--kind", "image",
                  "--as", logins[Role.DOCTOR])  # fmt: skip
    assert refused.exit_code == 1
    assert "Файл:" in refused.stderr and "1 МБ" in refused.stderr
