"""Referral numbers in canonical form: digits, or letters (a series) then digits."""

from __future__ import annotations

import pytest

from crm.controllers.referrals.rules import normalize_number


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0012345", "0012345"),
        (" 77 000 123 ", "77000123"),
        ("НП-001234", "НП-001234"),
        ("нп 001234", "НП-001234"),
        ("нп001234", "НП-001234"),
        ("AB/12", "AB-12"),
        ("ёж№7", "ЁЖ-7"),
    ],
)
def test_accepted_numbers(typed, stored):
    assert normalize_number(typed) == stored


@pytest.mark.parametrize(
    "typed", ["", "   ", "АБВ", "12-АБ", "1234/АБ", "А-Б-1", "12.5", "АБВГДЕЖЗИКЛ1", "1" * 41]
)
def test_refused_numbers(typed):
    assert normalize_number(typed) is None
