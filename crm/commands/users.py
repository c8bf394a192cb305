"""``clinic-crm user …``: add, list, set a password, change a role, disable, enable, unlock,
issue a command-line token."""

from __future__ import annotations

import os
from pathlib import Path

import click

from crm.commands.common import fail, friendly_errors, open_ready, read_password
from crm.i18n import translate


@click.group()
def user() -> None:
    """User accounts: add, list, passwd, role, disable, enable, unlock."""


ROLES = ["registrar", "doctor", "manager", "admin"]


@user.command("add")
@click.argument("login")
@click.option("--role", type=click.Choice(ROLES), required=True)
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
    password = read_password()
    ready = open_ready(ctx)
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
    """List users with their roles, doctors and lock state."""
    from crm.controllers.access.users import list_users
    from crm.controllers.vocabulary import role_title

    ready = open_ready(ctx)
    try:
        rows = list_users(ready.database.sessions, actor=None)
    finally:
        ready.database.dispose()
    for row in rows:
        state = [] if row.active else [translate("cli", "disabled")]
        if row.locked and row.locked_until is not None:
            state.append(
                translate("cli", "locked until {time}").format(
                    time=row.locked_until.strftime("%d.%m.%Y %H:%M")
                )
            )
        doctor = f" [{row.doctor_name}]" if row.doctor_name else ""
        click.echo(
            f"{row.login:<20} {role_title(row.role):<16} {row.full_name}{doctor}"
            + (f"  ({', '.join(state)})" if state else "")
        )


@user.command("passwd")
@click.argument("login")
@click.pass_context
@friendly_errors
def user_passwd(ctx: click.Context, login: str) -> None:
    """Set a user's password (and lift a lockout)."""
    from crm.controllers.access.auth import set_password

    password = read_password()
    ready = open_ready(ctx)
    try:
        set_password(ready.database.sessions, login, password)
    finally:
        ready.database.dispose()
    click.echo(translate("cli", "Password of {login} changed").format(login=login))


@user.command("role")
@click.argument("login")
@click.argument("role", type=click.Choice(ROLES))
@click.option("--doctor-id", type=int, help="For doctors: the doctor this user is.")
@click.pass_context
@friendly_errors
def user_role(ctx: click.Context, login: str, role: str, doctor_id: int | None) -> None:
    """Give a user another role (the last active administrator keeps theirs)."""
    from crm.controllers.access.users import change_role
    from crm.controllers.vocabulary import role_title
    from crm.models.enums import Role

    ready = open_ready(ctx)
    try:
        change_role(ready.database.sessions, login, role, doctor_id=doctor_id, actor=None)
    finally:
        ready.database.dispose()
    click.echo(
        translate("cli", "{login} is now: {role}").format(login=login, role=role_title(Role(role)))
    )


def _set_active(ctx: click.Context, login: str, active: bool) -> None:
    from crm.controllers.access.users import set_active

    ready = open_ready(ctx)
    try:
        set_active(ready.database.sessions, login, active, actor=None)
    finally:
        ready.database.dispose()


@user.command("disable")
@click.argument("login")
@click.pass_context
@friendly_errors
def user_disable(ctx: click.Context, login: str) -> None:
    """Deactivate a user: no more logins (the journal keeps their past)."""
    _set_active(ctx, login, False)
    click.echo(translate("cli", "User {login} disabled").format(login=login))


@user.command("enable")
@click.argument("login")
@click.pass_context
@friendly_errors
def user_enable(ctx: click.Context, login: str) -> None:
    """Reactivate a deactivated user."""
    _set_active(ctx, login, True)
    click.echo(translate("cli", "User {login} enabled").format(login=login))


@user.command("unlock")
@click.argument("login")
@click.pass_context
@friendly_errors
def user_unlock(ctx: click.Context, login: str) -> None:
    """Lift a lockout after failed logins."""
    from crm.controllers.access.users import unlock

    ready = open_ready(ctx)
    try:
        lifted = unlock(ready.database.sessions, login, actor=None)
    finally:
        ready.database.dispose()
    if lifted:
        click.echo(translate("cli", "User {login} unlocked").format(login=login))
    else:
        click.echo(translate("cli", "User {login} was not locked").format(login=login))


@user.command("token")
@click.argument("login")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
    help="The token file to write (readable by its owner only).",
)  # fmt: skip
@click.option("--revoke", is_flag=True, help="Remove the user's token instead.")
@click.pass_context
@friendly_errors
def user_token(ctx: click.Context, login: str, output: Path | None, revoke: bool) -> None:
    """Issue LOGIN a command-line token (``--token-file FILE``), replacing the old one.

    Only its hash is kept: the file is the token; hand it to the user alone.
    """
    from crm.controllers.access import tokens

    if output is None and not revoke:
        raise click.UsageError(translate("cli", "give -o FILE: where to write the token"))
    ready = open_ready(ctx)
    try:
        if revoke:
            tokens.revoke(ready.database.sessions, login)
            click.echo(translate("cli", "The token of {login} revoked").format(login=login))
            return
        token = tokens.issue(ready.database.sessions, login)
    finally:
        ready.database.dispose()
    assert output is not None
    try:
        descriptor = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(token + "\n")
        output.chmod(0o600)
    except OSError as error:
        fail(translate("cli", "{path}: {reason}").format(path=output, reason=error.strerror))
    click.echo(
        translate("cli", "Token of {login} written to {path}").format(login=login, path=output)
    )


COMMANDS = (user,)
