"""Importing patients from CSV and XLSX into a real PostgreSQL, and ``clinic-crm import``."""

from __future__ import annotations

import datetime as dt
import json

import openpyxl
import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from sqlalchemy.orm import sessionmaker
from stdnum import luhn

from crm.cli import main
from crm.controllers.access import auth
from crm.controllers.context import Actor
from crm.controllers.errors import PermissionDenied
from crm.controllers.patients.importing import import_patients
from crm.controllers.validation import snils_check_number
from crm.crypto import generate_key_file
from crm.models import JournalEntry, Patient
from crm.models.enums import PolicyKind, Role
from tests.booking_factories import PASSWORD
from tests.cli_login import proved

HEADER = [
    "Фамилия", "Имя", "Отчество", "Дата рождения", "Пол", "Телефон", "СНИЛС",
    "Паспорт", "Дата выдачи паспорта", "Код подразделения", "Кем выдан",
    "Вид полиса", "Номер полиса", "Группа крови",
]  # fmt: skip


def snils(n: int) -> str:
    first = f"{100_200_300 + n:09d}"
    return f"{first}{snils_check_number(first):02d}"


def enp(n: int) -> str:
    body = f"{770000000000000 + n:015d}"
    return body + luhn.calc_check_digit(body)


def good(n: int, last: str = "Иванов") -> list[str]:
    return [
        last, "Иван", "Петрович", "17.05.1980", "м", "8 916 123-45-67", snils(n),
        f"45 08 {918000 + n}", "20.05.2000", "770-001", "ОВД Хамовники", "ЕНП", enp(n), "A+",
    ]  # fmt: skip


def mixed_rows() -> list[list[str]]:
    bad_snils = good(2, "Петров")
    bad_snils[6] = "112-233-445 96"
    bad_date = good(3, "Сидоров")
    bad_date[3] = "31.02.1980"
    no_surname = good(4, "")
    return [good(1), bad_snils, bad_date, no_surname, good(5, "Кузнецов")]


def write_csv(path, rows, encoding="utf-8", delimiter=";"):
    lines = [delimiter.join(HEADER), *(delimiter.join(row) for row in rows)]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def write_xlsx(path, rows):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in rows:
        cells: list[object] = list(row)
        cells[3] = dt.datetime.strptime(row[3], "%d.%m.%Y") if row[3] != "31.02.1980" else row[3]
        sheet.append(cells)
    workbook.save(path)
    return path


@pytest.fixture
def keyring(key_file):
    return generate_key_file(key_file)


@pytest.fixture
def registrar(db):
    user_id = auth.add_user(db, "reg", "password-123", Role.REGISTRAR, "Рег")
    return Actor(user_id=user_id, login="reg", full_name="Рег", role=Role.REGISTRAR,
                 workstation="desk-1")  # fmt: skip


def names(db) -> list[str]:
    with db() as session:
        return sorted(session.scalars(sa.select(Patient.last_name)))


@pytest.mark.parametrize(
    "writer",
    [
        lambda p, rows: write_csv(p / "p.csv", rows),
        lambda p, rows: write_csv(p / "p.csv", rows, "utf-8-sig", ","),
        lambda p, rows: write_csv(p / "p.csv", rows, "cp1251"),
        lambda p, rows: write_xlsx(p / "p.xlsx", rows),
    ],
    ids=["utf-8;", "utf-8-bom,", "cp1251;", "xlsx"],
)
def test_valid_rows_are_imported_and_invalid_ones_listed(db, registrar, keyring, tmp_path, writer):
    path = writer(tmp_path, mixed_rows())
    result = import_patients(db, registrar, keyring, path)
    assert (result.total, result.imported, result.already_present) == (5, 2, 0)
    assert result.unknown_columns == ["Группа крови"]
    assert names(db) == ["Иванов", "Кузнецов"]
    problems = {(p.row, p.field) for p in result.rejected}
    assert problems == {(3, "СНИЛС"), (4, "Дата рождения"), (5, "Фамилия")}
    assert all(p.message for p in result.rejected)
    assert result.rejected_rows == 3
    with db() as session:
        row = session.scalars(sa.select(Patient).where(Patient.last_name == "Иванов")).one()
        assert row.snils_hash == keyring.lookup_hash(snils(1), "snils")
        assert snils(1).encode() not in row.snils_enc
        assert row.passport_tail == "8001" and row.policy_kind is PolicyKind.UNIFIED
        assert row.birth_date == dt.date(1980, 5, 17) and row.phone == "+79161234567"
        entries = session.scalars(
            sa.select(JournalEntry).where(JournalEntry.entity == "patient")
        ).all()
    assert [e.action for e in entries] == ["import"]
    details = json.loads(entries[0].details)
    assert details == {"file": path.name, "total": 5, "imported": 2, "already_present": 0,
                       "rejected": 3}  # fmt: skip


def test_reimport_adds_nothing(db, registrar, keyring, tmp_path):
    path = write_csv(tmp_path / "p.csv", [good(1), good(5, "Кузнецов")])
    first = import_patients(db, registrar, keyring, path)
    assert (first.imported, first.rejected) == (2, [])
    again = import_patients(db, registrar, keyring, path)
    assert (again.total, again.imported, again.already_present, again.rejected) == (2, 0, 2, [])
    assert names(db) == ["Иванов", "Кузнецов"]


