"""The ``clinic-crm`` command: the GUI by default, administration subcommands otherwise.

Global options come before the subcommand: ``clinic-crm --database URL db upgrade``.
Errors are one line on stderr and a non-zero exit status, never a traceback.
"""

from __future__ import annotations

import sys

import click

from crm import __version__
from crm.commands.common import fail
from crm.config import ConfigError, resolve
from crm.i18n import set_language


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--database", metavar="URL", help="PostgreSQL URL (overrides CRM_DATABASE_URL and config.toml)."
)
@click.option("--key-file", type=click.Path(dir_okay=False), help="Identity-document key file.")
@click.option("--lang", type=click.Choice(["ru", "en"]), help="Interface language (default: ru).")
@click.version_option(__version__, prog_name="clinic-crm")
@click.pass_context
def main(ctx: click.Context, database: str | None, key_file: str | None, lang: str | None) -> None:
    """Registratura, the clinic front-desk CRM. Without a command, opens the program."""
    try:
        settings = resolve(database=database, key_file=key_file, lang=lang)
    except ConfigError as exc:
        fail(str(exc))
    set_language(settings.lang)
    from crm.logs import setup_logging

    setup_logging()
    ctx.obj = {"settings": settings}
    if ctx.invoked_subcommand is None:
        from crm.app import run_gui

        sys.exit(run_gui(settings))


def _register_subcommands() -> None:
    """Add every ``crm.commands`` module's ``COMMANDS`` (a module per feature, no list to edit)."""
    import importlib
    import pkgutil

    import crm.commands

    for info in sorted(pkgutil.iter_modules(crm.commands.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"crm.commands.{info.name}")
        for command in getattr(module, "COMMANDS", ()):
            main.add_command(command)


_register_subcommands()
