"""Passports of the Russian Federation: format, issue-date rules and the replacement warning."""

from __future__ import annotations

import datetime as dt
import json
import random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crm.controllers.demo import identity
from crm.controllers.errors import ValidationError
from crm.controllers.validation import (
    PASSPORTS_SINCE,
    Passport,
    add_years,
    check_passport,
    format_passport,
    mask_passport,
    split_passport_number,
)

FAST = settings(max_examples=200, deadline=None)
TODAY = dt.date(2026, 11, 5)
BIRTH = dt.date(1980, 3, 15)
REPLACE = "Паспорт подлежит замене"
BEFORE_14 = "Дата выдачи паспорта: раньше, чем владельцу исполнилось 14 лет"


def check(
    issued_on: dt.date,
    *,
    birth_date: dt.date | None = BIRTH,
    today: dt.date = TODAY,
    series: str = "45 08",
    number: str = "123456",
    subdivision: str = "770-001",
    issued_by: str = "ОВД района Марьино г. Москвы",
) -> tuple[Passport, list[str]]:
    return check_passport(
        series, number, issued_on, subdivision, issued_by, birth_date=birth_date, today=today
    )


def refusal(issued_on: dt.date = dt.date(2025, 3, 20), **kwargs: Any) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        check(issued_on, **kwargs)
    return caught.value


def test_a_current_passport() -> None:
    passport, warnings = check(
        dt.date(2025, 3, 20), series="4508", subdivision="770001", issued_by="  ГУ  МВД России "
    )
    assert passport == Passport("4508", "123456", dt.date(2025, 3, 20), "770-001", "ГУ МВД России")
    assert warnings == []
    assert format_passport(passport) == "45 08 123456"


def test_json_round_trip_with_the_keys_the_demo_stores() -> None:
    passport, _ = check(dt.date(2025, 3, 20))
    data = passport.as_json()
    assert set(data) == {"series", "number", "issued_on", "subdivision", "issued_by"}
    assert data["issued_on"] == "2025-03-20"
    assert Passport.from_json(json.loads(json.dumps(data, ensure_ascii=False))) == passport


def test_demo_passports_are_the_same_type_and_pass_the_checks() -> None:
    assert identity.Passport is Passport
    rng = random.Random(5)
    for k in range(500):
        birth = dt.date(1935, 1, 1) + dt.timedelta(days=rng.randint(0, 33_000))
        issued = identity.passport_issue_date(rng, birth, TODAY, stale=k % 7 == 0)
        if issued is None:
            continue
        made = identity.make_passport(rng, 100_000 + k, issued)
        passport, _ = check_passport(
            made.series,
            made.number,
            made.issued_on,
            made.subdivision,
            made.issued_by,
            birth_date=birth,
            today=TODAY,
        )
        assert passport == made


def test_mask() -> None:
    assert mask_passport("3456") == "** ** **3456"
    with pytest.raises(ValueError):
        mask_passport("456")


@pytest.mark.parametrize("typed", ["45 08 123456", "4508 123456", "4508123456", "45-08 №123456"])
def test_split_series_and_number(typed: str) -> None:
    assert split_passport_number(typed) == ("4508", "123456")


@pytest.mark.parametrize("typed", ["", "45 08 12345", "45 08 1234567", "45 0A 123456"])
def test_split_refuses_anything_but_ten_digits(typed: str) -> None:
    with pytest.raises(ValidationError) as caught:
        split_passport_number(typed)
    assert caught.value.message == "Серия и номер паспорта: 4 цифры серии и 6 цифр номера"
    assert caught.value.field == "passport_series"


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"series": "450"}, "passport_series", "Серия паспорта: 4 цифры"),
        ({"series": "45 0 8 1"}, "passport_series", "Серия паспорта: 4 цифры"),
        ({"number": "12345"}, "passport_number", "Номер паспорта: 6 цифр"),
        ({"number": "12345X"}, "passport_number", "Номер паспорта: 6 цифр"),
        (
            {"subdivision": "77-001"},
            "passport_subdivision",
            "Код подразделения: 6 цифр в виде 000-000",
        ),
        ({"issued_by": "  "}, "passport_issued_by", "Кем выдан паспорт: обязательное поле"),
        (
            {"issued_by": "О" * 201},
            "passport_issued_by",
            "Кем выдан паспорт: не более 200 символов",
        ),
    ],
)
def test_format_errors(kwargs: dict[str, Any], field: str, message: str) -> None:
    error = refusal(**kwargs)
    assert (error.field, error.message) == (field, message)


