"""``clinic-crm import patients FILE``: patients' cards from a CSV or XLSX file;
``clinic-crm import ratings FILE``: patients' ratings (e.g. the patients' app's export).

Prints a summary and every rejected row (row number as in the file, field, reason).
Exit status: 0 when every row was imported or already present, 1 when some rows were
rejected, 2 when the file itself cannot be read. ``--dry-run`` checks and counts
without writing; ``--errors OUT.xlsx`` writes the rejected rows to a workbook.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from crm.commands.common import as_option, command_line_actor, fail, friendly_errors, open_ready
from crm.controllers.patients.importing import write_rejected_workbook
from crm.i18n import translate

if TYPE_CHECKING:
    from crm.controllers.patients.importing import ImportResult


def _summary(result: ImportResult) -> list[str]:
    lines = [
        translate(
            "import",
            "{file}: {total} rows; imported {imported}, already present {present}, "
            "rejected {rejected}",
        ).format(
            file=result.file_name,
            total=result.total,
            imported=result.imported,
            present=result.already_present,
            rejected=result.rejected_rows,
        )
    ]
    if result.dry_run:
        lines.append(translate("import", "Dry run: nothing was written"))
    if result.unknown_columns:
        lines.append(
            translate("import", "Columns not imported: {columns}").format(
                columns=", ".join(result.unknown_columns)
            )
        )
    return lines


def _import_options(command: Callable[..., None]) -> Callable[..., None]:
    """FILE, ``--dry-run``, ``--errors OUT.xlsx`` and ``--as LOGIN``, friendly errors."""
    for option in reversed((
        click.argument("file", type=click.Path(dir_okay=False, path_type=Path)),
        click.option("--dry-run", is_flag=True, help="Check and report, write nothing."),
        click.option(
            "--errors", "errors_path", type=click.Path(dir_okay=False, path_type=Path),
            metavar="OUT.xlsx", help="Write the rejected rows to this workbook.",
        ),
        as_option("Act as this user."),
        click.pass_context,
        friendly_errors,
    )):  # fmt: skip
        command = option(command)
    return command


@click.group("import")
def import_group() -> None:
    """Import data from files."""


@import_group.command("patients")
@_import_options
def import_patients_command(
    ctx: click.Context,
    file: Path,
    dry_run: bool,
    errors_path: Path | None,
    as_login: str | None,
) -> None:
    """Import patients' cards from a CSV (UTF-8 or cp1251) or XLSX file."""
    from crm.controllers.patients.importing import ImportFileError, import_table, read_patient_table

    try:
        table = read_patient_table(file)
    except ImportFileError as exc:
        fail(exc.message, code=2)
        raise  # not reached: fail() exits
    ready = open_ready(ctx)
    try:
        db = ready.database.sessions
        actor = command_line_actor(db, as_login)
        result = import_table(db, actor, ready.keyring, table, file_name=file.name, dry_run=dry_run)
    finally:
        ready.database.dispose()
    _report(result, errors_path)


def _report(result: ImportResult, errors_path: Path | None) -> None:
    """The summary and the rejected rows on stdout; exit 1 if some rows were rejected."""
    for line in _summary(result):
        click.echo(line)
    for problem in result.rejected:
        click.echo(
            translate("import", "row {row}: {field}: {reason}").format(
                row=problem.row, field=problem.field, reason=problem.message
            )
        )
    if errors_path is not None:
        write_rejected_workbook(result, errors_path)
        click.echo(translate("import", "Rejected rows written to {path}").format(path=errors_path))
    if result.rejected:
        sys.exit(1)


@import_group.command("ratings")
@_import_options
def import_ratings_command(
    ctx: click.Context,
    file: Path,
    dry_run: bool,
    errors_path: Path | None,
    as_login: str | None,
) -> None:
    """Import patients' ratings (date, rating 1–5, comment, visit, doctor…) from CSV or XLSX."""
    from crm.controllers.feedback.importing import ImportFileError, import_ratings

    ready = open_ready(ctx)
    try:
        db = ready.database.sessions
        try:
            result = import_ratings(db, command_line_actor(db, as_login), file, dry_run=dry_run)
        except ImportFileError as exc:
            fail(exc.message, code=2)
            raise  # not reached: fail() exits
    finally:
        ready.database.dispose()
    _report(result, errors_path)


#: Registered by :mod:`crm.cli`.
COMMANDS = [import_group]
