"""``clinic-crm notify run``: the sender of the outbox (e-mail and SMS to patients).

``clinic-crm notify run --config notify.toml --once`` sends what is due and exits;
without ``--once`` it keeps sending every ``--interval`` seconds until stopped
(Ctrl+C, or the service manager's stop). Several senders may run at once: none sends
a message twice. The settings file has ``[smtp]`` (host, port, security =
starttls|ssl|none, username, sender, password_env) and ``[sms]`` (url, sender,
token_env); the password and the token come from the environment
(``CRM_SMTP_PASSWORD``, ``CRM_SMS_TOKEN`` by default), never from the file, and are
never printed or logged.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
import tomllib
from pathlib import Path

import click

from crm.commands.common import as_option, command_line_actor, fail, friendly_errors, open_ready
from crm.i18n import translate


@click.group("notify")
def notify() -> None:
    """Notices to patients: the sender of the outbox."""


@notify.command("run")
@click.option(
    "--config", "config_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
    required=True, help="The sender's settings (TOML: [smtp], [sms]).",
)  # fmt: skip
@click.option("--once", is_flag=True, help="Send what is due and exit.")
@click.option("--interval", type=click.FloatRange(min=1), default=30.0, show_default=True,
              help="Seconds between two looks at the outbox.")  # fmt: skip
@click.pass_context
@friendly_errors
def run(ctx: click.Context, *, config_path: Path, once: bool, interval: float) -> None:
    """Send the outbox's due messages (once, or until stopped)."""
    from crm.controllers.notifications.channels import channels_from_settings
    from crm.controllers.notifications.sender import send_due

    try:
        data = tomllib.loads(config_path.read_text(encoding="utf-8"))
        channels = channels_from_settings(data, os.environ)
    except (OSError, tomllib.TOMLDecodeError, ValueError) as error:
        fail(translate("notify", "{path}: {reason}").format(path=config_path, reason=error))
        return
    if not channels:
        fail(translate("notify", "{path}: neither [smtp] nor [sms] is set").format(
            path=config_path))  # fmt: skip
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    ready = open_ready(ctx, seed_demo=False)
    try:
        while True:
            report = send_due(ready.database.sessions, channels=channels)
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


COMMANDS = [notify]
