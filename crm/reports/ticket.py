"""The ticket (талон на приём) as a PDF: 80 mm receipt roll, A6 or A5.

One page per ticket, so several tickets print in one go. A roll page is exactly as
long as its ticket; A6 and A5 are portrait sheets. Everything is drawn with the
shipped DejaVu Sans (Cyrillic), and the QR code as vector shapes (see
:mod:`crm.reports.qr`). The data arrive ready to print (:class:`TicketData`): this
module decides only where things go.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from crm.i18n import translate
from crm.reports import fonts, qr
from crm.reports.layout import Align, Code, Gap, Item, Rule, Text, draw, height
from crm.reports.paper import TicketFormat


@dataclass(frozen=True)
class _Paper:
    width: float
    height: float | None  # None: as long as the ticket (a roll)
    margin: float
    size: float  # the base font size
    qr_side: float
    qr_beside: bool  # the QR at the right of the closing lines, or centred below


PAPER = {
    TicketFormat.ROLL80: _Paper(80 * mm, None, 4 * mm, 9.0, 36 * mm, False),
    TicketFormat.A6: _Paper(105 * mm, 148 * mm, 7 * mm, 9.4, 32 * mm, True),
    TicketFormat.A5: _Paper(148 * mm, 210 * mm, 12 * mm, 13.5, 48 * mm, True),
}


def page_size(fmt: TicketFormat) -> tuple[float, float | None]:
    """Width and height of ``fmt``'s page in points (height ``None`` for a roll)."""
    paper = PAPER[fmt]
    return paper.width, paper.height


@dataclass(frozen=True)
class TicketData:
    """What one ticket says (texts ready to print, times in the clinic's timezone).

    Attributes:
        appointment_id: encoded in the QR code.
        number: the ticket's number as printed.
        clinic_name, clinic_address, clinic_phone: the clinic's profile.
        branch_name, branch_address: where the patient comes.
        patient_name: full ФИО.
        patient_birth_date: shown ДД.ММ.ГГГГ.
        starts_at, ends_at: the appointment's time.
        doctor_name: full ФИО of the doctor.
        specialty: the doctor's specialty.
        room: the room (кабинет) number, if known.
        kind_title: the kind of appointment in words.
        referral_number: the referral's number, for a booking by referral.
        service_name: the paid service, if any.
        video_link: the remote consultation's link.
        bring: what to bring, in words.
        printed_at: when the ticket was made.
    """

    appointment_id: int
    number: str
    clinic_name: str
    clinic_address: str | None
    clinic_phone: str | None
    branch_name: str | None
    branch_address: str | None
    patient_name: str
    patient_birth_date: dt.date
    starts_at: dt.datetime
    ends_at: dt.datetime
    doctor_name: str
    specialty: str
    room: str | None
    kind_title: str
    referral_number: str | None
    service_name: str | None
    video_link: str | None
    bring: tuple[str, ...]
    printed_at: dt.datetime


def weekday_name(day: dt.date) -> str:
    """The day of the week in words (lower case in Russian, as after a date)."""
    names = (
        translate("tickets", "Monday"),
        translate("tickets", "Tuesday"),
        translate("tickets", "Wednesday"),
        translate("tickets", "Thursday"),
        translate("tickets", "Friday"),
        translate("tickets", "Saturday"),
        translate("tickets", "Sunday"),
    )
    return names[day.weekday()]


def date_with_weekday(day: dt.date) -> str:
    """``24.11.2026, вторник``."""
    return f"{day:%d.%m.%Y}, {weekday_name(day)}"


