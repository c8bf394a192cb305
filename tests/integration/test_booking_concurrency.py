"""Eight desks book the same fifty slots at once: the database lets exactly one win each.

Every process has its own engine and connection (``spawn``: nothing is inherited)
and its own patient. A barrier starts every slot's race together, so all eight
inserts meet at the exclusion constraint; afterwards each slot holds exactly one
appointment, every loser was told "slot taken" with an alternative, and nothing
else was written.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import time
from collections import Counter
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker

from crm.controllers.context import Actor
from crm.models import Appointment, JournalEntry, Referral
from crm.models.enums import JournalOutcome, Role
from tests import booking_factories as bf
from tests import factories as f

PROCESSES = 8
SLOTS = 50
MOSCOW = ZoneInfo("Europe/Moscow")


def _desk(url: str, actor: Actor, *, doctor_id: int, patient_id: int, starts: list[str],
          barrier, results) -> None:  # fmt: skip
    """One workstation: book every slot in turn, racing the others on each."""
    from crm.controllers.schedule import booking

    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    db = sessionmaker(bind=engine, expire_on_commit=False)
    outcomes = []
    try:
        service_id = f.paid_service_id(db)  # made by the test before the race
        for iso in starts:
            barrier.wait(timeout=120)
            try:
                made = booking.book(
                    db, actor, patient_id=patient_id, doctor_id=doctor_id,
                    starts_at=dt.datetime.fromisoformat(iso), service_id=service_id,
                )  # fmt: skip
                outcomes.append((iso, "booked", made.id, 0))
            except booking.BookingRefused as refused:
                outcomes.append((iso, refused.reason_code, None, len(refused.alternatives)))
            except Exception as exc:  # reported by the test rather than lost in a child
                outcomes.append((iso, f"error: {exc!r}"[:300], None, 0))
    finally:
        engine.dispose()
        results.put((patient_id, outcomes))


def test_eight_desks_race_for_fifty_slots(committed_db_url, committed_engine):
    db = sessionmaker(bind=committed_engine, expire_on_commit=False)
    day = dt.datetime.now(MOSCOW).date() + dt.timedelta(days=20)
    with db() as session, session.begin():
        branch, specialty = f.clinic(session)
        doctor = f.doctor(session, branch, specialty, "Петров")
        colleague = f.doctor(session, branch, specialty, "Сидорова")
        for row in (doctor, colleague):
            bf.hours(session, row, "07:00-21:00", weekdays=bf.EVERY_DAY, works_on_holidays=True)
        patients = [f.patient(session, f"Пациент{k}").id for k in range(PROCESSES)]
        actor = bf.user(session, Role.REGISTRAR)
        doctor_id = doctor.id
        f.service(session)
    starts = [(f.at(day, "07:00") + k * dt.timedelta(minutes=15)).isoformat()
              for k in range(SLOTS)]  # fmt: skip

    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(PROCESSES), context.Queue()
    desks = [
        context.Process(target=_desk, args=(committed_db_url, actor), kwargs={
            "doctor_id": doctor_id, "patient_id": patient, "starts": starts, "barrier": barrier,
            "results": results})
        for patient in patients
    ]  # fmt: skip
    deadlocks_before = _deadlocks(committed_engine)
    began = time.perf_counter()
    for desk in desks:
        desk.start()
    outcomes = [results.get(timeout=240) for _ in desks]
    for desk in desks:
        desk.join(timeout=60)
        assert desk.exitcode == 0
    elapsed = time.perf_counter() - began
    errors = [outcome for _, per_desk in outcomes for outcome in per_desk
              if outcome[1].startswith("error")]  # fmt: skip
    assert errors == []

    tried = [outcome for _, per_desk in outcomes for outcome in per_desk]
    assert len(tried) == PROCESSES * SLOTS
    winners = Counter(iso for iso, code, _, _ in tried if code == "booked")
    assert winners == dict.fromkeys(starts, 1), "exactly one desk wins each slot"
    losers = [(code, alternatives) for _, code, _, alternatives in tried if code != "booked"]
    assert len(losers) == (PROCESSES - 1) * SLOTS
    assert {code for code, _ in losers} == {"slot_taken"}
    assert min(alternatives for _, alternatives in losers) >= 1

    with db() as session:
        rows = session.execute(sa.select(Appointment.starts_at, Appointment.patient_id)).all()
        assert len(rows) == SLOTS, "nothing but the fifty appointments was written"
        assert sorted(r.starts_at for r in rows) == [dt.datetime.fromisoformat(s) for s in starts]
        booked_ids = {made for _, code, made, _ in tried if code == "booked"}
        assert set(session.scalars(sa.select(Appointment.id))) == booked_ids
        assert session.scalar(sa.select(sa.func.count()).select_from(Referral)) == 0
        journal = Counter(
            (entry.action, entry.outcome)
            for entry in session.scalars(
                sa.select(JournalEntry).where(JournalEntry.entity == "appointment")
            )
        )
    assert journal == {
        ("create", JournalOutcome.OK): SLOTS,
        ("create", JournalOutcome.REFUSED): (PROCESSES - 1) * SLOTS,
    }
    per_desk = sorted(sum(code == "booked" for _, code, _, _ in o) for _, o in outcomes)
    print(
        f"\n{PROCESSES} desks × {SLOTS} slots: {len(tried)} attempts, {sum(winners.values())} "
        f"booked, {len(losers)} refused as slot_taken (each with ≥ 1 alternative); "
        f"wins per desk {per_desk}; deadlocks: "
        f"{_deadlocks(committed_engine) - deadlocks_before}; {elapsed:.1f} s including "
        "process start"
    )


def _deadlocks(engine: sa.Engine) -> int:
    # Statistics reach pg_stat_database a moment after the transactions end.
    time.sleep(0.6)
    with engine.connect() as connection:
        connection.execute(sa.text("SELECT pg_stat_clear_snapshot()"))
        return connection.scalar(sa.text(
            "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()"
        )) or 0  # fmt: skip
