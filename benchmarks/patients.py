"""Patient search and card opening over a large register, against bare SQL.

The figures: p95 of a search through the controller (parse, permission, query, rows
→ dataclasses) for a surname with one typo, a phone fragment and an exact СНИЛС; the
baseline is the same SQL statement run bare on a psycopg connection. And opening a
card (decryption included) against a bare ``SELECT … WHERE id = …``.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import psycopg
import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker

from benchmarks.common import Figure, migrated
from crm.controllers.context import Actor
from crm.controllers.demo import load_demo
from crm.controllers.patients import cards as patients
from crm.controllers.patients.search import build_search, parse_query, search_patients
from crm.crypto import generate_key_file
from crm.db.listener import conninfo_from_url
from crm.models import Patient
from crm.models.enums import Role

REPEAT = 60


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1]


def _timed(action: Callable[[], object], repeat: int = REPEAT) -> list[float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def bench_patient_search(server, patients_count: int, workdir: Path) -> list[Figure]:  # type: ignore[no-untyped-def]
    """Load ``patients_count`` demo patients, then time the searches and a card opening."""
    url = migrated(server)
    engine = sa.create_engine(url)
    db = sessionmaker(bind=engine, expire_on_commit=False)
    ring = generate_key_file(workdir / "search.key")
    started = time.perf_counter()
    load_demo(db, ring, patients=patients_count, seed=7, today=dt.date(2026, 11, 23))
    print(f"  (loaded {patients_count:,} patients in {time.perf_counter() - started:.1f} s)")
    with db() as session:
        user_id = session.execute(sa.text("SELECT id FROM app_user WHERE login = 'registrar'"))
        actor = Actor(user_id.scalar_one(), "registrar", "R", Role.REGISTRAR, "bench")
        rng = random.Random(3)
        sample = session.execute(
            sa.select(Patient.id, Patient.last_name, Patient.phone)
            .where(Patient.snils_enc.is_not(None), Patient.phone.is_not(None))
            .order_by(Patient.id)
            .limit(2000)
        ).all()
    picks = [rng.choice(sample) for _ in range(REPEAT)]
    snils = {
        row.id: patients.open_card(db, actor, ring, row.id, reveal=True).form.snils
        for row in picks[:5]
    }

    def typo(name: str) -> str:
        index = len(name) // 2
        return name[:index] + ("а" if name[index] != "а" else "о") + name[index + 1 :]

    queries = {
        "surname with a typo": [typo(p.last_name) for p in picks],
        "phone fragment (7 digits)": [p.phone[-7:] for p in picks],
        "exact СНИЛС": [snils[p.id] for p in picks[:5]] * (REPEAT // 5),
    }
    figures = []
    info = conninfo_from_url(url)
    with psycopg.connect(info) as raw:
        for label, texts in queries.items():
            cycle = iter(texts * 2)
            through = _timed(lambda cycle=cycle: search_patients(db, actor, ring, next(cycle)))
            statements = []
            for text in texts:
                statement, params = build_search(parse_query(text), ring, window=51)
                compiled = statement.limit(51).compile(dialect=engine.dialect)
                statements.append((str(compiled), {**compiled.params, **params}))
            bare_cycle = iter(statements * 2)

            def bare_search(bare_cycle=bare_cycle) -> None:  # type: ignore[no-untyped-def]
                sql, params = next(bare_cycle)
                raw.execute(sql, params).fetchall()

            bare = _timed(bare_search)
            figures.append(
                Figure(f"search p95, {label}", _p95(through), _p95(bare), "bare SQL p95", "ms")
            )
        ids = [p.id for p in picks]
        id_cycle = iter(ids * 2)
        opened = _timed(lambda: patients.open_card(db, actor, ring, next(id_cycle), reveal=True))
        raw_cycle = iter(ids * 2)
        bare_open = _timed(
            lambda: raw.execute(
                "SELECT * FROM patient WHERE id = %s", (next(raw_cycle),)
            ).fetchall()
        )
        figures.append(
            Figure(
                "open a card (decrypt, median)",
                statistics.median(opened),
                statistics.median(bare_open),
                "bare SELECT by id (median)",
                "ms",
            )
        )
    engine.dispose()
    return figures
