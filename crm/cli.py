"""The ``clinic-crm`` command: the GUI by default, administration subcommands otherwise.

Global options come before the subcommand: ``clinic-crm --database URL db upgrade``.
Errors are one line on stderr and a non-zero exit status, never a traceback.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click
import sqlalchemy as sa
from alembic.util.exc import CommandError

from crm import __version__
from crm.config import ConfigError, Settings, resolve
from crm.i18n import set_language, translate
from crm.logs import log_file

F = TypeVar("F", bound=Callable[..., Any])


def fail(message: str, code: int = 1) -> None:
    """Print ``clinic-crm: error: message`` on stderr and exit with ``code``."""
    prefix = translate("cli", "error")
    click.echo(f"clinic-crm: {prefix}: {message}", err=True)
    sys.exit(code)


def friendly_errors(func: F) -> F:
    """Turn the program's known failures into one line on stderr."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from crm.controllers.access.keys import KeyProblem
        from crm.controllers.errors import DomainError
        from crm.crypto import KeyFileError
        from crm.db.bootstrap import StartupProblem
        from crm.db.embedded import EmbeddedServerError
        from crm.db.migrate import NewerDatabase

        try:
            return func(*args, **kwargs)
        except DomainError as exc:
            fail(exc.message)
        except (StartupProblem, KeyProblem, KeyFileError, ConfigError, EmbeddedServerError) as exc:
            fail(str(exc))
        except sa.exc.OperationalError as exc:
            detail = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            fail(translate("cli", "cannot reach the database: {detail}").format(detail=detail))
        except CommandError as exc:
            fail(str(exc).splitlines()[0])
        except NewerDatabase as exc:
            fail(
                translate(
                    "cli",
                    "the database is at revision {rev}, newer than this program: update the "
                    "program on this workstation",
                ).format(rev=exc)
            )
        except sa.exc.ProgrammingError as exc:
            detail = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            fail(
                translate("cli", "the database refused: {detail} (is it migrated?)").format(
                    detail=detail
                )
            )
        except sa.exc.DBAPIError as exc:
            # Only the server's first line: the full text repeats the SQL and its
            # parameters, which may hold a password hash or personal data.
            detail = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
            fail(translate("cli", "the database refused: {detail}").format(detail=detail))
        except Exception as exc:
            # Unexpected: still one line for the user; the traceback goes to the log
            # file (and to the terminal with CRM_DEBUG set).
            if os.environ.get("CRM_DEBUG"):
                raise
            logging.getLogger("crm.cli").exception("unexpected error")
            fail(
                translate("cli", "unexpected error: {kind}: {detail} (details in {log})").format(
                    kind=type(exc).__name__,
                    detail=str(exc).splitlines()[0] if str(exc) else "",
                    log=log_file(),
                ),
                code=2,
            )

    return wrapper  # type: ignore[return-value]


def settings_of(ctx: click.Context) -> Settings:
    """The resolved settings stored by the top-level command."""
    settings: Settings = ctx.obj["settings"]
    return settings


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


def _open_ready(ctx: click.Context, *, seed_demo: bool = True) -> Any:
    """The database, migrated and seeded when it is the embedded default."""
    from crm.db.bootstrap import prepare

    return prepare(
        settings_of(ctx), progress=lambda m: click.echo(m, err=True), seed_demo=seed_demo
    )


# --- db -------------------------------------------------------------------------------------


@main.group()
def db() -> None:
    """Database administration: upgrade, current, check."""


@db.command("upgrade")
@click.pass_context
@friendly_errors
def db_upgrade(ctx: click.Context) -> None:
    """Migrate the database to the newest schema and make sure it has a key."""
    from crm.controllers.access.keys import ensure_key
    from crm.db import migrate
    from crm.db.database import open_database

    settings = settings_of(ctx)
    database = open_database(settings)
    try:
        migrate.upgrade(database.engine)
        ring, created = ensure_key(database.sessions, settings.key_file)
        with database.engine.connect() as connection:
            revision = migrate.current_revision(connection)
    finally:
        database.dispose()
    click.echo(translate("cli", "Database at revision {rev}").format(rev=revision))
    if created:
        click.echo(
            translate(
                "cli",
                "Created a new identity-document key: {path} (fingerprint {fp}). "
                "Back it up and copy it to every workstation.",
            ).format(path=settings.key_file, fp=ring.fingerprint)
        )
    else:
        click.echo(translate("cli", "Key fingerprint {fp}").format(fp=ring.fingerprint))


@db.command("current")
@click.pass_context
@friendly_errors
def db_current(ctx: click.Context) -> None:
    """Show the database's migration revision and the program's."""
    from crm.db import migrate
    from crm.db.database import open_database

    database = open_database(settings_of(ctx))
    try:
        with database.engine.connect() as connection:
            current = migrate.current_revision(connection)
    finally:
        database.dispose()
    head = migrate.head_revision()
    click.echo(
        translate("cli", "database: {current}; program: {head}").format(
            current=current or translate("cli", "empty"), head=head
        )
    )
    if current != head:
        sys.exit(1)


