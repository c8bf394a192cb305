"""Choosing the patient in the booking dialog: the search, and the minimal new card.

Last name, first name, patronymic, birth date (ДД.ММ.ГГГГ) and phone are all a
booking needs (DOMAIN.md, Patient identity); documents come at the first visit.
The card is created with :func:`crm.controllers.patients.cards.create_patient` on the
runner. A bad field gets its message right under it and nothing typed is lost; a
card with the same ФИО and birth date is offered («это он») or created anyway on
the registrar's word; a card with the same document is offered instead.
"""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from crm.controllers.access.permissions import Permission, allowed
from crm.controllers.patients import cards
from crm.controllers.patients.cards import DuplicatePatient, PatientCard, PossibleDuplicate
from crm.controllers.patients.form import PatientForm, PatientInvalid
from crm.controllers.patients.search import SearchPage, search_patients
from crm.views import AppContext
from crm.views.patients.fields import DATE_MASK, FieldBox, MaskedEdit
from crm.views.patients.form_rules import name_prefill
from crm.views.patients.message_bar import MessageBar
from crm.views.patients.search_model import PatientSearchModel

#: The fields of the minimal card, in the order they are typed.
FIELDS = ("last_name", "first_name", "patronymic", "birth_date", "phone")
DEBOUNCE_MS = 250
#: Results shown at once: a booking needs the right one near the top, not paging.
RESULTS = 20


class NewPatientBox(QFrame):
    """The five fields of a new card, and creating it.

    Args:
        context: the logged-in user's context.
        parent: the Qt parent.

    Signals:
        created(int, str): the card exists — created now, or an existing one the
            registrar recognised: the patient's id and full name.
        failed(str): creating stopped (a bad field, a duplicate to decide on, an
            error); carries the message, already shown in the box.
    """

    created = Signal(int, str)
    failed = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._busy = False
        self.setObjectName("newPatientBox")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        titles = {
            "last_name": self.tr("Last name"),
            "first_name": self.tr("First name"),
            "patronymic": self.tr("Patronymic"),
            "birth_date": self.tr("Birth date"),
            "phone": self.tr("Phone"),
        }
        self.editors: dict[str, QLineEdit] = {}
        self.boxes: dict[str, FieldBox] = {}
        heading = QLabel(self.tr("New patient: the card needs only these fields"))
        heading.setObjectName("newPatientHeading")
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        for name in FIELDS:
            editor: QLineEdit
            if name == "birth_date":
                editor = MaskedEdit(DATE_MASK, date=True)
                editor.setPlaceholderText(self.tr("DD.MM.YYYY"))
            else:
                editor = QLineEdit()
            if name == "phone":
                editor.setPlaceholderText("+7 (916) 123-45-67")
            editor.setObjectName(f"newPatient_{name}")
            box = FieldBox(editor)
            box.left.connect(lambda n=name: self._field_left(n))
            self.editors[name] = editor
            self.boxes[name] = box
            label = QLabel(titles[name])
            label.setBuddy(editor)
            form.addRow(label, box)
        self.notice = MessageBar()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(self.notice)

    # --- the form ---------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        """True while the card is being created."""
        return self._busy

    def form(self) -> PatientForm:
        """The card as typed."""
        values: dict[str, Any] = {name: self._value(name) for name in FIELDS}
        return PatientForm(**values)

    def full_name(self) -> str:
        """The typed name, «Фамилия Имя Отчество»."""
        parts = (self._value(n) for n in ("last_name", "first_name", "patronymic"))
        return " ".join(" ".join(p.split()) for p in parts if p)

    def prefill(self, form: PatientForm) -> None:
        """Put ``form``'s name and birth date into the fields nothing was typed in yet."""
        for name in ("last_name", "first_name", "patronymic", "birth_date"):
            value = getattr(form, name)
            editor = self.editors[name]
            if value and not self._value(name):
                if isinstance(editor, MaskedEdit):
                    editor.set_value(value)
                else:
                    editor.setText(value)

    def focus_first(self) -> None:
        """Keyboard to the first empty field (or the first one)."""
        empty = next((n for n in FIELDS if not self._value(n)), FIELDS[0])
        self.editors[empty].setFocus(Qt.FocusReason.OtherFocusReason)

    def _value(self, name: str) -> str:
        editor = self.editors[name]
        return editor.value() if isinstance(editor, MaskedEdit) else editor.text().strip()

    def _field_left(self, name: str) -> None:
        # A problem stays until the field is edited and left: then it is checked on save.
        box = self.boxes[name]
        if box.kind and self._value(name):
            box.clear_message()

    # --- creating -----------------------------------------------------------------------

    def create_patient(self, *, allow_same_name: bool = False) -> None:
        """Create the card on the runner (``created`` or ``failed`` follows)."""
        if self._busy:
            return
        self._busy = True
        self.notice.clear()
        for box in self.boxes.values():
            box.clear_message()
        self._context.runner.submit(
            cards.create_patient,
            self._context.database.sessions,
            self._context.actor,
            self._context.keyring,
            self.form(),
            allow_same_name=allow_same_name,
            on_success=self._on_created,
            on_error=self._on_error,
            owner=self,
        )

    def _on_created(self, card: PatientCard) -> None:
        self._busy = False
        self.created.emit(card.id, card.full_name)

    def _on_error(self, error: BaseException, message: str) -> None:
        self._busy = False
        name = self.full_name()
        if isinstance(error, PatientInvalid):
            self._show_problems(error)
        elif isinstance(error, PossibleDuplicate):
            first = error.existing_ids[0]
            self.notice.show_message(
                "warning",
                self.tr("{message}: {name}, born {date}. Is it the same person?").format(
                    message=message, name=name, date=self._value("birth_date")
                ),
                [
                    (self.tr("It is them"), lambda: self.created.emit(first, name)),
                    (self.tr("Create anyway"), lambda: self.create_patient(allow_same_name=True)),
                ],
            )
        elif isinstance(error, DuplicatePatient):
            existing = error.existing_id
            self.notice.show_message(
                "warning",
                message,
                [(self.tr("Use the existing card"), lambda: self.created.emit(existing, name))],
            )
        else:
            self.notice.show_message("error", message)
        self.failed.emit(message)

    def _show_problems(self, error: PatientInvalid) -> None:
        elsewhere = []
        for problem in error.problems:
            box = self.boxes.get(problem.field)
            if box is None:
                elsewhere.append(problem.message)
            elif not box.kind:
                box.show_problem(problem.message)
        if elsewhere:
            self.notice.show_message("error", "\n".join(elsewhere))
        first = next((n for n in FIELDS if self.boxes[n].kind == "problem"), None)
        if first is not None:
            self.editors[first].setFocus(Qt.FocusReason.OtherFocusReason)


