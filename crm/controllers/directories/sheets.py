"""Reading the directory workbook: its sheets, their headers and their cells as text.

The workbook's format (:mod:`~crm.controllers.directories.workbook` writes it and
reads it back): a sheet per directory, named as in the catalogue («Филиалы»,
«Врачи»…); row 1 names the columns — by their title in the current language or by
their field name (``last_name``) — and each further non-empty row is a record.
Deactivatable directories carry a «Действует» column (да/нет).

Cells may come back from a spreadsheet as numbers, dates or times; each is turned
into the text the directories' cleaners take (``15``, not ``15.0``; ``01.09.2026``;
``09:00``).
"""

from __future__ import annotations

import datetime as dt
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from crm.controllers.directories.catalogue import DIRECTORIES
from crm.controllers.directories.records import Directory
from crm.controllers.errors import DomainError
from crm.i18n import translate

#: The pseudo-field of the «Действует» column.
ACTIVE = "active"
#: Excel's day zero: a time typed into a date cell comes back on it.
_EXCEL_EPOCHS = (dt.date(1899, 12, 30), dt.date(1899, 12, 31), dt.date(1900, 1, 1))


class WorkbookUnreadable(DomainError):
    """The file is not there, or not an XLSX workbook."""


def active_title() -> str:
    """The title of the «Действует» column."""
    return translate("workbook", "Active")


def _hours(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def cell_text(value: Any) -> str:
    """A spreadsheet cell as the text a cleaner takes."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return translate("directories", "yes") if value else translate("directories", "no")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # 15 significant digits: what Excel shows, without binary noise (0.1 + 0.2).
        return str(int(value)) if value.is_integer() else format(value, ".15g")
    if isinstance(value, Decimal):
        return str(int(value)) if value == value.to_integral_value() else str(value)
    if isinstance(value, dt.datetime):
        if value.date() in _EXCEL_EPOCHS:
            return value.strftime("%H:%M")
        if value.time() == dt.time(0):
            return value.strftime("%d.%m.%Y")
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, dt.timedelta):
        return _hours(int(value.total_seconds()))
    return str(value).strip()


def _normal(title: str) -> str:
    return " ".join(title.replace("ё", "е").replace("Ё", "Е").split()).casefold()


def header_names(directory: Directory) -> dict[str, str]:
    """Normalised header title → field, for the titles a sheet of ``directory`` may use."""
    names: dict[str, str] = {}
    for column in directory.columns:
        if column.in_workbook:
            names[_normal(column.field)] = column.field
            names[_normal(column.title())] = column.field
    if directory.deactivatable:
        names[_normal(ACTIVE)] = ACTIVE
        names[_normal(active_title())] = ACTIVE
    return names


def column_title(directory: Directory, name: str) -> str:
    """The title of field ``name`` of ``directory`` (``""`` for the whole row)."""
    if name == ACTIVE:
        return active_title()
    found = next((c for c in directory.columns if c.field == name), None)
    return found.title() if found is not None else ""


@dataclass(frozen=True)
class SheetProblem:
    """A problem found while reading: sheet, row as Excel shows it (0: the sheet), column."""

    sheet: str
    row: int
    column: str
    message: str


@dataclass
class ParsedSheet:
    """One directory's sheet as text.

    Attributes:
        directory: the directory it holds.
        title: the sheet's name as in the file.
        fields: the fields its columns hold (the ones the header named).
        rows: ``(row number as Excel shows it, field → text)``, empty rows left out.
    """

    directory: Directory
    title: str
    fields: list[str] = field(default_factory=list)
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)


def _directory_of(title: str) -> Directory | None:
    return next((d for d in DIRECTORIES.values() if _normal(d.sheet) == _normal(title)), None)


def _read_sheet(directory: Directory, title: str, values: list[tuple[Any, ...]]) -> tuple[
    ParsedSheet, list[SheetProblem]
]:  # fmt: skip
    parsed = ParsedSheet(directory, title)
    problems: list[SheetProblem] = []
    if not values:
        return parsed, problems
    names = header_names(directory)
    header = [cell_text(v) for v in values[0]]
    by_index: dict[int, str] = {}
    untitled: list[int] = []
    for index, text in enumerate(header):
        if not text:
            untitled.append(index)
            continue
        name = names.get(_normal(text))
        if name is None:
            problems.append(SheetProblem(title, 1, text, translate(
                "workbook", "unknown column; the columns of this sheet are: {columns}"
            ).format(columns=", ".join(f"«{t}»" for t in _titles(directory)))))  # fmt: skip
        elif name in by_index.values():
            problems.append(
                SheetProblem(title, 1, text, translate("workbook", "the column is there twice"))
            )
        else:
            by_index[index] = name
    parsed.fields = list(by_index.values())
    for number, raw in enumerate(values[1:], start=2):
        texts = [cell_text(v) for v in raw]
        if not any(texts):
            continue
        for index in untitled:
            if index < len(texts) and texts[index]:
                problems.append(SheetProblem(title, number, "", translate(
                    "workbook", "a value in a column without a title (column {column})"
                ).format(column=_letter(index))))  # fmt: skip
                break
        parsed.rows.append(
            (number, {name: texts[i] if i < len(texts) else "" for i, name in by_index.items()})
        )
    return parsed, problems


def _titles(directory: Directory) -> list[str]:
    titles = [c.title() for c in directory.columns if c.in_workbook]
    return [*titles, active_title()] if directory.deactivatable else titles


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def read_workbook(path: Path) -> tuple[dict[str, ParsedSheet], list[SheetProblem]]:
    """The directory sheets of ``path`` by directory key, and what is wrong with them.

    Raises:
        WorkbookUnreadable: the file is missing or not an XLSX workbook.
    """
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    if not path.is_file():
        raise WorkbookUnreadable(translate("import", "{file}: file not found").format(file=path))
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise WorkbookUnreadable(
            translate("import", "{file}: not a readable XLSX workbook ({error})").format(
                file=path.name, error=exc
            )
        ) from exc
    sheets: dict[str, ParsedSheet] = {}
    problems: list[SheetProblem] = []
    try:
        for worksheet in workbook.worksheets:
            directory = _directory_of(worksheet.title)
            if directory is None:
                known = ", ".join(f"«{d.sheet}»" for d in DIRECTORIES.values())
                message = translate(
                    "workbook", "not a sheet of the directories (they are: {sheets})"
                )
                problems.append(SheetProblem(worksheet.title, 0, "", message.format(sheets=known)))
                continue
            if directory.key in sheets:
                problems.append(SheetProblem(worksheet.title, 0, "", translate(
                    "workbook", "the sheet is there twice")))  # fmt: skip
                continue
            values = [tuple(row) for row in worksheet.iter_rows(values_only=True)]
            parsed, found = _read_sheet(directory, worksheet.title, values)
            sheets[directory.key] = parsed
            problems.extend(found)
    finally:
        workbook.close()
    return sheets, problems
