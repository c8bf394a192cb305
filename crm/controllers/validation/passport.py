"""Passports of the Russian Federation (DOMAIN.md, Patient identity).

Series of four digits (region code and the blank's year) and a six-digit number,
written ``45 08 123456``; the issue date; the issuing subdivision's code ``NNN-NNN``;
and the issuing authority as written. A passport is issued at 14 and replaced at 20
and 45: one issued before those birthdays is out of date 90 days after them, which
the card shows as a warning, not an error (the patient is still the patient).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from crm.controllers.errors import Problems
from crm.controllers.validation.dates import add_years, format_date, parse_date
from crm.controllers.validation.fields import collapse_spaces, invalid, required, strip_separators
from crm.i18n import translate

# The first day a passport of the Russian Federation could have been issued.
PASSPORTS_SINCE = dt.date(1997, 10, 1)
# The age a first passport is issued at.
FIRST_PASSPORT_AGE = 14
# Ages at which a passport issued earlier must be replaced.
REPLACEMENT_AGES = (20, 45)
# Days after such a birthday the old passport stays valid.
REPLACEMENT_GRACE_DAYS = 90
# Longest "issued by" text kept (it is written out in full on the document).
ISSUED_BY_MAX_LENGTH = 200
_SERIES = re.compile(r"[0-9]{4}")
_NUMBER = re.compile(r"[0-9]{6}")
_SERIES_AND_NUMBER = re.compile(r"([0-9]{4})([0-9]{6})")
_SUBDIVISION = re.compile(r"([0-9]{3})([0-9]{3})")
_TAIL = re.compile(r"[0-9]{4}")


@dataclass(frozen=True)
class Passport:
    """A passport of the Russian Federation.

    Attributes:
        series: 4 digits: region code and the year of issue's last two digits.
        number: 6 digits.
        issued_on: issue date.
        subdivision: code of the issuing subdivision, ``NNN-NNN``.
        issued_by: the issuing authority as written in the passport.
    """

    series: str
    number: str
    issued_on: dt.date
    subdivision: str
    issued_by: str

    def as_json(self) -> dict[str, Any]:
        """The dictionary stored (as JSON, encrypted) in ``patient.passport_enc``."""
        return {
            "series": self.series,
            "number": self.number,
            "issued_on": self.issued_on.isoformat(),
            "subdivision": self.subdivision,
            "issued_by": self.issued_by,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Passport:
        """The passport :meth:`as_json` stored (decrypted and parsed by the caller)."""
        return cls(
            series=str(data["series"]),
            number=str(data["number"]),
            issued_on=dt.date.fromisoformat(str(data["issued_on"])),
            subdivision=str(data["subdivision"]),
            issued_by=str(data["issued_by"]),
        )


def split_passport_number(text: str) -> tuple[str, str]:
    """Series and number typed in one box: ``45 08 123456``, ``4508 123456``, ``4508123456``.

    Spaces, dashes and a number sign are ignored.

    Returns:
        ``(series, number)``: four and six digits.

    Raises:
        ValidationError: (field ``passport_series``) not ten digits in all.
    """
    match = _SERIES_AND_NUMBER.fullmatch(strip_separators(text.replace("№", "")))
    if match is None:
        raise invalid(
            "passport_series",
            translate("validation", "{field}: 4 digits of the series and 6 of the number"),
        )
    return match.group(1), match.group(2)


def check_passport(
    series: str,
    number: str,
    issued_on: dt.date,
    subdivision: str,
    issued_by: str,
    *,
    birth_date: dt.date | None,
    today: dt.date,
) -> tuple[Passport, list[str]]:
    """Check a passport as typed and return it in canonical form with its warnings.

    Args:
        series: four digits (spaces ignored: ``45 08``).
        number: six digits.
        issued_on: the issue date.
        subdivision: the subdivision code, ``770-001`` or ``770001``.
        issued_by: the issuing authority; trimmed, single spaces.
        birth_date: the holder's birth date, if known: the age rules need it.
        today: the current day at the clinic.

    Returns:
        The passport, and warnings to show (the passport is accepted anyway):
        «паспорт подлежит замене» when it was issued before the holder's 20th (45th)
        birthday and more than 90 days have passed since that birthday.

    Raises:
        FormInvalid: (a :class:`ValidationError` naming the first) every one of: a bad
            series (``passport_series``), number (``passport_number``), subdivision
            code (``passport_subdivision``) or empty issuing authority
            (``passport_issued_by``); an issue date (``passport_issued_on``) in the future,
            before 01.10.1997 or before the holder's 14th birthday.
    """
    return check_typed_passport(
        (series, number), issued_on, subdivision, issued_by, birth_date=birth_date, today=today
    )


def check_typed_passport(
    series_and_number: str | tuple[str, str],
    issued_on: dt.date | str,
    subdivision: str,
    issued_by: str,
    *,
    birth_date: dt.date | None,
    today: dt.date,
) -> tuple[Passport, list[str]]:
    """:func:`check_passport` over the card's boxes as typed, every problem at once.

    ``series_and_number`` is the one box (``45 08 123456``) or a ``(series, number)``
    pair; ``issued_on`` is the typed date (``ДД.ММ.ГГГГ``) or a date. Each part is
    checked whatever is wrong with the others: a future issue date is reported
    together with an empty subdivision code, not after it is filled.

    Raises:
        FormInvalid: every bad part, each under its field (first in the card's order).
    """
    problems = Problems()
    if isinstance(series_and_number, str):
        split = problems.check("passport_series", split_passport_number, series_and_number)
        series_digits, number_digits = split if split else (None, None)
    else:
        series_digits = problems.check("passport_series", _series, series_and_number[0])
        number_digits = problems.check("passport_number", _number, series_and_number[1])
    if isinstance(issued_on, str):
        issued_on = problems.check(
            "passport_issued_on", parse_date, issued_on, "passport_issued_on"
        )
    if isinstance(issued_on, dt.date):
        problems.check("passport_issued_on", _check_issue_date, issued_on, birth_date, today)
    code = problems.check("passport_subdivision", _subdivision, subdivision)
    authority = problems.check("passport_issued_by", _authority, issued_by)
    problems.raise_any()
    assert series_digits and number_digits and isinstance(issued_on, dt.date)
    passport = Passport(series_digits, number_digits, issued_on, code, authority)
    warnings: list[str] = []
    if birth_date is not None and (age := replacement_age(issued_on, birth_date, today)):
        warnings.append(
            translate("validation", "Passport due for replacement: the holder turned {age}").format(
                age=age
            )
        )
    return passport, warnings


def _series(series: str) -> str:
    digits = strip_separators(series)
    if not _SERIES.fullmatch(digits):
        raise invalid("passport_series", translate("validation", "Passport series: 4 digits"))
    return digits


def _number(number: str) -> str:
    digits = strip_separators(number.replace("№", ""))
    if not _NUMBER.fullmatch(digits):
        raise invalid("passport_number", translate("validation", "Passport number: 6 digits"))
    return digits


def _subdivision(subdivision: str) -> str:
    match = _SUBDIVISION.fullmatch(strip_separators(subdivision))
    if match is None:
        raise invalid(
            "passport_subdivision",
            translate("validation", "Subdivision code: 6 digits written as NNN-NNN"),
        )
    return "-".join(match.groups())


def _authority(issued_by: str) -> str:
    authority = collapse_spaces(issued_by)
    if not authority:
        raise required("passport_issued_by")
    if len(authority) > ISSUED_BY_MAX_LENGTH:
        raise invalid(
            "passport_issued_by",
            translate("validation", "{field}: at most {n} characters"),
            n=ISSUED_BY_MAX_LENGTH,
        )
    return authority


def replacement_age(issued_on: dt.date, birth_date: dt.date, today: dt.date) -> int | None:
    """The birthday (20 or 45) after which a passport should have been replaced, or ``None``.

    A passport issued before the holder's 20th birthday stays valid for 90 days after
    it, so it is out of date from the 91st day on; the same at 45. When both apply (a
    passport from before 20 kept past 45) the later one is named.
    """
    for age in reversed(REPLACEMENT_AGES):
        birthday = add_years(birth_date, age)
        if issued_on < birthday and (today - birthday).days > REPLACEMENT_GRACE_DAYS:
            return age
    return None


def _check_issue_date(issued_on: dt.date, birth_date: dt.date | None, today: dt.date) -> None:
    """Refuse an issue date a passport of the Russian Federation cannot have."""
    if issued_on > today:
        raise invalid(
            "passport_issued_on", translate("validation", "{field}: cannot be in the future")
        )
    if issued_on < PASSPORTS_SINCE:
        raise invalid(
            "passport_issued_on",
            translate("validation", "{field}: not earlier than {date}"),
            date=format_date(PASSPORTS_SINCE),
        )
    if birth_date is not None and issued_on < add_years(birth_date, FIRST_PASSPORT_AGE):
        raise invalid(
            "passport_issued_on",
            translate("validation", "{field}: before the holder's 14th birthday"),
        )


def format_passport(passport: Passport) -> str:
    """Series and number as printed in the passport: ``45 08 123456``."""
    return f"{passport.series[:2]} {passport.series[2:]} {passport.number}"


def mask_passport(tail4: str) -> str:
    """The masked passport for roles that may not see it: ``3456`` → ``** ** **3456``.

    Args:
        tail4: the number's last four digits, as stored in ``patient.passport_tail``.

    Raises:
        ValueError: ``tail4`` is not four digits.
    """
    if not _TAIL.fullmatch(tail4):
        raise ValueError(f"expected the last four digits of a passport number, got {tail4!r}")
    return f"** ** **{tail4}"
