"""Small controls shared by the pages: drop-down lists sized for long entries
(specialties, doctors' names), tool buttons with a keyboard shortcut of their own."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QComboBox, QToolButton, QWidget

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
