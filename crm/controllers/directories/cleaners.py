"""Cell cleaners of the directories: typed text → the value to store, or a named refusal.

A directory's form and its workbook both hold text; each column turns its text into a
value with one of these. A cleaner takes the session (a reference is looked up by its
natural key: a branch by name, a specialty by code) and the column's title for its
message; it raises :class:`~crm.controllers.errors.ValidationError` naming the column.
Each ``show_*`` is the way back, value → the text a form or a workbook shows.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from crm.controllers.errors import ValidationError
from crm.controllers.validation import format_date, parse_date
from crm.controllers.validation.fields import collapse_spaces
from crm.controllers.validation.phones import format_phone, normalize_phone
from crm.i18n import translate

#: ``clean(session, text, title, field)`` → value.
Cleaner = Callable[[Session, str, str, str], Any]
#: ``show(session, value)`` → text.
Shower = Callable[[Session, Any], str]

_YES = {"да", "yes", "true", "1", "+", "д", "y"}
_NO = {"нет", "no", "false", "0", "-", "н", "n", ""}


def refuse(field: str, title: str, message: str, **values: object) -> ValidationError:
    """The refusal of a cell: ``message`` with ``{field}`` as the column's title."""
    return ValidationError(message.format(field=title, **values), field=field)


def text(limit: int, *, needed: bool = True) -> Cleaner:
    """Text of at most ``limit`` characters, spaces collapsed; empty is ``None``."""

    def clean(_session: Session, value: str, title: str, field: str) -> str | None:
        cleaned = collapse_spaces(value)
        if not cleaned:
            if needed:
                raise refuse(field, title, translate("directories", "{field}: required"))
            return None
        if len(cleaned) > limit:
            raise refuse(
                field,
                title,
                translate("directories", "{field}: at most {limit} characters"),
                limit=limit,
            )
        return cleaned

    return clean


def pattern(regex: str, limit: int, hint: str, *, needed: bool = True) -> Cleaner:
    """Text matching ``regex`` (a code: ``hint`` says what is expected)."""
    compiled = re.compile(regex)
    plain = text(limit, needed=needed)

    def clean(session: Session, value: str, title: str, field: str) -> str | None:
        cleaned = plain(session, value, title, field)
        if cleaned is not None and not compiled.fullmatch(cleaned):
            raise refuse(field, title, translate("directories", "{field}: {hint}"), hint=hint)
        return cleaned

    return clean


def flag(_session: Session, value: str, title: str, field: str) -> bool:
    """Да / нет (also yes/no, 1/0, +/−); empty is «нет»."""
    word = value.strip().lower()
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise refuse(field, title, translate("directories", "{field}: write «да» or «нет»"))


def show_flag(_session: Session, value: Any) -> str:
    return translate("directories", "yes") if value else translate("directories", "no")


def integer(low: int, high: int, *, needed: bool = True) -> Cleaner:
    """A whole number from ``low`` to ``high``; empty is ``None`` unless needed."""

    def clean(_session: Session, value: str, title: str, field: str) -> int | None:
        cleaned = value.strip()
        if not cleaned:
            if needed:
                raise refuse(field, title, translate("directories", "{field}: required"))
            return None
        try:
            number = int(float(cleaned)) if re.fullmatch(r"[0-9]+(\.0+)?", cleaned) else None
        except ValueError:
            number = None
        if number is None or not low <= number <= high:
            raise refuse(
                field,
                title,
                translate("directories", "{field}: a whole number from {low} to {high}"),
                low=low,
                high=high,
            )
        return number

    return clean


def show_plain(_session: Session, value: Any) -> str:
    return "" if value is None else str(value)


def choice(options: Callable[[], Sequence[tuple[Any, str]]]) -> tuple[Cleaner, Shower]:
    """One of ``options`` (value, title), typed as its title or its value."""

    def clean(_session: Session, value: str, title: str, field: str) -> Any:
        typed = collapse_spaces(value).lower()
        for stored, shown in options():
            if typed in (str(stored).lower(), shown.lower()):
                return stored
        raise refuse(
            field,
            title,
            translate("directories", "{field}: one of {choices}"),
            choices=", ".join(f"«{shown}»" for _stored, shown in options()),
        )

    def show(_session: Session, value: Any) -> str:
        return next((shown for stored, shown in options() if stored == value), str(value))

    return clean, show


