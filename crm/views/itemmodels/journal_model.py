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

from crm.controllers.journal import JournalRow
from crm.views.itemmodels.table import RowTableModel

TIME_FORMAT = "%d.%m.%Y %H:%M:%S"
DASH = "—"

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
        self._actions = {
            "login": self.tr("log in"),
            "login_failed": self.tr("failed login"),
            "logout": self.tr("log out"),
            "create": self.tr("create"),
            "update": self.tr("change"),
            "delete": self.tr("delete"),
            "cancel": self.tr("cancellation"),
            "reschedule": self.tr("rescheduling"),
            "check_in": self.tr("check-in"),
            "export": self.tr("export"),
            "print": self.tr("print"),
            "password_changed": self.tr("password change"),
            "demo_loaded": self.tr("demo clinic loaded"),
        }
        self._entities = {
            "app_user": self.tr("user"),
            "patient": self.tr("patient"),
            "appointment": self.tr("appointment"),
            "referral": self.tr("referral"),
            "doctor": self.tr("doctor"),
            "schedule_template": self.tr("schedule"),
            "schedule_exception": self.tr("schedule exception"),
            "waiting_list_entry": self.tr("waiting list"),
            "priority_request": self.tr("priority request"),
            "payment": self.tr("payment"),
            "medical_document": self.tr("medical document"),
            "service": self.tr("service"),
            "clinic_setting": self.tr("clinic settings"),
        }
        self._outcomes = {
            "ok": self.tr("done"),
            "refused": self.tr("refused"),
            "failed": self.tr("failed"),
        }

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

    def set_rows(self, rows: Sequence[JournalRow]) -> None:
        """Replace everything (newest first)."""
        self.beginResetModel()
        self._rows = list(rows[: self._max_rows])
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
            del self._rows[first:]
            self.endRemoveRows()
        return len(newer)

    # --- presentation -------------------------------------------------------------

    def _display(self, row: JournalRow, column: int) -> str:
        if column == self.TIME:
            return format_time(row.at)
        if column == self.LOGIN:
            return row.login or DASH
        if column == self.WORKSTATION:
            return row.workstation or DASH
        if column == self.ACTION:
            return self._actions.get(row.action, row.action)
        if column == self.ENTITY:
            return self._entities.get(row.entity, row.entity) if row.entity else DASH
        if column == self.ENTITY_ID:
            return "" if row.entity_id is None else str(row.entity_id)
        if column == self.OUTCOME:
            return self._outcomes.get(row.outcome, row.outcome)
        if column == self.DETAILS:
            return describe_details(row)
        return ""


def format_time(moment: dt.datetime) -> str:
    """``ДД.ММ.ГГГГ ЧЧ:ММ:СС`` in this workstation's time zone."""
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return moment.strftime(TIME_FORMAT)


def describe_details(row: JournalRow) -> str:
    """The free-text details, then ``field: before → after`` for each changed field."""
    parts: list[str] = []
    if row.details:
        parts.append(row.details)
    for name, change in (row.changes or {}).items():
        if isinstance(change, list | tuple) and len(change) == 2:
            before, after = change
            parts.append(f"{name}: {_value(before)} → {_value(after)}")
        else:
            parts.append(f"{name}: {_value(change)}")
    return "; ".join(parts)


def _value(value: Any) -> str:
    return DASH if value is None or value == "" else str(value)
