"""«Каналы»: an administrator sets SMTP and SMS, and «Отправить тестовое сообщение» goes
through a real SMTP server on 127.0.0.1 (pytest-qt, a real database)."""

from __future__ import annotations

import logging
from dataclasses import replace

import pytest
import sqlalchemy as sa

from crm.controllers.access import auth
from crm.controllers.clinic import settings
from crm.controllers.notifications.channel_settings import CHANNELS_KEY
from crm.controllers.notifications.trial import TrialResult
from crm.crypto import generate_key_file
from crm.db.database import Database
from crm.models import JournalEntry
from crm.models.enums import Role
from crm.views import AppContext
from crm.views.controls import PROBLEM_STYLE
from crm.views.notifications.channels_tab import ChannelsTab
from tests.gui.conftest import PASSWORD
from tests.notify_servers import Accounts, SmsRuServer, secure_smtp_server, smtp_server

TIMEOUT = 60_000
SMTP_PASSWORD = "Very-Secret-smtp-99"


@pytest.fixture
def admin(make_context, gui_database: Database, tmp_path) -> AppContext:
    auth.add_user(gui_database.sessions, "root", PASSWORD, Role.ADMIN, "Админова Алла")
    context = make_context("root")
    return replace(context, keyring=generate_key_file(tmp_path / "key.bin"))


@pytest.fixture
def tab(qtbot, admin: AppContext) -> ChannelsTab:
    widget = ChannelsTab(admin)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitSignal(widget.loaded, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: widget.quiet_from.text() == "21:00", timeout=TIMEOUT)
    return widget


def test_the_test_message_goes_through_the_typed_smtp_and_the_settings_are_saved(
    qtbot, tab: ChannelsTab, gui_database: Database, tmp_path, caplog
) -> None:
    caplog.set_level(logging.DEBUG)
    accounts = Accounts("clinic", SMTP_PASSWORD)
    with smtp_server() as (inbox, smtp):
        tab.smtp_host.setText("127.0.0.1")
        tab.smtp_port.setText(str(smtp.port))
        tab.smtp_security.setCurrentIndex(tab.smtp_security.findData("none"))
        tab.smtp_sender.setText("clinic@example.org")
        tab.test_to.setText("admin@example.org")
        with qtbot.waitSignal(tab.test_finished, timeout=TIMEOUT) as sent:
            tab.test_button.click()
        assert isinstance(sent.args[0], TrialResult) and sent.args[0].ok
        assert tab.test_result.text() == "Отправлено: admin@example.org."
        (received,) = inbox.messages
        assert received["To"] == "admin@example.org" and received["From"] == "clinic@example.org"
    # A server that wants a login over TLS: the typed password is used, then stored sealed.
    with secure_smtp_server(tmp_path, implicit_tls=True, accounts=accounts) as (inbox, port, _):
        tab.smtp_port.setText(str(port))
        tab.smtp_security.setCurrentIndex(tab.smtp_security.findData("ssl"))
        tab.smtp_username.setText("clinic")
        tab.smtp_password.setText(SMTP_PASSWORD)
        with qtbot.waitSignal(tab.test_finished, timeout=TIMEOUT) as failed:
            tab.test_button.click()
        # The self-signed certificate is not trusted: the reason is shown, not the password.
        assert not failed.args[0].ok and "Не отправлено" in tab.test_result.text()
        assert "CERTIFICATE" in tab.test_result.text().upper()
    tab.email_rate.setText("30")
    tab.quiet_from.setText("22:00")
    with qtbot.waitSignal(tab.saved, timeout=TIMEOUT) as saved:
        tab.save_button.click()
    assert saved.args[0].smtp_password_set and saved.args[0].email_per_minute == 30
    assert tab.smtp_password.text() == "" and "сохранён" in tab.smtp_password.placeholderText()
    assert tab.quiet_from.text() == "22:00"
    with gui_database.sessions() as session:
        stored = str(settings.get(session, CHANNELS_KEY))
        journal = str(session.execute(
            sa.select(JournalEntry.changes, JournalEntry.details)).all())  # fmt: skip
    assert SMTP_PASSWORD not in stored and SMTP_PASSWORD not in journal
    assert "*** (new)" in journal  # the journal says the password changed, not what it is
    assert SMTP_PASSWORD not in caplog.text


def test_bad_fields_are_named_and_what_was_typed_stays(qtbot, tab: ChannelsTab) -> None:
    tab.smtp_host.setText("smtp.example.org")
    tab.smtp_port.setText("70000")
    tab.smtp_sender.setText("nobody")
    tab.sms_provider.setCurrentIndex(tab.sms_provider.findData("smsru"))
    tab.quiet_to.setText("9 утра")
    tab.save_button.click()
    qtbot.waitUntil(tab.problem_label.isVisible, timeout=TIMEOUT)
    text = tab.problem_label.text()
    assert "Порт" in text and "От кого" in text and "Токен" in text
    assert "Не отправлять SMS до" in text
    for edit in (tab.smtp_port, tab.smtp_sender, tab.sms_token, tab.quiet_to):
        assert edit.styleSheet() == PROBLEM_STYLE
    assert tab.smtp_host.styleSheet() == ""
    assert tab.smtp_port.text() == "70000" and tab.quiet_to.text() == "9 утра"


def test_a_test_sms_through_sms_ru(qtbot, tab: ChannelsTab) -> None:
    server = SmsRuServer("the-api-id", refused={"79990000000"})
    try:
        tab.sms_provider.setCurrentIndex(tab.sms_provider.findData("smsru"))
        tab.sms_url.setText(server.url)
        tab.sms_token.setText("the-api-id")
        tab.test_channel.setCurrentIndex(1)
        tab.test_to.setText("+7 999 000-00-00")
        with qtbot.waitSignal(tab.test_finished, timeout=TIMEOUT):
            tab.test_button.click()
    finally:
        server.stop()
    assert "SMS.ru 207" in tab.test_result.text() and "the-api-id" not in tab.test_result.text()
