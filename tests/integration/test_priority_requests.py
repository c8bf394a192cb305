"""Priority requests: created at the desk, decided by a manager, booked and linked."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from crm.controllers.errors import PermissionDenied, ValidationError
from crm.controllers.referrals import priority
from crm.controllers.referrals.priority import PriorityRefused
from crm.controllers.schedule import booking
from crm.models import Appointment, JournalEntry, PriorityRequest
from crm.models.enums import AppointmentKind, PriorityStatus
from tests import factories as f
from tests import referral_factories as rf

P = PriorityStatus
DAY, NOW = rf.DAY, rf.NOW


@pytest.fixture
def desk(db) -> rf.Desk:
    return rf.make_desk(db)


def create(db, desk, patient: int, reason: str = "подозрение на онкологию", **kwargs):
    return priority.create_request(
        db, kwargs.pop("actor", desk.registrar), patient_id=desk.patients[patient],
        reason=reason, now=NOW, **kwargs,
    )  # fmt: skip


def test_queue_pending_first_oldest_first_then_approved(db, desk):
    first = create(db, desk, 0, specialty_id=desk.specialty_a)
    second = create(db, desk, 1)
    third = create(db, desk, 2, actor=desk.doctor_user)  # a doctor may ask too
    with db() as session, session.begin():  # created one hour apart, the third first
        for row_id, hours in ((third.id, 0), (first.id, 1), (second.id, 2)):
            session.get(PriorityRequest, row_id).created_at = NOW + dt.timedelta(hours=hours)
    priority.approve(db, desk.manager, third.id, now=NOW)
    queue = priority.manager_queue(db, desk.manager, now=NOW + dt.timedelta(hours=5))
    assert [(r.id, r.status) for r in queue] == [
        (first.id, P.PENDING), (second.id, P.PENDING), (third.id, P.APPROVED)]  # fmt: skip
    assert queue[0].age == dt.timedelta(hours=4) and queue[0].specialty_name
    assert queue[2].decided_by == desk.manager.full_name and queue[2].created_by == (
        desk.doctor_user.full_name)  # fmt: skip
    priority.reject(db, desk.manager, second.id, reason=" есть плановая запись ")
    queue = priority.manager_queue(db, desk.manager)
    assert [r.id for r in queue] == [first.id, third.id]
    everything = priority.manager_queue(db, desk.manager, include_closed=True)
    assert [r.id for r in everything] == [first.id, third.id, second.id]
    assert everything[2].decision_reason == "есть плановая запись"


def test_approve_then_book_links_the_appointment(db, desk):
    request = create(db, desk, 0, specialty_id=desk.specialty_a)
    with pytest.raises(PriorityRefused) as caught:
        priority.book_request(db, desk.manager, request.id, doctor_id=desk.doctor,
                                       starts_at=f.at(DAY, "10:00"), now=NOW)  # fmt: skip
    assert caught.value.reason_code == "bad_status"
    priority.approve(db, desk.manager, request.id, note="срочно", now=NOW)
    # The wanted time is taken: the manager overbooks it with a reason.
    f.book(db, desk.registrar, patient_id=desk.patients[1], doctor_id=desk.doctor,
                 starts_at=f.at(DAY, "10:00"), now=NOW)  # fmt: skip
    with pytest.raises(booking.BookingRefused):
        priority.book_request(db, desk.manager, request.id, doctor_id=desk.doctor,
                                       starts_at=f.at(DAY, "10:00"), now=NOW)  # fmt: skip
    assert priority.get_request(db, desk.manager, request.id).status is P.APPROVED
    made, linked = priority.book_request(
        db, desk.manager, request.id, doctor_id=desk.doctor, starts_at=f.at(DAY, "10:00"),
        overbook_reason="приоритетная запись", service_id=f.paid_service_id(db), now=NOW,
    )  # fmt: skip
    assert made.overbooked and linked.status is P.BOOKED and linked.appointment_id == made.id
    assert linked.appointment_starts_at == f.at(DAY, "10:00")
    card = priority.patient_requests(db, desk.registrar, desk.patients[0])
    assert [(r.id, r.status) for r in card] == [(request.id, P.BOOKED)]
    with db() as session:
        actions = session.scalars(
            sa.select(JournalEntry.action).where(JournalEntry.entity == "priority_request")
            .order_by(JournalEntry.id)
        ).all()  # fmt: skip
    assert actions == ["create", "approve", "book"]


def test_a_priority_request_is_never_booked_as_a_paid_visit_of_no_service(db, desk):
    request = create(db, desk, 0, specialty_id=desk.specialty_a)
    priority.approve(db, desk.manager, request.id, now=NOW)
    for kind in (None, AppointmentKind.PAID, AppointmentKind.FOLLOW_UP):
        with pytest.raises(booking.BookingRefused) as caught:
            priority.book_request(db, desk.manager, request.id, doctor_id=desk.doctor,
                                  starts_at=f.at(DAY, "11:00"), kind=kind, now=NOW)  # fmt: skip
        assert (caught.value.reason_code, caught.value.field) == ("service_missing", "service")
        assert caught.value.message.startswith("Услуга:")
    with db() as session:
        assert not session.scalars(
            sa.select(Appointment).where(Appointment.patient_id == desk.patients[0])
        ).all()
    assert priority.get_request(db, desk.manager, request.id).status is P.APPROVED
    service = f.paid_service_id(db)
    made, linked = priority.book_request(
        db, desk.manager, request.id, doctor_id=desk.doctor, starts_at=f.at(DAY, "11:00"),
        kind=AppointmentKind.FOLLOW_UP, service_id=service, now=NOW,
    )  # fmt: skip
    assert (made.kind, made.service_id, linked.status) == (
        AppointmentKind.FOLLOW_UP, service, P.BOOKED)  # fmt: skip


def test_link_an_appointment_booked_elsewhere(db, desk):
    request = create(db, desk, 0)
    priority.approve(db, desk.manager, request.id)
    others = f.book(db, desk.registrar, patient_id=desk.patients[1], doctor_id=desk.doctor,
                          starts_at=f.at(DAY, "11:00"), now=NOW)  # fmt: skip
    with pytest.raises(ValidationError) as caught:
        priority.link_appointment(db, desk.manager, request.id, others.id)
    assert caught.value.field == "appointment_id"
    own = f.book(db, desk.registrar, patient_id=desk.patients[0], doctor_id=desk.doctor,
                       starts_at=f.at(DAY, "12:00"), now=NOW)  # fmt: skip
    linked = priority.link_appointment(db, desk.manager, request.id, own.id)
    assert linked.status is P.BOOKED


def test_rules_of_deciding(db, desk):
    request = create(db, desk, 0, specialty_id=desk.specialty_a)
    with pytest.raises(PriorityRefused) as caught:
        create(db, desk, 0, specialty_id=desk.specialty_a)
    assert caught.value.reason_code == "already_pending"
    assert create(db, desk, 0, specialty_id=desk.specialty_b).status is P.PENDING
    with pytest.raises(ValidationError) as empty:
        create(db, desk, 1, reason="   ")
    assert empty.value.field == "reason"
    for actor in (desk.registrar, desk.doctor_user):
        with pytest.raises(PermissionDenied):
            priority.approve(db, actor, request.id)
    with pytest.raises(PermissionDenied):
        create(db, desk, 1, actor=desk.admin)
    with pytest.raises(PriorityRefused) as no_reason:
        priority.reject(db, desk.manager, request.id, reason=" ")
    assert no_reason.value.reason_code == "reason_required"
    priority.reject(db, desk.manager, request.id, reason="не срочно")
    for call in (priority.approve, priority.reject):
        with pytest.raises(PriorityRefused) as again:
            call(db, desk.manager, request.id, **({"reason": "x"} if call is
                                                  priority.reject else {}))  # fmt: skip
        assert again.value.reason_code == "bad_status"
    # Rejected: the patient may be queued again.
    assert create(db, desk, 0, specialty_id=desk.specialty_a).status is P.PENDING
