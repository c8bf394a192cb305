# ruff: noqa: E501
"""Ratings from the desk: who may record and answer them, and what is refused."""

from __future__ import annotations

import pytest

from crm.controllers.errors import PermissionDenied, ValidationError
from crm.controllers.feedback import ratings
from crm.models.enums import Role
from tests import booking_factories as bf
from tests.integration.test_payments import visit


@pytest.fixture
def people(db):
    with db() as session, session.begin():
        appointment, patient = visit(session)
        return (
            bf.user(session, Role.REGISTRAR),
            bf.user(session, Role.MANAGER),
            bf.user(session, Role.DOCTOR),
            appointment.id,
            appointment.doctor_id,
            patient.id,
        )


def test_a_visit_rating_takes_its_doctor_and_patient_and_low_ones_wait_for_a_manager(db, people):
    registrar, manager, doctor, appointment_id, doctor_id, patient_id = people
    with pytest.raises(PermissionDenied):
        ratings.record_feedback(db, doctor, rating=5, appointment_id=appointment_id)
    row = ratings.record_feedback(
        db, registrar, rating="1", comment=" грубо ", appointment_id=appointment_id
    )
    assert (row.subject, row.doctor_id, row.patient_id, row.comment) == (
        ratings.Subject.VISIT,
        doctor_id,
        patient_id,
        "грубо",
    )
    assert row.needs_answer
    assert (
        ratings.record_feedback(db, registrar, rating=3, doctor_id=doctor_id).subject
        is ratings.Subject.DOCTOR
    )
    assert ratings.record_feedback(db, registrar, rating=4).subject is ratings.Subject.CLINIC
    for bad, field in ((0, "rating"), ("4.5", "rating"), (True, "rating")):
        with pytest.raises(ValidationError) as refused:
            ratings.record_feedback(db, registrar, rating=bad)
        assert refused.value.field == field
    with pytest.raises(ValidationError) as other_patient:
        ratings.record_feedback(
            db, registrar, rating=5, appointment_id=appointment_id, patient_id=patient_id + 1000
        )
    assert other_patient.value.field == "patient_id"
    with pytest.raises(PermissionDenied):
        ratings.manager_queue(db, registrar)
    assert [r.id for r in ratings.manager_queue(db, manager)] == [row.id]
    with pytest.raises(ValidationError):
        ratings.answer(db, manager, row.id, "  ")
    answered = ratings.answer(db, manager, row.id, "Разобрались, извините")
    assert not answered.needs_answer and ratings.manager_queue(db, manager) == ()
