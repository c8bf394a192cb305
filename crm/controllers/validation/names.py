"""ФИО parts: last name, first name, patronymic (DOMAIN.md, Patient identity)."""

from __future__ import annotations

import re
import unicodedata

from crm.controllers.validation.fields import collapse_spaces, invalid
from crm.controllers.validation.fields import required as required_error
from crm.i18n import translate

# Longest name part the card stores (``patient.last_name`` is a String(60)).
NAME_MAX_LENGTH = 60
# The Russian alphabet (ё is outside the а–я range in Unicode).
_LETTER = "А-Яа-яЁё"
_ALLOWED = re.compile(rf"[{_LETTER}\-' ]+")
_STARTS_AND_ENDS_WITH_LETTER = re.compile(rf"[{_LETTER}](.*[{_LETTER}])?")
# Typographic apostrophes and hyphens that word processors and phones substitute for
# the plain ones; a name pasted from a letter must equal the same name typed.
_LOOK_ALIKES = str.maketrans({"’": "'", "ʼ": "'", "‘": "'", "‐": "-", "‑": "-"})


def normalize_person_name(value: str, field: str, *, required: bool = True) -> str | None:
    """Check one part of a person's name and return it as stored.

    The value is put in Unicode NFC form (a pasted ``й`` may arrive as ``и`` plus a
    combining breve), typographic apostrophes and hyphens become plain ones, it is
    trimmed and inner runs of whitespace become single spaces. The case is kept as typed:
    search is case-insensitive, and names such as «ван дер Берг» have their own case.

    Args:
        value: what was typed.
        field: ``"last_name"``, ``"first_name"`` or ``"patronymic"`` (names the field in
            messages and on the error).
        required: ``False`` for the patronymic, which may be absent.

    Returns:
        The canonical name, or ``None`` when it is empty and not required.

    Raises:
        ValidationError: empty but required, longer than 60 characters, a character
            other than a Russian letter, hyphen, space or apostrophe, or a first or last
            character that is not a letter.
    """
    name = collapse_spaces(unicodedata.normalize("NFC", value).translate(_LOOK_ALIKES))
    if not name:
        if required:
            raise required_error(field)
        return None
    if not _ALLOWED.fullmatch(name):
        raise invalid(
            field,
            translate("validation", "{field}: only Russian letters, hyphen, space and apostrophe"),
        )
    if len(name) > NAME_MAX_LENGTH:
        raise invalid(
            field, translate("validation", "{field}: at most {n} characters"), n=NAME_MAX_LENGTH
        )
    if not _STARTS_AND_ENDS_WITH_LETTER.fullmatch(name):
        raise invalid(field, translate("validation", "{field}: must begin and end with a letter"))
    return name
