"""Engine and session factory for one workstation."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

from crm import __version__

#: libpq options for every connection of ours: give up on an unreachable server
#: quickly, and notice a half-open connection (pulled cable, paused VM) within about
#: half a minute instead of the operating system's hours.
CONNECT_ARGS: dict[str, Any] = {
    "connect_timeout": 5,
    "keepalives": 1,
    "keepalives_idle": 10,
    "keepalives_interval": 5,
    "keepalives_count": 3,
}


def make_engine(url: str | URL, *, pool_size: int = 4, echo: bool = False) -> sa.Engine:
    """An engine with pre-ping (a workstation outlives server restarts) and a tagged name."""
    return sa.create_engine(
        url,
        pool_size=pool_size,
        max_overflow=4,
        pool_pre_ping=True,
        pool_recycle=1800,
        echo=echo,
        connect_args={
            "application_name": f"registratura {__version__} @ {socket.gethostname()}"[:63],
            **CONNECT_ARGS,
        },
    )


def make_session_factory(engine: sa.Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded values after commit (results outlive the session)."""
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session in one transaction: commit on success, roll back on any error."""
    with factory() as session, session.begin():
        yield session


def describe_server(url: str | URL) -> str:
    """A short, password-free description of where the database is, for the status bar.

    A host list (a primary and its standbys) is shown as ``a:5432,b:5432``.
    """
    parsed = make_url(url)
    query_host = parsed.query.get("host")
    if isinstance(query_host, tuple):  # SQLAlchemy's own form: ?host=a:5432&host=b:5433
        hosts = [entry.partition(":")[0] for entry in query_host]
        ports = [entry.partition(":")[2] or "5432" for entry in query_host]
    else:
        hosts = str(parsed.host or query_host or "").split(",")
        ports = str(parsed.port or parsed.query.get("port") or "5432").split(",")
    places = []
    for index, host in enumerate(hosts):
        where = "local socket" if not host or host.startswith("/") else host
        port = ports[index] if index < len(ports) else ports[-1]
        places.append(f"{where}:{port}")
    return f"{parsed.username or ''}@{','.join(places)}/{parsed.database}"
