"""This workstation's ticket printer and paper, as its print dialog remembers them.

They live in ``workstation.ini`` under the keys the print dialog reads
(:func:`crm.views.printing.dialog.workstation_settings`), so a choice made here is
what the next «Print ticket» offers, and a choice made there shows here.
"""

from __future__ import annotations

from PySide6.QtPrintSupport import QPrinterInfo
from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QLabel, QWidget

from crm.controllers.vocabulary import ticket_format_title as format_title
from crm.reports.paper import TicketFormat
from crm.views.printing.dialog import workstation_settings

PRINTER_KEY = "printing/ticket_printer"
FORMAT_KEY = "printing/ticket_format"


class WorkstationPrinting(QGroupBox):
    """The ticket printer and paper of this workstation; anybody may change them.

    Args:
        parent: the Qt parent.

    Signals:
        The standard ones of :class:`QGroupBox` only; :meth:`save` stores the choice.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("workstationPrinting")
        self.setTitle(self.tr("Printing at this workstation"))
        stored = workstation_settings()
        self.printer = QComboBox()
        self.printer.setObjectName("ticketPrinter")
        self.printer.addItem(self.tr("The system's default printer"), "")
        remembered = str(stored.value(PRINTER_KEY, "") or "")
        names = QPrinterInfo.availablePrinterNames()
        for name in names:
            self.printer.addItem(name, name)
        if remembered and remembered not in names:
            # Not installed now (a network printer away): keep it, say so.
            self.printer.addItem(
                self.tr("{name} (not available now)").format(name=remembered), remembered
            )
        self.printer.setCurrentIndex(max(0, self.printer.findData(remembered)))
        self.paper = QComboBox()
        self.paper.setObjectName("ticketPaper")
        self.paper.addItem(self.tr("The clinic's default"), "")
        for fmt in TicketFormat:
            self.paper.addItem(format_title(fmt), fmt.value)
        self.paper.setCurrentIndex(
            max(0, self.paper.findData(str(stored.value(FORMAT_KEY, "") or "")))
        )
        note = QLabel(self.tr("Used from the next print; the print dialog may change them too."))
        note.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow(self.tr("Ticket printer:"), self.printer)
        form.addRow(self.tr("Ticket paper:"), self.paper)
        form.addRow("", note)
        self._saved = self.choice()

    def choice(self) -> tuple[str, str]:
        """The printer's name and the paper's value (``""``: the default)."""
        return str(self.printer.currentData() or ""), str(self.paper.currentData() or "")

    @property
    def changed(self) -> bool:
        """True when the choice differs from what is stored."""
        return self.choice() != self._saved

    def save(self) -> None:
        """Store the choice in ``workstation.ini``."""
        stored = workstation_settings()
        for key, value in zip((PRINTER_KEY, FORMAT_KEY), self.choice(), strict=True):
            if value:
                stored.setValue(key, value)
            else:
                stored.remove(key)
        stored.sync()
        self._saved = self.choice()
