"""The settings page: this workstation's server, key file, language and printer.

The server address and the key file decide which clinic's data this desk sees:
only an administrator changes them (others see them read-only, the password
hidden). The language and the ticket printer are anybody's. «Save» writes
``config.toml`` (keeping the keys it does not know) and ``workstation.ini``;
what needs a restart says so.
"""

from __future__ import annotations

import html

import PySide6
from PySide6.QtCore import QCoreApplication, Qt, Signal, qVersion
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from crm import __version__
from crm.config import ConfigError, config_file
from crm.controllers.errors import DomainError, FieldProblem
from crm.controllers.workstation.settings import (
    LANG,
    SaveOutcome,
    WorkstationConfig,
    field_title,
    may_change_connection,
    problems,
    read_workstation_config,
    save_workstation_config,
)
from crm.views import AppContext
from crm.views.patients.message_bar import MessageBar
from crm.views.printing.settings import TicketFormatSetting
from crm.views.settings.connection import ConnectionSettings
from crm.views.settings.printing import WorkstationPrinting
from crm.views.status import describe_database

LANGUAGES = {"ru": "Русский", "en": "English"}


def describe_source(source: str) -> str:
    """Which setting named the database (``flag``, ``env``, ``config``, ``embedded``)."""
    sources = {
        "flag": QCoreApplication.translate(
            "SettingsPage", "the --database option on the command line"
        ),
        "env": QCoreApplication.translate(
            "SettingsPage", "the CRM_DATABASE_URL environment variable"
        ),
        "config": QCoreApplication.translate(
            "SettingsPage", "database_url in the configuration file"
        ),
        "embedded": QCoreApplication.translate(
            "SettingsPage", "none configured: the built-in demo server"
        ),
    }
    return sources.get(source, source)


