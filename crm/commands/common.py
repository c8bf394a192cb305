"""What every subcommand shares: one-line errors, the settings, the database, the actor.

Imports nothing of ``crm.cli``: the command line's top (``crm/cli.py``) imports the
command modules, never the other way round.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from crm.config import ConfigError, Settings
from crm.controllers.context import Actor
from crm.controllers.errors import DomainError, NotFound
from crm.i18n import translate
from crm.logs import log_file
from crm.models import User
from crm.models.enums import Role

F = TypeVar("F", bound=Callable[..., Any])

# The workstation written to the journal for actions taken on the command line.
WORKSTATION = "cli"


def command_line_actor(db: sessionmaker[Session], login: str | None) -> Actor:
    """The user a command acts as: ``--as LOGIN``, else the only active manager.

    No password is asked: the command line is an administrative tool for whoever
    can reach the database anyway; the journal still names the user and "cli".

    Raises:
        NotFound: no active user with that login.
        DomainError: no login given and not exactly one active manager.
    """
    with db() as session:
        if login:
            user = session.scalars(
                sa.select(User).where(sa.func.lower(User.login) == login.strip().lower())
            ).one_or_none()
            if user is None or not user.active:
                raise NotFound(
                    translate("booking", "No active user with login {login}").format(login=login)
                )
        else:
            managers = session.scalars(
                sa.select(User).where(User.role == Role.MANAGER, User.active).limit(2)
            ).all()
            if len(managers) != 1:
                raise DomainError(
                    translate(
                        "booking",
                        "Say who acts with --as LOGIN (there is not exactly one active manager)",
                    )
                )
            user = managers[0]
        # Loaded here: argon2 and the login machinery are for commands that act as someone.
        from crm.controllers.access.auth import actor_of

        return actor_of(session, user, WORKSTATION)


def fail(message: str, code: int = 1) -> None:
    """Print ``clinic-crm: error: message`` on stderr and exit with ``code``."""
    prefix = translate("cli", "error")
    click.echo(f"clinic-crm: {prefix}: {message}", err=True)
    sys.exit(code)


def friendly_errors(func: F) -> F:
    """Turn the program's known failures into one line on stderr (a line per bad field)."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from crm.controllers.access.keys import KeyProblem
        from crm.controllers.errors import DomainError, FormInvalid
        from crm.crypto import KeyFileError
        from crm.db.bootstrap import StartupProblem
        from crm.db.embedded import EmbeddedServerError
        from crm.db.migrate import NewerDatabase

        try:
            return func(*args, **kwargs)
        except FormInvalid as exc:
            # Every bad field, a line each: the user fixes them all in one go.
            for problem in exc.problems[:-1]:
                click.echo(f"clinic-crm: {problem.message}", err=True)
            fail(exc.problems[-1].message)
        except DomainError as exc:
            fail(exc.message)
        except (StartupProblem, KeyProblem, KeyFileError, ConfigError, EmbeddedServerError) as exc:
            fail(str(exc))
        except sa.exc.OperationalError as exc:
            detail = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            fail(translate("cli", "cannot reach the database: {detail}").format(detail=detail))
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
            # Alembic is imported only to migrate, so its error type only when one is raised.
            from alembic.util.exc import CommandError

            if isinstance(exc, CommandError):
                fail(str(exc).splitlines()[0])
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


def open_ready(ctx: click.Context, *, seed_demo: bool = True) -> Any:
    """The database, migrated and seeded when it is the embedded default.

    With ``clinic-crm --no-demo`` the embedded default is the clinic's own database,
    never seeded.
    """
    from crm.db.bootstrap import prepare

    return prepare(
        settings_of(ctx),
        progress=lambda m: click.echo(m, err=True),
        seed_demo=seed_demo,
        own_clinic=bool(ctx.obj.get("no_demo")),
    )


def read_password(confirm: bool = True) -> str:
    """A password from the prompt (twice when ``confirm``), or a line of standard input."""
    if not sys.stdin.isatty():
        line = sys.stdin.readline()
        if not line:
            fail(translate("cli", "no password on standard input"))
        return line.rstrip("\r\n")
    value: str = click.prompt(
        translate("cli", "Password"), hide_input=True, confirmation_prompt=confirm
    )
    return value
