"""The desk's shift report as an A4 PDF: what each registrar took on a day, by method,
and the refunds, with the totals.

The figures come ready from :mod:`crm.controllers.reports.shift`; this module only lays
them out (reportlab tables, DejaVu Sans for the Cyrillic).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from crm.i18n import translate
from crm.reports import fonts
from crm.reports.receipt import figures

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class ShiftRow:
    """What one registrar took by one method on the day.

    Attributes:
        refunded: returned, positive.
    """

    cashier: str
    method: str
    method_title: str
    payments: int
    taken: Decimal
    refunds: int
    refunded: Decimal

    @property
    def net(self) -> Decimal:
        """Taken less returned."""
        return self.taken - self.refunded


@dataclass(frozen=True)
class ShiftRefund:
    """A refund of the day."""

    at: dt.datetime
    refund_id: int
    payment_id: int | None
    cashier: str
    patient: str
    method_title: str
    amount: Decimal  # positive
    reason: str


@dataclass(frozen=True)
class ShiftData:
    """The shift report of ``day`` (times in the clinic's zone)."""

    day: dt.date
    clinic_name: str
    made_at: dt.datetime
    made_by: str
    rows: tuple[ShiftRow, ...]
    refunds: tuple[ShiftRefund, ...]

    @property
    def taken(self) -> Decimal:
        return sum((r.taken for r in self.rows), ZERO)

    @property
    def refunded(self) -> Decimal:
        return sum((r.refunded for r in self.rows), ZERO)

    @property
    def net(self) -> Decimal:
        return self.taken - self.refunded

    def by_method(self) -> list[ShiftRow]:
        """The rows summed over registrars, one per method (in the order they first come)."""
        found: dict[str, ShiftRow] = {}
        for r in self.rows:
            was = found.get(r.method)
            found[r.method] = (
                r
                if was is None
                else ShiftRow(
                    "",
                    r.method,
                    r.method_title,
                    was.payments + r.payments,
                    was.taken + r.taken,
                    was.refunds + r.refunds,
                    was.refunded + r.refunded,
                )
            )
        return sorted(found.values(), key=lambda r: r.method_title)

    def by_cashier(self) -> list[tuple[str, Decimal, Decimal]]:
        """Each registrar's taken and returned over all methods."""
        found: dict[str, tuple[Decimal, Decimal]] = {}
        for r in self.rows:
            taken, refunded = found.get(r.cashier, (ZERO, ZERO))
            found[r.cashier] = (taken + r.taken, refunded + r.refunded)
        return [(name, t, b) for name, (t, b) in sorted(found.items())]


def _money(amount: Decimal) -> str:
    return figures(amount)


def render_shift(data: ShiftData) -> bytes:
    """The report as an A4 PDF."""
    f = fonts.register()
    buffer = io.BytesIO()
    title = translate("shift", "Shift report for {day}").format(day=f"{data.day:%d.%m.%Y}")
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=14 * mm,
        rightMargin=14 * mm,
        topMargin=14 * mm,
        bottomMargin=14 * mm,
        title=title,
        author=data.clinic_name,
        creator="Registratura",
    )
    heading = ParagraphStyle("heading", fontName=f.bold, fontSize=14, leading=18)
    subheading = ParagraphStyle("subheading", fontName=f.bold, fontSize=11, leading=15)
    plain = ParagraphStyle("plain", fontName=f.regular, fontSize=9, leading=12)
    cell = ParagraphStyle("cell", fontName=f.condensed, fontSize=8.5, leading=10.5)

    def table(header: list[str], rows: list[list[str]], widths: Sequence[float]) -> Table:
        body = [[Paragraph(text, cell) for text in row] for row in [header, *rows]]
        shown = Table(body, colWidths=[w * mm for w in widths], repeatRows=1)
        style = [
            ("FONTNAME", (0, 0), (-1, -1), f.condensed),
            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.92, 0.92, 0.92)),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
        shown.setStyle(TableStyle(style))
        return shown

    story: list = [
        Paragraph(data.clinic_name, plain),
        Paragraph(title, heading),
        Paragraph(
            translate("shift", "Made {when} by {who}").format(
                when=f"{data.made_at:%d.%m.%Y %H:%M}", who=data.made_by
            ),
            plain,
        ),
        Spacer(1, 4 * mm),
        Paragraph(translate("shift", "By registrar and method"), subheading),
    ]
    head = [
        translate("shift", "Registrar"),
        translate("shift", "Method"),
        translate("shift", "Payments"),
        translate("shift", "Taken"),
        translate("shift", "Refunds"),
        translate("shift", "Returned"),
        translate("shift", "Net"),
    ]
    widths = [44, 26, 16, 26, 16, 26, 28]
    rows = [
        [
            r.cashier,
            r.method_title,
            str(r.payments),
            _money(r.taken),
            str(r.refunds),
            _money(r.refunded),
            _money(r.net),
        ]
        for r in data.rows
    ]
    total = [
        translate("shift", "Total"),
        "",
        str(sum(r.payments for r in data.rows)),
        _money(data.taken),
        str(sum(r.refunds for r in data.rows)),
        _money(data.refunded),
        _money(data.net),
    ]
    if not rows:
        story.append(Paragraph(translate("shift", "No payments on this day."), plain))
    else:
        story.append(table(head, [*rows, total], widths))
        story += [Spacer(1, 4 * mm), Paragraph(translate("shift", "By method"), subheading)]
        story.append(
            table(
                [head[1], *head[2:]],
                [
                    [
                        r.method_title,
                        str(r.payments),
                        _money(r.taken),
                        str(r.refunds),
                        _money(r.refunded),
                        _money(r.net),
                    ]
                    for r in data.by_method()
                ]
                + [[total[0], *total[2:]]],
                [44, 20, 30, 20, 30, 32],
            )
        )
    story += [Spacer(1, 4 * mm), Paragraph(translate("shift", "Refunds"), subheading)]
    if data.refunds:
        story.append(
            table(
                [
                    translate("shift", "Time"),
                    translate("shift", "Refund №"),
                    translate("shift", "Of payment №"),
                    translate("shift", "Registrar"),
                    translate("shift", "Patient"),
                    translate("shift", "Method"),
                    translate("shift", "Amount"),
                    translate("shift", "Reason"),
                ],
                [
                    [
                        f"{r.at:%H:%M}",
                        str(r.refund_id),
                        str(r.payment_id or ""),
                        r.cashier,
                        r.patient,
                        r.method_title,
                        _money(r.amount),
                        r.reason,
                    ]
                    for r in data.refunds
                ],
                [12, 14, 16, 28, 32, 18, 22, 40],
            )
        )
    else:
        story.append(Paragraph(translate("shift", "No refunds on this day."), plain))
    story += [
        Spacer(1, 6 * mm),
        Paragraph(
            translate(
                "shift", "Bonus points are counted at one rouble a point; they are not money."
            ),
            plain,
        ),
    ]
    document.build(story)
    return buffer.getvalue()
