"""``clinic-crm referral …`` and ``book --referral`` against a real, committed PostgreSQL.

The commands use the server's clock, so dates are counted from today; ``--lang en``
keeps the expected texts independent of the translation catalogue.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from click.testing import CliRunner

from crm.cli import main
from crm.models import IssuingOrganisation, Patient, Specialty
from crm.models.enums import Role
from tests import booking_factories as bf
from tests import factories as f
from tests import referral_factories as rf
from tests.booking_factories import PASSWORD
from tests.cli_login import proved


@dataclass(frozen=True)
class Cli:
    url: str
    today: dt.date
    desk: rf.Desk
    ogrn: str
    code_a: str
    code_b: str
    registrar: str
    doctor: str


@pytest.fixture
def run(key_file):
    def invoke(url: str, *args: str):
        arguments, given = proved(args)
        return CliRunner().invoke(main, ["--key-file", str(key_file), "--lang", "en",
                                         "--database", url, *arguments], input=given)  # fmt: skip

    return invoke


@pytest.fixture
def cli(committed_db_url, committed_db, run) -> Cli:
    upgraded = run(committed_db_url, "db", "upgrade")
    assert upgraded.exit_code == 0, upgraded.output
    desk = rf.make_desk(committed_db)
    with committed_db() as session, session.begin():
        ogrn = session.get(IssuingOrganisation, desk.organisation).ogrn
        code_a = session.get(Specialty, desk.specialty_a).code
        code_b = session.get(Specialty, desk.specialty_b).code
        registrar = bf.user(session, Role.REGISTRAR).login
        doctor = bf.user(session, Role.DOCTOR).login
    today = dt.datetime.now(f.MOSCOW).date()
    return Cli(committed_db_url, today, desk, ogrn, code_a, code_b, registrar, doctor)


def add(run, cli: Cli, number: str, *extra: str, patient: int = 0, kind: str = "standard",
        issued: dt.date | None = None, specialty: str | None = None):  # fmt: skip
    return run(
        cli.url, "referral", "add", "--number", number, "--organisation", cli.ogrn,
        "--patient", str(cli.desk.patients[patient]), "--specialty", specialty or cli.code_a,
        "--diagnosis", "k29,7", "--kind", kind,
        "--issued", (issued or cli.today).strftime("%d.%m.%Y"), "--as", cli.registrar, *extra,
    )  # fmt: skip


def last_line(result) -> str:
    """The error line (progress messages about connecting come before it)."""
    return result.stderr.strip().splitlines()[-1]


def test_add_then_show_and_list(run, cli):
    made = add(run, cli, "нп 1234", "--doctor", "Смирнова А. В.", kind="long_term")
    assert made.exit_code == 0, made.output
    referral_id = int(made.stdout.strip())
    shown = run(cli.url, "referral", "show", "НП-1234", "--as", cli.registrar)
    assert shown.exit_code == 0, shown.output
    last = (cli.today + dt.timedelta(days=29)).strftime("%d.%m.%Y")
    lines = shown.stdout.splitlines()
    assert lines[0] == "Number: НП-1234"
    assert f"Issuing organisation: ГБУЗ «Городская поликлиника № 3 ДЗМ» (OGRN {cli.ogrn})" in lines
    assert "Issuing doctor: Смирнова А. В." in lines
    assert f"Patient: Пациент0 И. (id {cli.desk.patients[0]})" in lines
    assert "Diagnosis: K29.7" in lines and "Kind: long-term treatment" in lines
    assert f"Valid until: {last} (30 days left)" in lines and "Status: active" in lines
    listed = run(cli.url, "referral", "list", "--as", cli.registrar)
    assert listed.stdout.startswith("НП-1234\t") and str(referral_id)
    assert "Only the first" not in listed.stderr  # the whole list

    until = (cli.today + dt.timedelta(days=59)).strftime("%d.%m.%Y")
    extended = run(cli.url, "referral", "extend", "НП-1234", "--until", until,
                   "--reason", "продолжение курса", "--as", cli.doctor)  # fmt: skip
    assert extended.exit_code == 0, extended.output
    assert extended.stdout.strip() == f"Referral НП-1234 is valid until {until}"
    shown = run(cli.url, "referral", "show", "нп1234", "--as", cli.registrar)
    assert "Extensions:" in shown.stdout and "продолжение курса" in shown.stdout
    refused = run(cli.url, "referral", "extend", "НП-1234", "--until", until,
                  "--reason", "ещё", "--as", cli.registrar)  # fmt: skip
    assert refused.exit_code == 1 and "Traceback" not in refused.output

    cancelled = run(cli.url, "referral", "cancel", "НП-1234", "--reason", "дубль",
                    "--as", cli.registrar)  # fmt: skip
    assert cancelled.exit_code == 0 and "cancelled" in cancelled.stdout
    shown = run(cli.url, "referral", "show", "НП-1234", "--as", cli.registrar)
    assert "Status: cancelled" in shown.stdout and "Cancelled because: дубль" in shown.stdout


def test_bad_fields_one_line_each(run, cli):
    refused = add(run, cli, "12-АБ", "--days", "40", kind="emergency",
                  issued=cli.today + dt.timedelta(days=1))  # fmt: skip
    assert refused.exit_code == 1 and refused.stdout == ""
    lines = [x for x in refused.stderr.splitlines() if x.startswith("clinic-crm:")]
    assert len(lines) == 3
    assert lines[0].startswith("clinic-crm: Number: digits, or letters followed by digits")
    assert "Issue date: cannot be in the future" in lines[1]
    assert "Days of validity: an emergency referral is valid 7 to 30 days" in lines[2]
    assert add(run, cli, "500").exit_code == 0
    again = add(run, cli, "500", patient=1)
    assert again.exit_code == 1
    assert "Number: this organisation already issued a referral with this number" in again.stderr
    unknown = run(cli.url, "referral", "show", "404", "--as", cli.registrar)
    assert unknown.exit_code == 1 and "No referral with number 404" in unknown.stderr
    wrong_org = add(run, cli, "501", "--organisation", "1027700000000")
    assert wrong_org.exit_code == 1 and "Traceback" not in wrong_org.output


def test_list_expiring(run, cli):
    assert add(run, cli, "900", issued=cli.today - dt.timedelta(days=26)).exit_code == 0  # 4 left
    assert add(run, cli, "901", issued=cli.today - dt.timedelta(days=10)).exit_code == 0
    listed = run(cli.url, "referral", "list", "--expiring", "--as", cli.registrar)
    assert listed.exit_code == 0, listed.output
    assert [line.split("\t")[0] for line in listed.stdout.splitlines()] == ["900"]
    assert listed.stdout.split("\t")[4] == "4"


def test_book_by_referral_prints_the_same_reasons(run, cli, committed_db):
    day = cli.today + dt.timedelta(days=3)

    def book(number: str, patient: int = 0, hhmm: str = "10:00", doctor: int | None = None):
        return run(
            cli.url, "book", "--patient", str(cli.desk.patients[patient]),
            "--doctor", str(doctor or cli.desk.doctor), "--at", f"{day.isoformat()} {hhmm}",
            "--referral", number, "--as", cli.registrar,
        )  # fmt: skip

    assert add(run, cli, "700").exit_code == 0
    assert add(run, cli, "701", issued=cli.today - dt.timedelta(days=30)).exit_code == 0
    assert add(run, cli, "702", issued=cli.today - dt.timedelta(days=28)).exit_code == 0
    assert add(run, cli, "703", specialty=cli.code_b).exit_code == 0
    booked = book("700")
    assert booked.exit_code == 0, booked.output
    expected = {
        ("700", 0, "11:00"): "The referral is already used by another appointment",
        ("701", 0, "11:00"): "The referral expired: it was valid until "
        + (cli.today - dt.timedelta(days=1)).strftime("%d.%m.%Y"),
        ("702", 0, "11:00"): "The referral is valid until "
        + (cli.today + dt.timedelta(days=1)).strftime("%d.%m.%Y")
        + ": choose a day no later than that",
        ("703", 0, "11:00"): "The doctor's specialty differs from the referral's",
        ("NOPE-1", 0, "11:00"): "No referral with this number is registered",
    }
    for (number, patient, hhmm), message in expected.items():
        refused = book(number, patient, hhmm)
        assert refused.exit_code == 1, number
        assert last_line(refused) == f"clinic-crm: error: {message}", number
    with committed_db() as session, session.begin():  # another patient's referral, by number
        other = bf.referral(session, session.get(Patient, cli.desk.patients[2]),
                            session.get(Specialty, cli.desk.specialty_a), issued_on=cli.today,
                            number="8800")  # fmt: skip
        assert other.id
    refused = book("8800", patient=1)
    assert last_line(refused) == "clinic-crm: error: The referral was issued to another patient"
    with committed_db() as session, session.begin():
        session.get(Patient, cli.desk.patients[3]).policy_kind = None
        bf.referral(session, session.get(Patient, cli.desk.patients[3]),
                    session.get(Specialty, cli.desk.specialty_a), issued_on=cli.today,
                    number="8801")  # fmt: skip
    refused = book("8801", patient=3)
    assert "ОМС policy" in refused.stderr
    cancelled = run(cli.url, "referral", "cancel", "703", "--reason", "x", "--as", cli.registrar)
    assert cancelled.exit_code == 0
    refused = book("703", hhmm="12:00")
    assert last_line(refused) == "clinic-crm: error: The referral was cancelled"


def test_a_list_cut_at_the_limit_says_so(run, cli):
    for number in ("910", "911", "912"):
        assert add(run, cli, number).exit_code == 0
    listed = run(cli.url, "referral", "list", "--limit", "2", "--as", cli.registrar)
    assert listed.exit_code == 0, listed.output
    assert len(listed.stdout.splitlines()) == 2
    assert "Only the first 2 are listed" in listed.stderr
    whole = run(cli.url, "referral", "list", "--limit", "3", "--as", cli.registrar)
    assert len(whole.stdout.splitlines()) == 3 and "Only the first" not in whole.stderr


def test_show_speaks_russian_throughout(run, cli, key_file):
    # Issue 19, defect 13: «(OGRN …)» was left in English in a Russian `referral show`.
    assert add(run, cli, "нп 4321").exit_code == 0
    shown = CliRunner().invoke(main, ["--key-file", str(key_file), "--lang", "ru",
                                      "--database", cli.url, "referral", "show", "НП-4321",
                                      "--as", cli.registrar, "--password-stdin"],
                               input=PASSWORD + "\n")  # fmt: skip
    assert shown.exit_code == 0, shown.output
    assert f"(ОГРН {cli.ogrn})" in shown.stdout and "OGRN" not in shown.stdout
