"""ОМС policies: the unified number, old-style policies, temporary certificates.

DOMAIN.md, Patient identity: a unified policy number (ЕНП) has 16 digits, the last a
Luhn check digit (FFOMS order of 2011); an old-style policy has a series of up to ten
characters and a number of up to sixteen digits, checked for format only; a temporary
certificate (временное свидетельство) has nine digits and an end date.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from stdnum import luhn

from crm.controllers.validation.fields import invalid, strip_separators
from crm.i18n import translate
from crm.models.enums import PolicyKind

_UNIFIED = re.compile(r"[0-9]{16}")
_OLD_NUMBER = re.compile(r"[0-9]{1,16}")
_TEMPORARY = re.compile(r"[0-9]{9}")
# Old-style series mix Cyrillic and Latin capitals with digits (``ЕАА``, ``77 01``, ``AB``).
_OLD_SERIES = re.compile(r"[0-9A-ZА-ЯЁ]{1,10}")


@dataclass(frozen=True)
class Policy:
    """A checked ОМС policy in canonical form.

    Attributes:
        kind: unified number, old-style policy or temporary certificate.
        number: digits only.
        series: the old-style policy's series (capitals and digits), otherwise ``None``.
        ends_on: the last day the policy is valid, if it has one (temporary certificates
            always do).
    """

    kind: PolicyKind
    number: str
    series: str | None = None
    ends_on: dt.date | None = None


def check_policy(
    kind: PolicyKind,
    number: str,
    *,
    series: str | None = None,
    ends_on: dt.date | None = None,
) -> Policy:
    """Check a policy as typed and return it in canonical form.

    Spaces and dashes are ignored in the number and the series; the series is put in
    capitals.

    Args:
        kind: the kind chosen on the card.
        number: the number as typed.
        series: the series; only old-style policies have one.
        ends_on: the end date; required for a temporary certificate.

    Raises:
        ValidationError: with field ``policy_number`` for a number of the wrong form or,
            for a unified number, a wrong check digit; ``policy_series`` for a bad series
            or a series on a policy that has none; ``policy_ends_on`` for a temporary
            certificate without an end date.
    """
    digits = strip_separators(number)
    typed_series = strip_separators(series or "").upper() or None
    if kind is PolicyKind.UNIFIED:
        if not _UNIFIED.fullmatch(digits):
            raise invalid(
                "policy_number",
                translate("validation", "Policy number: a unified number has 16 digits"),
            )
        # Luhn catches every single mistyped digit and most swaps of neighbouring ones.
        if not luhn.is_valid(digits):
            raise invalid(
                "policy_number", translate("validation", "Policy number: wrong check digit")
            )
    elif kind is PolicyKind.OLD:
        if not _OLD_NUMBER.fullmatch(digits):
            raise invalid(
                "policy_number",
                translate("validation", "Policy number: up to 16 digits for an old-style policy"),
            )
        if typed_series is not None and not _OLD_SERIES.fullmatch(typed_series):
            raise invalid(
                "policy_series",
                translate("validation", "Policy series: up to 10 letters and digits"),
            )
    else:
        if not _TEMPORARY.fullmatch(digits):
            raise invalid(
                "policy_number",
                translate("validation", "Policy number: a temporary certificate has 9 digits"),
            )
        if ends_on is None:
            raise invalid(
                "policy_ends_on",
                translate("validation", "Policy end date: required for a temporary certificate"),
            )
    if kind is not PolicyKind.OLD and typed_series is not None:
        # Refused rather than dropped: a series here usually means the wrong kind was
        # chosen, and silently discarding what was typed would hide that.
        raise invalid(
            "policy_series",
            translate("validation", "Policy series: only old-style policies have a series"),
        )
    return Policy(kind, digits, typed_series, ends_on)


def format_policy(policy: Policy) -> str:
    """The policy's series and number as shown on the card and the ticket.

    A unified number is grouped by four digits as on the policy card
    (``7700 0000 0000 0016``), a temporary certificate by three (``123 456 789``),
    an old-style policy is its series and number (``ЕАА 12345678``).
    """
    number = policy.number
    if policy.kind is PolicyKind.UNIFIED:
        return " ".join(number[start : start + 4] for start in range(0, len(number), 4))
    if policy.kind is PolicyKind.TEMPORARY:
        return " ".join(number[start : start + 3] for start in range(0, len(number), 3))
    return f"{policy.series} {number}" if policy.series else number
