"""Other identity documents, ОГРН and МКБ-10 codes; the package's public face."""

from __future__ import annotations

import importlib
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.ru import ogrn

from crm.controllers.demo.clinic import ISSUING_ORGANISATIONS
from crm.controllers.demo.identity import make_enp, make_ogrn, make_snils
from crm.controllers.errors import ValidationError
from crm.controllers.validation import (
    check_other_document,
    check_policy,
    field_label,
    normalize_diagnosis_code,
    normalize_ogrn,
    normalize_snils,
    ogrn_is_valid,
)
from crm.i18n import set_language
from crm.models.enums import OtherDocumentKind, PolicyKind

FAST = settings(max_examples=200, deadline=None)
OGRN = "1027700132195"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("  IV-МЮ 512345 ", "IV-МЮ 512345"), ("I-ЛО\t\t 123456", "I-ЛО 123456"), ("X" * 40, "X" * 40)],
)
def test_other_document_is_trimmed_and_single_spaced(typed: str, stored: str) -> None:
    assert check_other_document(OtherDocumentKind.BIRTH_CERTIFICATE, typed) == stored


@pytest.mark.parametrize(
    ("kind", "name"),
    [
        (OtherDocumentKind.BIRTH_CERTIFICATE, "Свидетельство о рождении"),
        (OtherDocumentKind.FOREIGN_PASSPORT, "Паспорт иностранного гражданина"),
        (OtherDocumentKind.OTHER, "Документ"),
    ],
)
def test_other_document_messages_name_the_document(kind: OtherDocumentKind, name: str) -> None:
    with pytest.raises(ValidationError) as caught:
        check_other_document(kind, "   ")
    assert caught.value.message == f"{name}: укажите номер"
    assert caught.value.field == "other_document"
    with pytest.raises(ValidationError) as caught:
        check_other_document(kind, "1" * 41)
    assert caught.value.message == f"{name}: не более 40 символов"


def test_ogrn() -> None:
    assert normalize_ogrn(" 1027700132195 ") == OGRN
    assert normalize_ogrn("1 02 77 00 13219 5") == OGRN
    assert ogrn_is_valid(OGRN)
    for _name, number, _address in ISSUING_ORGANISATIONS:
        assert normalize_ogrn(number) == number


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1027700132196", "ОГРН: неверная контрольная цифра"),
        ("102770013219", "ОГРН: нужно 13 цифр"),
        ("304500116000157", "ОГРН: нужно 13 цифр"),  # a sole trader's 15-digit ОГРНИП
        ("10277001321AB", "ОГРН: нужно 13 цифр"),
        ("", "ОГРН: нужно 13 цифр"),
        ("0" + make_ogrn("102770013219")[1:], "ОГРН: такого номера не бывает"),
    ],
)
def test_ogrn_refused(typed: str, message: str) -> None:
    assert not ogrn_is_valid(typed)
    with pytest.raises(ValidationError) as caught:
        normalize_ogrn(typed)
    assert caught.value.message == message
    assert caught.value.field == "ogrn"


@FAST
@given(st.integers(10**11, 10**12 - 1))
def test_ogrn_agrees_with_stdnum(first_twelve: int) -> None:
    number = make_ogrn(str(first_twelve))
    assert ogrn_is_valid(number) == ogrn.is_valid(number) is True
    assert normalize_ogrn(number) == number


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("I10", "I10"),
        ("i10", "I10"),
        ("K29.7", "K29.7"),
        ("к29,7", "K29.7"),  # Cyrillic к and a decimal comma
        ("К29.7", "K29.7"),
        (" J 06.9 ", "J06.9"),
        ("М54.16", "M54.16"),
        ("Е11", "E11"),
        ("U07.1", "U07.1"),
    ],
)
def test_diagnosis_code(typed: str, code: str) -> None:
    assert normalize_diagnosis_code(typed) == code


@pytest.mark.parametrize("typed", ["", "K2", "K299", "K29.", "K29.123", "29.7", "KK29", "Ж29.7"])
def test_diagnosis_code_refused(typed: str) -> None:
    with pytest.raises(ValidationError) as caught:
        normalize_diagnosis_code(typed)
    assert caught.value.message == (
        "Диагноз (МКБ-10): латинская буква и две цифры, например I10 или K29.7"
    )
    assert caught.value.field == "diagnosis_code"


@FAST
@given(
    st.sampled_from(list(zip("АВЕКМНОРСТУХ", "ABEKMHOPCTYX", strict=True))),
    st.integers(0, 99),
    st.one_of(st.none(), st.integers(0, 99)),
    st.booleans(),
)
def test_cyrillic_look_alike_letters_become_latin(
    letters: tuple[str, str], head: int, tail: int | None, lower: bool
) -> None:
    cyrillic, latin = letters
    suffix = "" if tail is None else f".{tail}"
    typed = f"{cyrillic.lower() if lower else cyrillic}{head:02d}{suffix}"
    assert normalize_diagnosis_code(typed) == f"{latin}{head:02d}{suffix}"


def test_demo_numbers_pass_the_card_checks() -> None:
    rng = random.Random(12)
    for _ in range(300):
        snils = make_snils(rng.randrange(1_001_999, 1_000_000_000))
        assert normalize_snils(snils) == snils
        enp = make_enp(f"{rng.randrange(10**15):015d}")
        assert check_policy(PolicyKind.UNIFIED, enp).number == enp


def test_english_messages() -> None:
    set_language("en")
    with pytest.raises(ValidationError) as caught:
        normalize_snils("112-233-445 96")
    assert caught.value.message == "SNILS: wrong check number"
    with pytest.raises(ValidationError) as caught:
        check_other_document(OtherDocumentKind.BIRTH_CERTIFICATE, "")
    assert caught.value.message == "Birth certificate: enter the number"
    assert field_label("last_name") == "Last name"


def test_every_field_has_a_russian_label() -> None:
    fields = [
        "last_name",
        "first_name",
        "patronymic",
        "birth_date",
        "phone",
        "snils",
        "policy_number",
        "policy_series",
        "policy_ends_on",
        "passport_series",
        "passport_number",
        "passport_issued_on",
        "passport_subdivision",
        "passport_issued_by",
        "other_document",
        "ogrn",
        "diagnosis_code",
    ]
    labels = [field_label(field) for field in fields]
    assert all(any("а" <= ch.lower() <= "я" for ch in label) for label in labels), labels
    assert len(set(labels)) == len(labels)
    assert field_label("unknown") == "Значение"


def test_the_public_api() -> None:
    package = importlib.import_module("crm.controllers.validation")
    for name in package.__all__:
        assert getattr(package, name) is not None
    assert {
        "normalize_person_name",
        "parse_date",
        "check_birth_date",
        "normalize_phone",
        "format_phone",
        "snils_check_number",
        "normalize_snils",
        "format_snils",
        "mask_snils",
        "Policy",
        "check_policy",
        "format_policy",
        "Passport",
        "check_passport",
        "split_passport_number",
        "format_passport",
        "mask_passport",
        "check_other_document",
        "ogrn_is_valid",
        "normalize_ogrn",
        "normalize_diagnosis_code",
    } <= set(package.__all__)
