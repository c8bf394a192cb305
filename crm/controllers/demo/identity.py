"""Valid-looking identity numbers for demo patients: СНИЛС, ЕНП, passports, ОГРН, phones.

Every number passes the same checks the patient card applies (DOMAIN.md), so the
demo data never trips a validator. Numbers that must be unique in the database
(СНИЛС, ЕНП, passport) come from :class:`UniqueNumbers`, a bijection of a running
counter, so uniqueness holds by construction rather than by retrying.
"""

from __future__ import annotations

import datetime as dt
import math
import random

from stdnum import luhn

# The card's own rules and types, so the demo cannot drift from what the card checks.
from crm.controllers.validation import (
    PASSPORTS_SINCE,
    SNILS_UNCHECKED_MAX,
    Passport,
    add_years,
    format_snils,  # noqa: F401 (callers import it from here)
)
from crm.controllers.validation import snils_check_number as _snils_check_number

#: Soviet passports were exchanged for Russian ones until mid-2004.
EXCHANGE_ENDED = dt.date(2004, 6, 30)
MOBILE_CODES = (
    "903",
    "905",
    "906",
    "909",
    "915",
    "916",
    "917",
    "925",
    "926",
    "929",
    "962",
    "965",
    "977",
    "985",
    "999",
)
MOSCOW_DISTRICTS = (
    "Марьино",
    "Тверской",
    "Хамовники",
    "Черемушки",
    "Люблино",
    "Сокольники",
    "Измайлово",
    "Митино",
    "Строгино",
    "Беговой",
    "Арбат",
    "Замоскворечье",
    "Тропарево-Никулино",
    "Бирюлево Восточное",
)
OBLAST_TOWNS = (
    "Химки",
    "Мытищи",
    "Балашиха",
    "Подольск",
    "Люберцы",
    "Королев",
    "Красногорск",
    "Одинцово",
)
_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


class UniqueNumbers:
    """A bijection from a counter 0, 1, 2… onto integers in ``[low, high)``.

    ``k ↦ low + (a·k + b) mod (high − low)`` with ``a`` coprime to the range is a
    permutation, so distinct counters always give distinct numbers, while ``a`` and
    ``b`` drawn from ``rng`` scatter them so consecutive patients do not get
    consecutive numbers.
    """

    def __init__(self, rng: random.Random, low: int, high: int) -> None:
        self.low = low
        self.span = high - low
        multiplier = rng.randrange(self.span // 3, 2 * self.span // 3) | 1
        while math.gcd(multiplier, self.span) != 1:
            multiplier += 2
        self.multiplier = multiplier
        self.offset = rng.randrange(self.span)

    def __call__(self, k: int) -> int:
        """The number for counter ``k`` (``0 <= k < high − low``)."""
        if not 0 <= k < self.span:
            raise ValueError(f"counter {k} outside 0..{self.span - 1}")
        return self.low + (self.multiplier * k + self.offset) % self.span


def snils_check_number(first_nine: str) -> str:
    """The two check digits of a СНИЛС whose first nine digits are ``first_nine``."""
    return f"{_snils_check_number(first_nine):02d}"


def is_valid_snils(value: str) -> bool:
    """Whether ``value`` (11 digits, canonical) is a well-formed СНИЛС with a correct check."""
    if len(value) != 11 or not value.isdigit():
        return False
    if int(value[:9]) <= SNILS_UNCHECKED_MAX:
        return True
    return snils_check_number(value[:9]) == value[9:]


def make_snils(first_nine: int) -> str:
    """The canonical 11-digit СНИЛС with the check number appended to ``first_nine``."""
    digits = f"{first_nine:09d}"
    return digits + snils_check_number(digits)


def make_enp(first_fifteen: str) -> str:
    """A unified policy number (ЕНП): ``first_fifteen`` plus its Luhn check digit."""
    return first_fifteen + luhn.calc_check_digit(first_fifteen)


def make_ogrn(first_twelve: str) -> str:
    """An ОГРН: the check digit is (the first 12 digits as a number) mod 11 mod 10."""
    return first_twelve + str(int(first_twelve) % 11 % 10)


def mobile_phone(rng: random.Random, subscriber: int) -> str:
    """A Moscow mobile number in E.164 with the 7-digit ``subscriber`` part."""
    return f"+7{rng.choice(MOBILE_CODES)}{subscriber:07d}"


def passport_issue_date(
    rng: random.Random, birth: dt.date, today: dt.date, *, stale: bool = False
) -> dt.date | None:
    """When the current passport was issued, or ``None`` for someone under 14.

    Passports are issued at 14 and replaced at 20 and 45, so the date follows the
    last of those birthdays already passed; people who were adults in 1997 got
    theirs during the exchange of Soviet passports. ``stale`` keeps an earlier
    passport that should have been replaced (the card warns about it).
    """
    milestones = [add_years(birth, age) for age in (14, 20, 45)]
    passed = [day for day in milestones if day <= today]
    if not passed:
        return None
    if stale and len(passed) >= 2 and passed[-2] >= PASSPORTS_SINCE:
        passed.pop()
    since = passed[-1]
    if since < PASSPORTS_SINCE:
        start, end = PASSPORTS_SINCE, EXCHANGE_ENDED
    else:
        start, end = since, since + dt.timedelta(days=60)
    end = min(end, today)
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def make_passport(rng: random.Random, number: int, issued_on: dt.date) -> Passport:
    """A Moscow or Moscow-region passport issued on ``issued_on`` with the 6-digit ``number``."""
    moscow = rng.random() < 0.8
    series = f"{'45' if moscow else '46'}{issued_on.year % 100:02d}"
    if moscow:
        subdivision = f"77{rng.choice('02')}-{rng.randint(1, 125):03d}"
        district = rng.choice(MOSCOW_DISTRICTS)
        if issued_on.year <= 2004:
            issued_by = f"ОВД района {district} г. Москвы"
        elif issued_on.year <= 2016:
            issued_by = f"Отделением УФМС России по гор. Москве по району {district}"
        else:
            issued_by = "ГУ МВД России по г. Москве"
    else:
        subdivision = f"500-{rng.randint(1, 180):03d}"
        town = rng.choice(OBLAST_TOWNS)
        if issued_on.year <= 2004:
            issued_by = f"УВД г. {town} Московской области"
        elif issued_on.year <= 2016:
            issued_by = f"ТП УФМС России по Московской обл. в гор. {town}"
        else:
            issued_by = "ГУ МВД России по Московской области"
    return Passport(series, f"{number:06d}", issued_on, subdivision, issued_by)


def birth_certificate_number(rng: random.Random) -> str:
    """A birth certificate number such as ``IV-МЮ 512345`` (МЮ: issued in Moscow)."""
    return f"{rng.choice(_ROMAN)}-МЮ {rng.randint(100000, 999999)}"
