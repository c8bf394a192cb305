"""``clinic-crm user …``: add, list, set a password."""

from __future__ import annotations

import datetime as dt

import click

from crm.commands.common import fail, friendly_errors, open_ready, read_password
from crm.i18n import translate


@click.group()
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
    """List users with their roles and lock state."""
    from crm.controllers.access.auth import list_users
    from crm.controllers.vocabulary import role_title

    ready = open_ready(ctx)
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

    password = read_password()
    ready = open_ready(ctx)
    try:
        set_password(ready.database.sessions, login, password)
    finally:
        ready.database.dispose()
    click.echo(translate("cli", "Password of {login} changed").format(login=login))


COMMANDS = (user,)
