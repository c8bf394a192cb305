"""What the card form knows without widgets: which fields are identity documents, where
a validator's problem is shown, what a masked card shows, and live passport warnings.

Pure functions over :class:`PatientForm` and :class:`PatientCard` (no Qt), so the
rules of showing a card are testable on their own.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Any

from crm.controllers.errors import ValidationError
from crm.controllers.patients.cards import PatientCard
from crm.controllers.patients.form import PatientForm
from crm.controllers.patients.search import parse_query
from crm.controllers.validation import (
    check_passport,
    format_date,
    parse_date,
    split_passport_number,
)

_NAME_WORD = re.compile(r"[^\W\d_]+(?:['\-][^\W\d_]+)*")
#: Identity-document fields: ``None`` in the form while the card is masked.
IDENTITY_FIELDS = (
    "snils",
    "passport",
    "passport_issued_on",
    "passport_subdivision",
    "passport_issued_by",
    "other_document_number",
)
#: What a hidden document field shows.
HIDDEN = "•••"
#: Where a problem reported for a validator's field is shown on the card.
PROBLEM_TARGET = {
    "passport_series": "passport",
    "passport_number": "passport",
    "other_document": "other_document_number",
    "policy": "policy_number",
}
#: A problem of the key is shown once any field of the group was left.
GROUPS = {
    "policy_kind": ("policy_number", "policy_series", "policy_ends_on", "insurer_id"),
    "other_document_kind": ("other_document_number",),
}


def passport_warnings(form: PatientForm, today: dt.date) -> list[str]:
    """Warnings about the typed passport (e.g. due for replacement), whatever else is wrong."""
    if form.passport is None or not (form.passport or "").strip():
        return []
    try:
        series, number = split_passport_number(form.passport)
        issued_on = parse_date(form.passport_issued_on or "", "passport_issued_on")
        birth_date = parse_date(form.birth_date, "birth_date")
        _passport, warnings = check_passport(
            series,
            number,
            issued_on,
            form.passport_subdivision or "",
            form.passport_issued_by or "",
            birth_date=birth_date,
            today=today,
        )
    except ValidationError:
        return []
    return warnings


def shown_form(card: PatientCard, *, may_reveal: bool) -> tuple[PatientForm, dict[str, str]]:
    """What the editor shows of ``card``: the form, and the masked text of hidden documents.

    A card without any identity document (booked by phone) has nothing to hide: for a
    role that may read documents its document fields come back empty and editable, so
    the first visit types them in straight away. Another desk adding documents
    meanwhile would change the card's version, so a save could not clear them unseen.
    """
    passport_there = bool(card.passport_display)
    masked = {
        "snils": card.snils_display,
        "passport": card.passport_display,
        "passport_issued_on": HIDDEN if passport_there else "",
        "passport_subdivision": HIDDEN if passport_there else "",
        "passport_issued_by": HIDDEN if passport_there else "",
        "other_document_number": HIDDEN if card.form.other_document_kind else "",
    }
    form = card.form
    nothing_hidden = not (card.snils_display or passport_there or form.other_document_kind)
    if not card.revealed and nothing_hidden and may_reveal:
        blank: dict[str, Any] = dict.fromkeys(IDENTITY_FIELDS, "")
        form = dataclasses.replace(form, **blank)
    return form, masked


def name_prefill(text: str) -> PatientForm:
    """A new card's fields from what was typed in the search box, if it looks like a name.

    ``петров-водкин кузьма`` → last name «Петров-Водкин», first name «Кузьма»; a
    birth date typed beside the name comes along; initials (``Иванов И П``) stop the
    name there, since «И» is not a first name. Anything else gives an empty card.
    """
    parsed = parse_query(text)
    birth = format_date(parsed.birth_date) if parsed.birth_date else ""
    words = [parsed.surname, parsed.first_name, parsed.patronymic]
    names: list[str] = []
    for word in words:
        if not word or len(word) < 2 or not _NAME_WORD.fullmatch(word):
            break
        names.append("-".join(part.capitalize() for part in word.split("-")))
    names += [""] * (3 - len(names))
    return PatientForm(
        last_name=names[0], first_name=names[1], patronymic=names[2], birth_date=birth
    )
