"""A PostgreSQL server for the tests: ``CRM_TEST_DATABASE_URL`` or an embedded one.

The tests never touch the database named in ``CRM_TEST_DATABASE_URL`` beyond
connecting to it: they create their own databases on that server (``crm_test_*``),
migrate one to head as a template, clone it per need, and drop them at the end.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from pathlib import Path

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

from crm.config import normalise_url

PREFIX = "crm_test_"


class TestServer:
    """The server the tests run on, and the databases they created on it."""

    __test__ = False  # not a test class

    def __init__(self) -> None:
        self.embedded = None
        configured = os.environ.get("CRM_TEST_DATABASE_URL")
        if configured:
            self.maintenance_url = normalise_url(configured)
        else:
            from crm.db.embedded import EmbeddedServer

            self._tmp = Path(tempfile.mkdtemp(prefix="crm-test-pg-"))
            self.embedded = EmbeddedServer(self._tmp / "pgdata", delete_on_exit=True)
            self.maintenance_url = self.embedded.url("postgres")
        self.created: list[str] = []

    @property
    def kind(self) -> str:
        """``embedded`` or ``configured``."""
        return "embedded" if self.embedded else "configured"

    def _admin(self) -> psycopg.Connection:
        url = make_url(self.maintenance_url).set(drivername="postgresql")
        return psycopg.connect(url.render_as_string(hide_password=False), autocommit=True)

    def url_for(self, database: str) -> str:
        """A SQLAlchemy URL for ``database`` on this server."""
        return (
            make_url(self.maintenance_url)
            .set(database=database)
            .render_as_string(hide_password=False)
        )

    def create_database(
        self, *, template: str = "template0", ctype: str = "C.UTF-8", name: str | None = None
    ) -> str:
        """Create a fresh database and return its name."""
        name = name or f"{PREFIX}{uuid.uuid4().hex[:10]}"
        with self._admin() as conn:
            if template == "template0":
                conn.execute(
                    sql.SQL(
                        "CREATE DATABASE {} ENCODING 'UTF8' LC_COLLATE {} LC_CTYPE {} "
                        "TEMPLATE template0"
                    ).format(sql.Identifier(name), sql.Literal(ctype), sql.Literal(ctype))
                )
            else:
                conn.execute(
                    sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                        sql.Identifier(name), sql.Identifier(template)
                    )
                )
        self.created.append(name)
        return name

    def drop_database(self, name: str) -> None:
        """Drop a database this object created (closing others' connections to it)."""
        with self._admin() as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                (name,),
            )
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
            # Staff logins are the cluster's roles, named login@database: they go too.
            roles = conn.execute(
                "SELECT rolname FROM pg_roles WHERE rolname LIKE %s", (f"%@{name}",)
            ).fetchall()
            for (role,) in roles:
                conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))
        if name in self.created:
            self.created.remove(name)

    def close(self) -> None:
        """Drop every database created here and stop an embedded server."""
        for name in list(self.created):
            self.drop_database(name)
        if self.embedded is not None:
            self.embedded.stop()
            shutil.rmtree(self._tmp, ignore_errors=True)
