"""Where people see the outbox: a manager's queue with retry and cancel, a patient's
messages, the dashboard's failures today.

Failed messages are made by the real sender against a real HTTP gateway on 127.0.0.1
that refuses (HTTP 400: «не доставлено» at once). Rolled back per test.
"""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from crm.controllers.errors import DomainError, PermissionDenied, ValidationError
from crm.controllers.notifications import calls, messages
from crm.controllers.notifications.channels import HttpJsonGateway, HttpJsonSettings, SmsChannel
from crm.controllers.notifications.messages import OutboxFilter
from crm.controllers.notifications.sender import send_due
from crm.controllers.reports.dashboard import dashboard
from crm.controllers.schedule import visit_status
from crm.controllers.waiting import queue as waiting_list
from crm.models import JournalEntry, OutboxMessage, Patient, PatientConsent
from crm.models.enums import (
    CallStatus,
    ConsentKind,
    ContactChannel,
    NotificationChannel,
    NotificationStatus,
)
from tests import factories as f
from tests import referral_factories as rf
from tests.notify_servers import Gateway

DAY, TODAY, NOW = rf.DAY, rf.TODAY, rf.NOW
SMS, EMAIL = NotificationChannel.SMS, NotificationChannel.EMAIL


@pytest.fixture
def desk(db) -> rf.Desk:
    """Patient 0 takes e-mail only; patient 1 SMS only."""
    made = rf.make_desk(db)
    with db() as session, session.begin():
        first = session.get(Patient, made.patients[0])
        first.email = "ivanov@example.org"
        given = TODAY - dt.timedelta(days=30)
        session.add_all([
            PatientConsent(patient_id=made.patients[0], kind=ConsentKind.EMAIL, given_on=given),
            PatientConsent(patient_id=made.patients[1], kind=ConsentKind.SMS, given_on=given),
        ])  # fmt: skip
    return made


def book(db, desk, patient: int, hhmm: str = "10:00"):
    return f.book(  # a paid visit, of the tests' service
        db, desk.registrar, patient_id=desk.patients[patient], doctor_id=desk.doctor,
        starts_at=f.at(DAY, hhmm), now=NOW,
    )  # fmt: skip


def one(db, **where) -> OutboxMessage:
    with db() as session:
        return session.scalars(sa.select(OutboxMessage).filter_by(**where)).one()


def send_refused(db, statuses: list[int]) -> int:
    """Run the sender against a gateway answering ``statuses``; how many failed."""
    gateway = Gateway(statuses)
    channel = SmsChannel(HttpJsonGateway(HttpJsonSettings(gateway.url, token="t", sender="C")))
    try:
        return send_due(db, NOW, channels={SMS: channel}).failed
    finally:
        channel.close()
        gateway.stop()


def test_a_failed_message_is_queued_again_and_then_sent(db, desk):
    made = book(db, desk, 1)
    assert send_refused(db, [400]) == 1
    failed = one(db, appointment_id=made.id, purpose="confirmation")
    assert failed.status is NotificationStatus.FAILED and "HTTP 400" in failed.last_error
    (listed,) = messages.list_outbox(
        db, desk.manager, OutboxFilter(status=NotificationStatus.FAILED)
    )
    assert listed.id == failed.id and "HTTP 400" in listed.last_error
    assert listed.patient_name.startswith("Пациент1")

    assert messages.retry_message(db, desk.manager, failed.id, now=NOW) is (
        NotificationStatus.PENDING
    )
    again = one(db, id=failed.id)
    assert again.status is NotificationStatus.PENDING and again.attempts == 0
    assert again.next_attempt_at == NOW
    assert send_refused(db, []) == 0  # the gateway answers 200 now
    assert one(db, id=failed.id).status is NotificationStatus.SENT
    with db() as session:
        entry = session.scalars(
            sa.select(JournalEntry).filter_by(action="retry", entity_id=failed.id)
        ).one()
    assert entry.user_id == desk.manager.user_id
    assert entry.changes["status"] == ["failed", "pending"]


def test_only_a_failed_message_can_be_retried(db, desk):
    made = book(db, desk, 1)
    queued = one(db, appointment_id=made.id, purpose="confirmation")
    with pytest.raises(DomainError, match="не доставлено|not delivered"):
        messages.retry_message(db, desk.manager, queued.id)
    assert one(db, id=queued.id).status is NotificationStatus.PENDING


def test_a_queued_message_is_cancelled_and_never_sent(db, desk):
    made = book(db, desk, 1)
    queued = one(db, appointment_id=made.id, purpose="confirmation")
    assert messages.cancel_message(db, desk.manager, queued.id) is NotificationStatus.CANCELLED
    gateway = Gateway([])
    channel = SmsChannel(HttpJsonGateway(HttpJsonSettings(gateway.url, token="t", sender="C")))
    try:
        send_due(db, NOW, channels={SMS: channel})
    finally:
        channel.close()
        gateway.stop()
    assert gateway.requests == []  # the reminder is not due yet; the confirmation cancelled
    assert one(db, id=queued.id).status is NotificationStatus.CANCELLED
    with db() as session:
        assert session.scalars(
            sa.select(JournalEntry).filter_by(action="cancel", entity="outbox_message",
                                              entity_id=queued.id)
        ).one().user_id == desk.manager.user_id  # fmt: skip


