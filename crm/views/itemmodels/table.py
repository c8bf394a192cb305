"""The part every read-only table model of plain rows shares: counts and headers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex


class RowTableModel(QAbstractTableModel):
    """A flat table over ``self._rows`` with the column titles of :meth:`header_labels`.

    Subclasses keep their rows in ``self._rows`` (:meth:`set_rows` replaces them) and
    answer ``data()`` themselves.
    """

    _rows: Sequence[Any]

    def set_rows(self, rows: Sequence[Any]) -> None:
        """Show ``rows`` (the view is reset)."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, number: int) -> Any:
        """The row shown on line ``number``."""
        return self._rows[number]

    def header_labels(self) -> Sequence[str]:
        """The column titles, left to right."""
        raise NotImplementedError

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.header_labels())

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        labels = self.header_labels()
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(labels)
        ):
            return labels[section]
        return None