def test_issue_date_not_in_the_future() -> None:
    assert check(TODAY)[0].issued_on == TODAY
    error = refusal(TODAY + dt.timedelta(days=1))
    assert error.field == "passport_issued_on"
    assert error.message == "Дата выдачи паспорта: не может быть в будущем"


def test_issue_date_not_before_1_october_1997() -> None:
    birth = dt.date(1960, 1, 1)
    assert check(dt.date(1997, 10, 1), birth_date=birth)[0].issued_on == PASSPORTS_SINCE
    error = refusal(dt.date(1997, 9, 30), birth_date=birth)
    assert error.field == "passport_issued_on"
    assert error.message == "Дата выдачи паспорта: не раньше 01.10.1997"


@FAST
@given(st.dates(dt.date(1984, 1, 1), dt.date(2012, 11, 5)))
def test_issue_date_from_the_14th_birthday(birth: dt.date) -> None:
    fourteenth = add_years(birth, 14)
    assert check(fourteenth, birth_date=birth)[0].issued_on == fourteenth
    error = refusal(fourteenth - dt.timedelta(days=1), birth_date=birth)
    assert error.field == "passport_issued_on"
    assert error.message == BEFORE_14


def test_14th_birthday_of_someone_born_on_29_february() -> None:
    birth = dt.date(2008, 2, 29)
    assert check(dt.date(2022, 3, 1), birth_date=birth)[1] == []
    assert refusal(dt.date(2022, 2, 28), birth_date=birth).message == BEFORE_14


def test_without_a_birth_date_the_age_rules_are_skipped() -> None:
    assert check(dt.date(2000, 1, 1), birth_date=None) == (check(dt.date(2000, 1, 1))[0], [])


@FAST
@given(
    st.dates(dt.date(1983, 10, 1), dt.date(2006, 1, 1)),
    st.integers(0, 6 * 365 - 1),
    st.integers(0, 400),
)
def test_replacement_warning_from_the_91st_day_after_the_20th_birthday(
    birth: dt.date, issued_after_14: int, days_after_20: int
) -> None:
    fourteenth, twentieth = add_years(birth, 14), add_years(birth, 20)
    issued = min(fourteenth + dt.timedelta(days=issued_after_14), twentieth - dt.timedelta(days=1))
    today = twentieth + dt.timedelta(days=days_after_20)
    _passport, warnings = check(issued, birth_date=birth, today=today)
    if days_after_20 >= 91:
        assert warnings == [f"{REPLACE}: владельцу исполнилось 20 лет"]
    else:
        assert warnings == []
    # A passport issued on or after the 20th birthday is the replacement: no warning.
    assert check(twentieth, birth_date=birth, today=today)[1] == []


@pytest.mark.parametrize(("days", "warned"), [(0, False), (90, False), (91, True), (92, True)])
def test_replacement_warning_at_45(days: int, warned: bool) -> None:
    birth = dt.date(1960, 6, 10)
    forty_fifth = add_years(birth, 45)
    today = forty_fifth + dt.timedelta(days=days)
    _passport, warnings = check(dt.date(2001, 7, 1), birth_date=birth, today=today)
    assert warnings == ([f"{REPLACE}: владельцу исполнилось 45 лет"] if warned else [])
    assert check(forty_fifth, birth_date=birth, today=today)[1] == []


def test_a_passport_from_before_20_kept_past_45_names_45() -> None:
    birth = dt.date(1979, 1, 10)
    warnings = check(dt.date(1998, 5, 1), birth_date=birth, today=dt.date(2026, 11, 5))[1]
    assert warnings == [f"{REPLACE}: владельцу исполнилось 45 лет"]
    assert "паспорт подлежит замене" in warnings[0].lower()
