"""``clinic-crm db …``: migrate, check, and fill the database with the demo clinic."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from crm.commands.common import fail, friendly_errors, open_ready, read_password, settings_of
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
        mark = ("warn" if result.warning else "ok ") if result.ok else "FAIL"
        click.echo(f"  [{mark}] {result.name}: {result.detail}")
    failed = [r for r in results if not r.ok]
    if failed:
        fail(
            translate("cli", "{n} of {total} checks failed: {names}").format(
                n=len(failed), total=len(results), names=", ".join(r.name for r in failed)
            )
        )


# --- backups --------------------------------------------------------------------------------


def _size(size: int) -> str:
    return translate("backup", "{mb} MB").format(mb=f"{size / 1_000_000:.1f}")


@db.command("backup")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The backup file (default: a timestamped file in the backups folder).",
)
@click.pass_context
@friendly_errors
def db_backup(ctx: click.Context, output: Path | None) -> None:
    """Back up the database into one file: a pg_dump and its manifest."""
    from crm.db.backup import BackupError, make_backup
    from crm.db.database import open_database

    database = open_database(settings_of(ctx))
    try:
        result = make_backup(
            database.url, output, progress=lambda message: click.echo(message, err=True)
        )
    except BackupError as exc:
        fail(str(exc))
    finally:
        database.dispose()
    manifest = result.manifest
    click.echo(
        translate(
            "backup",
            "Backup written: {path}\n{size}, {tables} tables, {rows} rows, in {seconds} s; "
            "schema {rev}; key fingerprint {fp}",
        ).format(
            path=result.path,
            size=_size(result.size),
            tables=len(manifest.row_counts),
            rows=manifest.total_rows,
            seconds=f"{result.seconds:.1f}",
            rev=manifest.revision or translate("cli", "empty"),
            fp=manifest.key_fingerprint or "—",
        )
    )
    click.echo(
        translate(
            "backup",
            "The backup does not hold the identity-document key: keep a copy of the key "
            "(`clinic-crm key export FILE`) apart from the backups.",
        )
    )


@db.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--database",
    "target",
    metavar="URL",
    help="The empty database to restore into (default: this workstation's database).",
)
@click.pass_context
@friendly_errors
def db_restore(ctx: click.Context, file: Path, target: str | None) -> None:
    """Restore a backup into an empty database, then check it against the manifest."""
    from crm.config import normalise_url
    from crm.db.backup import BackupError
    from crm.db.database import open_database
    from crm.db.restore import restore_backup

    settings = settings_of(ctx)
    database = None
    if target:
        url = normalise_url(target)
    else:
        database = open_database(settings)
        url = database.url
    try:
        report = restore_backup(file, url, settings.key_file)
    except BackupError as exc:
        fail(str(exc))
    finally:
        if database is not None:
            database.dispose()
    manifest = report.manifest
    click.echo(
        translate(
            "backup",
            "Restored the backup of {created} (program {program}, PostgreSQL {server}) "
            "in {seconds} s",
        ).format(
            created=manifest.created_at,
            program=manifest.program_version,
            server=manifest.server_version,
            seconds=f"{report.seconds:.1f}",
        )
    )
    marks = {"ok": "ok ", "warning": "WARN", "failed": "FAIL"}
    for finding in report.findings:
        click.echo(f"  [{marks[finding.level]}] {finding.text}")
    if not report.ok:
        fail(
            translate(
                "backup",
                "the restored database does not match the backup: do not use it; "
                "drop it and restore again from an intact file",
            )
        )


# --- demo data ------------------------------------------------------------------------------


@db.command("desk-role")
@click.argument("name")
@click.pass_context
@friendly_errors
def db_desk_role(ctx: click.Context, name: str) -> None:
    """Create the role a workstation connects as before anyone logs in (crm_gate).

    Run as the database's owner; the password is asked for (or read from standard
    input). Giving an existing desk's name sets a new password.
    """
    import re

    import sqlalchemy as sa

    from crm.controllers.access.database_login import create_desk_role
    from crm.db.database import open_database

    if not re.fullmatch(r"[A-Za-z0-9_.-]{1,40}", name):
        fail(
            translate(
                "cli", "Desk name: use 1 to 40 Latin letters, digits, dots, dashes or underscores"
            )
        )
    password = read_password()
    if len(password) < 12:
        fail(translate("cli", "Password: at least 12 characters for a desk's role"))
    database = open_database(settings_of(ctx))
    try:
        with database.sessions() as session, session.begin():
            role = create_desk_role(session, name, password)
    except sa.exc.ProgrammingError as exc:
        fail(
            translate(
                "cli",
                "The server refused to create the role ({reason}): run this as the "
                "database's owner or a role with CREATEROLE",
            ).format(reason=str(exc.orig).strip().splitlines()[0])
        )
    finally:
        database.dispose()
    click.echo(
        translate("cli", "Desk role {role} is ready (member of crm_gate).").format(role=role)
    )
    click.echo(
        translate(
            "cli", "Point the workstation at: postgresql://{user}:PASSWORD@SERVER/{database}"
        ).format(user=role.replace("@", "%40"), database=role.rpartition("@")[2])
    )


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
