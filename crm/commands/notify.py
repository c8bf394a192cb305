"""``clinic-crm notify run``: the sender of the outbox (e-mail and SMS to patients).

``clinic-crm notify run --config notify.toml --once`` sends what is due and exits;
without ``--once`` it keeps sending every ``--interval`` seconds until stopped
(Ctrl+C, or the service manager's stop). Several senders may run at once: none sends
a message twice. The settings file has ``[smtp]`` (host, port, security =
starttls|ssl|none, username, sender, password_env) and ``[sms]`` (url, sender,
token_env); the password and the token come from the environment
(``CRM_SMTP_PASSWORD``, ``CRM_SMS_TOKEN`` by default), never from the file, and are
never printed or logged. Without ``--config`` the sender uses the channels an administrator
stored (``notify setup smtp|sms``, or the «Каналы» tab) and their rate limits;
``notify test email|sms TO`` sends a test message through them.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
import tomllib
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from crm.commands.common import (
    as_option,
    command_line_actor,
    fail,
    friendly_errors,
    open_ready,
    read_password,
)
from crm.i18n import translate


@click.group("notify")
def notify() -> None:
    """Notices to patients: the sender of the outbox."""


@notify.command("run")
@click.option(
    "--config", "config_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The sender's settings (TOML: [smtp], [sms], [rate]); without it, the channels an "
    "administrator set (notify setup, or the «Каналы» tab).",
)  # fmt: skip
@click.option("--once", is_flag=True, help="Send what is due and exit.")
@click.option("--interval", type=click.FloatRange(min=1), default=30.0, show_default=True,
              help="Seconds between two looks at the outbox.")  # fmt: skip
@click.pass_context
@friendly_errors
def run(ctx: click.Context, *, config_path: Path | None, once: bool, interval: float) -> None:
    """Send the outbox's due messages (once, or until stopped)."""
    from crm.controllers.clinic import settings
    from crm.controllers.notifications import channel_settings as cs
    from crm.controllers.notifications.sender import RateLimiter, send_due

    where = str(config_path) if config_path else "notify setup"
    ready = None
    try:
        if config_path is not None:
            data = tomllib.loads(config_path.read_text(encoding="utf-8"))
            channels = cs.channels_from_settings(data, os.environ)
            limiter = RateLimiter(cs.file_rate_limits(data))
        else:
            ready = open_ready(ctx, seed_demo=False)
            with ready.database.sessions() as session:
                value = settings.get(session, cs.CHANNELS_KEY)
            channels, setup = cs.stored_channels(value, ready.keyring)
            limiter = RateLimiter(setup.rate_limits)
    except (OSError, tomllib.TOMLDecodeError, ValueError) as error:
        fail(translate("notify", "{path}: {reason}").format(path=where, reason=error))
        return
    if not channels:
        fail(translate("notify", "{path}: neither [smtp] nor [sms] is set").format(path=where))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    ready = ready or open_ready(ctx, seed_demo=False)
    try:
        while True:
            report = send_due(ready.database.sessions, channels=channels, limiter=limiter)
            if report.handled or once:
                click.echo(translate(
                    "notify", "sent {sent}, to try again {retried}, not delivered {failed}, "
                    "no longer needed {cancelled}",
                ).format(sent=report.sent, retried=report.retried, failed=report.failed,
                         cancelled=report.cancelled))  # fmt: skip
            if once:
                break
            time.sleep(interval)
    except KeyboardInterrupt:
        pass
    finally:
        for channel in channels.values():
            channel.close()
        ready.database.dispose()


def _time(value: str | None) -> dt.time | None:
    if value is None:
        return None
    try:
        return dt.time.fromisoformat(value)
    except ValueError:
        fail(translate("notify", "{value}: not a time (HH:MM)").format(value=value))
        raise


@notify.command("settings")
@click.option("--reminders", type=click.Choice(["24h", "2h", "both"]),
              help="Reminders before a visit.")  # fmt: skip
@click.option("--quiet-from", metavar="HH:MM", help="No SMS from this clinic time…")
@click.option("--quiet-to", metavar="HH:MM", help="…until this one (equal: no quiet hours).")
@click.option("--tries", "max_attempts", type=int, help="Tries before «не доставлено».")
@as_option("Act as this user (a manager or an administrator).")
@click.pass_context
@friendly_errors
def notify_settings(
    ctx: click.Context, *, reminders: str | None, quiet_from: str | None,
    quiet_to: str | None, max_attempts: int | None, as_login: str | None,
) -> None:  # fmt: skip
    """Show or change the clinic's notification settings."""
    from crm.controllers.notifications.visits import change_notice_settings

    ready = open_ready(ctx)
    try:
        db = ready.database.sessions
        chosen = change_notice_settings(
            db, command_line_actor(db, as_login), reminders=reminders,
            quiet_from=_time(quiet_from), quiet_to=_time(quiet_to), max_attempts=max_attempts,
        )  # fmt: skip
    finally:
        ready.database.dispose()
    click.echo(translate(
        "notify", "reminders {reminders}; no SMS {start}–{end}; {tries} tries",
    ).format(reminders=chosen.reminders, start=f"{chosen.quiet_from:%H:%M}",
             end=f"{chosen.quiet_to:%H:%M}", tries=chosen.max_attempts))  # fmt: skip


