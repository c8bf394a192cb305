"""A restored database gets its PostgreSQL roles back: groups, grants, and staff logins.

A backup carries no privileges (``pg_restore --no-privileges``: the roles of the server
it came from need not exist where it goes) and its ``app_user.db_role`` names the roles
of the database it was taken from (``login@clinic``). Restored as ``clinic_copy`` on
the same server, its accounts would share those roles, so that a password changed in
the copy would change in the clinic. So: the groups are created before the replay (the
row-level policies name them), and after it the grants of
:mod:`crm.models.database_roles` are applied again and every account is attached to the
role of *this* database, ``login@clinic_copy`` — created without a password where it did
not exist (a password hash cannot become a PostgreSQL password: `user passwd` sets it).
"""

from __future__ import annotations

import sqlalchemy as sa

from crm.db import migrate
from crm.models.database_roles import (
    apply_grants,
    create_groups_statement,
    function_grant_statements,
)

#: The role an account gets in this database (as ``crm_sync_login`` names it).
_OWN_ROLE = "left(lower(login), 30) || '@' || left(current_database(), 32)"


def create_groups(url: str) -> None:
    """Create the group roles missing on the server (needs CREATEROLE when any is missing)."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as connection:
            connection.execute(sa.text(create_groups_statement()))
    finally:
        engine.dispose()


def reattach_roles(url: str) -> list[str] | None:
    """Grant the groups their privileges and give each account this database's role.

    Returns the logins whose role was created now and so has no password yet, or
    ``None`` when the restored schema is not at the program's revision (then
    ``db upgrade`` brings the roles with the schema).
    """
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as connection:
            if migrate.current_revision(connection) != migrate.head_revision():
                return None
            for statement in function_grant_statements():
                connection.execute(sa.text(statement))
            apply_grants(connection)
            connection.execute(sa.text("REVOKE CREATE ON SCHEMA public FROM PUBLIC"))
            connection.execute(
                sa.text(f"UPDATE app_user SET db_role = NULL WHERE db_role <> {_OWN_ROLE}")
            )
            without_password = list(
                connection.execute(
                    sa.text(
                        f"SELECT login FROM app_user WHERE active AND NOT EXISTS "
                        f"(SELECT 1 FROM pg_roles WHERE rolname = {_OWN_ROLE}) ORDER BY login"
                    )
                ).scalars()
            )
            connection.execute(sa.text("SELECT crm_sync_login(id, NULL) FROM app_user ORDER BY id"))
            return without_password
    finally:
        engine.dispose()
