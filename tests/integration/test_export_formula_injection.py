"""A workbook from the database holds text where the database held text, never formulas.

A patient named ``=HYPERLINK("http://x";"y")`` is registered (a card typed badly, or
imported from someone else's file); the managers' register of appointments is exported,
and the patient's cell must read back as that very string, of type text, with no
``<f>`` element in the sheet's XML (the spreadsheet formula injection of OWASP).
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl

from crm.controllers.reports import ReportParams, export_report
from crm.models.enums import Role
from tests import booking_factories as bf
from tests import factories as f

EVIL = '=HYPERLINK("http://x";"y")'
DAY = dt.date(2025, 4, 14)
NOW = dt.datetime(2025, 5, 20, 12, 0, tzinfo=f.MOSCOW)


def test_register_writes_a_formula_like_name_as_text(db, tmp_path: Path):
    with db() as session, session.begin():
        branch, specialty = f.clinic(session)
        doctor = f.doctor(session, branch, specialty, "-Минусов")
        bf.hours(session, doctor, "09:00-11:00")
        patient = f.patient(session, EVIL)
        patient.first_name, patient.patronymic = "@Иван", None
        f.appointment(session, doctor, patient, f.at(DAY, "09:00"))
        other = f.patient(session, "+79161234567")
        other.first_name, other.patronymic = "Пётр", None
        f.appointment(session, doctor, other, f.at(DAY, "09:15"))
        manager = bf.user(session, Role.MANAGER)
    path = tmp_path / "register.xlsx"
    export_report(db, manager, "appointments", ReportParams(DAY, DAY), path, now=NOW)

    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    evil = [c for c in cells if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert [c.value for c in evil] == [f"{EVIL} @Иван"]
    assert evil[0].data_type == "s"
    plus = [c for c in cells if c.value == "+79161234567 Пётр"]
    assert plus and plus[0].data_type == "s"
    doctors = [c for c in cells if isinstance(c.value, str) and c.value.startswith("-Минусов")]
    assert doctors and all(c.data_type == "s" for c in doctors)
    # The program's own totals stay formulas; nothing from the database is one.
    formulas = [c.value for c in cells if c.data_type == "f"]
    assert all("HYPERLINK" not in value for value in formulas)

    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/sheet"):
                xml = archive.read(name).decode()
                assert "<f>HYPERLINK" not in xml
                assert "HYPERLINK" not in xml or "<is><t>=HYPERLINK" in xml
