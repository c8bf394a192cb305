"""Small controls shared by the pages: drop-down lists sized for long entries
(specialties, doctors' names), tool buttons with a keyboard shortcut of their own, and a
label that keeps to one line so a message never moves the fields."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QStandardPaths, Qt
from PySide6.QtGui import QAction, QFontMetrics, QKeySequence, QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QWidget,
)

#: Characters a filter box is sized for, whatever its longest entry.
FILTER_CHARACTERS = 18


def narrow_combo(combo: QComboBox, characters: int = FILTER_CHARACTERS) -> None:
    """Size ``combo`` for about ``characters`` characters, not for its longest entry (a
    long specialty or doctor's name would widen the whole window); see
    :func:`fit_combo_popup` for the list that opens."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(characters)


def fit_combo_popup(combo: QComboBox) -> None:
    """Let the list that opens show the longest entry in full (call after filling)."""
    combo.view().setMinimumWidth(combo.view().sizeHintForColumn(0) + 24)


def tool_button(
    owner: QWidget, text: str, tip: str, keys: str | None, slot: Callable[[], object]
) -> QToolButton:
    """A text tool button calling ``slot``; ``keys`` (e.g. ``"Alt+Home"``) call it too
    anywhere inside ``owner`` (the page), the button need not have the focus."""
    button = QToolButton()
    button.setText(text)
    button.setToolTip(tip)
    button.setAutoRaise(False)
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    button.clicked.connect(slot)
    if keys:
        action = QAction(text, owner)
        action.setShortcut(QKeySequence(keys))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        owner.addAction(action)
    return button


class OneLineLabel(QLabel):
    """A label one line high whatever it says: a longer text is cut with «…» and shown
    whole in its tooltip, so a message appearing never moves the widgets around it.

    Its height is reserved while it is empty or hidden (the layout keeps the place).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setWordWrap(False)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setMinimumWidth(1)
        policy = QSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        policy.setRetainSizeWhenHidden(True)
        self.setSizePolicy(policy)
        self._fix_height()

    def text(self) -> str:  # Qt's name
        """The whole text (what is painted may be cut)."""
        return self._full

    def setText(self, text: str) -> None:  # Qt's name
        self._full = text
        self.setToolTip(text if text else "")
        self._elide()

    def clear(self) -> None:  # Qt's name
        self.setText("")

    def changeEvent(self, event: QEvent) -> None:  # Qt's name
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fix_height()

    def resizeEvent(self, event: QResizeEvent) -> None:  # Qt's name
        super().resizeEvent(event)
        self._elide()

    def _fix_height(self) -> None:
        self.setFixedHeight(QFontMetrics(self.font()).height() + 2)

    def _elide(self) -> None:
        # Messages are one line: line breaks of a list of problems become «; ».
        flat = "; ".join(line.strip() for line in self._full.splitlines() if line.strip())
        metrics = QFontMetrics(self.font())
        super().setText(metrics.elidedText(flat, Qt.TextElideMode.ElideRight, self.width()))


def keep_height(widget: QWidget) -> None:
    """Fix ``widget`` at its natural height, so outlining it as bad (a style sheet's
    border) does not make it, and every field below it, move."""
    widget.ensurePolished()
    widget.setFixedHeight(widget.sizeHint().height())


def documents_folder() -> Path:
    """The user's documents folder (home when there is none): where a save dialog opens,
    never the program's working directory."""
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    if documents and Path(documents).is_dir():
        return Path(documents)
    return Path.home()


#: The border of a field whose input was refused.
PROBLEM_STYLE = "border: 1px solid #c62828;"


def mark_problems(edits: Mapping[str, QWidget], label: QLabel, problems: list[Any]) -> None:
    """Mark the fields of ``problems`` (``FieldProblem``s) among ``edits`` with a red border,
    say what is wrong with each in ``label`` (hidden when nothing is), focus the first."""
    fields = {p.field for p in problems}
    for name, edit in edits.items():
        edit.setStyleSheet(PROBLEM_STYLE if name in fields else "")
    text = "\n".join(p.message for p in problems)
    label.setText(text)
    label.setVisible(bool(text))
    for name, edit in edits.items():
        if name in fields:
            edit.setFocus()
            break


def save_row(
    owner: QWidget, name: str, save: Callable[[], None], *, visible: bool = True
) -> tuple[QPushButton, QHBoxLayout]:
    """«Save (Ctrl+S)» for a settings form: the button (named ``name``, hidden from those
    who may not edit), Ctrl+S anywhere inside ``owner``, and the row that holds it."""
    button = QPushButton(QCoreApplication.translate("controls", "Save (Ctrl+S)"))
    button.setObjectName(name)
    button.setAutoDefault(False)
    button.setVisible(visible)
    button.clicked.connect(save)
    action = QAction(owner)
    action.setShortcut(QKeySequence("Ctrl+S"))
    action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    action.triggered.connect(save)
    owner.addAction(action)
    row = QHBoxLayout()
    row.addWidget(button)
    row.addStretch(1)
    return button, row
