"""``clinic-crm ticket`` and ``daylist``: tickets and day lists as PDF files.

``clinic-crm ticket 123 -o ticket.pdf [--format roll80|a6|a5]`` writes the ticket of
appointment 123 (several ids: one page each); ``clinic-crm daylist --date 24.11.2026
[--doctor 5] -o list.pdf`` writes one doctor's day list or every doctor's. Each
written file is journaled as a print. The paths written are printed on stdout.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click

from crm.commands.common import as_option, command_line_actor, fail, friendly_errors, open_ready
from crm.i18n import translate
from crm.reports.paper import TicketFormat

DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y"]


def _open(ctx: click.Context) -> Any:

    return open_ready(ctx)


def _write(path: Path, data: bytes) -> None:

    try:
        path.write_bytes(data)
    except OSError as exc:
        fail(
            translate("tickets", "cannot write {path}: {reason}").format(
                path=path, reason=exc.strerror or exc
            )
        )


@click.command("ticket")
@click.argument("appointment_ids", metavar="APPOINTMENT_ID...", type=int, nargs=-1, required=True)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
    help="The PDF file to write.",
)  # fmt: skip
@click.option(
    "--format", "ticket_format", type=click.Choice([f.value for f in TicketFormat]),
    help="Paper: an 80 mm receipt roll, A6 or A5 (default: the clinic's choice).",
)  # fmt: skip
@as_option("Act as this user.")
@click.pass_context
@friendly_errors
def ticket(
    ctx: click.Context,
    *,
    appointment_ids: tuple[int, ...],
    output: Path,
    ticket_format: str | None,
    as_login: str | None,
) -> None:
    """Write the ticket(s) of appointment(s) to a PDF file (one page each)."""
    from crm.controllers.printing import tickets

    ready = _open(ctx)
    try:
        db = ready.database.sessions
        actor = command_line_actor(db, as_login)
        fmt = TicketFormat(ticket_format) if ticket_format else None
        document = tickets.tickets_document(db, actor, appointment_ids, fmt)
        _write(output, document.pdf)
        tickets.record_print(db, actor, document, str(output.resolve()))
    finally:
        ready.database.dispose()
    click.echo(output)


@click.command("daylist")
@click.option(
    "--date", "day", type=click.DateTime(DATE_FORMATS), required=True,
    metavar="DD.MM.YYYY", help="The day.",
)  # fmt: skip
@click.option("--doctor", "doctor_id", type=int, help="Only this doctor (default: all of the day).")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
    help="The PDF file to write.",
)  # fmt: skip
@click.option("--portrait", is_flag=True, help="A4 portrait instead of landscape.")
@as_option("Act as this user.")
@click.pass_context
@friendly_errors
def daylist(
    ctx: click.Context,
    *,
    day: dt.datetime,
    doctor_id: int | None,
    output: Path,
    portrait: bool,
    as_login: str | None,
) -> None:
    """Write a doctor's day list (or every doctor's of the day) to a PDF file."""
    from crm.controllers.printing import tickets

    ready = _open(ctx)
    try:
        db = ready.database.sessions
        actor = command_line_actor(db, as_login)
        document = tickets.day_list_document(db, actor, day.date(), doctor_id, portrait=portrait)
        _write(output, document.pdf)
        tickets.record_print(db, actor, document, str(output.resolve()))
    finally:
        ready.database.dispose()
    click.echo(output)


#: Registered by :mod:`crm.cli`.
COMMANDS = [ticket, daylist]
