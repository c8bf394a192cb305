"""Qt's file dialog speaks Russian throughout (issue 19, defect 13): its type column
said «Folder» (Qt 6 moved the text to a context the shipped catalogue lacks)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QFileInfo
from PySide6.QtWidgets import QFileIconProvider


def test_the_type_of_a_folder_is_in_russian(qapp, tmp_path: Path) -> None:
    # The autouse fixture russian_interface has installed the Russian catalogues.
    assert QFileIconProvider().type(QFileInfo(str(tmp_path))) == "Папка"