def test_a_sent_message_cannot_be_cancelled(db, desk):
    made = book(db, desk, 1)
    send_refused(db, [])
    sent = one(db, appointment_id=made.id, purpose="confirmation")
    assert sent.status is NotificationStatus.SENT
    with pytest.raises(DomainError, match="отправлено|already been sent"):
        messages.cancel_message(db, desk.manager, sent.id)
    assert one(db, id=sent.id).status is NotificationStatus.SENT


@pytest.mark.parametrize("who", ["registrar", "doctor_user", "admin"])
def test_only_a_manager_works_the_outbox(db, desk, who):
    made = book(db, desk, 1)
    queued = one(db, appointment_id=made.id, purpose="confirmation")
    actor = getattr(desk, who)
    for call in (
        lambda: messages.list_outbox(db, actor, OutboxFilter()),
        lambda: messages.cancel_message(db, actor, queued.id),
        lambda: messages.retry_message(db, actor, queued.id),
    ):
        with pytest.raises(PermissionDenied):
            call()
    assert one(db, id=queued.id).status is NotificationStatus.PENDING


def test_the_filters_narrow_the_queue(db, desk):
    book(db, desk, 0, "10:00")
    book(db, desk, 1, "11:00")
    manager = desk.manager
    everything = messages.list_outbox(db, manager, OutboxFilter())
    assert {m.channel for m in everything} == {SMS, EMAIL}
    assert {m.channel for m in messages.list_outbox(db, manager, OutboxFilter(channel=EMAIL))} == {
        EMAIL
    }
    by_name = messages.list_outbox(db, manager, OutboxFilter(patient="пациент0"))
    assert by_name and {m.patient_id for m in by_name} == {desk.patients[0]}
    by_address = messages.list_outbox(db, manager, OutboxFilter(patient="ivanov@"))
    assert {m.recipient for m in by_address} == {"ivanov@example.org"}
    assert messages.list_outbox(db, manager, OutboxFilter(status=NotificationStatus.SENT)) == []
    today = everything[0].created_at.date()
    assert len(messages.list_outbox(db, manager, OutboxFilter(date_from=today, date_to=today))) == (
        len(everything)
    )
    tomorrow = today + dt.timedelta(days=1)
    assert messages.list_outbox(db, manager, OutboxFilter(date_from=tomorrow)) == []
    with pytest.raises(ValidationError) as refused:
        messages.list_outbox(db, manager, OutboxFilter(date_from=tomorrow, date_to=today))
    assert refused.value.field == "date_to"


def test_the_patient_card_lists_the_messages_with_their_status(db, desk):
    made = book(db, desk, 1)
    send_refused(db, [400])
    rows = messages.patient_messages(db, desk.registrar, desk.patients[1])
    by_purpose = {m.purpose: m for m in rows}
    assert set(by_purpose) == {"confirmation", "reminder"}
    assert by_purpose["confirmation"].status is NotificationStatus.FAILED
    assert "HTTP 400" in by_purpose["confirmation"].last_error
    assert by_purpose["reminder"].status is NotificationStatus.PENDING
    assert messages.patient_messages(db, desk.registrar, desk.patients[0]) == []
    assert made.id


def test_the_dashboard_counts_the_failures_of_today(db, desk):
    assert dashboard(db, desk.manager).notice_failures == 0
    book(db, desk, 1, "10:00")
    book(db, desk, 1, "12:00")
    assert send_refused(db, [400, 400]) == 2
    assert dashboard(db, desk.manager).notice_failures == 2
    # Queued again, it no longer counts as failed until it fails again.
    failed = messages.list_outbox(db, desk.manager, OutboxFilter(status=NotificationStatus.FAILED))
    messages.retry_message(db, desk.manager, failed[0].id, now=NOW)
    assert dashboard(db, desk.manager).notice_failures == 1
    with db() as session:
        moment = session.execute(sa.select(sa.func.now())).scalar_one()
    assert dashboard(db, desk.manager, now=moment + dt.timedelta(days=1)).notice_failures == 0


def test_a_call_names_the_offered_time_and_only_the_desk_marks_it(db, desk):
    waiting_list.add_entry(
        db, desk.registrar, patient_id=desk.patients[1], doctor_id=desk.doctor,
        wished_from=TODAY, wished_to=DAY, channel=ContactChannel.PHONE, now=NOW,
    )  # fmt: skip
    made = book(db, desk, 3, "10:00")
    visit_status.cancel(db, desk.registrar, made.id, reason="заболел", now=NOW)
    (row,) = calls.open_calls(db, desk.registrar)
    assert row.about_at == f.at(DAY, "10:00")
    assert row.about_at.utcoffset() == dt.timedelta(hours=3)  # the clinic's (Moscow) time
    with pytest.raises(PermissionDenied):
        calls.mark_call(db, desk.doctor_user, row.id, reached=True, now=NOW)
    assert calls.open_calls(db, desk.registrar)[0].attempts == 0
    assert calls.mark_call(db, desk.manager, row.id, reached=True, now=NOW) is CallStatus.REACHED
