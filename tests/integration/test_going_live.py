"""Issue 14 end to end: a clinic goes live from an empty database on the command line
alone — migrate, set the clinic up with its administrator, import its directories
from one workbook, add a registrar, find the imported doctor's hours, book a patient
and print a ticket carrying the clinic's own name and the branch's address."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import openpyxl
import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner, Result

from crm.cli import main
from crm.controllers.clinic.clock import clinic_today
from crm.controllers.directories.catalogue import DIRECTORIES
from tests.pg import TestServer

CLINIC = "ООО «Клиника Первая»"
BRANCH_ADDRESS = "г. Тверь, ул. Садовая, д. 7"
SLOT_LINE = re.compile(r"^(\d\d\.\d\d\.\d{4} \d\d:\d\d)–(\d\d:\d\d)\s+(.+?) \((.+?)\)", re.M)


def _titles(key: str, *fields: str) -> list[str]:
    directory = DIRECTORIES[key]
    return [directory.column(name).title() for name in fields]


def write_clinic_workbook(path: Path, valid_from: dt.date) -> None:
    """One branch with its address, a room, a specialty, a doctor working Mon–Fri
    09:00–13:00, a service and its price; dates, times and numbers as real cells."""
    book = openpyxl.Workbook()
    book.remove(book.active)  # type: ignore[arg-type]

    def sheet(key: str, header: list[str], *rows: list[object]) -> None:
        ws = book.create_sheet(DIRECTORIES[key].sheet)
        ws.append(header)
        for row in rows:
            ws.append(row)

    sheet("branches", _titles("branches", "name", "address", "phone"),
          ["Центральный", BRANCH_ADDRESS, "8 (4822) 55-66-77"])  # fmt: skip
    sheet("rooms", _titles("rooms", "branch_id", "number", "name"),
          ["Центральный", 12, "Кабинет терапевта"])  # fmt: skip
    sheet("specialties", _titles("specialties", "code", "name"), ["therapist", "терапевт"])
    sheet("doctors",
          _titles("doctors", "last_name", "first_name", "patronymic", "specialty_id", "branch_id",
                  "default_room_id", "slot_minutes"),
          ["Ильина", "Мария", "Петровна", "therapist", "Центральный", 12, 15])  # fmt: skip
    sheet("hours",
          _titles("hours", "doctor_id", "weekday", "starts", "ends", "room_id", "valid_from"),
          *[["Ильина Мария Петровна", day, dt.time(9), dt.time(13), 12, valid_from]
            for day in ("пн", "вт", "ср", "чт", "пт")])  # fmt: skip
    sheet("services", _titles("services", "code", "name", "specialty_id", "duration_slots"),
          ["B01.047.001", "Приём терапевта первичный", "therapist", 1])  # fmt: skip
    sheet("prices", _titles("prices", "service_id", "amount", "valid_from"),
          ["B01.047.001", 1500, valid_from])  # fmt: skip
    book.save(path)


@pytest.fixture
def empty_url(pg_server: TestServer) -> Iterator[str]:
    """A database with nothing in it, not even the schema."""
    name = pg_server.create_database()
    yield pg_server.url_for(name)
    pg_server.drop_database(name)


@pytest.fixture
def run(empty_url: str, key_file: Path) -> Callable[..., Result]:
    def invoke(*args: str, input: str | None = None) -> Result:
        options = ["--database", empty_url, "--key-file", str(key_file)]
        return CliRunner().invoke(main, [*options, *args], input=input)

    return invoke


def test_a_clinic_goes_live_from_an_empty_database(
    run: Callable[..., Result], empty_url: str, tmp_path: Path
) -> None:
    import sqlalchemy as sa
    from sqlalchemy.orm import sessionmaker

    def ok(result: Result) -> str:
        assert result.exit_code == 0, result.output
        return result.output

    ok(run("db", "upgrade"))
    ok(run("clinic", "set", "--name", CLINIC, "--short-name", "Клиника Первая",
           "--address", "г. Тверь, ул. Советская, 1", "--timezone", "Europe/Moscow",
           "--admin-login", "chief", input="long enough\n"))  # fmt: skip

    engine = sa.create_engine(empty_url, poolclass=sa.pool.NullPool)
    db = sessionmaker(bind=engine)
    try:
        with db() as session:
            today = clinic_today(session)
        book = tmp_path / "клиника.xlsx"
        write_clinic_workbook(book, today - dt.timedelta(days=30))
        refused = run("directory", "import", str(book))
        assert refused.exit_code == 1 and "--as" in refused.output, "no manager yet: say who"
        checked = ok(
            run(
                "directory",
                "import",
                str(book),
                "--dry-run",
                "--as",
                "chief",
                "--password-stdin",
                input="long enough\n",
            )
        )
        assert "Врачи: новых 1" in checked and "ничего не записано" in checked
        imported = ok(
            run(
                "directory",
                "import",
                str(book),
                "--as",
                "chief",
                "--password-stdin",
                input="long enough\n",
            )
        )
        assert "Расписание: новых 5, изменено 0, без изменений 0" in imported
        again = ok(
            run(
                "directory",
                "import",
                str(book),
                "--as",
                "chief",
                "--password-stdin",
                input="long enough\n",
            )
        )
        assert "Врачи: новых 0, изменено 0, без изменений 1" in again
        exported = tmp_path / "выгрузка.xlsx"
        assert "Расписание: строк 5" in ok(
            run(
                "directory",
                "export",
                "-o",
                str(exported),
                "--as",
                "chief",
                "--password-stdin",
                input="long enough\n",
            )
        )
        back = ok(
            run(
                "directory",
                "import",
                str(exported),
                "--as",
                "chief",
                "--password-stdin",
                input="long enough\n",
            )
        )
        assert "новых 0, изменено 0" in back and "изменено 1" not in back
        broken = openpyxl.load_workbook(exported)
        broken["Врачи"]["D2"] = "astrologer"
        broken.save(exported)
        refused = run(
            "directory",
            "import",
            str(exported),
            "--as",
            "chief",
            "--password-stdin",
            input="long enough\n",
        )
        assert refused.exit_code == 1
        assert "Лист «Врачи», строка 2, «Специальность»: «astrologer» нет в справочнике" in (
            refused.output
        )
        assert "ничего не записано" in refused.output

        ok(run("user", "add", "desk", "--role", "registrar", "--full-name", "Регистратор",
               input="desk password\n"))  # fmt: skip
        # The desk's scripts act as it by a token the administrator issues.
        token = tmp_path / "desk.token"
        ok(run("user", "token", "desk", "-o", str(token)))
        patients = tmp_path / "пациенты.csv"
        patients.write_text("Фамилия;Имя;Дата рождения;Телефон\nОрлова;Вера;12.03.1980;"
                            "+79161234567\n", encoding="utf-8")  # fmt: skip
        ok(run("import", "patients", str(patients), "--token-file", str(token)))
        with engine.connect() as connection:
            doctor_id = connection.scalar(sa.text("SELECT id FROM doctor"))
            patient_id = connection.scalar(sa.text("SELECT id FROM patient"))
            service_id = connection.scalar(sa.text("SELECT id FROM service"))

        start, end = today + dt.timedelta(days=1), today + dt.timedelta(days=14)
        listed = ok(run("slots", "--doctor", str(doctor_id), "--from", start.isoformat(),
                        "--to", end.isoformat(), "--limit", "200"))  # fmt: skip
        slots = SLOT_LINE.findall(listed)
        assert slots, listed
        days = {dt.datetime.strptime(s[0], "%d.%m.%Y %H:%M").date() for s in slots}
        assert all(day.isoweekday() <= 5 for day in days)
        assert {s[0][-5:] for s in slots} >= {"09:00", "12:45"}
        assert all("09:00" <= s[0][-5:] < "13:00" for s in slots)
        assert all(s[2].startswith("Ильина") and s[3] == "терапевт" for s in slots)
        assert "каб. 12" in listed

        # A paid visit is of a service: without one it is refused, naming the field.
        unpriced = run("book", "--patient", str(patient_id), "--doctor", str(doctor_id),
                       "--at", slots[0][0], "--token-file", str(token))  # fmt: skip
        assert unpriced.exit_code == 1 and "Услуга:" in unpriced.output
        booked = ok(run("book", "--patient", str(patient_id), "--doctor", str(doctor_id),
                        "--at", slots[0][0], "--service", str(service_id),
                        "--token-file", str(token)))  # fmt: skip
        appointment_id = booked.strip().splitlines()[-1]
        out = tmp_path / "талон.pdf"
        ok(run("ticket", appointment_id, "-o", str(out), "--token-file", str(token)))
        document = pdfium.PdfDocument(out.read_bytes())
        text = " ".join(document[0].get_textpage().get_text_range().split())
        document.close()
        assert CLINIC in text
        assert BRANCH_ADDRESS in text
        assert "Орлова Вера" in text and slots[0][0][-5:] in text
    finally:
        engine.dispose()
