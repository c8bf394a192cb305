"""Patients' cards: validation, encryption at rest, duplicates, masking, conflicts."""

from __future__ import annotations

import dataclasses

import pytest
import sqlalchemy as sa

from crm.controllers.access import auth
from crm.controllers.context import Actor
from crm.controllers.errors import PermissionDenied
from crm.controllers.patients import cards
from crm.controllers.patients.form import PatientForm, PatientInvalid
from crm.crypto import generate_key_file
from crm.models import JournalEntry, Patient
from crm.models.enums import Role

SNILS = "112-233-445 95"
SNILS_DIGITS = "11223344595"
ENP = "7700000000000008"  # Luhn-valid: the last digit is the check digit


def _enp() -> str:
    from stdnum import luhn

    return ENP[:-1] + luhn.calc_check_digit(ENP[:-1])


@pytest.fixture
def keyring(key_file):
    return generate_key_file(key_file)


@pytest.fixture
def actors(db):
    def make(login: str, role: Role) -> Actor:
        user_id = auth.add_user(db, login, "password-123", role, login.title())
        return Actor(user_id=user_id, login=login, full_name=login, role=role, workstation="desk-1")

    return {
        "registrar": make("reg", Role.REGISTRAR),
        "registrar2": make("reg2", Role.REGISTRAR),
        "doctor": make("doc", Role.DOCTOR),
    }


MINIMAL = PatientForm(
    last_name="  Иванов ", first_name="Иван", birth_date="17.05.1980", phone="8 (916) 123-45-67"
)
FULL = dataclasses.replace(
    MINIMAL,
    patronymic="Петрович",
    sex="male",
    snils=SNILS,
    passport="45 08 918273",
    passport_issued_on="20.05.2000",
    passport_subdivision="770-001",
    passport_issued_by="ОВД Хамовники г. Москвы",
    policy_kind="unified",
    policy_number="",
)


def _full(**changes) -> PatientForm:
    return dataclasses.replace(FULL, policy_number=_enp(), **changes)


def test_minimal_card_by_phone(db, actors, keyring):
    card = cards.create_patient(db, actors["registrar"], keyring, MINIMAL)
    assert card.full_name == "Иванов Иван"
    assert card.form.phone == "+7 (916) 123-45-67"
    assert card.form.birth_date == "17.05.1980"
    with db() as session:
        assert session.get(Patient, card.id).phone == "+79161234567"


def test_identity_documents_are_encrypted_at_rest(db, actors, keyring):
    card = cards.create_patient(db, actors["registrar"], keyring, _full())
    assert card.snils_display == SNILS
    assert card.passport_display == "45 08 918273"
    with db() as session:
        leaks = session.execute(
            sa.text(
                "SELECT position(convert_to(:snils, 'UTF8') in snils_enc),"
                "       position(convert_to('918273', 'UTF8') in passport_enc),"
                "       position(convert_to(:snils, 'UTF8') in snils_hash)"
                "  FROM patient WHERE id = :id"
            ),
            {"snils": SNILS_DIGITS, "id": card.id},
        ).one()
        assert leaks == (0, 0, 0)
        entries = session.scalars(
            sa.select(JournalEntry).where(
                JournalEntry.entity == "patient", JournalEntry.entity_id == card.id
            )
        ).all()
    assert [e.action for e in entries] == ["create"]
    assert SNILS_DIGITS not in str(entries[0].changes) and "918273" not in str(entries[0].changes)


def test_all_bad_fields_are_reported_in_card_order(db, actors, keyring):
    bad = dataclasses.replace(
        FULL, first_name="Ivan", snils="112-233-445 96", birth_date="31.02.1980"
    )
    with pytest.raises(PatientInvalid) as caught:
        cards.create_patient(db, actors["registrar"], keyring, bad)
    fields = [p.field for p in caught.value.problems]
    assert fields[:3] == ["first_name", "birth_date", "snils"]
    assert caught.value.field == "first_name"
    assert any("СНИЛС" in p.message for p in caught.value.problems)
    with db() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Patient)) == 0


def test_same_documents_offer_the_existing_card(db, actors, keyring):
    first = cards.create_patient(db, actors["registrar"], keyring, _full())
    other_person = dict(last_name="Смирнова", first_name="Анна", birth_date="01.01.1970")
    no_passport = dict(
        passport="", passport_issued_on="", passport_subdivision="", passport_issued_by=""
    )
    no_policy = dict(policy_kind="", policy_number="")
    candidates = (
        (dataclasses.replace(FULL, **other_person, **no_passport, **no_policy), "snils"),
        (dataclasses.replace(FULL, **other_person, snils="", **no_policy), "passport"),
        (
            dataclasses.replace(
                FULL,
                **other_person,
                snils="",
                **no_passport,
                policy_kind="unified",
                policy_number=_enp(),
            ),
            "policy_number",
        ),
    )
    for duplicate, field in candidates:
        with pytest.raises(cards.DuplicatePatient) as caught:
            cards.create_patient(db, actors["registrar"], keyring, duplicate)
        assert caught.value.existing_id == first.id
        assert caught.value.field == field


