"""The demo clinic's directories, exported to one workbook and imported into an empty
database, come back the same: every table's count and every row field by field (by
natural key, references as the names they are typed by). Importing the same file
again changes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from crm.controllers import demo
from crm.controllers.directories.workbook import export_directories, import_directories
from crm.crypto import generate_key_file
from crm.models import (
    Branch,
    Doctor,
    JournalEntry,
    Room,
    ScheduleTemplate,
    Service,
    ServicePrice,
    Specialty,
    SpecialtyAlternative,
)
from tests.pg import TestServer

TODAY = dt.date(2026, 11, 5)
SHEETS = ["Филиалы", "Кабинеты", "Специальности", "Врачи", "Расписание", "Услуги", "Цены"]


def directories(session: Session) -> dict[str, dict[Any, tuple[Any, ...]]]:
    """Every directory row by natural key, references replaced by their natural keys."""
    branch = {b.id: b.name for b in session.scalars(sa.select(Branch))}
    room = {r.id: r.number for r in session.scalars(sa.select(Room))}
    code = {s.id: s.code for s in session.scalars(sa.select(Specialty))}
    alternatives: dict[int, list[str]] = {}
    for a in session.scalars(sa.select(SpecialtyAlternative)):
        alternatives.setdefault(a.specialty_id, []).append(code[a.alternative_id])
    doctors = list(session.scalars(sa.select(Doctor)))
    name = {d.id: (d.last_name, d.first_name, d.patronymic) for d in doctors}
    service = {s.id: s.code for s in session.scalars(sa.select(Service))}
    return {
        "branch": {
            b.name: (b.address, b.phone, b.active) for b in session.scalars(sa.select(Branch))
        },
        "room": {
            (branch[r.branch_id], r.number): (r.name, r.active)
            for r in session.scalars(sa.select(Room))
        },
        "specialty": {
            s.code: (
                s.name,
                s.is_service,
                s.referral_days,
                s.referral_max_days,
                s.active,
                sorted(alternatives.get(s.id, [])),
            )
            for s in session.scalars(sa.select(Specialty))
        },  # fmt: skip
        "doctor": {
            (*name[d.id], code[d.specialty_id]): (
                d.category,
                d.degree,
                d.licence_number,
                branch[d.branch_id],
                room.get(d.default_room_id),
                d.offers_remote,
                d.slot_minutes,
                d.active,
            )
            for d in doctors
        },  # fmt: skip
        "hours": {
            (name[t.doctor_id], t.weekday, t.starts, t.valid_from): (
                t.ends,
                room.get(t.room_id),
                t.valid_to,
                t.works_on_holidays,
            )
            for t in session.scalars(sa.select(ScheduleTemplate))
        },
        "service": {
            s.code: (
                s.nomenclature_code,
                s.name,
                code.get(s.specialty_id),
                s.duration_slots,
                s.oms,
                s.description,
                s.active,
            )
            for s in session.scalars(sa.select(Service))
        },  # fmt: skip
        "price": {
            (service[p.service_id], p.valid_from): (p.amount, p.valid_to)
            for p in session.scalars(sa.select(ServicePrice))
        },
    }


def counts(session: Session) -> dict[str, int]:
    models = (Branch, Room, Specialty, SpecialtyAlternative, Doctor, ScheduleTemplate, Service,
              ServicePrice)  # fmt: skip
    return {
        m.__tablename__: session.scalar(sa.select(sa.func.count()).select_from(m)) or 0
        for m in models
    }


@pytest.fixture
def fresh_db(pg_server: TestServer, template_database: str) -> Iterator[sessionmaker[Session]]:
    """Sessions on a database of its own, migrated, empty, whose commits are real."""
    name = pg_server.create_database(template=template_database)
    engine = sa.create_engine(pg_server.url_for(name), poolclass=sa.pool.NullPool)
    yield sessionmaker(bind=engine, expire_on_commit=False)
    engine.dispose()
    pg_server.drop_database(name)


def test_the_demo_clinic_goes_through_the_workbook_unchanged(
    committed_db: sessionmaker[Session],
    fresh_db: sessionmaker[Session],
    key_file: Path,
    tmp_path: Path,
) -> None:
    demo.load_demo(committed_db, generate_key_file(key_file), patients=10, seed=3, today=TODAY)
    book = tmp_path / "справочники.xlsx"
    exported = export_directories(committed_db, None, book)
    assert [c.sheet for c in exported] == SHEETS
    assert openpyxl.load_workbook(book).sheetnames == SHEETS
    with committed_db() as session:
        expected, expected_counts = directories(session), counts(session)
        assert (
            session.scalars(
                sa.select(JournalEntry.details).where(JournalEntry.action == "export")
            ).one()
            == "Справочники: справочники.xlsx"
        )
    assert all(expected.values()), "the demo fills every directory"

    report = import_directories(fresh_db, None, book)
    assert report.problems == (), [p.text() for p in report.problems]
    assert report.written and report.changed == 0 and report.unchanged == 0
    assert [(c.sheet, c.created) for c in report.sheets] == [
        (c.sheet, c.unchanged) for c in exported
    ]
    with fresh_db() as session:
        assert counts(session) == expected_counts
        got = directories(session)
    for table, rows in expected.items():
        assert got[table] == rows, table

    again = import_directories(fresh_db, None, book)
    assert again.problems == () and (again.created, again.changed) == (0, 0)
    assert again.unchanged == report.created
    with fresh_db() as session:
        entries = session.scalar(sa.select(sa.func.count()).select_from(JournalEntry))
    into_demo = import_directories(committed_db, None, book)
    assert into_demo.problems == () and (into_demo.created, into_demo.changed) == (0, 0)
    with fresh_db() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(JournalEntry)) == entries
