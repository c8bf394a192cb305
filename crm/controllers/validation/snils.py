"""СНИЛС, the insurance number of an individual's personal account (DOMAIN.md, Patient identity).

Eleven digits written ``XXX-XXX-XXX YY``: nine digits of the number and a two-digit
check number computed from them. The card stores the canonical digits (encrypted, with
a keyed hash for search) and the last five in clear for masked display.
"""

from __future__ import annotations

import re

from crm.controllers.validation.fields import invalid, strip_separators
from crm.i18n import translate

# The first nine digits of the last number issued before check numbers were introduced:
# numbers up to 001-001-998 are not checked.
SNILS_UNCHECKED_MAX = 1_001_998
_ELEVEN_DIGITS = re.compile(r"[0-9]{11}")
_NINE_DIGITS = re.compile(r"[0-9]{9}")
_TAIL = re.compile(r"[0-9]{5}")


def snils_check_number(first_nine: str) -> int:
    """The check number (0–99) of a СНИЛС whose first nine digits are ``first_nine``.

    s = Σ dᵢ·(10 − i) for i = 1..9 (weights 9 down to 1). Below 100 the check number
    is s; 100 and 101 give 0; above 101 it is s mod 101, where a remainder of 100 again
    gives 0.

    Args:
        first_nine: exactly nine digits.

    Raises:
        ValueError: ``first_nine`` is not nine digits (a programming error, not input).
    """
    if not _NINE_DIGITS.fullmatch(first_nine):
        raise ValueError(f"expected nine digits, got {first_nine!r}")
    total = sum(int(digit) * (9 - position) for position, digit in enumerate(first_nine))
    if total < 100:
        return total
    if total in (100, 101):
        return 0
    return total % 101 % 100  # a remainder of 100 is written 00


def normalize_snils(value: str) -> str:
    """``value`` as the canonical eleven digits, ``11223344595``.

    Spaces and dashes are ignored, so ``112-233-445 95``, ``112 233 445 95`` and
    ``11223344595`` are the same number.

    Raises:
        ValidationError: (field ``snils``) not eleven digits, or a wrong check number
            for a number above 001-001-998.
    """
    digits = strip_separators(value)
    if not _ELEVEN_DIGITS.fullmatch(digits):
        raise invalid("snils", translate("validation", "SNILS: 11 digits are needed"))
    number, check = digits[:9], int(digits[9:])
    if int(number) > SNILS_UNCHECKED_MAX and check != snils_check_number(number):
        raise invalid("snils", translate("validation", "SNILS: wrong check number"))
    return digits


def format_snils(digits: str) -> str:
    """Canonical digits as written on the card: ``11223344595`` → ``112-233-445 95``."""
    return f"{digits[:3]}-{digits[3:6]}-{digits[6:9]} {digits[9:]}"


def mask_snils(tail5: str) -> str:
    """The masked СНИЛС for roles that may not see it: ``44595`` → ``***-***-445 95``.

    Args:
        tail5: the last five digits, as stored in ``patient.snils_tail``.

    Raises:
        ValueError: ``tail5`` is not five digits.
    """
    if not _TAIL.fullmatch(tail5):
        raise ValueError(f"expected the last five digits of a SNILS, got {tail5!r}")
    return f"***-***-{tail5[:3]} {tail5[3:]}"