@notify.group("setup")
def setup() -> None:
    """Set the clinic's channels (administrators): e-mail over SMTP, the SMS provider."""


def _save(
    ctx: click.Context, as_login: str | None, change: Callable[[Any], dict[str, str]]
) -> None:
    from crm.controllers.notifications import channel_settings as cs

    ready = open_ready(ctx)
    try:
        db = ready.database.sessions
        form = cs.read_setup(db).as_form()
        saved = cs.save_setup(db, command_line_actor(db, as_login), ready.keyring,
                              replace(form, **change(form)))  # fmt: skip
    finally:
        ready.database.dispose()
    click.echo(_describe(saved))


def _describe(setup: Any) -> str:
    email = (
        translate("notify", "e-mail: {host}:{port} ({security}), from {sender}").format(
            host=setup.smtp_host,
            port=setup.smtp_port,
            security=setup.smtp_security,
            sender=setup.smtp_sender,
        )
        if setup.smtp_host
        else translate("notify", "e-mail: off")
    )
    sms = (translate("notify", "SMS: {provider}").format(provider=setup.sms_provider)
           if setup.sms_provider else translate("notify", "SMS: off"))  # fmt: skip
    return f"{email}; {sms}"


def _secret(env_name: str | None, ask: bool) -> str:
    if env_name:
        value = os.environ.get(env_name, "")
        if not value:
            fail(translate("notify", "${name} is empty").format(name=env_name))
        return value
    return read_password(confirm=False) if ask else ""


@setup.command("smtp")
@click.option("--host", help="The SMTP server (empty: e-mail off).")
@click.option("--port", type=click.IntRange(1, 65535))
@click.option("--security", type=click.Choice(["starttls", "ssl", "none"]))
@click.option("--login", "username", help="The SMTP login.")
@click.option("--sender", help="The From address.")
@click.option("--password-env", metavar="NAME", help="Read the password from this variable.")
@click.option("--ask-password", is_flag=True, help="Read the password from the prompt or stdin.")
@click.option("--per-minute", type=click.IntRange(min=0), help="At most N e-mails a minute.")
@as_option("Act as this administrator.")
@click.pass_context
@friendly_errors
def setup_smtp(
    ctx: click.Context, *, host: str | None, port: int | None, security: str | None,
    username: str | None, sender: str | None, password_env: str | None, ask_password: bool,
    per_minute: int | None, as_login: str | None,
) -> None:  # fmt: skip
    """E-mail over SMTP; the password is never a flag's value (it would show in ps)."""
    password = _secret(password_env, ask_password)
    given = {
        "smtp_host": host,
        "smtp_port": port,
        "smtp_security": security,
        "smtp_username": username,
        "smtp_sender": sender,
        "email_per_minute": per_minute,
    }
    typed = {k: str(v) for k, v in given.items() if v is not None}  # fmt: skip
    _save(ctx, as_login, lambda _form: {**typed, "smtp_password": password})


@setup.command("sms")
@click.option("--provider", type=click.Choice(["smsru", "smsc", "http_json", "off"]))
@click.option("--url", help="The gateway's address (http_json; or another base for SMS.ru/SMSC).")
@click.option("--sender", help="The approved sender name.")
@click.option("--token-env", metavar="NAME", help="Read the token from this variable.")
@click.option("--ask-token", is_flag=True, help="Read the token from the prompt or stdin.")
@click.option("--per-minute", type=click.IntRange(min=0), help="At most N SMS a minute.")
@as_option("Act as this administrator.")
@click.pass_context
@friendly_errors
def setup_sms(
    ctx: click.Context, *, provider: str | None, url: str | None, sender: str | None,
    token_env: str | None, ask_token: bool, per_minute: int | None, as_login: str | None,
) -> None:  # fmt: skip
    """SMS through SMS.ru, SMSC.ru (token login:password) or an HTTP POST JSON gateway."""
    token = _secret(token_env, ask_token)
    given = {
        "sms_provider": "" if provider == "off" else provider,
        "sms_url": url,
        "sms_sender": sender,
        "sms_per_minute": per_minute,
    }
    typed = {k: str(v) for k, v in given.items() if v is not None}  # fmt: skip
    _save(ctx, as_login, lambda _form: {**typed, "sms_token": token})


@notify.command("test")
@click.argument("channel", type=click.Choice(["email", "sms"]))
@click.argument("to")
@as_option("Act as this administrator.")
@click.pass_context
@friendly_errors
def notify_test(ctx: click.Context, channel: str, to: str, as_login: str | None) -> None:
    """Send a test message to TO (an address or a number) through the stored channel."""
    from crm.controllers.notifications import channel_settings as cs
    from crm.controllers.notifications.trial import send_trial
    from crm.models.enums import NotificationChannel

    ready = open_ready(ctx)
    try:
        db = ready.database.sessions
        result = send_trial(db, command_line_actor(db, as_login), ready.keyring,
                            cs.read_setup(db).as_form(), channel=NotificationChannel(channel),
                            to=to)  # fmt: skip
    finally:
        ready.database.dispose()
    if not result.ok:
        fail(result.message)
    click.echo(result.message)


COMMANDS = [notify]