def phone(_session: Session, value: str, title: str, field: str) -> str | None:
    """A phone number in E.164, or ``None`` for an empty cell."""
    if not value.strip():
        return None
    try:
        return normalize_phone(value)
    except ValidationError as exc:
        raise refuse(field, title, "{field}: " + exc.message.partition(": ")[2]) from None


def show_phone(_session: Session, value: Any) -> str:
    return format_phone(value) if value else ""


def date(*, needed: bool = True) -> Cleaner:
    """A date as ``ДД.ММ.ГГГГ`` (or ISO), or ``None`` for an empty optional cell."""

    def clean(_session: Session, value: str, title: str, field: str) -> dt.date | None:
        if isinstance(value, dt.date):  # a workbook's date cell
            return value
        if not value.strip():
            if needed:
                raise refuse(field, title, translate("directories", "{field}: required"))
            return None
        try:
            return parse_date(value.strip(), field)
        except ValidationError:
            raise refuse(
                field, title, translate("directories", "{field}: a date such as 01.09.2026")
            ) from None

    return clean


def show_date(_session: Session, value: Any) -> str:
    return format_date(value) if value else ""


def clock_time(_session: Session, value: str, title: str, field: str) -> dt.time:
    """A time of day as ``ЧЧ:ММ``."""
    if isinstance(value, dt.time):
        return value
    match = re.fullmatch(r"([01]?[0-9]|2[0-3])[:.]([0-5][0-9])(:00)?", value.strip())
    if match is None:
        raise refuse(field, title, translate("directories", "{field}: a time such as 08:30"))
    return dt.time(int(match.group(1)), int(match.group(2)))


def show_time(_session: Session, value: Any) -> str:
    return value.strftime("%H:%M") if value else ""


def money(_session: Session, value: str, title: str, field: str) -> Decimal:
    """An amount in roubles with at most two decimals, never negative (``1 500,00``)."""
    typed = re.sub(r"[\s ₽]|руб\.?", "", str(value)).replace(",", ".")
    try:
        amount = Decimal(typed)
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite():
        raise refuse(field, title, translate("directories", "{field}: an amount such as 1500.00"))
    if amount < 0 or amount.as_tuple().exponent < -2:  # type: ignore[operator]
        raise refuse(
            field,
            title,
            translate("directories", "{field}: not negative, at most two decimals"),
        )
    return amount.quantize(Decimal("0.01"))


def show_money(_session: Session, value: Any) -> str:
    return f"{value:.2f}" if value is not None else ""


def reference(
    model: Any,
    key: Callable[[Any], str],
    lookup: Callable[[str], Any],
    *,
    needed: bool = True,
) -> tuple[Cleaner, Shower]:
    """A row of another directory, typed as its natural key (a branch's name, a code).

    Args:
        model: the ORM class referred to.
        key: a row → its natural key as text.
        lookup: the typed key → a ``where`` clause finding the row.
        needed: an empty cell is refused (else ``None``).

    A deactivated row is still found (a workbook carries history); the forms offer
    only the active ones.
    """

    def clean(session: Session, value: str, title: str, field: str) -> int | None:
        typed = collapse_spaces(str(value))
        if not typed:
            if needed:
                raise refuse(field, title, translate("directories", "{field}: required"))
            return None
        found = session.scalars(sa.select(model).where(lookup(typed)).limit(2)).all()
        if len(found) != 1:
            raise refuse(
                field,
                title,
                translate("directories", "{field}: «{value}» is not in the directory"),
                value=typed,
            )
        return int(found[0].id)

    def show(session: Session, value: Any) -> str:
        if value is None:
            return ""
        row = session.get(model, value)
        return key(row) if row is not None else str(value)

    return clean, show
