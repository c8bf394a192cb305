"""``clinic-crm db …``: migrate, check, and fill the database with the demo clinic."""

from __future__ import annotations

import datetime as dt
import sys

import click

from crm.commands.common import fail, friendly_errors, open_ready, settings_of
from crm.i18n import translate


@click.group()
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
        ready = open_ready(ctx)
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


@click.command("demo-data")
@click.option("--patients", type=click.IntRange(1, 2_000_000), default=2000, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), help="Pretend today is this date.")
@click.pass_context
@friendly_errors
def demo_data(ctx: click.Context, patients: int, seed: int, today: dt.datetime | None) -> None:
    """Fill an empty database with the demo clinic (deterministic for a seed)."""
    from crm.controllers import demo

    ready = open_ready(ctx, seed_demo=False)
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


COMMANDS = (db, demo_data)