def test_existing_card_found_by_each_document_or_by_name(db, registrar, keyring, tmp_path):
    import_patients(db, registrar, keyring, write_csv(tmp_path / "a.csv", [good(1)]))
    same_snils = good(1, "Другой")
    same_snils[7:13] = ["", "", "", "", "", ""]
    same_passport = good(2, "Третий")
    same_passport[7] = good(1)[7]
    same_enp = good(3, "Четвёртый")
    same_enp[12] = enp(1)
    same_person = good(4)  # Иванов Иван Петрович 17.05.1980, other documents
    path = write_csv(tmp_path / "b.csv", [same_snils, same_passport, same_enp, same_person])
    result = import_patients(db, registrar, keyring, path)
    assert (result.imported, result.already_present, result.rejected) == (0, 4, [])
    assert names(db) == ["Иванов"]


def test_duplicates_inside_the_file(db, registrar, keyring, tmp_path):
    twin_documents = good(1, "Другой")
    twin_person = good(2)
    path = write_csv(tmp_path / "p.csv", [good(1), twin_documents, twin_person, good(3, "Ок")])
    result = import_patients(db, registrar, keyring, path)
    assert result.imported == 2
    assert [(p.row, p.field) for p in result.rejected] == [(3, "СНИЛС"), (4, "Фамилия")]
    assert "строк" in result.rejected[0].message and "2" in result.rejected[0].message
    assert names(db) == ["Иванов", "Ок"]


def test_dry_run_writes_nothing(db, registrar, keyring, tmp_path):
    path = write_csv(tmp_path / "p.csv", mixed_rows())
    result = import_patients(db, registrar, keyring, path, dry_run=True)
    assert (result.imported, result.rejected_rows, result.dry_run) == (2, 3, True)
    assert names(db) == []
    with db() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(JournalEntry).where(
            JournalEntry.action == "import")) == 0  # fmt: skip


def test_doctor_may_not_import(db, keyring, tmp_path):
    user_id = auth.add_user(db, "doc", "password-123", Role.DOCTOR, "Док")
    doctor = Actor(user_id=user_id, login="doc", full_name="Док", role=Role.DOCTOR,
                   workstation="desk-1")  # fmt: skip
    with pytest.raises(PermissionDenied):
        import_patients(db, doctor, keyring, write_csv(tmp_path / "p.csv", [good(1)]))


# --- the command ----------------------------------------------------------------------------


@pytest.fixture
def run(key_file):
    def invoke(*args: str):
        arguments, given = proved(args)
        return CliRunner().invoke(main, ["--key-file", str(key_file), *arguments], input=given)

    return invoke


@pytest.fixture
def desk(committed_db_url, committed_engine, run):
    upgraded = run("--database", committed_db_url, "db", "upgrade")
    assert upgraded.exit_code == 0, upgraded.output
    auth.add_user(sessionmaker(bind=committed_engine), "reg", PASSWORD, Role.REGISTRAR, "Рег")
    return committed_db_url


def test_cli_exit_codes_and_errors_workbook(desk, run, tmp_path, committed_engine):
    db = sessionmaker(bind=committed_engine)
    clean = write_csv(tmp_path / "clean.csv", [good(1)], "cp1251")
    dry = run("--database", desk, "import", "patients", str(clean), "--dry-run", "--as", "reg")
    assert dry.exit_code == 0, dry.output
    assert names(db) == []
    ok = run("--database", desk, "import", "patients", str(clean), "--as", "reg")
    assert ok.exit_code == 0, ok.output
    assert "clean.csv" in ok.output and names(db) == ["Иванов"]

    mixed = write_xlsx(tmp_path / "mixed.xlsx", mixed_rows())
    out = tmp_path / "out" / "errors.xlsx"
    result = run("--database", desk, "import", "patients", str(mixed), "--errors", str(out),
                 "--as", "reg")  # fmt: skip
    assert result.exit_code == 1, result.output
    assert "СНИЛС" in result.output and "Traceback" not in result.output
    assert names(db) == ["Иванов", "Кузнецов"]
    sheet = openpyxl.load_workbook(out).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0][:3]) == ["строка", "поле", "причина"]
    assert list(rows[0][3:]) == HEADER
    assert sheet["A1"].font.b and sheet.freeze_panes == "A2"
    assert [(r[0], r[1]) for r in rows[1:]] == [(3, "СНИЛС"), (4, "Дата рождения"), (5, "Фамилия")]
    assert rows[1][3] == "Петров" and rows[1][9] == "112-233-445 96"

    missing = run("--database", desk, "import", "patients", str(tmp_path / "none.csv"))
    assert missing.exit_code == 2 and "none.csv" in missing.output
    other = tmp_path / "p.txt.doc"
    other.write_text("x")
    assert run("--database", desk, "import", "patients", str(other)).exit_code == 2
    no_columns = tmp_path / "bad.csv"
    no_columns.write_text("Фамилия;Телефон\nИванов;1\n", encoding="utf-8")
    refused = run("--database", desk, "import", "patients", str(no_columns), "--as", "reg")
    assert refused.exit_code == 2 and "Имя" in refused.output


def test_a_rejected_rows_reason_does_not_repeat_its_column(db, registrar, keyring, tmp_path):
    # Issue 19, defect 13: the report read «СНИЛС: СНИЛС: неверное контрольное число».
    path = write_csv(tmp_path / "p.csv", mixed_rows())
    result = import_patients(db, registrar, keyring, path)
    assert result.rejected
    for problem in result.rejected:
        assert not problem.message.lower().startswith(problem.field.lower() + ":"), problem