def test_same_name_and_birth_date_warns_until_confirmed(db, actors, keyring):
    first = cards.create_patient(db, actors["registrar"], keyring, MINIMAL)
    twin = dataclasses.replace(MINIMAL, last_name="ИВАНОВ", phone="+7 916 000-00-01")
    with pytest.raises(cards.PossibleDuplicate) as caught:
        cards.create_patient(db, actors["registrar"], keyring, twin)
    assert caught.value.existing_ids == (first.id,)
    second = cards.create_patient(db, actors["registrar"], keyring, twin, allow_same_name=True)
    assert second.id != first.id


def test_doctor_sees_masked_numbers_and_may_not_reveal(db, actors, keyring):
    card = cards.create_patient(db, actors["registrar"], keyring, _full())
    seen = cards.open_card(db, actors["doctor"], keyring, card.id)
    assert seen.snils_display == "***-***-445 95"
    assert seen.passport_display.endswith("8273") and "9182" not in seen.passport_display
    assert seen.form.snils is None and seen.form.passport is None
    with pytest.raises(PermissionDenied):
        cards.open_card(db, actors["doctor"], keyring, card.id, reveal=True)


def test_revealing_is_journaled(db, actors, keyring):
    card = cards.create_patient(db, actors["registrar"], keyring, _full())
    masked = cards.open_card(db, actors["registrar"], keyring, card.id)
    assert masked.snils_display == "***-***-445 95"
    full = cards.open_card(db, actors["registrar"], keyring, card.id, reveal=True)
    assert full.form.snils == SNILS and full.form.passport_subdivision == "770-001"
    with db() as session:
        actions = session.scalars(
            sa.select(JournalEntry.action)
            .where(JournalEntry.entity == "patient", JournalEntry.entity_id == card.id)
            .order_by(JournalEntry.id)
        ).all()
    assert actions == ["create", "read_identity"]


def test_saving_a_masked_card_keeps_the_documents(db, actors, keyring):
    card = cards.create_patient(db, actors["registrar"], keyring, _full())
    masked = cards.open_card(db, actors["registrar"], keyring, card.id)
    edited = dataclasses.replace(masked.form, phone="+7 916 765-43-21")
    saved = cards.update_patient(
        db, actors["registrar"], keyring, card.id, edited, expected_version=masked.version
    )
    assert saved.version == masked.version + 1
    again = cards.open_card(db, actors["registrar"], keyring, card.id, reveal=True)
    assert again.form.snils == SNILS and again.form.phone == "+7 (916) 765-43-21"


def test_second_desk_gets_both_versions_and_loses_nothing(db, actors, keyring):
    card = cards.create_patient(db, actors["registrar"], keyring, MINIMAL)
    desk_a = cards.open_card(db, actors["registrar"], keyring, card.id)
    desk_b = cards.open_card(db, actors["registrar2"], keyring, card.id)
    cards.update_patient(
        db,
        actors["registrar"],
        keyring,
        card.id,
        dataclasses.replace(desk_a.form, phone="+79160000001"),
        expected_version=desk_a.version,
    )
    typed = dataclasses.replace(desk_b.form, phone="+79160000002", email="ivanov@mail.ru")
    with pytest.raises(cards.PatientConflict) as caught:
        cards.update_patient(
            db, actors["registrar2"], keyring, card.id, typed, expected_version=desk_b.version
        )
    conflict = caught.value
    assert conflict.theirs.form.phone == "+7 (916) 000-00-01"
    assert conflict.yours == typed
    assert set(conflict.fields) == {"phone", "email"}
    assert "другом рабочем месте" in conflict.message
    # Desk B keeps its e-mail and takes their phone: saves against the new version.
    merged = dataclasses.replace(typed, phone=conflict.theirs.form.phone)
    saved = cards.update_patient(
        db,
        actors["registrar2"],
        keyring,
        card.id,
        merged,
        expected_version=conflict.theirs.version,
    )
    assert (saved.form.phone, saved.form.email) == ("+7 (916) 000-00-01", "ivanov@mail.ru")


def test_update_journals_before_and_after(db, actors, keyring):
    card = cards.create_patient(db, actors["registrar"], keyring, MINIMAL)
    cards.update_patient(
        db,
        actors["registrar"],
        keyring,
        card.id,
        dataclasses.replace(card.form, patronymic="Петрович"),
        expected_version=card.version,
    )
    with db() as session:
        entry = session.scalars(
            sa.select(JournalEntry).where(JournalEntry.action == "update")
        ).one()
    assert entry.changes == {"patronymic": [None, "Петрович"]}


def test_old_passport_is_flagged_for_replacement(db, actors, keyring):
    form = _full(birth_date="01.01.1990", passport_issued_on="01.03.2004")
    card = cards.create_patient(db, actors["registrar"], keyring, form)
    assert any("замен" in warning for warning in card.warnings)
    masked = cards.open_card(db, actors["doctor"], keyring, card.id)
    assert masked.warnings == card.warnings


def test_doctor_may_not_edit(db, actors, keyring):
    with pytest.raises(PermissionDenied):
        cards.create_patient(db, actors["doctor"], keyring, MINIMAL)
