"""Printing from the schedule: the ticket action builds the PDF on the runner, prints it to a
PDF-format QPrinter on a worker thread without blocking, journals it, remembers the choice."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest
import sqlalchemy as sa
import zxingcpp
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QFileDialog

from crm.controllers.schedule import booking, visit_status
from crm.db.database import Database
from crm.models import JournalEntry
from crm.reports import qr
from crm.reports.ticket import TicketFormat
from crm.views.controls import documents_folder
from crm.views.printing.dialog import PrintDialog, workstation_settings
from tests import factories as f
from tests.gui import test_booking_dialog as base
from tests.gui.test_schedule_actions import action, menu_for

TIMEOUT = base.TIMEOUT


@pytest.fixture
def clinic(gui_database: Database) -> base.Clinic:
    return base.build_clinic(gui_database)


@pytest.fixture
def desk(qtbot, make_context, tmp_path):
    return base.make_desk(qtbot, make_context, tmp_path)


def book(db: Database, clinic: base.Clinic, hhmm: str = "10:00", patient: int | None = None):
    return booking.book(
        db.sessions, clinic.robot, patient_id=patient or clinic.patient,
        doctor_id=clinic.petrov, starts_at=base.later(clinic, hhmm=hhmm),
        service_id=f.paid_service_id(db.sessions),
    ).id  # fmt: skip


def pdf_printer(path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def prints(db: Database) -> list[JournalEntry]:
    with db.sessions() as session:
        return list(
            session.scalars(
                sa.select(JournalEntry)
                .where(JournalEntry.action == "print")
                .order_by(JournalEntry.id)
            )
        )


def opened_dialog(qtbot, actions, trigger) -> PrintDialog:
    trigger()
    dialog = actions.print_dialog
    assert isinstance(dialog, PrintDialog)
    qtbot.waitUntil(lambda: dialog.document is not None, timeout=TIMEOUT)
    return dialog


def test_print_ticket_action_prints_to_a_pdf_printer_without_blocking(
    qtbot, desk, clinic: base.Clinic, gui_database: Database, tmp_path
) -> None:
    appointment_id = book(gui_database, clinic)
    _context, actions = desk("boris")
    menu = menu_for(actions, gui_database, appointment_id)
    ticket = action(menu, "actionPrintTicket")
    assert ticket is not None and ticket.isEnabled()
    dialog = opened_dialog(qtbot, actions, ticket.trigger)
    assert dialog.document is not None and dialog.document.entity_ids == (appointment_id,)
    assert dialog.document.ticket_format is TicketFormat.A6  # the clinic's default
    assert dialog.paper_box.currentData() == "a6"

    out = tmp_path / "printed.pdf"
    with qtbot.waitSignal(dialog.printed, timeout=TIMEOUT) as printed:
        dialog.print_to(pdf_printer(out))
        # The call came back at once: the job runs on the worker thread.
        assert dialog.busy and not dialog.print_button.isEnabled()
    assert printed.args == [str(out)]
    assert not dialog.busy

    document = pdfium.PdfDocument(out.read_bytes())
    assert len(document) == 1
    width, height = document[0].get_size()
    assert round(width / 72 * 25.4) == 105 and round(height / 72 * 25.4) == 148
    codes = [c.text for c in zxingcpp.read_barcodes(document[0].render(scale=2).to_pil())]
    document.close()
    assert [qr.parse_code(c) for c in codes] == [appointment_id]

    (entry,) = prints(gui_database)
    assert (entry.entity, entry.entity_id, entry.login) == ("appointment", appointment_id, "boris")
    assert str(out) in (entry.details or "")
    assert workstation_settings().value("printing/ticket_format") == "a6"
    dialog.close()


def test_paper_change_rebuilds_and_several_tickets_print_at_once(
    qtbot, desk, clinic: base.Clinic, gui_database: Database, tmp_path
) -> None:
    first = book(gui_database, clinic, "10:00")
    second = book(gui_database, clinic, "11:00", clinic.other_patient)
    _context, actions = desk("boris")
    day = base.later(clinic).date()
    dialog = opened_dialog(qtbot, actions, lambda: actions.print_day_tickets(clinic.petrov, day))
    assert dialog.document is not None and dialog.document.entity_ids == (first, second)
    with qtbot.waitSignal(dialog.document_ready, timeout=TIMEOUT) as ready:
        dialog.paper_box.setCurrentIndex(dialog.paper_box.findData(TicketFormat.ROLL80.value))
    assert ready.args[0].ticket_format is TicketFormat.ROLL80
    assert dialog.pages_label.text().endswith("2")

    out = tmp_path / "roll.pdf"
    with qtbot.waitSignal(dialog.printed, timeout=TIMEOUT):
        dialog.print_to(pdf_printer(out))
    document = pdfium.PdfDocument(out.read_bytes())
    assert len(document) == 2
    assert round(document[0].get_size()[0] / 72 * 25.4) == 80
    document.close()
    assert [e.entity_id for e in prints(gui_database)] == [first, second]
    assert workstation_settings().value("printing/ticket_format") == "roll80"
    dialog.close()

    # The next dialog on this workstation starts on the remembered paper.
    again = opened_dialog(qtbot, actions, lambda: actions.print_day_tickets(clinic.petrov, day))
    assert again.document is not None and again.document.ticket_format is TicketFormat.ROLL80
    again.close()


def test_day_list_saved_as_pdf_and_journaled(
    qtbot, desk, clinic: base.Clinic, gui_database: Database, tmp_path, *, monkeypatch
) -> None:
    appointment_id = book(gui_database, clinic)
    _context, actions = desk("anna")
    menu = menu_for(actions, gui_database, appointment_id)
    dialog = opened_dialog(qtbot, actions, action(menu, "actionPrintDayList").trigger)
    assert dialog.document is not None and dialog.document.kind == "day_list"
    target = tmp_path / "список"
    asked: list[tuple] = []

    def ask(*args, **kwargs):
        asked.append(args)
        return str(target), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(ask))
    with qtbot.waitSignal(dialog.printed, timeout=TIMEOUT):
        saved = dialog.save_as()
    assert saved == target.with_suffix(".pdf")
    # The dialog opens in the user's documents, not the working directory (issue 19, 13).
    assert Path(asked[0][2]).parent == documents_folder()
    document = pdfium.PdfDocument(saved.read_bytes())
    text = document[0].get_textpage().get_text_range()
    document.close()
    assert "Соколова Иван Ильинична" in text and "Петров Пётр Петрович" in text
    (entry,) = prints(gui_database)
    assert (entry.entity, entry.entity_id) == ("doctor", clinic.petrov)
    dialog.close()


def test_qt_preview_paints_the_pages(
    qtbot, desk, clinic: base.Clinic, gui_database: Database
) -> None:
    appointment_id = book(gui_database, clinic)
    _context, actions = desk("boris")
    block = base.grid_appointment(gui_database, actions._context.actor, appointment_id)
    dialog = opened_dialog(qtbot, actions, lambda: actions.print_ticket(block))
    preview = dialog.open_preview()
    assert isinstance(preview, QPrintPreviewDialog)
    qtbot.waitUntil(preview.isVisible, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: dialog.preview_pages > 0, timeout=TIMEOUT)
    preview.reject()
    assert prints(gui_database) == []  # a preview is not a print
    dialog.close()


def test_failure_is_shown_for_a_cancelled_appointment(
    qtbot, desk, clinic: base.Clinic, gui_database: Database
) -> None:
    appointment_id = book(gui_database, clinic)
    context, actions = desk("anna")
    block = base.grid_appointment(gui_database, context.actor, appointment_id)
    visit_status.cancel(gui_database.sessions, context.actor, appointment_id, reason="болеет")
    dialog = actions.print_ticket(block)
    # The outcome comes through the event loop, so waiting after the call misses nothing.
    with qtbot.waitSignal(dialog.failed, timeout=TIMEOUT):
        pass
    assert dialog.message.kind == "error" and str(appointment_id) in dialog.message.text()
    assert not dialog.print_button.isEnabled() and not dialog.save_button.isEnabled()
    dialog.close()


def test_clinic_default_paper_on_the_settings_page(qtbot, make_context) -> None:
    from crm.controllers.printing import formats
    from crm.views.printing.settings import TicketFormatSetting

    registrar = TicketFormatSetting(make_context("boris"))
    qtbot.addWidget(registrar)
    with qtbot.waitSignal(registrar.loaded, timeout=TIMEOUT) as loaded:
        pass
    assert loaded.args == ["a6"] and not registrar.choice.isEnabled()

    context = make_context("anna")
    manager = TicketFormatSetting(context)
    qtbot.addWidget(manager)
    qtbot.waitUntil(manager.choice.isEnabled, timeout=TIMEOUT)
    with qtbot.waitSignal(manager.saved, timeout=TIMEOUT) as saved:
        manager.choice.setCurrentIndex(manager.choice.findData("a5"))
    assert saved.args == ["a5"]
    assert formats.ticket_format(context.database.sessions) is TicketFormat.A5
