"""«Connection settings…» of the start-up error screen: fix the address, test, save, retry.

When the server is unreachable or refuses, nobody can log in, so this dialog needs
no login: the settings are this workstation's own file. It saves with
``actor=None`` (see :mod:`crm.controllers.workstation.settings`).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from crm.config import ConfigError
from crm.controllers.errors import DomainError
from crm.controllers.workstation.settings import (
    SaveOutcome,
    WorkstationConfig,
    problems,
    save_workstation_config,
)
from crm.views.settings.connection import ConnectionSettings


class ConnectionDialog(QDialog):
    """The connection part of the settings, with «Save and retry».

    Open it with ``open()``.

    Args:
        shown: the values to show (those the program just failed with).
        saved_before: what ``config.toml`` holds now (what counts as a change).
        overridden_by: a description of the setting that wins over the file
            (``--database`` or ``CRM_DATABASE_URL``), or ``None``.
        parent: the Qt parent.

    Signals:
        saved(object): the settings were written (a :class:`WorkstationConfig`);
            the dialog closes and the start-up is retried with them.
    """

    saved = Signal(object)

    def __init__(
        self,
        shown: WorkstationConfig,
        saved_before: WorkstationConfig,
        overridden_by: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("connectionDialog")
        self.setWindowTitle(self.tr("Connection settings"))
        self._before = saved_before
        self._lang = saved_before.lang
        intro = QLabel(
            self.tr(
                "Type the address of the clinic's database server (ask the administrator), "
                "test it, then save and try again."
            )
        )
        intro.setWordWrap(True)
        self.connection = ConnectionSettings(shown, editable=True)
        self.note = QLabel()
        self.note.setObjectName("connectionNote")
        self.note.setWordWrap(True)
        if overridden_by:
            self.note.setText(
                self.tr(
                    "This start took the address from {source}. The retry uses the saved "
                    "address; the next start takes {source} again unless it is removed."
                ).format(source=overridden_by)
            )
        self.note.setVisible(bool(overridden_by))
        self.message = QLabel()
        self.message.setObjectName("saveProblem")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #c62828;")
        self.message.hide()
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(
            self.tr("Save and retry"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.save_button.setObjectName("saveAndRetry")
        self.cancel_button = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.connection)
        layout.addWidget(self.note)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.setMinimumWidth(620)
        self.connection.edited.connect(self.message.hide)

    def values(self) -> WorkstationConfig:
        """The values as typed."""
        return WorkstationConfig(
            database_url=self.connection.database_url(),
            key_file=self.connection.key_file(),
            lang=self._lang,
        )

    def save(self) -> SaveOutcome | None:
        """Write ``config.toml``; on a problem say which field and keep what is typed."""
        after = self.values()
        found = problems(after)
        if found:
            self.connection.show_problems(found)
            return None
        try:
            outcome = save_workstation_config(None, self._before, after)
        except (DomainError, ConfigError) as exc:
            self.message.setText(exc.message if isinstance(exc, DomainError) else str(exc))
            self.message.show()
            return None
        self.saved.emit(after)
        self.accept()
        return outcome