@db.command("check")
@click.pass_context
@friendly_errors
def db_check(ctx: click.Context) -> None:
    """Check extensions, Cyrillic case folding, migrations and the key; exit 1 if any fail."""
    from crm.db.checks import run_checks
    from crm.db.database import open_database

    settings = settings_of(ctx)
    if settings.embedded:
        # The embedded database is the program's own: bring it up to date first.
        ready = _open_ready(ctx)
        engine = ready.database.engine
        where = ready.database.description
    else:
        database = open_database(settings)
        engine, where = database.engine, database.description
    try:
        results = run_checks(engine, key_file=settings.key_file)
    finally:
        engine.dispose()
    click.echo(where)
    for result in results:
        mark = "ok " if result.ok else "FAIL"
        click.echo(f"  [{mark}] {result.name}: {result.detail}")
    failed = [r for r in results if not r.ok]
    if failed:
        fail(
            translate("cli", "{n} of {total} checks failed: {names}").format(
                n=len(failed), total=len(results), names=", ".join(r.name for r in failed)
            )
        )


# --- demo data ------------------------------------------------------------------------------


@main.command("demo-data")
@click.option("--patients", type=click.IntRange(1, 2_000_000), default=2000, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), help="Pretend today is this date.")
@click.pass_context
@friendly_errors
def demo_data(ctx: click.Context, patients: int, seed: int, today: dt.datetime | None) -> None:
    """Fill an empty database with the demo clinic (deterministic for a seed)."""
    from crm.controllers import demo

    ready = _open_ready(ctx, seed_demo=False)
    try:
        summary = demo.load_demo(
            ready.database.sessions,
            ready.keyring,
            patients=patients,
            seed=seed,
            today=today.date() if today else None,
        )
    finally:
        ready.database.dispose()
    click.echo(summary.describe())


# --- users ----------------------------------------------------------------------------------


def _read_password(confirm: bool = True) -> str:
    if not sys.stdin.isatty():
        line = sys.stdin.readline()
        if not line:
            fail(translate("cli", "no password on standard input"))
        return line.rstrip("\r\n")
    value: str = click.prompt(
        translate("cli", "Password"), hide_input=True, confirmation_prompt=confirm
    )
    return value


@main.group()
def user() -> None:
    """User accounts: add, list, passwd."""


@user.command("add")
@click.argument("login")
@click.option(
    "--role", type=click.Choice(["registrar", "doctor", "manager", "admin"]), required=True
)
@click.option("--full-name", default="", help="Full name (ФИО) shown in the program.")
@click.option("--doctor-id", type=int, help="For doctors: the doctor this user is.")
@click.pass_context
@friendly_errors
def user_add(
    ctx: click.Context, login: str, role: str, full_name: str, doctor_id: int | None
) -> None:
    """Create a user; the password is asked for (or read from standard input)."""
    from crm.controllers.access.auth import add_user
    from crm.models.enums import Role

    if role == "doctor" and doctor_id is None:
        fail(translate("cli", "a doctor's account needs --doctor-id (the doctor it belongs to)"))
    password = _read_password()
    ready = _open_ready(ctx)
    try:
        user_id = add_user(
            ready.database.sessions, login, password, Role(role), full_name, doctor_id=doctor_id
        )
    finally:
        ready.database.dispose()
    click.echo(translate("cli", "User {login} created (id {id})").format(login=login, id=user_id))


@user.command("list")
@click.pass_context
@friendly_errors
def user_list(ctx: click.Context) -> None:
    """List users with their roles and lock state."""
    from crm.controllers.access.auth import list_users
    from crm.controllers.access.permissions import role_title

    ready = _open_ready(ctx)
    try:
        rows = list_users(ready.database.sessions)
    finally:
        ready.database.dispose()
    for row in rows:
        state = [] if row.active else [translate("cli", "disabled")]
        if row.locked_until and row.locked_until > dt.datetime.now(dt.UTC):
            state.append(
                translate("cli", "locked until {time}").format(
                    time=row.locked_until.astimezone().strftime("%d.%m.%Y %H:%M")
                )
            )
        click.echo(
            f"{row.login:<20} {role_title(row.role):<16} {row.full_name}"
            + (f"  ({', '.join(state)})" if state else "")
        )


@user.command("passwd")
@click.argument("login")
@click.pass_context
@friendly_errors
def user_passwd(ctx: click.Context, login: str) -> None:
    """Set a user's password (and lift a lockout)."""
    from crm.controllers.access.auth import set_password

    password = _read_password()
    ready = _open_ready(ctx)
    try:
        set_password(ready.database.sessions, login, password)
    finally:
        ready.database.dispose()
    click.echo(translate("cli", "Password of {login} changed").format(login=login))


def _register_subcommands() -> None:
    """Add every ``crm.commands`` module's ``COMMANDS`` (a module per feature, no list to edit)."""
    import importlib
    import pkgutil

    import crm.commands

    for info in sorted(pkgutil.iter_modules(crm.commands.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"crm.commands.{info.name}")
        for command in getattr(module, "COMMANDS", ()):
            main.add_command(command)


_register_subcommands()  # last: the command modules import crm.cli only inside functions
