"""The main window's status bar: server, user, role and the connection state."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, Qt, Slot
from PySide6.QtWidgets import QFrame, QLabel, QStatusBar

from crm.controllers.context import Actor
from crm.controllers.vocabulary import role_title
from crm.db.database import Database
from crm.views.events import ChangeEvents

CONNECTED_STYLE = "color: #2e7d32;"
LOST_STYLE = "color: #c62828; font-weight: bold;"
WAITING_STYLE = "color: #6b6b6b;"
#: The server section's widest: a long data path must leave the bar room for the
#: messages on its left (they were cut to «Демо-кли» beside a backup warning).
SERVER_SECTION_MAX = 300


def describe_database(database: Database) -> str:
    """Where the database is, in the interface language (no password)."""
    if database.embedded_server is not None:
        return QCoreApplication.translate("StatusPanel", "built-in PostgreSQL ({path})").format(
            path=database.embedded_server.pgdata
        )
    return database.description


def _section(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setFrameShape(QFrame.Shape.NoFrame)
    label.setContentsMargins(6, 0, 6, 0)
    return label


class StatusPanel(QObject):
    """Fills a status bar with permanent sections and keeps the connection section true.

    The connection section follows the change listener: while its connection is
    down it says so in red (the listener keeps reconnecting, the program keeps
    running), and it turns back to "connected" when the listener is listening again.

    Args:
        bar: the status bar to fill.
        server: where the database is (no password).
        actor: the logged-in user.
        events: the change-events bridge to follow (``None``: the section says
            change notices are off).

    Signals:
        None of its own; it listens to ``events.connection_state``.
    """

    def __init__(
        self,
        bar: QStatusBar,
        server: str,
        actor: Actor,
        events: ChangeEvents | None = None,
    ) -> None:
        super().__init__(bar)
        self.server_label = _section("statusServer")
        whole = self.tr("Server: {server}").format(server=server)
        metrics = self.server_label.fontMetrics()
        self.server_label.setText(
            metrics.elidedText(whole, Qt.TextElideMode.ElideMiddle, SERVER_SECTION_MAX)
        )
        self.server_label.setToolTip(whole)
        self.user_label = _section("statusUser")
        self.user_label.setText(actor.full_name)
        self.user_label.setToolTip(self.tr("Login: {login}").format(login=actor.login))
        self.role_label = _section("statusRole")
        self.role_label.setText(role_title(actor.role))
        self.connection_label = _section("statusConnection")
        for label in (self.server_label, self.user_label, self.role_label, self.connection_label):
            bar.addPermanentWidget(label)
        self.connected: bool | None = None
        if events is None:
            self.connection_label.setText(self.tr("change notices off"))
            self.connection_label.setStyleSheet(WAITING_STYLE)
            return
        events.connection_state.connect(self.set_connection)
        if events.connected is None:
            self.connection_label.setText(self.tr("connecting…"))
            self.connection_label.setStyleSheet(WAITING_STYLE)
        else:
            self.set_connection(events.connected, events.detail)

    @Slot(bool, str)
    def set_connection(self, connected: bool, detail: str) -> None:
        """Show whether the workstation is in touch with the server."""
        self.connected = connected
        if connected:
            self.connection_label.setText(self.tr("connected"))
            self.connection_label.setStyleSheet(CONNECTED_STYLE)
            self.connection_label.setToolTip(
                self.tr("Changes made at other workstations appear here at once.")
            )
        else:
            self.connection_label.setText(self.tr("connection lost — reconnecting…"))
            self.connection_label.setStyleSheet(LOST_STYLE)
            self.connection_label.setToolTip(detail)
