"""Writes a :class:`~crm.reports.excel.model.ReportDocument` as an ``.xlsx`` workbook.

Every sheet is written in openpyxl's write-only mode, so a register of a million
appointments streams from the database cursor to the file without being held in
memory. Each table gets a bold frozen header, an autofilter over its data, column
widths by content kind, Russian date and number formats, and a totals row made of
formulas (``=SUM(C2:C41)``), never of pasted numbers, so the totals stay right when
a manager filters or edits the sheet. A chart, when asked for, is a native Excel
chart over the sheet's own cells.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

from crm.i18n import translate
from crm.reports.excel.cells import data_cell, force_text, needs_text
from crm.reports.excel.model import Column, Kind, ReportDocument, Table, Total, Value

#: Excel number formats by column kind (explicit codes, so every locale shows them alike).
NUMBER_FORMATS: dict[Kind, str] = {
    Kind.TEXT: "General",
    Kind.INTEGER: "#,##0",
    Kind.NUMBER: "#,##0.0",
    Kind.MONEY: '#,##0.00 "₽"',
    Kind.PERCENT: "0.0%",
    Kind.DATE: "DD.MM.YYYY",
    Kind.DATETIME: "DD.MM.YYYY HH:MM",
}
_WIDTHS: dict[Kind, float] = {
    Kind.TEXT: 24,
    Kind.INTEGER: 11,
    Kind.NUMBER: 11,
    Kind.MONEY: 15,
    Kind.PERCENT: 10,
    Kind.DATE: 12,
    Kind.DATETIME: 17,
}
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
_HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="center")
_WRAP_ALIGNMENT = Alignment(wrap_text=True, vertical="top")
_HEADER_BORDER = Border(bottom=Side(style="thin", color="808080"))
_TOTAL_BORDER = Border(top=Side(style="thin", color="808080"))
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
#: How often (in rows) progress is reported and cancellation checked.
PROGRESS_EVERY = 2000

Progress = Callable[[int, int | None], None]
ShouldCancel = Callable[[], bool]


class ExportCancelled(Exception):
    """The user cancelled the export; the partial file was removed."""


def sheet_title(name: str, taken: set[str]) -> str:
    """A valid, unique sheet name (≤ 31 characters, no ``[]:*?/\\``)."""
    base = _BAD_SHEET_CHARS.sub(" ", name).strip()[:31] or "Sheet"
    title, n = base, 2
    while title.lower() in taken:
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title.lower())
    return title


def column_width(column: Column) -> float:
    """The column's width in characters: as set, else by kind, never narrower than its title."""
    if column.width is not None:
        return column.width
    longest_word = max((len(word) for word in column.title.split()), default=0)
    return max(_WIDTHS[column.kind], min(len(column.title) + 2, 40) * 0.8, longest_word + 2)


def _styled(
    ws: WriteOnlyWorksheet,
    value: Any,
    *,
    number_format: str | None = None,
    bold: bool = False,
    border: Border | None = None,
    formula: bool = False,
) -> WriteOnlyCell:
    """A cell with a style; a string is text unless ``formula`` (the program's own totals)."""
    cell = WriteOnlyCell(ws, value=value)
    if not formula:
        force_text(cell)
    if number_format and number_format != "General":
        cell.number_format = number_format
    if bold:
        cell.font = _HEADER_FONT
    if border is not None:
        cell.border = border
    return cell


