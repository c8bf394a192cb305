"""Cells of the directory workbook as the text the cleaners take, whatever type a
spreadsheet gave them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from crm.controllers.directories.catalogue import DOCTORS, PRICES
from crm.controllers.directories.sheets import cell_text, header_names


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (15, "15"),
        (15.0, "15"),
        (1500.5, "1500.5"),
        (0.1 + 0.2, "0.3"),
        (Decimal("1500.00"), "1500"),
        (Decimal("99.90"), "99.90"),
        (True, "да"),
        (False, "нет"),
        (dt.date(2026, 9, 1), "01.09.2026"),
        (dt.datetime(2026, 9, 1), "01.09.2026"),
        (dt.datetime(1899, 12, 30, 9, 30), "09:30"),
        (dt.time(8, 5), "08:05"),
        (dt.timedelta(hours=13), "13:00"),
        ("  Центральный ", "Центральный"),
    ],
)
def test_a_cell_becomes_the_text_a_cleaner_takes(value: object, text: str) -> None:
    assert cell_text(value) == text


def test_a_column_is_found_by_its_title_or_its_field_name() -> None:
    names = header_names(DOCTORS)
    assert names["фамилия"] == names["last_name"] == "last_name"
    assert names["ученая степень"] == "degree", "«ё» read as «е»"
    assert names["действует"] == names["active"] == "active"
    assert "user_id" not in names.values(), "the doctor's login is not in the workbook"
    assert "active" not in header_names(PRICES).values(), "prices end by their period"
