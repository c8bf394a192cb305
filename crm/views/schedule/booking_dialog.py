"""The booking dialog: who comes, to whom, when, and on what terms.

Opened from the grid on a free slot. The registrar finds the patient (or types a
new minimal card), chooses the kind of visit — by referral (ОМС), paid, follow-up or
telemedicine — and presses Enter. A refusal is shown inside the dialog with its
reason; when the time was taken meanwhile, the nearest free times (the same doctor
first, then the same specialty) are offered as buttons that book there. A manager
may book over a taken slot or record a past visit, each with a reason.

The whole dialog works from the keyboard: Tab moves through the fields in order,
Enter books (in the search box it picks the patient first), Esc closes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from html import escape

from PySide6.QtCore import QLocale, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from crm.controllers.access.permissions import Permission, allowed
from crm.controllers.errors import BookingRefused, FreeSlot
from crm.controllers.patients import history
from crm.controllers.payments.money import rubles
from crm.controllers.schedule import appointment_history, booking
from crm.controllers.schedule.appointment_history import ServiceChoice
from crm.controllers.schedule.booking import MAX_SLOTS, BookedAppointment
from crm.controllers.schedule.day_grid import GridDoctor
from crm.models.enums import AppointmentKind
from crm.views import AppContext
from crm.views.patients.message_bar import MessageBar
from crm.views.schedule.new_patient import PatientPicker

K = AppointmentKind
#: Most alternatives offered as buttons.
ALTERNATIVES = 6


class BookingDialog(QDialog):
    """Book one appointment at a doctor's slot.

    Args:
        context: the logged-in user's context.
        doctor: the doctor's column.
        starts_at: the slot's start (aware, clinic time).
        slots: the initial length in slots (1–4).
        parent: the Qt parent.

    Signals:
        booked(object): the appointment was booked
            (:class:`~crm.controllers.schedule.booking.BookedAppointment`); the dialog closes.
        refused(str): a booking attempt was refused; the message is shown in the dialog.
        services_shown(): the services (with the visit day's prices) arrived.
    """

    booked = Signal(object)
    refused = Signal(str)
    services_shown = Signal()

    def __init__(
        self,
        context: AppContext,
        doctor: GridDoctor,
        starts_at: dt.datetime,
        slots: int = 1,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._context = context
        self._doctor = doctor
        self._target = (doctor.id, starts_at)
        self._busy = False
        self._book_after_create = False
        self._header_doctor = (doctor.full_name, doctor.specialty_name, doctor.room_number)
        self.manager = allowed(context.actor, Permission.OVERRIDE_RULES)
        self.last_refusal: BookingRefused | None = None
        self.setObjectName("bookingDialog")
        self.setWindowTitle(self.tr("New appointment"))

        self.header = QLabel()
        self.header.setObjectName("bookingHeader")
        self.header.setWordWrap(True)
        self.picker = PatientPicker(context)
        self.picker.chosen.connect(self._on_patient_chosen)
        self.picker.new_box.failed.connect(lambda _message: self._creation_failed())

        self.kind = QComboBox()
        self.kind.setObjectName("bookingKind")
        self.kind.addItem(self.tr("By referral (OMS)"), K.REFERRAL)
        self.kind.addItem(self.tr("Paid"), K.PAID)
        self.kind.addItem(self.tr("Follow-up visit"), K.FOLLOW_UP)
        if doctor.offers_remote:
            self.kind.addItem(self.tr("Telemedicine"), K.REMOTE)
        self.kind.currentIndexChanged.connect(lambda _index: self._kind_changed())
        self.referral = QComboBox()
        self.referral.setObjectName("bookingReferral")
        self.referral.setEditable(True)
        self.referral.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        line = self.referral.lineEdit()
        assert line is not None
        line.setPlaceholderText(self.tr("Number as on the referral"))
        self.service = QComboBox()
        self.service.setObjectName("bookingService")
        self.service.addItem(self.tr("— choose the service —"), None)
        self.service.currentIndexChanged.connect(lambda _index: self._service_changed())
        self.terms = QLabel()
        self.terms.setObjectName("bookingTerms")
        self.video = QLineEdit()
        self.video.setObjectName("bookingVideo")
        self.video.setPlaceholderText(self.tr("empty: made from the clinic's video provider"))
        self.length = QSpinBox()
        self.length.setObjectName("bookingLength")
        self.length.setRange(1, MAX_SLOTS)
        self.length.setValue(max(1, min(MAX_SLOTS, slots)))
        self.length.setSuffix(self.tr(" × {minutes} min").format(minutes=doctor.slot_minutes))
        self.length.valueChanged.connect(lambda _value: self._show_header())
        self.note = QLineEdit()
        self.note.setObjectName("bookingNote")
        self.form = QFormLayout()
        self.form.addRow(self.tr("Kind of visit"), self.kind)
        self.form.addRow(self.tr("Referral №"), self.referral)
        self.form.addRow(self.tr("Service"), self.service)
        self.form.addRow(self.tr("Price"), self.terms)
        self.form.addRow(self.tr("Video link"), self.video)
        self.form.addRow(self.tr("Length"), self.length)
        self.form.addRow(self.tr("Note"), self.note)

        self.overbook = QCheckBox(self.tr("Book over the schedule"))
        self.overbook.setObjectName("bookingOverbook")
        self.overbook_reason = QLineEdit()
        self.overbook_reason.setObjectName("bookingOverbookReason")
        self.overbook_reason.setPlaceholderText(self.tr("Reason for booking over the schedule"))
        self.backdate = QCheckBox(self.tr("Record a past visit"))
        self.backdate.setObjectName("bookingBackdate")
        self.backdate_reason = QLineEdit()
        self.backdate_reason.setObjectName("bookingBackdateReason")
        self.backdate_reason.setPlaceholderText(self.tr("Reason for recording in the past"))
        for box, reason in ((self.overbook, self.overbook_reason),
                            (self.backdate, self.backdate_reason)):  # fmt: skip
            box.toggled.connect(reason.setVisible)
            box.toggled.connect(lambda on, r=reason: on and r.setFocus())
            box.hide()
            reason.hide()
        if self.manager and starts_at < dt.datetime.now(dt.UTC):
            self.backdate.show()

        self.messages = MessageBar()
        self.alternatives_label = QLabel(self.tr("Nearest free times:"))
        self.alternatives_label.hide()
        self.alternatives = QVBoxLayout()
        self.alternative_buttons: list[QPushButton] = []

        self.print_button = QPushButton(self.tr("Book and print ticket (Ctrl+P)"))
        self.print_button.setObjectName("bookingPrint")
        self.print_button.setAutoDefault(False)
        self.print_button.setShortcut("Ctrl+P")
        self.print_button.setToolTip(
            self.tr("Book, then open the ticket in the print dialog (preview, printer, PDF)")
        )
        self.print_button.clicked.connect(self.submit_and_print)
        self._print_after = False
        self.book_button = QPushButton(self.tr("Book (Enter)"))
        self.book_button.setObjectName("bookingBook")
        self.book_button.setDefault(True)
        self.book_button.clicked.connect(self.submit)
        self.close_button = QPushButton(self.tr("Close (Esc)"))
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.print_button)
        buttons.addStretch(1)
        buttons.addWidget(self.book_button)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.picker)
        layout.addLayout(self.form)
        for widget in (self.overbook, self.overbook_reason, self.backdate, self.backdate_reason,
                       self.messages, self.alternatives_label):  # fmt: skip
            layout.addWidget(widget)
        layout.addLayout(self.alternatives)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.setMinimumWidth(620)
        self._set_tab_order()
        self._show_header()
        self._kind_changed()
        self._load_services()
        self.picker.search_box.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- state ------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        """True while a booking (or the new card before it) is on the runner."""
        return self._busy

    @property
    def target(self) -> tuple[int, dt.datetime]:
        """The doctor id and start the next attempt books (an alternative once chosen)."""
        return self._target

    def _set_tab_order(self) -> None:
        chain: Sequence[QWidget] = (
            self.picker.search_box, self.picker.results, self.picker.new_button,
            *self.picker.new_box.editors.values(), self.kind, self.referral, self.service,
            self.video, self.length, self.note, self.overbook, self.overbook_reason,
            self.backdate, self.backdate_reason, self.book_button, self.close_button,
        )  # fmt: skip
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def _show_header(self, slot: FreeSlot | None = None) -> None:
        doctor_id, starts = self._target
        if slot is None:
            name, specialty = self._doctor.full_name, self._doctor.specialty_name
            room = self._doctor.room_number
            for period in self._doctor.periods:
                if period.starts_at <= starts < period.ends_at and period.room_number:
                    room = period.room_number
        else:
            name, specialty, room = slot.doctor_name, slot.specialty_name, slot.room_number
        if slot is not None or doctor_id == self._doctor.id:
            self._header_doctor = (name, specialty, room)
        name, specialty, room = self._header_doctor
        ends = starts + self.length.value() * dt.timedelta(minutes=self._doctor.slot_minutes)
        locale = QLocale()
        day = locale.dayName(starts.isoweekday())
        where = self.tr(", room {number}").format(number=room) if room else ""
        self.header.setText(
            f"<b>{escape(name)}</b> — {escape(specialty)}{escape(where)}<br>"
            f"{escape(day)}, {starts:%d.%m.%Y}, <b>{starts:%H:%M}–{ends:%H:%M}</b>"
        )

    def current_kind(self) -> AppointmentKind:
        """The kind of visit chosen (Qt hands the item's data back as plain text)."""
        return AppointmentKind(self.kind.currentData())

    def _kind_changed(self) -> None:
        kind = self.current_kind()
        if self.messages.kind == "error":
            # The refusal was about the kind left behind (a missing referral, say).
            self.messages.clear()
            self._clear_alternatives()
        for widget, shown in (
            (self.referral, kind is K.REFERRAL),
            (self.service, kind in booking.KINDS_WITH_SERVICE),
            (self.terms, kind in booking.KINDS_WITH_SERVICE),
            (self.video, kind is K.REMOTE),
        ):
            self.form.setRowVisible(widget, shown)

    def _service_changed(self) -> None:
        service = self.service.currentData()
        if isinstance(service, ServiceChoice):
            self.length.setValue(service.duration_slots)
        self._show_terms()

    def _show_terms(self) -> None:
        """The chosen service's price on the visit's day and its length."""
        service = self.service.currentData()
        if not isinstance(service, ServiceChoice):
            self.terms.setText(self.tr("choose the service: its price and length show here"))
            return
        minutes = service.duration_slots * self._doctor.slot_minutes
        day = f"{self._target[1]:%d.%m.%Y}"
        if service.price is None:
            text = self.tr("no price on {day} · {minutes} min")
        else:
            text = self.tr("{price} on {day} · {minutes} min")
        price = rubles(service.price) if service.price is not None else ""
        self.terms.setText(text.format(price=price, day=day, minutes=minutes))

    def _load_services(self) -> None:
        self._context.runner.submit(
            appointment_history.list_services,
            self._context.database.sessions,
            self._context.actor,
            specialty_id=self._doctor.specialty_id,
            day=self._target[1].date(),
            on_success=self._show_services,
            on_failure=lambda message: self.messages.show_message("error", message),
            owner=self,
        )

    def _show_services(self, services: list[ServiceChoice]) -> None:
        """Fill (or refill, for another day's prices) the services, keeping the choice."""
        chosen = self.service.currentData()
        chosen_id = chosen.id if isinstance(chosen, ServiceChoice) else None
        self.service.blockSignals(True)
        while self.service.count() > 1:
            self.service.removeItem(1)
        for service in services:
            self.service.addItem(service.name, service)
            if service.id == chosen_id:
                self.service.setCurrentIndex(self.service.count() - 1)
        self.service.blockSignals(False)
        self.services_shown.emit()
        self._show_terms()

    def _on_patient_chosen(self, patient_id: int, _name: str, from_new_card: bool) -> None:
        self.referral.clear()
        self._context.runner.submit(
            history.list_referrals,
            self._context.database.sessions,
            self._context.actor,
            patient_id,
            on_success=self._show_referrals,
            owner=self,
        )
        if self._book_after_create and from_new_card:
            self._book_after_create = False
            self._book()
        else:
            self.kind.setFocus(Qt.FocusReason.OtherFocusReason)

    def _show_referrals(self, rows: list[history.ReferralRow]) -> None:
        typed = self.referral.currentText()
        for row in rows:
            if row.status == "active" and row.specialty == self._doctor.specialty_name:
                self.referral.addItem(row.number)
        self.referral.setEditText(typed or self.referral.itemText(0))
        line = self.referral.lineEdit()
        assert line is not None
        # An empty list that opens on nothing says why: type a paper referral's number,
        # or book the visit as paid.
        line.setPlaceholderText(
            self.tr("Number as on the referral")
            if self.referral.count()
            else self.tr("No active referral on the card: type the number or choose «Paid»")
        )  # fmt: skip

    # --- booking ----------------------------------------------------------------------

    def submit_and_print(self) -> None:
        """Book, and open the new appointment's ticket for printing once booked."""
        self._print_after = True
        self.submit()

    def submit(self) -> None:
        """Book (creating the new card first when it is open)."""
        if self._busy or self.picker.new_box.busy:
            return
        self.messages.clear()
        if self.picker.creating:
            self._book_after_create = True
            self._busy = True
            self.picker.new_box.create_patient()
            return
        self._book_after_create = False
        if self.picker.patient_id is None:
            self.messages.show_message("error", self.tr("Choose the patient first"))
            self.picker.search_box.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        for box, edit in ((self.overbook, self.overbook_reason),
                          (self.backdate, self.backdate_reason)):  # fmt: skip
            if box.isVisible() and box.isChecked() and not edit.text().strip():
                self.messages.show_message("error", self.tr("Reason: required"))
                edit.setFocus(Qt.FocusReason.OtherFocusReason)
                return
        self._book()

    def book_alternative(self, slot: FreeSlot) -> None:
        """Book at ``slot`` instead (one of the offered alternatives)."""
        day = self._target[1].date()
        self._target = (slot.doctor_id, slot.starts_at)
        self._show_header(slot)
        if slot.starts_at.date() != day:
            self._load_services()  # the price valid on the new day
        self.submit()

    def _creation_failed(self) -> None:
        # The wish to book stays: «it is them» or «create anyway» goes on to book.
        self._busy = False

    def _book(self) -> None:
        patient_id = self.picker.patient_id
        assert patient_id is not None
        self._busy = True
        self.book_button.setEnabled(False)
        kind = self.current_kind()
        service = self.service.currentData()
        doctor_id, starts_at = self._target
        self._context.runner.submit(
            booking.book,
            self._context.database.sessions,
            self._context.actor,
            patient_id=patient_id,
            doctor_id=doctor_id,
            starts_at=starts_at,
            slots=self.length.value(),
            kind=kind,
            referral_number=self.referral.currentText() if kind is K.REFERRAL else None,
            service_id=service.id if isinstance(service, ServiceChoice) else None,
            overbook_reason=self._reason(self.overbook, self.overbook_reason),
            backdate_reason=self._reason(self.backdate, self.backdate_reason),
            video_link=self.video.text() if kind is K.REMOTE else None,
            note=self.note.text(),
            on_success=self._on_booked,
            on_error=self._on_refused,
            owner=self,
        )

    @staticmethod
    def _reason(box: QCheckBox, edit: QLineEdit) -> str | None:
        if box.isVisible() and box.isChecked():
            return edit.text().strip() or None
        return None

    def _on_booked(self, appointment: BookedAppointment) -> None:
        self._busy = False
        self.booked.emit(appointment)
        if self._print_after:
            from crm.views.printing import open_print_dialog, tickets_request

            title = self.tr("Ticket: {patient}").format(patient=self.picker.patient_name)
            parent = self.parentWidget() or self
            open_print_dialog(self._context, tickets_request([appointment.id], title), parent)
        self.accept()

    def _on_refused(self, error: BaseException, message: str) -> None:
        self._busy = False
        self.book_button.setEnabled(True)
        self._print_after = False
        self._clear_alternatives()
        self.last_refusal = error if isinstance(error, BookingRefused) else None
        self.messages.show_message("error", message)
        if isinstance(error, BookingRefused):
            self._offer(error)
        self.refused.emit(message)

    def _offer(self, error: BookingRefused) -> None:
        """What a refusal lets the registrar do next."""
        if error.reason_code == "slot_taken" and self.manager:
            self.overbook.show()
        if error.reason_code == "in_past" and self.manager:
            self.backdate.show()
        focus = {"referral": self.referral, "slots": self.length, "service": self.service}.get(
            error.field or ""
        )
        if error.reason_code.startswith("referral") or error.reason_code == "no_policy":
            focus = self.referral
        for slot in error.alternatives[:ALTERNATIVES]:
            button = QPushButton(self._slot_text(slot))
            button.setObjectName("bookingAlternative")
            # Enter on a focused alternative books there (Tab reaches them after Close).
            button.setAutoDefault(True)
            button.clicked.connect(lambda _checked=False, s=slot: self.book_alternative(s))
            self.alternatives.addWidget(button)
            button.show()  # now, not when the layout gets round to it
            self.alternative_buttons.append(button)
        self.alternatives_label.setVisible(bool(self.alternative_buttons))
        buttons = [self.close_button, *self.alternative_buttons]
        for first, second in zip(buttons, buttons[1:], strict=False):
            QWidget.setTabOrder(first, second)
        if focus is not None:
            focus.setFocus(Qt.FocusReason.OtherFocusReason)

    def _slot_text(self, slot: FreeSlot) -> str:
        """«Петров П. П. · пт 12.05 10:30 · каб. 101» for an alternative's button."""
        day = QLocale().dayName(slot.starts_at.isoweekday(), QLocale.FormatType.ShortFormat)
        parts = [slot.doctor_name, f"{day} {slot.starts_at:%d.%m %H:%M}"]
        if slot.room_number:
            parts.append(self.tr("room {number}").format(number=slot.room_number))
        return " · ".join(parts)

    def _clear_alternatives(self) -> None:
        for button in self.alternative_buttons:
            self.alternatives.removeWidget(button)
            button.deleteLater()
        self.alternative_buttons.clear()
        self.alternatives_label.hide()
