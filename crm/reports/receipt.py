"""The receipt for a payment (квитанция) as an A5 PDF.

It carries the clinic's details, the service, the amount in figures and in words
(``num2words``, Russian), the method, and says plainly that it is not a fiscal
cash-register receipt (54-ФЗ): no fiscal data are ever invented here.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

from num2words import num2words
from reportlab.lib.pagesizes import A5
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from crm.i18n import translate
from crm.reports import fonts
from crm.reports.layout import Align, Gap, Item, Rule, Text, draw

MARGIN = 12 * mm


@dataclass(frozen=True)
class ReceiptLine:
    """One service paid for: its name, the visit's day and doctor, the amount."""

    name: str
    detail: str
    amount: Decimal


@dataclass(frozen=True)
class ReceiptData:
    """What a receipt says (texts ready to print).

    Attributes:
        number: the payment's id as printed.
        is_refund: a refund's receipt (the amount is what was returned).
        clinic_name, clinic_address, clinic_phone, clinic_ogrn, clinic_licence: the
            clinic's profile.
        patient_name: full ФИО.
        lines: the services.
        amount: the total, positive.
        method_title: how it was paid, in words.
        paid_at: when, in the clinic's timezone.
        cashier: who took (or returned) the money.
        fiscal_status: the fiscal register's state in words («не подключена»).
        reason: a refund's reason.
    """

    number: str
    is_refund: bool
    clinic_name: str
    clinic_address: str | None
    clinic_phone: str | None
    clinic_ogrn: str | None
    clinic_licence: str | None
    patient_name: str
    lines: tuple[ReceiptLine, ...]
    amount: Decimal
    method_title: str
    paid_at: dt.datetime
    cashier: str | None
    fiscal_status: str
    reason: str | None = None


def figures(amount: Decimal) -> str:
    """``2 500,00 руб.``"""
    whole, _, cents = f"{amount:.2f}".partition(".")
    groups: list[str] = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return translate("receipts", "{amount} rub.").format(
        amount=f"{chr(0xA0).join(groups) or '0'},{cents}"
    )


def in_words(amount: Decimal) -> str:
    """The amount in Russian words: ``Две тысячи пятьсот рублей 00 копеек``."""
    whole = int(amount)
    kopecks = int((amount - whole) * 100)
    text = num2words(Decimal(whole), lang="ru", to="currency", currency="RUB")
    roubles = text.split(",")[0]
    plural = num2words(Decimal(kopecks) / 100, lang="ru", to="currency", currency="RUB")
    kopeck_word = plural.split(",")[-1].split()[-1]
    return f"{roubles[:1].upper()}{roubles[1:]} {kopecks:02d} {kopeck_word}"


def _items(receipt: ReceiptData, f: fonts.FontSet, s: float) -> list[Item]:
    small = s * 0.85
    details = [
        receipt.clinic_address,
        receipt.clinic_phone,
        translate("receipts", "OGRN {ogrn}").format(ogrn=receipt.clinic_ogrn)
        if receipt.clinic_ogrn
        else None,
        translate("receipts", "Licence {licence}").format(licence=receipt.clinic_licence)
        if receipt.clinic_licence
        else None,
    ]
    title = (
        translate("receipts", "REFUND RECEIPT No. {number}")
        if receipt.is_refund
        else translate("receipts", "RECEIPT No. {number}")
    ).format(number=receipt.number)
    items: list[Item] = [
        Text(receipt.clinic_name, f.bold, s * 1.15, Align.CENTRE, max_lines=2),
        Text("; ".join(d for d in details if d), f.regular, small, Align.CENTRE, grey=True),
        Rule(s * 0.5),
        Text(title, f.bold, s * 1.1, Align.CENTRE),
        Text(f"{receipt.paid_at:%d.%m.%Y %H:%M}", f.regular, small, Align.CENTRE),
        Gap(s * 0.5),
        Text(
            translate("receipts", "Patient: {name}").format(name=receipt.patient_name), f.regular, s
        ),
        Gap(s * 0.3),
    ]
    for line in receipt.lines:
        items += [
            Text(f"{line.name} — {figures(line.amount)}", f.bold, s),
            Text(line.detail, f.regular, small, grey=True),
        ]
    items += [
        Rule(s * 0.4),
        Text(
            translate("receipts", "Total: {amount}").format(amount=figures(receipt.amount)),
            f.bold,
            s * 1.1,
        ),
        Text(
            translate("receipts", "In words: {words}").format(words=in_words(receipt.amount)),
            f.regular,
            s,
        ),
        Text(
            translate("receipts", "Payment method: {method}").format(method=receipt.method_title),
            f.regular,
            s,
        ),
    ]
    if receipt.reason:
        items.append(
            Text(
                translate("receipts", "Reason for the refund: {reason}").format(
                    reason=receipt.reason
                ),
                f.regular,
                s,
            )
        )
    if receipt.cashier:
        items.append(
            Text(
                translate("receipts", "Received by: {name}").format(name=receipt.cashier),
                f.regular,
                s,
            )
        )
    items += [
        Rule(s * 0.4),
        Text(
            translate(
                "receipts",
                "This is not a fiscal cash-register receipt (Federal Law 54-FZ); the fiscal register is {state}.",  # noqa: E501
            ).format(state=receipt.fiscal_status),
            f.regular,
            small,
            grey=True,
        ),
    ]
    return items


def render_receipt(receipt: ReceiptData) -> bytes:
    """The receipt as a one-page A5 PDF."""
    f = fonts.register()
    buffer = io.BytesIO()
    width, length = A5
    canvas = Canvas(buffer, pagesize=A5, pageCompression=1)
    canvas.setTitle(translate("receipts", "Receipt No. {number}").format(number=receipt.number))
    canvas.setAuthor(receipt.clinic_name)
    canvas.setCreator("Registratura")
    draw(canvas, _items(receipt, f, 10.0), MARGIN, length - MARGIN, width - 2 * MARGIN)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
