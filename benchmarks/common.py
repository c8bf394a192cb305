"""What every benchmark shares: the figure printed beside its baseline, timing, a database.

Imported by :mod:`benchmarks.run` and by each benchmark module; imports none of them.
``CRM_BENCH_DATABASE_URL`` (a server URL) makes the benchmarks use that server instead
of an embedded one; it is read here, before :mod:`tests.pg` looks for its own variable.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

if os.environ.get("CRM_BENCH_DATABASE_URL"):
    os.environ["CRM_TEST_DATABASE_URL"] = os.environ["CRM_BENCH_DATABASE_URL"]

from crm.db import migrate  # noqa: E402
from tests.pg import TestServer  # noqa: E402


@dataclass(frozen=True)
class Figure:
    """One measured figure and its baseline (both in the same unit)."""

    name: str
    value: float
    baseline: float
    baseline_name: str
    unit: str

    def line(self) -> str:
        ratio = self.value / self.baseline if self.baseline else float("nan")
        return (
            f"{self.name:<44} {self.value:>10.2f} {self.unit:<3} | "
            f"{self.baseline_name:<40} {self.baseline:>10.2f} {self.unit:<3} | ratio {ratio:6.2f}"
        )


def median_ms(
    action: Callable[[], None], repeat: int, before: Callable[[], None] | None = None
) -> float:
    """The median time of ``action`` over ``repeat`` runs (``before`` each, untimed)."""
    samples = []
    for _ in range(repeat):
        if before is not None:
            before()
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def migrated(server: TestServer) -> str:
    """A new database on ``server``, migrated to the newest schema; its URL."""
    name = server.create_database()
    engine = sa.create_engine(server.url_for(name), poolclass=sa.pool.NullPool)
    migrate.upgrade(engine)
    engine.dispose()
    return server.url_for(name)
