"""What is queued: a notice per message and consented channel, in the change's transaction.

Booking, moving and cancelling through the controllers; reminders at the clinic's
hours before; the waiting list's «звонок» becomes a call on the registrar's list.
Rolled back per test; "now" is a week before the booked day (a Monday).
"""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from crm.controllers.notifications import calls, visits
from crm.controllers.schedule import booking, visit_status
from crm.controllers.waiting import queue as waiting_list
from crm.models import CallTask, OutboxMessage, Patient, PatientConsent
from crm.models.enums import CallStatus, ConsentKind, ContactChannel, NotificationChannel
from tests import factories as f
from tests import referral_factories as rf

DAY, TODAY, NOW = rf.DAY, rf.TODAY, rf.NOW
SMS, EMAIL = NotificationChannel.SMS, NotificationChannel.EMAIL


@pytest.fixture
def desk(db) -> rf.Desk:
    """Patient 0 consented to SMS and e-mail; patient 1 to SMS; the others to nothing."""
    made = rf.make_desk(db)
    with db() as session, session.begin():
        first = session.get(Patient, made.patients[0])
        first.patronymic, first.email = "Петрович", "ivanov@example.org"
        given = TODAY - dt.timedelta(days=30)
        session.add_all([
            PatientConsent(patient_id=made.patients[0], kind=ConsentKind.SMS, given_on=given),
            PatientConsent(patient_id=made.patients[0], kind=ConsentKind.EMAIL, given_on=given),
            PatientConsent(patient_id=made.patients[1], kind=ConsentKind.SMS, given_on=given),
        ])  # fmt: skip
    return made


def book(db, desk, patient: int, hhmm: str = "10:00", day=DAY):
    return f.book(
        db, desk.registrar, patient_id=desk.patients[patient], doctor_id=desk.doctor,
        starts_at=f.at(day, hhmm), now=NOW,
    )  # fmt: skip


def outbox(db, **where) -> list[OutboxMessage]:
    with db() as session:
        query = sa.select(OutboxMessage).filter_by(**where).order_by(OutboxMessage.id)
        return list(session.scalars(query))


def test_a_booking_queues_a_confirmation_per_consented_channel_and_a_reminder(db, desk):
    made = book(db, desk, 0)
    confirmations = outbox(db, appointment_id=made.id, purpose="confirmation")
    assert {m.channel for m in confirmations} == {SMS, EMAIL}
    sms = next(m for m in confirmations if m.channel is SMS)
    assert sms.body.startswith("Иван Петрович, вы записаны")
    assert "понедельник, 03.03.2031" in sms.body and "10:00" in sms.body
    assert "Петров П. П." in sms.body and sms.next_attempt_at == NOW
    email = next(m for m in confirmations if m.channel is EMAIL)
    assert email.recipient == "ivanov@example.org" and email.subject
    reminders = outbox(db, appointment_id=made.id, purpose="reminder")
    assert {m.channel for m in reminders} == {SMS, EMAIL}
    assert {m.next_attempt_at for m in reminders} == {f.at(DAY, "10:00") - dt.timedelta(hours=24)}


def test_no_consent_no_message(db, desk):
    made = book(db, desk, 2)
    assert outbox(db, appointment_id=made.id) == []


def test_the_clinic_chooses_both_reminders(db, desk):
    with db() as session, session.begin():
        visits.save_notice_settings(session, visits.NoticeSettings(reminders="both"))
    made = book(db, desk, 1)
    due = sorted(m.next_attempt_at for m in outbox(db, appointment_id=made.id, purpose="reminder"))
    start = f.at(DAY, "10:00")
    assert due == [start - dt.timedelta(hours=24), start - dt.timedelta(hours=2)]


def test_a_reminder_already_past_at_booking_is_not_queued(db, desk):
    soon = NOW + dt.timedelta(hours=20)
    made = f.book(
        db, desk.registrar, patient_id=desk.patients[1], doctor_id=desk.doctor,
        starts_at=soon.replace(minute=0) + dt.timedelta(hours=2), now=NOW,
    )  # fmt: skip
    assert [m.purpose for m in outbox(db, appointment_id=made.id)] == ["confirmation"]


