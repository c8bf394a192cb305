"""The ``clinic-crm`` command: the GUI by default, administration subcommands otherwise.

Global options come before the subcommand: ``clinic-crm --database URL db upgrade``.
Errors are one line on stderr and a non-zero exit status, never a traceback.
"""

from __future__ import annotations

import sys

import click

from crm import __version__
from crm.config import ConfigError, remember_own_clinic, resolve
from crm.i18n import set_language

#: Each subcommand's name → the module of :mod:`crm.commands` that defines it. A command
#: imports only its own module (and what that module imports), so ``clinic-crm slots``
#: does not pay for the reports, the spreadsheets or argon2. A new command module adds
#: its names here; ``tests/unit/test_cli_imports.py`` checks this map against every
#: module's ``COMMANDS``.
COMMAND_MODULES: dict[str, str] = {
    "book": "crm.commands.booking",
    "cancel": "crm.commands.booking",
    "slots": "crm.commands.booking",
    "clinic": "crm.commands.clinic",
    "db": "crm.commands.database",
    "demo-data": "crm.commands.database",
    "directory": "crm.commands.directories",
    "document": "crm.commands.medical",
    "key": "crm.commands.keys",
    "payment": "crm.commands.payments",
    "receipt": "crm.commands.payments",
    "bonus": "crm.commands.payments",
    "feedback": "crm.commands.payments",
    "import": "crm.commands.patients",
    "notify": "crm.commands.notify",
    "referral": "crm.commands.referrals",
    "report": "crm.commands.reports",
    "service": "crm.commands.service",
    "ticket": "crm.commands.tickets",
    "daylist": "crm.commands.tickets",
    "user": "crm.commands.users",
}


class _Subcommands(click.Group):
    """The ``clinic-crm`` group: a subcommand's module is imported when it is asked for.

    Every module of :mod:`crm.commands` lists its commands in ``COMMANDS``; the group
    knows only their names (:data:`COMMAND_MODULES`). The modules import the controllers
    and SQLAlchemy, so ``--version`` and the start of the GUI import none of them, and a
    subcommand imports its own module alone. The help (which lists every command) loads
    them all.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMAND_MODULES)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMAND_MODULES:
            import importlib

            module = importlib.import_module(COMMAND_MODULES[cmd_name])
            for command in getattr(module, "COMMANDS", ()):
                self.add_command(command)
        return super().get_command(ctx, cmd_name)


@click.group(
    cls=_Subcommands,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option(
    "--database", metavar="URL", help="PostgreSQL URL (overrides CRM_DATABASE_URL and config.toml)."
)
@click.option("--key-file", type=click.Path(dir_okay=False), help="Identity-document key file.")
@click.option("--lang", type=click.Choice(["ru", "en"]), help="Interface language (default: ru).")
@click.option(
    "--no-demo",
    is_flag=True,
    help="On the built-in server: the clinic's own empty database, set up by the wizard "
    "(the demo clinic stays apart). Remembered in config.toml (demo = false).",
)
@click.version_option(__version__, prog_name="clinic-crm")
@click.pass_context
def main(
    ctx: click.Context, database: str | None, key_file: str | None, lang: str | None, no_demo: bool
) -> None:
    """Registratura, the clinic front-desk CRM. Without a command, opens the program."""
    try:
        settings = resolve(database=database, key_file=key_file, lang=lang)
    except ConfigError as exc:
        from crm.commands.common import fail

        fail(str(exc))
    set_language(settings.lang)
    from crm.logs import setup_logging

    setup_logging()
    if no_demo and settings.embedded and settings.demo:
        try:
            remember_own_clinic()
        except ConfigError as exc:  # the start goes on; the next one may open the demo
            click.echo(str(exc), err=True)
    own_clinic = settings.embedded and (no_demo or not settings.demo)
    ctx.obj = {"settings": settings, "no_demo": own_clinic}
    if ctx.invoked_subcommand is None:
        from crm.app import run_gui

        sys.exit(run_gui(settings, own_clinic=own_clinic))
