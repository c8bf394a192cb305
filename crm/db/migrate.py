"""Alembic migrations driven from Python (script location ``crm:migrations``).

Alembic itself (about a tenth of a second to import, more to read its scripts) is
loaded only when there is something to migrate: whether the database is at the
newest revision is one query (``alembic_version``) against the revisions read from
the names in ``crm/migrations/versions`` (:func:`head_revision`), so a command on a
database already at head never imports it.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa

if TYPE_CHECKING:
    from alembic.config import Config

#: Where the migration scripts are (``crm:migrations`` for Alembic).
VERSIONS_DIR = Path(__file__).resolve().parent.parent / "migrations" / "versions"

_REVISION = re.compile(r"^revision\b[^=\n]*=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)
_DOWN_REVISION = re.compile(r"^down_revision\b[^=\n]*=(.*)$", re.MULTILINE)
_QUOTED = re.compile(r"['\"]([^'\"]+)['\"]")


def alembic_config(connection: sa.Connection | None = None) -> Config:
    """An Alembic config for the package's migrations, bound to ``connection`` if given."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "crm:migrations")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@cache
def shipped_revisions() -> dict[str, tuple[str, ...]]:
    """Every revision this program ships → the revisions it follows.

    Read from the ``revision = "…"`` and ``down_revision = …`` lines of the scripts
    (no Alembic import); ``tests/unit/test_cli_imports.py`` checks it against
    Alembic's own reading.
    """
    found: dict[str, tuple[str, ...]] = {}
    for script in sorted(VERSIONS_DIR.glob("*.py")):
        text = script.read_text(encoding="utf-8")
        revision = _REVISION.search(text)
        if revision is None:
            continue
        down = _DOWN_REVISION.search(text)
        found[revision.group(1)] = tuple(_QUOTED.findall(down.group(1))) if down else ()
    return found


def head_revision() -> str:
    """The newest revision shipped with this version of the program."""
    revisions = shipped_revisions()
    followed = {parent for parents in revisions.values() for parent in parents}
    heads = [r for r in revisions if r not in followed]
    if len(heads) == 1:
        return heads[0]
    # Not one plain chain (or no scripts found beside the package): ask Alembic.
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "no migrations found"
    return head


class NewerDatabase(Exception):
    """The database was migrated by a newer version of the program."""


def known_revision(revision: str) -> bool:
    """Whether this program ships the migration ``revision``."""
    shipped = shipped_revisions()
    if shipped:
        return revision in shipped
    # No scripts readable beside the package (a bundle keeping them elsewhere): ask Alembic.
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    return any(r.revision == revision for r in script.walk_revisions())


def current_revision(connection: sa.Connection) -> str | None:
    """The revision the database is at, or ``None`` if it was never migrated."""
    if connection.execute(sa.text("SELECT to_regclass('alembic_version')")).scalar() is None:
        return None
    versions = connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalars()
    found = list(versions)
    if len(found) > 1:
        raise RuntimeError(f"the database has several migration heads: {', '.join(found)}")
    return found[0] if found else None


def upgrade(engine: sa.Engine, target: str = "head") -> None:
    """Upgrade the database to ``target`` in one transaction.

    Two workstations upgrading at once queue on an advisory lock instead of racing.
    A database already at the newest revision costs a query, not an Alembic run.

    Raises:
        NewerDatabase: the database is at a revision this program does not know.
    """
    with engine.begin() as connection:
        if target == "head" and current_revision(connection) == head_revision():
            return
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext('crm migrations'))"))
        current = current_revision(connection)
        if current is not None and not known_revision(current):
            raise NewerDatabase(current)
        from alembic import command

        command.upgrade(alembic_config(connection), target)


def downgrade(engine: sa.Engine, target: str) -> None:
    """Downgrade the database to ``target`` (``"base"`` drops everything we created)."""
    from alembic import command

    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), target)
