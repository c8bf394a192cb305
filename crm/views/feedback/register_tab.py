"""The ratings' register: filters (period, doctor, rating, subject, answered) and the list."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crm.controllers.feedback.importing import import_ratings
from crm.controllers.feedback.ratings import LOW_RATING, Subject
from crm.controllers.feedback.register import (
    DoctorChoice,
    RegisterFilter,
    RegisterRow,
    list_feedback,
    register_doctors,
)
from crm.controllers.patients.importing import ImportResult
from crm.views import AppContext
from crm.views.feedback.model import FeedbackModel
from crm.views.itemmodels.views import row_table

#: The register opens on this many days up to today.
DEFAULT_DAYS = 90
#: The rating filter's «low» choice.
LOW = "low"


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _day(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


class RegisterTab(QWidget):
    """Every rating matching the filters, newest first; low unanswered ones tinted.

    Args:
        context: the logged-in user's context (a manager).
        parent: the Qt parent.

    Signals:
        loaded(): the list was read (or the failure is shown).
        imported(object): a file's ratings were imported; carries the ``ImportResult``.
    """

    loaded = Signal()
    imported = Signal(object)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._asked_doctors = False
        today = context.actor.clinic_today()
        self.date_from = QDateEdit(_qdate(today - dt.timedelta(days=DEFAULT_DAYS - 1)))
        self.date_to = QDateEdit(_qdate(today))
        for edit, name in ((self.date_from, "registerFrom"), (self.date_to, "registerTo")):
            edit.setObjectName(name)
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd.MM.yyyy")
        self.doctor_combo = QComboBox()
        self.doctor_combo.setObjectName("registerDoctor")
        self.doctor_combo.addItem(self.tr("All doctors"), None)
        self.rating_combo = QComboBox()
        self.rating_combo.setObjectName("registerRating")
        self.rating_combo.addItem(self.tr("Any rating"), None)
        self.rating_combo.addItem(self.tr("Low (≤ 2)"), LOW)
        for score in range(5, 0, -1):
            self.rating_combo.addItem("★" * score, score)
        self.subject_combo = QComboBox()
        self.subject_combo.setObjectName("registerSubject")
        self.subject_combo.addItem(self.tr("About anything"), None)
        self.subject_combo.addItem(self.tr("Visits"), Subject.VISIT.value)
        self.subject_combo.addItem(self.tr("Doctors"), Subject.DOCTOR.value)
        self.subject_combo.addItem(self.tr("The clinic"), Subject.CLINIC.value)
        self.answered_combo = QComboBox()
        self.answered_combo.setObjectName("registerAnswered")
        self.answered_combo.addItem(self.tr("Answered or not"), None)
        self.answered_combo.addItem(self.tr("Answered"), True)
        self.answered_combo.addItem(self.tr("Not answered"), False)
        self.show_button = QPushButton(self.tr("Show"))
        self.show_button.setObjectName("registerShow")
        self.show_button.clicked.connect(self.refresh)
        self.import_button = QPushButton(self.tr("Import from a file…"))
        self.import_button.setObjectName("registerImport")
        self.import_button.setToolTip(
            self.tr("Ratings from a CSV or XLSX file, e.g. the patients' app's export")
        )
        self.import_button.clicked.connect(self.choose_file)
        #: The last import's result box (for tests).
        self.import_box: QMessageBox | None = None
        for combo in (
            self.doctor_combo,
            self.rating_combo,
            self.subject_combo,
            self.answered_combo,
        ):
            combo.currentIndexChanged.connect(lambda _i: self.refresh())  # fmt: skip

        self.model = FeedbackModel(parent=self)
        self.table = row_table(self.model, "feedbackRegister")
        self.summary = QLabel()
        self.summary.setObjectName("registerSummary")
        self.failure = QLabel()
        self.failure.setObjectName("registerFailure")
        self.failure.setStyleSheet("color: #8e1b1b")
        self.failure.setWordWrap(True)
        self.failure.hide()

        filters = QHBoxLayout()
        filters.addWidget(QLabel(self.tr("From")))
        filters.addWidget(self.date_from)
        filters.addWidget(QLabel(self.tr("to")))
        filters.addWidget(self.date_to)
        for widget in (
            self.doctor_combo,
            self.rating_combo,
            self.subject_combo,
            self.answered_combo,
            self.show_button,
        ):
            filters.addWidget(widget)  # fmt: skip
        filters.addStretch(1)
        filters.addWidget(self.import_button)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.failure)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)

    def filters(self) -> RegisterFilter:
        """The filters as set."""
        rating = self.rating_combo.currentData()
        ratings = (
            frozenset(range(1, LOW_RATING + 1))
            if rating == LOW
            else frozenset({rating})
            if rating is not None
            else None
        )
        subject = self.subject_combo.currentData()
        return RegisterFilter(
            _day(self.date_from.date()),
            _day(self.date_to.date()),
            self.doctor_combo.currentData(),
            ratings,
            Subject(subject) if subject else None,
            self.answered_combo.currentData(),
        )

    def refresh(self) -> None:
        """Read the register again with the filters as set (the filters stay)."""
        runner = self._context.runner
        if runner.closed:
            return
        if not self._asked_doctors:
            self._asked_doctors = True
            runner.submit(
                register_doctors, self._context.database.sessions, self._context.actor,
                on_success=self._set_doctors,
                on_failure=lambda _m: setattr(self, "_asked_doctors", False), owner=self,
            )  # fmt: skip
        runner.submit(
            list_feedback, self._context.database.sessions, self._context.actor,
            self.filters(), on_success=self._show, on_failure=self._failed, owner=self,
        )  # fmt: skip

    def _set_doctors(self, doctors: tuple[DoctorChoice, ...]) -> None:
        chosen = self.doctor_combo.currentData()
        self.doctor_combo.blockSignals(True)
        self.doctor_combo.clear()
        self.doctor_combo.addItem(self.tr("All doctors"), None)
        for doctor in doctors:
            self.doctor_combo.addItem(f"{doctor.name} — {doctor.specialty}", doctor.id)
        self.doctor_combo.setCurrentIndex(max(0, self.doctor_combo.findData(chosen)))
        self.doctor_combo.blockSignals(False)

    def _show(self, rows: tuple[RegisterRow, ...]) -> None:
        self.failure.hide()
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        self.table.setColumnWidth(5, min(self.table.columnWidth(5), 320))
        count = len(rows)
        average = sum(r.rating for r in rows) / count if count else None
        self.summary.setText(
            self.tr(
                "Ratings: {count} · average {average} · waiting for an answer: {waiting}"
            ).format(
                count=count,
                average=f"{average:.2f}".replace(".", ",") if average is not None else "—",
                waiting=sum(r.needs_answer for r in rows),
            )
        )
        self.loaded.emit()

    def _failed(self, message: str) -> None:
        self.failure.setText(message)
        self.failure.show()
        self.loaded.emit()

    def row_count(self) -> int:
        """How many ratings are listed."""
        return self.model.rowCount()

    def rows(self) -> list[RegisterRow]:
        """The ratings listed, top to bottom."""
        return [self.model.row_at(n) for n in range(self.model.rowCount())]

    # --- importing ----------------------------------------------------------------

    def choose_file(self) -> None:
        """Ask for the file and import it."""
        chosen, _filter = QFileDialog.getOpenFileName(
            self, self.tr("Import ratings"), "", self.tr("Tables (*.csv *.xlsx *.txt)")
        )
        if chosen:
            self.import_file(Path(chosen))

    def import_file(self, path: Path) -> None:
        """Import the ratings of ``path`` on the runner, then show what was done."""
        self.import_button.setEnabled(False)
        self._context.runner.submit(
            import_ratings, self._context.database.sessions, self._context.actor, path,
            on_success=self._imported, on_failure=self._import_failed, owner=self,
        )  # fmt: skip

    def _imported(self, result: ImportResult) -> None:
        self.import_button.setEnabled(True)
        text = self.tr(
            "{file}: {total} rows; imported {imported}, already present {present}, "
            "rejected {rejected}"
        ).format(
            file=result.file_name, total=result.total, imported=result.imported,
            present=result.already_present, rejected=result.rejected_rows,
        )  # fmt: skip
        rejected = [
            self.tr("row {row}: {field}: {reason}").format(
                row=p.row, field=p.field, reason=p.message
            )
            for p in result.rejected
        ]
        self._tell(text, "\n".join(rejected), warning=bool(rejected))
        self.imported.emit(result)
        self.refresh()

    def _import_failed(self, message: str) -> None:
        self.import_button.setEnabled(True)
        self._tell(message, "", warning=True)

    def _tell(self, text: str, details: str, *, warning: bool) -> None:
        box = QMessageBox(self)
        box.setObjectName("importResult")
        box.setIcon(QMessageBox.Icon.Warning if warning else QMessageBox.Icon.Information)
        box.setWindowTitle(self.tr("Import ratings"))
        box.setText(text)
        if details:
            box.setDetailedText(details)
        box.finished.connect(box.deleteLater)
        self.import_box = box
        box.open()
