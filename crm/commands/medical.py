"""``clinic-crm document add|list|get|withdraw|limit``: the medical card's documents.

The same controller as the card's «Медкарта» tab, so the same rules: a registrar
lists documents but never gets their contents, every ``get`` is journaled as an
opening, nothing is deleted (``withdraw`` with a reason). ``add`` prints only the new
document's id (for scripts).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from crm.commands.common import as_option, command_line_actor, friendly_errors, open_ready
from crm.i18n import translate
from crm.models.enums import DocumentKind

DATE_FORMATS = ["%d.%m.%Y", "%Y-%m-%d"]


@click.group("document")
def document_group() -> None:
    """Medical documents of a patient's card: add, list, get, withdraw."""


@document_group.command("add")
@click.argument("patient_id", type=int)
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--kind", type=click.Choice([k.value for k in DocumentKind]), required=True)
@click.option("--appointment", "appointment_id", type=int, help="The appointment it belongs to.")
@click.option("--date", "document_date", type=click.DateTime(DATE_FORMATS), metavar="DATE",
              help="The document's date (today if not given).")  # fmt: skip
@click.option("--title", help="Title (the file's name if not given).")
@click.option("--author", help="Author (the acting user if not given).")
@as_option("Act as this user.")
@click.pass_context
@friendly_errors
def add(
    ctx: click.Context,
    *,
    patient_id: int,
    file: Path,
    kind: str,
    appointment_id: int | None,
    document_date: dt.datetime | None,
    title: str | None,
    author: str | None,
    as_login: str | None,
) -> None:
    """Attach FILE to PATIENT_ID's card and print the document's id."""
    from crm.controllers.medical import documents

    ready = open_ready(ctx)
    try:
        db = ready.database.sessions
        row = documents.attach(
            db,
            command_line_actor(db, as_login),
            patient_id,
            file,
            kind=DocumentKind(kind),
            appointment_id=appointment_id,
            document_date=document_date.date() if document_date else None,
            title=title,
            author=author,
        )
    finally:
        ready.database.dispose()
    click.echo(row.id)


@document_group.command("list")
@click.argument("patient_id", type=int)
@as_option("Act as this user.")
@click.pass_context
@friendly_errors
def list_(ctx: click.Context, *, patient_id: int, as_login: str | None) -> None:
    """PATIENT_ID's documents, newest first: id, date, kind, title, size (withdrawn marked)."""
    from crm.controllers.medical import documents
    from crm.controllers.medical.files import size_text
    from crm.controllers.vocabulary import document_kind_title

    ready = open_ready(ctx)
    try:
        db = ready.database.sessions
        rows = documents.list_documents(db, command_line_actor(db, as_login), patient_id)
    finally:
        ready.database.dispose()
    if not rows:
        click.echo(translate("medical", "No documents"))
    for row in rows:
        line = "\t".join(
            (
                str(row.id),
                row.document_date.strftime("%d.%m.%Y"),
                document_kind_title(row.kind),
                row.title,
                size_text(row.size_bytes),
            )
        )
        if row.withdrawn:
            line += "\t" + translate("medical", "withdrawn: {reason}").format(
                reason=row.withdraw_reason
            )
        click.echo(line)


@document_group.command("get")
@click.argument("document_id", type=int)
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="Where to write the file.")  # fmt: skip
@as_option("Act as this user.")
@click.pass_context
@friendly_errors
def get(ctx: click.Context, *, document_id: int, output: Path, as_login: str | None) -> None:
    """Write DOCUMENT_ID's contents to a file (journaled as an opening)."""
    from crm.controllers.medical import documents

    if output.exists():
        raise click.UsageError(
            translate("medical", "{path} already exists: choose another file").format(path=output)
        )
    ready = open_ready(ctx)
    try:
        db = ready.database.sessions
        documents.save_copy(db, command_line_actor(db, as_login), document_id, output)
    finally:
        ready.database.dispose()
    click.echo(output)


@document_group.command("withdraw")
@click.argument("document_id", type=int)
@click.option("--reason", required=True, help="Why the document is withdrawn.")
@as_option("Act as this user.")
@click.pass_context
@friendly_errors
def withdraw(ctx: click.Context, *, document_id: int, reason: str, as_login: str | None) -> None:
    """Withdraw DOCUMENT_ID (it stays, marked, with the reason)."""
    from crm.controllers.medical import documents

    ready = open_ready(ctx)
    try:
        db = ready.database.sessions
        documents.withdraw(db, command_line_actor(db, as_login), document_id, reason)
    finally:
        ready.database.dispose()


@document_group.command("limit")
@click.argument("megabytes", type=int, required=False)
@as_option("Act as this user (an administrator).")
@click.pass_context
@friendly_errors
def limit(ctx: click.Context, *, megabytes: int | None, as_login: str | None) -> None:
    """Show, or set (an administrator), the largest file a card takes, in MB."""
    from crm.controllers.medical import documents

    ready = open_ready(ctx)
    try:
        db = ready.database.sessions
        actor = command_line_actor(db, as_login)
        if megabytes is None:
            click.echo(documents.size_limit_mb(db, actor))
        else:
            click.echo(documents.set_size_limit(db, actor, megabytes))
    finally:
        ready.database.dispose()


COMMANDS = [document_group]
