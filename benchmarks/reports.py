"""Reports benchmark: the appointments register against a bare openpyxl write-only loop.

``uv run python -m benchmarks.run --only reports``. Figures:

* the register of 100,000 appointments through ``export_report`` (count, parameters
  sheet, label lookups, styled cells, totals, the journal) against the same query
  streamed the same way (``yield_per``) into ``ws.append(row)`` of a bare write-only
  workbook;
* the export's peak memory: Python allocations (tracemalloc) and the growth of the
  process's resident size, sampled, against the 150 MB limit;
* with ``CRM_BENCH_REPORT_MILLION=1``, the same for 1,000,000 appointments (memory must
  stay bounded: rows stream from a server-side cursor to the file).

``CRM_BENCH_REPORT_ROWS`` changes the size of the first register (default 100,000).
Test rows are written by ``generate_series`` in one statement each.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import tempfile
import threading
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import psycopg
from openpyxl import Workbook
from sqlalchemy.orm import sessionmaker

from benchmarks.common import Figure, migrated
from crm.controllers.access import auth
from crm.controllers.clinic.clock import clinic_timezone
from crm.controllers.reports import ReportParams, export_report
from crm.controllers.reports import register as register_report
from crm.db.engine import make_engine, make_session_factory
from crm.db.listener import conninfo_from_url
from crm.models.enums import Role
from tests.pg import TestServer

MEMORY_LIMIT_MB = 150.0
FIRST_DAY = dt.date(2025, 1, 13)
SLOTS_PER_DOCTOR = 2000  # 15-minute slots back to back: 500 hours, about 21 days


def _fill(url: str, appointments: int) -> ReportParams:
    """A clinic with ``appointments`` appointments written by generate_series."""
    doctors = max(1, appointments // SLOTS_PER_DOCTOR)
    patients = max(1, appointments // 5)
    with psycopg.connect(conninfo_from_url(url)) as conn:
        # Row triggers (change notices) are not what is measured here.
        conn.execute("SET session_replication_role = replica")
        conn.execute("INSERT INTO branch (id, name, address) VALUES (1, 'Центр', 'Москва')")
        conn.execute(
            "INSERT INTO specialty (id, code, name) SELECT n, 's' || n, 'Специальность ' || n"
            " FROM generate_series(1, 12) n"
        )
        conn.execute(
            "INSERT INTO room (id, branch_id, number) SELECT n, 1, (100 + n)::text"
            " FROM generate_series(1, %s) n",
            (doctors,),
        )
        conn.execute(
            "INSERT INTO doctor (id, last_name, first_name, patronymic, specialty_id, branch_id,"
            " default_room_id) SELECT n, 'Врачова' || n, 'Анна', 'Петровна', 1 + n %% 12, 1, n"
            " FROM generate_series(1, %s) n",
            (doctors,),
        )
        conn.execute(
            "INSERT INTO patient (id, last_name, first_name, patronymic, birth_date, phone)"
            " SELECT n, 'Пациентов' || n, 'Иван', 'Иванович',"
            " DATE '1950-01-01' + (n %% 20000), '+7916' || lpad(n::text, 7, '0')"
            " FROM generate_series(1, %s) n",
            (patients,),
        )
        start = dt.datetime.combine(FIRST_DAY, dt.time(0), dt.UTC)
        conn.execute(
            "INSERT INTO appointment (doctor_id, patient_id, room_id, starts_at, ends_at, kind,"
            " status) SELECT 1 + i %% %(d)s, 1 + i %% %(p)s, 1 + i %% %(d)s,"
            " %(start)s + (i / %(d)s) * interval '15 minutes',"
            " %(start)s + (i / %(d)s + 1) * interval '15 minutes',"
            " (ARRAY['paid', 'follow_up', 'remote'])[1 + i %% 3],"
            " (ARRAY['completed', 'booked', 'no_show', 'cancelled'])[1 + i %% 4]"
            " FROM generate_series(0, %(n)s - 1) i",
            {"d": doctors, "p": patients, "start": start, "n": appointments},
        )
        conn.execute("ANALYZE")
        conn.commit()
    last = FIRST_DAY + dt.timedelta(days=SLOTS_PER_DOCTOR // 96 + 2)
    return ReportParams(FIRST_DAY - dt.timedelta(days=1), last)


def _bare(db: sessionmaker, params: ReportParams, path: Path) -> int:
    """The same query, streamed the same way, into a bare write-only workbook."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Appointments")
    count = 0
    with db() as session, session.begin():
        tz = clinic_timezone(session)
        result = session.execute(
            register_report.register_query(params, tz.key, tz),
            execution_options={"yield_per": register_report.BATCH},
        )
        for row in result.tuples():
            sheet.append(list(row))  # a Row is no tuple to openpyxl
            count += 1
    workbook.save(path)
    return count


