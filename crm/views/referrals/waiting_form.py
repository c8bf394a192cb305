"""The two small forms of the queues: a waiting-list entry and a priority request.

Both start with the patient, found with the booking dialog's picker (typo-tolerant
search, or the minimal new card created on saving). A bad field gets its message
right under it — the view checks the dates it parses, the controller names the
field of anything else (:attr:`~crm.controllers.errors.DomainError.field`) — and
nothing typed is lost: the dialog stays open until the record is saved.
Dialogs are shown with ``open()``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crm.controllers.directories.pickers import DoctorChoice, SpecialtyChoice
from crm.controllers.errors import DomainError, ValidationError
from crm.controllers.referrals import priority
from crm.controllers.validation import format_date, parse_date
from crm.controllers.waiting import queue
from crm.models.enums import ContactChannel
from crm.views import AppContext
from crm.views.patients.fields import DATE_MASK, PROBLEM_COLOUR, FieldBox, MaskedEdit
from crm.views.patients.message_bar import MessageBar
from crm.views.referrals.waiting_models import channel_title
from crm.views.schedule.new_patient import PatientPicker

translate = QCoreApplication.translate
#: How far ahead the wished days reach by default.
DEFAULT_DAYS = 30


class PatientFormDialog(QDialog):
    """A patient picker, named fields with their messages, and Save/Close.

    Subclasses add their fields with :meth:`add_field` and say what saving calls in
    :meth:`request`.

    Args:
        context: the logged-in user's context.
        parent: the Qt parent.

    Signals:
        saved(object): the record was saved (the controller's row); the dialog closes.
        refused(str): saving was refused; the message is shown in the dialog.
    """

    saved = Signal(object)
    refused = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._busy = False
        self._save_after_create = False
        self.picker = PatientPicker(context)
        self.picker.chosen.connect(self._on_patient_chosen)
        self.picker.new_box.failed.connect(lambda _message: self._creation_failed())
        self.patient_message = QLabel()
        self.patient_message.setObjectName("patientMessage")
        self.patient_message.setStyleSheet(f"color: {PROBLEM_COLOUR};")
        self.patient_message.setWordWrap(True)
        self.patient_message.hide()
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.boxes: dict[str, FieldBox] = {}
        self.messages = MessageBar()
        self.save_button = QPushButton(translate("PatientFormDialog", "Save (Enter)"))
        self.save_button.setObjectName("formSave")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.submit)
        self.close_button = QPushButton(translate("PatientFormDialog", "Close (Esc)"))
        self.close_button.setObjectName("formClose")
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.picker)
        layout.addWidget(self.patient_message)
        layout.addLayout(self.form)
        layout.addWidget(self.messages)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.setMinimumWidth(600)
        self.picker.search_box.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- building ---------------------------------------------------------------------

    def add_field(self, name: str, title: str, editor: QWidget) -> FieldBox:
        """Add ``editor`` as field ``name`` (the controller's name for it)."""
        box = FieldBox(editor)
        box.left.connect(lambda n=name: self._field_left(n))
        self.boxes[name] = box
        label = QLabel(title)
        label.setBuddy(editor)
        self.form.addRow(label, box)
        return box

    def set_tab_chain(self, editors: Sequence[QWidget]) -> None:
        """Tab order: the picker, ``editors``, then Save and Close."""
        chain: Sequence[QWidget] = (
            self.picker.search_box, self.picker.results, self.picker.new_button,
            *self.picker.new_box.editors.values(), *editors, self.save_button,
            self.close_button,
        )  # fmt: skip
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def preset_patient(self, patient_id: int, name: str) -> None:
        """Start with ``patient_id`` chosen (opened from a card or a row)."""
        self.picker.choose(patient_id, name)

    # --- state ------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        """True while saving (or the new card before it) is on the runner."""
        return self._busy

    def problem(self, name: str) -> str:
        """The message shown under field ``name`` (``patient_id``: under the picker)."""
        if name == "patient_id":
            return self.patient_message.text() if self.patient_message.isVisible() else ""
        box = self.boxes.get(name)
        return box.message.text() if box is not None and box.kind == "problem" else ""

    def show_problem(self, name: str | None, message: str) -> None:
        """Show ``message`` under field ``name`` (or in the bar when it has no field here)."""
        if name == "patient_id":
            self.patient_message.setText(message)
            self.patient_message.show()
            self.picker.search_box.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        box = self.boxes.get(name or "")
        if box is None:
            self.messages.show_message("error", message)
            return
        box.show_problem(message)
        box.editor.setFocus(Qt.FocusReason.OtherFocusReason)

    def _clear_problems(self) -> None:
        self.messages.clear()
        self.patient_message.hide()
        self.patient_message.clear()
        for box in self.boxes.values():
            box.clear_message()

    def _field_left(self, name: str) -> None:
        # A problem stays until the field is left changed; then saving checks it again.
        box = self.boxes[name]
        if box.kind and self._value_of(box.editor):
            box.clear_message()

    @staticmethod
    def _value_of(editor: QWidget) -> str:
        if isinstance(editor, MaskedEdit):
            return editor.value()
        if isinstance(editor, QLineEdit):
            return editor.text().strip()
        if isinstance(editor, QPlainTextEdit):
            return editor.toPlainText().strip()
        if isinstance(editor, QComboBox):
            return "" if editor.currentData() is None else str(editor.currentData())
        return ""

    def _on_patient_chosen(self, _patient_id: int, _name: str, from_new_card: bool) -> None:
        self.patient_message.hide()
        if self._save_after_create and from_new_card:
            self._save_after_create = False
            self._busy = False
            self.submit()

    def _creation_failed(self) -> None:
        self._busy = False

    # --- saving -----------------------------------------------------------------------

    def request(self, patient_id: int) -> tuple[Callable[..., Any], dict[str, Any]] | None:
        """The controller call that saves and its keyword arguments (after the
        database and the actor), or ``None`` when a field is already known bad."""
        raise NotImplementedError

    def parse_day(self, name: str, label: str) -> dt.date | None:
        """The date typed in field ``name``, or ``None`` with the problem shown."""
        editor = self.boxes[name].editor
        assert isinstance(editor, MaskedEdit)
        try:
            return parse_date(editor.value(), name, label=label)
        except ValidationError as error:
            self.show_problem(name, error.message)
            return None

    def submit(self) -> None:
        """Save (creating the new card first when it is open)."""
        if self._busy or self.picker.new_box.busy:
            return
        self._clear_problems()
        if self.picker.creating:
            self._save_after_create = True
            self._busy = True
            self.picker.new_box.create_patient()
            return
        self._save_after_create = False
        if self.picker.patient_id is None:
            self.show_problem(
                "patient_id",
                translate("PatientFormDialog", "Patient: find and choose one, or add a new card"),
            )
            return
        call = self.request(self.picker.patient_id)
        if call is None:
            return
        fn, arguments = call
        self._busy = True
        self.save_button.setEnabled(False)
        self._context.runner.submit(
            fn,
            self._context.database.sessions,
            self._context.actor,
            on_success=self._on_saved,
            on_error=self._on_refused,
            owner=self,
            **arguments,
        )

    def _on_saved(self, row: object) -> None:
        self._busy = False
        self.save_button.setEnabled(True)
        self.saved.emit(row)
        self.accept()

    def _on_refused(self, error: BaseException, message: str) -> None:
        self._busy = False
        self.save_button.setEnabled(True)
        field = error.field if isinstance(error, DomainError) else None
        self.show_problem(field, message)
        self.refused.emit(message)


class WaitingEntryDialog(PatientFormDialog):
    """Put a patient on the waiting list: specialty or doctor, wished days, channel, note.

    Args:
        context: the logged-in user's context.
        specialties: the specialties to choose from.
        doctors: the active doctors to choose from.
        parent: the Qt parent.

    Signals:
        saved(object): the new :class:`~crm.controllers.waiting.queue.WaitingEntry`.
        refused(str): as :class:`PatientFormDialog`.
    """

    def __init__(
        self,
        context: AppContext,
        specialties: Sequence[SpecialtyChoice],
        doctors: Sequence[DoctorChoice],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(context, parent)
        self.setObjectName("waitingEntryDialog")
        self.setWindowTitle(translate("PatientFormDialog", "Add to the waiting list"))
        self._doctors = list(doctors)
        self.specialty = QComboBox()
        self.specialty.setObjectName("waitingSpecialty")
        self.specialty.addItem(translate("PatientFormDialog", "— choose the specialty —"), None)
        for specialty in specialties:
            if specialty.has_doctors:
                self.specialty.addItem(specialty.name, specialty.id)
        self.doctor = QComboBox()
        self.doctor.setObjectName("waitingDoctor")
        self.wished_from = MaskedEdit(DATE_MASK, date=True)
        self.wished_from.setObjectName("waitingFrom")
        self.wished_to = MaskedEdit(DATE_MASK, date=True)
        self.wished_to.setObjectName("waitingTo")
        today = context.actor.clinic_today()
        self.wished_from.set_value(format_date(today))
        self.wished_to.set_value(format_date(today + dt.timedelta(days=DEFAULT_DAYS)))
        self.channel = QComboBox()
        self.channel.setObjectName("waitingChannel")
        for channel in ContactChannel:
            self.channel.addItem(channel_title(channel), channel.value)
        self.note = QLineEdit()
        self.note.setObjectName("waitingNote")
        self.note.setPlaceholderText(
            translate("PatientFormDialog", "e.g. only mornings; call after 18:00")
        )
        self.add_field("specialty_id", translate("PatientFormDialog", "Specialty"), self.specialty)
        self.add_field("doctor_id", translate("PatientFormDialog", "Doctor"), self.doctor)
        self.add_field(
            "wished_from", translate("PatientFormDialog", "Wished from"), self.wished_from
        )
        self.add_field("wished_to", translate("PatientFormDialog", "Wished to"), self.wished_to)
        self.add_field("channel", translate("PatientFormDialog", "Contact by"), self.channel)
        self.add_field("note", translate("PatientFormDialog", "Note"), self.note)
        self.specialty.currentIndexChanged.connect(lambda _i: self._fill_doctors())
        self._fill_doctors()
        self.set_tab_chain(
            [
                self.specialty,
                self.doctor,
                self.wished_from,
                self.wished_to,
                self.channel,
                self.note,
            ]  # fmt: skip
        )

    def _fill_doctors(self) -> None:
        chosen = self.doctor.currentData()
        specialty_id = self.specialty.currentData()
        self.doctor.blockSignals(True)
        self.doctor.clear()
        self.doctor.addItem(translate("PatientFormDialog", "— any doctor of the specialty —"), None)
        for doctor in self._doctors:
            if specialty_id is None or doctor.specialty_id == specialty_id:
                text = doctor.short_name
                if specialty_id is None:
                    text = f"{doctor.short_name} ({doctor.specialty_name})"
                self.doctor.addItem(text, doctor.id)
        found = self.doctor.findData(chosen) if chosen is not None else -1
        self.doctor.setCurrentIndex(max(found, 0))
        self.doctor.blockSignals(False)

    def choose_specialty(self, specialty_id: int) -> None:
        """Select ``specialty_id`` in the list (if it is there)."""
        self.specialty.setCurrentIndex(max(self.specialty.findData(specialty_id), 0))

    def choose_doctor(self, doctor_id: int) -> None:
        """Select ``doctor_id`` in the list (if it is there)."""
        self.doctor.setCurrentIndex(max(self.doctor.findData(doctor_id), 0))

    def request(self, patient_id: int) -> tuple[Callable[..., Any], dict[str, Any]] | None:
        wished_from = self.parse_day("wished_from", translate("PatientFormDialog", "Wished from"))
        wished_to = self.parse_day("wished_to", translate("PatientFormDialog", "Wished to"))
        if wished_from is None or wished_to is None:
            return None
        return queue.add_entry, {
            "patient_id": patient_id,
            "wished_from": wished_from,
            "wished_to": wished_to,
            "channel": ContactChannel(self.channel.currentData()),
            "specialty_id": self.specialty.currentData(),
            "doctor_id": self.doctor.currentData(),
            "note": self.note.text(),
        }


class PriorityRequestDialog(PatientFormDialog):
    """Queue a priority request: patient, specialty (if known) and the reason for urgency.

    Args:
        context: the logged-in user's context.
        specialties: the specialties to choose from.
        parent: the Qt parent.

    Signals:
        saved(object): the new :class:`~crm.controllers.referrals.priority.PriorityRow`.
        refused(str): as :class:`PatientFormDialog`.
    """

    def __init__(
        self,
        context: AppContext,
        specialties: Sequence[SpecialtyChoice],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(context, parent)
        self.setObjectName("priorityRequestDialog")
        self.setWindowTitle(translate("PatientFormDialog", "New priority request"))
        self.specialty = QComboBox()
        self.specialty.setObjectName("prioritySpecialty")
        self.specialty.addItem(translate("PatientFormDialog", "— not known yet —"), None)
        for specialty in specialties:
            self.specialty.addItem(specialty.name, specialty.id)
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("priorityReason")
        self.reason.setTabChangesFocus(True)
        self.reason.setPlaceholderText(
            translate(
                "PatientFormDialog",
                "Why it cannot wait: the diagnosis, the referring doctor's words, test results",
            )
        )
        self.reason.setFixedHeight(80)
        self.add_field("specialty_id", translate("PatientFormDialog", "Specialty"), self.specialty)
        self.add_field("reason", translate("PatientFormDialog", "Reason for urgency"), self.reason)
        self.set_tab_chain([self.specialty, self.reason])

    def request(self, patient_id: int) -> tuple[Callable[..., Any], dict[str, Any]] | None:
        return priority.create_request, {
            "patient_id": patient_id,
            "reason": self.reason.toPlainText(),
            "specialty_id": self.specialty.currentData(),
        }