def _value(text: str, name: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class SettingsPage(QWidget):
    """This workstation's settings, editable, with «Test connection» and «Save».

    Args:
        context: the logged-in user's context.
        parent: the Qt parent.

    Signals:
        saved(object): the settings were saved (a :class:`SaveOutcome`).
    """

    saved = Signal(object)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = self.tr("Settings")
        self._context = context
        settings = context.settings
        heading = QLabel(self.tr("Settings of this workstation"))
        heading.setObjectName("pageTitle")
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        heading.setFont(font)
        self.message = MessageBar()

        try:
            self._before = read_workstation_config()
        except ConfigError as exc:
            self._before = WorkstationConfig(
                database_url=settings.database_url,
                key_file=str(settings.key_file),
                lang=settings.lang,
            )
            self.message.show_message("error", str(exc))
        self.may_change_connection = may_change_connection(context.actor)

        connection_box = QGroupBox(self.tr("Connection"))
        self.connection = ConnectionSettings(
            self._before, editable=self.may_change_connection, current=context.database
        )
        self.connection.edited.connect(self._edited)
        box_layout = QVBoxLayout(connection_box)
        box_layout.addWidget(self.connection)
        notes = []
        if not self.may_change_connection:
            notes.append(
                self.tr("Only an administrator changes the server address and the key file.")
            )
        if settings.database_source in ("flag", "env"):
            notes.append(
                self.tr(
                    "This start took the address from {source}, which wins over the saved one."
                ).format(source=describe_source(settings.database_source))
            )
        if notes:
            box_layout.addWidget(_value(" ".join(notes), "connectionNote"))

        language_box = QGroupBox(self.tr("Language"))
        self.language = QComboBox()
        self.language.setObjectName("languageChoice")
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(0, self.language.findData(self._before.lang)))
        self.language.currentIndexChanged.connect(self._edited)
        language_form = QFormLayout(language_box)
        language_form.addRow(self.tr("Interface language:"), self.language)

        self.printing = WorkstationPrinting()
        self.printing.printer.currentIndexChanged.connect(self._edited)
        self.printing.paper.currentIndexChanged.connect(self._edited)
        self.ticket_format = TicketFormatSetting(context)
        # Stored in the database at once, for every workstation (not by «Save»).
        self.ticket_format.setTitle(self.tr("Printing in the whole clinic"))

        self.save_button = QPushButton(self.tr("Save"))
        self.save_button.setObjectName("saveSettings")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        restart = QLabel(
            self.tr(
                "The server address, the key file and the language take effect after a restart."
            )
        )
        restart.setObjectName("restartNote")
        restart.setWordWrap(True)
        save_row = QHBoxLayout()
        save_row.addWidget(self.save_button)
        save_row.addWidget(restart, 1)

        body = QWidget()
        inner = QVBoxLayout(body)
        inner.setContentsMargins(24, 18, 24, 18)
        inner.addWidget(heading)
        inner.addWidget(self.message)
        inner.addWidget(connection_box)
        inner.addWidget(language_box)
        inner.addWidget(self.printing)
        inner.addWidget(self.ticket_format)
        inner.addLayout(save_row)
        inner.addWidget(self._about(context))
        inner.addWidget(self._how_to_connect())
        inner.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

    # --- saving -----------------------------------------------------------------------

    def values(self) -> WorkstationConfig:
        """The values as typed (the saved ones where the user may not change them)."""
        if self.may_change_connection:
            url, key = self.connection.database_url(), self.connection.key_file()
        else:
            url, key = self._before.database_url, self._before.key_file
        return WorkstationConfig(
            database_url=url, key_file=key, lang=str(self.language.currentData())
        )

    def _edited(self, *_args: object) -> None:
        if self.message.kind in ("done", "error"):
            self.message.clear()

    def save(self) -> SaveOutcome | None:
        """«Save»: write ``config.toml`` and the printer; a problem names its field."""
        after = self.values()
        found = problems(after)
        if found:
            self._show_problems(found)
            return None
        try:
            outcome = save_workstation_config(self._context.actor, self._before, after)
        except (DomainError, ConfigError) as exc:
            self.message.show_message(
                "error", exc.message if isinstance(exc, DomainError) else str(exc)
            )
            return None
        printing_changed = self.printing.changed
        self.printing.save()
        self._before = after
        self.connection.show_problems([])
        if outcome.changed:
            fields = ", ".join(field_title(name) for name in outcome.changed)
            text = self.tr(
                "Saved in {path}. Restart the program for the change to take effect: {fields}."
            ).format(path=outcome.path, fields=fields)
        elif printing_changed:
            text = self.tr("Saved: the printer and the paper are used from the next print.")
        else:
            text = self.tr("Nothing to save: nothing was changed.")
        self.message.show_message("done" if outcome.changed or printing_changed else "info", text)
        self.saved.emit(outcome)
        return outcome

    def _show_problems(self, found: list[FieldProblem]) -> None:
        self.connection.show_problems(found)
        text = "\n".join(f"{field_title(p.field)}: {p.message}" for p in found)
        self.message.show_message("error", text)
        if any(p.field == LANG for p in found):
            self.language.setFocus()

    # --- what cannot be changed here ----------------------------------------------------

    def _about(self, context: AppContext) -> QGroupBox:
        settings = context.settings
        fingerprint = (
            context.keyring.fingerprint if context.keyring is not None else self.tr("not loaded")
        )
        box = QGroupBox(self.tr("This start"))
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(
            self.tr("Database server:"), _value(describe_database(context.database), "server")
        )
        form.addRow(
            self.tr("Setting taken from:"),
            _value(describe_source(settings.database_source), "source"),
        )
        form.addRow(self.tr("Workstation:"), _value(settings.workstation, "workstation"))
        form.addRow(self.tr("Key fingerprint:"), _value(fingerprint, "fingerprint"))
        form.addRow(self.tr("Key file:"), _value(str(settings.key_file), "keyFileInUse"))
        form.addRow(
            self.tr("Language:"), _value(LANGUAGES.get(settings.lang, settings.lang), "language")
        )
        form.addRow(
            self.tr("Version:"),
            _value(
                self.tr("Registratura {version} (Qt {qt}, PySide6 {pyside})").format(
                    version=__version__, qt=qVersion(), pyside=PySide6.__version__
                ),
                "version",
            ),
        )
        form.addRow(self.tr("Configuration file:"), _value(str(config_file()), "configFile"))
        return box

    def _how_to_connect(self) -> QGroupBox:
        how = QGroupBox(self.tr("Working with the clinic's server"))
        example = "postgresql://registratura@server.clinic.local/registratura"
        steps = [
            self.tr("start the program with <code>--database {url}</code>, or").format(
                url=html.escape(example)
            ),
            self.tr("set the environment variable <code>CRM_DATABASE_URL</code>, or"),
            self.tr('write <code>database_url = "{url}"</code> into {path}').format(
                url=html.escape(example), path=html.escape(str(config_file()))
            ),
        ]
        note = QLabel(
            self.tr(
                "Without a configured server the program runs its own built-in PostgreSQL "
                "with a demo clinic; it serves this computer only. To share one database "
                "between the front-desk workstations:"
            )
            + "<ol>"
            + "".join(f"<li>{step}</li>" for step in steps)
            + "</ol>"
            + self.tr(
                "The first of these that is set wins. Every workstation needs the same key "
                "file (copy it from the first one). Connect to PostgreSQL directly or through "
                "PgBouncer in session mode: transaction mode breaks change notices."
            )
        )
        note.setObjectName("howToConnect")
        note.setTextFormat(Qt.TextFormat.RichText)
        note.setWordWrap(True)
        note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        QVBoxLayout(how).addWidget(note)
        return how
