"""«Which service?»: asked before a paid or follow-up visit is booked from a prompt.

A paid or follow-up visit is always of a service (its price and length): where the
desk books one without the booking dialog — a waiting-list offer taken as paid, a
waiting patient dragged into the grid without a referral — this small dialog asks the
kind and the service, showing each service's price on the visit's day and its length.
Open it with ``open()``; ``chosen`` carries the answer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from crm.controllers.payments.money import rubles
from crm.controllers.schedule import appointment_history
from crm.controllers.schedule.appointment_history import ServiceChoice
from crm.controllers.schedule.day_grid import GridDoctor
from crm.models.enums import AppointmentKind
from crm.views import AppContext
from crm.views.patients.message_bar import MessageBar


class ServiceChoiceDialog(QDialog):
    """Ask the kind (paid or follow-up) and the service of a visit.

    Args:
        context: the logged-in user's context.
        doctor_id: the doctor (the services of the doctor's specialty are offered).
        day: the visit's day (the prices valid then).
        kind: the kind preselected.
        parent: the Qt parent.

    Signals:
        chosen(object, int): the kind and the service's id; the dialog closes.
        services_shown(): the services arrived (for tests).
    """

    chosen = Signal(object, int)
    services_shown = Signal()

    def __init__(
        self,
        context: AppContext,
        doctor_id: int,
        day: dt.date,
        kind: AppointmentKind = AppointmentKind.PAID,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("serviceChoiceDialog")
        self.setWindowTitle(self.tr("Service of the visit"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.kind = QComboBox()
        self.kind.setObjectName("serviceChoiceKind")
        self.kind.addItem(self.tr("Paid"), AppointmentKind.PAID)
        self.kind.addItem(self.tr("Follow-up visit"), AppointmentKind.FOLLOW_UP)
        self.kind.setCurrentIndex(max(0, self.kind.findData(kind)))
        self.service = QComboBox()
        self.service.setObjectName("serviceChoiceService")
        self.service.addItem(self.tr("— choose the service —"), None)
        self.messages = MessageBar()
        note = QLabel(self.tr("Prices on {day}").format(day=f"{day:%d.%m.%Y}"))
        form = QFormLayout()
        form.addRow(self.tr("Kind of visit"), self.kind)
        form.addRow(self.tr("Service"), self.service)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.choose)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(self.messages)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)
        context.runner.submit(
            appointment_history.list_services, context.database.sessions, context.actor,
            doctor_id=doctor_id, day=day, on_success=self._show,
            on_failure=lambda message: self.messages.show_message("error", message), owner=self,
        )  # fmt: skip

    def _show(self, services: list[ServiceChoice]) -> None:
        for service in services:
            # «Прием терапевта — 1 500,00 ₽ · 15 мин» (no price that day: name and length).
            price = f" — {rubles(service.price)}" if service.price is not None else ""
            length = self.tr("{minutes} min").format(minutes=service.duration_slots * 15)
            self.service.addItem(f"{service.name}{price} · {length}", service)
        self.service.setFocus(Qt.FocusReason.OtherFocusReason)
        self.services_shown.emit()

    def choose_code(self, code: str) -> bool:
        """Select the service ``code`` (for tests and scripts); whether it is listed."""
        for index in range(self.service.count()):
            data = self.service.itemData(index)
            if isinstance(data, ServiceChoice) and data.code == code:
                self.service.setCurrentIndex(index)
                return True
        return False

    def choose(self) -> None:
        """OK: the service is required (the message names the field)."""
        service = self.service.currentData()
        if not isinstance(service, ServiceChoice):
            self.messages.show_message(
                "error", self.tr("Service: a paid or follow-up visit needs its service")
            )
            self.service.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self.chosen.emit(AppointmentKind(self.kind.currentData()), service.id)
        self.accept()


def ask_terms(
    context: Any,
    parent: QWidget,
    doctor: GridDoctor,
    starts_at: dt.datetime,
    then: Callable[[AppointmentKind, int], None],
) -> None:
    """A waiting patient dropped on ``doctor``'s slot is to be booked as paid: ask the
    kind and service, then ``then(kind, service_id)`` books."""
    dialog = ServiceChoiceDialog(context, doctor.id, starts_at.date(), parent=parent)
    dialog.chosen.connect(then)
    dialog.open()
