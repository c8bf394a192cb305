"""A form of text fields, each with its own line for a refusal under it.

The directories' forms and the clinic's details are all text as typed (the controllers
check and convert it), so one small widget serves them: a line edit, an editable
drop-down (a reference's choices) or a check box per field, and under each a message
line whose height is kept even when empty, so that a refusal never makes the fields
below it jump under the user's next click.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from crm.controllers.errors import FieldProblem
from crm.views.controls import fit_combo_popup, narrow_combo

INVALID_STYLE = "border: 2px solid #c62828;"
PROBLEM_STYLE = "color: #c62828;"
#: The words a check box stands for in the text the controllers read.
YES, NO = "да", "нет"


@dataclass(frozen=True)
class FieldSpec:
    """One field of the form.

    Attributes:
        field: the controller's name for it.
        title: its label.
        kind: ``text``, ``choice`` (an editable drop-down), ``flag`` (a check box)
            or ``password``.
        read_only: shown, not typed.
        placeholder: a hint inside an empty field.
    """

    field: str
    title: str
    kind: str = "text"
    read_only: bool = False
    placeholder: str = ""


class FieldForm(QWidget):
    """The fields of ``specs`` in a form layout, with a message line under each.

    Args:
        specs: the fields, top to bottom.
        parent: the Qt parent.

    Signals:
        edited(): the user changed a field.
        submitted(): Enter was pressed in a text field.
    """

    edited = Signal()
    submitted = Signal()

    def __init__(self, specs: Sequence[FieldSpec], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.specs = {spec.field: spec for spec in specs}
        self.inputs: dict[str, QWidget] = {}
        self.problems: dict[str, QLabel] = {}
        layout = QFormLayout(self)
        layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        layout.setVerticalSpacing(2)
        for spec in specs:
            widget = self._input(spec)
            widget.setObjectName(f"field_{spec.field}")
            problem = QLabel()
            problem.setObjectName(f"problem_{spec.field}")
            problem.setStyleSheet(PROBLEM_STYLE)
            problem.setWordWrap(False)
            # One line always reserved: a message appearing moves nothing below it.
            problem.setFixedHeight(problem.fontMetrics().height())
            # A long refusal is cut at the field's width (its tooltip and the message bar
            # hold it whole) rather than widening the form.
            problem.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
            problem.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            cell = QWidget()
            column = QVBoxLayout(cell)
            column.setContentsMargins(0, 0, 0, 0)
            column.setSpacing(0)
            column.addWidget(widget)
            column.addWidget(problem)
            layout.addRow(spec.title, cell)
            self.inputs[spec.field] = widget
            self.problems[spec.field] = problem

    def _input(self, spec: FieldSpec) -> QWidget:
        if spec.kind == "flag":
            box = QCheckBox()
            box.setEnabled(not spec.read_only)
            box.toggled.connect(lambda _on: self.edited.emit())
            return box
        if spec.kind == "choice":
            combo = QComboBox()
            combo.setEditable(not spec.read_only)
            combo.setEnabled(not spec.read_only)
            combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
            narrow_combo(combo, 24)
            combo.currentTextChanged.connect(lambda _t: self.edited.emit())
            return combo
        line = QLineEdit()
        line.setReadOnly(spec.read_only)
        line.setPlaceholderText(spec.placeholder)
        if spec.kind == "password":
            line.setEchoMode(QLineEdit.EchoMode.Password)
        line.textEdited.connect(lambda _t: self.edited.emit())
        line.returnPressed.connect(self.submitted.emit)
        return line

    # --- values -----------------------------------------------------------------------

    def set_choices(self, choices: Mapping[str, Iterable[str]]) -> None:
        """Offer ``choices`` in the drop-downs (what is typed in them stays)."""
        for field, options in choices.items():
            combo = self.inputs.get(field)
            if isinstance(combo, QComboBox):
                typed = combo.currentText()
                combo.blockSignals(True)
                combo.clear()
                combo.addItems(["", *options])
                combo.setCurrentText(typed)
                combo.blockSignals(False)
                fit_combo_popup(combo)

    def values(self) -> dict[str, str]:
        """Every field as typed (a check box as «да»/«нет»)."""
        return {field: self.value(field) for field in self.inputs}

    def value(self, field: str) -> str:
        """One field as typed."""
        widget = self.inputs[field]
        if isinstance(widget, QCheckBox):
            return YES if widget.isChecked() else NO
        if isinstance(widget, QComboBox):
            return widget.currentText()
        assert isinstance(widget, QLineEdit)
        return widget.text()

    def set_values(self, values: Mapping[str, str]) -> None:
        """Show ``values`` (fields not named are emptied) and clear the problems."""
        for field, widget in self.inputs.items():
            text = values.get(field, "")
            widget.blockSignals(True)
            if isinstance(widget, QCheckBox):
                widget.setChecked(text.strip().lower() in (YES, "yes", "1", "true"))
            elif isinstance(widget, QComboBox):
                widget.setCurrentText(text)
            elif isinstance(widget, QLineEdit):
                widget.setText(text)
            widget.blockSignals(False)
        self.clear_problems()

    def set_value(self, field: str, text: str) -> None:
        """Type ``text`` into one field (what a test or a default does)."""
        widget = self.inputs[field]
        if isinstance(widget, QCheckBox):
            widget.setChecked(text == YES)
        elif isinstance(widget, QComboBox):
            widget.setCurrentText(text)
        elif isinstance(widget, QLineEdit):
            widget.setText(text)

    def set_read_only(self, read_only: bool) -> None:
        """Let the fields be typed into, or only read."""
        for field, widget in self.inputs.items():
            fixed = read_only or self.specs[field].read_only
            if isinstance(widget, QLineEdit):
                widget.setReadOnly(fixed)
            else:
                widget.setEnabled(not fixed)

    # --- problems ---------------------------------------------------------------------

    def show_problems(self, problems: Iterable[FieldProblem]) -> str | None:
        """Outline each bad field, say what is wrong under it, focus the first; return
        the first field shown (``None`` when no problem is about a field here)."""
        self.clear_problems()
        first: str | None = None
        for problem in problems:
            widget = self.inputs.get(problem.field)
            if widget is None:
                continue
            widget.setStyleSheet(INVALID_STYLE)
            label = self.problems[problem.field]
            label.setText(problem.message)
            label.setToolTip(problem.message)
            if first is None:
                first = problem.field
        if first is not None:
            self.inputs[first].setFocus()
        return first

    def problem(self, field: str) -> str:
        """The refusal shown under ``field`` ("" when none)."""
        return self.problems[field].text()

    def clear_problems(self) -> None:
        """Take every outline and message away."""
        for field, widget in self.inputs.items():
            widget.setStyleSheet("")
            self.problems[field].clear()
            self.problems[field].setToolTip("")