class PatientPicker(QWidget):
    """Find the patient (typo-tolerant search on the runner) or open a new card.

    Typing searches 250 ms after the last key; one search runs at a time and the
    latest text is searched after it. Down goes from the box into the results, Up
    from the first result back; Enter picks the chosen row (in the box: the first
    one, even before the results arrive). Ctrl+N (or the button) opens a new card
    filled from the typed name.

    Args:
        context: the logged-in user's context.
        parent: the Qt parent.

    Signals:
        searched(int): a search's results are shown; carries the number of rows.
        chosen(int, str, bool): a patient was picked: id, full name, and whether the
            card was just made in the new-card box (created, or recognised there).
    """

    searched = Signal(int)
    chosen = Signal(int, str, bool)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._generation = 0
        self._in_flight = False
        self._pending = False
        self._pick_first = False
        self.patient_id: int | None = None
        self.patient_name = ""

        self.search_box = QLineEdit()
        self.search_box.setObjectName("bookingPatientSearch")
        self.search_box.setPlaceholderText(
            self.tr("Patient: last name, «Ivanov I P», birth date or phone")
        )
        self.search_box.setClearButtonEnabled(True)
        self.search_box.textChanged.connect(self._on_text_changed)
        self.search_box.installEventFilter(self)
        self.new_button = QPushButton(self.tr("New patient (Ctrl+N)"))
        self.new_button.setObjectName("bookingNewPatient")
        self.new_button.setCheckable(True)
        self.new_button.setAutoDefault(False)
        self.new_button.toggled.connect(self.show_new_card)
        self.new_button.setVisible(allowed(context.actor, Permission.EDIT_PATIENTS))

        self.model = PatientSearchModel(self)
        self.results = QTableView()
        self.results.setObjectName("bookingPatientResults")
        self.results.setModel(self.model)
        self.results.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.setTabKeyNavigation(False)
        self.results.verticalHeader().hide()
        self.results.horizontalHeader().setStretchLastSection(True)
        for column in (PatientSearchModel.SNILS, PatientSearchModel.POLICY):
            self.results.hideColumn(column)
        self.results.setColumnWidth(PatientSearchModel.NAME, 260)
        self.results.setColumnWidth(PatientSearchModel.BIRTH_DATE, 120)
        # Room for five namesakes at least (a surname with typos finds several), eight at most.
        row = self.results.verticalHeader().defaultSectionSize()
        header = self.results.horizontalHeader().sizeHint().height()
        self.results.setMinimumHeight(header + 5 * row + 4)
        self.results.setMaximumHeight(header + 8 * row + 4)
        self.results.doubleClicked.connect(lambda index: self.pick_row(index.row()))
        self.results.installEventFilter(self)
        self.results.hide()
        self.status = QLabel()
        self.status.setObjectName("bookingSearchStatus")
        self.status.hide()
        self.chosen_label = QLabel(self.tr("No patient chosen yet"))
        self.chosen_label.setObjectName("bookingChosenPatient")
        self.new_box = NewPatientBox(context)
        self.new_box.created.connect(self._on_created)
        self.new_box.hide()

        bar = QHBoxLayout()
        bar.addWidget(self.search_box, 1)
        bar.addWidget(self.new_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.results)
        layout.addWidget(self.status)
        layout.addWidget(self.chosen_label)
        layout.addWidget(self.new_box)

        new_action = QAction(self)
        new_action.setShortcut(QKeySequence.StandardKey.New)
        new_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        new_action.triggered.connect(self.new_button.toggle)
        self.addAction(new_action)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.search_now)

    @property
    def creating(self) -> bool:
        """True when the new card is open: booking creates it first."""
        return self.new_button.isChecked()

    @property
    def searching(self) -> bool:
        """True while a search waits for its debounce or runs."""
        return self._in_flight or self._pending or self._debounce.isActive()

    def choose(self, patient_id: int, name: str, *, from_new_card: bool = False) -> None:
        """Make ``patient_id`` the patient of the booking."""
        self.patient_id, self.patient_name = patient_id, name
        self.chosen_label.setText(self.tr("Patient: <b>{name}</b>").format(name=escape(name)))
        self.results.hide()
        self.status.hide()
        self.chosen.emit(patient_id, name, from_new_card)

    def pick_row(self, row: int) -> None:
        """Choose the patient in result row ``row``."""
        if 0 <= row < self.model.rowCount():
            hit = self.model.row_at(row)
            self.choose(hit.id, hit.full_name)

    def show_new_card(self, shown: bool) -> None:
        """Open (or close) the new card, filled from the typed name."""
        if self.new_button.isChecked() != shown:
            self.new_button.setChecked(shown)  # comes back here through toggled
            return
        self.new_box.setVisible(shown)
        if shown:
            self.patient_id, self.patient_name = None, ""
            self.chosen_label.setText(self.tr("The new patient below will be created"))
            self.results.hide()
            self.new_box.prefill(name_prefill(self.search_box.text()))
            self.new_box.focus_first()
        else:
            self.chosen_label.setText(self.tr("No patient chosen yet"))
            self.search_box.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_created(self, patient_id: int, name: str) -> None:
        self.new_button.setChecked(False)
        self.new_box.hide()
        self.choose(patient_id, name, from_new_card=True)

    # --- searching ----------------------------------------------------------------------

    def _on_text_changed(self, _text: str) -> None:
        self._pick_first = False
        self._debounce.start()

    def search_now(self) -> None:
        """Search the text in the box now (or after the search running)."""
        self._debounce.stop()
        if self._in_flight:
            self._pending = True
            return
        text = self.search_box.text().strip()
        self._generation += 1
        generation = self._generation
        if not text:
            self.model.clear(generation)
            self.results.hide()
            self.status.hide()
            self.searched.emit(0)
            return
        self._in_flight = True
        self._context.runner.submit(
            search_patients,
            self._context.database.sessions,
            self._context.actor,
            self._context.keyring,
            text,
            limit=RESULTS,
            on_success=lambda page: self._on_results(generation, page),
            on_failure=self._on_failed,
            owner=self,
        )

    def _on_results(self, generation: int, page: SearchPage) -> None:
        self._in_flight = False
        if self._pending:
            self._pending = False
            self.search_now()
            return
        self.model.start(generation, page.hits, False)
        self.results.setVisible(bool(page.hits))
        if page.hits:
            self.results.selectRow(0)
        self.status.setText(
            self.tr("No patient found: check the spelling or create a new card")
            if not page.hits
            else self.tr("Only the first {n} are shown: type more to narrow the search").format(
                n=RESULTS
            )
        )
        self.status.setVisible(not page.hits or page.has_more)
        self.searched.emit(len(page.hits))
        if self._pick_first and page.hits:
            self._pick_first = False
            self.pick_row(0)

    def _on_failed(self, message: str) -> None:
        self._in_flight = False
        self._pending = False
        self.status.setText(message)
        self.status.show()

    # --- keyboard -----------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # Qt's name
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return super().eventFilter(watched, event)
        key = event.key()
        enter = key in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if watched is self.search_box:
            if key == Qt.Key.Key_Down and self.model.rowCount():
                # The highlighted row is the one Enter would pick already: Down goes
                # on to the next, as in any list (the first Down once stayed put, and
                # Down, Enter booked the patient above the one meant).
                self.results.show()
                self.results.setFocus(Qt.FocusReason.OtherFocusReason)
                row = self.results.currentIndex().row()
                if self.results.selectionModel().hasSelection() and row >= 0:
                    row = min(row + 1, self.model.rowCount() - 1)
                self.results.selectRow(max(row, 0))
                return True
            # Enter picks while there is something to pick (the first row of the text
            # typed, even before its results arrive); otherwise it books.
            if enter and self.searching:
                self._pick_first = True
                return True
            if enter and self.search_box.text().strip() and self.results.isVisible():
                self.pick_row(max(0, self.results.currentIndex().row()))
                return True
        elif watched is self.results:
            if enter:
                self.pick_row(self.results.currentIndex().row())
                return True
            if key == Qt.Key.Key_Up and self.results.currentIndex().row() <= 0:
                self.search_box.setFocus(Qt.FocusReason.OtherFocusReason)
                return True
        return super().eventFilter(watched, event)
