"""Checks of what the desk types into a card or a referral (DOMAIN.md, Patient identity).

Pure functions: no database, no Qt. Each one normalises the input first (trims it,
drops the separators people type inside numbers), then checks it, and returns the
canonical value to store or raises :class:`~crm.controllers.errors.ValidationError`
whose ``field`` is the model attribute and whose message names that field in the
current language («СНИЛС: неверная контрольная сумма»). ``format_*`` and ``mask_*``
turn stored values back into what the card shows.

Shared below every domain: imports only :mod:`crm.controllers.errors`.
"""

from __future__ import annotations

from crm.controllers.validation.dates import (
    EARLIEST_BIRTH_DATE,
    add_years,
    check_birth_date,
    format_date,
    parse_date,
)
from crm.controllers.validation.documents import (
    OTHER_DOCUMENT_MAX_LENGTH,
    check_other_document,
    normalize_diagnosis_code,
    normalize_ogrn,
    ogrn_is_valid,
    other_document_label,
)
from crm.controllers.validation.fields import field_label
from crm.controllers.validation.names import NAME_MAX_LENGTH, normalize_person_name
from crm.controllers.validation.passport import (
    PASSPORTS_SINCE,
    Passport,
    check_passport,
    check_typed_passport,
    format_passport,
    mask_passport,
    replacement_age,
    split_passport_number,
)
from crm.controllers.validation.phones import format_phone, normalize_phone
from crm.controllers.validation.policy import Policy, check_policy, format_policy
from crm.controllers.validation.snils import (
    SNILS_UNCHECKED_MAX,
    format_snils,
    mask_snils,
    normalize_snils,
    snils_check_number,
)

__all__ = [
    "EARLIEST_BIRTH_DATE",
    "NAME_MAX_LENGTH",
    "OTHER_DOCUMENT_MAX_LENGTH",
    "PASSPORTS_SINCE",
    "SNILS_UNCHECKED_MAX",
    "Passport",
    "Policy",
    "add_years",
    "check_birth_date",
    "check_other_document",
    "check_passport",
    "check_typed_passport",
    "check_policy",
    "field_label",
    "format_date",
    "format_passport",
    "format_phone",
    "format_policy",
    "format_snils",
    "mask_passport",
    "mask_snils",
    "normalize_diagnosis_code",
    "normalize_ogrn",
    "normalize_person_name",
    "normalize_phone",
    "normalize_snils",
    "ogrn_is_valid",
    "other_document_label",
    "parse_date",
    "replacement_age",
    "snils_check_number",
    "split_passport_number",
]
