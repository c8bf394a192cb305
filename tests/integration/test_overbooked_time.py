"""An overbooked appointment holds its time (issue 19, defect 1).

A manager may book over a taken slot on purpose (overbooking, with a reason); the
ordinary bookings after it must not overlap it, nor may a waiting-list offer of that
time stand. The rule is PostgreSQL's (trigger ``appointment_holds_time``), so it holds
between desks; the last test races two connections.
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import sqlalchemy as sa

from crm.controllers.errors import BookingRefused
from crm.controllers.schedule import booking, visit_status
from crm.controllers.waiting import queue as waiting_list
from crm.controllers.waiting.queue import OfferRefused
from crm.models import Appointment, JournalEntry, OutboxMessage, PatientConsent, WaitingListEntry
from crm.models.enums import (
    AppointmentKind,
    AppointmentStatus,
    ConsentKind,
    ContactChannel,
    NotificationStatus,
    Role,
    WaitingStatus,
)
from tests import booking_factories as bf
from tests import factories as f
from tests import referral_factories as rf

DAY, TODAY, NOW = rf.DAY, rf.TODAY, rf.NOW


@pytest.fixture
def desk(db) -> rf.Desk:
    made = rf.make_desk(db)
    with db() as session, session.begin():
        session.add_all(
            PatientConsent(patient_id=p, kind=ConsentKind.SMS, given_on=TODAY - dt.timedelta(1))
            for p in made.patients
        )
    return made


def book(db, desk, patient: int, hhmm: str, *, actor=None, **kwargs):
    return f.book(
        db, actor or desk.registrar, patient_id=desk.patients[patient], doctor_id=desk.doctor,
        starts_at=f.at(DAY, hhmm), kind=AppointmentKind.PAID, now=NOW, **kwargs,
    )  # fmt: skip


def overbook_nine(db, desk):
    """Patient 0 at 09:00; the manager then books patient 1 at 09:00 for 45 minutes over it."""
    book(db, desk, 0, "09:00")
    over = book(db, desk, 1, "09:00", actor=desk.manager, slots=3, overbook_reason="острая боль")
    assert over.overbooked
    return over


def test_an_ordinary_booking_never_overlaps_an_overbooked_appointment(db, desk):
    overbook_nine(db, desk)
    with pytest.raises(BookingRefused) as caught:
        book(db, desk, 2, "09:15")
    assert caught.value.reason_code == "slot_taken"
    assert caught.value.message == booking.refusal("slot_taken").message
    assert caught.value.alternatives and caught.value.alternatives[0].starts_at >= f.at(
        DAY, "09:45"
    )
    assert book(db, desk, 2, "09:45").overbooked is False
    # Only a manager's explicit overbooking may overlap it.
    again = book(db, desk, 3, "09:30", actor=desk.manager, overbook_reason="по просьбе врача")
    assert again.overbooked


def test_the_database_refuses_it_whoever_writes(db, desk):
    over = overbook_nine(db, desk)
    with db() as session, session.begin():
        session.add(Appointment(
            doctor_id=desk.doctor, patient_id=desk.patients[2], starts_at=f.at(DAY, "09:30"),
            ends_at=f.at(DAY, "09:45"), kind=AppointmentKind.PAID,
            service_id=f.service(session).id, status=AppointmentStatus.CANCELLED,
        ))  # fmt: skip
    with pytest.raises(sa.exc.IntegrityError) as caught, db() as session, session.begin():
        session.execute(
            sa.update(Appointment)
            .where(Appointment.patient_id == desk.patients[2])
            .values(status=AppointmentStatus.BOOKED)
        )
    assert caught.value.orig.sqlstate == "23P01"
    assert booking.conflict_code(caught.value) == "slot_taken"
    # Once the overbooking is cancelled its time is free again.
    visit_status.cancel(db, desk.manager, over.id, reason="ошибка", now=NOW)
    assert book(db, desk, 2, "09:15").starts_at == f.at(DAY, "09:15")


def test_an_offer_of_time_a_manager_then_overbooks_is_withdrawn_with_its_notice(db, desk):
    made = book(db, desk, 0, "09:00")
    entry = waiting_list.add_entry(
        db, desk.registrar, patient_id=desk.patients[2], doctor_id=desk.doctor,
        wished_from=TODAY, wished_to=DAY + dt.timedelta(days=7),
        channel=ContactChannel.SMS, now=NOW,
    )  # fmt: skip
    visit_status.cancel(db, desk.registrar, made.id, reason="заболел", now=NOW)
    with db() as session:
        (notice,) = session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.purpose == "waiting_offer")
        ).all()
    assert notice.waiting_entry_id == entry.id and notice.status is NotificationStatus.PENDING

    book(db, desk, 1, "09:00")  # someone books the freed 09:00
    book(db, desk, 3, "09:00", actor=desk.manager, overbook_reason="острая боль")

    with db() as session:
        row = session.get(WaitingListEntry, entry.id)
        assert row.status is WaitingStatus.WAITING and row.offered_starts_at is None
        assert session.get(OutboxMessage, notice.id).status is NotificationStatus.WITHDRAWN
        actions = session.scalars(
            sa.select(JournalEntry.action)
            .where(JournalEntry.entity == "waiting_list_entry", JournalEntry.entity_id == entry.id)
            .order_by(JournalEntry.id)
        ).all()
    assert actions == ["create", "offer", "offer_withdrawn"]
    with pytest.raises(OfferRefused):
        waiting_list.accept_offer(db, desk.registrar, entry.id, now=NOW)


def test_a_patient_already_told_of_the_offer_is_told_it_is_gone(db, desk):
    made = book(db, desk, 0, "09:00")
    entry = waiting_list.add_entry(
        db, desk.registrar, patient_id=desk.patients[2], doctor_id=desk.doctor,
        wished_from=TODAY, wished_to=DAY + dt.timedelta(days=7),
        channel=ContactChannel.SMS, now=NOW,
    )  # fmt: skip
    visit_status.cancel(db, desk.registrar, made.id, reason="заболел", now=NOW)
    with db() as session, session.begin():
        session.execute(sa.update(OutboxMessage).values(status=NotificationStatus.SENT))
    book(db, desk, 1, "09:00")
    book(db, desk, 3, "09:00", actor=desk.manager, overbook_reason="острая боль")
    with db() as session:
        notices = session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.waiting_entry_id == entry.id)
            .order_by(OutboxMessage.id)
        ).all()  # fmt: skip
    assert [n.purpose for n in notices] == ["waiting_offer", "waiting_offer_withdrawn"]
    assert "09:00" in notices[1].body and notices[1].status is NotificationStatus.PENDING


def test_two_desks_an_overbooking_not_yet_committed_still_holds_its_time(
    committed_db, committed_engine
):
    """Desk A (a manager) has inserted the overbooking and not committed; desk B books
    inside its time. B waits for A and, once A commits, is refused «time taken»."""
    with committed_db() as session, session.begin():
        branch, specialty = f.clinic(session)
        doctor = f.doctor(session, branch, specialty, "Петров")
        bf.hours(session, doctor, "09:00-18:00", weekdays=bf.EVERY_DAY, works_on_holidays=True)
        patients = [f.patient(session, f"Пациент{k}").id for k in range(2)]
        registrar = bf.user(session, Role.REGISTRAR)
        doctor_id = doctor.id
        service_id = f.service(session).id  # before desk A's transaction holds the code
    now = f.at(DAY - dt.timedelta(days=7), "12:00")
    outcome: list[object] = []

    def desk_b() -> None:
        try:
            f.book(
                committed_db, registrar, patient_id=patients[1], doctor_id=doctor_id,
                starts_at=f.at(DAY, "09:15"), kind=AppointmentKind.PAID, now=now,
            )  # fmt: skip
            outcome.append("booked")
        except BookingRefused as refused:
            outcome.append(refused.reason_code)

    with committed_db() as session_a:
        with session_a.begin():
            session_a.add(Appointment(
                doctor_id=doctor_id, patient_id=patients[0], starts_at=f.at(DAY, "09:00"),
                ends_at=f.at(DAY, "09:45"), kind=AppointmentKind.PAID, overbooked=True,
                overbook_reason="острая боль", service_id=service_id,
            ))  # fmt: skip
            session_a.flush()
            other = threading.Thread(target=desk_b)
            other.start()
            other.join(timeout=1.5)
            assert other.is_alive(), "desk B did not wait for desk A's overbooking"
        other.join(timeout=30)
    assert outcome == ["slot_taken"]
    with committed_db() as session:
        live = session.scalars(sa.select(Appointment.starts_at).where(
            Appointment.doctor_id == doctor_id)).all()  # fmt: skip
    assert live == [f.at(DAY, "09:00")]
