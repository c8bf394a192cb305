"""The desk records a patient's rating (1–5) and comment for a visit, a doctor or the clinic.

Opened from the patient's card or from a visit's menu in the schedule, with ``open()``.
The patient's visits and the doctors are read on the runner; saving runs
:func:`~crm.controllers.feedback.ratings.record_feedback` there too. A refusal is
shown under the fields naming the field, the field gets the keyboard, and
everything typed stays as it was.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from crm.controllers.errors import DomainError
from crm.controllers.feedback import ratings
from crm.controllers.feedback.ratings import FeedbackRow, Subject
from crm.controllers.feedback.register import RatingChoices, rating_choices
from crm.views import AppContext

ERROR_STYLE = "color: #8e1b1b"
MARKED = "border: 1px solid #c0392b;"


class RatingDialog(QDialog):
    """A rating of a visit, a doctor or the clinic, with a comment.

    Args:
        context: the logged-in user's context.
        patient_id: whose rating it is (from the card), or ``None``.
        appointment_id: the visit rated (from the schedule): chosen at once.
        parent: the Qt parent.

    Signals:
        ready(): the patient's visits and the doctors were read (or the failure shown).
        saved(object): the rating was recorded; carries its :class:`FeedbackRow`.
        failed(str): saving was refused; carries the message shown.
    """

    ready = Signal()
    saved = Signal(object)
    failed = Signal(str)

    def __init__(
        self,
        context: AppContext,
        *,
        patient_id: int | None = None,
        appointment_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("ratingDialog")
        self.setWindowTitle(self.tr("Patient's rating"))
        self._context = context
        self._patient_id = patient_id
        self._appointment_id = appointment_id
        self._saving = False
        self._error_field: str | None = None
        self.choices: RatingChoices | None = None

        self.patient_label = QLabel(self.tr("Reading the patient's visits…"))
        self.patient_label.setObjectName("ratingPatient")
        font = self.patient_label.font()
        font.setBold(True)
        self.patient_label.setFont(font)

        self.subject_buttons = QButtonGroup(self)
        self.visit_radio = QRadioButton(self.tr("A visit"))
        self.doctor_radio = QRadioButton(self.tr("A doctor"))
        self.clinic_radio = QRadioButton(self.tr("The clinic"))
        subjects = QHBoxLayout()
        for radio, subject in (
            (self.visit_radio, Subject.VISIT),
            (self.doctor_radio, Subject.DOCTOR),
            (self.clinic_radio, Subject.CLINIC),
        ):
            radio.setProperty("subject", subject.value)
            self.subject_buttons.addButton(radio)
            subjects.addWidget(radio)
        subjects.addStretch(1)
        self.visit_radio.setChecked(True)
        self.subject_buttons.buttonToggled.connect(lambda *_: self._subject_changed())

        self.visit_combo = QComboBox()
        self.visit_combo.setObjectName("ratingVisit")
        self.doctor_combo = QComboBox()
        self.doctor_combo.setObjectName("ratingDoctor")
        self.doctor_combo.setEditable(True)  # type a few letters to find the doctor
        self.doctor_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)

        self.rating_buttons = QButtonGroup(self)
        stars = QHBoxLayout()
        titles = (
            self.tr("1 — very bad"), self.tr("2 — bad"), self.tr("3 — so-so"),
            self.tr("4 — good"), self.tr("5 — excellent"),
        )  # fmt: skip
        for score in range(1, 6):
            button = QPushButton("★" * score)
            button.setObjectName(f"rating{score}")
            button.setCheckable(True)
            button.setAutoDefault(False)
            button.setToolTip(titles[score - 1])
            button.setShortcut(str(score))
            self.rating_buttons.addButton(button, score)
            stars.addWidget(button)
        stars.addStretch(1)
        self.rating_buttons.idToggled.connect(lambda *_: self._unmark("rating"))
        self.rating_title = QLabel()
        self.rating_buttons.idToggled.connect(lambda *_: self._show_rating_title())

        self.comment_edit = QPlainTextEdit()
        self.comment_edit.setObjectName("ratingComment")
        self.comment_edit.setPlaceholderText(self.tr("what the patient said (optional)"))
        self.comment_edit.setTabChangesFocus(True)
        self.comment_edit.setMaximumHeight(110)
        self.comment_edit.textChanged.connect(lambda: self._unmark("comment"))

        self.error = QLabel()
        self.error.setObjectName("ratingError")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(self.tr("Record the rating"))
        self.save_button.setEnabled(False)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow(self.tr("About"), subjects)
        form.addRow(self.tr("Visit"), self.visit_combo)
        form.addRow(self.tr("Doctor"), self.doctor_combo)
        form.addRow(self.tr("Rating"), stars)
        form.addRow("", self.rating_title)
        form.addRow(self.tr("Comment"), self.comment_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(self.patient_label)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)
        self._subject_changed()
        self._load()

    # --- reading ------------------------------------------------------------------

    def _load(self) -> None:
        self._context.runner.submit(
            rating_choices,
            self._context.database.sessions,
            self._context.actor,
            patient_id=self._patient_id,
            appointment_id=self._appointment_id,
            on_success=self._loaded,
            on_failure=self._load_failed,
            owner=self,
        )

    def _loaded(self, choices: RatingChoices) -> None:
        self.choices = choices
        self._patient_id = choices.patient_id
        self.patient_label.setText(
            self.tr("Patient: {name}").format(name=choices.patient)
            if choices.patient
            else self.tr("Patient not named")
        )
        self.visit_combo.clear()
        for visit in choices.visits:
            self.visit_combo.addItem(f"{visit.starts_at:%d.%m.%Y %H:%M} — {visit.doctor}", visit.id)
        if self._appointment_id is not None:
            self.visit_combo.setCurrentIndex(self.visit_combo.findData(self._appointment_id))
        self.doctor_combo.clear()
        self.doctor_combo.addItem(self.tr("— choose the doctor —"), None)
        for doctor in choices.doctors:
            self.doctor_combo.addItem(f"{doctor.name} — {doctor.specialty}", doctor.id)
        if not choices.visits:
            self.visit_radio.setEnabled(False)
            self.visit_radio.setToolTip(self.tr("The patient has no visits to rate"))
            if self.visit_radio.isChecked():
                self.doctor_radio.setChecked(True)
        self._subject_changed()
        self.save_button.setEnabled(True)
        self.ready.emit()

    def _load_failed(self, message: str) -> None:
        self.patient_label.setText(self.tr("The visits could not be read"))
        self._show_error(message, None)
        self.ready.emit()

    # --- the form -----------------------------------------------------------------

    @property
    def subject(self) -> Subject:
        """What the rating is about, as chosen."""
        checked = self.subject_buttons.checkedButton()
        return Subject(checked.property("subject")) if checked else Subject.VISIT

    def set_subject(self, subject: Subject) -> None:
        """Choose what the rating is about."""
        {
            Subject.VISIT: self.visit_radio,
            Subject.DOCTOR: self.doctor_radio,
            Subject.CLINIC: self.clinic_radio,
        }[subject].setChecked(True)

    def set_rating(self, score: int) -> None:
        """Press the button of ``score`` (1–5)."""
        self.rating_buttons.button(score).setChecked(True)

    def set_doctor(self, doctor_id: int) -> None:
        """Choose ``doctor_id`` in the doctor list."""
        self.doctor_combo.setCurrentIndex(self.doctor_combo.findData(doctor_id))

    @property
    def rating(self) -> int | None:
        """The rating pressed, or ``None``."""
        score = self.rating_buttons.checkedId()
        return score if score > 0 else None

    def _show_rating_title(self) -> None:
        button = self.rating_buttons.checkedButton()
        self.rating_title.setText(button.toolTip() if button else "")

    def _subject_changed(self) -> None:
        subject = self.subject
        self.visit_combo.setEnabled(subject is Subject.VISIT)
        self.doctor_combo.setEnabled(subject is Subject.DOCTOR)
        self._unmark("appointment_id")
        self._unmark("doctor_id")

    def _widget_of(self, field: str | None) -> QWidget | None:
        return {
            "rating": self.rating_buttons.button(1),
            "comment": self.comment_edit,
            "appointment_id": self.visit_combo,
            "doctor_id": self.doctor_combo,
        }.get(field or "")

    def _show_error(self, message: str, field: str | None) -> None:
        self._error_field = field
        self.error.setText(message)
        self.error.show()
        widget = self._widget_of(field)
        if field == "rating":
            for button in self.rating_buttons.buttons():
                button.setStyleSheet(MARKED)
        elif widget is not None:
            widget.setStyleSheet(MARKED)
        if widget is not None:
            widget.setFocus(Qt.FocusReason.OtherFocusReason)

    def _unmark(self, field: str) -> None:
        if field == self._error_field:  # the field complained about was changed
            self._error_field = None
            self.error.hide()
        if field == "rating":
            for button in self.rating_buttons.buttons():
                button.setStyleSheet("")
        else:
            widget = self._widget_of(field)
            if widget is not None:
                widget.setStyleSheet("")

    def _field_problem(self) -> tuple[str, str] | None:
        """What the form lacks before it goes to the controller (the controller checks
        the rating and the comment itself)."""
        if self.subject is Subject.VISIT and self.visit_combo.currentData() is None:
            return "appointment_id", self.tr("Visit: choose the visit rated")
        if self.subject is Subject.DOCTOR and self.doctor_combo.currentData() is None:
            return "doctor_id", self.tr("Doctor: choose the doctor rated")
        return None

    # --- saving -------------------------------------------------------------------

    def save(self) -> None:
        """Record the rating on the runner; the dialog closes once it is recorded."""
        if self._saving or self.choices is None:
            return
        problem = self._field_problem()
        if problem is not None:
            self._show_error(problem[1], problem[0])
            self.failed.emit(problem[1])
            return
        comment = self.comment_edit.toPlainText()
        subject = self.subject
        self._saving = True
        self.save_button.setEnabled(False)
        self.error.hide()
        self._context.runner.submit(
            ratings.record_feedback,
            self._context.database.sessions,
            self._context.actor,
            rating=str(self.rating or ""),
            comment=comment,
            appointment_id=self.visit_combo.currentData() if subject is Subject.VISIT else None,
            doctor_id=self.doctor_combo.currentData() if subject is Subject.DOCTOR else None,
            patient_id=self._patient_id,
            on_success=self._saved,
            on_error=self._refused,
            owner=self,
        )

    def _saved(self, row: FeedbackRow) -> None:
        self._saving = False
        self.saved.emit(row)
        self.accept()

    def _refused(self, error: BaseException, message: str) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        field = error.field if isinstance(error, DomainError) else None
        self._show_error(message, field)
        self.failed.emit(message)
