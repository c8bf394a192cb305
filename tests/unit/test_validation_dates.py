"""Dates typed as ДД.ММ.ГГГГ (or ISO), and the limits of a birth date."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crm.controllers.errors import ValidationError
from crm.controllers.validation import add_years, check_birth_date, format_date, parse_date

FAST = settings(max_examples=200, deadline=None)
TODAY = dt.date(2026, 11, 5)
any_date = st.dates(dt.date(1000, 1, 1), dt.date(9999, 12, 31))


@pytest.mark.parametrize(
    "typed", ["05.11.2026", "5.11.2026", " 05.11.2026 ", "2026-11-05", "\t05.11.2026"]
)
def test_accepted_forms(typed: str) -> None:
    assert parse_date(typed, "birth_date") == TODAY


def test_short_day_and_month() -> None:
    assert parse_date("1.2.1990", "birth_date") == dt.date(1990, 2, 1)


@FAST
@given(any_date)
def test_round_trip(day: dt.date) -> None:
    assert parse_date(format_date(day), "birth_date") == day
    assert parse_date(day.isoformat(), "birth_date") == day
    assert parse_date(f"{day.day}.{day.month}.{day.year}", "birth_date") == day


def test_format() -> None:
    assert format_date(dt.date(2026, 1, 5)) == "05.01.2026"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("31.02.2024", "Дата рождения: такой даты нет"),
        ("29.02.2023", "Дата рождения: такой даты нет"),
        ("00.01.2000", "Дата рождения: такой даты нет"),
        ("2023-13-01", "Дата рождения: такой даты нет"),
        ("05.11.26", "Дата рождения: введите дату в виде ДД.ММ.ГГГГ"),
        ("05/11/2026", "Дата рождения: введите дату в виде ДД.ММ.ГГГГ"),
        ("5 ноября 2026", "Дата рождения: введите дату в виде ДД.ММ.ГГГГ"),
        ("005.11.2026", "Дата рождения: введите дату в виде ДД.ММ.ГГГГ"),
        ("", "Дата рождения: обязательное поле"),
        ("  ", "Дата рождения: обязательное поле"),
    ],
)
def test_refused(typed: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_date(typed, "birth_date")
    assert caught.value.message == message
    assert caught.value.field == "birth_date"


def test_the_message_names_the_field() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_date("31.02.2024", "passport_issued_on")
    assert caught.value.message == "Дата выдачи паспорта: такой даты нет"
    assert caught.value.field == "passport_issued_on"
    with pytest.raises(ValidationError) as caught:
        parse_date("?", "starts_on", label="Начало отпуска")
    assert caught.value.message == "Начало отпуска: введите дату в виде ДД.ММ.ГГГГ"
    assert caught.value.field == "starts_on"


def test_birth_date_limits() -> None:
    assert check_birth_date(TODAY, TODAY) == TODAY
    assert check_birth_date(dt.date(1900, 1, 1), TODAY) == dt.date(1900, 1, 1)
    with pytest.raises(ValidationError) as caught:
        check_birth_date(TODAY + dt.timedelta(days=1), TODAY)
    assert caught.value.message == "Дата рождения: не может быть в будущем"
    assert caught.value.field == "birth_date"
    with pytest.raises(ValidationError) as caught:
        check_birth_date(dt.date(1899, 12, 31), TODAY)
    assert caught.value.message == "Дата рождения: не раньше 01.01.1900"


def test_add_years_moves_29_february_to_1_march() -> None:
    assert add_years(dt.date(2008, 2, 29), 14) == dt.date(2022, 3, 1)
    assert add_years(dt.date(2008, 2, 29), 16) == dt.date(2024, 2, 29)
    assert add_years(dt.date(2008, 2, 28), 14) == dt.date(2022, 2, 28)
