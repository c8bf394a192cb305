"""The workbooks as Excel and LibreOffice read them: formulas, formats, frozen header, charts.

Written by the export on the fixed clinic of ``test_reports``; read back with openpyxl,
and one converted by LibreOffice headless, which recalculates the totals' formulas.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from openpyxl.chart import LineChart

from crm.controllers.reports import REPORTS, ReportParams, build_document, export_report
from crm.i18n import set_language
from crm.reports.excel import ExportCancelled
from crm.reports.excel.writer import sheet_reference, sheet_title
from tests.integration.test_reports import APRIL, MON, NOW, TUE, Clinic, build_clinic

TWO_DAYS = ReportParams(MON, TUE)


@pytest.fixture
def clinic(db) -> Clinic:
    with db() as session, session.begin():
        return build_clinic(session)


def _export(db, clinic: Clinic, name: str, path: Path, params: ReportParams = TWO_DAYS) -> Path:
    export_report(db, clinic.manager, name, params, path, now=NOW)
    return path


def test_workload_workbook_reads_back(db, clinic, tmp_path):
    book = openpyxl.load_workbook(_export(db, clinic, "workload", tmp_path / "w.xlsx"))
    assert book.sheetnames == ["По врачам", "По дням", "По неделям", "Динамика", "Параметры"]
    by_doctor = book.worksheets[0]
    assert [c.value for c in by_doctor[1]] == [
        "Врач", "Специальность", "Филиал", "Доступно слотов", "Занято слотов",
        "Отработано слотов", "Загрузка, %", "Отработано от доступных, %",
    ]  # fmt: skip
    assert by_doctor.freeze_panes == "A2"
    assert by_doctor["A1"].font.b and by_doctor["D1"].font.b
    assert by_doctor.auto_filter.ref == "A1:H3"  # header + two doctors, totals outside
    assert by_doctor.column_dimensions["A"].width >= 20
    # Totals are formulas under the data, never pasted numbers.
    assert by_doctor["A4"].value == "Итого"
    assert by_doctor["D4"].value == "=SUM(D2:D3)"
    assert by_doctor["G4"].value == '=IF(SUM(D2:D3)=0,"",SUM(E2:E3)/SUM(D2:D3))'
    assert by_doctor["D2"].number_format == "#,##0"
    assert by_doctor["G2"].number_format == "0.0%"
    by_day = book.worksheets[1]
    assert by_day["C2"].value == dt.datetime(2025, 4, 14) and by_day["C2"].number_format == (
        "DD.MM.YYYY"
    )
    trend = book.worksheets[3]
    assert len(trend._charts) == 1 and isinstance(trend._charts[0], LineChart)
    parameters = book.worksheets[-1]
    labels = {row[0].value: row[1].value for row in parameters.iter_rows(min_row=3, max_col=2)}
    assert labels["Отчёт"] == "Загрузка врачей"
    assert labels["Период с"] == dt.datetime(2025, 4, 14)
    assert any(isinstance(v, str) and clinic.manager.login in v for v in labels.values())


def test_no_shows_workbook_has_chart_and_rate_totals(db, clinic, tmp_path):
    book = openpyxl.load_workbook(_export(db, clinic, "no-shows", tmp_path / "n.xlsx"))
    trend = book.worksheets[3]
    assert trend._charts, "the no-show trend has a native chart"
    weekday = book.worksheets[2]
    assert weekday["B4"].value == "=SUM(B2:B3)"
    assert weekday["I2"].number_format == "0.0%"


def test_referrals_totals_read_the_details_sheet(db, clinic, tmp_path):
    params = ReportParams(dt.date(2025, 3, 1), dt.date(2025, 5, 31))
    book = openpyxl.load_workbook(_export(db, clinic, "referrals", tmp_path / "r.xlsx", params))
    summary, details = book.worksheets[0], book.worksheets[1]
    assert book.sheetnames == ["По организациям", "Направления", "Параметры"]
    assert details.max_row == 8  # header, six referrals, totals
    median = summary["J4"].value
    days = sheet_reference(details.title, "H2:H7")  # the details sheet, by its name
    assert median == f'=IF(COUNT({days})=0,"",MEDIAN({days}))'


def test_register_streams_in_write_only_mode(db, clinic, tmp_path):
    seen: list[tuple[int, int | None]] = []
    path = tmp_path / "a.xlsx"
    export_report(
        db, clinic.manager, "appointments", TWO_DAYS, path, now=NOW,
        progress=lambda n, total: seen.append((n, total)),
    )  # fmt: skip
    sheet = openpyxl.load_workbook(path).worksheets[0]
    assert sheet.title == "Записи"
    assert [c.value for c in sheet[1]][:9] == [
        "Дата", "Начало", "Окончание", "Врач", "Специальность", "Филиал", "Кабинет", "Пациент",
        "Дата рождения",
    ]  # fmt: skip
    assert sheet.max_row == 13  # header, 11 appointments, totals
    assert sheet["B2"].number_format == "DD.MM.YYYY HH:MM"
    assert seen[-1] == (11, 11)


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_sheet_names_are_kept_as_written(db, clinic, lang):
    """Every sheet name is valid in Excel and unique in its workbook, in either language.

    The writer would otherwise shorten or rename it, and the totals' formulas that
    name another sheet would point at nothing.
    """
    set_language(lang)
    for name in REPORTS:
        with db() as session, session.begin():
            found = build_document(session, clinic.manager, name, APRIL, now=NOW)
            sheets = [t.sheet for t in found.tables] + [found.parameters_sheet]
            for table in found.tables:
                getattr(table.rows, "close", lambda: None)()
        taken: set[str] = set()
        assert [sheet_title(sheet, taken) for sheet in sheets] == sheets, (name, sheets)


def test_english_workbook_when_asked(db, clinic, tmp_path):
    set_language("en")  # clinic-crm --lang en
    book = openpyxl.load_workbook(_export(db, clinic, "appointments", tmp_path / "en.xlsx"))
    assert book.sheetnames == ["Appointments", "Parameters"]
    assert book.worksheets[0]["A1"].value == "Date"


def test_cancelled_export_leaves_no_file(db, clinic, tmp_path):
    path = tmp_path / "cancelled.xlsx"
    with pytest.raises(ExportCancelled):
        export_report(
            db, clinic.manager, "appointments", TWO_DAYS, path, now=NOW, should_cancel=lambda: True
        )
    assert list(tmp_path.iterdir()) == []


def test_libreoffice_recalculates_the_totals(db, clinic, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: apt install libreoffice-calc-nogui")
    path = _export(db, clinic, "no-shows", tmp_path / "noshows.xlsx")
    profile = tmp_path / "lo-profile"
    # CSV of the first sheet, cells "as shown" (formats applied, formulas recalculated).
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to",
         "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true", "--outdir",
         str(tmp_path), str(path)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    with (tmp_path / "noshows.csv").open(encoding="utf-8") as text:
        rows = list(csv.reader(text))
    header, total = rows[0], rows[-1]
    assert len(rows) == 4  # header, two doctors, totals
    assert total[0] == "Итого"
    values = dict(zip(header, total, strict=True))
    numbers = total[2:]
    assert numbers[:6] == ["10", "2", "1", "8", "2", "5"]
    # no-show rate 2 / 8, late cancellations 1 / 10, as per cent with one decimal
    assert numbers[6:] == ["25.0%", "10.0%"], values
