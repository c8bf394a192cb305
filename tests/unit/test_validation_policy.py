"""ОМС policies: ЕНП with its Luhn digit, old-style policies, temporary certificates."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import luhn

from crm.controllers.errors import ValidationError
from crm.controllers.validation import Policy, check_policy, format_policy
from crm.models.enums import PolicyKind

FAST = settings(max_examples=200, deadline=None)
ENP = "7700000000000016"

unified_numbers = st.text("0123456789", min_size=15, max_size=15).map(
    lambda first: first + luhn.calc_check_digit(first)
)


def refusal(kind: PolicyKind, number: str, **kwargs: Any) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        check_policy(kind, number, **kwargs)
    return caught.value


def test_unified_number() -> None:
    policy = check_policy(PolicyKind.UNIFIED, "7700 0000 0000 0016")
    assert policy == Policy(PolicyKind.UNIFIED, ENP, None, None)
    assert format_policy(policy) == "7700 0000 0000 0016"
    ends = dt.date(2030, 1, 1)
    assert check_policy(PolicyKind.UNIFIED, ENP, ends_on=ends).ends_on == ends


@FAST
@given(unified_numbers, st.sampled_from(["", " ", "-"]))
def test_unified_numbers_round_trip(number: str, separator: str) -> None:
    typed = separator.join(number[i : i + 4] for i in range(0, 16, 4))
    policy = check_policy(PolicyKind.UNIFIED, typed)
    assert policy.number == number
    assert check_policy(PolicyKind.UNIFIED, format_policy(policy)) == policy


@FAST
@given(unified_numbers, st.integers(0, 15), st.integers(1, 9))
def test_any_single_wrong_digit_is_caught(number: str, position: int, shift: int) -> None:
    digit = (int(number[position]) + shift) % 10
    corrupted = number[:position] + str(digit) + number[position + 1 :]
    error = refusal(PolicyKind.UNIFIED, corrupted)
    assert error.message == "Номер полиса: неверная контрольная цифра"
    assert error.field == "policy_number"


@pytest.mark.parametrize(
    "typed", ["", "770000000000001", "77000000000000160", "7700 0000 0000 001A"]
)
def test_unified_number_needs_16_digits(typed: str) -> None:
    error = refusal(PolicyKind.UNIFIED, typed)
    assert error.message == "Номер полиса: в едином номере 16 цифр"
    assert error.field == "policy_number"


def test_only_old_style_policies_have_a_series() -> None:
    error = refusal(PolicyKind.UNIFIED, ENP, series="ЕАА")
    assert error.field == "policy_series"
    assert error.message == "Серия полиса: серия есть только у полиса старого образца"
    error = refusal(PolicyKind.TEMPORARY, "123456789", series="ЕАА", ends_on=dt.date(2030, 1, 1))
    assert error.field == "policy_series"
    # An empty series box is no series at all.
    assert check_policy(PolicyKind.UNIFIED, ENP, series="  ").series is None


@pytest.mark.parametrize(
    ("series", "number", "canonical", "shown"),
    [
        ("еаа", "123 456 78", Policy(PolicyKind.OLD, "12345678", "ЕАА"), "ЕАА 12345678"),
        ("77 01", "1", Policy(PolicyKind.OLD, "1", "7701"), "7701 1"),
        ("AB-12", "1" * 16, Policy(PolicyKind.OLD, "1" * 16, "AB12"), "AB12 " + "1" * 16),
        (None, "0012345", Policy(PolicyKind.OLD, "0012345"), "0012345"),
        ("ЁЖ1234567X", "42", Policy(PolicyKind.OLD, "42", "ЁЖ1234567X"), "ЁЖ1234567X 42"),
    ],
)
def test_old_style_policy(series: str | None, number: str, canonical: Policy, shown: str) -> None:
    policy = check_policy(PolicyKind.OLD, number, series=series)
    assert policy == canonical
    assert format_policy(policy) == shown


@pytest.mark.parametrize("number", ["", "1" * 17, "12345A"])
def test_old_style_number_up_to_16_digits(number: str) -> None:
    error = refusal(PolicyKind.OLD, number, series="ЕАА")
    assert error.message == "Номер полиса: у полиса старого образца не более 16 цифр"
    assert error.field == "policy_number"


@pytest.mark.parametrize("series", ["ABCDEFGHIJK", "ЕА/А", "№1"])
def test_old_style_series_up_to_10_letters_and_digits(series: str) -> None:
    error = refusal(PolicyKind.OLD, "12345678", series=series)
    assert error.message == "Серия полиса: не более 10 букв и цифр"
    assert error.field == "policy_series"


def test_temporary_certificate() -> None:
    ends = dt.date(2026, 12, 31)
    policy = check_policy(PolicyKind.TEMPORARY, "123-456-789", ends_on=ends)
    assert policy == Policy(PolicyKind.TEMPORARY, "123456789", None, ends)
    assert format_policy(policy) == "123 456 789"


def test_temporary_certificate_needs_an_end_date() -> None:
    error = refusal(PolicyKind.TEMPORARY, "123456789")
    assert error.message == "Дата окончания полиса: обязательна для временного свидетельства"
    assert error.field == "policy_ends_on"


@pytest.mark.parametrize("number", ["12345678", "1234567890", ENP])
def test_temporary_certificate_has_9_digits(number: str) -> None:
    error = refusal(PolicyKind.TEMPORARY, number, ends_on=dt.date(2026, 12, 31))
    assert error.message == "Номер полиса: у временного свидетельства 9 цифр"
    assert error.field == "policy_number"


def test_policy_is_frozen() -> None:
    policy = check_policy(PolicyKind.UNIFIED, ENP)
    with pytest.raises(AttributeError):
        policy.number = "1"  # type: ignore[misc]
