"""Importing the directory workbook: all or nothing, every problem named by sheet, row
and column, a dry run that writes nothing, a second import that changes nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from crm.controllers.context import Actor
from crm.controllers.directories.workbook import (
    CellProblem,
    export_directories,
    import_directories,
)
from crm.controllers.errors import PermissionDenied
from crm.models import Branch, Doctor, JournalEntry, Room, Specialty, SpecialtyAlternative
from crm.models.enums import Role
from tests import booking_factories as bf
from tests import factories as f

Rows = list[list[object]]


@pytest.fixture
def manager(db: sessionmaker[Session]) -> Actor:
    with db() as session, session.begin():
        return bf.user(session, Role.MANAGER)


def workbook(path: Path, sheets: dict[str, Rows]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for title, rows in sheets.items():
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(row)
    book.save(path)
    return path


BRANCHES: Rows = [
    ["Название", "Адрес", "Телефон", "Действует"],
    ["Центральный", "г. Тверь, ул. Советская, 10", "+7 4822 55-66-77", "да"],
    ["Северный", "г. Тверь, пр. Ленина, 1", "", ""],
]
ROOMS: Rows = [
    ["Филиал", "Номер", "Название"],
    ["Центральный", "101", "Кабинет терапевта"],
    ["Северный", 7, None],
]
SPECIALTIES: Rows = [
    ["Код", "Название", "Альтернативы", "Срок направления, дней"],
    ["ultrasound", "УЗИ-специалист", "functional", None],  # names a row further down
    ["functional", "функциональная диагностика", "ultrasound", None],
    ["therapist", "терапевт", "", 60],
]


def _count(db: sessionmaker[Session], model: type) -> int:
    with db() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(model)) or 0


def _journal(db: sessionmaker[Session]) -> int:
    return _count(db, JournalEntry)


def test_a_workbook_is_imported_checked_dry_then_written_and_twice_changes_nothing(
    db: sessionmaker[Session], manager: Actor, tmp_path: Path
) -> None:
    book = workbook(tmp_path / "b.xlsx", {"Филиалы": BRANCHES, "Кабинеты": ROOMS,
                                          "Специальности": SPECIALTIES})  # fmt: skip
    journaled = _journal(db)
    dry = import_directories(db, manager, book, dry_run=True)
    assert dry.problems == () and dry.dry_run and not dry.written
    assert [(s.sheet, s.created) for s in dry.sheets] == [
        ("Филиалы", 2), ("Кабинеты", 2), ("Специальности", 3)
    ]  # fmt: skip
    assert _count(db, Branch) == 0 and _journal(db) == journaled, "a dry run writes nothing"

    report = import_directories(db, manager, book)
    assert report.written and report.created == 7 and report.changed == 0
    with db() as session:
        codes = {s.id: s.code for s in session.scalars(sa.select(Specialty))}
        pairs = {(codes[a.specialty_id], codes[a.alternative_id])
                 for a in session.scalars(sa.select(SpecialtyAlternative))}  # fmt: skip
        assert pairs == {("ultrasound", "functional"), ("functional", "ultrasound")}
        therapist = session.scalars(sa.select(Specialty).filter_by(code="therapist")).one()
        assert therapist.referral_days == 60
        north = session.scalars(sa.select(Branch).filter_by(name="Северный")).one()
        assert north.phone is None and north.active
        assert session.scalars(sa.select(Room.number).filter_by(branch_id=north.id)).all() == ["7"]
        created = session.scalars(
            sa.select(JournalEntry).filter_by(entity="branch", action="create")
        ).all()
        assert len(created) == 2 and {e.login for e in created} == {manager.login}
        summary = session.scalars(sa.select(JournalEntry.details).filter_by(action="import"))
        assert summary.one() == "Справочники: b.xlsx: создано 7, изменено 0"
    journaled = _journal(db)

    again = import_directories(db, manager, book)
    assert (again.created, again.changed, again.unchanged) == (0, 0, 7)
    assert _journal(db) == journaled, "an unchanged row is not journaled"

    # The manager moves a branch, closes the other and drops an alternative.
    changed = workbook(tmp_path / "c.xlsx", {
        "Филиалы": [BRANCHES[0], [*BRANCHES[1][:1], "г. Тверь, ул. Новая, 1", *BRANCHES[1][2:]],
                    [*BRANCHES[2][:3], "нет"]],
        "Специальности": [SPECIALTIES[0], [*SPECIALTIES[1][:2], "", None], *SPECIALTIES[2:]],
    })  # fmt: skip
    report = import_directories(db, manager, changed)
    assert [(s.sheet, s.created, s.changed, s.unchanged) for s in report.sheets] == [
        ("Филиалы", 0, 2, 0), ("Специальности", 0, 1, 2)
    ]  # fmt: skip
    with db() as session:
        north = session.scalars(sa.select(Branch).filter_by(name="Северный")).one()
        assert not north.active
        moved = session.scalars(
            sa.select(JournalEntry).filter_by(entity="branch", action="update")
            .order_by(JournalEntry.id)
        ).all()  # fmt: skip
        assert [e.changes for e in moved] == [
            {"address": ["г. Тверь, ул. Советская, 10", "г. Тверь, ул. Новая, 1"]},
            {"active": [True, False]},
        ]
        assert _count(db, SpecialtyAlternative) == 1


def test_every_bad_cell_is_named_and_nothing_is_written(
    db: sessionmaker[Session], manager: Actor, tmp_path: Path
) -> None:
    book = workbook(tmp_path / "bad.xlsx", {
        "Филиалы": [*BRANCHES, ["Южный", "", "", "может быть"]],
        "Кабинеты": [[*ROOMS[0], "Цвет"], *ROOMS[1:]],
        "Врачи": [["Фамилия", "Имя", "Специальность", "Филиал", "Длина слота, минут"],
                  ["Ильина", "Мария", "astrologer", "Центральный", 20]],
        "Заметки": [["что угодно"]],
        "Специальности": [*SPECIALTIES, ["therapist", "терапевт (снова)", "", None],
                          ["self", "сама себе", "self", None]],
    })  # fmt: skip
    report = import_directories(db, manager, book)
    assert not report.written
    found = {(p.sheet, p.row, p.column): p.message for p in report.problems}
    assert found[("Филиалы", 4, "Адрес")] == "обязательное поле"
    assert "«да» или «нет»" in found[("Филиалы", 4, "Действует")]
    assert found[("Кабинеты", 1, "Цвет")].startswith("неизвестный столбец")
    assert found[("Заметки", 0, "")].startswith("не лист справочников")
    assert found[("Врачи", 2, "Специальность")] == "«astrologer» нет в справочнике"
    assert ("Врачи", 2, "Длина слота, минут") in found
    assert found[("Специальности", 5, "Код")] == "та же строка, что строка 4 этого листа"
    assert ("Специальности", 6, "Альтернативы") in found
    assert CellProblem("Врачи", 2, "Специальность", "«astrologer» нет в справочнике").text() == (
        "Лист «Врачи», строка 2, «Специальность»: «astrologer» нет в справочнике"
    )
    assert _count(db, Branch) == 0 and _count(db, Room) == 0 and _count(db, Specialty) == 0


def test_columns_by_field_name_real_cells_and_a_guarded_deactivation(
    db: sessionmaker[Session], manager: Actor, tmp_path: Path
) -> None:
    with db() as session, session.begin():
        branch, specialty = f.clinic(session)
        doctor = f.doctor(session, branch, specialty, "Петров")
        f.appointment(session, doctor, f.patient(session),
                      f.at(f.clinic_today() + dt.timedelta(days=2), "10:00"))  # fmt: skip
        names = (branch.name, specialty.code, doctor.first_name, doctor.patronymic)
    book = workbook(tmp_path / "d.xlsx", {
        "Врачи": [["last_name", "first_name", "patronymic", "specialty_id", "branch_id", "active"],
                  ["Петров", names[2], names[3], names[1], names[0], "нет"]],
        "Расписание": [["doctor_id", "weekday", "starts", "ends", "valid_from"],
                       [f"Петров {names[2]} {names[3]}", 1, dt.time(9), dt.time(13),
                        dt.datetime(2026, 1, 12)]],
    })  # fmt: skip
    report = import_directories(db, manager, book)
    assert [(p.sheet, p.row, p.column) for p in report.problems] == [("Врачи", 2, "Действует")]
    assert "впереди записей: 1" in report.problems[0].message
    with db() as session:
        assert session.get(Doctor, doctor.id).active  # type: ignore[union-attr]


def test_only_managers_and_administrators_import_and_export(
    db: sessionmaker[Session], tmp_path: Path
) -> None:
    with db() as session, session.begin():
        desk = bf.user(session, Role.REGISTRAR)
        admin = bf.user(session, Role.ADMIN)
    book = workbook(tmp_path / "e.xlsx", {"Филиалы": BRANCHES})
    with pytest.raises(PermissionDenied):
        import_directories(db, desk, book)
    with pytest.raises(PermissionDenied):
        export_directories(db, desk, tmp_path / "out.xlsx")
    assert import_directories(db, admin, book).created == 2
    export_directories(db, admin, tmp_path / "out.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "out.xlsx")["Филиалы"]
    assert [c.value for c in sheet[1]] == ["Название", "Адрес", "Телефон", "Действует"]
    assert [c.value for c in sheet[2]] == ["Северный", "г. Тверь, пр. Ленина, 1", None, "да"]
    assert sheet.max_row == 3


def test_the_hours_sheet_carries_the_doctors_specialty_for_reading_only(
    db: sessionmaker[Session], manager: Actor, tmp_path: Path
) -> None:
    with db() as session, session.begin():
        branch, therapy = f.clinic(session)
        doctor = f.doctor(session, branch, therapy)
        bf.hours(session, doctor, weekdays=[1])
        specialty = therapy.name
    out = tmp_path / "out.xlsx"
    export_directories(db, manager, out)
    sheet = openpyxl.load_workbook(out)["Расписание"]
    header = [cell.value for cell in sheet[1]]
    column = header.index("Специальность врача")
    assert header.index("Врач") == column - 1
    assert sheet.cell(row=2, column=column + 1).value == specialty
    sheet.cell(row=2, column=column + 1).value = "что угодно"  # a reader's note: ignored
    sheet.parent.save(out)
    journal = _journal(db)
    report = import_directories(db, manager, out)
    assert not report.problems and report.changed == 0
    assert _journal(db) == journal
