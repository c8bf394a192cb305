"""Sizing drop-down lists whose entries may be long (specialties, doctors' names)."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox

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
