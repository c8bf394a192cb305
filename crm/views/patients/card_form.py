"""The card's fields as a widget: typed text in, :class:`PatientForm` out, checks as you go.

Each field is checked when the registrar leaves it, by the same pure validators the
controller runs (:func:`crm.controllers.patients.form.validate_form`, no database), so
the message under the field is the one a save would give. Nothing here ever clears
what was typed: a refused save marks the bad fields and leaves the text in place.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from crm.controllers.errors import ValidationError
from crm.controllers.patients.form import (
    FieldProblem,
    PatientForm,
    PatientInvalid,
    validate_form,
)
from crm.controllers.patients.history import InsurerRow
from crm.controllers.validation import (
    format_phone,
    normalize_phone,
)
from crm.views.patients import labels
from crm.views.patients.fields import (
    DATE_MASK,
    PASSPORT_MASK,
    SNILS_MASK,
    SUBDIVISION_MASK,
    FieldBox,
    MaskedEdit,
    set_read_only,
)
from crm.views.patients.form_rules import (
    GROUPS,
    IDENTITY_FIELDS,
    PROBLEM_TARGET,
    passport_warnings,
)


class PatientFormWidget(QWidget):
    """Every field of a patient's card, in four groups.

    Args:
        parent: the Qt parent.

    Signals:
        edited(): something typed or chosen changed.
    """

    edited = Signal()
    problems_shown = Signal(int)  # how many fields are marked now (after each check)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        titles = labels.field_titles()
        self.boxes: dict[str, FieldBox] = {}
        self._touched: set[str] = set()
        self._documents_editable = True
        self._read_only = False
        self._pending_insurer: int | None = None
        self._insurer_names: dict[int, str] = {}

        self.sex = QComboBox()
        self.sex.addItem(labels.DASH, "")
        for value, name in labels.sex_names().items():
            self.sex.addItem(name, value)
        self.other_kind = QComboBox()
        self.other_kind.addItem(labels.DASH, "")
        for value, name in labels.other_document_names().items():
            self.other_kind.addItem(name, value)
        self.policy_kind = QComboBox()
        self.policy_kind.addItem(labels.DASH, "")
        for value, name in labels.policy_kind_names().items():
            self.policy_kind.addItem(name, value)
        self.insurer = QComboBox()
        self.insurer.addItem(labels.DASH, None)

        editors: dict[str, QWidget] = {
            "last_name": QLineEdit(),
            "first_name": QLineEdit(),
            "patronymic": QLineEdit(),
            "birth_date": MaskedEdit(DATE_MASK, date=True),
            "sex": self.sex,
            "phone": QLineEdit(),
            "email": QLineEdit(),
            "address": QLineEdit(),
            "snils": MaskedEdit(SNILS_MASK),
            "passport": MaskedEdit(PASSPORT_MASK),
            "passport_issued_on": MaskedEdit(DATE_MASK, date=True),
            "passport_subdivision": MaskedEdit(SUBDIVISION_MASK),
            "passport_issued_by": QLineEdit(),
            "other_document_kind": self.other_kind,
            "other_document_number": QLineEdit(),
            "policy_kind": self.policy_kind,
            "policy_series": QLineEdit(),
            "policy_number": QLineEdit(),
            "policy_ends_on": MaskedEdit(DATE_MASK, date=True),
            "insurer_id": self.insurer,
            "note": QLineEdit(),
        }
        placeholders = {
            "phone": self.tr("+7 (916) 123-45-67 or 8 916 123 45 67"),
            "email": self.tr("name@example.ru"),
            "policy_number": self.tr("16 digits of the ENP"),
        }
        for name, editor in editors.items():
            editor.setObjectName(name)
            box = FieldBox(editor)
            box.left.connect(lambda name=name: self._on_left(name))
            self.boxes[name] = box
            if isinstance(editor, QLineEdit):
                editor.setPlaceholderText(placeholders.get(name, ""))
                editor.textEdited.connect(self._on_edited)
            elif isinstance(editor, QComboBox):
                editor.activated.connect(self._on_edited)
                editor.activated.connect(lambda _index, name=name: self._on_left(name))

        groups = (
            (
                self.tr("Person"),
                ("last_name", "first_name", "patronymic", "birth_date", "sex"),
            ),
            (self.tr("Contacts"), ("phone", "email", "address", "note")),
            (
                self.tr("Identity documents"),
                (
                    "snils",
                    "passport",
                    "passport_issued_on",
                    "passport_subdivision",
                    "passport_issued_by",
                    "other_document_kind",
                    "other_document_number",
                ),
            ),
            (
                self.tr("OMS policy"),
                ("policy_kind", "policy_series", "policy_number", "policy_ends_on", "insurer_id"),
            ),
        )
        self.group_boxes: list[QGroupBox] = []
        columns = QHBoxLayout(self)
        columns.setContentsMargins(0, 0, 0, 0)
        left = QVBoxLayout()
        for index, (title, names) in enumerate(groups):
            group = QGroupBox(title)
            form = QFormLayout(group)
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            for name in names:
                label = QLabel(titles[name])
                label.setBuddy(self.boxes[name].editor)
                form.addRow(label, self.boxes[name])
            self.group_boxes.append(group)
            if index < 2:
                for name in names:  # names and addresses are the long values
                    self.boxes[name].editor.setMinimumWidth(260)
                left.addWidget(group)
            else:
                column = QVBoxLayout()
                column.addWidget(group)
                column.addStretch(1)
                columns.addLayout(column, 5 if index == 2 else 4)
        left.addStretch(1)
        columns.insertLayout(0, left, 6)

    # --- contents -----------------------------------------------------------------

    def editor(self, name: str) -> QWidget:
        """The input of field ``name`` (a ``PatientForm`` attribute)."""
        return self.boxes[name].editor

    def set_insurers(self, insurers: Sequence[InsurerRow]) -> None:
        """Fill the insurer list, keeping the choice."""
        chosen = self._pending_insurer
        if chosen is None:
            chosen = self.insurer.currentData()
        self._insurer_names = {row.id: row.name for row in insurers}
        self.insurer.clear()
        self.insurer.addItem(labels.DASH, None)
        for row in insurers:
            self.insurer.addItem(row.name, row.id)
        self._choose_insurer(chosen)

    @property
    def insurer_names(self) -> dict[int, str]:
        """Insurer names by id (empty until :meth:`set_insurers`)."""
        return dict(self._insurer_names)

    def set_form(self, form: PatientForm, masked: dict[str, str] | None = None) -> None:
        """Show ``form``; identity fields that are ``None`` show ``masked[name]`` read-only."""
        masked = masked or {}
        for name, box in self.boxes.items():
            editor = box.editor
            value = getattr(form, name)
            if isinstance(editor, MaskedEdit):
                if value is None:
                    editor.show_masked(masked.get(name, ""))
                else:
                    editor.set_value(value)
            elif isinstance(editor, QLineEdit):
                if value is None:
                    editor.setText(masked.get(name, ""))
                    set_read_only(editor, True)
                else:
                    editor.setText(value)
                editor.setCursorPosition(0)  # show the beginning of a long address
            elif name == "insurer_id":
                self._choose_insurer(value)
            elif isinstance(editor, QComboBox):
                position = editor.findData(value or "")
                editor.setCurrentIndex(max(position, 0))
        self._documents_editable = all(getattr(form, name) is not None for name in IDENTITY_FIELDS)
        self._apply_read_only()

    def to_form(self) -> PatientForm:
        """What is typed now; identity fields are ``None`` while they are masked."""
        values: dict[str, object] = {}
        for name, box in self.boxes.items():
            editor = box.editor
            if isinstance(editor, MaskedEdit):
                values[name] = None if editor.showing_masked else editor.value()
            elif isinstance(editor, QLineEdit):
                values[name] = editor.text()
            elif isinstance(editor, QComboBox):
                values[name] = editor.currentData()
        if not self._documents_editable:
            for name in IDENTITY_FIELDS:
                values[name] = None
        if values["insurer_id"] is None and self._pending_insurer is not None:
            values["insurer_id"] = self._pending_insurer
        for name in ("sex", "other_document_kind", "policy_kind"):
            values[name] = values[name] or ""
        return PatientForm(**values)  # type: ignore[arg-type]

    def set_read_only(self, read_only: bool) -> None:
        """Everything read-only (a role that may not edit cards)."""
        self._read_only = read_only
        self._apply_read_only()

    @property
    def documents_editable(self) -> bool:
        """Whether the identity documents are shown in full and may be typed in."""
        return self._documents_editable

    def _apply_read_only(self) -> None:
        for name, box in self.boxes.items():
            locked = self._read_only or (name in IDENTITY_FIELDS and not self._documents_editable)
            if name == "other_document_kind":
                locked = locked or not self._documents_editable
            editor = box.editor
            if isinstance(editor, QLineEdit):
                set_read_only(editor, locked)
            else:
                editor.setEnabled(not locked)

    def _choose_insurer(self, insurer_id: object) -> None:
        position = self.insurer.findData(insurer_id) if insurer_id is not None else 0
        if position < 0:
            self._pending_insurer = insurer_id if isinstance(insurer_id, int) else None
            self.insurer.setCurrentIndex(0)
        else:
            self._pending_insurer = None
            self.insurer.setCurrentIndex(position)

    # --- checks -------------------------------------------------------------------

    def _on_edited(self, *_args: object) -> None:
        if self.insurer.currentIndex() > 0:
            self._pending_insurer = None
        self.edited.emit()

    def _on_left(self, name: str) -> None:
        if self._read_only:
            return
        self._touched.add(name)
        editor = self.boxes[name].editor
        if name == "phone" and isinstance(editor, QLineEdit) and editor.text().strip():
            try:
                editor.setText(format_phone(normalize_phone(editor.text())))
            except ValidationError:
                pass  # the message comes from check_now()
        self.check_now()

    def check_now(self) -> list[FieldProblem]:
        """Check the whole card; show the problems of the fields already left."""
        form = self.to_form()
        today = dt.date.today()
        problems: list[FieldProblem] = []
        try:
            validate_form(form, today)
        except PatientInvalid as exc:
            problems = list(exc.problems)
        shown = self._visible(problems)
        for name, box in self.boxes.items():
            if name in shown:
                box.show_problem(shown[name])
            elif box.kind == "problem" or name == "passport_issued_on":
                box.clear_message()
        warnings = passport_warnings(form, today)
        issued = self.boxes["passport_issued_on"]
        if warnings and issued.kind != "problem":
            issued.show_warning("; ".join(warnings))
        self.problems_shown.emit(sum(box.kind == "problem" for box in self.boxes.values()))
        return problems

    def show_problems(self, problems: Iterable[FieldProblem]) -> str | None:
        """Mark every problem (a refused save) and focus the first; return its field."""
        problems = list(problems)
        for problem in problems:
            self._touched.add(self._target(problem.field))
        self.check_now()
        # The server's own words win (they may know more, e.g. a duplicate).
        first: str | None = None
        for problem in problems:
            target = self._target(problem.field)
            if target in self.boxes:
                self.boxes[target].show_problem(problem.message)
                first = first or target
        if first is not None:
            self.focus_field(first)
        return first

    def focus_field(self, name: str) -> None:
        """Put the keyboard in field ``name``."""
        target = self._target(name)
        if target in self.boxes:
            editor = self.boxes[target].editor
            editor.setFocus(Qt.FocusReason.OtherFocusReason)
            if isinstance(editor, QLineEdit):
                editor.selectAll()

    def message_of(self, name: str) -> str:
        """The message shown under field ``name`` ("" when none)."""
        box = self.boxes[self._target(name)]
        return box.message.text() if box.kind else ""

    def reset_checks(self) -> None:
        """Forget which fields were left and hide every message (a freshly loaded card)."""
        self._touched.clear()
        for box in self.boxes.values():
            box.clear_message()

    def _target(self, field: str) -> str:
        return PROBLEM_TARGET.get(field, field)

    def _visible(self, problems: Sequence[FieldProblem]) -> dict[str, str]:
        shown: dict[str, str] = {}
        for problem in problems:
            target = self._target(problem.field)
            group = GROUPS.get(target, ())
            if target in self._touched or self._touched.intersection(group):
                shown.setdefault(target, problem.message)
        return shown
