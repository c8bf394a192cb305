"""Scan to check in: a scanner types the ticket's code and Enter into the patients' search box;
the appointment opens with «Check in»; a second scan of the same ticket says it was used."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from crm.controllers.clinic import clock
from crm.db.database import Database
from crm.models import Appointment, JournalEntry
from crm.models.enums import AppointmentStatus, Role
from crm.reports import qr
from crm.views import AppContext
from crm.views.patients.page import PatientsPage
from crm.views.printing.scan import ScanDialog
from tests import booking_factories as bf
from tests import factories as f
from tests.gui.test_card_editor import release, type_text

TIMEOUT = 10_000
S = AppointmentStatus


@pytest.fixture
def today_appointment(gui_database: Database) -> tuple[int, int]:
    """An appointment early today (clinic time) and one in three days; their ids."""
    with gui_database.sessions() as session, session.begin():
        branch, specialty = f.clinic(session)
        doctor = f.doctor(session, branch, specialty, "Петров")
        patient = f.patient(session, "Ёлкина")
        patient.first_name = "Дарья"
        room = bf.room(session, branch, "12")
        today = dt.datetime.now(clock.clinic_timezone(session)).date()
        now = f.appointment(session, doctor, patient, f.at(today, "00:15"))
        now.room_id = room.id
        later = f.appointment(session, doctor, patient, f.at(today + dt.timedelta(days=3), "10:00"))
        bf.user(session, Role.DOCTOR, doctor=doctor)
        return now.id, later.id


@pytest.fixture
def page(qtbot, make_context) -> Iterator[PatientsPage]:
    context: AppContext = make_context("boris")
    page = PatientsPage(context)
    qtbot.addWidget(page)
    page.show()
    page.activate()
    yield page
    release(page)


def scan(qtbot, page: PatientsPage, text: str) -> None:
    """What a scanner in keyboard mode does: the characters, then Enter."""
    type_text(page.search_box, text)
    qtbot.keyClick(page.search_box, Qt.Key.Key_Return)


def scanned(qtbot, page: PatientsPage, text: str) -> ScanDialog:
    with qtbot.waitSignal(page.scanner.opened, timeout=TIMEOUT) as opened:
        scan(qtbot, page, text)
    dialog = opened.args[0]
    assert isinstance(dialog, ScanDialog) and dialog.isVisible()
    return dialog


def status(db: Database, appointment_id: int) -> AppointmentStatus:
    with db.sessions() as session:
        row = session.get(Appointment, appointment_id)
        assert row is not None
        return row.status


def test_scan_opens_the_appointment_checks_in_and_a_second_scan_says_used(
    qtbot, page: PatientsPage, today_appointment, gui_database: Database
) -> None:
    appointment_id, _later = today_appointment
    dialog = scanned(qtbot, page, qr.ticket_code(appointment_id))
    assert page.search_box.text() == ""  # the box is ready for the next scan
    assert "Ёлкина Дарья" in dialog.findChild(type(dialog.status_label), "scanPatient").text()
    assert dialog.check_in_button.isVisible() and dialog.check_in_button.isDefault()
    assert dialog.message.kind == "info"

    with qtbot.waitSignal(dialog.checked_in, timeout=TIMEOUT) as checked:
        qtbot.keyClick(dialog, Qt.Key.Key_Return)  # Enter takes the default button
    assert checked.args == [appointment_id]
    assert status(gui_database, appointment_id) is S.ARRIVED
    assert dialog.message.kind == "done" and not dialog.check_in_button.isVisible()
    dialog.close()

    again = scanned(qtbot, page, qr.ticket_code(appointment_id))
    assert not again.check_in_button.isVisible()
    assert again.message.kind == "warning"
    assert "boris" in again.message.text() and "desk-1" in again.message.text()
    with gui_database.sessions() as session:
        entries = session.scalars(
            sa.select(JournalEntry).where(
                JournalEntry.entity_id == appointment_id, JournalEntry.action == "status"
            )
        ).all()
    assert len(entries) == 1  # one check-in, however often it is scanned
    again.close()


def test_scanner_typing_in_the_russian_layout_and_a_ticket_for_another_day(
    qtbot, page: PatientsPage, today_appointment
) -> None:
    _today, later = today_appointment
    russian = qr.ticket_code(later).translate(str.maketrans("CRMAPT", "СКЬФЗЕ"))
    dialog = scanned(qtbot, page, russian)
    assert dialog.ticket.appointment_id == later
    assert not dialog.check_in_button.isVisible() and dialog.close_button.isDefault()
    assert dialog.message.kind == "warning"
    dialog.close()


def test_a_garbled_code_is_not_searched_and_is_reported(qtbot, page: PatientsPage) -> None:
    code = qr.ticket_code(42)
    garbled = code[:-2] + f"{(int(code[-2:]) + 1) % 100:02d}"
    with qtbot.waitSignal(page.scanner.failed, timeout=TIMEOUT) as failed:
        scan(qtbot, page, garbled)
    assert garbled in failed.args[0]
    assert isinstance(page.scanner.question, QMessageBox)
    page.scanner.question.close()
    assert page.model.rowCount() == 0 and page.scanner.dialog is None
