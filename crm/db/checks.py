"""Health checks of a database: reachable, Cyrillic-capable, extensions, migrations at head."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker

from crm.config import normalise_url
from crm.db import migrate
from crm.db.engine import make_engine
from crm.i18n import translate

REQUIRED_EXTENSIONS = ("btree_gist", "pg_trgm")


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check."""

    name: str
    ok: bool
    detail: str
    #: A risk that does not stop the program (``ok`` stays true), said aloud.
    warning: bool = False


def check_cyrillic(connection: sa.Connection) -> CheckResult:
    """Case folding must work for Cyrillic, or search by surname silently breaks."""
    lower_ok, ilike_ok = connection.execute(
        sa.text("SELECT lower('ИВАНОВ') = 'иванов', 'Иванов' ILIKE 'иванов'")
    ).one()
    trgm_ok = True
    if connection.execute(sa.text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")).first():
        # pg_trgm reads the libc ctype: with a C ctype it finds no trigrams in Cyrillic.
        trgm_ok = connection.execute(
            sa.text("SELECT cardinality(show_trgm('Иванов')) > 0")
        ).scalar_one()
    ctype = connection.execute(
        sa.text("SELECT datctype FROM pg_database WHERE datname = current_database()")
    ).scalar_one()
    ok = bool(lower_ok and ilike_ok and trgm_ok)
    detail = (
        translate("checks", "lower('ИВАНОВ') = 'иванов' (ctype {ctype})").format(ctype=ctype)
        if ok
        else translate(
            "checks",
            "the database's ctype is {ctype}: it does not know Cyrillic letters (lower('ИВАНОВ') "
            "is not 'иванов', or pg_trgm finds no trigrams), so patient search cannot work. "
            "Create the database with LC_CTYPE 'C.UTF-8' or 'ru_RU.UTF-8' "
            "(ENCODING 'UTF8', TEMPLATE template0).",
        ).format(ctype=ctype)
    )
    return CheckResult("cyrillic", ok, detail)


def check_extensions(connection: sa.Connection) -> CheckResult:
    """``btree_gist`` and ``pg_trgm`` must be installed (the migrations create them)."""
    installed = set(connection.execute(sa.text("SELECT extname FROM pg_extension")).scalars().all())
    missing = [name for name in REQUIRED_EXTENSIONS if name not in installed]
    if missing:
        return CheckResult(
            "extensions",
            False,
            translate("checks", "missing extensions: {names} (run `clinic-crm db upgrade`)").format(
                names=", ".join(missing)
            ),
        )
    return CheckResult("extensions", True, ", ".join(REQUIRED_EXTENSIONS))


def check_migrations(connection: sa.Connection) -> CheckResult:
    """The database must be at the newest migration this program ships."""
    current = migrate.current_revision(connection)
    head = migrate.head_revision()
    if current == head:
        return CheckResult(
            "migrations", True, translate("checks", "at head ({rev})").format(rev=head)
        )
    if current is not None and not migrate.known_revision(current):
        return CheckResult(
            "migrations",
            False,
            translate(
                "checks",
                "the database is at revision {current}, newer than this program knows "
                "(newest {head}): update the program on this workstation",
            ).format(current=current, head=head),
        )
    return CheckResult(
        "migrations",
        False,
        translate(
            "checks", "database at {current}, program needs {head}: run `clinic-crm db upgrade`"
        ).format(current=current or translate("checks", "empty"), head=head),
    )


def check_connection_role(connection: sa.Connection) -> CheckResult:
    """Warn when the program connects as a superuser or as the schema's owner: such a
    role passes every grant, row-level policy and the journal's protection."""
    user, superuser, owner = connection.execute(
        sa.text(
            "SELECT session_user, rolsuper, "
            "EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = 'public' "
            "        AND tablename = 'journal_entry' AND tableowner = session_user) "
            "FROM pg_roles WHERE rolname = session_user"
        )
    ).one()
    if superuser or owner:
        what = (
            translate("checks", "a superuser")
            if superuser
            else translate("checks", "the owner of the clinic's tables")
        )
        return CheckResult(
            "role",
            True,
            translate(
                "checks",
                "connected as {user}, {what}: the database's own refusals (grants, "
                "row-level security, the journal's protection) do not apply to it. "
                "Fine for the embedded server on one PC; a clinic's desks connect as "
                "crm_gate and log in as their own roles (README: the clinic's server)",
            ).format(user=user, what=what),
            warning=True,
        )
    return CheckResult("role", True, translate("checks", "connected as {user}").format(user=user))


def run_checks(engine: sa.Engine, key_file: Path | None = None) -> list[CheckResult]:
    """Run every check; stops early only when the server cannot be reached."""
    try:
        with engine.connect() as connection:
            version = connection.execute(sa.text("SHOW server_version")).scalar_one()
            results = [
                CheckResult("connection", True, f"PostgreSQL {version}"),
                check_cyrillic(connection),
                check_extensions(connection),
                check_migrations(connection),
                check_connection_role(connection),
            ]
    except sa.exc.OperationalError as exc:
        return [CheckResult("connection", False, str(exc.orig).strip().splitlines()[0])]
    if key_file is not None and all(r.ok for r in results):
        from crm.controllers.access.keys import KeyProblem, check_key

        try:
            ring = check_key(sessionmaker(bind=engine), key_file)
            results.append(CheckResult("key", True, ring.fingerprint))
        except KeyProblem as exc:
            results.append(CheckResult("key", False, str(exc)))
    return results


def check_server(url: str, key_file: Path | None = None) -> list[CheckResult]:
    """``clinic-crm db check`` against an address that is not (yet) the one in use.

    Opens a short-lived engine of its own (the settings page tests an address
    before saving it), runs :func:`run_checks` and closes it again. Any refusal of
    the server — a wrong password, a missing database, no right to read the
    catalogue — is a failed ``connection`` check, never an exception.
    """
    engine = make_engine(normalise_url(url), pool_size=1)
    try:
        return run_checks(engine, key_file=key_file)
    except sa.exc.DBAPIError as exc:
        return [CheckResult("connection", False, str(exc.orig).strip().splitlines()[0])]
    finally:
        engine.dispose()
