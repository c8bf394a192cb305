"""A doctor's day list (список приёма) as an A4 PDF, one section per doctor.

Every section starts on a new page; every page has the clinic, the day, the doctor
(«continued» after the first page of a section), the table's column titles, and
«page N of M» at the bottom. Rows are measured first and then drawn straight onto
the canvas: a day of 40 doctors × 30 patients takes a fraction of a second, where
a general-purpose table flowable would spend most of it measuring cells.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from crm.i18n import translate
from crm.reports import fonts
from crm.reports.ticket import date_with_weekday

MARGIN = 12 * mm
SIZE = 8.6  # the table's font size
LEADING = SIZE * 1.2
PAD = 2.2  # above and below a row's text
CELL_PAD = 2.5  # left and right of a cell's text
HEADER_HEIGHT = 21 * mm  # the page header with the section's title
FOOTER_HEIGHT = 8 * mm
GREY = (0.4, 0.4, 0.4)
SHADE = (0.93, 0.93, 0.93)


@dataclass(frozen=True)
class DayListRow:
    """One appointment of the list (texts ready to print; times in the clinic's zone)."""

    starts_at: dt.datetime
    ends_at: dt.datetime
    patient_name: str
    birth_date: dt.date
    phone: str | None
    kind_title: str
    referral_number: str | None
    status_title: str
    note: str | None
    #: Cancelled, no-show…: printed in grey.
    inactive: bool = False
    #: In the holding tray (the doctor is away, e.g. on vacation): the list says so,
    #: so whoever reads it calls the patient to move the visit instead of waiting for them.
    held: bool = False


@dataclass(frozen=True)
class DayListSection:
    """One doctor's day."""

    doctor_name: str
    specialty: str
    room: str | None
    hours: str | None  # e.g. «09:00–14:00, 15:00–18:00»; None: not working
    branch_name: str | None
    rows: tuple[DayListRow, ...]
    #: For the print journal; not printed.
    doctor_id: int | None = None


@dataclass(frozen=True)
class DayListData:
    """The whole document."""

    clinic_name: str
    day: dt.date
    sections: tuple[DayListSection, ...]
    printed_at: dt.datetime


@dataclass(frozen=True)
class _Column:
    title: str
    #: Share of the width left after the fixed columns; 0: as wide as ``sample``.
    share: float
    max_lines: int = 1
    sample: str = ""


def _columns(portrait: bool) -> tuple[_Column, ...]:
    number = _Column("№", 0, sample="888")
    time = _Column(translate("daylist", "Time"), 0, sample="88:88–88:88")
    phone = _Column(translate("daylist", "Phone"), 0, sample="+7 (888) 888-88-88")
    status = _Column(translate("daylist", "Status"), 0.12, 3)
    if portrait:
        # Too narrow for nine columns: the birth date goes under the name, the
        # referral under the kind.
        return (
            number,
            time,
            _Column(translate("daylist", "Patient, born"), 0.34, 3),
            phone,
            _Column(translate("daylist", "Kind, referral"), 0.22, 3),
            status,
            _Column(translate("daylist", "Notes"), 0.32, 3),
        )
    return (
        number,
        time,
        _Column(translate("daylist", "Patient"), 0.27, 2),
        _Column(translate("daylist", "Born"), 0, sample="88.88.8888"),
        phone,
        _Column(translate("daylist", "Kind"), 0.15, 2),
        _Column(translate("daylist", "Referral"), 0.12, 2),
        status,
        _Column(translate("daylist", "Notes"), 0.34, 3),
    )


def _status(row: DayListRow) -> str:
    if not row.held:
        return row.status_title
    return f"{row.status_title}\n{translate('daylist', 'in the holding tray: move it')}"


def _cells(index: int, row: DayListRow, portrait: bool) -> tuple[str, ...]:
    time = f"{row.starts_at:%H:%M}–{row.ends_at:%H:%M}"
    born = f"{row.birth_date:%d.%m.%Y}"
    if portrait:
        kind = row.kind_title
        if row.referral_number:
            kind += "\n" + translate("daylist", "No. {number}").format(number=row.referral_number)
        return (
            str(index),
            time,
            f"{row.patient_name}\n{born}",
            row.phone or "",
            kind,
            _status(row),
            row.note or "",
        )
    return (
        str(index),
        time,
        row.patient_name,
        born,
        row.phone or "",
        row.kind_title,
        row.referral_number or "",
        _status(row),
        row.note or "",
    )


@dataclass
class _Laid:
    """A measured row: its lines per cell and its height."""

    lines: list[list[str]]
    height: float
    inactive: bool


@dataclass
class _Page:
    section: DayListSection
    continued: bool
    rows: list[_Laid]
    empty: bool = False


class _Writer:
    def __init__(self, data: DayListData, *, portrait: bool) -> None:
        self.data = data
        self.f = fonts.register()
        self.width, self.height = A4 if portrait else landscape(A4)
        self.table_width = self.width - 2 * MARGIN
        self.portrait = portrait
        self.columns = _columns(portrait)
        fixed = {
            i: max(
                fonts.text_width(c.sample, self.f.condensed, SIZE),
                fonts.text_width(c.title, self.f.condensed_bold, SIZE),
            )
            + 2 * CELL_PAD
            for i, c in enumerate(self.columns)
            if not c.share
        }
        left = self.table_width - sum(fixed.values())
        self.widths = [fixed.get(i, c.share * left) for i, c in enumerate(self.columns)]
        self.head = self._measure(tuple(c.title for c in self.columns), bold=True)

    def _measure(self, cells: Sequence[str], *, bold: bool = False) -> _Laid:
        font = self.f.condensed_bold if bold else self.f.condensed
        lines = [
            fonts.wrap(text, font, SIZE, width - 2 * CELL_PAD, column.max_lines if not bold else 2)
            for text, width, column in zip(cells, self.widths, self.columns, strict=True)
        ]
        height = max(len(cell) for cell in lines) * LEADING + 2 * PAD
        return _Laid(lines, height, False)

    def paginate(self) -> list[_Page]:
        pages: list[_Page] = []
        body = self.height - 2 * MARGIN - HEADER_HEIGHT - FOOTER_HEIGHT - self.head.height
        for section in self.data.sections:
            page = _Page(section, False, [])
            pages.append(page)
            if not section.rows:
                page.empty = True
                continue
            used = 0.0
            for index, row in enumerate(section.rows, start=1):
                laid = self._measure(_cells(index, row, self.portrait))
                laid.inactive = row.inactive
                if page.rows and used + laid.height > body:
                    page = _Page(section, True, [])
                    pages.append(page)
                    used = 0.0
                page.rows.append(laid)
                used += laid.height
        return pages

    def draw(self, canvas: Canvas, pages: list[_Page]) -> None:
        for number, page in enumerate(pages, start=1):
            canvas.setPageSize((self.width, self.height))
            top = self._header(canvas, page)
            if page.empty:
                canvas.setFont(self.f.regular, SIZE * 1.2)
                canvas.drawString(
                    MARGIN, top - 8 * mm, translate("daylist", "No appointments on this day.")
                )
            else:
                top = self._row(canvas, self.head, top, header=True)
                for shade, laid in enumerate(page.rows):
                    top = self._row(canvas, laid, top, shaded=shade % 2 == 1)
            self._footer(canvas, page, number, len(pages))
            canvas.showPage()

    def _header(self, canvas: Canvas, page: _Page) -> float:
        f, data, section = self.f, self.data, page.section
        top = self.height - MARGIN
        canvas.setFillColorRGB(*GREY)
        canvas.setFont(f.regular, 8)
        canvas.drawString(MARGIN, top - 8, fonts.fit(data.clinic_name, f.regular, 8, 90 * mm))
        canvas.drawRightString(
            self.width - MARGIN,
            top - 8,
            translate("daylist", "Printed {moment}").format(
                moment=f"{data.printed_at:%d.%m.%Y %H:%M}"
            ),
        )
        canvas.setFillColorRGB(0, 0, 0)
        canvas.setFont(f.bold, 12)
        title = translate("daylist", "Day list for {day}").format(day=date_with_weekday(data.day))
        canvas.drawString(MARGIN, top - 24, title)
        name = section.doctor_name
        if page.continued:
            name = translate("daylist", "{doctor} (continued)").format(doctor=name)
        canvas.setFont(f.bold, 11)
        canvas.drawString(MARGIN, top - 39, fonts.fit(name, f.bold, 11, self.table_width))
        details = [section.specialty] if section.specialty else []
        if section.room:
            details.append(translate("daylist", "room {number}").format(number=section.room))
        if section.branch_name:
            details.append(section.branch_name)
        details.append(
            translate("daylist", "hours {hours}").format(hours=section.hours)
            if section.hours
            else translate("daylist", "not working on this day")
        )
        if not page.continued:
            active = sum(1 for row in section.rows if not row.inactive)
            details.append(translate("daylist", "patients: {count}").format(count=active))
            greyed = len(section.rows) - active
            if greyed:
                # Said, so that a list of ten rows headed «patients: 9» adds up.
                details.append(
                    translate("daylist", "cancelled, moved or missed: {count}").format(count=greyed)
                )
        canvas.setFont(f.regular, 9)
        shown = fonts.fit(", ".join(details), f.regular, 9, self.table_width)
        canvas.drawString(MARGIN, top - 51, shown)
        return top - HEADER_HEIGHT

    def _row(
        self,
        canvas: Canvas,
        laid: _Laid,
        top: float,
        *,
        header: bool = False,
        shaded: bool = False,
    ) -> float:
        bottom = top - laid.height
        if header or shaded:
            canvas.setFillColorRGB(*((0.82, 0.82, 0.82) if header else SHADE))
            canvas.rect(MARGIN, bottom, self.table_width, laid.height, stroke=0, fill=1)
        canvas.setFillColorRGB(*(GREY if laid.inactive else (0, 0, 0)))
        canvas.setFont(self.f.condensed_bold if header else self.f.condensed, SIZE)
        x = MARGIN
        for lines, width in zip(laid.lines, self.widths, strict=True):
            baseline = top - PAD - SIZE
            for line in lines:
                canvas.drawString(x + CELL_PAD, baseline, line)
                baseline -= LEADING
            x += width
        canvas.setFillColorRGB(0, 0, 0)
        canvas.setLineWidth(0.3)
        canvas.line(MARGIN, bottom, MARGIN + self.table_width, bottom)
        return bottom

    def _footer(self, canvas: Canvas, page: _Page, number: int, total: int) -> None:
        canvas.setFont(self.f.regular, 8)
        canvas.setFillColorRGB(*GREY)
        y = MARGIN
        canvas.drawString(MARGIN, y, page.section.doctor_name)
        canvas.drawRightString(
            self.width - MARGIN,
            y,
            translate("daylist", "Page {number} of {total}").format(number=number, total=total),
        )
        canvas.setFillColorRGB(0, 0, 0)


def render_day_list(data: DayListData, *, portrait: bool = False) -> bytes:
    """The day list as a PDF (A4 landscape unless ``portrait``).

    A day without sections still gives one page saying so.
    """
    if not data.sections:
        data = DayListData(
            data.clinic_name,
            data.day,
            (
                DayListSection(
                    translate("daylist", "No doctors receive patients on this day"),
                    "",
                    None,
                    None,
                    None,
                    (),
                ),
            ),
            data.printed_at,
        )
    writer = _Writer(data, portrait=portrait)
    pages = writer.paginate()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(writer.width, writer.height), pageCompression=1)
    canvas.setTitle(translate("daylist", "Day list for {day}").format(day=f"{data.day:%d.%m.%Y}"))
    canvas.setAuthor(data.clinic_name)
    canvas.setCreator("Registratura")
    writer.draw(canvas, pages)
    canvas.save()
    return buffer.getvalue()