def _items(ticket: TicketData, paper: _Paper, s: float, f: fonts.FontSet, code: str) -> list[Item]:
    small = s * 0.82
    items: list[Item] = [
        Text(ticket.clinic_name, f.bold, s * 1.1, Align.CENTRE, max_lines=2),
    ]
    contacts = ", ".join(x for x in (ticket.clinic_address, ticket.clinic_phone) if x)
    if contacts:
        items.append(Text(contacts, f.regular, small, Align.CENTRE, grey=True, max_lines=2))
    items += [
        Rule(s * 0.45),
        Text(
            translate("tickets", "APPOINTMENT TICKET No. {number}").format(number=ticket.number),
            f.bold,
            s * 1.05,
            Align.CENTRE,
        ),
        Text(translate("tickets", "Patient"), f.regular, small, grey=True, space_before=s * 0.4),
        Text(ticket.patient_name, f.bold, s * 1.1, max_lines=2),
        Text(
            translate("tickets", "born {date}").format(
                date=f"{ticket.patient_birth_date:%d.%m.%Y}"
            ),
            f.regular,
            s,
        ),
        Text(date_with_weekday(ticket.starts_at.date()), f.bold, s * 1.1, space_before=s * 0.5),
        Text(
            f"{ticket.starts_at:%H:%M}–{ticket.ends_at:%H:%M}",
            f.bold,
            s * 2.2,
        ),
        Text(translate("tickets", "Doctor"), f.regular, small, grey=True, space_before=s * 0.3),
        Text(ticket.doctor_name, f.bold, s, max_lines=2),
        Text(ticket.specialty, f.regular, s, max_lines=2),
    ]
    if ticket.video_link:
        items += [
            Text(
                translate("tickets", "Remote consultation: join by the link"),
                f.bold,
                s,
                space_before=s * 0.5,
            ),
            Text(ticket.video_link, f.regular, small, max_lines=3),
        ]
    else:
        room = (
            translate("tickets", "Room {number}").format(number=ticket.room)
            if ticket.room
            else translate("tickets", "Room: ask at the front desk")
        )
        items.append(Text(room, f.bold, s * 1.35, space_before=s * 0.5))
        place = ", ".join(x for x in (ticket.branch_name, ticket.branch_address) if x)
        if place:
            items.append(Text(place, f.regular, small, max_lines=2))
    details = [ticket.kind_title]
    if ticket.service_name:
        details.append(ticket.service_name)
    items.append(Text(", ".join(details), f.regular, small, space_before=s * 0.35, max_lines=2))
    if ticket.referral_number:
        items.append(
            Text(
                translate("tickets", "Referral No. {number}").format(number=ticket.referral_number),
                f.regular,
                s,
            )
        )
    closing: list[Text] = []
    if ticket.bring:
        closing += [
            Text(translate("tickets", "Please bring:"), f.bold, s * 0.9),
            Text(", ".join(ticket.bring), f.regular, s * 0.9, max_lines=3),
        ]
    closing += [
        Text(
            # A remote visit is joined from home: the desk is not part of it.
            translate(
                "tickets", "At the appointed time open the link; there is no need to come in."
            )
            if ticket.video_link
            else translate("tickets", "Show this code at the front desk to check in."),
            f.regular,
            small,
            grey=True,
            space_before=s * 0.3,
            max_lines=3,
        ),
        Text(
            translate("tickets", "Printed {moment}").format(
                moment=f"{ticket.printed_at:%d.%m.%Y %H:%M}"
            ),
            f.regular,
            small * 0.9,
            grey=True,
            space_before=s * 0.2,
        ),
    ]
    caption = Text(code, f.regular, min(small, paper.qr_side / 15), Align.CENTRE)
    modules = qr.matrix(code)
    items.append(Rule(s * 0.45, dashed=True))
    if paper.qr_beside:
        items.append(Code(modules, paper.qr_side, beside=closing, caption=caption))
    else:
        items += [*closing, Gap(s * 0.3), Code(modules, paper.qr_side, caption=caption)]
    return items


def draw_ticket(canvas: Canvas, ticket: TicketData, fmt: TicketFormat) -> None:
    """Draw ``ticket`` as one page of ``canvas`` (sets the page size, ends the page)."""
    f = fonts.register()
    paper = PAPER[fmt]
    width = paper.width - 2 * paper.margin
    code = qr.ticket_code(ticket.appointment_id)
    size = paper.size
    items = _items(ticket, paper, size, f, code)
    page_height = paper.height
    if page_height is None:
        page_height = height(items, width) + 2 * paper.margin
    else:
        # Long names or a long link: shrink the type until the ticket fits the sheet.
        while height(items, width) > page_height - 2 * paper.margin and size > paper.size * 0.6:
            size *= 0.92
            items = _items(ticket, paper, size, f, code)
        # The tear-off part (what to bring, the code) goes to the bottom of the sheet.
        spare = page_height - 2 * paper.margin - height(items, width)
        if spare > 0:
            cut = max(i for i, item in enumerate(items) if isinstance(item, Rule))
            items.insert(cut, Gap(spare))
    canvas.setPageSize((paper.width, page_height))
    draw(canvas, items, paper.margin, page_height - paper.margin, width)
    canvas.showPage()


def render_tickets(tickets: Sequence[TicketData], fmt: TicketFormat) -> bytes:
    """A PDF with one page per ticket, in order.

    Raises:
        ValueError: no tickets.
    """
    if not tickets:
        raise ValueError("no tickets to render")
    buffer = io.BytesIO()
    width, length = page_size(fmt)
    canvas = Canvas(buffer, pagesize=(width, length or width), pageCompression=1)
    first = tickets[0]
    canvas.setTitle(
        translate("tickets", "Ticket No. {number}").format(number=first.number)
        if len(tickets) == 1
        else translate("tickets", "Tickets ({count})").format(count=len(tickets))
    )
    canvas.setAuthor(first.clinic_name)
    canvas.setCreator("Registratura")
    for ticket in tickets:
        draw_ticket(canvas, ticket, fmt)
    canvas.save()
    return buffer.getvalue()
