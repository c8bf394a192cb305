"""The rejected rows of an import, as a workbook the desk can fix and import again."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Protocol

from crm.i18n import translate


class RejectedRow(Protocol):
    """One problem of a rejected row (see :mod:`crm.controllers.patients.importing`)."""

    @property
    def row(self) -> int: ...
    @property
    def field(self) -> str: ...
    @property
    def message(self) -> str: ...
    @property
    def values(self) -> Sequence[str]: ...


def write_rejected_rows(path: Path, header: Sequence[str], rejected: Iterable[RejectedRow]) -> None:
    """The rejected rows of an import as a workbook: row, field, reason, the row's cells."""
    import openpyxl
    from openpyxl.styles import Font

    from crm.reports.excel.cells import data_cell, data_row

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = translate("import", "Rejected rows")
    sheet.append(
        [
            translate("import", "row"),
            translate("import", "field"),
            translate("import", "reason"),
            *data_row(sheet, header),
        ]
    )
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for problem in rejected:
        # The row's cells are what the file held: «=cmd|…» stays text (see cells.py).
        sheet.append(
            [
                problem.row,
                problem.field,
                data_cell(sheet, problem.message),
                *data_row(sheet, problem.values),
            ]
        )
    for letter, width in (("A", 8), ("B", 24), ("C", 60)):
        sheet.column_dimensions[letter].width = width
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
