"""Alembic migrations driven from Python (script location ``crm:migrations``)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory


def alembic_config(connection: sa.Connection | None = None) -> Config:
    """An Alembic config for the package's migrations, bound to ``connection`` if given."""
    config = Config()
    config.set_main_option("script_location", "crm:migrations")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest revision shipped with this version of the program."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "no migrations found"
    return head


class NewerDatabase(Exception):
    """The database was migrated by a newer version of the program."""


def known_revision(revision: str) -> bool:
    """Whether this program ships the migration ``revision``."""
    script = ScriptDirectory.from_config(alembic_config())
    return any(r.revision == revision for r in script.walk_revisions())


def current_revision(connection: sa.Connection) -> str | None:
    """The revision the database is at, or ``None`` if it was never migrated."""
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: sa.Engine, target: str = "head") -> None:
    """Upgrade the database to ``target`` in one transaction.

    Two workstations upgrading at once queue on an advisory lock instead of racing.

    Raises:
        NewerDatabase: the database is at a revision this program does not know.
    """
    with engine.begin() as connection:
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext('crm migrations'))"))
        current = current_revision(connection)
        if current is not None and not known_revision(current):
            raise NewerDatabase(current)
        command.upgrade(alembic_config(connection), target)


def downgrade(engine: sa.Engine, target: str) -> None:
    """Downgrade the database to ``target`` (``"base"`` drops everything we created)."""
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), target)
