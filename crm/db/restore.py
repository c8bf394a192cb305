"""Restoring a backup file (:mod:`crm.db.backup`) into an empty database, then checking it.

The order: read the manifest, refuse a database that already holds tables (naming
them, and those with rows), refuse a database whose ctype cannot fold Cyrillic,
unpack the dump checking its SHA-256 against the manifest (a damaged or altered file
is refused before anything is written), ``pg_restore`` it in one transaction (a
failure leaves the database empty), and compare the result with the manifest: every
table's rows, the schema revision (at head, or older and upgradeable) and the key
fingerprint, also against this workstation's key file.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from crm.crypto import KeyFileError, load_key_file
from crm.db import migrate, restored_roles
from crm.db.backup import (
    DUMP_NAME,
    BackupError,
    Manifest,
    libpq_command,
    read_manifest,
    revision_of,
    row_counts,
    stored_fingerprint,
    tool_version,
    user_tables,
)
from crm.db.checks import check_cyrillic
from crm.db.embedded import tool_path
from crm.i18n import translate

#: A column option some patched servers stamp on every column (see :func:`replay`).
STAMPED_COLUMN = re.compile(rb"^ALTER TABLE ONLY \S+ ALTER COLUMN \S+ SET \(pg_attver=\d+\);\s*$")
#: How many table names a refusal lists before "and N more".
NAMES_SHOWN = 8


class RestoreRefused(BackupError):
    """The target database is not fit to restore into; nothing was written."""


@dataclass(frozen=True)
class Finding:
    """One check after the restore: ``ok``, ``warning`` or ``failed``, and in words."""

    level: str
    text: str


@dataclass(frozen=True)
class RestoreReport:
    """What the restore did and what the checks found.

    Attributes:
        manifest: the backup's manifest.
        findings: the checks, in order.
        seconds: how long the restore and the checks took.
    """

    manifest: Manifest
    findings: list[Finding] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """No check failed (warnings allowed)."""
        return all(f.level != "failed" for f in self.findings)


def _names(names: list[str]) -> str:
    shown = ", ".join(names[:NAMES_SHOWN])
    if len(names) > NAMES_SHOWN:
        shown += translate("backup", " and {n} more").format(n=len(names) - NAMES_SHOWN)
    return shown


def refuse_unless_empty(connection: sa.Connection) -> None:
    """Refuse a database that already has tables; the message names them.

    Raises:
        RestoreRefused: the database has tables (those with rows are named first).
    """
    tables = user_tables(connection)
    if not tables:
        return
    counts = row_counts(connection)
    # The biggest tables first: they say best what the database is.
    filled = [
        f"{name} ({rows})"
        for name, rows in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        if rows
    ]
    if filled:
        raise RestoreRefused(
            translate(
                "backup",
                "The database is not empty: {n} tables have rows ({names}). Restore into a "
                "new, empty database (createdb -E UTF8 --locale=C.UTF-8 -T template0 NAME)",
            ).format(n=len(filled), names=_names(filled))
        )
    raise RestoreRefused(
        translate(
            "backup",
            "The database is not empty: it already has a schema ({n} tables, e.g. {names}), "
            "though no rows. Restore into a new, empty database "
            "(createdb -E UTF8 --locale=C.UTF-8 -T template0 NAME)",
        ).format(n=len(tables), names=_names(tables))
    )


def _check_target(url: str, manifest: Manifest) -> tuple[list[Finding], int]:
    """Refuse an unfit target; return warnings about it (an older server) and its major."""
    findings: list[Finding] = []
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            refuse_unless_empty(connection)
            cyrillic = check_cyrillic(connection)
            if not cyrillic.ok:
                raise RestoreRefused(cyrillic.detail)
            version_num = int(connection.execute(sa.text("SHOW server_version_num")).scalar_one())
    finally:
        engine.dispose()
    restore_major, _line = tool_version("pg_restore")
    if restore_major < version_num // 10000:
        raise RestoreRefused(
            translate(
                "backup",
                "The server is PostgreSQL {server}, but this program's pg_restore is version "
                "{tool} and cannot work with a newer server: update the program",
            ).format(server=version_num // 10000, tool=restore_major)
        )
    dumped_by = _major(manifest.pg_dump_version)
    if dumped_by is not None and dumped_by > restore_major:
        raise RestoreRefused(
            translate(
                "backup",
                "The backup was made with {dumped}, newer than this program's pg_restore "
                "{tool}: restore it with a newer version of the program",
            ).format(dumped=manifest.pg_dump_version, tool=restore_major)
        )
    if version_num // 10000 < manifest.server_version_num // 10000:
        findings.append(
            Finding(
                "warning",
                translate(
                    "backup",
                    "The backup comes from PostgreSQL {source}, this server is older "
                    "({target}): if the restore fails, restore onto PostgreSQL {source} or "
                    "newer",
                ).format(source=manifest.server_version_num // 10000, target=version_num // 10000),
            )
        )
    return findings, version_num // 10000


def _major(line: str) -> int | None:
    match = re.search(r"(\d+)", line)
    return int(match.group(1)) if match else None


def _unpack_dump(path: Path, manifest: Manifest, folder: Path) -> Path:
    """Unpack the dump, refusing one whose size or SHA-256 differs from the manifest."""
    dump = folder / DUMP_NAME
    digest = hashlib.sha256()
    size = 0
    try:
        with zipfile.ZipFile(path) as archive, archive.open(DUMP_NAME) as source:
            with dump.open("wb") as out:
                for chunk in iter(lambda: source.read(1 << 20), b""):
                    digest.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
    except (zipfile.BadZipFile, OSError) as exc:
        raise RestoreRefused(
            translate("backup", "The backup file is damaged: {error}").format(error=exc)
        ) from exc
    if size != manifest.dump_bytes or digest.hexdigest() != manifest.dump_sha256:
        raise RestoreRefused(
            translate(
                "backup",
                "The backup file is damaged or was altered: its dump does not match the "
                "manifest (SHA-256 {actual}, the manifest says {expected}). Nothing was "
                "restored",
            ).format(actual=digest.hexdigest()[:16], expected=manifest.dump_sha256[:16])
        )
    return dump


def replay(dump: Path, conninfo: str, env: dict[str, str], *, target_major: int) -> None:
    """Replay the dump into the database in one transaction (all or nothing).

    ``pg_restore`` writes the SQL and ``psql`` runs it, so that two kinds of line of the
    schema part (before the first ``COPY``) can be left out: ``pg_restore`` 17 and newer
    always begins with ``SET transaction_timeout = 0``, which PostgreSQL 16 and older
    refuse (left out for such a server); and some patched servers stamp every column
    with a ``pg_attver`` attribute option that a stock server refuses (such a server
    stamps the restored columns itself). Our migrations set no column options, so no
    other ``ALTER COLUMN … SET (…)`` is touched.

    Raises:
        BackupError: either program failed; the transaction left the database as it was.
    """
    with (
        tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as restore_err,
        tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as psql_err,
    ):
        restore = subprocess.Popen(
            [
                str(tool_path("pg_restore")),
                "--no-owner",
                "--no-privileges",
                "--file=-",
                str(dump),
            ],
            stdout=subprocess.PIPE,
            stderr=restore_err,
            env=env,
        )
        psql = subprocess.Popen(
            [
                str(tool_path("psql")),
                "--no-psqlrc",
                "--quiet",
                "--no-password",
                "--single-transaction",
                "--set=ON_ERROR_STOP=1",
                f"--dbname={conninfo}",
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=psql_err,
            env=env,
        )
        assert restore.stdout is not None and psql.stdin is not None
        old_server = target_major < 17
        in_schema = True
        try:
            for line in restore.stdout:
                if in_schema:
                    if line.startswith(b"COPY "):
                        in_schema = False
                    elif old_server and line.strip() == b"SET transaction_timeout = 0;":
                        continue
                    elif STAMPED_COLUMN.match(line):
                        continue
                psql.stdin.write(line)
        except BrokenPipeError:
            restore.kill()  # psql stopped at an error: its message is below
        finally:
            restore.stdout.close()
        if restore.wait() != 0:
            # A script cut short must not be committed: psql killed before it reads the
            # end of its input, so the server rolls the transaction back.
            psql.kill()
        else:
            try:
                psql.stdin.close()
            except BrokenPipeError:
                pass
        psql.wait()
        for program, process, errors in (
            ("psql", psql, psql_err),
            ("pg_restore", restore, restore_err),
        ):
            if process.returncode != 0:
                errors.seek(0)
                lines = [ln for ln in errors.read().splitlines() if ln.strip()]
                chosen = [ln for ln in lines if "error" in ln.lower()] or lines
                raise BackupError(
                    translate("backup", "{program} failed: {error}").format(
                        program=program,
                        error=chosen[0] if chosen else f"exit status {process.returncode}",
                    )
                )


def restore_backup(path: Path, url: str, key_file: Path | None = None) -> RestoreReport:
    """Restore the backup file ``path`` into the empty database at ``url`` and check it.

    Args:
        path: a backup file made by :func:`crm.db.backup.make_backup`.
        url: a SQLAlchemy URL of an existing, empty database.
        key_file: this workstation's key file, compared with the backup's fingerprint.

    Returns:
        The manifest and the checks; ``report.ok`` is false when the restored database
        does not match the manifest.

    Raises:
        RestoreRefused: the file or the target is unfit; nothing was written.
        BackupError: ``pg_restore`` failed (its transaction left the database empty).
    """
    started = time.perf_counter()
    manifest = read_manifest(path)
    findings, target_major = _check_target(url, manifest)
    conninfo, env = libpq_command(url)
    with tempfile.TemporaryDirectory(prefix="crm-restore-") as work:
        dump = _unpack_dump(path, manifest, Path(work))
        restored_roles.create_groups(url)
        replay(dump, conninfo, env, target_major=target_major)
    findings += verify(url, manifest, key_file)
    findings += _roles_findings(restored_roles.reattach_roles(url))
    return RestoreReport(manifest, findings, time.perf_counter() - started)


def verify(url: str, manifest: Manifest, key_file: Path | None) -> list[Finding]:
    """Compare the database at ``url`` with ``manifest`` (and the workstation's key)."""
    findings: list[Finding] = []
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            # pg_restore leaves the planner without statistics.
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(sa.text("ANALYZE"))
            counts = row_counts(connection)
            revision = revision_of(connection)
            fingerprint = stored_fingerprint(connection)
    finally:
        engine.dispose()
    findings.append(_compare_counts(manifest.row_counts, counts))
    findings.append(_revision_finding(manifest, revision))
    findings += _key_findings(manifest.key_fingerprint, fingerprint, key_file)
    return findings


def _roles_findings(without_password: list[str] | None) -> list[Finding]:
    if without_password is None:
        return []
    if not without_password:
        return [Finding("ok", translate("backup", "Database roles and grants in place"))]
    return [
        Finding(
            "warning",
            translate(
                "backup",
                "Accounts with no password in this database yet: {logins}. Set each with "
                "`clinic-crm user passwd LOGIN` before they log in at a desk on the server",
            ).format(logins=_names(without_password)),
        )
    ]


def _compare_counts(expected: dict[str, int], actual: dict[str, int]) -> Finding:
    differ = [
        translate("backup", "{table}: {actual} instead of {expected}").format(
            table=name, actual=actual.get(name, "—"), expected=expected.get(name, "—")
        )
        for name in sorted(set(expected) | set(actual))
        if expected.get(name) != actual.get(name)
    ]
    if differ:
        return Finding(
            "failed",
            translate(
                "backup", "Rows differ from the backup's manifest in {n} tables: {tables}"
            ).format(n=len(differ), tables=_names(differ)),
        )
    return Finding(
        "ok",
        translate("backup", "Rows: {rows} in {n} tables, as in the manifest").format(
            rows=f"{sum(actual.values()):,}".replace(",", " "), n=len(actual)
        ),
    )


def _revision_finding(manifest: Manifest, actual: str | None) -> Finding:
    expected = manifest.revision
    head = migrate.head_revision()
    if actual != expected:
        return Finding(
            "failed",
            translate(
                "backup", "Schema revision {actual}, but the manifest says {expected}"
            ).format(actual=actual, expected=expected),
        )
    if actual == head:
        return Finding(
            "ok", translate("backup", "Schema at the program's revision ({rev})").format(rev=head)
        )
    if actual is not None and migrate.known_revision(actual):
        return Finding(
            "warning",
            translate(
                "backup",
                "Schema at revision {rev}, older than the program's {head}: run "
                "`clinic-crm db upgrade` on this database",
            ).format(rev=actual, head=head),
        )
    return Finding(
        "failed",
        translate(
            "backup",
            "Schema at revision {rev}, which this program does not know (newest {head}): "
            "use the program version that made the backup ({program}) or newer",
        ).format(rev=actual, head=head, program=manifest.program_version),
    )


def _key_findings(expected: str | None, stored: str | None, key_file: Path | None) -> list[Finding]:
    findings: list[Finding] = []
    if stored != expected:
        findings.append(
            Finding(
                "failed",
                translate(
                    "backup",
                    "The restored database's key fingerprint is {stored}, the manifest says "
                    "{expected}",
                ).format(stored=stored, expected=expected),
            )
        )
        return findings
    if expected is None:
        findings.append(
            Finding("warning", translate("backup", "The backup has no identity-document key"))
        )
        return findings
    if key_file is None:
        return [Finding("ok", translate("backup", "Key fingerprint {fp}").format(fp=expected))]
    try:
        workstation = load_key_file(key_file).fingerprint
    except KeyFileError as exc:
        return [
            Finding(
                "warning",
                translate(
                    "backup",
                    "This workstation has no usable key file ({error}); the backup's "
                    "documents need the key with fingerprint {expected}: "
                    "`clinic-crm key import FILE`",
                ).format(error=exc, expected=expected),
            )
        ]
    if workstation != expected:
        return [
            Finding(
                "warning",
                translate(
                    "backup",
                    "The key file {path} has fingerprint {actual}, but the backup's documents "
                    "are encrypted with the key {expected}: put that key on this workstation "
                    "(`clinic-crm key import FILE`) before opening cards",
                ).format(path=key_file, actual=workstation, expected=expected),
            )
        ]
    return [
        Finding(
            "ok",
            translate("backup", "Key fingerprint {fp}, the same as this workstation's").format(
                fp=expected
            ),
        )
    ]
