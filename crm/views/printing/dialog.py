"""The print dialog: a preview of the PDF, the printer and the paper, print or save.

What is printed is a PDF built by a controller on the database runner (never on the
GUI thread): tickets of one or more appointments, or a day list. The dialog shows
it as it will come out; changing the paper (tickets) or the orientation (day list)
builds it again. «Print» sends it to the chosen printer on a worker thread
(:class:`crm.views.printing.pages.PrintWorker`), «Preview…» opens Qt's print
preview with the printer's own page setup, «Save as PDF…» writes the PDF as built.
Every print and save is journaled (:func:`crm.controllers.printing.tickets.record_print`).

The printer and the paper are remembered per workstation (``workstation.ini``),
separately for tickets and day lists: tickets usually go to a receipt printer,
lists to an A4 one. Without a remembered paper the clinic's default is used.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QCloseEvent, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo, QPrintPreviewDialog
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from crm.config import config_dir
from crm.controllers.printing import tickets
from crm.controllers.printing.tickets import PrintableDocument
from crm.controllers.vocabulary import ticket_format_title as format_title
from crm.reports.ticket import TicketFormat
from crm.views import AppContext
from crm.views.controls import documents_folder
from crm.views.patients.message_bar import MessageBar
from crm.views.printing.pages import (
    PrintOutcome,
    PrintWorker,
    load_pdf,
    paint_pages,
    prepare_printer,
)


def workstation_settings() -> QSettings:
    """This workstation's own settings file (the schedule page keeps its order there too)."""
    return QSettings(str(config_dir() / "workstation.ini"), QSettings.Format.IniFormat)


@dataclass(frozen=True)
class PrintRequest:
    """What to print: ``build(db, actor, option)`` returns the PDF.

    Attributes:
        kind: ``ticket`` or ``day_list`` (the settings kept per workstation differ).
        build: a controller call; ``option`` is a :class:`TicketFormat` (or ``None``
            for the clinic's default) for tickets, ``True`` for portrait for lists.
        title: the window's title.
    """

    kind: str
    build: Callable[..., PrintableDocument]
    title: str


def tickets_request(appointment_ids: list[int], title: str) -> PrintRequest:
    """Tickets of ``appointment_ids``."""
    ids = list(appointment_ids)

    def build(db: Any, actor: Any, fmt: TicketFormat | None) -> PrintableDocument:
        return tickets.tickets_document(db, actor, ids, fmt)

    return PrintRequest("ticket", build, title)


def day_tickets_request(day: dt.date, doctor_id: int, title: str) -> PrintRequest:
    """Tickets of everyone still booked with the doctor that day."""

    def build(db: Any, actor: Any, fmt: TicketFormat | None) -> PrintableDocument:
        return tickets.day_tickets_document(db, actor, day, doctor_id, fmt)

    return PrintRequest("ticket", build, title)


def day_list_request(day: dt.date, doctor_id: int | None, title: str) -> PrintRequest:
    """A day list of one doctor, or of every doctor (``doctor_id`` ``None``)."""

    def build(db: Any, actor: Any, portrait: bool) -> PrintableDocument:
        return tickets.day_list_document(db, actor, day, doctor_id, portrait=portrait)

    return PrintRequest("day_list", build, title)


