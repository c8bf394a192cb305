"""Booking an approved priority request: the soonest free times of the specialty.

The manager approved the request in the queue; this dialog lists the nearest free
slots of the specialty (every doctor, two weeks ahead, the patient's own bookings
left out) and books the chosen one through the priority-request controller, which
links the appointment to the request. The kind (paid or follow-up) and the service are
always asked for, each service with its price on the chosen slot's day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crm.controllers.context import Actor
from crm.controllers.directories import pickers
from crm.controllers.directories.pickers import SpecialtyChoice
from crm.controllers.errors import BookingRefused, FreeSlot
from crm.controllers.payments.money import rubles
from crm.controllers.referrals import priority
from crm.controllers.schedule import appointment_history, slots
from crm.controllers.schedule.appointment_history import ServiceChoice
from crm.models.enums import AppointmentKind
from crm.views import AppContext
from crm.views.patients.message_bar import MessageBar
from crm.views.referrals.wizard import SLOT_ROLE, SlotTree

#: How far ahead the dialog looks for free time.
HORIZON = dt.timedelta(days=14)


def _search(db: object, actor: Actor, specialty_id: int, patient_id: int) -> list[FreeSlot]:
    today = actor.clinic_today()
    return slots.free_slots(
        db,  # type: ignore[arg-type]
        specialty_id=specialty_id, date_from=today, date_to=today + HORIZON,
        limit=60, patient_id=patient_id,
    )  # fmt: skip


class PriorityBookingDialog(QDialog):
    """Choose a free time for an approved priority request and book it.

    Open it with ``open()``.

    Args:
        context: the logged-in user's context.
        patient_id: the request's patient.
        specialty_id: the request's specialty (0: choose one here).
        request_id: the request.
        parent: the Qt parent.

    Signals:
        booked(int, int): the request id and the new appointment's id.
        slots_shown(): the free times arrived (for tests).
        services_shown(): the services, with the chosen slot day's prices, arrived.
    """

    booked = Signal(int, int)
    slots_shown = Signal()
    services_shown = Signal()

    def __init__(
        self,
        context: AppContext,
        patient_id: int,
        specialty_id: int,
        request_id: int,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("priorityBookingDialog")
        self.setWindowTitle(self.tr("Book the priority request"))
        self._context = context
        self._patient_id = patient_id
        self._request_id = request_id
        self._wanted_specialty = specialty_id or None
        self._busy = False
        self.message_bar = MessageBar()
        self.specialty = QComboBox()
        self.specialty.setObjectName("priorityBookingSpecialty")
        self.specialty.currentIndexChanged.connect(self._search)
        # A kind and a service are always asked for: never a paid visit of no service.
        self.kind = QComboBox()
        self.kind.setObjectName("priorityBookingKind")
        self.kind.addItem(self.tr("Paid"), AppointmentKind.PAID)
        self.kind.addItem(self.tr("Follow-up visit"), AppointmentKind.FOLLOW_UP)
        self.service = QComboBox()
        self.service.setObjectName("priorityBookingService")
        self.service.addItem(self.tr("— choose the service —"), None)
        self._prices_day: dt.date | None = None
        self.tree = SlotTree()
        self.tree.setObjectName("priorityBookingSlots")
        self.tree.setHeaderLabels([self.tr("Doctor / time"), self.tr("Room")])
        self.tree.setColumnWidth(0, 360)
        self.tree.slot_chosen.connect(self.book)
        self.tree.itemDoubleClicked.connect(self._double_clicked)
        self.tree.currentItemChanged.connect(lambda item, _old: self._slot_selected(item))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.tr("Specialty"), self.specialty)
        form.addRow(self.tr("Kind of visit"), self.kind)
        form.addRow(self.tr("Service"), self.service)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message_bar)
        layout.addLayout(form)
        layout.addWidget(self.tree, 1)
        layout.addWidget(buttons)
        self.resize(620, 520)
        context.runner.submit(
            pickers.specialties, context.database.sessions, context.actor,
            on_success=self._fill_specialties, on_failure=self._failed, owner=self,
        )  # fmt: skip

    def _fill_specialties(self, choices: Sequence[SpecialtyChoice]) -> None:
        self.specialty.blockSignals(True)
        for choice in choices:
            if choice.has_doctors:
                self.specialty.addItem(choice.name, choice.id)
        if self._wanted_specialty is not None:
            self.specialty.setCurrentIndex(max(0, self.specialty.findData(self._wanted_specialty)))
        self.specialty.blockSignals(False)
        self._search()

    def _slot_selected(self, item: QTreeWidgetItem | None) -> None:
        slot = item.data(0, SLOT_ROLE) if item is not None else None
        if isinstance(slot, FreeSlot) and slot.starts_at.date() != self._prices_day:
            self._load_services(slot.starts_at.date())

    def _load_services(self, day: dt.date) -> None:
        """The specialty's services with their prices on ``day`` (the chosen slot's)."""
        self._prices_day = day
        self._context.runner.submit(
            appointment_history.list_services, self._context.database.sessions,
            self._context.actor, specialty_id=self.specialty.currentData(), day=day,
            on_success=self._show_services, on_failure=self._failed, owner=self,
        )  # fmt: skip

    def _show_services(self, services: list[ServiceChoice]) -> None:
        chosen = self.service.currentData()
        chosen_id = chosen.id if isinstance(chosen, ServiceChoice) else None
        self.service.clear()
        self.service.addItem(self.tr("— choose the service —"), None)
        for service in services:
            price = rubles(service.price) if service.price is not None else self.tr("no price")
            length = self.tr("{minutes} min").format(minutes=service.duration_slots * 15)
            self.service.addItem(f"{service.name} — {price} · {length}", service)
            if service.id == chosen_id:
                self.service.setCurrentIndex(self.service.count() - 1)
        self.services_shown.emit()

    def choose_service(self, code: str) -> bool:
        """Select the service ``code``; whether it is listed."""
        for index in range(self.service.count()):
            data = self.service.itemData(index)
            if isinstance(data, ServiceChoice) and data.code == code:
                self.service.setCurrentIndex(index)
                return True
        return False

    def _search(self, *_args: object) -> None:
        specialty = self.specialty.currentData()
        if specialty is None:
            return
        self._prices_day = None  # another specialty: its services
        self.message_bar.show_message("info", self.tr("Looking for free time…"))
        self._context.runner.submit(
            _search, self._context.database.sessions, self._context.actor, specialty,
            self._patient_id, on_success=self._show, on_failure=self._failed, owner=self,
        )  # fmt: skip

    def _show(self, found: list[FreeSlot]) -> None:
        self.tree.clear()
        by_doctor: dict[int, QTreeWidgetItem] = {}
        for slot in found:
            parent = by_doctor.get(slot.doctor_id)
            if parent is None:
                parent = QTreeWidgetItem([slot.doctor_name, ""])
                parent.setFlags(Qt.ItemFlag.ItemIsEnabled)
                self.tree.addTopLevelItem(parent)
                by_doctor[slot.doctor_id] = parent
            item = QTreeWidgetItem(
                [f"{slot.starts_at:%d.%m.%Y %H:%M}–{slot.ends_at:%H:%M}", slot.room_number or ""]
            )
            item.setData(0, SLOT_ROLE, slot)
            parent.addChild(item)
            parent.setExpanded(True)
        if found:
            self.message_bar.clear()
            top = self.tree.topLevelItem(0)
            first = top.child(0) if top is not None else None
            if first is not None:
                self.tree.setCurrentItem(first)
            self.tree.setFocus()
        else:
            self.message_bar.show_message(
                "warning", self.tr("No free time of this specialty in the next two weeks.")
            )
        self.slots_shown.emit()

    def _failed(self, message: str) -> None:
        self._busy = False
        self.message_bar.show_message("error", message)

    def _double_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        slot = item.data(0, SLOT_ROLE)
        if slot is not None:
            self.book(slot)

    def book(self, slot: FreeSlot) -> None:
        """Book the request's patient at ``slot``, as the kind and service chosen."""
        if self._busy:
            return
        service = self.service.currentData()
        if not isinstance(service, ServiceChoice):
            self.message_bar.show_message(
                "error", self.tr("Service: a paid or follow-up visit needs its service")
            )
            self.service.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self._busy = True
        self._context.runner.submit(
            priority.book_request, self._context.database.sessions,
            self._context.actor, self._request_id, doctor_id=slot.doctor_id,
            starts_at=slot.starts_at, kind=AppointmentKind(self.kind.currentData()),
            service_id=service.id,
            on_success=self._booked, on_error=self._refused, owner=self,
        )  # fmt: skip

    def _booked(self, result: tuple) -> None:
        self._busy = False
        appointment, _row = result
        self.booked.emit(self._request_id, appointment.id)
        self.accept()

    def _refused(self, error: BaseException, message: str) -> None:
        self._busy = False
        self.message_bar.show_message("error", message)
        if isinstance(error, BookingRefused):
            self._search()  # the time was taken: show what is free now
