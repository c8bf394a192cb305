"""The first start on an empty database: the setup wizard, then the login as its admin."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from crm.config import Settings
from crm.controllers.access.keys import ensure_key
from crm.controllers.clinic import profile
from crm.db.database import Database
from crm.views.setup.wizard import SetupWizard
from crm.views.startup import Startup

TIMEOUT = 10_000


@pytest.fixture
def empty_start(qtbot, gui_settings: Settings, gui_database: Database) -> Iterator[Startup]:
    ensure_key(gui_database.sessions, gui_settings.key_file)
    flow = Startup(gui_settings, listen=False)
    yield flow
    flow.shutdown()


def _type_clinic(wizard: SetupWizard, **overrides: str) -> None:
    values = {
        "name": "ООО «Клиника на Садовой»",
        "address": "г. Самара, ул. Садовая, 12",
        "ogrn": "1027700132195",
        **overrides,
    }
    for field, text in values.items():
        wizard.clinic_form.set_value(field, text)


def test_an_empty_database_opens_the_wizard_and_ends_at_the_login(
    qtbot, empty_start: Startup, gui_database: Database
) -> None:
    with qtbot.waitSignal(empty_start.setup_shown, timeout=TIMEOUT) as shown:
        empty_start.start()
    wizard: SetupWizard = shown.args[0]
    assert empty_start.login_dialog is None
    assert wizard.clinic_form.value("timezone") == "Europe/Moscow"

    wizard.next()  # nothing typed: the page is checked before «Next»
    assert wizard.currentId() == wizard.clinic_id
    assert wizard.clinic_form.problem("name").startswith("Полное название")
    assert wizard.clinic_form.problem("address").startswith("Адрес")
    _type_clinic(wizard, ogrn="1027700132196", phone="84822556677")  # a wrong check digit
    wizard.next()
    assert wizard.currentId() == wizard.clinic_id
    assert "контрольн" in wizard.clinic_form.problem("ogrn")
    assert wizard.clinic_form.problem("name") == ""
    assert wizard.clinic_form.value("address") == "г. Самара, ул. Садовая, 12"
    wizard.clinic_form.set_value("ogrn", "1027700132195")
    wizard.next()
    assert wizard.currentId() == wizard.admin_id
    assert wizard.clinic_form.value("phone").startswith("+7"), "the phone shown formatted"
    for field, text in {
        "login": "chief",
        "full_name": "Главный Админ",
        "password": "long enough",
        "password_again": "long enougH",
    }.items():
        wizard.admin_form.set_value(field, text)  # fmt: skip
    wizard.button(QWizard.WizardButton.FinishButton).click()
    # Refused: the second password named under itself; nothing lost.
    qtbot.waitUntil(lambda: wizard.admin_form.problem("password_again") != "", timeout=TIMEOUT)
    assert wizard.admin_form.problem("password_again").startswith("Пароль ещё раз")
    assert wizard.admin_form.value("login") == "chief"

    wizard.admin_form.set_value("password_again", "long enough")
    wizard.button(QWizard.WizardButton.FinishButton).click()
    qtbot.waitUntil(
        lambda: empty_start.login_dialog is not None and empty_start.login_dialog.isVisible(),
        timeout=TIMEOUT,
    )
    dialog = empty_start.login_dialog
    assert dialog.login_edit.text() == "chief"
    stored = profile.read_profile(gui_database.sessions)
    assert stored is not None and stored.name == "ООО «Клиника на Садовой»"
    qtbot.keyClicks(dialog.password_edit, "long enough")
    with qtbot.waitSignal(empty_start.main_window_shown, timeout=TIMEOUT) as window:
        qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    assert window.args[0].context.actor.login == "chief"