class PrintDialog(QDialog):
    """Preview, printer, paper, copies; print, preview with page setup, save as PDF.

    Open with ``open()`` and call :meth:`start`; the PDF is built on the runner.

    Args:
        context: the logged-in user's context.
        request: what to print.
        parent: the Qt parent.

    Signals:
        document_ready(object): a PDF was built and is shown (a :class:`PrintableDocument`).
        printed(str): the document went to this printer or file (and was journaled).
        failed(str): building, printing or saving failed; the message is shown too.
    """

    document_ready = Signal(object)
    printed = Signal(str)
    failed = Signal(str)

    def __init__(self, context: AppContext, request: PrintRequest, parent: QWidget | None) -> None:
        super().__init__(parent)
        self._context = context
        self._request = request
        self.document: PrintableDocument | None = None
        self._pdf: QPdfDocument | None = None
        self._building = False
        self._rebuild = False
        self.preview_dialog: QPrintPreviewDialog | None = None
        #: Pages Qt's preview has painted so far (for tests and diagnostics).
        self.preview_pages = 0
        self._printer: QPrinter | None = None  # kept alive while the worker uses it
        self._preview_printer: QPrinter | None = None
        self._destination = ""
        self._close_when_printed = False
        self.setObjectName("printDialog")
        self.setWindowTitle(request.title)
        self.resize(900, 680)

        self.view = QPdfView(self)
        self.view.setObjectName("printPreview")
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitInView)

        self.printer_box = QComboBox()
        self.printer_box.setObjectName("printerChoice")
        self.paper_box = QComboBox()
        self.paper_box.setObjectName("paperChoice")
        self.copies = QSpinBox()
        self.copies.setObjectName("copies")
        self.copies.setRange(1, 20)
        self.pages_label = QLabel()
        self.pages_label.setObjectName("pagesLabel")
        self.message = MessageBar(self)

        self.print_button = QPushButton(self.tr("Print"))
        self.print_button.setObjectName("printButton")
        self.print_button.setDefault(True)
        self.print_button.clicked.connect(self.print_now)
        self.preview_button = QPushButton(self.tr("Preview and page setup…"))
        self.preview_button.setObjectName("previewButton")
        self.preview_button.clicked.connect(self.open_preview)
        self.save_button = QPushButton(self.tr("Save as PDF…"))
        self.save_button.setObjectName("saveButton")
        self.save_button.clicked.connect(self.save_as)
        close = QPushButton(self.tr("Close"))
        close.setObjectName("closeButton")
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)

        self._fill_choices()
        form = QFormLayout()
        form.addRow(self.tr("Printer:"), self.printer_box)
        form.addRow(
            self.tr("Paper:") if request.kind == "ticket" else self.tr("Orientation:"),
            self.paper_box,
        )
        form.addRow(self.tr("Copies:"), self.copies)
        form.addRow("", self.pages_label)
        side = QVBoxLayout()
        side.addLayout(form)
        side.addWidget(self.message)
        side.addStretch(1)
        for button in (self.print_button, self.preview_button, self.save_button, close):
            side.addWidget(button)
        panel = QWidget()
        panel.setLayout(side)
        panel.setFixedWidth(300)
        layout = QHBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(panel)

        self.worker = PrintWorker(self)
        self.worker.finished.connect(self._printed)
        self._set_ready(False)

    # --- choices ------------------------------------------------------------------------

    def _key(self, name: str) -> str:
        return f"printing/{self._request.kind}_{name}"

    def _fill_choices(self) -> None:
        stored = workstation_settings()
        printers = QPrinterInfo.availablePrinterNames()
        self.printer_box.addItems(printers)
        remembered = str(stored.value(self._key("printer"), "") or "")
        default = QPrinterInfo.defaultPrinterName()
        for name in (remembered, default):
            if name and name in printers:
                self.printer_box.setCurrentText(name)
                break
        if not printers:
            self.printer_box.setPlaceholderText(self.tr("No printers installed"))
        if self._request.kind == "ticket":
            for fmt in TicketFormat:
                self.paper_box.addItem(format_title(fmt), fmt.value)
            value = str(stored.value(self._key("format"), "") or "")
            self._option: Any = TicketFormat(value) if value in set(TicketFormat) else None
            if self._option is not None:
                self.paper_box.setCurrentIndex(self.paper_box.findData(value))
        else:
            self.paper_box.addItem(self.tr("A4 landscape"), False)
            self.paper_box.addItem(self.tr("A4 portrait"), True)
            self._option = stored.value(self._key("portrait"), "false") in ("true", True)
            self.paper_box.setCurrentIndex(1 if self._option else 0)
        self.paper_box.currentIndexChanged.connect(self._paper_changed)

    def _paper_changed(self, _index: int) -> None:
        data = self.paper_box.currentData()
        self._option = TicketFormat(data) if self._request.kind == "ticket" else bool(data)
        self.start()

    def _remember(self, printer_name: str | None) -> None:
        stored = workstation_settings()
        if printer_name:
            stored.setValue(self._key("printer"), printer_name)
        if self._request.kind == "ticket" and self.document and self.document.ticket_format:
            stored.setValue(self._key("format"), self.document.ticket_format.value)
        elif self._request.kind == "day_list":
            stored.setValue(self._key("portrait"), bool(self._option))
        stored.sync()

    # --- building -----------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        """True while the PDF is being built or printed."""
        return self._building or self.worker.busy

    def start(self) -> None:
        """Build the PDF (again) with the chosen paper, on the runner."""
        if self._building:
            self._rebuild = True
            return
        self._building = True
        self._set_ready(False)
        self.message.show_message("info", self.tr("Preparing the document…"))
        self._context.runner.submit(
            self._request.build,
            self._context.database.sessions,
            self._context.actor,
            self._option,
            on_success=self._built,
            on_failure=self._build_failed,
            owner=self,
        )

    def _built(self, document: PrintableDocument) -> None:
        self._building = False
        if self._rebuild:
            self._rebuild = False
            self.start()
            return
        old = self._pdf
        try:
            self._pdf = load_pdf(document.pdf, self)
        except ValueError as exc:
            self._build_failed(str(exc))
            return
        self.document = document
        self.view.setDocument(self._pdf)
        if old is not None:
            old.close()
            old.deleteLater()
        if document.ticket_format is not None:
            self.paper_box.blockSignals(True)
            self.paper_box.setCurrentIndex(self.paper_box.findData(document.ticket_format.value))
            self.paper_box.blockSignals(False)
            self._option = document.ticket_format
        self.pages_label.setText(self.tr("Pages: {count}").format(count=self._pdf.pageCount()))
        self.message.hide()
        self._set_ready(True)
        self.document_ready.emit(document)

    def _build_failed(self, message: str) -> None:
        self._building = False
        self._rebuild = False
        self.message.show_message("error", message)
        self.failed.emit(message)

    def _set_ready(self, ready: bool) -> None:
        has_printer = self.printer_box.count() > 0
        self.print_button.setEnabled(ready and has_printer and not self.worker.busy)
        self.preview_button.setEnabled(ready and not self.worker.busy)
        self.save_button.setEnabled(ready)
        self.paper_box.setEnabled(not self.worker.busy)
        if not has_printer:
            self.print_button.setToolTip(
                self.tr("No printer is installed on this computer: save the PDF instead.")
            )

    # --- printing -----------------------------------------------------------------------

    def make_printer(self) -> QPrinter:
        """A printer for the chosen name, with the copies asked for."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setPrinterName(self.printer_box.currentText())
        return printer

    def print_now(self) -> None:
        """«Print»: send the document to the chosen printer (on a worker thread)."""
        if self.document is not None and self.printer_box.count():
            self.print_to(self.make_printer())

    def print_to(self, printer: QPrinter) -> None:
        """Print the document on ``printer`` without blocking; :attr:`printed` says when done.

        The paper is set to the document's page size and the copies to the spin box.
        """
        if self.document is None or self._pdf is None or self.worker.busy:
            return
        prepare_printer(printer, self._pdf)
        printer.setCopyCount(self.copies.value())
        printer.setDocName(self.document.title)
        self._printer = printer
        self._destination = printer.outputFileName() or printer.printerName()
        self.message.show_message("info", self.tr("Printing…"))
        self.worker.start(printer, self.document.pdf)
        self._set_ready(False)

    def _printed(self, outcome: PrintOutcome) -> None:
        self._set_ready(True)
        if outcome.error is not None:
            message = self.tr("The printer refused the job ({reason}).").format(
                reason=outcome.error
            )
            self.message.show_message("error", message)
            self.failed.emit(message)
            if self._close_when_printed:
                self.reject()
            return
        self._journal(self._destination, self._printer.printerName() if self._printer else None)
        self.message.show_message(
            "done", self.tr("Sent to the printer: {pages} page(s).").format(pages=outcome.pages)
        )
        if self._close_when_printed:
            self.accept()

    def _journal(self, destination: str, printer_name: str | None) -> None:
        document = self.document
        if document is None:
            return
        self._remember(printer_name)
        self._context.runner.submit(
            tickets.record_print,
            self._context.database.sessions,
            self._context.actor,
            document,
            destination,
            on_success=lambda _none: self.printed.emit(destination),
            on_failure=lambda message: self.message.show_message("error", message),
            owner=self,
        )

    # --- Qt's preview, saving -----------------------------------------------------------

    def open_preview(self) -> QPrintPreviewDialog | None:
        """«Preview and page setup…»: Qt's print preview of the chosen printer."""
        if self._pdf is None or self.document is None:
            return None
        printer = self.make_printer() if self.printer_box.count() else QPrinter()
        prepare_printer(printer, self._pdf)
        dialog = QPrintPreviewDialog(printer, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        pdf = self._pdf

        def paint(target: QPrinter) -> None:
            painter = QPainter(target)
            try:
                self.preview_pages += paint_pages(painter, target, pdf, new_page=target.newPage)
            finally:
                painter.end()

        dialog.paintRequested.connect(paint)
        # Qt's preview prints only after its own print dialog was accepted.
        dialog.finished.connect(
            lambda result: (
                self._journal(
                    printer.outputFileName() or printer.printerName(), printer.printerName()
                )
                if result == QDialog.DialogCode.Accepted.value
                else None
            )
        )
        self.preview_dialog = dialog
        self._preview_printer = printer
        dialog.open()
        return dialog

    def save_as(self) -> Path | None:
        """«Save as PDF…»: write the document as built (vector, with its fonts)."""
        if self.document is None:
            return None
        name = self.document.title.replace("/", "-").replace("№", "N")
        chosen, _filter = QFileDialog.getSaveFileName(
            self,
            self.tr("Save as PDF"),
            str(documents_folder() / f"{name}.pdf"),  # not the working directory
            self.tr("PDF documents (*.pdf)"),
        )
        if not chosen:
            return None
        path = Path(chosen)
        if path.suffix.lower() != ".pdf":
            path = path.with_suffix(".pdf")
        try:
            path.write_bytes(self.document.pdf)
        except OSError as exc:
            message = self.tr("Cannot write {path}: {reason}").format(
                path=str(path), reason=exc.strerror or str(exc)
            )
            self.message.show_message("error", message)
            self.failed.emit(message)
            return None
        self._journal(str(path), None)
        self.message.show_message("done", self.tr("Saved: {path}").format(path=str(path)))
        return path

    def closeEvent(self, event: QCloseEvent) -> None:  # Qt's name
        if self.worker.busy:
            event.ignore()  # a printer must not lose its painter half-way
            return
        super().closeEvent(event)

    def done(self, result: int) -> None:  # Qt's name
        if self.worker.busy:
            self.message.show_message("info", self.tr("Printing… the window closes when done."))
            self._close_when_printed = True
            return
        self.worker.shutdown()
        super().done(result)
