"""A paid or follow-up visit is always of a service (issue 18 part 1, issue 19 defect 3).

The controller refuses one without a service, naming the field, before anything is
written; the service's length is the visit's by default; PostgreSQL (migration 0016)
refuses such a row whoever writes it, while visits booked before the rule live on.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import sqlalchemy as sa

from crm.controllers.schedule import appointment_history, booking, visit_status
from crm.models import Appointment, Service, ServicePrice
from crm.models.enums import AppointmentKind, AppointmentStatus, CancelledBy
from tests import factories as f
from tests.integration import test_booking as tb
from tests.integration.test_booking import DAY, NOW, refused

clinic = tb.clinic  # the booking tests' clinic, as a fixture here too

K = AppointmentKind
TRIGGER = "appointment_service_required"  # migration 0016


def _count(db) -> int:
    with db() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(Appointment))


@pytest.mark.parametrize("kind", [None, K.PAID, K.FOLLOW_UP])
def test_a_paid_visit_without_a_service_is_refused_naming_the_field(db, clinic, kind):
    before = _count(db)
    error = refused(
        booking.book, db, clinic.registrar, patient_id=clinic.patients[0],
        doctor_id=clinic.doctor, starts_at=f.at(DAY, "10:00"), kind=kind, now=NOW,
    )  # fmt: skip
    assert (error.reason_code, error.field) == ("service_missing", "service")
    assert error.message.startswith("Услуга:")
    assert _count(db) == before


def test_referral_and_remote_visits_need_no_service(db, clinic):
    made = booking.book(
        db, clinic.registrar, patient_id=clinic.patients[0], doctor_id=clinic.colleague,
        starts_at=f.at(DAY, "10:00"), kind=K.REMOTE, now=NOW,
    )  # fmt: skip
    assert made.service_id is None


def test_the_service_sets_the_length_and_an_inactive_one_is_refused(db, clinic):
    with db() as session, session.begin():
        long = f.service(session, "TEST-LONG", slots=3, price=Decimal("4200.00"))
        long_id = long.id
    made = booking.book(
        db, clinic.registrar, patient_id=clinic.patients[0], doctor_id=clinic.doctor,
        starts_at=f.at(DAY, "10:00"), kind=K.FOLLOW_UP, service_id=long_id, now=NOW,
    )  # fmt: skip
    assert made.ends_at - made.starts_at == dt.timedelta(minutes=45)
    # Given explicitly, the length asked for wins.
    short = booking.book(
        db, clinic.registrar, patient_id=clinic.patients[1], doctor_id=clinic.doctor,
        starts_at=f.at(DAY, "12:00"), kind=K.PAID, service_id=long_id, slots=1, now=NOW,
    )  # fmt: skip
    assert short.ends_at - short.starts_at == dt.timedelta(minutes=15)
    with db() as session, session.begin():
        session.get(Service, long_id).active = False
    error = refused(
        booking.book, db, clinic.registrar, patient_id=clinic.patients[2],
        doctor_id=clinic.doctor, starts_at=f.at(DAY, "14:00"), kind=K.PAID,
        service_id=long_id, now=NOW,
    )  # fmt: skip
    assert (error.reason_code, error.field) == ("service_inactive", "service")


def test_the_services_offered_carry_the_price_of_the_visit_day(db, clinic):
    with db() as session, session.begin():
        service = f.service(session, "TEST-PRICED", slots=2, price=Decimal("1000.00"))
        first = session.scalars(
            sa.select(ServicePrice).where(ServicePrice.service_id == service.id)
        ).one()
        first.valid_to = DAY - dt.timedelta(days=1)
        session.add(ServicePrice(service_id=service.id, amount=Decimal("1250.50"), valid_from=DAY))
        service_id = service.id
    offered = {
        s.id: s
        for s in appointment_history.list_services(
            db, clinic.registrar, specialty_id=clinic.specialty_a, day=DAY
        )
    }
    assert offered[service_id].price == Decimal("1250.50")
    assert offered[service_id].duration_slots == 2
    earlier = appointment_history.list_services(
        db, clinic.registrar, specialty_id=clinic.specialty_a, day=DAY - dt.timedelta(days=1)
    )
    assert {s.id: s.price for s in earlier}[service_id] == Decimal("1000.00")


def _insert(session, clinic, hhmm: str, **values):
    row = Appointment(
        doctor_id=clinic.doctor, patient_id=clinic.patients[0], starts_at=f.at(DAY, hhmm),
        ends_at=f.at(DAY, hhmm) + dt.timedelta(minutes=15), **values,
    )  # fmt: skip
    session.add(row)
    session.flush()
    return row


def test_the_database_refuses_a_paid_visit_of_no_service_whoever_writes(db, clinic):
    with pytest.raises(sa.exc.IntegrityError) as caught, db() as session, session.begin():
        _insert(session, clinic, "09:00", kind=K.PAID)
    assert caught.value.orig.sqlstate == "23514"
    assert booking.conflict_code(caught.value) == "service_missing"
    with db() as session, session.begin():
        referral_visit = _insert(session, clinic, "09:30", kind=K.REMOTE).id
    with pytest.raises(sa.exc.IntegrityError), db() as session, session.begin():
        session.get(Appointment, referral_visit).kind = K.FOLLOW_UP
    with db() as session, session.begin():
        paid = _insert(session, clinic, "10:00", kind=K.PAID, service_id=f.service(session).id)
        paid_id = paid.id
    with pytest.raises(sa.exc.IntegrityError), db() as session, session.begin():
        session.get(Appointment, paid_id).service_id = None


def test_a_paid_visit_booked_before_the_rule_still_lives(db, clinic):
    """Old rows (booked before migration 0016) are checked in, moved and cancelled."""
    with db() as session, session.begin():
        session.execute(
            sa.text("ALTER TABLE appointment DISABLE TRIGGER appointment_service_required")
        )
        old = _insert(session, clinic, "11:00", kind=K.PAID).id
        older = _insert(session, clinic, "12:00", kind=K.FOLLOW_UP).id
        session.execute(
            sa.text("ALTER TABLE appointment ENABLE TRIGGER appointment_service_required")
        )
    moved = booking.reschedule(db, clinic.registrar, old, starts_at=f.at(DAY, "15:00"), now=NOW)
    assert (moved.kind, moved.service_id) == (K.PAID, None)
    visit_status.cancel(
        db, clinic.registrar, moved.id, reason="заболел", by=CancelledBy.PATIENT, now=NOW
    )
    with db() as session, session.begin():
        session.get(Appointment, older).status = AppointmentStatus.ARRIVED
