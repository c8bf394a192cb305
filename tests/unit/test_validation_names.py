"""ФИО parts: Russian letters, hyphen, space, apostrophe; stored as typed, single-spaced."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crm.controllers.errors import ValidationError
from crm.controllers.validation import NAME_MAX_LENGTH, normalize_person_name

FAST = settings(max_examples=200, deadline=None)
LETTERS = "АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдеёжзийклмнопрстуфхцчшщъыьэюя"
LABELS = {"last_name": "Фамилия", "first_name": "Имя", "patronymic": "Отчество"}
WHITESPACE = st.text(" \t\u00a0", min_size=1, max_size=3)

words = st.text(LETTERS, min_size=1, max_size=12)


@st.composite
def names(draw: st.DrawFn) -> tuple[str, str]:
    """``(as typed, as stored)``: Cyrillic words joined by spaces, hyphens or apostrophes,
    typed with extra whitespace around and between them."""
    parts = draw(st.lists(words, min_size=1, max_size=4))
    joiners = draw(st.lists(st.sampled_from([" ", "-", "'"]), min_size=3, max_size=3))
    stored, typed = parts[0], parts[0]
    for part, joiner in zip(parts[1:], joiners, strict=False):
        stored += joiner + part
        typed += (draw(WHITESPACE) if joiner == " " else joiner) + part
    return draw(st.just("") | WHITESPACE) + typed + draw(st.just("") | WHITESPACE), stored


@FAST
@given(names(), st.sampled_from(sorted(LABELS)))
def test_valid_names_are_kept_with_single_spaces(case: tuple[str, str], field: str) -> None:
    typed, stored = case
    if len(stored) <= NAME_MAX_LENGTH:
        assert normalize_person_name(typed, field) == stored
    else:
        with pytest.raises(ValidationError):
            normalize_person_name(typed, field)


@FAST
@given(
    st.text(max_size=30),
    st.sampled_from("AZaz09QxÄé5ı"),
    st.text(max_size=30),
    st.sampled_from(sorted(LABELS)),
)
def test_a_latin_letter_or_digit_is_refused(before: str, bad: str, after: str, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        normalize_person_name(before + bad + after, field)
    assert caught.value.field == field
    assert caught.value.message == (
        f"{LABELS[field]}: только русские буквы, дефис, пробел и апостроф"
    )


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Иванов", "Иванов"),
        ("  Салтыков-Щедрин ", "Салтыков-Щедрин"),
        ("Д'Артаньян", "Д'Артаньян"),
        ("Д’Артаньян", "Д'Артаньян"),  # the typographic apostrophe word processors insert
        ("ван  дер\tБерг", "ван дер Берг"),  # the case is kept as typed
        ("Артём", "Артём"),
        ("ЛЕБЕДЕВ", "ЛЕБЕДЕВ"),
        ("Я", "Я"),
        (unicodedata.normalize("NFD", "Йодко"), "Йодко"),  # pasted from macOS as И + breve
    ],
)
def test_examples(typed: str, stored: str) -> None:
    assert normalize_person_name(typed, "last_name") == stored


def test_patronymic_may_be_absent() -> None:
    assert normalize_person_name("", "patronymic", required=False) is None
    assert normalize_person_name("  \t", "patronymic", required=False) is None
    assert normalize_person_name(" Ильич ", "patronymic", required=False) == "Ильич"


@pytest.mark.parametrize("field", ["last_name", "first_name"])
def test_last_and_first_name_are_required(field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        normalize_person_name("   ", field)
    assert caught.value.message == f"{LABELS[field]}: обязательное поле"
    assert caught.value.field == field


def test_at_most_60_characters() -> None:
    assert normalize_person_name("Я" * 60, "first_name") == "Я" * 60
    with pytest.raises(ValidationError) as caught:
        normalize_person_name("Я" * 61, "first_name")
    assert caught.value.message == "Имя: не более 60 символов"


@pytest.mark.parametrize("typed", ["-", "'", "-Анна", "Анна-", "'Анна", "Анна '"])
def test_must_begin_and_end_with_a_letter(typed: str) -> None:
    with pytest.raises(ValidationError) as caught:
        normalize_person_name(typed, "patronymic", required=False)
    assert caught.value.message == "Отчество: в начале и в конце должна быть буква"


@pytest.mark.parametrize("typed", ["Иван.", "Иван_Петров", "Іван", "Ivan", "Анна2", "О\u2019Нил!"])
def test_other_characters_are_refused(typed: str) -> None:
    with pytest.raises(ValidationError) as caught:
        normalize_person_name(typed, "first_name")
    assert caught.value.message == "Имя: только русские буквы, дефис, пробел и апостроф"
