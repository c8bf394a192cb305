"""One search box over patients: surname with typos, «Иванов И П», birth date, phone
fragment, СНИЛС, ЕНП — ranked by relevance and paged in SQL.

What the registrar typed is first read by :func:`parse_query` (pure, no database):
digits become a СНИЛС, an ЕНП or a phone fragment; a ДД.ММ.ГГГГ becomes the birth
date; words become the surname (typo-tolerant, trigram similarity on an index) and
the first name and patronymic or their initials. Text typed with the Latin keyboard
layout by mistake (``Bdfyjd``) is read as the Cyrillic it was meant to be.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from crm.controllers.context import Actor
from crm.controllers.errors import ValidationError
from crm.controllers.permissions import Permission, require
from crm.controllers.validation import format_date, format_phone, mask_snils, normalize_snils
from crm.crypto import KeyRing
from crm.models import Patient
from crm.models.enums import PolicyKind

_DATE = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b")
_SEPARATORS = re.compile(r"[\s\-()+]")
_LATIN = "qwertyuiop[]asdfghjkl;'zxcvbnm,.`"
_CYRILLIC = "йцукенгшщзхъфывапролджэячсмитьбюё"
_LAYOUT = str.maketrans(_LATIN + _LATIN.upper(), _CYRILLIC + _CYRILLIC.upper())
MIN_PHONE_DIGITS = 3


@dataclass(frozen=True)
class ParsedQuery:
    """What a search box entry asks for (all parts optional; all given must match)."""

    surname: str | None = None
    first_name: str | None = None  # a whole word or an initial
    patronymic: str | None = None
    birth_date: dt.date | None = None
    snils: str | None = None
    enp: str | None = None
    phone_digits: str | None = None

    @property
    def empty(self) -> bool:
        """Nothing to search for."""
        return not any(
            (
                self.surname,
                self.first_name,
                self.birth_date,
                self.snils,
                self.enp,
                self.phone_digits,
            )
        )


def parse_query(text: str) -> ParsedQuery:
    """Read a search box entry (see the module docstring)."""
    text = text.strip()
    birth_date = None
    match = _DATE.search(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        try:
            birth_date = dt.date(year, month, day)
        except ValueError:
            birth_date = None
        text = (text[: match.start()] + " " + text[match.end() :]).strip()
    digits = _SEPARATORS.sub("", text)
    if digits.isdigit():
        return _digits_query(digits, birth_date)
    words = [w for w in re.split(r"[\s.,]+", text) if w]
    if words and not any(_is_cyrillic(ch) for ch in "".join(words)):
        words = [w.translate(_LAYOUT) for w in words]
    words = [w for w in words if any(ch.isalpha() for ch in w)]
    return ParsedQuery(
        surname=words[0].lower() if words else None,
        first_name=words[1].lower() if len(words) > 1 else None,
        patronymic=words[2].lower() if len(words) > 2 else None,
        birth_date=birth_date,
    )


def _is_cyrillic(ch: str) -> bool:
    return "а" <= ch.lower() <= "я" or ch.lower() == "ё"


def _digits_query(digits: str, birth_date: dt.date | None) -> ParsedQuery:
    if len(digits) == 16:
        return ParsedQuery(enp=digits, birth_date=birth_date)
    if len(digits) == 11:
        try:
            return ParsedQuery(snils=normalize_snils(digits), birth_date=birth_date)
        except ValidationError:
            pass  # not a СНИЛС: a phone number typed in full
        if digits[0] == "8":
            digits = "7" + digits[1:]
    if len(digits) >= MIN_PHONE_DIGITS:
        return ParsedQuery(phone_digits=digits, birth_date=birth_date)
    return ParsedQuery(birth_date=birth_date)


@dataclass(frozen=True)
class PatientHit:
    """One search result row."""

    id: int
    full_name: str
    birth_date: dt.date
    birth_date_text: str
    phone: str
    snils_masked: str
    policy_number: str


@dataclass(frozen=True)
class SearchPage:
    """One page of results, best first; ``has_more`` tells whether a next page exists."""

    hits: tuple[PatientHit, ...]
    has_more: bool
    query: ParsedQuery


def build_search(parsed: ParsedQuery, keyring: KeyRing | None) -> sa.Select[tuple[Patient]]:
    """The ranked SELECT for a parsed query (exposed for the benchmarks' bare baseline)."""
    query = sa.select(Patient)
    order: list[Any] = []
    if parsed.snils is not None:
        if keyring is None:
            raise ValueError("a keyring is needed to search by СНИЛС")
        query = query.where(Patient.snils_hash == keyring.lookup_hash(parsed.snils, "snils"))
    if parsed.enp is not None:
        query = query.where(
            Patient.policy_kind == PolicyKind.UNIFIED, Patient.policy_number == parsed.enp
        )
    if parsed.phone_digits is not None:
        query = query.where(Patient.phone.like(f"%{parsed.phone_digits}%"))
    if parsed.birth_date is not None:
        query = query.where(Patient.birth_date == parsed.birth_date)
    if parsed.surname:
        surname = sa.func.lower(Patient.last_name)
        prefix = _escape_like(parsed.surname) + "%"
        query = query.where(sa.or_(surname.like(prefix), surname.op("%")(parsed.surname)))
        order += [
            (surname == parsed.surname).desc(),
            surname.like(prefix).desc(),
            sa.func.similarity(surname, parsed.surname).desc(),
        ]
    for column, word in (
        (Patient.first_name, parsed.first_name),
        (Patient.patronymic, parsed.patronymic),
    ):
        if word:
            query = query.where(sa.func.lower(column).like(_escape_like(word) + "%"))
    order += [
        Patient.last_name,
        Patient.first_name,
        Patient.patronymic,
        Patient.birth_date,
        Patient.id,
    ]
    return query.order_by(*order)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_patients(
    db: sessionmaker[Session],
    actor: Actor,
    keyring: KeyRing | None,
    text: str,
    *,
    limit: int = 50,
    offset: int = 0,
) -> SearchPage:
    """Patients matching the search box entry, best first, one page at a time."""
    require(actor, Permission.FIND_PATIENTS)
    parsed = parse_query(text)
    if parsed.empty:
        return SearchPage(hits=(), has_more=False, query=parsed)
    statement = build_search(parsed, keyring).limit(limit + 1).offset(offset)
    with db() as session:
        rows = session.scalars(statement).all()
    hits = tuple(_hit(row) for row in rows[:limit])
    return SearchPage(hits=hits, has_more=len(rows) > limit, query=parsed)


def _hit(row: Patient) -> PatientHit:
    return PatientHit(
        id=row.id,
        full_name=" ".join(p for p in (row.last_name, row.first_name, row.patronymic) if p),
        birth_date=row.birth_date,
        birth_date_text=format_date(row.birth_date),
        phone=format_phone(row.phone) if row.phone else "",
        snils_masked=mask_snils(row.snils_tail) if row.snils_tail else "",
        policy_number=row.policy_number or "",
    )
