"""Switching the interface language: Russian by default, ``--lang en`` installs nothing."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication, QLocale

from crm.i18n import current_language
from crm.views.i18n import install_translations


def test_russian_installs_qt_and_program_catalogues(qapp) -> None:
    translators = install_translations(qapp, "ru")
    assert len(translators) == 2  # qtbase_ru and crm_ru
    assert QCoreApplication.translate("LoginDialog", "Log in") == "Войти"
    # Qt's own strings come from qtbase_ru.qm.
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Отмена"
    assert QLocale().name() == "ru_RU"
    assert QLocale().toString(QLocale().toDate("14.03.2025", "dd.MM.yyyy"), "dddd") == "пятница"
    assert current_language() == "ru"


def test_english_installs_none(qapp) -> None:
    assert install_translations(qapp, "en") == []
    assert QCoreApplication.translate("LoginDialog", "Log in") == "Log in"
    assert current_language() == "en"
    install_translations(qapp, "ru")


def test_unknown_language_is_refused(qapp) -> None:
    with pytest.raises(ValueError):
        install_translations(qapp, "de")
