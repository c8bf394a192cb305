"""Registering or correcting a referral: every field checked, every bad one named.

The form collects a :class:`~crm.controllers.referrals.editing.ReferralForm`; the controller
checks all fields at once and the form outlines each bad one and lists the problems
above, keeping everything typed. The patient is found as in the booking dialog (a
new card can be made right here); the organisation comes from the directory with
autocomplete, or is added inline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from crm.controllers.directories.pickers import SpecialtyChoice
from crm.controllers.errors import DomainError
from crm.controllers.referrals import editing
from crm.controllers.referrals.editing import (
    ReferralDetails,
    ReferralForm,
    ReferralInvalid,
)
from crm.controllers.referrals.organisations import Organisation
from crm.controllers.vocabulary import referral_kind_title
from crm.models.enums import ReferralKind
from crm.views import AppContext
from crm.views.controls import keep_height
from crm.views.patients.message_bar import MessageBar
from crm.views.referrals.organisation_picker import INVALID_STYLE, OrganisationPicker
from crm.views.schedule.new_patient import PatientPicker


class ReferralDialog(QDialog):
    """The referral form, for a new referral or to correct one.

    Open it with ``open()``.

    Args:
        context: the logged-in user's context.
        specialties: the specialties to choose from.
        details: the referral to correct, or ``None`` for a new one.
        parent: the Qt parent.

    Signals:
        saved(object): the referral was saved; carries its :class:`ReferralDetails`.
    """

    saved = Signal(object)

    def __init__(
        self,
        context: AppContext,
        specialties: Sequence[SpecialtyChoice],
        details: ReferralDetails | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("referralDialog")
        self._context = context
        self._details = details
        self._busy = False
        self.setWindowTitle(self.tr("New referral") if details is None else self.tr("Referral"))
        # One line, its place kept: a message never shifts the fields below it; each
        # bad field is outlined and says its problem in its tooltip.
        self.message_bar = MessageBar(one_line=True)

        self.number = QLineEdit()
        self.number.setObjectName("referralNumber")
        self.number.setPlaceholderText(self.tr("as on the document, e.g. 0012345 or НП-0012"))
        self.organisation = OrganisationPicker(context)
        self.organisation.failed.connect(lambda m: self.message_bar.show_message("error", m))
        self.patient = PatientPicker(context)
        self.specialty = QComboBox()
        self.specialty.setObjectName("referralSpecialty")
        self.specialty.addItem(self.tr("— choose —"), None)
        for choice in specialties:
            label = choice.name
            if not choice.has_doctors:
                label = self.tr("{name} (no doctor here)").format(name=choice.name)
            self.specialty.addItem(label, choice.id)
        self.diagnosis = QLineEdit()
        self.diagnosis.setObjectName("referralDiagnosis")
        self.diagnosis.setPlaceholderText(self.tr("МКБ-10, e.g. I10 or K29.7"))
        self.diagnosis.setMaxLength(8)
        self.kind = QComboBox()
        self.kind.setObjectName("referralKind")
        for kind in ReferralKind:
            self.kind.addItem(referral_kind_title(kind), kind.value)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.emergency_days = QSpinBox()
        self.emergency_days.setObjectName("referralEmergencyDays")
        self.emergency_days.setRange(1, 90)
        self.emergency_days.setValue(14)
        self.emergency_days.setSuffix(self.tr(" days"))
        self.issued_on = QDateEdit(QDate.currentDate())
        self.issued_on.setObjectName("referralIssuedOn")
        self.issued_on.setCalendarPopup(True)
        self.issued_on.setDisplayFormat("dd.MM.yyyy")
        self.issuing_doctor = QLineEdit()
        self.issuing_doctor.setObjectName("referralIssuingDoctor")
        self.issuing_doctor.setPlaceholderText(self.tr("who signed it (optional)"))

        form = QFormLayout()
        form.addRow(self.tr("Number"), self.number)
        form.addRow(self.tr("Issued by"), self.organisation)
        form.addRow(self.tr("Issue date"), self.issued_on)
        form.addRow(self.tr("Patient"), self.patient)
        form.addRow(self.tr("To specialty"), self.specialty)
        form.addRow(self.tr("Diagnosis"), self.diagnosis)
        form.addRow(self.tr("Kind"), self.kind)
        form.addRow(self.tr("Valid (emergency)"), self.emergency_days)
        form.addRow(self.tr("Issuing doctor"), self.issuing_doctor)
        self.fields: dict[str, QWidget] = {
            "number": self.number, "organisation_id": self.organisation.edit,
            "patient_id": self.patient.search_box, "specialty_id": self.specialty,
            "diagnosis_code": self.diagnosis, "kind": self.kind, "issued_on": self.issued_on,
            "valid_days": self.emergency_days, "issuing_doctor": self.issuing_doctor,
        }  # fmt: skip
        for widget in self.fields.values():
            keep_height(widget)

        buttons = QDialogButtonBox()
        self.save_button = QPushButton(self.tr("Save (Ctrl+Enter)"))
        self.save_button.setObjectName("referralSave")
        self.save_button.setShortcut("Ctrl+Return")
        self.save_button.setAutoDefault(False)
        # ActionRole: the button saves first; the dialog closes only once saved.
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        # Enter must never throw away what was typed: Cancel is clicked, not defaulted.
        cancel.setAutoDefault(False)
        cancel.setDefault(False)
        self.save_button.clicked.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message_bar)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.patient.chosen.connect(self._patient_chosen)
        self._save_after_patient = False
        self._kind_changed()
        if details is not None:
            self._fill(details)
        self.resize(720, 640)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # Qt's name
        # Enter goes on to the next field, as Tab does; Ctrl+Enter saves. Without
        # this QDialog hands Enter to a button, and the only one left is Cancel.
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if enter and not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.focusNextChild()
            event.accept()
            return
        super().keyPressEvent(event)

    def _fill(self, details: ReferralDetails) -> None:
        row = details.row
        self.number.setText(row.number)
        self.organisation.choose(
            Organisation(row.organisation_id, row.organisation_name,
                         details.organisation_ogrn, details.organisation_address)
        )  # fmt: skip
        self.patient.choose(row.patient_id, row.patient_name)
        self.specialty.setCurrentIndex(max(0, self.specialty.findData(row.specialty_id)))
        self.diagnosis.setText(row.diagnosis_code)
        self.kind.setCurrentIndex(max(0, self.kind.findData(row.kind.value)))
        if details.emergency_days:
            self.emergency_days.setValue(details.emergency_days)
        self.issued_on.setDate(QDate(row.issued_on.year, row.issued_on.month, row.issued_on.day))
        self.issuing_doctor.setText(details.issuing_doctor or "")

    def current_kind(self) -> ReferralKind:
        """The kind chosen."""
        return ReferralKind(self.kind.currentData())

    def _kind_changed(self) -> None:
        self.emergency_days.setEnabled(self.current_kind() is ReferralKind.EMERGENCY)

    def form(self) -> ReferralForm:
        """What is typed now."""
        issued = self.issued_on.date()
        kind = self.current_kind()
        return ReferralForm(
            number=self.number.text(),
            organisation_id=self.organisation.organisation_id,
            patient_id=self.patient.patient_id,
            specialty_id=self.specialty.currentData(),
            diagnosis_code=self.diagnosis.text(),
            kind=kind,
            issued_on=dt.date(issued.year(), issued.month(), issued.day()),
            emergency_days=self.emergency_days.value() if kind is ReferralKind.EMERGENCY else None,
            issuing_doctor=self.issuing_doctor.text() or None,
        )

    def _patient_chosen(self, *_args: object) -> None:
        self.fields["patient_id"].setStyleSheet("")
        if self._save_after_patient:
            self._save_after_patient = False
            self.save()

    def save(self) -> None:
        """Send the form to the controller (a new patient's card is made first)."""
        if self._busy:
            return
        if self.patient.creating:
            self._save_after_patient = True
            self.patient.new_box.create_patient()
            return
        for widget in self.fields.values():
            widget.setStyleSheet("")
            widget.setToolTip("")
        self._busy = True
        self.message_bar.show_message("info", self.tr("Saving…"))
        db, actor = self._context.database.sessions, self._context.actor
        if self._details is None:
            self._context.runner.submit(
                editing.create_referral, db, actor, self.form(),
                on_success=self._saved, on_error=self._failed, owner=self,
            )  # fmt: skip
        else:
            self._context.runner.submit(
                editing.update_referral, db, actor, self._details.row.id, self.form(),
                expected_version=self._details.row.version,
                on_success=self._saved, on_error=self._failed, owner=self,
            )  # fmt: skip

    def _saved(self, details: ReferralDetails) -> None:
        self._busy = False
        self.saved.emit(details)
        self.accept()

    def _failed(self, error: BaseException, message: str) -> None:
        self._busy = False
        problems = getattr(error, "problems", None) if isinstance(error, ReferralInvalid) else None
        if problems:
            for problem in problems:
                widget = self.fields.get(problem.field)
                if widget is not None:
                    widget.setStyleSheet(INVALID_STYLE)
                    widget.setToolTip(problem.message)
            first = self.fields.get(problems[0].field)
            if first is not None:
                first.setFocus(Qt.FocusReason.OtherFocusReason)
            text = "\n".join(p.message for p in problems)
        else:
            field = error.field if isinstance(error, DomainError) else None
            widget = self.fields.get(field or "")
            if widget is not None:
                widget.setStyleSheet(INVALID_STYLE)
                widget.setToolTip(message)
                widget.setFocus(Qt.FocusReason.OtherFocusReason)
            text = message
        self.message_bar.show_message("error", text)
