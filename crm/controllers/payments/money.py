"""Amounts of money as typed at the desk: ``Decimal`` with two decimals, never float."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from crm.controllers.errors import ValidationError
from crm.i18n import translate

#: The largest amount ``numeric(12, 2)`` holds.
MAXIMUM = Decimal("9999999999.99")
CENT = Decimal("0.01")
NBSP = "\u00a0"
_TYPED = re.compile(r"^\d+([.,]\d{1,2})?$")


def field_title(field: str) -> str:
    """The name of a payment's field, as the refusals start with it."""
    titles = {
        "amount": translate("payments", "Amount"),
        "method": translate("payments", "Payment method"),
        "reason": translate("payments", "Reason"),
        "appointment_id": translate("payments", "Appointment"),
        "payment_id": translate("payments", "Payment"),
        "points": translate("payments", "Bonus points"),
        "accrual_percent": translate("payments", "Points accrued, % of a paid visit"),
        "max_share_percent": translate("payments", "Largest share payable in points, %"),
        "expiry_days": translate("payments", "Points expire after, days"),
        "rating": translate("payments", "Rating"),
    }
    return titles.get(field, field)


def refuse(field: str, message: str) -> ValidationError:
    """A refusal whose message starts with the field's name (``Сумма: …``)."""
    return ValidationError(f"{field_title(field)}: {message}", field=field)


def clean_amount(value: str | Decimal | int, field: str = "amount") -> Decimal:
    """``value`` as a positive ``Decimal`` with two decimals.

    Accepts ``"1500"``, ``"1500.5"``, ``"1 500,50"``, a ``Decimal`` or an ``int``; refuses
    a float (money is never binary floating point), a negative or zero amount, more than
    two decimals and more than the column holds.

    Raises:
        ValidationError: naming ``field``.
    """
    if isinstance(value, bool) or isinstance(value, float):
        raise refuse(field, translate("payments", "give the amount as text or Decimal, not float"))
    if isinstance(value, Decimal | int):
        amount = Decimal(value)
        if not amount.is_finite() or amount != amount.quantize(CENT, rounding="ROUND_DOWN"):
            raise refuse(field, translate("payments", "at most two decimals (kopecks)"))
    else:
        text = re.sub(r"[\s\u00a0]", "", str(value))
        if text.startswith("-"):
            raise refuse(field, translate("payments", "must be greater than zero"))
        if not _TYPED.match(text):
            raise refuse(
                field,
                translate("payments", "type roubles and at most two decimals, e.g. 1500.50"),
            )
        try:
            amount = Decimal(text.replace(",", "."))
        except InvalidOperation as exc:  # pragma: no cover - the pattern excludes it
            raise refuse(field, translate("payments", "not a number")) from exc
    if amount <= 0:
        raise refuse(field, translate("payments", "must be greater than zero"))
    if amount > MAXIMUM:
        raise refuse(field, translate("payments", "too large"))
    return amount.quantize(CENT)


def clean_percent(value: str | Decimal | int, field: str) -> Decimal:
    """A percentage 0–100 with at most two decimals."""
    text = re.sub(r"\s", "", str(value)).replace(",", ".")
    if isinstance(value, float) or not re.match(r"^\d+(\.\d{1,2})?$", text):
        raise refuse(field, translate("payments", "a number from 0 to 100"))
    percent = Decimal(text)
    if percent > 100:
        raise refuse(field, translate("payments", "a number from 0 to 100"))
    return percent.quantize(CENT)


def rubles(amount: Decimal) -> str:
    """``1 500,50 ₽``: the amount as the desk reads it."""
    whole, _, cents = f"{amount.quantize(CENT):.2f}".partition(".")
    sign = "-" if whole.startswith("-") else ""
    digits = whole.lstrip("-")
    groups: list[str] = []
    while digits:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    spaced = NBSP.join(groups) or "0"
    return f"{sign}{spaced},{cents}{NBSP}₽"
