"""Patient search against PostgreSQL: typos, initials, dates, phones, documents, paging."""

from __future__ import annotations

import pytest

from crm.controllers.access import auth
from crm.controllers.context import Actor
from crm.controllers.errors import PermissionDenied
from crm.controllers.patients import cards
from crm.controllers.patients.form import PatientForm
from crm.controllers.patients.search import search_patients
from crm.crypto import generate_key_file
from crm.models.enums import Role

PEOPLE = [
    ("Иванов", "Иван", "Петрович", "17.05.1980", "+79161234567", "112-233-445 95"),
    ("Иванов", "Сергей", "Андреевич", "02.02.1975", "+79031112233", ""),
    ("Иванова", "Ирина", "Павловна", "17.05.1980", "+79255554433", ""),
    ("Ивановский", "Игорь", "", "01.01.2001", "+74951234567", ""),
    ("Петров", "Пётр", "Иванович", "03.03.1960", "+79998887766", ""),
]


@pytest.fixture
def keyring(key_file):
    return generate_key_file(key_file)


@pytest.fixture
def registrar(db):
    user_id = auth.add_user(db, "reg", "password-123", Role.REGISTRAR, "Рег")
    return Actor(
        user_id=user_id, login="reg", full_name="Рег", role=Role.REGISTRAR, workstation="desk-1"
    )


@pytest.fixture
def people(db, registrar, keyring):
    ids = {}
    for last, first, patronymic, born, phone, snils in PEOPLE:
        card = cards.create_patient(
            db,
            registrar,
            keyring,
            PatientForm(
                last_name=last,
                first_name=first,
                patronymic=patronymic,
                birth_date=born,
                phone=phone,
                snils=snils,
            ),
            allow_same_name=True,
        )
        ids[(last, first)] = card.id
    return ids


def _names(page):
    return [hit.full_name for hit in page.hits]


def test_exact_surname_first_then_longer_ones(db, registrar, keyring, people):
    page = search_patients(db, registrar, keyring, "иванов")
    assert _names(page)[:2] == ["Иванов Иван Петрович", "Иванов Сергей Андреевич"]
    assert set(_names(page)[2:]) == {"Иванова Ирина Павловна", "Ивановский Игорь"}


def test_surname_with_a_typo(db, registrar, keyring, people):
    assert "Иванов Иван Петрович" in _names(search_patients(db, registrar, keyring, "Иваноа"))
    assert "Петров Пётр Иванович" in _names(search_patients(db, registrar, keyring, "Петрав"))


def test_initials(db, registrar, keyring, people):
    # The exact surname first; «Иванова И. П.» may be what was meant, so it follows.
    assert _names(search_patients(db, registrar, keyring, "Иванов И П")) == [
        "Иванов Иван Петрович",
        "Иванова Ирина Павловна",
    ]
    assert _names(search_patients(db, registrar, keyring, "Иванов Иван")) == [
        "Иванов Иван Петрович"
    ]


def test_birth_date_and_phone_fragment(db, registrar, keyring, people):
    assert set(_names(search_patients(db, registrar, keyring, "17.05.1980"))) == {
        "Иванов Иван Петрович",
        "Иванова Ирина Павловна",
    }
    assert set(_names(search_patients(db, registrar, keyring, "1234567"))) == {
        "Иванов Иван Петрович",
        "Ивановский Игорь",
    }
    assert _names(search_patients(db, registrar, keyring, "8 916 123-45-67")) == [
        "Иванов Иван Петрович"
    ]


def test_exact_snils(db, registrar, keyring, people):
    page = search_patients(db, registrar, keyring, "11223344595")
    assert _names(page) == ["Иванов Иван Петрович"]
    assert page.hits[0].snils_masked == "***-***-445 95"


def test_latin_layout(db, registrar, keyring, people):
    assert "Иванов Иван Петрович" in _names(search_patients(db, registrar, keyring, "bdfyjd"))


def test_paging(db, registrar, keyring, people):
    first = search_patients(db, registrar, keyring, "иван", limit=2)
    second = search_patients(db, registrar, keyring, "иван", limit=2, offset=2)
    assert first.has_more and len(first.hits) == 2
    assert not set(_names(first)) & set(_names(second))


def test_search_needs_the_permission(db, keyring, people):
    admin_id = auth.add_user(db, "adm", "password-123", Role.ADMIN, "Админ")
    admin = Actor(user_id=admin_id, login="adm", full_name="А", role=Role.ADMIN, workstation="x")
    with pytest.raises(PermissionDenied):
        search_patients(db, admin, keyring, "иванов")
