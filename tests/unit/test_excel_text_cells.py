"""Strings that look like formulas are written as text by every workbook writer."""

from __future__ import annotations

import datetime as dt
import zipfile
from dataclasses import dataclass
from decimal import Decimal

import openpyxl
import pytest

from crm.reports.excel import Column, Kind, ReportDocument, Table, Total, write_workbook
from crm.reports.excel.cells import needs_text
from crm.reports.excel.rejected_rows import write_rejected_rows

RISKY = [
    '=HYPERLINK("http://x";"y")',
    "=1+1",
    "+79161234567",
    "-2+3",
    "@SUM(A1)",
    "\tcmd",
    "\r=1",
    "#DIV/0!",
]


def _sheet_xml(path) -> str:
    with zipfile.ZipFile(path) as archive:
        return "".join(
            archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/")
        )


@pytest.mark.parametrize("value", RISKY)
def test_risky_strings_need_text(value):
    assert needs_text(value)


@pytest.mark.parametrize("value", ["Иванов", "", "a=b", -5, 3.5, None, dt.date(2025, 1, 1)])
def test_other_values_pass_untouched(value):
    assert not needs_text(value)


def test_report_writer_keeps_formula_like_text_as_text(tmp_path):
    columns = [
        Column("name", "Name", total=Total.LABEL),
        Column("code", "Code", Kind.INTEGER, Total.SUM),
        Column("money", "Money", Kind.MONEY, Total.SUM),
    ]
    rows = [[value, -3, Decimal("-1.50")] for value in RISKY]
    document = ReportDocument(
        "=title",
        [Table("Sheet", columns, rows)],
        [("=label", "=1+2"), ("From", dt.date(2025, 4, 1))],
        ["-a note"],
    )
    path = tmp_path / "t.xlsx"
    write_workbook(document, path)
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    names = [sheet.cell(row, 1) for row in range(2, 2 + len(RISKY))]
    # An XML parser reads a bare CR as LF (XML 1.0 §2.11): openpyxl's doing, not ours.
    assert [c.value for c in names] == [v.replace("\r", "\n") for v in RISKY]
    assert all(c.data_type == "s" for c in names)
    # Negative numbers stay numbers; the program's own totals stay formulas.
    assert sheet["B2"].value == -3 and sheet["B2"].data_type == "n"
    assert sheet["C2"].value == -1.5 and sheet["C2"].data_type == "n"
    total = sheet.cell(2 + len(RISKY), 2)
    assert total.data_type == "f" and total.value == f"=SUM(B2:B{1 + len(RISKY)})"
    parameters = book.worksheets[-1]
    assert parameters["A1"].value == "=title" and parameters["A1"].data_type == "s"
    assert parameters["A3"].data_type == "s" and parameters["B3"].value == "=1+2"
    assert parameters["B3"].data_type == "s"
    xml = _sheet_xml(path)
    assert xml.count("<f>") == 2  # the two totals, nothing else
    assert "HYPERLINK" in xml and "<f>HYPERLINK" not in xml


@dataclass(frozen=True)
class _Problem:
    row: int
    field: str
    message: str
    values: tuple[str, ...]


def test_rejected_rows_keep_the_file_cells_as_text(tmp_path):
    path = tmp_path / "errors.xlsx"
    problems = [_Problem(2, "last_name", "bad", tuple(RISKY[:4]))]
    write_rejected_rows(path, ["=a", "b", "c", "d"], problems)
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None
    assert [c.value for c in sheet[1]][3:] == ["=a", "b", "c", "d"]
    assert [c.value for c in sheet[2]] == [2, "last_name", "bad", *RISKY[:4]]
    assert all(c.data_type == "s" for c in sheet[2][3:])
    assert sheet["A2"].data_type == "n"
    assert "<f>" not in _sheet_xml(path)
