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
