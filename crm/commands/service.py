"""``clinic-crm service run [--once]``: the clinic's background service (scheduled backups,
sending the outbox through the channels an administrator set)."""

from __future__ import annotations

import signal
import threading
from typing import Any

import click

from crm.commands.common import fail, friendly_errors, settings_of
from crm.i18n import translate


@click.group()
def service() -> None:
    """The clinic's background service: runs the jobs that are due (scheduled backups,
    the notifications' sender)."""


def _echo(outcome: Any) -> None:
    mark = "ok " if outcome.ok else "FAIL"
    click.echo(f"[{mark}] {outcome.name}: {outcome.detail}")


@service.command("run")
@click.option("--once", is_flag=True, help="Run what is due now and exit.")
@click.option(
    "--interval",
    type=click.FloatRange(1, 3600),
    default=60,
    show_default=True,
    help="Seconds between looks at what is due.",
)
@click.pass_context
@friendly_errors
def service_run(ctx: click.Context, once: bool, interval: float) -> None:
    """Run the jobs that are due: once (--once), or every INTERVAL seconds until stopped."""
    from crm.db import service as jobs
    from crm.db.database import open_database

    settings = settings_of(ctx)
    database = open_database(settings)
    chosen = jobs.default_jobs(settings.key_file)
    try:
        if once:
            outcomes = jobs.run_due(database, chosen)
            for outcome in outcomes:
                _echo(outcome)
            if not outcomes:
                click.echo(translate("service", "Nothing is due."))
            if any(not outcome.ok for outcome in outcomes):
                fail(translate("service", "a job failed"))
            return
        stop = threading.Event()
        for name in ("SIGTERM", "SIGINT"):
            if hasattr(signal, name):
                signal.signal(getattr(signal, name), lambda *_args: stop.set())
        click.echo(
            translate(
                "service", "The clinic's service is running ({where}); Ctrl+C stops it."
            ).format(where=database.description),
            err=True,
        )
        jobs.run_forever(database, interval=interval, stop=stop, jobs=chosen, report=_echo)
    finally:
        database.dispose()


COMMANDS = (service,)
