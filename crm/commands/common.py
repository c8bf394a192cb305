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
from pathlib import Path
from typing import Any, TypeVar

import click
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from crm.config import ConfigError, Settings
from crm.controllers.context import Actor
from crm.controllers.errors import DomainError
from crm.i18n import translate
from crm.logs import log_file

F = TypeVar("F", bound=Callable[..., Any])

# The workstation written to the journal for actions taken on the command line.
WORKSTATION = "cli"


#: The environment variable naming a token file when ``--token-file`` is not given.
TOKEN_FILE_ENV = "CRM_TOKEN_FILE"
_CREDENTIALS = "crm.credentials"


def _remember(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    ctx.meta.setdefault(_CREDENTIALS, {})[param.name] = value
    return value


def as_option(help_text: str = "Act as this user.") -> Callable[[F], F]:
    """``--as LOGIN`` with how the user proves it: ``--password-stdin`` or a prompt, or
    ``--token-file FILE`` (or ``$CRM_TOKEN_FILE``) an administrator issued.

    The command receives ``as_login``; :func:`command_line_actor` reads the rest.
    """

    def decorate(func: F) -> F:
        func = click.option(
            "--token-file", type=click.Path(dir_okay=False), envvar=TOKEN_FILE_ENV,
            expose_value=False, callback=_remember,
            help="A token file from «clinic-crm user token» (instead of a password).",
        )(func)  # fmt: skip
        func = click.option(
            "--password-stdin", is_flag=True, expose_value=False, callback=_remember,
            help="Read the user's password from the first line of standard input.",
        )(func)  # fmt: skip
        return click.option("--as", "as_login", metavar="LOGIN", help=help_text)(func)

    return decorate


def _credentials() -> dict[str, Any]:
    ctx = click.get_current_context(silent=True)
    return dict(ctx.meta.get(_CREDENTIALS, {})) if ctx is not None else {}


def command_line_actor(db: sessionmaker[Session], login: str | None) -> Actor:
    """The user a command acts as, who proved it: ``--as LOGIN`` with the password
    (``--password-stdin``, else a prompt on a terminal), or a token file.

    Never someone by default: a command that acts as a person names them. Every attempt
    is journaled as a login from the workstation "cli", refusals too.

    Raises:
        LoginRefused: wrong password or token, locked or disabled account.
        DomainError: nobody named, or no way to prove it.
    """
    credentials = _credentials()
    token_file = credentials.get("token_file")
    if token_file:
        from crm.controllers.access.tokens import login_with_token

        try:
            text = Path(token_file).read_text(encoding="utf-8")
        except OSError as error:
            raise DomainError(
                translate("cli", "token file {path}: {reason}").format(
                    path=token_file, reason=error.strerror or error
                )
            ) from error
        return login_with_token(db, text, WORKSTATION, as_login=login)
    if not login:
        raise DomainError(
            translate(
                "cli",
                "say who acts: --as LOGIN (the password from a prompt or --password-stdin) "
                "or --token-file FILE",
            )
        )
    if credentials.get("password_stdin"):
        line = sys.stdin.readline()
        if not line:
            raise DomainError(translate("cli", "no password on standard input"))
        password = line.rstrip("\r\n")
    elif sys.stdin.isatty():
        password = click.prompt(
            translate("cli", "Password of {login}").format(login=login), hide_input=True
        )
    else:
        raise DomainError(
            translate(
                "cli",
                "no terminal to ask the password of {login}: use --password-stdin or --token-file",
            ).format(login=login)  # fmt: skip
        )
    # Loaded here: argon2 and the login machinery are for commands that act as someone.
    from crm.controllers.access.auth import login as log_in

    return log_in(db, login, password, WORKSTATION)


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