def _print_setup(ws: WriteOnlyWorksheet, header: str) -> None:
    """Landscape, all columns on one page width, the header row repeated on every page,
    the report's title and period at the top of each page and its number at the bottom."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    # «&» starts a code in Excel's header language: a literal one is doubled.
    ws.oddHeader.center.text = header.replace("&", "&&")
    ws.oddFooter.right.text = translate("reports", "Page &P of &N")


def _header_cell(ws: WriteOnlyWorksheet, title: str) -> WriteOnlyCell:
    cell = _styled(ws, title, bold=True, border=_HEADER_BORDER)
    cell.fill = _HEADER_FILL
    cell.alignment = _HEADER_ALIGNMENT
    return cell


class _Writer:
    def __init__(self, progress: Progress | None, should_cancel: ShouldCancel | None) -> None:
        self.progress = progress
        self.should_cancel = should_cancel
        self.written = 0
        self.expected: int | None = None

    def tick(self) -> None:
        if self.progress is not None:
            self.progress(self.written, self.expected)
        if self.should_cancel is not None and self.should_cancel():
            raise ExportCancelled

    def write_table(self, ws: WriteOnlyWorksheet, table: Table, header: str = "") -> None:
        columns = list(table.columns)
        for position, column in enumerate(columns, start=1):
            ws.column_dimensions[get_column_letter(position)].width = column_width(column)
        ws.freeze_panes = "A2"
        _print_setup(ws, header or table.sheet)
        # Wrapped titles need a taller header row (write-only: set before the row is written).
        lines = max(
            (math.ceil(len(c.title) * 1.1 / max(column_width(c) - 1, 1)) for c in columns),
            default=1,
        )
        ws.row_dimensions[1].height = 15 * max(1, min(lines, 4))
        ws.append([_header_cell(ws, c.title) for c in columns])
        # Prototype cells per styled column: a row reuses them (each is written the
        # moment it is appended), which keeps streaming as fast as plain values.
        prototypes: list[WriteOnlyCell | None] = [
            _styled(ws, None, number_format=NUMBER_FORMATS[c.kind])
            if c.kind is not Kind.TEXT or c.wrap
            else None
            for c in columns
        ]
        for column, prototype in zip(columns, prototypes, strict=True):
            if column.wrap and prototype is not None:
                prototype.alignment = _WRAP_ALIGNMENT
        styled = [(i, p) for i, p in enumerate(prototypes) if p is not None]
        plain = [i for i, p in enumerate(prototypes) if p is None]
        count = 0
        every = PROGRESS_EVERY
        append = ws.append
        for values in table.rows:
            row: list[Any] = list(values)
            for position, prototype in styled:
                value = row[position]
                if value is not None:
                    prototype.value = value
                    force_text(prototype)
                    row[position] = prototype
            for position in plain:
                # A name like «=HYPERLINK(…)» is text, never a formula (crm.reports.excel.cells).
                if needs_text(row[position]):
                    row[position] = data_cell(ws, row[position])
            append(row)
            count += 1
            if count % every == 0:
                self.written += every
                self.tick()
        self.written += count % every
        last = count + 1
        width = len(columns)
        if count:
            ws.auto_filter.ref = f"A1:{get_column_letter(width)}{last}"
        if table.totals and count:
            ws.append(self._totals(ws, table, last))
        elif not count and table.empty_message:
            ws.append([data_cell(ws, table.empty_message)])
        if table.chart is not None and count:
            self._chart(ws, table, last)

    def _totals(self, ws: WriteOnlyWorksheet, table: Table, last: int) -> list[Any]:
        cells: list[Any] = []
        letters = {c.key: get_column_letter(i) for i, c in enumerate(table.columns, start=1)}
        label_written = False
        for column in table.columns:
            letter = letters[column.key]
            span = f"{letter}2:{letter}{last}"
            formula: str | None = table.total_formulas.get(column.key)
            if formula is None:
                if column.total is Total.SUM:
                    formula = f"=SUM({span})"
                elif column.total is Total.COUNT:
                    formula = f"=COUNTA({span})"
                elif column.total is Total.AVERAGE:
                    formula = f'=IF(COUNT({span})=0,"",AVERAGE({span}))'
                elif column.total is Total.MEDIAN:
                    formula = f'=IF(COUNT({span})=0,"",MEDIAN({span}))'
                elif column.total is Total.RATIO and column.ratio is not None:
                    top, bottom = (letters[key] for key in column.ratio)
                    numerator = f"SUM({top}2:{top}{last})"
                    denominator = f"SUM({bottom}2:{bottom}{last})"
                    formula = f'=IF({denominator}=0,"",{numerator}/{denominator})'
            if formula is None and not label_written and column.total in (Total.NONE, Total.LABEL):
                cells.append(
                    _styled(ws, translate("reports", "Total"), bold=True, border=_TOTAL_BORDER)
                )
                label_written = True
                continue
            number_format = NUMBER_FORMATS[column.kind]
            if column.total is Total.COUNT:
                number_format = NUMBER_FORMATS[Kind.INTEGER]
            cells.append(
                _styled(
                    ws,
                    formula,
                    number_format=number_format,
                    bold=True,
                    border=_TOTAL_BORDER,
                    formula=True,
                )
            )
        return cells

    def _chart(self, ws: WriteOnlyWorksheet, table: Table, last: int) -> None:
        spec = table.chart
        assert spec is not None
        chart: LineChart | BarChart = LineChart() if spec.line else BarChart()
        chart.title = spec.title
        chart.y_axis.title = spec.y_title or None
        chart.height, chart.width = 9, 18
        if spec.percent:
            chart.y_axis.number_format = "0%"
        # openpyxl hides axes by default (delete=True); Excel then draws none.
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        chart.legend.position = "b"
        for key in spec.series:
            column = table.index_of(key) + 1
            data = Reference(ws, min_col=column, min_row=1, max_row=last)
            chart.add_data(data, titles_from_data=True)
        if isinstance(chart, LineChart):
            for series in chart.series:
                series.smooth = False  # openpyxl's default curves overshoot between days
        category = table.index_of(spec.category) + 1
        chart.set_categories(Reference(ws, min_col=category, min_row=2, max_row=last))
        anchor = get_column_letter(len(table.columns) + 2) + "2"
        ws.add_chart(chart, anchor)

    def write_parameters(self, ws: WriteOnlyWorksheet, document: ReportDocument) -> None:
        ws.column_dimensions["A"].width = 30
        ws.column_dimensions["B"].width = 60
        ws.append([_styled(ws, document.title, bold=True)])
        ws.append([])
        for label, value in document.parameters:
            ws.append([_styled(ws, label, bold=True), _parameter_cell(ws, value)])
        if document.notes:
            ws.append([])
            ws.append([_styled(ws, translate("reports", "How the figures are counted"), bold=True)])
            for note in document.notes:
                ws.append([data_cell(ws, note)])


def _parameter_cell(ws: WriteOnlyWorksheet, value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return _styled(ws, value.replace(tzinfo=None), number_format=NUMBER_FORMATS[Kind.DATETIME])
    if isinstance(value, dt.date):
        return _styled(ws, value, number_format=NUMBER_FORMATS[Kind.DATE])
    return data_cell(ws, value)


def write_workbook(
    document: ReportDocument,
    path: str | os.PathLike[str],
    *,
    progress: Progress | None = None,
    should_cancel: ShouldCancel | None = None,
) -> int:
    """Write ``document`` to ``path`` (an ``.xlsx`` file); return the data rows written.

    Args:
        document: the report.
        path: where to write; written to a temporary name beside it and renamed at
            the end, so a cancelled or failed export never leaves a half file.
        progress: called now and then with (rows written so far, rows expected or None).
        should_cancel: polled as often as ``progress``; true stops the export.

    Raises:
        ExportCancelled: ``should_cancel`` returned true.
    """
    target = Path(path)
    partial = target.with_name(f".{target.name}.partial")
    writer = _Writer(progress, should_cancel)
    known = [t.expected_rows for t in document.tables]
    writer.expected = None if None in known else sum(n or 0 for n in known)
    workbook = Workbook(write_only=True)
    taken: set[str] = set()
    try:
        for table in document.tables:
            ws = workbook.create_sheet(sheet_title(table.sheet, taken))
            writer.write_table(ws, table, document.page_header())
        writer.write_parameters(
            workbook.create_sheet(sheet_title(document.parameters_sheet, taken)), document
        )
        writer.tick()
        workbook.save(partial)
        os.replace(partial, target)
    except BaseException:
        _abandon(workbook)
        partial.unlink(missing_ok=True)
        raise
    return writer.written


def _abandon(workbook: Workbook) -> None:
    """Close the sheets' streams and remove their temporary files after a failure."""
    for ws in workbook.worksheets:
        if not isinstance(ws, WriteOnlyWorksheet) or ws.closed:
            continue
        rows, writer = ws._rows, ws._writer
        try:
            if rows is not None:
                rows.close()
            if writer is not None:
                writer.xf.close()
                writer.cleanup()
        except Exception:  # noqa: BLE001 — already failing; the first error is the one to report
            pass


def sheet_reference(sheet: str, span: str) -> str:
    """``'Sheet name'!A2:A10`` for a formula on another sheet."""
    return f"{quote_sheetname(sheet)}!{span}"


def rows_preview(table: Table, limit: int) -> list[Sequence[Value]]:
    """The first ``limit`` rows of a table (consumes a generator's first rows)."""
    found: list[Sequence[Value]] = []
    for row in table.rows:
        found.append(row)
        if len(found) >= limit:
            break
    return found
