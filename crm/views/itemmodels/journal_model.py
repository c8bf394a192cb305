"""The journal of actions as a table model of plain :class:`JournalRow` objects.

The journal is append-only, so a refresh never changes a row it already shows:
:meth:`JournalModel.merge_newest` inserts only the entries that are newer than
the top row. Inserting (rather than resetting) keeps the user's selection and
scroll position while the desk works.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from crm.controllers.journal import words
from crm.controllers.journal.words import DASH, JournalRow, Names
from crm.views.itemmodels.table import RowTableModel

Index = QModelIndex | QPersistentModelIndex


class JournalModel(RowTableModel):
    """Journal entries, newest first.

    Args:
        parent: the Qt parent.
        max_rows: the most rows kept; older ones drop off the bottom.

    Signals:
        The standard ones of :class:`QAbstractTableModel` only.
    """

    TIME, LOGIN, WORKSTATION, ACTION, ENTITY, ENTITY_ID, OUTCOME, DETAILS = range(8)
    # ``Qt.UserRole`` returns the row's :class:`JournalRow`.
    RowRole = Qt.ItemDataRole.UserRole

    def __init__(self, parent: QObject | None = None, *, max_rows: int = 1000) -> None:
        super().__init__(parent)
        self._rows: list[JournalRow] = []
        self._max_rows = max_rows
        self._headers = [
            self.tr("Time"),
            self.tr("User"),
            self.tr("Workstation"),
            self.tr("Action"),
            self.tr("Object"),
            self.tr("No."),
            self.tr("Outcome"),
            self.tr("Details"),
        ]
        # Set from each load (:meth:`set_context`): times in the clinic's zone, ids by name.
        self._timezone: dt.tzinfo | None = None
        self._names = Names()
        self._details: dict[int, str] = {}  # by entry id: built once, shown often

    # --- Qt model interface -------------------------------------------------------

    def header_labels(self) -> Sequence[str]:
        return self._headers

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == Qt.ItemDataRole.ToolTipRole and column == self.DETAILS:
            return self._display(row, column) or None
        if role == Qt.ItemDataRole.ForegroundRole and row.outcome != "ok":
            return QBrush(QColor("#c62828"))
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.ENTITY_ID:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == self.RowRole:
            return row
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    # --- contents -----------------------------------------------------------------

    def row_at(self, position: int) -> JournalRow:
        """The entry shown in row ``position``."""
        return self._rows[position]

    def rows(self) -> list[JournalRow]:
        """A copy of the entries shown, newest first."""
        return list(self._rows)

    def set_context(self, timezone: dt.tzinfo, names: Names) -> None:
        """Show times in ``timezone`` and name the ids in ``names`` (added to those known)."""
        merged = self._names.merged(names)
        if timezone != self._timezone or merged != self._names:
            self._timezone = timezone
            self._names = merged
            self._details.clear()
            if self._rows:
                self.dataChanged.emit(
                    self.index(0, 0), self.index(len(self._rows) - 1, self.columnCount() - 1)
                )

    def set_rows(self, rows: Sequence[JournalRow]) -> None:
        """Replace everything (newest first)."""
        self.beginResetModel()
        self._rows = list(rows[: self._max_rows])
        self._details.clear()
        self.endResetModel()

    def merge_newest(self, rows: Sequence[JournalRow]) -> int:
        """Add the entries newer than the top row; return how many were added.

        ``rows`` is a fresh "newest N" page. When none of it overlaps what is shown
        (the model was empty, or more than N entries arrived meanwhile) the model is
        reset instead, since rows in between would be missing.
        """
        if not self._rows:
            self.set_rows(rows)
            return len(self._rows)
        top_id = self._rows[0].id
        newer = [row for row in rows if row.id > top_id]
        if not newer:
            return 0
        if len(newer) == len(rows):
            self.set_rows(rows)
            return len(rows)
        self.beginInsertRows(QModelIndex(), 0, len(newer) - 1)
        self._rows[0:0] = newer
        self.endInsertRows()
        overflow = len(self._rows) - self._max_rows
        if overflow > 0:
            first = len(self._rows) - overflow
            self.beginRemoveRows(QModelIndex(), first, len(self._rows) - 1)
            for gone in self._rows[first:]:
                self._details.pop(gone.id, None)
            del self._rows[first:]
            self.endRemoveRows()
        return len(newer)

    # --- presentation -------------------------------------------------------------

    def _display(self, row: JournalRow, column: int) -> str:
        if column == self.TIME:
            return format_time(row.at, self._timezone)
        if column == self.LOGIN:
            return row.login or DASH
        if column == self.WORKSTATION:
            return row.workstation or DASH
        if column == self.ACTION:
            return words.action_title(row.action)
        if column == self.ENTITY:
            return words.entity_title(row.entity)
        if column == self.ENTITY_ID:
            return "" if row.entity_id is None else str(row.entity_id)
        if column == self.OUTCOME:
            return words.outcome_title(row.outcome)
        if column == self.DETAILS:
            text = self._details.get(row.id)
            if text is None:
                text = describe_details(row, self._timezone, self._names)
                self._details[row.id] = text
            return text
        return ""


def format_time(moment: dt.datetime, tz: dt.tzinfo | None = None) -> str:
    """``ДД.ММ.ГГГГ ЧЧ:ММ:СС`` in ``tz`` (the clinic's; as given when ``None``)."""
    return words.format_moment(moment, tz, seconds=True)


def describe_details(
    row: JournalRow, tz: dt.tzinfo | None = None, names: words.Names | None = None
) -> str:
    """The free-text details, then ``Поле: было → стало`` for each changed field, in words."""
    return words.describe(row.entity, row.changes, row.details, tz=tz, names=names)
