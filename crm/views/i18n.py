"""Installing the interface language: Qt's own catalogue, ours, and the locale.

As in MusicBrainz Picard, Qt's ``qtbase_ru.qm`` is loaded beside the program's
catalogue so that Qt's standard texts (the buttons of message boxes, the context
menu of a line edit) are Russian too. English is the source language: ``--lang en``
installs no catalogue at all.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from crm.i18n import set_language
from crm.paths import translations_dir

log = logging.getLogger(__name__)

# By name: PySide6 spells the territory enum ``Country`` (Qt 6 renamed it Territory).
_LOCALES = {"ru": "ru_RU", "en": "en_GB"}
# Translators must outlive their installation: QCoreApplication does not own them.
_installed: list[QTranslator] = []


def install_translations(app: QCoreApplication, lang: str) -> list[QTranslator]:
    """Set the language of the whole program (Qt side and headless side).

    Args:
        app: the application.
        lang: ``ru`` or ``en``.

    Returns:
        The translators installed (none for English).

    Raises:
        ValueError: for a language the program does not speak.
    """
    set_language(lang)  # raises for unsupported languages before touching Qt
    remove_translations(app)
    QLocale.setDefault(QLocale(_LOCALES[lang]))
    if lang == "en":
        return []
    sources = [
        (f"qtbase_{lang}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)),
        (f"crm_{lang}", str(translations_dir())),
    ]
    for name, folder in sources:
        translator = QTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)
            _installed.append(translator)
        else:
            log.warning("translation %s.qm not found in %s", name, folder)
    return list(_installed)


def remove_translations(app: QCoreApplication) -> None:
    """Uninstall what :func:`install_translations` installed (tests switch languages)."""
    while _installed:
        app.removeTranslator(_installed.pop())
