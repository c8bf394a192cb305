"""Sending the outbox through real servers on 127.0.0.1: an aiosmtpd SMTP server and a
small HTTP server playing the SMS gateway (no mocks).

Rolled back per test, except the two concurrent senders (committed, two connections).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from crm.controllers.notifications import visits
from crm.controllers.notifications.channels import (
    HttpJsonGateway,
    HttpJsonSettings,
    SmsChannel,
    SmtpMailer,
    SmtpSettings,
)
from crm.controllers.notifications.sender import send_due
from crm.controllers.schedule import booking, visit_status
from crm.models import JournalEntry, OutboxMessage, Patient, PatientConsent
from crm.models.enums import ConsentKind, NotificationChannel, NotificationStatus
from tests import factories as f
from tests import referral_factories as rf
from tests.notify_servers import Accounts, Gateway, Inbox, secure_smtp_server, smtp_server

DAY, TODAY, NOW = rf.DAY, rf.TODAY, rf.NOW
SMS, EMAIL = NotificationChannel.SMS, NotificationChannel.EMAIL
TOKEN = "s3cret-token-xyz"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, SmtpSettings]]:
    with smtp_server() as server:
        yield server


@pytest.fixture
def desk(db) -> rf.Desk:
    """Patient 0 takes e-mail only; patient 1 SMS only."""
    made = rf.make_desk(db)
    with db() as session, session.begin():
        first = session.get(Patient, made.patients[0])
        first.patronymic, first.email = "Петрович", "ivanov@example.org"
        given = TODAY - dt.timedelta(days=30)
        session.add_all([
            PatientConsent(patient_id=made.patients[0], kind=ConsentKind.EMAIL, given_on=given),
            PatientConsent(patient_id=made.patients[1], kind=ConsentKind.SMS, given_on=given),
        ])  # fmt: skip
    return made


def book(db, desk, patient: int, hhmm: str = "10:00"):
    return f.book(
        db, desk.registrar, patient_id=desk.patients[patient], doctor_id=desk.doctor,
        starts_at=f.at(DAY, hhmm), now=NOW,
    )  # fmt: skip


def rows(db, **where) -> list[OutboxMessage]:
    with db() as session:
        return list(session.scalars(sa.select(OutboxMessage).filter_by(**where)
                                    .order_by(OutboxMessage.id)))  # fmt: skip


def sms_channel(url: str) -> SmsChannel:
    return SmsChannel(HttpJsonGateway(HttpJsonSettings(url, token=TOKEN, sender="Clinic")))


def test_the_confirmation_of_a_booking_reaches_the_smtp_server(db, desk, smtp):
    inbox, settings = smtp
    made = book(db, desk, 0)
    mailer = SmtpMailer(settings)
    try:
        report = send_due(db, NOW, channels={EMAIL: mailer})
    finally:
        mailer.close()
    assert report.sent == 1  # the reminder is due a day before the visit, not now
    (received,) = inbox.messages
    assert received["To"] == "ivanov@example.org" and received["Subject"] == "Вы записаны на приём"
    text = received.get_body(("plain",)).get_content()
    assert "понедельник, 03.03.2031 в 10:00" in text and "Петров П. П." in text
    parts = {part.get_filename(): part for part in received.iter_attachments()}
    assert set(parts) == {"appointment.ics", f"ticket-{made.id:06d}.pdf"}  # and the ticket
    event = parts["appointment.ics"]
    ics = event.get_content()
    ics = ics.decode() if isinstance(ics, bytes) else ics
    assert "DTSTART;TZID=Europe/Moscow:20310303T100000" in ics
    assert "TZOFFSETTO:+0300" in ics and "METHOD:REQUEST" in ics
    assert "SUMMARY:Приём: врач Петров П. П." in ics
    (sent,) = rows(db, appointment_id=made.id, purpose="confirmation")
    assert sent.status is NotificationStatus.SENT and sent.sent_at == NOW and sent.attempts == 1


def test_an_sms_is_sent_once_after_two_failures_and_the_attempts_are_recorded(db, desk):
    gateway = Gateway([500, 500])
    channel = sms_channel(gateway.url)
    try:
        made = book(db, desk, 1)
        assert send_due(db, NOW, channels={SMS: channel}).retried == 1
        assert send_due(db, NOW, channels={SMS: channel}).handled == 0  # waits its backoff
        assert send_due(db, NOW + dt.timedelta(minutes=1), channels={SMS: channel}).retried == 1
        (waiting,) = rows(db, appointment_id=made.id, purpose="confirmation")
        assert waiting.next_attempt_at == NOW + dt.timedelta(minutes=3)  # 1 min, then 2
        assert TOKEN not in (waiting.last_error or "") and "***" in waiting.last_error
        assert send_due(db, NOW + dt.timedelta(minutes=3), channels={SMS: channel}).sent == 1
    finally:
        channel.close()
        gateway.stop()
    assert len(gateway.requests) == 3
    auth, body = gateway.requests[-1]
    assert auth == f"Bearer {TOKEN}" and body["to"] and "вы записаны" in body["text"]
    (sent,) = rows(db, appointment_id=made.id, purpose="confirmation")
    assert sent.status is NotificationStatus.SENT and sent.attempts == 3
    with db() as session:
        journal = session.execute(
            sa.select(JournalEntry.outcome, JournalEntry.details)
            .where(JournalEntry.action == "send", JournalEntry.entity_id == sent.id)
            .order_by(JournalEntry.id)
        ).all()
    assert [o.value for o, _ in journal] == ["failed", "failed", "ok"]
    assert not any(TOKEN in (d or "") or "вы записаны" in (d or "") for _, d in journal)


def test_a_gateway_that_is_down_ends_not_delivered_and_nothing_else_is_lost(db, desk, smtp):
    inbox, settings = smtp
    gateway = Gateway([])
    url = gateway.url
    gateway.stop()  # nobody listens there any more
    channel, mailer = sms_channel(url), SmtpMailer(settings)
    made_sms, made_mail = book(db, desk, 1), book(db, desk, 0, "11:00")
    moment = NOW
    try:
        for _ in range(5):
            send_due(db, moment, channels={SMS: channel, EMAIL: mailer})
            moment += dt.timedelta(hours=1)
    finally:
        channel.close()
        mailer.close()
    (failed,) = rows(db, appointment_id=made_sms.id, purpose="confirmation")
    assert failed.status is NotificationStatus.FAILED and failed.attempts == 5
    assert "ConnectError" in failed.last_error
    (mailed,) = rows(db, appointment_id=made_mail.id, purpose="confirmation")
    assert mailed.status is NotificationStatus.SENT and len(inbox.messages) == 1
    pending = rows(db, status=NotificationStatus.PENDING)
    assert {m.purpose for m in pending} == {"reminder"}  # not due yet, still queued


def test_a_refusing_gateway_fails_at_once(db, desk):
    gateway = Gateway([400])
    channel = sms_channel(gateway.url)
    try:
        made = book(db, desk, 1)
        assert send_due(db, NOW, channels={SMS: channel}).failed == 1
    finally:
        channel.close()
        gateway.stop()
    (failed,) = rows(db, appointment_id=made.id, purpose="confirmation")
    assert failed.status is NotificationStatus.FAILED and "HTTP 400" in failed.last_error


def test_no_sms_in_quiet_hours_but_e_mail_goes(db, desk, smtp):
    inbox, settings = smtp
    gateway = Gateway([])
    channel, mailer = sms_channel(gateway.url), SmtpMailer(settings)
    book(db, desk, 0)
    book(db, desk, 1, "11:00")
    late = f.at(TODAY, "22:30")
    try:
        report = send_due(db, late, channels={SMS: channel, EMAIL: mailer})
        assert report.sent == 1 and len(inbox.messages) == 1 and gateway.requests == []
        early = f.at(TODAY + dt.timedelta(days=1), "08:59")
        assert send_due(db, early, channels={SMS: channel, EMAIL: mailer}).handled == 0
        morning = f.at(TODAY + dt.timedelta(days=1), "09:00")
        assert send_due(db, morning, channels={SMS: channel, EMAIL: mailer}).sent == 1
        with db() as session, session.begin():  # a clinic that allows SMS at night
            visits.save_notice_settings(session, visits.NoticeSettings(
                quiet_from=dt.time(0, 0), quiet_to=dt.time(0, 0)))  # fmt: skip
        book(db, desk, 1, "12:00")
        assert send_due(db, late, channels={SMS: channel}).sent == 1
    finally:
        channel.close()
        mailer.close()
        gateway.stop()
    assert len(gateway.requests) == 2


def test_a_reminder_of_a_cancelled_or_moved_visit_is_not_sent(db, desk):
    gateway = Gateway([])
    channel = sms_channel(gateway.url)
    try:
        cancelled, moved = book(db, desk, 1), book(db, desk, 1, "12:00")
        visit_status.cancel(db, desk.registrar, cancelled.id, reason="заболел", now=NOW)
        new = booking.reschedule(db, desk.registrar, moved.id, starts_at=f.at(DAY, "15:00"),
                                 now=NOW)  # fmt: skip
        due = f.at(DAY - dt.timedelta(days=1), "15:00")  # every reminder is due by now
        report = send_due(db, due, channels={SMS: channel})
    finally:
        channel.close()
        gateway.stop()
    assert report.cancelled == 2 and report.sent == 5  # 2 confirmations, cancel, change, reminder
    for old in (cancelled.id, moved.id):
        (reminder,) = rows(db, appointment_id=old, purpose="reminder")
        assert reminder.status is NotificationStatus.CANCELLED and reminder.attempts == 0
    (kept,) = rows(db, appointment_id=new.id, purpose="reminder")
    assert kept.status is NotificationStatus.SENT
    texts = [body["text"] for _, body in gateway.requests]
    assert sum("напоминаем" in t for t in texts) == 1 and any("15:00" in t for t in texts)


def test_two_senders_at_once_send_each_of_200_messages_once(committed_db, smtp):
    inbox, settings = smtp
    with committed_db() as session, session.begin():
        session.add_all(
            OutboxMessage(
                channel=EMAIL,
                recipient=f"p{k}@example.org",
                purpose="confirmation",
                subject=f"#{k}",
                body=f"message {k}",
                next_attempt_at=NOW,
            )  # fmt: skip
            for k in range(200)
        )
    barrier, reports = threading.Barrier(2), []

    def sender() -> None:
        mailer = SmtpMailer(settings)
        barrier.wait()
        try:
            reports.append(send_due(committed_db, NOW, channels={EMAIL: mailer}))
        finally:
            mailer.close()

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    subjects = sorted(int(m["Subject"][1:]) for m in inbox.messages)
    assert subjects == list(range(200))
    assert sum(r.sent for r in reports) == 200 and all(r.sent > 0 for r in reports)
    with committed_db() as session:
        statuses = session.execute(
            sa.select(OutboxMessage.status, sa.func.count()).group_by(OutboxMessage.status)
        ).all()
    assert statuses == [(NotificationStatus.SENT, 200)]


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_e_mail_over_tls_with_a_login_and_a_wrong_password_never_shown(
    db, desk, tmp_path, security
):
    accounts = Accounts("clinic", "right-password")
    with secure_smtp_server(tmp_path, implicit_tls=security == "ssl", accounts=accounts) as (
        inbox, port, context,
    ):  # fmt: skip

        def mailer(password: str) -> SmtpMailer:
            settings = SmtpSettings(
                "127.0.0.1",
                "clinic@example.org",
                port=port,
                security=security,
                username="clinic",
                password=password,
            )
            return SmtpMailer(settings, context=context)  # fmt: skip

        made = book(db, desk, 0)
        wrong = mailer("wrong-password-123")
        try:
            assert send_due(db, NOW, channels={EMAIL: wrong}).retried == 1
        finally:
            wrong.close()
        (waiting,) = rows(db, appointment_id=made.id, purpose="confirmation")
        assert "authentication failed" in waiting.last_error
        assert "wrong-password-123" not in waiting.last_error
        right = mailer("right-password")
        try:
            later = NOW + dt.timedelta(minutes=1)
            assert send_due(db, later, channels={EMAIL: right}).sent == 1
        finally:
            right.close()
    (received,) = inbox.messages
    assert received["To"] == "ivanov@example.org" and set(accounts.tries) == {b"clinic"}


def test_a_refused_address_is_not_delivered_at_once(db, desk, smtp):
    inbox, settings = smtp

    async def refuse(server, session, envelope, address, rcpt_options):
        return "550 5.1.1 mailbox unavailable"

    inbox.handle_RCPT = refuse  # type: ignore[attr-defined]
    made = book(db, desk, 0)
    mailer = SmtpMailer(settings)
    try:
        assert send_due(db, NOW, channels={EMAIL: mailer}).failed == 1
    finally:
        mailer.close()
    (failed,) = rows(db, appointment_id=made.id, purpose="confirmation")
    assert failed.status is NotificationStatus.FAILED and "550" in failed.last_error


def test_a_connection_the_server_dropped_between_runs_is_opened_again(db, desk, smtp):
    inbox, settings = smtp
    mailer = SmtpMailer(settings)
    try:
        book(db, desk, 0)
        assert send_due(db, NOW, channels={EMAIL: mailer}).sent == 1
        assert mailer._smtp is not None
        mailer._smtp.sock.close()  # as a server's idle timeout would leave it
        book(db, desk, 0, "12:00")
        assert send_due(db, NOW, channels={EMAIL: mailer}).sent == 1
    finally:
        mailer.close()
    assert len(inbox.messages) == 2


def test_an_idle_poll_costs_one_query(db, desk, smtp):
    _, settings = smtp
    book(db, desk, 0)
    mailer = SmtpMailer(settings)
    statements: list[str] = []
    bind = db.kw["bind"]

    def count(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    try:
        assert send_due(db, NOW, channels={EMAIL: mailer}).sent == 1
        sa.event.listen(bind, "before_cursor_execute", count)
        try:
            assert send_due(db, NOW, channels={EMAIL: mailer}).handled == 0
        finally:
            sa.event.remove(bind, "before_cursor_execute", count)
    finally:
        mailer.close()
    # The savepoints are the rolled-back test fixture's, not the sender's.
    fixture = ("SAVEPOINT", "RELEASE", "ROLLBACK TO SAVEPOINT")
    queries = [s for s in statements if not s.lstrip().upper().startswith(fixture)]
    assert len(queries) == 1, queries
