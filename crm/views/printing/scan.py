"""Scan to check in: a ticket's QR code typed by a barcode scanner into a search box.

A scanner in keyboard mode types the code (``CRM-APPT-123-71``, see
:mod:`crm.reports.qr`) and Enter. :class:`TicketScanner` recognises the text — also
when the keyboard is switched to Russian and the scanner's keys arrive as
``СКЬ-ФЗЗЕ-…`` — looks the appointment up on the runner, and opens
:class:`ScanDialog`: who, when, to whom, and «Check in» as the default button when
the ticket is for today and not used yet. Otherwise the dialog says why not: a
second scan of a used ticket says when and at which desk it was used.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crm.controllers import vocabulary
from crm.controllers.printing import tickets
from crm.controllers.printing.tickets import ScannedTicket, ScanState
from crm.controllers.schedule import visit_status
from crm.controllers.schedule.booking import BookedAppointment
from crm.models.enums import AppointmentStatus
from crm.reports import qr
from crm.views import AppContext
from crm.views.patients.message_bar import MessageBar

_KINDS = {
    ScanState.READY: "info",
    ScanState.USED: "warning",
    ScanState.NOT_TODAY: "warning",
    ScanState.CANCELLED: "error",
    ScanState.MOVED: "error",
    ScanState.NO_SHOW: "error",
}


class ScanDialog(QDialog):
    """The appointment of a scanned ticket, with «Check in» when that is allowed.

    Args:
        context: the logged-in user's context.
        ticket: what the scan found.
        parent: the Qt parent.

    Signals:
        checked_in(int): the patient was checked in for this appointment.
        open_patient(int): the user asked for this patient's card.
    """

    checked_in = Signal(int)
    open_patient = Signal(int)

    def __init__(self, context: AppContext, ticket: ScannedTicket, parent: QWidget | None) -> None:
        super().__init__(parent)
        self._context = context
        self.ticket = ticket
        self.setObjectName("scanDialog")
        self.setWindowTitle(
            self.tr("Ticket No. {number}").format(
                number=tickets.ticket_number(ticket.appointment_id)
            )
        )
        self.setMinimumWidth(480)
        name = QLabel(
            f"<span style='font-size: 15pt'><b>{escape(ticket.patient_name)}</b></span><br>"
            + escape(self.tr("born {date}").format(date=f"{ticket.patient_birth_date:%d.%m.%Y}"))
        )
        name.setObjectName("scanPatient")
        name.setTextFormat(Qt.TextFormat.RichText)
        room = self.tr(", room {number}").format(number=ticket.room) if ticket.room else ""
        visit = QLabel(
            self.tr("{day} {start}–{end}, {doctor} ({specialty}){room}").format(
                day=f"{ticket.starts_at:%d.%m.%Y}",
                start=f"{ticket.starts_at:%H:%M}",
                end=f"{ticket.ends_at:%H:%M}",
                doctor=ticket.doctor_name,
                specialty=ticket.specialty,
                room=room,
            )
        )
        visit.setObjectName("scanVisit")
        visit.setWordWrap(True)
        self.status_label = QLabel(self.tr("Status: {status}").format(status=ticket.status_title))
        self.status_label.setObjectName("scanStatus")
        self.message = MessageBar(self)
        self.message.show_message(_KINDS[ticket.state], ticket.message)

        self.check_in_button = QPushButton(self.tr("Check in"))
        self.check_in_button.setObjectName("checkInButton")
        self.check_in_button.clicked.connect(self.check_in)
        self.check_in_button.setVisible(ticket.may_check_in)
        card = QPushButton(self.tr("Open the patient's card"))
        card.setObjectName("openCardButton")
        card.setAutoDefault(False)
        card.clicked.connect(self._open_card)
        self.close_button = QPushButton(self.tr("Close"))
        self.close_button.setObjectName("closeButton")
        self.close_button.clicked.connect(self.accept)
        (self.check_in_button if ticket.may_check_in else self.close_button).setDefault(True)

        buttons = QHBoxLayout()
        buttons.addWidget(card)
        buttons.addStretch(1)
        buttons.addWidget(self.check_in_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(name)
        layout.addWidget(visit)
        layout.addWidget(self.status_label)
        layout.addWidget(self.message)
        layout.addLayout(buttons)

    def check_in(self) -> None:
        """Mark the patient arrived (on the runner); the journal records it."""
        if not self.check_in_button.isEnabled():
            return
        self.check_in_button.setEnabled(False)
        self._context.runner.submit(
            visit_status.set_status,
            self._context.database.sessions,
            self._context.actor,
            self.ticket.appointment_id,
            AppointmentStatus.ARRIVED,
            expected_version=self.ticket.version,
            on_success=self._checked_in,
            on_failure=self._refused,
            owner=self,
        )

    def _checked_in(self, row: BookedAppointment) -> None:
        self.check_in_button.hide()
        self.close_button.setDefault(True)
        self.close_button.setFocus()
        self.status_label.setText(
            self.tr("Status: {status}").format(
                status=vocabulary.appointment_status_title(row.status)
            )
        )
        self.message.show_message(
            "done",
            self.tr("{patient} is checked in for {time}.").format(
                patient=self.ticket.patient_name, time=f"{self.ticket.starts_at:%H:%M}"
            ),
        )
        self.checked_in.emit(row.id)

    def _refused(self, message: str) -> None:
        self.check_in_button.setEnabled(True)
        self.message.show_message("error", message)

    def _open_card(self) -> None:
        self.open_patient.emit(self.ticket.patient_id)
        self.accept()


class TicketScanner(QObject):
    """Recognises a scanned ticket code and opens its appointment with a check-in offer.

    Args:
        context: the logged-in user's context.
        parent: the widget the dialogs belong to (the page with the search box).

    Signals:
        opened(ScanDialog): a scan found its appointment; the dialog is open.
        open_patient(int): the user asked for the patient's card from the dialog.
        checked_in(int): a patient was checked in (the appointment's id).
        failed(str): the code was garbled or named no appointment; shown to the user too.
    """

    opened = Signal(object)
    open_patient = Signal(int)
    checked_in = Signal(int)
    failed = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget) -> None:
        super().__init__(parent)
        self._context = context
        self._parent = parent
        self.dialog: ScanDialog | None = None
        self.question: QMessageBox | None = None

    @staticmethod
    def is_code(text: str) -> bool:
        """Whether ``text`` is a ticket code (perhaps garbled) rather than a search."""
        return qr.looks_like_code(text)

    def take(self, text: str) -> bool:
        """Handle ``text`` if it is a ticket code; ``False`` leaves it to the search."""
        if not self.is_code(text):
            return False
        self._context.runner.submit(
            tickets.scan_text,
            self._context.database.sessions,
            self._context.actor,
            text,
            on_success=self._found,
            on_failure=self._failed,
            owner=self,
        )
        return True

    def _found(self, ticket: ScannedTicket | None) -> None:
        if ticket is None:
            return
        if self.dialog is not None:
            self.dialog.close()
        dialog = ScanDialog(self._context, ticket, self._parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open_patient.connect(self.open_patient)
        dialog.checked_in.connect(self.checked_in)
        dialog.destroyed.connect(lambda _obj=None: self._forget(dialog))
        self.dialog = dialog
        dialog.open()
        self.opened.emit(dialog)

    def _forget(self, dialog: ScanDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None

    def _failed(self, message: str) -> None:
        box = QMessageBox(self._parent)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("Ticket not recognised"))
        box.setText(message)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.question = box
        box.open()
        self.failed.emit(message)
