"""The status bar's warning when the last good backup is older than two days.

Shown to administrators and managers: the age comes from ``backup_run`` (by the server's
clock), read on the runner when the window opens, every half hour and whenever a backup
is recorded anywhere (a change notice on ``backup_run``).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QFrame, QLabel, QStatusBar

from crm.controllers.clinic import backups
from crm.views import AppContext
from crm.views.backups.page import describe_age

WARNING_STYLE = "color: #c62828; font-weight: bold;"
CHECK_EVERY_MS = 30 * 60 * 1000


class BackupWarning(QObject):
    """A status-bar section that appears only while the last good backup is too old.

    Signals:
        checked(object): the :class:`BackupStatus` just read.
    """

    checked = Signal(object)

    def __init__(self, bar: QStatusBar, context: AppContext) -> None:
        super().__init__(bar)
        self._context = context
        self.label = QLabel()
        self.label.setObjectName("statusBackup")
        self.label.setFrameShape(QFrame.Shape.NoFrame)
        self.label.setContentsMargins(6, 0, 6, 0)
        self.label.setStyleSheet(WARNING_STYLE)
        self.label.hide()
        bar.insertPermanentWidget(0, self.label)
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_EVERY_MS)
        self.timer.timeout.connect(self.check)
        self.timer.start()
        if context.events is not None:
            context.events.changed.connect(self._changed)
        self.check()

    def check(self) -> None:
        """Read the last good backup's age again (on the runner)."""
        self._context.runner.submit(
            backups.backup_status,
            self._context.database.sessions,
            on_success=self.show_status,
            on_failure=lambda _message: None,
            owner=self.label,
        )

    def _changed(self, event: dict) -> None:
        if event.get("table") == "backup_run":
            self.check()

    def show_status(self, status: backups.BackupStatus) -> None:
        """Show the warning if ``status`` is stale, hide it otherwise."""
        if status.stale:
            if status.last_ok_at is None:
                text = self.tr("No backup of the database yet")
            else:
                text = self.tr("The last backup is {age} old").format(age=describe_age(status.age))
            self.label.setText(text)
            self.label.setToolTip(
                self.tr(
                    "The clinic's service makes the backups (clinic-crm service run); the "
                    "administrator sees them under «Backups»."
                )
            )
            self.label.show()
        else:
            self.label.hide()
        self.checked.emit(status)
