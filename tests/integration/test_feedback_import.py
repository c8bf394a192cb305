"""Ratings imported from a file (the patients' app's export): CSV and XLSX, rejected rows
with their reasons, and a second import of the same file adds nothing."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
import sqlalchemy as sa

from crm.controllers.errors import PermissionDenied
from crm.controllers.feedback.importing import ImportFileError, import_ratings
from crm.models import Feedback, JournalEntry
from crm.models.enums import AppointmentStatus, Role
from tests import booking_factories as bf
from tests import factories as f
from tests.cli_login import proved


@pytest.fixture
def clinic(db):
    with db() as session, session.begin():
        branch, specialty = f.clinic(session)
        doctor = f.doctor(session, branch, specialty, "Импортова")
        patient = f.patient(session, "Приложенцев")
        patient.phone = "+79161234567"
        day = f.clinic_today() - dt.timedelta(days=3)
        visit = f.appointment(
            session, doctor, patient, f.at(day, "10:00"), status=AppointmentStatus.COMPLETED
        )
        return {
            "doctor": doctor.id, "patient": patient.id, "visit": visit.id, "day": day,
            "manager": bf.user(session, Role.MANAGER),
            "registrar": bf.user(session, Role.REGISTRAR),
        }  # fmt: skip


def _csv(tmp_path, clinic, text: str):
    path = tmp_path / "app.csv"
    path.write_text(text.format(**clinic, date=f"{clinic['day']:%d.%m.%Y}"), encoding="utf-8")
    return path


def test_a_csv_from_the_app_imports_once_and_names_the_bad_rows(db, clinic, tmp_path):
    path = _csv(
        tmp_path,
        clinic,
        "Номер отзыва;Дата;Время;Оценка;Отзыв;Приём;Врач;Телефон;Платформа\n"
        "A-1;{date};18:30;5;Всё понравилось;{visit};;;iOS\n"
        "A-2;{date};;2;Долго ждал;;Импортова П. П.;8 (916) 123-45-67;Android\n"
        "A-3;{date};;7;;;;;\n"
        "A-4;31.02.2026;;4;;;;;\n"
        "A-5;{date};;4;;999999;;;\n"
        "A-6;{date};;3;;;Неизвестный;;\n"
        "A-1;{date};18:30;5;Всё понравилось;{visit};;;iOS\n"
        "A-7;01.01.2099;;5;;;;;\n"
        ";{date};;4;Клиника хорошая;;;;\n",
    )
    with pytest.raises(PermissionDenied):
        import_ratings(db, clinic["registrar"], path)
    checked = import_ratings(db, clinic["manager"], path, dry_run=True)
    assert (checked.total, checked.imported, checked.rejected_rows) == (9, 3, 6)
    with db() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Feedback)) == 0

    result = import_ratings(db, clinic["manager"], path)
    assert (result.imported, result.already_present) == (3, 0)
    assert result.unknown_columns == ["Платформа"]
    assert [(r.row, r.field, r.message) for r in result.rejected] == [
        (4, "Оценка", "целое число от 1 до 5"),
        (5, "Дата", "такой даты нет"),
        (6, "Запись", "нет приёма с таким номером"),
        (7, "Врач", "нет такого врача"),
        (8, "Номер отзыва", "та же оценка, что в строке 2"),
        (9, "Дата", "в будущем"),
    ]
    with db() as session:
        rows = session.scalars(sa.select(Feedback).order_by(Feedback.id)).all()
        assert [
            (r.rating, r.doctor_id, r.patient_id, r.appointment_id, r.source) for r in rows
        ] == [
            (5, clinic["doctor"], clinic["patient"], clinic["visit"], "import"),
            (2, clinic["doctor"], clinic["patient"], None, "import"),
            (4, None, None, None, "import"),
        ]
        moscow = rows[0].created_at.astimezone(dt.timezone(dt.timedelta(hours=3)))
        assert (moscow.date(), moscow.hour, moscow.minute) == (clinic["day"], 18, 30)
        assert session.scalar(
            sa.select(sa.func.count()).select_from(JournalEntry).where(
                JournalEntry.entity == "feedback", JournalEntry.action == "import"
            )
        ) == 1  # fmt: skip

    again = import_ratings(db, clinic["manager"], path)
    assert (again.imported, again.already_present) == (0, 3)
    with db() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Feedback)) == 3


def test_an_xlsx_without_a_rating_column_is_refused_whole(db, clinic, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Date", "Rating", "Comment"])
    sheet.append([dt.datetime.combine(clinic["day"], dt.time()), 4, "Fine"])
    path = tmp_path / "app.xlsx"
    book.save(path)
    assert import_ratings(db, clinic["manager"], path).imported == 1

    sheet.delete_cols(2)
    book.save(path)
    with pytest.raises(ImportFileError) as refused:
        import_ratings(db, clinic["manager"], path)
    assert "Оценка" in refused.value.message


def test_clinic_crm_import_ratings(committed_db_url, committed_engine, key_file, tmp_path):
    from click.testing import CliRunner
    from sqlalchemy.orm import sessionmaker

    from crm.cli import main

    def run(*args: str):
        arguments, given = proved(args)
        return CliRunner().invoke(main, ["--key-file", str(key_file), *arguments], input=given)

    upgraded = run("--database", committed_db_url, "db", "upgrade")
    assert upgraded.exit_code == 0, upgraded.output
    db = sessionmaker(bind=committed_engine, expire_on_commit=False)
    with db() as session, session.begin():
        manager = bf.user(session, Role.MANAGER).login
    day = f"{f.clinic_today():%d.%m.%Y}"
    path = tmp_path / "app.csv"
    path.write_text(f"rating,date,comment\n5,{day} 09:00,Отлично\n9,{day},\n", encoding="utf-8")
    first = run("--database", committed_db_url, "import", "ratings", str(path), "--as", manager)
    assert first.exit_code == 1, first.output  # a row was rejected
    assert "добавлено 1" in first.stdout and "строка 3: Оценка:" in first.stdout
    second = run("--database", committed_db_url, "import", "ratings", str(path), "--as", manager)
    assert "добавлено 0, уже есть 1" in second.stdout, second.output
    missing = tmp_path / "nothing.csv"
    missing.write_text("comment\nхорошо\n", encoding="utf-8")
    refused = run(
        "--database", committed_db_url, "import", "ratings", str(missing), "--as", manager
    )
    assert refused.exit_code == 2 and "Дата, Оценка" in refused.output


def test_a_rating_recorded_on_one_desk_is_announced_to_the_others(
    committed_engine, committed_db_url
):
    import queue

    from sqlalchemy.orm import Session

    from crm.db.listener import ChangeListener

    events: queue.Queue = queue.Queue()
    listener = ChangeListener(committed_db_url, events.put, lambda ok, detail: None,
                              poll_seconds=0.1)  # fmt: skip
    listener.start()
    try:
        assert listener.connected.wait(10)
        with Session(committed_engine) as session, session.begin():
            row = Feedback(rating=1, comment="Грубо")
            session.add(row)
            session.flush()
            rating_id = row.id
        seen: list[dict] = []
        while not any(e.get("table") == "feedback" for e in seen):
            seen.append(events.get(timeout=10))
        assert [e for e in seen if e["table"] == "feedback"][0]["id"] == rating_id
    finally:
        listener.stop()
