"""``clinic-crm notify run --once`` against a committed database and a real SMTP server."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from click.testing import CliRunner
from sqlalchemy.orm import sessionmaker

from crm.cli import main
from crm.models import JournalEntry, OutboxMessage
from crm.models.enums import NotificationChannel, NotificationStatus
from tests.cli_login import proved
from tests.notify_servers import smtp_server


def run(key_file, *args: str, env: dict[str, str] | None = None):
    arguments, given = proved(args)
    return CliRunner().invoke(main, ["--key-file", str(key_file), *arguments], input=given, env=env)


def test_notify_run_once_sends_what_is_due_and_exits(committed_db_url, committed_engine,
                                                     key_file, tmp_path):  # fmt: skip
    upgraded = run(key_file, "--database", committed_db_url, "db", "upgrade")
    assert upgraded.exit_code == 0, upgraded.output
    db = sessionmaker(bind=committed_engine, expire_on_commit=False)
    past = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    with db() as session, session.begin():
        session.add_all([
            OutboxMessage(channel=NotificationChannel.EMAIL, recipient="a@example.org",
                          purpose="confirmation", subject="Запись", body="Вы записаны",
                          next_attempt_at=past),
            # No gateway configured: the SMS stays queued.
            OutboxMessage(channel=NotificationChannel.SMS, recipient="+79160000000",
                          purpose="confirmation", body="Вы записаны", next_attempt_at=past),
        ])  # fmt: skip
    with smtp_server() as (inbox, settings):
        config = tmp_path / "notify.toml"
        config.write_text(
            f'[smtp]\nhost = "127.0.0.1"\nport = {settings.port}\nsecurity = "none"\n'
            'sender = "clinic@example.org"\n', encoding="utf-8",
        )  # fmt: skip
        secret = {"CRM_SMTP_PASSWORD": "hunter2-secret"}
        result = run(key_file, "--database", committed_db_url, "notify", "run", "--config",
                     str(config), "--once", env=secret)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "1" in result.output and "hunter2-secret" not in result.output
    assert [m["To"] for m in inbox.messages] == ["a@example.org"]
    with db() as session:
        statuses = dict(
            session.execute(sa.select(OutboxMessage.channel, OutboxMessage.status)).all()
        )
        assert statuses == {NotificationChannel.EMAIL: NotificationStatus.SENT,
                            NotificationChannel.SMS: NotificationStatus.PENDING}  # fmt: skip
        assert session.scalar(sa.select(sa.func.count()).where(JournalEntry.action == "send")) == 1


def test_a_password_in_the_settings_file_is_refused(committed_db_url, key_file, tmp_path):
    config = tmp_path / "notify.toml"
    config.write_text('[smtp]\nhost = "h"\nsender = "s"\npassword = "hunter2"\n', encoding="utf-8")
    result = run(key_file, "--database", committed_db_url, "notify", "run", "--config",
                 str(config), "--once")  # fmt: skip
    assert result.exit_code != 0 and "password_env" in result.output
    assert "hunter2" not in result.output


def test_notify_settings_changes_the_reminders(committed_db_url, committed_engine, key_file):
    from crm.models.enums import Role
    from tests import booking_factories as bf

    upgraded = run(key_file, "--database", committed_db_url, "db", "upgrade")
    assert upgraded.exit_code == 0, upgraded.output
    with sessionmaker(bind=committed_engine)() as session, session.begin():
        manager = bf.user(session, Role.MANAGER).login
    result = run(key_file, "--database", committed_db_url, "notify", "settings",
                 "--reminders", "both", "--quiet-from", "22:00", "--as", manager)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "both" in result.output and "22:00–09:00" in result.output


def test_notify_setup_and_test_send_through_the_stored_channel(
    committed_db_url, committed_engine, key_file
):
    from crm.controllers.clinic import settings
    from crm.controllers.notifications.channel_settings import CHANNELS_KEY
    from crm.models.enums import Role
    from tests import booking_factories as bf
    from tests.notify_servers import SmsRuServer

    upgraded = run(key_file, "--database", committed_db_url, "db", "upgrade")
    assert upgraded.exit_code == 0, upgraded.output
    db = sessionmaker(bind=committed_engine, expire_on_commit=False)
    with db() as session, session.begin():
        admin = bf.user(session, Role.ADMIN).login
    sms = SmsRuServer("api-id-secret-42")
    try:
        with smtp_server() as (inbox, settings_):
            secret = {"SMTP_PW": "hunter2-secret", "SMSRU": "api-id-secret-42"}
            smtp = run(key_file, "--database", committed_db_url, "notify", "setup", "smtp",
                       "--host", "127.0.0.1", "--port", str(settings_.port), "--security",
                       "none", "--login", "clinic", "--password-env", "SMTP_PW", "--sender",
                       "clinic@example.org", "--per-minute", "60", "--as", admin,
                       env=secret)  # fmt: skip
            assert smtp.exit_code == 0, smtp.output
            assert "127.0.0.1" in smtp.output and "hunter2-secret" not in smtp.output
            texting = run(key_file, "--database", committed_db_url, "notify", "setup", "sms",
                          "--provider", "smsru", "--url", sms.url, "--token-env", "SMSRU",
                          "--sender", "Clinic", "--as", admin, env=secret)  # fmt: skip
            assert texting.exit_code == 0, texting.output
            sent = run(key_file, "--database", committed_db_url, "notify", "test", "sms",
                       "8 916 123-45-67", "--as", admin)  # fmt: skip
            assert sent.exit_code == 0, sent.output
            assert sms.forms[-1]["to"] == "79161234567"
            assert sms.forms[-1]["api_id"] == "api-id-secret-42"
            past = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
            with db() as session, session.begin():
                session.add(OutboxMessage(channel=NotificationChannel.SMS, recipient="+79161234567",
                                          purpose="confirmation", body="Вы записаны",
                                          next_attempt_at=past))  # fmt: skip
            sending = run(key_file, "--database", committed_db_url, "notify", "run", "--once")
            assert sending.exit_code == 0, sending.output
            assert sms.forms[-1]["msg"] == "Вы записаны"  # through the stored channel
            refused = run(key_file, "--database", committed_db_url, "notify", "test", "email",
                          "nobody", "--as", admin)  # fmt: skip
            assert refused.exit_code != 0, refused.output
    finally:
        sms.stop()
    with db() as session:
        stored = str(settings.get(session, CHANNELS_KEY))
    assert "hunter2-secret" not in stored and "api-id-secret-42" not in stored
    assert inbox.messages == []  # the e-mail test was refused before sending