def test_a_move_tells_the_old_and_new_time_and_a_cancellation_is_told(db, desk):
    made = book(db, desk, 1)
    moved = booking.reschedule(
        db, desk.registrar, made.id, starts_at=f.at(DAY + dt.timedelta(days=1), "11:30"), now=NOW
    )
    (change,) = outbox(db, appointment_id=moved.id, purpose="change")
    assert "03.03.2031 10:00" in change.body and "04.03.2031" in change.body
    assert "11:30" in change.body and "вторник" in change.body
    assert len(outbox(db, appointment_id=moved.id, purpose="reminder")) == 1
    visit_status.cancel(db, desk.registrar, moved.id, reason="заболел", now=NOW)
    (cancellation,) = outbox(db, appointment_id=moved.id, purpose="cancellation")
    assert "отменён" in cancellation.body and cancellation.channel is SMS


def test_a_phone_entry_becomes_a_call_never_an_sms(db, desk):
    for patient, channel in ((1, ContactChannel.PHONE), (0, ContactChannel.SMS)):
        waiting_list.add_entry(
            db, desk.registrar, patient_id=desk.patients[patient], doctor_id=desk.doctor,
            wished_from=TODAY, wished_to=DAY, channel=channel, now=NOW,
        )  # fmt: skip
    made = book(db, desk, 3)
    visit_status.cancel(db, desk.registrar, made.id, reason="заболел", now=NOW)
    offers = outbox(db, purpose="waiting_offer")
    # The first entry (by phone) was offered the time: a call, no SMS although consented.
    assert offers == []
    (row,) = calls.open_calls(db, desk.registrar)
    assert row.patient_id == desk.patients[1] and row.phone and "03.03.2031" in row.body
    assert calls.mark_call(db, desk.registrar, row.id, reached=False, now=NOW) is (
        CallStatus.NO_ANSWER
    )
    assert calls.open_calls(db, desk.registrar)[0].attempts == 1
    assert calls.mark_call(db, desk.registrar, row.id, reached=True, now=NOW) is CallStatus.REACHED
    assert calls.open_calls(db, desk.registrar) == []
    with db() as session:
        assert session.get(CallTask, row.id).done_by_id == desk.registrar.user_id


def test_an_sms_entry_gets_only_the_sms(db, desk):
    waiting_list.add_entry(
        db, desk.registrar, patient_id=desk.patients[0], doctor_id=desk.doctor,
        wished_from=TODAY, wished_to=DAY, channel=ContactChannel.SMS, now=NOW,
    )  # fmt: skip
    made = book(db, desk, 3)
    visit_status.cancel(db, desk.registrar, made.id, reason="заболел", now=NOW)
    assert [m.channel for m in outbox(db, purpose="waiting_offer")] == [SMS]


def test_managers_and_administrators_choose_the_reminders_and_it_is_journaled(db, desk):
    from crm.controllers.errors import PermissionDenied, ValidationError
    from crm.models import JournalEntry

    with pytest.raises(PermissionDenied):
        visits.change_notice_settings(db, desk.registrar, reminders="both")
    with pytest.raises(ValidationError) as bad:
        visits.change_notice_settings(db, desk.manager, reminders="1h")
    assert bad.value.field == "reminders"
    chosen = visits.change_notice_settings(db, desk.manager, reminders="2h",
                                           quiet_from=dt.time(22, 0))  # fmt: skip
    assert chosen == visits.NoticeSettings(reminders="2h", quiet_from=dt.time(22, 0))
    assert visits.change_notice_settings(db, desk.admin, max_attempts=3).reminders == "2h"
    with db() as session:
        entries = session.scalars(
            sa.select(JournalEntry).where(JournalEntry.entity == "notice_settings")
        ).all()
    assert [e.changes for e in entries] == [
        {"reminders": ["24h", "2h"], "quiet_from": ["21:00", "22:00"]},
        {"max_attempts": [5, 3]},
    ]


def test_a_call_about_an_offer_leaves_the_list_when_the_offer_ends(db, desk):
    """A registrar must not phone a patient offering a time that is no longer offered."""
    entry = waiting_list.add_entry(
        db, desk.registrar, patient_id=desk.patients[1], doctor_id=desk.doctor,
        wished_from=TODAY, wished_to=DAY, channel=ContactChannel.PHONE, now=NOW,
    )  # fmt: skip
    made = book(db, desk, 3)
    visit_status.cancel(db, desk.registrar, made.id, reason="заболел", now=NOW)
    (task,) = calls.open_calls(db, desk.registrar)
    assert task.purpose == "waiting_offer" and task.patient_id == desk.patients[1]
    waiting_list.decline_offer(db, desk.registrar, entry.id, now=NOW)
    assert calls.open_calls(db, desk.registrar) == []
    with db() as session:
        assert session.get(CallTask, task.id).status is CallStatus.WITHDRAWN
