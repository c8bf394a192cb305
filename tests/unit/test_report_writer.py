"""The workbook writer on plain records (no database): layout, formats, totals, charts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import openpyxl
from openpyxl.chart import BarChart

from crm.reports.excel import Chart, Column, Kind, ReportDocument, Table, Total, write_workbook
from crm.reports.excel.writer import column_width, sheet_title


def _document(rows) -> ReportDocument:
    columns = [
        Column("service", "Service", total=Total.LABEL),
        Column("day", "Day", Kind.DATE),
        Column("count", "Payments", Kind.INTEGER, Total.SUM),
        Column("money", "Revenue", Kind.MONEY, Total.SUM),
        Column("share", "Share", Kind.PERCENT, Total.RATIO, ("count", "count")),
        Column("wait", "Wait", Kind.NUMBER, Total.MEDIAN),
    ]
    chart = Chart("Revenue", "service", ("money",), line=False)
    return ReportDocument(
        "Test",
        [Table("By service", columns, rows, chart=chart, empty_message="Nothing here")],
        [("From", dt.date(2025, 4, 1)), ("At", dt.datetime(2025, 4, 2, 10, 30))],
        ["one note"],
        parameters_sheet="Parameters",
    )


def test_formats_totals_and_chart(tmp_path):
    rows = [
        ["Консультация", dt.date(2025, 4, 1), 2, Decimal("3500.00"), 0.5, 1.5],
        ["Справка", dt.date(2025, 4, 2), 1, Decimal("500.00"), None, None],
    ]
    assert write_workbook(_document(rows), tmp_path / "t.xlsx") == 2
    book = openpyxl.load_workbook(tmp_path / "t.xlsx")
    sheet = book["By service"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:F3"
    assert [sheet.cell(1, c).font.b for c in range(1, 7)] == [True] * 6
    assert sheet["B2"].number_format == "DD.MM.YYYY"
    assert sheet["D2"].number_format == '#,##0.00 "₽"' and sheet["D2"].value == 3500
    assert sheet["E2"].number_format == "0.0%"
    assert sheet["A4"].value in ("Итого", "Total")  # Russian once the catalogue has it
    assert [c.value for c in sheet[4]][1:] == [
        None, "=SUM(C2:C3)", "=SUM(D2:D3)",
        '=IF(SUM(C2:C3)=0,"",SUM(C2:C3)/SUM(C2:C3))', '=IF(COUNT(F2:F3)=0,"",MEDIAN(F2:F3))',
    ]  # fmt: skip
    assert isinstance(sheet._charts[0], BarChart)
    assert sheet.page_setup.orientation == "landscape"
    parameters = book["Parameters"]
    assert parameters["B3"].value == dt.datetime(2025, 4, 1)
    assert parameters["B3"].number_format == "DD.MM.YYYY"
    assert parameters["B4"].number_format == "DD.MM.YYYY HH:MM"


def test_an_empty_table_says_so_without_totals(tmp_path):
    write_workbook(_document([]), tmp_path / "e.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "e.xlsx")["By service"]
    assert sheet["A2"].value == "Nothing here" and sheet.max_row == 2
    assert not sheet._charts


def test_sheet_titles_are_valid_and_unique():
    taken: set[str] = set()
    assert sheet_title("Отчёт: январь/февраль", taken) == "Отчёт  январь февраль"
    long = "Очень длинное название листа для отчёта"
    first, second = sheet_title(long, taken), sheet_title(long, taken)
    assert len(first) == 31 and len(second) <= 31 and first != second


def test_column_width_fits_the_title():
    assert column_width(Column("x", "Доля в пределах 14 рабочих дней", Kind.PERCENT)) >= 12
    assert column_width(Column("x", "N", Kind.INTEGER, width=5)) == 5


def test_printed_pages_carry_the_title_and_period_in_their_header(tmp_path):
    # Issue 19, defect 14: a printed page said neither which report nor which days.
    document = _document([["Консультация", dt.date(2025, 4, 1), 2, Decimal("1"), 0.5, 1.5]])
    document.title = "Оплаты & возвраты"
    document.period = (dt.date(2025, 4, 1), dt.date(2025, 4, 30))
    write_workbook(document, tmp_path / "t.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "t.xlsx")["By service"]
    assert sheet.oddHeader.center.text == "Оплаты && возвраты, 01.04.2025–30.04.2025"
    assert "&P" in sheet.oddFooter.right.text and "&N" in sheet.oddFooter.right.text
    assert sheet.print_title_rows == "$1:$1"


def test_a_wrapped_column_keeps_long_service_names_whole(tmp_path):
    # Issue 19, defect 14: a long service name was cut at the column's edge in print.
    name = "Ультразвуковое исследование органов брюшной полости и почек с допплерографией"
    columns = [Column("service", "Service", width=24, wrap=True), Column("n", "N", Kind.INTEGER)]
    document = ReportDocument("T", [Table("S", columns, [[name, 1], ["=1+1", 2]])])
    write_workbook(document, tmp_path / "t.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "t.xlsx")["S"]
    assert sheet["A2"].value == name and sheet["A2"].alignment.wrap_text
    assert sheet["A3"].value == "=1+1" and sheet["A3"].data_type == "s"  # still text
    assert not sheet["B2"].alignment.wrap_text
