"""``clinic-crm report``: managers' Excel reports from the command line.

``clinic-crm report --list`` names the reports and their filters;
``clinic-crm report NAME --from DATE --to DATE [filters] -o FILE.xlsx`` writes one
(journaled as an export by the user of ``--as``, else the only active manager).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click

from crm.commands.common import as_option, command_line_actor, friendly_errors, open_ready
from crm.i18n import translate
from crm.models.enums import AppointmentKind, AppointmentStatus

DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y"]


def _open(ctx: click.Context) -> Any:

    return open_ready(ctx)


def _list() -> None:
    from crm.controllers.reports import list_reports
    from crm.controllers.reports.common import filter_title

    for info in list_reports():
        filters = ", ".join(filter_title(f) for f in info.filters) or "—"
        click.echo(f"{info.name:<14} {info.title}. {info.description}")
        click.echo(f"{'':<14} " + translate("reports", "filters: {filters}").format(
            filters=filters))  # fmt: skip


@click.command("report")
@click.argument("name", required=False)
@click.option("--list", "show_list", is_flag=True, help="List the reports and their filters.")
@click.option("--from", "date_from", type=click.DateTime(DATE_FORMATS), help="First day.")
@click.option("--to", "date_to", type=click.DateTime(DATE_FORMATS), help="Last day.")
@click.option("--branch", "branch_id", type=int, help="Branch id.")
@click.option("--specialty", "specialty_code", metavar="CODE", help="Specialty code.")
@click.option("--doctor", "doctor_id", type=int, help="Doctor id.")
@click.option("--kind", type=click.Choice([k.value for k in AppointmentKind]))
@click.option("--status", type=click.Choice([s.value for s in AppointmentStatus]))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The workbook to write (.xlsx).",
)
@as_option("Act as this user.")
@click.pass_context
@friendly_errors
def report(
    ctx: click.Context,
    *,
    name: str | None,
    show_list: bool,
    date_from: dt.datetime | None,
    date_to: dt.datetime | None,
    branch_id: int | None,
    specialty_code: str | None,
    doctor_id: int | None,
    kind: str | None,
    status: str | None,
    output: Path | None,
    as_login: str | None,
) -> None:
    """Write a manager's report as an Excel workbook (or list the reports)."""  # fmt: skip
    if show_list:
        _list()
        return
    if not name:
        raise click.UsageError(translate("reports", "name a report, or use --list"))
    if date_from is None or date_to is None:
        raise click.UsageError(translate("reports", "give the period with --from and --to"))
    if output is None:
        raise click.UsageError(translate("reports", "give the file to write with -o FILE.xlsx"))
    if output.suffix.lower() != ".xlsx":
        output = output.with_suffix(".xlsx")
    from crm.controllers.reports import ReportParams, definition, export_report
    from crm.controllers.schedule.slots import specialty_by_code

    definition(name)  # an unknown name fails before the database is opened
    ready = _open(ctx)
    try:
        db = ready.database.sessions
        actor = command_line_actor(db, as_login)
        params = ReportParams(
            date_from.date(),
            date_to.date(),
            branch_id=branch_id,
            specialty_id=specialty_by_code(db, specialty_code) if specialty_code else None,
            doctor_id=doctor_id,
            kind=AppointmentKind(kind) if kind else None,
            status=AppointmentStatus(status) if status else None,
        )
        result = export_report(db, actor, name, params, output)
    finally:
        ready.database.dispose()
    if result.no_data:
        click.echo(result.no_data, err=True)
    click.echo(
        translate("reports", "{title}: {rows} rows written to {path}").format(
            title=result.title, rows=result.rows, path=result.path
        )
    )


#: Registered by :mod:`crm.cli`.
COMMANDS = [report]
