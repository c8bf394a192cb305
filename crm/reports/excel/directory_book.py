"""The clinic's directories as one workbook a manager edits and imports again.

A sheet per directory: a bold frozen header of column titles, then a row per record,
every cell written as text (the ``@`` number format), so that what a manager types
into the file — ``01.09.2026``, ``09:00``, ``007`` — stays exactly as typed instead
of turning into Excel's dates and numbers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

#: Excel's "text" number format.
TEXT_FORMAT = "@"
_MIN_WIDTH, _MAX_WIDTH = 8, 60


@dataclass(frozen=True)
class Sheet:
    """One sheet of the workbook.

    Attributes:
        title: the sheet's name (at most 31 characters, no ``[]:*?/\\``).
        header: the column titles.
        rows: the cells of each row, as text.
    """

    title: str
    header: Sequence[str]
    rows: Iterable[Sequence[str]]


def write_sheets(path: Path, sheets: Iterable[Sheet]) -> int:
    """Write ``sheets`` into a new workbook at ``path``; returns the rows written."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    default = workbook.active
    if default is not None:
        workbook.remove(default)
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DCE6F1")
    written = 0
    for sheet in sheets:
        ws = workbook.create_sheet(sheet.title)
        widths = [len(title) for title in sheet.header]
        ws.append(list(sheet.header))
        for cell in ws[1]:
            cell.font, cell.fill = bold, fill
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        for cells in sheet.rows:
            ws.append(list(cells))
            written += 1
            for index, text in enumerate(cells):
                if index < len(widths):
                    widths[index] = max(widths[index], len(text))
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                cell.number_format = TEXT_FORMAT
        for index, width in enumerate(widths, start=1):
            letter = get_column_letter(index)
            ws.column_dimensions[letter].width = min(max(width + 2, _MIN_WIDTH), _MAX_WIDTH)
        ws.freeze_panes = "A2"
        if sheet.header:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(sheet.header))}{max(ws.max_row, 1)}"
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return written
