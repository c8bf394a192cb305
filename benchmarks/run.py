"""Benchmarks: each figure printed beside a raw baseline measured in the same run.

Run: ``uv run python -m benchmarks.run [--patients N] [--only NAME]``. It starts an embedded
PostgreSQL (or uses ``CRM_BENCH_DATABASE_URL``, a server URL; it creates and drops its own
``crm_test_*`` databases there). Nothing here asserts: it measures and prints.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import queue
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import psycopg
import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker

from benchmarks.common import Figure, median_ms, migrated
from crm.controllers.access import auth
from crm.controllers.demo import load_demo
from crm.controllers.demo.people import PATIENT_COLUMNS, generate_patients, patient_rows
from crm.crypto import generate_key_file
from crm.db.listener import ChangeListener, conninfo_from_url
from crm.models.enums import Role
from tests.pg import TestServer


def bench_demo_load(server: TestServer, patients: int, workdir: Path) -> Figure:
    """``demo-data --patients N`` against a bare COPY of the same patient rows."""
    url = migrated(server)
    engine = sa.create_engine(url)
    ring = generate_key_file(workdir / "demo.key")
    started = time.perf_counter()
    today = dt.date(2026, 11, 23)
    load_demo(sessionmaker(bind=engine), ring, patients=patients, seed=1, today=today)
    full = time.perf_counter() - started

    # Baseline: the same number of patient rows (generated and encrypted beforehand, so
    # only the database write is timed) COPYed into an index-free, trigger-free table.
    plans = generate_patients(random.Random(1), patients, today)
    rows = list(patient_rows(plans, range(1, patients + 1), ring, [1, 2, 3], {}))
    with psycopg.connect(conninfo_from_url(url)) as conn:
        conn.execute("CREATE UNLOGGED TABLE bench_patient (LIKE patient INCLUDING DEFAULTS)")
        started = time.perf_counter()
        statement = f"COPY bench_patient ({', '.join(PATIENT_COLUMNS)}) FROM STDIN"
        with conn.cursor().copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
        conn.commit()
        bare = time.perf_counter() - started
    engine.dispose()
    return Figure(
        f"demo-data, {patients:,} patients", full, bare, "bare COPY of the patient rows", "s"
    )


def bench_login(server: TestServer) -> Figure:
    """A login through the controller (lock, verify, journal) against argon2 verify alone."""
    url = migrated(server)
    engine = sa.create_engine(url)
    db = sessionmaker(bind=engine)
    auth.add_user(db, "bench", "bench-password", Role.REGISTRAR, "Бенчмарк")
    login_ms = median_ms(lambda: auth.login(db, "bench", "bench-password", "bench"), 15)
    stored = auth.hash_password("bench-password")
    verify_ms = median_ms(lambda: auth.hasher().verify(stored, "bench-password"), 15)
    engine.dispose()
    return Figure("login (controller, median)", login_ms, verify_ms, "argon2id verify alone", "ms")


def bench_notify(server: TestServer) -> Figure:
    """Commit of an appointment change → the ChangeListener's callback, against bare NOTIFY."""
    url = migrated(server)
    info = conninfo_from_url(url)
    events: queue.Queue = queue.Queue()
    listener = ChangeListener(url, events.put, poll_seconds=0.05)
    listener.start()
    listener.connected.wait(10)
    with psycopg.connect(info, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO branch (id, name, address) VALUES (1, 'Б', 'А');"
            "INSERT INTO specialty (id, code, name) VALUES (1, 'x', 'Х');"
            "INSERT INTO doctor (id, last_name, first_name, specialty_id, branch_id) "
            "VALUES (1, 'Д', 'Д', 1, 1);"
            "INSERT INTO patient (id, last_name, first_name, birth_date) "
            "VALUES (1, 'П', 'П', '1990-01-01');"
        )
        base = dt.datetime(2031, 1, 6, 9, 0, tzinfo=dt.UTC)

        counter = iter(range(10_000))

        def one_insert() -> None:
            n = next(counter)
            starts = base + dt.timedelta(minutes=15 * n)
            conn.execute(
                "INSERT INTO appointment (doctor_id, patient_id, starts_at, ends_at, kind) "
                "VALUES (1, 1, %s, %s, 'paid')",
                (starts, starts + dt.timedelta(minutes=15)),
            )
            events.get(timeout=10)

        listened_ms = median_ms(one_insert, 50)
    listener.stop()

    with (
        psycopg.connect(info, autocommit=True) as sender,
        psycopg.connect(info, autocommit=True) as receiver,
    ):
        receiver.execute("LISTEN bench")

        def bare_round_trip() -> None:
            sender.execute("SELECT pg_notify('bench', 'x')")
            next(receiver.notifies(timeout=10, stop_after=1))

        bare_ms = median_ms(bare_round_trip, 50)
    return Figure(
        "change notice: insert → listener callback",
        listened_ms,
        bare_ms,
        "bare pg_notify → notifies()",
        "ms",
    )


def _patients_search(server: TestServer, options: argparse.Namespace) -> list[Figure]:
    from benchmarks.patients import bench_patient_search

    return bench_patient_search(server, options.search_patients, options.workdir)


def _schedule_grid(server: TestServer, options: argparse.Namespace) -> list[Figure]:
    from benchmarks.schedule_grid import bench_schedule_grid

    return bench_schedule_grid(server)


def _lazy(module: str, name: str) -> Callable[[TestServer, argparse.Namespace], list[Figure]]:
    """A benchmark function from its own module, imported only when it runs."""

    def run(server: TestServer, options: argparse.Namespace) -> list[Figure]:
        import importlib

        return getattr(importlib.import_module(module), name)(server, options)  # type: ignore[no-any-return]

    return run


#: name → function(server, options) returning one figure or several. Options carry
#: ``patients`` (demo load size), ``search_patients``, ``everything_patients`` and ``workdir``.
BENCHMARKS: dict[str, Callable[[TestServer, argparse.Namespace], Figure | list[Figure]]] = {
    "demo": lambda server, options: bench_demo_load(server, options.patients, options.workdir),
    "login": lambda server, options: bench_login(server),
    "notify": lambda server, options: bench_notify(server),
    "search": _patients_search,
    "grid": _schedule_grid,
    "tickets": _lazy("benchmarks.tickets", "bench_tickets"),
    "reports": _lazy("benchmarks.reports", "bench_reports"),
    "startup": _lazy("benchmarks.startup", "bench_startup"),
    "sender": _lazy("benchmarks.sender", "bench_sender"),
    "everything": _lazy("benchmarks.search_everything", "bench_search_everything"),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--patients", type=int, default=100_000, help="demo load size")
    parser.add_argument(
        "--search-patients", type=int, default=1_000_000, help="patients for the search figures"
    )
    parser.add_argument(
        "--everything-patients",
        type=int,
        default=1_000_000,
        help="patients (and ten times as many appointments) for the Ctrl+K search figures",
    )
    parser.add_argument("--only", choices=sorted(BENCHMARKS), action="append")
    options = parser.parse_args(argv)
    server = TestServer()
    print(f"server: {server.kind}; python {sys.version.split()[0]}; {os.cpu_count()} cores")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            options.workdir = Path(tmp)
            for name in options.only or list(BENCHMARKS):
                result = BENCHMARKS[name](server, options)
                for figure in result if isinstance(result, list) else [result]:
                    print(figure.line(), flush=True)
    finally:
        server.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
