"""The accounts as a table model of plain :class:`UserRow` objects."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from crm.controllers.access.users import UserRow
from crm.controllers.vocabulary import role_title
from crm.views.itemmodels.table import RowTableModel

DASH = "—"
_GREY = QColor("#8a8a8a")
_RED = QColor("#c62828")


class UsersModel(RowTableModel):
    """Login, full name, role, doctor, state and last login of every account.

    ``Qt.UserRole`` on any cell returns the row's :class:`UserRow`. Deactivated
    accounts are grey, locked ones red.

    Args:
        parent: the Qt parent.

    Signals:
        The standard ones of :class:`QAbstractTableModel` only.
    """

    LOGIN, FULL_NAME, ROLE, DOCTOR, STATE, LAST_LOGIN = range(6)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[UserRow] = []

    def header_labels(self) -> Sequence[str]:
        return (
            self.tr("Login"),
            self.tr("Full name"),
            self.tr("Role"),
            self.tr("Doctor"),
            self.tr("State"),
            self.tr("Last login"),
        )

    def row_of(self, login: str) -> int | None:
        """The table row of ``login`` (case-insensitive), if shown."""
        wanted = login.lower()
        for number, user in enumerate(self._rows):
            if user.login.lower() == wanted:
                return number
        return None

    def state_text(self, user: UserRow) -> str:
        """«active», «deactivated» or «locked until HH:MM»."""
        if not user.active:
            return self.tr("deactivated")
        if user.locked and user.locked_until is not None:
            return self.tr("locked until {time}").format(
                time=user.locked_until.strftime("%d.%m.%Y %H:%M")
            )
        return self.tr("active")

    def data(
        self,
        index: QModelIndex | QPersistentModelIndex,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        user = self._rows[index.row()]
        if role == Qt.ItemDataRole.UserRole:
            return user
        if role == Qt.ItemDataRole.DisplayRole:
            column = index.column()
            if column == self.LOGIN:
                return user.login
            if column == self.FULL_NAME:
                return user.full_name
            if column == self.ROLE:
                return role_title(user.role)
            if column == self.DOCTOR:
                return user.doctor_name or DASH
            if column == self.STATE:
                return self.state_text(user)
            if column == self.LAST_LOGIN:
                moment = user.last_login_at
                return moment.strftime("%d.%m.%Y %H:%M") if moment else DASH
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if not user.active:
                return QBrush(_GREY)
            if user.locked:
                return QBrush(_RED)
        return None
