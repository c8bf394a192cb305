"""Telephone numbers: Russian mobile or landline, stored E.164 (DOMAIN.md, Patient identity)."""

from __future__ import annotations

import re

import phonenumbers
from phonenumbers import PhoneNumberType

from crm.controllers.validation.fields import invalid, required, strip_separators
from crm.i18n import translate

# Number types a patient can be called back on; toll-free, premium-rate and the like
# are organisations' lines, not a person's.
_CALLABLE_TYPES = frozenset(
    {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE, PhoneNumberType.FIXED_LINE_OR_MOBILE}
)
# The ten digits after the country code, with whichever prefix the caller typed:
# ``+7``, ``7``, the domestic trunk prefix ``8``, or none.
_TYPED = re.compile(r"(?:\+7|7|8)?([0-9]{10})")
_E164_RU = re.compile(r"\+7([0-9]{3})([0-9]{3})([0-9]{2})([0-9]{2})")


def normalize_phone(value: str) -> str:
    """``value`` as an E.164 Russian number, ``+79161234567``.

    Spaces, dashes, parentheses and dots are ignored, so ``8 (916) 123-45-67``,
    ``+7 916 123 45 67``, ``79161234567`` and ``9161234567`` all give the same number.
    ``phonenumbers`` then decides whether such a Russian number exists: ``+7 7xx`` numbers
    are Kazakh, and ``8 800`` lines cannot be a patient's own.

    Args:
        value: what was typed.

    Returns:
        ``+7`` followed by ten digits.

    Raises:
        ValidationError: (field ``phone``) empty, not ten digits after the prefix, or
            not a Russian mobile or landline number.
    """
    if not value.strip():
        raise required("phone")
    match = _TYPED.fullmatch(strip_separators(value))
    if match is None:
        raise invalid("phone", translate("validation", "{field}: enter 10 digits after +7 or 8"))
    candidate = "+7" + match.group(1)
    number = phonenumbers.parse(candidate, "RU")
    if (
        not phonenumbers.is_valid_number(number)
        or phonenumbers.region_code_for_number(number) != "RU"
        or phonenumbers.number_type(number) not in _CALLABLE_TYPES
    ):
        raise invalid(
            "phone", translate("validation", "{field}: not a Russian mobile or landline number")
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(e164: str) -> str:
    """A stored number as shown: ``+79161234567`` → ``+7 (916) 123-45-67``.

    Every Russian number is shown as a three-digit code and seven digits, the grouping
    people dictate them in (``phonenumbers`` too groups them so, without parentheses).
    Anything else (a number stored before these checks) is returned unchanged rather
    than hidden.
    """
    match = _E164_RU.fullmatch(e164)
    if match is None:
        return e164
    code, first, second, third = match.groups()
    return f"+7 ({code}) {first}-{second}-{third}"
