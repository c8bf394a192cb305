"""Editing the clinic's directories: every column checked and named, the database's own
refusals by field, optimistic locking with both versions, deactivation instead of
deletion, and the journal's before → after."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session, sessionmaker

from crm.controllers.context import Actor
from crm.controllers.directories import pickers
from crm.controllers.directories import records as r
from crm.controllers.directories.catalogue import (
    BRANCHES,
    DOCTORS,
    PRICES,
    ROOMS,
    SERVICES,
    SPECIALTIES,
)
from crm.controllers.errors import DomainError, FormInvalid, PermissionDenied
from crm.models import JournalEntry, User
from crm.models.enums import Role
from tests import booking_factories as bf
from tests import factories as f

REGISTRAR = Actor(user_id=2, login="desk", full_name="Desk", role=Role.REGISTRAR, workstation="w")


@pytest.fixture
def manager(db: sessionmaker[Session]) -> Actor:
    with db() as session, session.begin():
        return bf.user(session, Role.MANAGER)


def _clinic(db: sessionmaker[Session], manager: Actor) -> dict[str, r.DirectoryRow]:
    made = {
        "branch": r.save(db, manager, BRANCHES, {"name": "Центральный",
                         "address": "г. Тверь, ул. Советская, 10", "phone": "8 4822 55-66-77"}),
        "therapy": r.save(db, manager, SPECIALTIES, {"code": "therapist", "name": "Терапевт"}),
    }  # fmt: skip
    made["room"] = r.save(db, manager, ROOMS, {"branch_id": "Центральный", "number": "203"})
    made["cardio"] = r.save(
        db, manager, SPECIALTIES,
        {"code": "cardiologist", "name": "Кардиолог", "alternatives": "therapist",
         "referral_days": "14"},
    )  # fmt: skip
    made["doctor"] = r.save(
        db, manager, DOCTORS,
        {"last_name": "Смирнова", "first_name": "Ольга", "patronymic": "Игоревна",
         "specialty_id": "cardiologist", "category": "высшая", "branch_id": "Центральный",
         "default_room_id": "203", "offers_remote": "да", "slot_minutes": "30"},
    )  # fmt: skip
    return made


def test_a_clinic_is_entered_row_by_row_and_read_back_as_typed(
    db: sessionmaker[Session], manager: Actor
) -> None:
    made = _clinic(db, manager)
    assert made["branch"].cells["phone"] == "+7 (482) 255-66-77"
    assert made["cardio"].cells["alternatives"] == "therapist"
    assert made["cardio"].cells["referral_days"] == "14"
    doctor = made["doctor"].cells
    assert (doctor["specialty_id"], doctor["default_room_id"], doctor["category"]) == (
        "cardiologist", "203", "высшая"
    )  # fmt: skip
    assert doctor["offers_remote"] == "да" and doctor["slot_minutes"] == "30"
    listed = r.list_rows(db, manager, DOCTORS)
    assert [row.cells["last_name"] for row in listed] == ["Смирнова"]
    with db() as session:
        created = session.query(JournalEntry).filter_by(entity="doctor", action="create").one()
        assert created.changes["last_name"] == [None, "Смирнова"]
        assert created.login == manager.login


def test_every_bad_column_is_named_at_once_and_nothing_is_written(
    db: sessionmaker[Session], manager: Actor
) -> None:
    _clinic(db, manager)
    with pytest.raises(FormInvalid) as refused:
        r.save(db, manager, DOCTORS, {"last_name": "", "first_name": "Анна",
               "specialty_id": "astrologer", "category": "самая высокая",
               "branch_id": "Центральный", "offers_remote": "может быть",
               "slot_minutes": "20"})  # fmt: skip
    messages = {p.field: p.message for p in refused.value.problems}
    assert list(messages) == ["last_name", "specialty_id", "category", "offers_remote",
                              "slot_minutes"]  # fmt: skip
    assert messages["last_name"] == "Фамилия: обязательное поле"
    assert messages["specialty_id"] == "Специальность: «astrologer» нет в справочнике"
    assert "«высшая»" in messages["category"]
    assert len(r.list_rows(db, manager, DOCTORS)) == 1


def test_a_room_of_another_branch_and_a_taken_name_are_refused_by_field(
    db: sessionmaker[Session], manager: Actor
) -> None:
    _clinic(db, manager)
    r.save(db, manager, BRANCHES, {"name": "Северный", "address": "г. Тверь, пр. Ленина, 1"})
    with pytest.raises(FormInvalid) as refused:
        r.save(db, manager, DOCTORS, {"last_name": "Орлов", "first_name": "Иван",
               "specialty_id": "therapist", "branch_id": "Северный",
               "default_room_id": "203", "slot_minutes": "15"})  # fmt: skip
    assert [p.field for p in refused.value.problems] == ["default_room_id"]
    assert "нет кабинета «203»" in refused.value.problems[0].message
    with pytest.raises(FormInvalid) as taken:
        r.save(db, manager, BRANCHES, {"name": "центральный", "address": "где-то"})
    assert taken.value.problems[0].field == "name"
    assert "уже есть в справочнике" in taken.value.problems[0].message


def test_overlapping_price_periods_are_refused_on_the_period(
    db: sessionmaker[Session], manager: Actor
) -> None:
    _clinic(db, manager)
    r.save(db, manager, SERVICES, {"code": "B01.015.001", "name": "Приём кардиолога",
           "nomenclature_code": "B01.015.001", "specialty_id": "cardiologist",
           "duration_slots": "2"})  # fmt: skip
    first = r.save(db, manager, PRICES, {"service_id": "B01.015.001", "amount": "1 500,00",
                   "valid_from": "01.01.2026", "valid_to": "31.12.2026"})  # fmt: skip
    assert first.cells["amount"] == "1500.00"
    with pytest.raises(FormInvalid) as refused:
        r.save(db, manager, PRICES, {"service_id": "B01.015.001", "amount": "1800",
               "valid_from": "01.06.2026"})  # fmt: skip
    assert refused.value.problems[0].field == "valid_from"
    assert "пересекается" in refused.value.problems[0].message
    with pytest.raises(FormInvalid) as negative:
        r.save(db, manager, PRICES, {"service_id": "B01.015.001", "amount": "-5",
               "valid_from": "01.01.2027"})  # fmt: skip
    assert negative.value.problems[0].field == "amount"
    r.save(db, manager, PRICES, {"service_id": "B01.015.001", "amount": "1800",
           "valid_from": "01.01.2027"})  # fmt: skip


def test_a_row_changed_on_another_desk_is_refused_with_both_versions(
    db: sessionmaker[Session], manager: Actor
) -> None:
    branch = _clinic(db, manager)["branch"]
    cells = dict(branch.cells)
    mine = {**cells, "address": "г. Тверь, ул. Новая, 1"}
    theirs = r.save(db, manager, BRANCHES, {**cells, "phone": "+7 4822 11-22-33"},
                    row_id=branch.id, version=branch.version)  # fmt: skip
    with pytest.raises(r.DirectoryConflict) as conflict:
        r.save(db, manager, BRANCHES, mine, row_id=branch.id, version=branch.version)
    assert conflict.value.theirs is not None
    assert conflict.value.theirs.cells["phone"] == theirs.cells["phone"]
    # The desk keeps its address and takes the other desk's phone.
    merged = {**conflict.value.theirs.cells, "address": mine["address"]}
    saved = r.save(db, manager, BRANCHES, merged, row_id=branch.id, version=theirs.version)
    assert saved.cells["address"] == "г. Тверь, ул. Новая, 1"
    with db() as session:
        last = (session.query(JournalEntry).filter_by(entity="branch", action="update")
                .order_by(JournalEntry.id.desc()).first())  # fmt: skip
        old, new = "г. Тверь, ул. Советская, 10", "г. Тверь, ул. Новая, 1"
        assert last.changes == {"address": [old, new]}


def test_deactivated_rows_leave_the_pickers_and_a_doctor_with_patients_stays(
    db: sessionmaker[Session], manager: Actor
) -> None:
    made = _clinic(db, manager)
    therapy = made["therapy"]
    r.set_active(db, manager, SPECIALTIES, therapy.id, False)
    codes = [s.code for s in pickers.specialties(db, manager)]
    assert "therapist" not in codes and "cardiologist" in codes
    listed = r.list_rows(db, manager, SPECIALTIES)
    assert any(row.id == therapy.id and not row.active for row in listed)
    with db() as session, session.begin():
        from crm.models import Doctor

        doctor = session.get(Doctor, made["doctor"].id)
        tomorrow = f.clinic_today() + dt.timedelta(days=1)
        f.appointment(session, doctor, f.patient(session), f.at(tomorrow, "10:00"))
    with pytest.raises(DomainError, match="впереди записей: 1"):
        r.set_active(db, manager, DOCTORS, made["doctor"].id, False)
    with pytest.raises(DomainError):
        r.set_active(db, manager, PRICES, 1, False)


def test_a_doctor_is_linked_to_a_doctors_login_only(
    db: sessionmaker[Session], manager: Actor
) -> None:
    made = _clinic(db, manager)
    with db() as session, session.begin():
        session.add_all([
            User(login="smirnova", full_name="Смирнова", role=Role.DOCTOR, password_hash="x"),
            User(login="desk2", full_name="Desk", role=Role.REGISTRAR, password_hash="x"),
        ])  # fmt: skip
    cells = dict(made["doctor"].cells)
    with pytest.raises(FormInvalid) as refused:
        r.save(db, manager, DOCTORS, {**cells, "user_id": "desk2"}, row_id=made["doctor"].id)
    assert refused.value.problems[0].field == "user_id"
    linked = r.save(db, manager, DOCTORS, {**cells, "user_id": "smirnova"},
                    row_id=made["doctor"].id)  # fmt: skip
    assert linked.cells["user_id"] == "smirnova"
    with db() as session:
        assert session.query(User).filter_by(login="smirnova").one().doctor_id == made["doctor"].id


def test_only_managers_and_administrators_edit_directories(
    db: sessionmaker[Session], manager: Actor
) -> None:
    with pytest.raises(PermissionDenied):
        r.save(db, REGISTRAR, BRANCHES, {"name": "X", "address": "Y"})
    with pytest.raises(PermissionDenied):
        r.list_rows(db, REGISTRAR, BRANCHES)
