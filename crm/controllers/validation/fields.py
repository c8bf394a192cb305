"""What the validators share: field labels, the error they raise, separator stripping.

Every message names the field it is about (DOMAIN.md, Patient identity), so the
label of each model attribute lives here once, translated in context ``validation``.

The validators match digits as ``[0-9]``, never ``\\d``: that would also take
Arabic-Indic or fullwidth digits, and a number stored with them would hash (and so
search and deduplicate) differently from the same number typed in ASCII.
"""

from __future__ import annotations

import re

from crm.controllers.errors import ValidationError
from crm.i18n import translate

# Separators people type inside numbers (spaces of any kind, dashes of any kind,
# parentheses, dots): removed before a number is checked.
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—−().]+")


def field_label(field: str) -> str:
    """The user-facing name of the model attribute ``field``, in the current language.

    Args:
        field: a model attribute name such as ``"last_name"`` or ``"passport_issued_on"``.

    Returns:
        The label, or the generic "Value" for an attribute without one.
    """
    # Built on each call rather than at import so that a language switched after import
    # (``--lang en``, the tests' fixture) is honoured.
    labels = {
        "last_name": translate("validation", "Last name"),
        "first_name": translate("validation", "First name"),
        "patronymic": translate("validation", "Patronymic"),
        "birth_date": translate("validation", "Birth date"),
        "phone": translate("validation", "Phone"),
        "snils": translate("validation", "SNILS"),
        "policy_number": translate("validation", "Policy number"),
        "policy_series": translate("validation", "Policy series"),
        "policy_ends_on": translate("validation", "Policy end date"),
        "passport_series": translate("validation", "Passport series and number"),
        "passport_number": translate("validation", "Passport number"),
        "passport_issued_on": translate("validation", "Passport issue date"),
        "passport_subdivision": translate("validation", "Subdivision code"),
        "passport_issued_by": translate("validation", "Issued by"),
        "other_document": translate("validation", "Document number"),
        "ogrn": translate("validation", "OGRN"),
        "diagnosis_code": translate("validation", "Diagnosis (ICD-10)"),
        "issued_on": translate("validation", "Issue date"),
    }
    return labels.get(field) or translate("validation", "Value")


def invalid(
    field: str, message: str, *, label: str | None = None, **values: object
) -> ValidationError:
    """A :class:`ValidationError` for ``field`` whose text is ``message`` formatted.

    Args:
        field: the model attribute the error is about (kept on the error for the form
            to highlight the input).
        message: an already translated text; ``{field}`` in it becomes the field's label.
        label: the name to show instead of :func:`field_label` (for fields of other
            modules that have no label here).
        **values: other placeholders of ``message``.
    """
    name = field_label(field) if label is None else label
    return ValidationError(message.format(field=name, **values), field=field)


def required(field: str, *, label: str | None = None) -> ValidationError:
    """The error for an empty mandatory ``field``."""
    return invalid(field, translate("validation", "{field}: required"), label=label)


def strip_separators(value: str) -> str:
    """``value`` without whitespace, dashes, parentheses and dots (``+7 (916) 123-45-67`` →
    ``+79161234567``): people type numbers with all of them."""
    return _SEPARATORS.sub("", value)


def collapse_spaces(value: str) -> str:
    """``value`` trimmed, with every run of whitespace (tabs, no-break spaces) made one space."""
    return " ".join(value.split())
