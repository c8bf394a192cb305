"""``clinic-crm directory export|import``: the clinic's directories as one XLSX workbook.

``directory export -o FILE.xlsx`` writes branches, rooms, specialties, doctors, weekly
hours, services and prices, a sheet each; ``directory import FILE.xlsx [--dry-run]``
reads them back, all or nothing, printing each sheet's counts and every problem as
«Лист «Врачи», строка 5, «Специальность»: …». Exit status 1 when there is a problem
(then nothing was written). Both act as ``--as LOGIN`` (a manager or an
administrator), else as the clinic's only manager.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from crm.commands.common import as_option, command_line_actor, friendly_errors, open_ready
from crm.i18n import translate

if TYPE_CHECKING:
    from crm.controllers.directories.workbook import ImportReport


@click.group("directory")
def directory() -> None:
    """The clinic's directories as one workbook: export, import."""


@directory.command("export")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
    metavar="FILE.xlsx", help="The workbook to write.",
)  # fmt: skip
@as_option("Act as this manager or administrator.")
@click.pass_context
@friendly_errors
def directory_export(ctx: click.Context, output: Path, as_login: str | None) -> None:
    """Write every directory into one XLSX workbook, a sheet each."""
    from crm.controllers.directories.workbook import export_directories

    ready = open_ready(ctx)
    try:
        db = ready.database.sessions
        counts = export_directories(db, command_line_actor(db, as_login), output)
    finally:
        ready.database.dispose()
    for sheet in counts:
        click.echo(
            translate("cli", "{sheet}: {rows} rows").format(sheet=sheet.sheet, rows=sheet.rows)
        )
    click.echo(output)


def report_lines(report: ImportReport) -> list[str]:
    """The counts of each sheet, then the outcome."""
    lines = [
        translate("cli", "{sheet}: {created} new, {changed} changed, {unchanged} unchanged").format(
            sheet=s.sheet, created=s.created, changed=s.changed, unchanged=s.unchanged
        )
        for s in report.sheets
    ]
    if report.problems:
        lines.append(
            translate("cli", "{file}: {count} problems, nothing was written").format(
                file=report.file_name, count=len(report.problems)
            )
        )
    elif report.dry_run:
        lines.append(translate("cli", "Dry run: nothing was written"))
    else:
        lines.append(
            translate("cli", "{file}: imported ({created} new, {changed} changed)").format(
                file=report.file_name, created=report.created, changed=report.changed
            )
        )
    return lines


@directory.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE.xlsx")
@click.option("--dry-run", is_flag=True, help="Check and count, write nothing.")
@as_option("Act as this manager or administrator.")
@click.pass_context
@friendly_errors
def directory_import(ctx: click.Context, file: Path, dry_run: bool, as_login: str | None) -> None:
    """Import the directories from an XLSX workbook: all of it, or nothing."""
    from crm.controllers.directories.workbook import import_directories

    ready = open_ready(ctx)
    try:
        db = ready.database.sessions
        actor = command_line_actor(db, as_login)
        report = import_directories(db, actor, file, dry_run=dry_run)
    finally:
        ready.database.dispose()
    for line in report_lines(report):
        click.echo(line)
    for problem in report.problems:
        click.echo(problem.text(), err=True)
    if report.problems:
        sys.exit(1)


#: Registered by :mod:`crm.cli`.
COMMANDS = [directory]
