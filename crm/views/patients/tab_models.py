"""Table models of the card's tabs, over the plain rows of :mod:`crm.controllers.patients.history`.

One small base class holds a list of rows and a list of columns (a header and a
function that turns a row into text); each tab names its columns.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from crm.controllers.journal import words
from crm.controllers.journal.words import Names
from crm.controllers.patients.history import (
    AppointmentRow,
    ConsentRow,
    FieldChange,
    HistoryRow,
    ReferralRow,
)
from crm.controllers.payments.status import status_title as payment_title
from crm.controllers.validation import format_date
from crm.views.itemmodels.table import RowTableModel
from crm.views.patients import labels

Index = QModelIndex | QPersistentModelIndex
Row = TypeVar("Row")
GREY = QColor("#757575")


class RowsModel(RowTableModel, Generic[Row]):
    """Plain rows shown through named columns.

    Args:
        parent: the Qt parent.

    Signals:
        The standard ones of :class:`QAbstractTableModel` only.
    """

    #: ``Qt.UserRole`` returns the row object.
    RowRole = Qt.ItemDataRole.UserRole

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Row] = []
        self._columns: list[tuple[str, Callable[[Row], str]]] = self.columns()

    def columns(self) -> list[tuple[str, Callable[[Row], str]]]:
        """The header and the text of each column (subclasses name theirs)."""
        return []

    def faded(self, row: Row) -> bool:
        """Whether ``row`` is shown grey (cancelled, revoked…)."""
        return False

    def header_labels(self) -> Sequence[str]:
        return [title for title, _text in self._columns]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole and 0 <= index.column() < len(self._columns):
            return self._columns[index.column()][1](row)
        if role == Qt.ItemDataRole.ForegroundRole and self.faded(row):
            return QBrush(GREY)
        if role == self.RowRole:
            return row
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def set_rows(self, rows: Sequence[Row]) -> None:
        """Replace the rows."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, position: int) -> Row:
        """The row shown at ``position``."""
        return self._rows[position]

    def rows(self) -> list[Row]:
        """A copy of the rows."""
        return list(self._rows)


class AppointmentsModel(RowsModel[AppointmentRow]):
    """The patient's appointments, newest first."""

    def columns(self) -> list[tuple[str, Callable[[AppointmentRow], str]]]:
        statuses = labels.appointment_status_names()
        kinds = labels.appointment_kind_names()
        return [
            (self.tr("Date and time"), lambda r: r.starts_at.strftime("%d.%m.%Y %H:%M")),
            (self.tr("Doctor"), lambda r: r.doctor),
            (self.tr("Specialty"), lambda r: r.specialty),
            (self.tr("Status"), lambda r: statuses.get(r.status, r.status)),
            (self.tr("Kind"), lambda r: kinds.get(r.kind, r.kind)),
            (
                self.tr("Payment"),
                lambda r: payment_title(r.payment) if r.payment is not None else labels.DASH,
            ),
        ]

    def faded(self, row: AppointmentRow) -> bool:
        return row.status in ("cancelled", "rescheduled")


class ReferralsModel(RowsModel[ReferralRow]):
    """The patient's referrals, newest first."""

    def columns(self) -> list[tuple[str, Callable[[ReferralRow], str]]]:
        statuses = labels.referral_status_names()
        return [
            (self.tr("Number"), lambda r: r.number),
            (self.tr("Issued by"), lambda r: r.organisation),
            (self.tr("Specialty"), lambda r: r.specialty),
            (self.tr("Issued on"), lambda r: format_date(r.issued_on)),
            (self.tr("Valid until"), lambda r: format_date(r.last_valid_day)),
            (self.tr("Status"), lambda r: statuses.get(r.status, r.status)),
        ]

    def faded(self, row: ReferralRow) -> bool:
        return row.status in ("expired", "cancelled", "closed")


@dataclass(frozen=True)
class HistoryLine:
    """One line of the history tab: an entry, or one changed field of an entry."""

    entry: HistoryRow
    change: FieldChange | None
    first: bool  # the entry's first line (the others leave when/who/what blank)


class HistoryModel(RowsModel[HistoryLine]):
    """The journal entries about the patient, one line per changed field, in words
    (:mod:`crm.controllers.journal.words`), times in the clinic's timezone.

    Args:
        parent: the Qt parent.
        insurers: insurer names by id, to name a changed insurer.
    """

    def __init__(
        self, parent: QObject | None = None, insurers: dict[int, str] | None = None
    ) -> None:
        self.insurers = dict(insurers or {})
        self.names = Names()
        self.timezone: dt.tzinfo | None = None
        super().__init__(parent)

    def columns(self) -> list[tuple[str, Callable[[HistoryLine], str]]]:
        def when(line: HistoryLine) -> str:
            if not line.first:
                return ""
            return words.format_moment(line.entry.at, self.timezone)

        def who(line: HistoryLine) -> str:
            if not line.first:
                return ""
            entry = line.entry
            name = entry.user_name or entry.login or labels.DASH
            return f"{name} ({entry.workstation})" if entry.workstation else name

        def what(line: HistoryLine) -> str:
            if not line.first:
                return ""
            entry = line.entry
            action = words.action_title(entry.action)
            if entry.entity and entry.entity != "patient":
                thing = words.entity_title(entry.entity)
                return f"{thing} № {entry.entity_id}: {action}"
            return action

        def field(line: HistoryLine) -> str:
            if line.change is None:
                return ""
            return words.field_title(line.change.field)

        def value(line: HistoryLine, before: bool) -> str:
            if line.change is None:
                return ""
            raw = line.change.before if before else line.change.after
            names = Names({"insurer": self.insurers}).merged(self.names)
            return words.value_text(
                line.change.field, raw, entity=line.entry.entity, tz=self.timezone, names=names
            )

        return [
            (self.tr("When"), when),
            (self.tr("Who"), who),
            (self.tr("What"), what),
            (self.tr("Field"), field),
            (self.tr("Before"), lambda line: value(line, True)),
            (self.tr("After"), lambda line: value(line, False)),
        ]

    def set_entries(
        self,
        entries: Sequence[HistoryRow],
        *,
        names: Names | None = None,
        timezone: dt.tzinfo | None = None,
    ) -> None:
        """Show ``entries`` (newest first), one line per changed field.

        Args:
            entries: the journal entries.
            names: names of the ids their changes mention.
            timezone: the clinic's timezone (the entries' own when ``None``).
        """
        if names is not None:
            self.names = names
        if timezone is not None:
            self.timezone = timezone
        titles = words.field_titles()
        lines: list[HistoryLine] = []
        for entry in entries:
            if not entry.changes:
                lines.append(HistoryLine(entry, None, True))
                continue
            changes = sorted(entry.changes, key=lambda c: words.field_order(c.field, titles))
            for number, change in enumerate(changes):
                lines.append(HistoryLine(entry, change, number == 0))
        self.set_rows(lines)


class ConsentsModel(RowsModel[ConsentRow]):
    """The patient's consents; revoked ones grey."""

    def columns(self) -> list[tuple[str, Callable[[ConsentRow], str]]]:
        kinds = labels.consent_names()
        return [
            (self.tr("Consent"), lambda r: kinds.get(r.kind, r.kind)),
            (self.tr("Given on"), lambda r: format_date(r.given_on)),
            (
                self.tr("Revoked on"),
                lambda r: format_date(r.revoked_on) if r.revoked_on else labels.DASH,
            ),
        ]

    def faded(self, row: ConsentRow) -> bool:
        return not row.live
