"""Dates typed as ДД.ММ.ГГГГ, and the birth date's limits (DOMAIN.md, Patient identity)."""

from __future__ import annotations

import datetime as dt
import re

from crm.controllers.validation.fields import invalid, required
from crm.i18n import translate

# The earliest birth date a card accepts (also a CHECK constraint on ``patient``).
EARLIEST_BIRTH_DATE = dt.date(1900, 1, 1)
_RUSSIAN = re.compile(r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})")
_ISO = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")


def parse_date(text: str, field: str, *, label: str | None = None) -> dt.date:
    """The date typed in ``text``.

    Accepts ``ДД.ММ.ГГГГ`` (the way the desk writes dates), ``Д.М.ГГГГ`` and ISO
    ``ГГГГ-ММ-ДД`` (what scanners and pasted exports give). Two-digit years are refused:
    for a birth date ``01.02.25`` could be 1925 or 2025.

    Args:
        text: what was typed; surrounding spaces are ignored.
        field: the model attribute, e.g. ``"birth_date"`` (names the field in messages).
        label: the field's name in messages when ``field`` has no label of its own.

    Raises:
        ValidationError: empty, in another format, or a day that does not exist
            (``31.02.2024``).
    """
    value = text.strip()
    if not value:
        raise required(field, label=label)
    if match := _RUSSIAN.fullmatch(value):
        day, month, year = (int(part) for part in match.groups())
    elif match := _ISO.fullmatch(value):
        year, month, day = (int(part) for part in match.groups())
    else:
        raise invalid(
            field, translate("validation", "{field}: enter the date as DD.MM.YYYY"), label=label
        )
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise invalid(
            field, translate("validation", "{field}: there is no such date"), label=label
        ) from None


def format_date(value: dt.date) -> str:
    """``value`` as the desk writes it: ``05.11.2026``."""
    return f"{value.day:02d}.{value.month:02d}.{value.year:04d}"


def check_birth_date(value: dt.date, today: dt.date) -> dt.date:
    """``value`` if it can be a patient's birth date.

    Args:
        value: the birth date.
        today: the current day at the clinic (passed in so the rule is testable).

    Raises:
        ValidationError: (field ``birth_date``) in the future or before 01.01.1900.
    """
    if value > today:
        raise invalid("birth_date", translate("validation", "{field}: cannot be in the future"))
    if value < EARLIEST_BIRTH_DATE:
        raise invalid(
            "birth_date",
            translate("validation", "{field}: not earlier than {date}"),
            date=format_date(EARLIEST_BIRTH_DATE),
        )
    return value


def add_years(day: dt.date, years: int) -> dt.date:
    """``day`` moved by ``years``, e.g. the date of someone's 14th birthday.

    29 February becomes 1 March in common years (the same rule as the demo generator's,
    so demo passports issued on a 14th birthday pass the passport check).
    """
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return dt.date(day.year + years, 3, 1)
