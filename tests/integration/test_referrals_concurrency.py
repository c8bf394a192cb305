"""One referral, two desks at once: exactly one booking wins.

Two threads, each with its own engine and connection to a committed database, book
the same referral at the same moment — for different doctors and times, so the
referral is the only thing they fight over. A barrier starts every round together;
each round has a fresh referral. Afterwards every referral holds one appointment,
the loser of each round was told ``referral_used``, and the referral reads ``used``.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter

import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker

from crm.controllers.schedule import booking
from crm.models import Appointment, Patient, Referral, Specialty
from crm.models.enums import ReferralStatus
from tests import booking_factories as bf
from tests import factories as f
from tests import referral_factories as rf

ROUNDS = 12


def test_two_desks_book_one_referral_at_once(committed_db_url, committed_db):
    desk = rf.make_desk(committed_db)
    day = dt.datetime.now(f.MOSCOW).date() + dt.timedelta(days=3)
    with committed_db() as session, session.begin():
        patient = session.get(Patient, desk.patients[0])
        specialty = session.get(Specialty, desk.specialty_a)
        referral_ids = [
            bf.referral(session, patient, specialty, issued_on=day - dt.timedelta(days=5)).id
            for _ in range(ROUNDS)
        ]
    barrier = threading.Barrier(2)
    outcomes: list[tuple[int, str]] = []
    lock = threading.Lock()

    def desk_thread(doctor_id: int, hour: int) -> None:
        engine = sa.create_engine(committed_db_url, poolclass=sa.pool.NullPool)
        db = sessionmaker(bind=engine, expire_on_commit=False)
        try:
            for n, referral_id in enumerate(referral_ids):
                barrier.wait(timeout=60)
                starts = f.at(day, f"{hour:02d}:00") + dt.timedelta(minutes=15 * n)
                try:
                    f.book(db, desk.registrar, patient_id=desk.patients[0],
                                 doctor_id=doctor_id, starts_at=starts,
                                 referral_id=referral_id)  # fmt: skip
                    result = "booked"
                except booking.BookingRefused as refused:
                    result = refused.reason_code
                except Exception as exc:  # reported by the test rather than lost in a thread
                    result = f"error: {exc!r}"[:300]
                with lock:
                    outcomes.append((referral_id, result))
        finally:
            engine.dispose()

    # Different doctors and different hours: the patient is never double-booked.
    threads = [
        threading.Thread(target=desk_thread, args=(desk.doctor, 9)),
        threading.Thread(target=desk_thread, args=(desk.colleague, 14)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
        assert not thread.is_alive()

    assert len(outcomes) == 2 * ROUNDS
    assert [o for o in outcomes if o[1].startswith("error")] == []
    winners = Counter(referral_id for referral_id, result in outcomes if result == "booked")
    assert winners == dict.fromkeys(referral_ids, 1), "exactly one desk wins each referral"
    assert {result for _, result in outcomes if result != "booked"} == {"referral_used"}
    with committed_db() as session:
        per_referral = Counter(
            session.scalars(
                sa.select(Appointment.referral_id).where(Appointment.referral_id.in_(referral_ids))
            )  # fmt: skip
        )
        assert per_referral == dict.fromkeys(referral_ids, 1)
        statuses = set(session.scalars(
            sa.select(Referral.status).where(Referral.id.in_(referral_ids))))  # fmt: skip
        assert statuses == {ReferralStatus.USED}
