"""The preview table: the first rows of one sheet of a report, formatted as in Excel."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt

from crm.controllers.reports import PreviewTable
from crm.views.itemmodels.table import RowTableModel

Index = QModelIndex | QPersistentModelIndex
_RIGHT = {"integer", "number", "money", "percent"}


def show(value: Any, kind: str) -> str:
    """``value`` as the workbook shows it (Russian formats)."""
    if value is None:
        return ""
    if kind == "percent":
        return f"{float(value) * 100:.1f} %".replace(".", ",")
    if kind == "money":
        return f"{Decimal(value):,.2f} ₽".replace(",", " ").replace(".", ",")
    if kind == "number":
        return f"{float(value):,.1f}".replace(",", " ").replace(".", ",")
    if kind == "integer" and isinstance(value, int | float | Decimal):
        return f"{int(value):,}".replace(",", " ")
    if isinstance(value, dt.datetime):
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    return str(value)


class PreviewModel(RowTableModel):
    """Rows of one :class:`PreviewTable` (read-only)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: Sequence[tuple[Any, ...]] = []
        self._headers: list[str] = []
        self._kinds: list[str] = []

    def set_table(self, table: PreviewTable | None) -> None:
        """Show ``table`` (``None`` empties the view)."""
        self.beginResetModel()
        self._rows = table.rows if table else []
        self._headers = table.headers if table else []
        self._kinds = table.kinds if table else []
        self.endResetModel()

    def header_labels(self) -> Sequence[str]:
        return self._headers

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        column = index.column()
        if not 0 <= column < len(self._kinds):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return show(self._rows[index.row()][column], self._kinds[column])
        if role == Qt.ItemDataRole.TextAlignmentRole and self._kinds[column] in _RIGHT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
