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
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased, sessionmaker

from crm.controllers.access.permissions import Permission, require
from crm.controllers.context import Actor
from crm.controllers.errors import ValidationError
from crm.controllers.validation import format_date, format_phone, mask_snils, normalize_snils
from crm.crypto import KeyRing
from crm.models import Patient, PatientSurname
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


#: How many of the best-matching surnames a search reads cards of.
SURNAME_CANDIDATES = 30


def build_search(
    parsed: ParsedQuery, keyring: KeyRing | None, *, window: int = 51
) -> tuple[sa.Select[tuple[Patient]], dict[str, Any]]:
    """The ranked SELECT for a parsed query and its parameters.

    With a surname, the typo-tolerant match runs against the distinct surnames
    (``patient_surname``); the cards of each of the best surnames are then read in
    result order from ``ix_patient_name_order``, at most ``window`` (= offset + page
    + 1) per surname, so a page costs the same over a thousand cards or a million.
    The statement depends only on which parts the query has, so it is built once per
    shape and cached (building it costs more than running it).
    """
    params: dict[str, Any] = {"window": window}
    if parsed.snils is not None:
        if keyring is None:
            raise ValueError("a keyring is needed to search by СНИЛС")
        params["snils_hash"] = keyring.lookup_hash(parsed.snils, "snils")
    if parsed.enp is not None:
        params["enp"] = parsed.enp
    if parsed.phone_digits is not None:
        params["phone"] = f"%{parsed.phone_digits}%"
    if parsed.birth_date is not None:
        params["birth_date"] = parsed.birth_date
    if parsed.first_name:
        params["first_name"] = _escape_like(parsed.first_name) + "%"
    if parsed.patronymic:
        params["patronymic"] = _escape_like(parsed.patronymic) + "%"
    if parsed.surname:
        params["surname"] = parsed.surname
        params["surname_prefix"] = _escape_like(parsed.surname) + "%"
    return _statement(frozenset(params)), params


@cache
def _statement(parts: frozenset[str]) -> sa.Select[tuple[Patient]]:
    filters: list[Any] = []
    if "snils_hash" in parts:
        filters.append(Patient.snils_hash == sa.bindparam("snils_hash"))
    if "enp" in parts:
        filters += [
            Patient.policy_kind == PolicyKind.UNIFIED,
            Patient.policy_number == sa.bindparam("enp"),
        ]
    if "phone" in parts:
        filters.append(Patient.phone.like(sa.bindparam("phone")))
    if "birth_date" in parts:
        filters.append(Patient.birth_date == sa.bindparam("birth_date"))
    for column, name in ((Patient.first_name, "first_name"), (Patient.patronymic, "patronymic")):
        if name in parts:
            filters.append(sa.func.lower(column).like(sa.bindparam(name)))
    order_cards = (
        sa.func.lower(Patient.last_name),
        Patient.first_name,
        Patient.patronymic,
        Patient.birth_date,
        Patient.id,
    )
    if "surname" not in parts:
        return sa.select(Patient).where(*filters).order_by(*order_cards)
    surname = PatientSurname.surname
    typed = sa.bindparam("surname", type_=sa.String)
    prefix = sa.bindparam("surname_prefix", type_=sa.String)
    candidates = (
        sa.select(
            surname.label("surname"),
            (surname == typed).label("exact"),
            surname.like(prefix).label("prefix"),
            sa.func.similarity(surname, typed).label("score"),
        )
        .where(sa.or_(surname.like(prefix), surname.op("%")(typed)))
        .order_by(
            (surname == typed).desc(),
            surname.like(prefix).desc(),
            sa.func.similarity(surname, typed).desc(),
            surname,
        )
        .limit(SURNAME_CANDIDATES)
        .subquery("candidate")
    )
    cards = (
        sa.select(Patient)
        .where(sa.func.lower(Patient.last_name) == candidates.c.surname, *filters)
        .order_by(*order_cards)
        .limit(sa.bindparam("window", type_=sa.Integer))
        .lateral("card")
    )
    card = aliased(Patient, cards)
    return (
        sa.select(card)
        .select_from(candidates)
        .join(cards, sa.true())
        .order_by(
            candidates.c.exact.desc(),
            candidates.c.prefix.desc(),
            candidates.c.score.desc(),
            candidates.c.surname,
            card.first_name,
            card.patronymic,
            card.birth_date,
            card.id,
        )
    )


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
    statement, params = build_search(parsed, keyring, window=offset + limit + 1)
    statement = statement.limit(sa.bindparam("page_limit")).offset(sa.bindparam("page_offset"))
    with db() as session:
        rows = session.scalars(
            statement, {**params, "page_limit": limit + 1, "page_offset": offset}
        ).all()
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