class _RssSampler:
    """The growth of the resident set while a block runs (Linux /proc; 0 elsewhere)."""

    def __init__(self, every: float = 0.02) -> None:
        self.every = every
        self.peak = 0
        self._stop = threading.Event()

    @staticmethod
    def rss() -> int:
        try:
            with open("/proc/self/statm", encoding="ascii") as statm:
                return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError):
            return 0

    def __enter__(self) -> _RssSampler:
        self.start = self.rss()
        self.peak = self.start
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.peak = max(self.peak, self.rss())

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.rss())

    @property
    def growth_mb(self) -> float:
        return (self.peak - self.start) / 2**20


def _timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def _measure(server: TestServer, rows: int, workdir: Path, *, compare: bool) -> list[Figure]:
    url = migrated(server)
    params = _fill(url, rows)
    engine = make_engine(url, pool_size=2)
    db = make_session_factory(engine)
    auth.add_user(db, "bench-manager", "bench-password", Role.MANAGER, "Бенчмарк")
    actor = auth.login(db, "bench-manager", "bench-password", "bench")
    ours = workdir / f"register-{rows}.xlsx"
    bare = workdir / f"bare-{rows}.xlsx"

    def export() -> object:
        return export_report(db, actor, "appointments", params, ours)

    label = f"{rows:,}"
    figures: list[Figure] = []
    if compare:
        samples, baselines = [], []
        for _ in range(3):  # interleaved, so both see the same machine load
            samples.append(_timed(export))
            baselines.append(_timed(lambda: _bare(db, params, bare)))
        figures.append(
            Figure(
                f"register {label} appointments → xlsx", statistics.median(samples),
                statistics.median(baselines), "bare write-only loop, same query", "s",
            )
        )  # fmt: skip
    else:
        figures.append(
            Figure(
                f"register {label} appointments → xlsx", _timed(export), 0.0, "(no baseline)", "s"
            )
        )
    with _RssSampler() as sampler:
        export()
    tracemalloc.start()
    export()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    figures += [
        Figure(f"register {label}: peak Python memory", peak / 2**20, MEMORY_LIMIT_MB,
               "limit", "MB"),
        Figure(f"register {label}: resident memory growth", sampler.growth_mb, MEMORY_LIMIT_MB,
               "limit", "MB"),
    ]  # fmt: skip
    engine.dispose()
    server.drop_database(url.rsplit("/", 1)[-1])
    return figures


def bench_reports(server: TestServer, options: object) -> list[Figure]:
    """The register figures (and the million-row run with ``CRM_BENCH_REPORT_MILLION=1``)."""
    rows = int(os.environ.get("CRM_BENCH_REPORT_ROWS", "100000"))
    workdir = getattr(options, "workdir", None)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(workdir or tmp)
        figures = _measure(server, rows, folder, compare=True)
        if os.environ.get("CRM_BENCH_REPORT_MILLION"):
            figures += _measure(server, 1_000_000, folder, compare=False)
    return figures
