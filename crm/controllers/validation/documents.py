"""Other identity documents, and the numbers written on referrals: ОГРН and МКБ-10 codes."""

from __future__ import annotations

import re

from stdnum import exceptions as stdnum_errors
from stdnum.ru import ogrn

from crm.controllers.validation.fields import collapse_spaces, invalid, strip_separators
from crm.i18n import translate
from crm.models.enums import OtherDocumentKind

# Longest number of another document (birth certificate, foreign passport) kept.
OTHER_DOCUMENT_MAX_LENGTH = 40
_OGRN = re.compile(r"[0-9]{13}")
# An ICD-10 code: chapter letter, two digits, optionally a dot and one or two more digits.
_DIAGNOSIS = re.compile(r"([A-Z][0-9]{2})(?:\.([0-9]{1,2}))?")
# Cyrillic capitals that look like Latin ones: a code copied from a Russian document,
# or typed by someone who did not switch the keyboard for one letter, often carries
# one («К29.7» for K29.7) and would then never match the directory.
_CYRILLIC_LOOK_ALIKES = str.maketrans("АВЕКМНОРСТУХ", "ABEKMHOPCTYX")


def other_document_label(kind: OtherDocumentKind) -> str:
    """The name of a kind of other document, in the current language."""
    labels = {
        OtherDocumentKind.BIRTH_CERTIFICATE: translate("validation", "Birth certificate"),
        OtherDocumentKind.FOREIGN_PASSPORT: translate("validation", "Foreign passport"),
        OtherDocumentKind.OTHER: translate("validation", "Document"),
    }
    return labels[kind]


def check_other_document(kind: OtherDocumentKind, number: str) -> str:
    """The number of a birth certificate, foreign passport or other document.

    Their formats vary too much (a Soviet birth certificate, passports of every
    country) for anything but a sanity check: trimmed, single spaces, 1–40 characters.

    Raises:
        ValidationError: (field ``other_document``) empty or longer than 40 characters;
            the message names the kind of document.
    """
    label = other_document_label(kind)
    value = collapse_spaces(number)
    if not value:
        raise invalid(
            "other_document", translate("validation", "{field}: enter the number"), label=label
        )
    if len(value) > OTHER_DOCUMENT_MAX_LENGTH:
        raise invalid(
            "other_document",
            translate("validation", "{field}: at most {n} characters"),
            label=label,
            n=OTHER_DOCUMENT_MAX_LENGTH,
        )
    return value


def ogrn_is_valid(value: str) -> bool:
    """Whether ``value`` is an organisation's ОГРН (13 digits, separators ignored)."""
    digits = strip_separators(value)
    return bool(_OGRN.fullmatch(digits)) and ogrn.is_valid(digits)


def normalize_ogrn(value: str) -> str:
    """The ОГРН of an issuing organisation as its 13 digits.

    The 15-digit ОГРНИП of a sole trader is refused: referrals come from organisations.

    Raises:
        ValidationError: (field ``ogrn``) not 13 digits, starting with 0, or a wrong
            check digit.
    """
    digits = strip_separators(value)
    if not _OGRN.fullmatch(digits):
        raise invalid("ogrn", translate("validation", "OGRN: 13 digits are needed"))
    try:
        ogrn.validate(digits)
    except stdnum_errors.InvalidChecksum:
        raise invalid("ogrn", translate("validation", "OGRN: wrong check digit")) from None
    except stdnum_errors.ValidationError:
        raise invalid("ogrn", translate("validation", "OGRN: no such number")) from None
    return digits


def normalize_diagnosis_code(value: str) -> str:
    """An МКБ-10 (ICD-10) code in canonical form: ``к29,7`` → ``K29.7``.

    Spaces are ignored, letters put in capitals, a Cyrillic letter that looks like a
    Latin one replaced by it, and a decimal comma read as a dot.

    Raises:
        ValidationError: (field ``diagnosis_code``) not a letter and two digits with an
            optional dot and one or two digits.
    """
    code = "".join(value.split()).upper().translate(_CYRILLIC_LOOK_ALIKES).replace(",", ".")
    if not _DIAGNOSIS.fullmatch(code):
        raise invalid(
            "diagnosis_code",
            translate("validation", "{field}: a letter and two digits, e.g. I10 or K29.7"),
        )
    return code
