"""Cancelling an appointment, and the small dialog that asks a manager for a reason.

Cancelling needs a reason and who cancelled (the patient or the clinic). Less than
24 hours before the start only a manager may cancel, and the reason is recorded as
the override (DOMAIN.md, Booking); the dialog says so in advance from the local
clock, and the controller, on the database's clock, has the last word.
"""

from __future__ import annotations

import datetime as dt
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from crm.controllers.access.permissions import Permission, allowed
from crm.controllers.schedule import visit_status
from crm.controllers.schedule.booking import CHANGE_NOTICE, BookedAppointment
from crm.controllers.schedule.day_grid import GridAppointment
from crm.models.enums import CancelledBy
from crm.views import AppContext
from crm.views.patients.message_bar import MessageBar


def within_notice(starts_at: dt.datetime, now: dt.datetime | None = None) -> bool:
    """Whether less than 24 hours are left before ``starts_at`` (by the local clock)."""
    now = now or dt.datetime.now(dt.UTC)
    return starts_at - now < CHANGE_NOTICE


def describe(appointment: GridAppointment) -> str:
    """«Иванов Иван, 12.05.2031 10:15–10:30» for a dialog's first line."""
    starts, ends = appointment.starts_at, appointment.ends_at
    return f"{appointment.patient_full}, {starts:%d.%m.%Y %H:%M}–{ends:%H:%M}"


class ReasonDialog(QDialog):
    """Asks for a required reason (a manager's override, an undone status).

    Open it with ``open()``; in a slot of ``finished`` read :meth:`reason` when the
    result is ``Accepted``. OK stays disabled until a reason is typed.

    Args:
        title: the window title.
        prompt: what the reason is for.
        parent: the Qt parent.

    Signals:
        The standard ones of :class:`QDialog`.
    """

    def __init__(self, title: str, prompt: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName("reasonDialog")
        label = QLabel(prompt)
        label.setWordWrap(True)
        self.reason_edit = QLineEdit()
        self.reason_edit.setObjectName("reasonEdit")
        self.reason_edit.setPlaceholderText(self.tr("Reason (required)"))
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setEnabled(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.reason_edit.textChanged.connect(
            lambda text: self.ok_button.setEnabled(bool(text.strip()))
        )
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.reason_edit)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)

    def reason(self) -> str:
        """The typed reason, trimmed."""
        return self.reason_edit.text().strip()


class CancelDialog(QDialog):
    """Cancel one appointment: reason, who cancelled, and the 24-hour rule.

    Args:
        context: the logged-in user's context.
        appointment: the block to cancel.
        parent: the Qt parent.

    Signals:
        cancelled(object): the appointment was cancelled; carries the
            :class:`~crm.controllers.schedule.booking.BookedAppointment` as it is now.
    """

    cancelled = Signal(object)

    def __init__(
        self, context: AppContext, appointment: GridAppointment, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._context = context
        self._appointment = appointment
        self._busy = False
        self.setObjectName("cancelDialog")
        self.setWindowTitle(self.tr("Cancel the appointment"))
        manager = allowed(context.actor, Permission.OVERRIDE_RULES)

        what = QLabel(self.tr("Cancel <b>{what}</b>?").format(what=escape(describe(appointment))))
        what.setWordWrap(True)
        self.by_patient = QRadioButton(self.tr("By the patient"))
        self.by_patient.setObjectName("cancelByPatient")
        self.by_patient.setChecked(True)
        self.by_clinic = QRadioButton(self.tr("By the clinic"))
        self.by_clinic.setObjectName("cancelByClinic")
        group = QButtonGroup(self)
        group.addButton(self.by_patient)
        group.addButton(self.by_clinic)
        who = QHBoxLayout()
        who.addWidget(self.by_patient)
        who.addWidget(self.by_clinic)
        who.addStretch(1)
        self.reason_edit = QLineEdit()
        self.reason_edit.setObjectName("cancelReason")
        self.reason_edit.setPlaceholderText(self.tr("Why the appointment is cancelled"))
        form = QFormLayout()
        form.addRow(self.tr("Cancelled"), who)
        form.addRow(self.tr("Reason"), self.reason_edit)

        self.notice = QLabel()
        self.notice.setObjectName("cancelNotice")
        self.notice.setWordWrap(True)
        self.late = within_notice(appointment.starts_at)
        if self.late and manager:
            self.notice.setText(
                self.tr(
                    "Less than 24 hours are left before the appointment. As a manager you "
                    "may still cancel it: the reason is recorded as your override."
                )
            )
        elif self.late:
            self.notice.setText(
                self.tr(
                    "Less than 24 hours are left before the appointment: only a manager "
                    "may cancel it now."
                )
            )
        self.notice.setVisible(self.late)
        self.messages = MessageBar()

        self.cancel_button = QPushButton(self.tr("Cancel the appointment"))
        self.cancel_button.setObjectName("cancelConfirm")
        self.cancel_button.setDefault(True)
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.submit)
        self.close_button = QPushButton(self.tr("Close"))
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)
        self.reason_edit.textChanged.connect(lambda _text: self._update_button())
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(what)
        layout.addLayout(form)
        layout.addWidget(self.notice)
        layout.addWidget(self.messages)
        layout.addLayout(buttons)
        self.setMinimumWidth(480)
        self.reason_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    @property
    def busy(self) -> bool:
        """True while the cancellation runs."""
        return self._busy

    def _update_button(self) -> None:
        self.cancel_button.setEnabled(bool(self.reason_edit.text().strip()) and not self._busy)

    def submit(self) -> None:
        """Cancel on the runner (the dialog closes when it is done)."""
        reason = self.reason_edit.text().strip()
        if self._busy or not reason:
            return
        self._busy = True
        self._update_button()
        self.messages.clear()
        self._context.runner.submit(
            visit_status.cancel,
            self._context.database.sessions,
            self._context.actor,
            self._appointment.id,
            reason=reason,
            by=CancelledBy.CLINIC if self.by_clinic.isChecked() else CancelledBy.PATIENT,
            expected_version=self._appointment.version,
            on_success=self._on_cancelled,
            on_failure=self._on_failed,
            owner=self,
        )

    def _on_cancelled(self, appointment: BookedAppointment) -> None:
        self._busy = False
        self.cancelled.emit(appointment)
        self.accept()

    def _on_failed(self, message: str) -> None:
        self._busy = False
        self._update_button()
        self.messages.show_message("error", message)
        self.reason_edit.setFocus(Qt.FocusReason.OtherFocusReason)
