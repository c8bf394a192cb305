"""The table of ratings the register and the answer queue show."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from crm.controllers.feedback.ratings import Subject
from crm.controllers.feedback.register import RegisterRow
from crm.views.itemmodels.table import RowTableModel

LOW_BACKGROUND = QColor("#fbe3e1")


def subject_title(row: RegisterRow) -> str:
    """«Приём 05.03.2026 10:00», «Врач» or «Клиника»."""
    if row.subject is Subject.VISIT:
        when = f" {row.visit_at:%d.%m.%Y %H:%M}" if row.visit_at else ""
        return QCoreApplication.translate("FeedbackModel", "Visit") + when
    if row.subject is Subject.DOCTOR:
        return QCoreApplication.translate("FeedbackModel", "Doctor")
    return QCoreApplication.translate("FeedbackModel", "Clinic")


class FeedbackModel(RowTableModel):
    """Ratings, one a line: when, the stars, what about, doctor, patient, comment, answer.

    Args:
        with_answer: show the answer column (the register) or not (the queue).
    """

    def __init__(self, *, with_answer: bool = True, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[RegisterRow] = []
        self._with_answer = with_answer

    def header_labels(self) -> Sequence[str]:
        labels = [
            self.tr("Recorded"), self.tr("Rating"), self.tr("About"), self.tr("Doctor"),
            self.tr("Patient"), self.tr("Comment"),
        ]  # fmt: skip
        return [*labels, self.tr("Answer")] if self._with_answer else labels

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole and column in (5, 6):
            return self._text(row, column) or None
        if role == Qt.ItemDataRole.BackgroundRole and row.needs_answer:
            return QBrush(LOW_BACKGROUND)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 1:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def _text(self, row: RegisterRow, column: int) -> str:
        comment = " ".join((row.comment or "").split())
        texts = [
            f"{row.created_at:%d.%m.%Y %H:%M}",
            f"{row.rating} " + "★" * row.rating,
            subject_title(row),
            row.doctor,
            row.patient,
            comment,
            row.answer or (self.tr("waiting for an answer") if row.needs_answer else ""),
        ]
        return texts[column] if 0 <= column < len(texts) else ""
