"""«Ближайшее свободное» (Ctrl+F on the Patients page and in the card): the nearest free
times of a specialty across its doctors, for the patient at hand.

The registrar picks a specialty or a service (a service picks its specialty and the
visit's length), paid or by referral (ОМС: the patient's active referrals of the
specialty are offered, a paper one's number may be typed), and the soonest free times
of every doctor of the specialty are listed, nearest first. Tab to the list, Up/Down
choose one, Enter books it through the booking controller as the grid's booking dialog
does; a refusal is shown in the dialog and the list is searched again. Esc closes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QLocale, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crm.controllers.directories import pickers
from crm.controllers.errors import FreeSlot
from crm.controllers.patients import history
from crm.controllers.schedule import appointment_history, booking, next_free
from crm.controllers.schedule.appointment_history import ServiceChoice
from crm.controllers.schedule.booking import BookedAppointment
from crm.models.enums import AppointmentKind
from crm.views import AppContext
from crm.views.patients.message_bar import MessageBar

K = AppointmentKind
SLOT_ROLE = Qt.ItemDataRole.UserRole


class NextFreeDialog(QDialog):
    """The nearest free times of a specialty for ``patient_id``; Enter books the chosen one.

    Signals:
        searched(int): a search's times are listed (how many).
        booked(object): the appointment was booked (:class:`BookedAppointment`).
        refused(str): a booking was refused; the message shows in the dialog.
    """

    searched = Signal(int)
    booked = Signal(object)
    refused = Signal(str)

    def __init__(
        self, context: AppContext, patient_id: int, patient_name: str,
        parent: QWidget | None = None,
    ) -> None:  # fmt: skip
        super().__init__(parent)
        self._context = context
        self.patient_id = patient_id
        self._generation = 0
        self._busy = False
        self._services: list[ServiceChoice] = []
        self._referrals: list[history.ReferralRow] = []
        self.setObjectName("nextFreeDialog")
        self.setWindowTitle(self.tr("Nearest free time"))
        header = QLabel(self.tr("Nearest free time for {name}").format(name=patient_name))
        header.setObjectName("nextFreeHeader")
        header.setWordWrap(True)

        self.specialty = QComboBox()
        self.specialty.setObjectName("nextFreeSpecialty")
        self.service = QComboBox()
        self.service.setObjectName("nextFreeService")
        self.kind = QComboBox()
        self.kind.setObjectName("nextFreeKind")
        self.kind.addItem(self.tr("Paid"), K.PAID)
        self.kind.addItem(self.tr("By referral (OMS)"), K.REFERRAL)
        self.referral = QComboBox()
        self.referral.setObjectName("nextFreeReferral")
        self.referral.setEditable(True)
        self.referral.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        line = self.referral.lineEdit()
        assert line is not None
        line.setPlaceholderText(self.tr("Number as on the referral"))
        self.form = QFormLayout()
        self.form.addRow(self.tr("Specialty"), self.specialty)
        self.form.addRow(self.tr("Service"), self.service)
        self.form.addRow(self.tr("Kind of visit"), self.kind)
        self.form.addRow(self.tr("Referral №"), self.referral)

        self.slots = QListWidget()
        self.slots.setObjectName("nextFreeSlots")
        self.slots.setMinimumHeight(220)
        self.status = QLabel()
        self.status.setObjectName("nextFreeStatus")
        self.messages = MessageBar(one_line=True)
        self.book_button = QPushButton(self.tr("Book (Enter)"))
        self.book_button.setObjectName("nextFreeBook")
        self.book_button.setDefault(True)
        self.book_button.clicked.connect(self.book)
        close = QPushButton(self.tr("Close (Esc)"))
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.book_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(header)
        layout.addLayout(self.form)
        layout.addWidget(self.status)
        layout.addWidget(self.slots, 1)
        layout.addWidget(self.messages)
        layout.addLayout(buttons)
        self.setMinimumWidth(560)

        self.specialty.currentIndexChanged.connect(lambda _i: self._specialty_changed())
        self.service.currentIndexChanged.connect(lambda _i: self._service_changed())
        self.kind.currentIndexChanged.connect(lambda _i: self._kind_changed())
        self._kind_changed()
        self._load()

    # --- loading ----------------------------------------------------------------------

    def _submit(
        self, fn: Callable[..., Any], *args: Any, on_success: Callable[[Any], None], **kwargs: Any
    ) -> None:
        self._context.runner.submit(
            fn, self._context.database.sessions, self._context.actor, *args,
            on_success=on_success, owner=self,
            on_failure=lambda message: self.messages.show_message("error", message), **kwargs,
        )  # fmt: skip

    def _load(self) -> None:
        self._submit(pickers.specialties, on_success=self._show_specialties)
        self._submit(appointment_history.list_services, on_success=self._remember_services)
        self._submit(history.list_referrals, self.patient_id, on_success=self._show_referrals)

    def _show_specialties(self, rows: tuple[pickers.SpecialtyChoice, ...]) -> None:
        self.specialty.blockSignals(True)
        for row in rows:
            if row.has_doctors:
                self.specialty.addItem(row.name, row.id)
        self.specialty.setCurrentIndex(-1)
        self.specialty.blockSignals(False)
        self.status.setText(self.tr("Choose a specialty or a service"))
        self.specialty.setFocus(Qt.FocusReason.OtherFocusReason)

    def _remember_services(self, services: list[ServiceChoice]) -> None:
        self._services = services
        self._fill_services()

    def _show_referrals(self, rows: list[history.ReferralRow]) -> None:
        self._referrals = [row for row in rows if row.status == "active"]
        self._fill_referrals()

    # --- choices ----------------------------------------------------------------------

    def specialty_id(self) -> int | None:
        """The chosen specialty's id (``None`` until one is chosen)."""
        value = self.specialty.currentData()
        return int(value) if value is not None else None

    def chosen_service(self) -> ServiceChoice | None:
        """The service chosen, if any."""
        value = self.service.currentData()
        return value if isinstance(value, ServiceChoice) else None

    def current_kind(self) -> AppointmentKind:
        """Paid or by referral (Qt hands the item's data back as plain text)."""
        return AppointmentKind(self.kind.currentData())

    def choose_specialty(self, specialty_id: int) -> None:
        """Choose the specialty by id (the list searches again)."""
        self.specialty.setCurrentIndex(self.specialty.findData(specialty_id))

    def choose_service(self, service_id: int) -> None:
        """Choose a service by id (its specialty too, when it has one)."""
        for service in self._services:
            if service.id == service_id and service.specialty_id is not None:
                self.choose_specialty(service.specialty_id)
        for index in range(self.service.count()):
            data = self.service.itemData(index)
            if isinstance(data, ServiceChoice) and data.id == service_id:
                self.service.setCurrentIndex(index)

    def _fill_services(self) -> None:
        """Every service with a specialty, or those of the chosen one and of none."""
        chosen = self.specialty_id()
        kept = self.chosen_service()
        self.service.blockSignals(True)
        self.service.clear()
        self.service.addItem(self.tr("— any service —"), None)
        for service in self._services:
            if service.specialty_id is None and chosen is None:
                continue  # a service of no specialty says nothing about whom to see
            if chosen is None or service.specialty_id in (None, chosen):
                self.service.addItem(service.name, service)
                if kept is not None and kept.id == service.id:
                    self.service.setCurrentIndex(self.service.count() - 1)
        self.service.blockSignals(False)

    def _fill_referrals(self) -> None:
        typed = self.referral.currentText()
        name = self.specialty.currentText()
        self.referral.clear()
        for row in self._referrals:
            if row.specialty == name:
                self.referral.addItem(row.number)
        self.referral.setEditText(typed or self.referral.itemText(0))

    def _specialty_changed(self) -> None:
        self._fill_services()
        self._fill_referrals()
        self.search()

    def _service_changed(self) -> None:
        service = self.chosen_service()
        if service is not None and service.specialty_id is not None:
            if service.specialty_id != self.specialty_id():
                self.choose_specialty(service.specialty_id)  # searches again
                return
        self.search()

    def _kind_changed(self) -> None:
        self.form.setRowVisible(self.referral, self.current_kind() is K.REFERRAL)

    # --- search -----------------------------------------------------------------------

    def search(self) -> None:
        """Search the chosen specialty's nearest free times (the latest search wins)."""
        specialty_id = self.specialty_id()
        self._generation += 1
        self.slots.clear()
        if specialty_id is None:
            return
        generation = self._generation
        service = self.chosen_service()
        self.status.setText(self.tr("Searching…"))
        self._submit(
            next_free.nearest_free, specialty_id=specialty_id,
            slots=service.duration_slots if service else 1, patient_id=self.patient_id,
            on_success=lambda found: self._show_slots(generation, found),
        )  # fmt: skip

    def _show_slots(self, generation: int, found: list[FreeSlot]) -> None:
        if generation != self._generation:
            return  # a later choice's search is under way
        self.slots.clear()
        for slot in found:
            item = QListWidgetItem(self.slot_text(slot))
            item.setData(SLOT_ROLE, slot)
            self.slots.addItem(item)
        if found:
            self.slots.setCurrentRow(0)
            self.status.setText(self.tr("In the list Up/Down choose a time; Enter books it"))
        else:
            self.status.setText(
                self.tr("No free time in the next {days} days").format(days=next_free.HORIZON_DAYS)
            )
        self.searched.emit(len(found))

    def slot_text(self, slot: FreeSlot) -> str:
        """«пт 12.05 10:30–11:00 · Петров П. П. (терапевт) · каб. 101»."""
        day = QLocale().dayName(slot.starts_at.isoweekday(), QLocale.FormatType.ShortFormat)
        parts = [
            f"{day} {slot.starts_at:%d.%m.%Y %H:%M}–{slot.ends_at:%H:%M}",
            f"{slot.doctor_name} ({slot.specialty_name})",
        ]
        if slot.room_number:
            parts.append(self.tr("room {number}").format(number=slot.room_number))
        return " · ".join(parts)

    def chosen_slot(self) -> FreeSlot | None:
        """The time chosen in the list."""
        item = self.slots.currentItem()
        value = item.data(SLOT_ROLE) if item is not None else None
        return value if isinstance(value, FreeSlot) else None

    # --- booking ----------------------------------------------------------------------

    def book(self) -> None:
        """Book the chosen time (Enter)."""
        if self._busy:
            return
        slot = self.chosen_slot()
        if slot is None:
            self.messages.show_message(
                "error", self.tr("Time: choose one of the free times in the list")
            )
            return
        kind = self.current_kind()
        referral = self.referral.currentText().strip()
        if kind is K.REFERRAL and not referral:
            self.messages.show_message(
                "error", self.tr("Referral №: required for a visit by referral")
            )
            self.referral.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        service = self.chosen_service()
        self._busy = True
        self.book_button.setEnabled(False)
        self.messages.clear()
        self._context.runner.submit(
            booking.book, self._context.database.sessions, self._context.actor,
            patient_id=self.patient_id, doctor_id=slot.doctor_id, starts_at=slot.starts_at,
            slots=service.duration_slots if service else 1, kind=kind,
            referral_number=referral if kind is K.REFERRAL else None,
            service_id=service.id if service else None,
            on_success=self._on_booked, on_error=self._on_refused, owner=self,
        )  # fmt: skip

    def _on_booked(self, appointment: BookedAppointment) -> None:
        self._busy = False
        self.booked.emit(appointment)
        self.accept()

    def _on_refused(self, _error: BaseException, message: str) -> None:
        self._busy = False
        self.book_button.setEnabled(True)
        self.messages.show_message("error", message)
        self.refused.emit(message)
        self.search()  # the time may have been taken meanwhile


#: The key that opens the dialog from the Patients page and the card.
NEXT_FREE_KEYS = "Ctrl+F"


def may_search(context: AppContext) -> bool:
    """Whether the user books any doctor's patients (the desk and managers)."""
    from crm.controllers.access.permissions import Permission, allowed

    return allowed(context.actor, Permission.BOOK_ANY_DOCTOR)


def open_next_free(
    context: AppContext, patient_id: int, patient_name: str, parent: QWidget
) -> NextFreeDialog:
    """Open «Ближайшее свободное» for the patient (window-modal; deleted when closed)."""
    dialog = NextFreeDialog(context, patient_id, patient_name, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def booked_text(appointment: BookedAppointment) -> str:
    """«Записан на пт 12.05.2026 10:30» for the page that opened the dialog."""
    day = QLocale().dayName(appointment.starts_at.isoweekday(), QLocale.FormatType.ShortFormat)
    return QCoreApplication.translate("NextFreeDialog", "Booked for {day} {when}").format(
        day=day, when=f"{appointment.starts_at:%d.%m.%Y %H:%M}"
    )
