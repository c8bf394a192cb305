"""The database itself refuses double bookings (exclusion constraints, SQLSTATE 23P01)."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from crm.models import Appointment, IssuingOrganisation, Referral
from crm.models.enums import AppointmentKind, AppointmentStatus, ReferralKind
from tests import factories as f

DAY = dt.date(2031, 3, 4)


def _sqlstate(error: IntegrityError) -> str | None:
    return getattr(error.orig, "sqlstate", None)


@pytest.fixture
def setting(db):
    with db() as session, session.begin():
        branch, specialty = f.clinic(session)
        doctor = f.doctor(session, branch, specialty)
        other_doctor = f.doctor(session, branch, specialty, last_name="Сидоров")
        ivanov = f.patient(session, "Иванов")
        petrova = f.patient(session, "Петрова")
        ids = doctor.id, other_doctor.id, ivanov.id, petrova.id
    return ids


def _book(db, doctor_id, patient_id, hhmm, minutes=15, **kwargs):
    with db() as session, session.begin():
        kwargs.setdefault("service_id", f.service(session).id)
        row = Appointment(
            doctor_id=doctor_id,
            patient_id=patient_id,
            starts_at=f.at(DAY, hhmm),
            ends_at=f.at(DAY, hhmm) + dt.timedelta(minutes=minutes),
            kind=kwargs.pop("kind", AppointmentKind.PAID),
            **kwargs,
        )
        session.add(row)
        session.flush()
        return row.id


def test_doctor_cannot_have_two_overlapping_active_appointments(db, setting):
    doctor, _, ivanov, petrova = setting
    _book(db, doctor, ivanov, "10:00", 30)
    with pytest.raises(IntegrityError) as caught:
        _book(db, doctor, petrova, "10:15")
    assert _sqlstate(caught.value) == "23P01"
    assert "ex_appointment_doctor_overlap" in str(caught.value)


def test_patient_cannot_be_in_two_places_at_once(db, setting):
    doctor, other_doctor, ivanov, _ = setting
    _book(db, doctor, ivanov, "11:00", 30)
    with pytest.raises(IntegrityError) as caught:
        _book(db, other_doctor, ivanov, "11:15")
    assert _sqlstate(caught.value) == "23P01"
    assert "ex_appointment_patient_overlap" in str(caught.value)


def test_back_to_back_appointments_are_allowed(db, setting):
    doctor, _, ivanov, petrova = setting
    _book(db, doctor, ivanov, "09:00", 15)
    _book(db, doctor, petrova, "09:15", 15)
    _book(db, doctor, ivanov, "09:30", 15)
    with db() as session:
        count = session.scalar(
            sa.select(sa.func.count())
            .select_from(Appointment)
            .where(Appointment.doctor_id == doctor)
        )
    assert count == 3


@pytest.mark.parametrize("released", [AppointmentStatus.CANCELLED, AppointmentStatus.RESCHEDULED])
def test_released_appointments_free_the_slot(db, setting, released):
    doctor, _, ivanov, petrova = setting
    first = _book(db, doctor, ivanov, "12:00", 15)
    with db() as session, session.begin():
        session.get(Appointment, first).status = released
    _book(db, doctor, petrova, "12:00", 15)
    _book(db, doctor, ivanov, "12:15", 15)


def test_overbooking_needs_a_reason_and_bypasses_only_the_doctor_rule(db, setting):
    doctor, _, ivanov, petrova = setting
    _book(db, doctor, ivanov, "13:00", 15)
    with pytest.raises(IntegrityError) as caught:
        _book(db, doctor, petrova, "13:00", 15, overbooked=True)
    assert "ck_appointment_overbook_reason" in str(caught.value)
    _book(db, doctor, petrova, "13:00", 15, overbooked=True, overbook_reason="острая боль")
    with pytest.raises(IntegrityError) as caught:
        # the patient rule still holds for an overbooked appointment
        _book(db, doctor, petrova, "13:00", 15, overbooked=True, overbook_reason="повтор")
    assert _sqlstate(caught.value) == "23P01"


def test_a_referral_holds_one_live_appointment(db, setting):
    doctor, _, ivanov, _ = setting
    with db() as session, session.begin():
        org = IssuingOrganisation(name="ГБУЗ «ГП № 1»", ogrn="1027700000006")
        session.add(org)
        session.flush()
        specialty_id = session.scalar(
            sa.text("SELECT specialty_id FROM doctor WHERE id = :d"), {"d": doctor}
        )
        referral = Referral(
            number="77-123",
            organisation_id=org.id,
            issued_on=DAY - dt.timedelta(days=3),
            patient_id=ivanov,
            specialty_id=specialty_id,
            diagnosis_code="I10",
            kind=ReferralKind.STANDARD,
            valid_days=30,
        )
        session.add(referral)
        session.flush()
        referral_id = referral.id
    _book(db, doctor, ivanov, "14:00", kind=AppointmentKind.REFERRAL, referral_id=referral_id)
    with pytest.raises(IntegrityError) as caught:
        _book(db, doctor, ivanov, "15:00", kind=AppointmentKind.REFERRAL, referral_id=referral_id)
    assert "uq_appointment_live_referral" in str(caught.value)


def test_concurrent_bookings_of_one_slot_leave_exactly_one(committed_engine):
    """Two connections race for the same slot; PostgreSQL lets exactly one win."""
    from sqlalchemy.orm import Session

    with Session(committed_engine) as session, session.begin():
        branch, specialty = f.clinic(session)
        doctor = f.doctor(session, branch, specialty)
        patients = [f.patient(session, name) for name in ("Иванов", "Смирнова")]
        doctor_id, patient_ids = doctor.id, [p.id for p in patients]
        service_id = f.service(session).id

    first, second = committed_engine.connect(), committed_engine.connect()
    statement = sa.text(
        "INSERT INTO appointment (doctor_id, patient_id, starts_at, ends_at, kind, service_id) "
        "VALUES (:d, :p, :s, :e, 'paid', :service)"
    )
    starts = f.at(DAY, "16:00")
    params = {
        "d": doctor_id, "s": starts, "e": starts + dt.timedelta(minutes=15), "service": service_id,
    }  # fmt: skip
    try:
        t1, t2 = first.begin(), second.begin()
        first.execute(statement, {**params, "p": patient_ids[0]})
        # The second insert blocks on the first's uncommitted row until it commits,
        # then fails: run it in a thread so the first can commit meanwhile.
        import threading

        outcome: dict[str, BaseException | None] = {}

        def insert_second() -> None:
            try:
                second.execute(statement, {**params, "p": patient_ids[1]})
                outcome["error"] = None
            except BaseException as exc:
                outcome["error"] = exc

        worker = threading.Thread(target=insert_second)
        worker.start()
        t1.commit()
        worker.join(10)
        assert isinstance(outcome["error"], IntegrityError)
        assert _sqlstate(outcome["error"]) == "23P01"
        t2.rollback()
    finally:
        first.close()
        second.close()
    with committed_engine.connect() as conn:
        count = conn.execute(
            sa.text("SELECT count(*) FROM appointment WHERE doctor_id = :d"), {"d": doctor_id}
        ).scalar()
    assert count == 1
