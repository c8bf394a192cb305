"""Opening the workstation's database: configured server or the embedded default."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from crm.config import Settings, data_dir
from crm.db.embedded import DATABASE_NAME, EmbeddedServer
from crm.db.engine import describe_server, make_engine, make_session_factory

log = logging.getLogger(__name__)


@dataclass
class Database:
    """An open database: its URL, engine and session factory (and the embedded server)."""

    url: str
    engine: sa.Engine
    sessions: sessionmaker[Session]
    embedded_server: EmbeddedServer | None = field(default=None, repr=False)

    @property
    def description(self) -> str:
        """Where the database is, for the status bar (no password)."""
        if self.embedded_server is not None:
            return f"embedded PostgreSQL ({self.embedded_server.pgdata})"
        # After a login on a gate desk the sessions are the person's own role: name that.
        bind = self.sessions.kw.get("bind")
        return describe_server(bind.url if isinstance(bind, sa.Engine) else self.url)

    def dispose(self) -> None:
        """Close the pool's connections."""
        self.engine.dispose()


def open_database(settings: Settings, *, embedded_database: str = DATABASE_NAME) -> Database:
    """Connect to the configured server, or start the embedded one and create its database.

    Args:
        settings: where the database is.
        embedded_database: the database of the embedded server to use (the demo
            clinic's by default; ``--no-demo`` keeps the clinic's own apart from it).
    """
    server: EmbeddedServer | None = None
    if settings.database_url is None:
        server = EmbeddedServer(data_dir() / "pgdata")
        url = server.ensure_database(embedded_database)
    else:
        url = settings.database_url
    engine = make_engine(url)
    return Database(
        url=url, engine=engine, sessions=make_session_factory(engine), embedded_server=server
    )
