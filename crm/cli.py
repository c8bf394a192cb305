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


class _Subcommands(click.Group):
    """The ``clinic-crm`` group: its subcommands are imported when one is asked for.

    Every module of :mod:`crm.commands` lists its commands in ``COMMANDS`` (a module per
    feature, no list to edit here). They import the controllers and SQLAlchemy, so they
    are loaded only when a subcommand or the help is needed: ``--version`` and the start
    of the GUI do not pay for them.
    """

    _loaded = False

    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        import importlib
        import pkgutil

        import crm.commands

        for info in sorted(pkgutil.iter_modules(crm.commands.__path__), key=lambda i: i.name):
            module = importlib.import_module(f"crm.commands.{info.name}")
            for command in getattr(module, "COMMANDS", ()):
                self.add_command(command)

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._load()
        return super().list_commands(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        self._load()
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
