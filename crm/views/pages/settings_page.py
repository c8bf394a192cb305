"""The settings page: what this workstation is connected to, read-only for now."""

from __future__ import annotations

import html

import PySide6
from PySide6.QtCore import QCoreApplication, Qt, qVersion
from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QScrollArea, QVBoxLayout, QWidget

from crm import __version__
from crm.config import config_file
from crm.views import AppContext
from crm.views.printing.settings import TicketFormatSetting
from crm.views.status import describe_database


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
    """Shows where the data lives and how to point the program elsewhere.

    Nothing here can be changed yet; the page says how to change it instead
    (command-line option, environment variable, configuration file).

    Args:
        context: the logged-in user's context.
        parent: the Qt parent.

    Signals:
        None.
    """

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = self.tr("Settings")
        settings = context.settings
        heading = QLabel(self.tr("Settings of this workstation"))
        heading.setObjectName("pageTitle")
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        heading.setFont(font)

        languages = {"ru": "Русский", "en": "English"}
        fingerprint = (
            context.keyring.fingerprint if context.keyring is not None else self.tr("not loaded")
        )

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        server = _value(describe_database(context.database), "server")
        form.addRow(self.tr("Database server:"), server)
        form.addRow(
            self.tr("Setting taken from:"),
            _value(describe_source(settings.database_source), "source"),
        )
        form.addRow(self.tr("Workstation:"), _value(settings.workstation, "workstation"))
        form.addRow(self.tr("Key fingerprint:"), _value(fingerprint, "fingerprint"))
        form.addRow(self.tr("Key file:"), _value(str(settings.key_file), "keyFile"))
        form.addRow(
            self.tr("Language:"), _value(languages.get(settings.lang, settings.lang), "language")
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

        body = QWidget()
        inner = QVBoxLayout(body)
        inner.setContentsMargins(24, 18, 24, 18)
        inner.addWidget(heading)
        inner.addWidget(
            _value(self.tr("These settings are read-only here for now."), "readOnlyNote")
        )
        inner.addLayout(form)
        self.ticket_format = TicketFormatSetting(context)
        inner.addWidget(self.ticket_format)
        inner.addWidget(how)
        inner.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
