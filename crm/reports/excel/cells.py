"""Cells from the database are written as text, never as formulas.

openpyxl turns any string that begins with ``=`` into a formula (and ``#DIV/0!`` and
the other error codes into error cells). A patient called ``=HYPERLINK("http://x";"y")``
would then be a live link in every register a manager opens, the spreadsheet
formula injection that OWASP calls "CSV injection". Every writer passes the values
it did not compose itself through :func:`data_cell`: a string that begins with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return (or that spells an error code)
becomes a cell whose type is forced to an inline string. The text the user sees is
unchanged (no apostrophe, no space in front); numbers, dates and every other string
are returned untouched, so the common case costs one type check.

Formulas the program writes itself (the totals row) do not come through here.
"""

from __future__ import annotations

from typing import Any

from openpyxl.cell.cell import ERROR_CODES, Cell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

#: First characters a spreadsheet program may read as the start of a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_ERROR_CODES = frozenset(ERROR_CODES)


def needs_text(value: object) -> bool:
    """True for a string openpyxl or a spreadsheet could take for a formula or an error."""
    return type(value) is str and (value.startswith(FORMULA_TRIGGERS) or value in _ERROR_CODES)


def force_text(cell: Cell) -> Cell:
    """Make ``cell`` an inline-string cell if its value is such a string; return it."""
    if needs_text(cell.value):
        cell.data_type = "s"
    return cell


def data_cell(ws: WriteOnlyWorksheet | Worksheet, value: Any) -> Any:
    """``value`` as it may be appended to ``ws``: itself, or a text cell holding it.

    Args:
        ws: the sheet the row is appended to (write-only or ordinary).
        value: a value read from the database or typed by a user.
    """
    if not needs_text(value):
        return value
    # row and column are placeholders: append() sets them (as WriteOnlyCell does).
    cell = Cell(ws, row=1, column=1, value=value)
    cell.data_type = "s"
    return cell


def data_row(ws: WriteOnlyWorksheet | Worksheet, values: Any) -> list[Any]:
    """A row of values through :func:`data_cell`."""
    return [data_cell(ws, value) for value in values]
