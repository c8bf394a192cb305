"""Search results as a table model of plain :class:`PatientHit` rows, paged in SQL.

The model never queries the database itself: when the view scrolls to the bottom
Qt calls :meth:`PatientSearchModel.fetchMore`, which emits
:attr:`~PatientSearchModel.more_wanted` with the offset of the next page; the page
runs the search on the runner and hands the rows back to :meth:`append_page`.
Each search has a *generation* number, so a page that arrives after the user typed
something else is recognised and dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from crm.controllers.patients.search import PatientHit
from crm.views.itemmodels.table import RowTableModel

Index = QModelIndex | QPersistentModelIndex


class PatientSearchModel(RowTableModel):
    """The rows of one search, best first, loaded a page at a time.

    Args:
        parent: the Qt parent.

    Signals:
        more_wanted(int, int): the view wants the next page: ``(generation, offset)``.
    """

    NAME, BIRTH_DATE, PHONE, SNILS, POLICY = range(5)
    #: ``Qt.UserRole`` returns the row's :class:`PatientHit`.
    RowRole = Qt.ItemDataRole.UserRole

    more_wanted = Signal(int, int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[PatientHit] = []
        self._has_more = False
        self._fetching = False
        self._generation = 0
        self._headers = [
            self.tr("Full name"),
            self.tr("Birth date"),
            self.tr("Phone"),
            self.tr("SNILS"),
            self.tr("OMS policy"),
        ]

    # --- Qt model interface -------------------------------------------------------

    def header_labels(self) -> Sequence[str]:
        return self._headers

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, index.column())
        if role == self.RowRole:
            return row
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._has_more and not self._fetching

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent):
            return
        self._fetching = True
        self.more_wanted.emit(self._generation, len(self._rows))

    # --- contents -----------------------------------------------------------------

    @property
    def generation(self) -> int:
        """The number of the search shown now."""
        return self._generation

    @property
    def has_more(self) -> bool:
        """Whether the database holds more rows for this search."""
        return self._has_more

    @property
    def fetching(self) -> bool:
        """True while a next page is asked for."""
        return self._fetching

    def row_at(self, position: int) -> PatientHit:
        """The patient in row ``position``."""
        return self._rows[position]

    def rows(self) -> list[PatientHit]:
        """A copy of the rows shown."""
        return list(self._rows)

    def row_of(self, patient_id: int) -> int:
        """The row showing ``patient_id``, or -1."""
        for position, row in enumerate(self._rows):
            if row.id == patient_id:
                return position
        return -1

    def start(self, generation: int, rows: Sequence[PatientHit], has_more: bool) -> None:
        """Show the first page of search ``generation`` (replacing what was shown)."""
        self.beginResetModel()
        self._generation = generation
        self._rows = list(rows)
        self._has_more = has_more
        self._fetching = False
        self.endResetModel()

    def append_page(self, generation: int, rows: Sequence[PatientHit], has_more: bool) -> bool:
        """Add a further page of search ``generation``; ``False`` if it is stale (dropped)."""
        if generation != self._generation:
            return False
        self._fetching = False
        known = {row.id for row in self._rows}
        fresh = [row for row in rows if row.id not in known]  # rows shift when others save
        if fresh:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
            self._rows.extend(fresh)
            self.endInsertRows()
        self._has_more = has_more
        return True

    def fetch_failed(self, generation: int) -> None:
        """The next page could not be loaded: allow asking again."""
        if generation == self._generation:
            self._fetching = False

    def clear(self, generation: int) -> None:
        """Show nothing (an empty search box)."""
        self.start(generation, [], False)

    # --- presentation -------------------------------------------------------------

    def _display(self, row: PatientHit, column: int) -> str:
        if column == self.NAME:
            return row.full_name
        if column == self.BIRTH_DATE:
            return row.birth_date_text
        if column == self.PHONE:
            return row.phone
        if column == self.SNILS:
            return row.snils_masked
        if column == self.POLICY:
            return group_policy_number(row.policy_number)
        return ""


def group_policy_number(number: str) -> str:
    """A policy number grouped for reading: an ЕНП by four digits as printed on the policy,
    a temporary certificate by three; anything else as stored."""
    if len(number) == 16 and number.isdigit():
        return " ".join(number[start : start + 4] for start in range(0, 16, 4))
    if len(number) == 9 and number.isdigit():
        return " ".join(number[start : start + 3] for start in range(0, 9, 3))
    return number
