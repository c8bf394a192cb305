"""The search box over everything (Ctrl+K) over a large clinic, against bare SQL.

The clinic is written by ``generate_series`` in the benchmark itself: ``patients``
patients (``--everything-patients``, a million by default) and ten appointments each,
half as many referrals and medical documents, 200 doctors, 2,000 services and 500
users. Then entries a desk types — a surname with a typo, a phone fragment, a
ticket's code and its printed number, a referral's number, a document's title, a
service's code, a doctor's name — are searched through the controller
(:func:`search_everything` as a manager, who sees every group but users) and as an
administrator (users). The baseline is the very statements the controller sent,
captured once per entry and run bare on a psycopg connection: the figure beside it
is what the controller adds (parsing, permissions, building, rows → dataclasses).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

import psycopg
import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker

from benchmarks.common import Figure, migrated
from crm.controllers.context import Actor
from crm.controllers.demo import names
from crm.controllers.demo.names import Sex, surname_for
from crm.controllers.search.everything import search_everything
from crm.crypto import generate_key_file
from crm.db.listener import conninfo_from_url
from crm.models.enums import Role
from crm.reports import qr
from tests.pg import TestServer

REPEAT = 40
DOCTORS = 200
SERVICES = 2_000
USERS = 500
FIRST_DAY = dt.date(2025, 1, 13)
#: The demo clinic's surnames, both forms (Иванов, Иванова): a real spread of similar
#: and different names for the typo-tolerant match.
SURNAMES = tuple(
    dict.fromkeys(surname_for(s, sex) for s in names.SURNAMES for sex in (Sex.MALE, Sex.FEMALE))
)
FIRST_NAMES = names.MALE_FIRST_NAMES + names.FEMALE_FIRST_NAMES
TITLES = (
    "Общий анализ крови",
    "Биохимический анализ крови",
    "Рентгенограмма грудной клетки",
    "УЗИ брюшной полости",
    "Заключение кардиолога",
    "ЭКГ",
    "Выписка из стационара",
    "МРТ головного мозга",
    "Анализ мочи",
    "Флюорография",
)


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1]


def _fill(url: str, patients: int) -> None:
    """The clinic, row triggers off (change notices are not what is measured)."""
    appointments = patients * 10
    surnames = "ARRAY[" + ", ".join(f"'{s}'" for s in SURNAMES) + "]"
    titles = "ARRAY[" + ", ".join(f"'{t}'" for t in TITLES) + "]"
    first_names = "ARRAY[" + ", ".join(f"'{s}'" for s in FIRST_NAMES) + "]"
    count = len(SURNAMES)
    statements: list[tuple[str, dict[str, Any]]] = [
        ("INSERT INTO branch (id, name, address) VALUES (1, 'Центр', 'Москва')", {}),
        (
            "INSERT INTO specialty (id, code, name) SELECT n, 's' || n, 'Специальность ' || n"
            " FROM generate_series(1, 12) n",
            {},
        ),
        (
            "INSERT INTO doctor (id, last_name, first_name, patronymic, specialty_id, branch_id)"
            f" SELECT n, ({surnames})[1 + n %% {count}], 'Анна', 'Петровна',"
            " 1 + n %% 12, 1 FROM generate_series(1, %(n)s) n",
            {"n": DOCTORS},
        ),
        (
            "INSERT INTO patient (id, last_name, first_name, patronymic, birth_date, phone)"
            f" SELECT n, ({surnames})[1 + n %% {count}],"
            f" ({first_names})[1 + (n / {count}) %% {len(FIRST_NAMES)}], 'Иванович',"
            " DATE '1940-01-01' + (n %% 25000), '+7916' || lpad(n::text, 7, '0')"
            " FROM generate_series(1, %(n)s) n",
            {"n": patients},
        ),
        (
            "INSERT INTO patient_surname (surname, patients)"
            " SELECT lower(last_name), count(*) FROM patient GROUP BY 1",
            {},
        ),
        (
            # Doctor i % d, one 15-minute slot after another: no two overlap, and a
            # patient's (every ``patients``-th) are at different times.
            "INSERT INTO appointment (doctor_id, patient_id, starts_at, ends_at, kind, status)"
            " SELECT 1 + i %% %(d)s, 1 + i %% %(p)s,"
            " %(start)s + (i / %(d)s) * interval '15 minutes',"
            " %(start)s + (i / %(d)s + 1) * interval '15 minutes',"
            " (ARRAY['paid', 'follow_up', 'remote'])[1 + i %% 3],"
            " (ARRAY['completed', 'booked', 'no_show', 'cancelled'])[1 + i %% 4]"
            " FROM generate_series(0, %(n)s - 1) i",
            {
                "d": DOCTORS,
                "p": patients,
                "n": appointments,
                "start": dt.datetime.combine(FIRST_DAY, dt.time(6), dt.UTC),
            },
        ),
        (
            "INSERT INTO issuing_organisation (id, name, ogrn) SELECT n,"
            " 'ГБУЗ «Городская поликлиника № ' || n || '»', (1027700000000 + n)::text"
            " FROM generate_series(1, 50) n",
            {},
        ),
        (
            "INSERT INTO referral (number, organisation_id, issued_on, patient_id, specialty_id,"
            " diagnosis_code, kind, valid_days)"
            " SELECT 'НП-' || lpad(n::text, 6, '0'), 1 + n %% 50, DATE '2026-11-01' - n %% 300,"
            " 1 + n %% %(p)s, 1 + n %% 12, 'I10', 'standard', 30"
            " FROM generate_series(1, %(n)s) n",
            {"p": patients, "n": patients // 2},
        ),
        (
            "INSERT INTO document_content (id, sha256, size_bytes)"
            " VALUES (1, repeat('a', 64), 1000)",
            {},
        ),
        (
            "INSERT INTO medical_document (patient_id, kind, title, file_name, mime_type,"
            " content_id, size_bytes, document_date)"
            f" SELECT 1 + n %% %(p)s, 'analysis', ({titles})[1 + n %% {len(TITLES)}]"
            " || ' от ' || to_char(DATE '2026-11-01' - n %% 700, 'DD.MM.YYYY'),"
            " 'scan.pdf', 'application/pdf', 1, 1000, DATE '2026-11-01' - n %% 700"
            " FROM generate_series(1, %(n)s) n",
            {"p": patients, "n": patients // 2},
        ),
        (
            "INSERT INTO service (code, name) SELECT 'A' || lpad((n / 100)::text, 2, '0')"
            " || '.' || lpad((n %% 100)::text, 2, '0') || '.' || lpad(n::text, 3, '0'),"
            f" ({titles})[1 + n %% {len(TITLES)}] || ', вариант ' || n"
            " FROM generate_series(1, %(n)s) n",
            {"n": SERVICES},
        ),
        (
            "INSERT INTO app_user (login, full_name, role, password_hash)"
            f" SELECT 'user' || n, ({surnames})[1 + n %% {count}] || ' Мария',"
            " (ARRAY['registrar', 'doctor', 'manager'])[1 + n %% 3], 'x'"
            " FROM generate_series(1, %(n)s) n",
            {"n": USERS},
        ),
    ]
    with psycopg.connect(conninfo_from_url(url)) as conn:
        conn.execute("SET session_replication_role = replica")
        for statement, params in statements:
            conn.execute(statement, params)
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE")


def _entries(patients: int, rng: random.Random) -> dict[str, list[str]]:
    """What is typed, by the kind of entry: several of each, drawn at random."""
    appointments = patients * 10

    def surname_typo() -> str:
        surname = rng.choice(SURNAMES)
        at = rng.randrange(1, len(surname))
        return surname[:at] + ("а" if surname[at] != "а" else "о") + surname[at + 1 :]

    return {
        "surname with a typo": [surname_typo() for _ in range(8)],
        "phone fragment": [f"{rng.randrange(10**6):06d}" for _ in range(8)],
        "ticket code": [qr.ticket_code(rng.randrange(1, appointments)) for _ in range(8)],
        "ticket's printed number": [f"{rng.randrange(1, appointments):06d}" for _ in range(8)],
        "referral number": [f"нп {rng.randrange(1, patients // 2):06d}" for _ in range(8)],
        "document title": ["рентгенограмма", "анализ крови", "мрт мозга", "выписка"],
        "service code": [f"A{rng.randrange(20):02d}.{rng.randrange(100):02d}" for _ in range(8)],
        "doctor's name": [f"{s.lower()} анна" for s in rng.sample(SURNAMES[:DOCTORS], 8)],
    }


def _captured(engine: sa.Engine, action: Callable[[], object]) -> list[tuple[str, Any]]:
    """The statements ``action`` sends, with their parameters."""
    seen: list[tuple[str, Any]] = []

    def remember(_conn, _cursor, statement, parameters, _context, _many):  # type: ignore[no-untyped-def]  # noqa: PLR0913
        seen.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", remember)
    try:
        action()
    finally:
        sa.event.remove(engine, "before_cursor_execute", remember)
    return seen


def _timed(actions: list[Callable[[], object]], repeat: int) -> list[float]:
    samples = []
    for round_ in range(repeat):
        action = actions[round_ % len(actions)]
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def bench_search_everything(server: TestServer, options: argparse.Namespace) -> list[Figure]:
    """Fill the clinic, then p95 per kind of entry and over all, beside the bare SQL."""
    patients = options.everything_patients
    url = migrated(server)
    started = time.perf_counter()
    _fill(url, patients)
    print(
        f"  (wrote {patients:,} patients, {patients * 10:,} appointments,"
        f" {patients // 2:,} referrals and documents in {time.perf_counter() - started:.0f} s)"
    )
    engine = sa.create_engine(url)
    db = sessionmaker(bind=engine, expire_on_commit=False)
    ring = generate_key_file(options.workdir / "everything.key")
    manager = Actor(1, "bench-manager", "M", Role.MANAGER, "bench")
    admin = Actor(2, "bench-admin", "A", Role.ADMIN, "bench")
    entries = _entries(patients, random.Random(5))
    entries_admin = {"user's name (administrator)": ["user12", "смирнова мария", "орлов"]}
    figures = []
    every_full: list[float] = []
    every_bare: list[float] = []
    with psycopg.connect(conninfo_from_url(url), autocommit=True) as bare:
        for label, texts, actor in [
            *((label, texts, manager) for label, texts in entries.items()),
            *((label, texts, admin) for label, texts in entries_admin.items()),
        ]:
            searches = [
                (lambda text=text, actor=actor: search_everything(db, actor, ring, text))
                for text in texts
            ]
            for search in searches:  # warm: caches, plans, the pool
                search()
            statements = [_captured(engine, search) for search in searches]

            def replay(sent: list[tuple[str, Any]]) -> Callable[[], None]:
                def run() -> None:
                    for statement, parameters in sent:
                        bare.execute(statement, parameters).fetchall()

                return run

            bares = [replay(sent) for sent in statements]
            full = _timed(searches, REPEAT)
            plain = _timed(bares, REPEAT)
            every_full += full
            every_bare += plain
            figures.append(
                Figure(f"Ctrl+K p95: {label}", _p95(full), _p95(plain), "bare SQL, same", "ms")
            )
    figures.append(
        Figure(
            f"Ctrl+K p95, every entry ({patients:,} patients)",
            _p95(every_full),
            _p95(every_bare),
            "bare SQL of the same statements",
            "ms",
        )
    )
    engine.dispose()
    return figures
