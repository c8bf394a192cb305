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


#: Contexts of Qt 6 whose texts ``qtbase_ru.qm`` still keeps under ``QFileDialog``.
_MOVED_TO_ICON_PROVIDER = frozenset({"QAbstractFileIconProvider", "QFileIconProvider"})


class QtCatalogue(QTranslator):
    """Qt's own ``qtbase_<lang>.qm``, forgiving of accelerators added after it was made.

    Qt 6.11 gave labels of its file dialog accelerators (``&Look in:``, ``Files of
    &type:``) while the ``qtbase_ru.qm`` shipped with PySide6 6.11 still holds them
    without (``Look in:`` → ``Перейти к:``), so those labels stayed English. A text
    the catalogue lacks is looked up again without its ``&``, and the accelerator
    goes on the translation's first letter. The type column's «Folder» is looked up
    where the catalogue keeps it (``QFileDialog``).
    """

    def translate(  # Qt's name and signature; called from C++ for every lookup it gets
        self,
        context: str,
        source_text: str,
        disambiguation: str | None = None,
        n: int = -1,
    ) -> str | None:
        found = super().translate(context, source_text, disambiguation, n)
        if found:
            return found
        # The file dialog's «Folder» / «File» (its type column) moved to the icon
        # provider's context in Qt 6; the catalogue still has them under QFileDialog.
        if context in _MOVED_TO_ICON_PROVIDER:
            moved = super().translate("QFileDialog", source_text, disambiguation, n)
            if moved:
                return moved
        if source_text.count("&") == 1:
            bare = super().translate(context, source_text.replace("&", ""), disambiguation, n)
            if bare and "&" not in bare:
                return "&" + bare
        # None, not "": an empty string would be taken as the translation.
        return None


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
    qt_folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    sources = [
        (QtCatalogue, f"qtbase_{lang}", qt_folder),
        (QTranslator, f"crm_{lang}", str(translations_dir())),
    ]
    for kind, name, folder in sources:
        translator = kind(app)
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
