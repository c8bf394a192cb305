"""``clinic-crm clinic …``: the clinic's details, for scripted installs (``set``, ``show``,
``telemedicine``).

On an empty database ``clinic set`` is the setup wizard's twin: it needs
``--admin-login`` and creates the first administrator (password from the prompt or
standard input). Later it changes the given details only, as an administrator
(``--as LOGIN``).
"""

from __future__ import annotations

import dataclasses

import click

from crm.commands.common import (
    as_option,
    command_line_actor,
    fail,
    friendly_errors,
    open_ready,
    read_password,
)
from crm.i18n import translate

#: Option name → profile field.
_OPTIONS = {
    "name": "name",
    "short_name": "short_name",
    "address": "address",
    "phone": "phone",
    "ogrn": "ogrn",
    "licence": "licence",
    "timezone": "timezone",
    "ticket_paper": "ticket_format",
}


@click.group()
def clinic() -> None:
    """The clinic's details: set, show."""


@clinic.command("set")
@click.option("--name", help="Full name (as on the licence).")
@click.option("--short-name", help="Short name for tickets and the window title.")
@click.option("--address", help="Address.")
@click.option("--phone", help="Phone.")
@click.option("--ogrn", help="OGRN (13 digits, checked).")
@click.option("--licence", help="Licence number.")
@click.option("--timezone", help="IANA timezone, e.g. Europe/Moscow.")
@click.option("--ticket-paper", type=click.Choice(["roll80", "a6", "a5"]), help="Ticket paper.")
@click.option("--admin-login", help="First setup only: the first administrator's login.")
@click.option("--admin-name", default="", help="First setup only: the administrator's name.")
@as_option("Act as this administrator.")
@click.pass_context
@friendly_errors
def clinic_set(
    ctx: click.Context,
    admin_login: str | None,
    admin_name: str,
    as_login: str | None,
    **values: str | None,
) -> None:
    """Set the clinic's details (the first time: and its first administrator)."""
    from crm.controllers.clinic import profile, setup

    given = {_OPTIONS[option]: value for option, value in values.items() if value is not None}
    ready = open_ready(ctx)
    db = ready.database.sessions
    try:
        if ready.needs_setup:
            if not admin_login:
                fail(
                    translate(
                        "cli",
                        "the clinic is not set up yet: give --admin-login for its first "
                        "administrator",
                    )
                )
            password = read_password()
            form = dataclasses.replace(profile.ProfileForm(), **given)
            admin = setup.AdminForm(admin_login or "", admin_name, password, password)
            stored = setup.set_up(db, form, admin, via="cli")
            click.echo(
                translate("cli", "Clinic «{name}» set up; administrator {login} created").format(
                    name=stored.name, login=admin_login
                )
            )
            return
        if admin_login:
            fail(translate("cli", "the clinic is set up already: add users with «user add»"))
        actor = command_line_actor(db, as_login)
        current = profile.read_profile(db)
        base = current.as_form() if current is not None else profile.ProfileForm()
        stored = profile.save_profile(db, actor, dataclasses.replace(base, **given))
        click.echo(translate("cli", "Clinic details saved: {name}").format(name=stored.name))
    finally:
        ready.database.dispose()


@clinic.command("show")
@click.pass_context
@friendly_errors
def clinic_show(ctx: click.Context) -> None:
    """Print the clinic's details."""
    from crm.controllers.clinic import profile

    ready = open_ready(ctx)
    try:
        stored = profile.read_profile(ready.database.sessions)
    finally:
        ready.database.dispose()
    if stored is None:
        fail(translate("cli", "the clinic is not set up yet: run «clinic set» or the program"))
        return
    form = stored.as_form()
    for field in profile.FIELDS:
        click.echo(f"{profile.field_title(field)}: {getattr(form, field) or '—'}")


@clinic.command("telemedicine")
@click.argument("template", required=False)
@click.option("--off", is_flag=True, help="Stop making links (remote visits take typed ones).")
@as_option("Act as this administrator.")
@click.pass_context
@friendly_errors
def clinic_telemedicine(
    ctx: click.Context, template: str | None, off: bool, as_login: str | None
) -> None:
    """Show or set the video-link template of remote visits, e.g.
    https://meet.clinic.ru/{room} ({room} becomes a new random room per visit)."""
    from crm.controllers.schedule import telemedicine

    ready = open_ready(ctx)
    try:
        if template is None and not off:  # reading it needs nobody's name
            shown = telemedicine.link_template(ready.database.sessions)
        else:
            actor = command_line_actor(ready.database.sessions, as_login)
            shown = telemedicine.set_link_template(
                ready.database.sessions, actor, "" if off else template or ""
            )
    finally:
        ready.database.dispose()
    click.echo(shown or translate("cli", "no video provider: remote visits take typed links"))


COMMANDS = [clinic]
