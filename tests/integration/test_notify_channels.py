"""The channels an administrator sets, SMS.ru's API, the rate limit and the service's sender,
through real servers on 127.0.0.1 (an HTTP server speaking SMS.ru's answers, aiosmtpd)."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
import sqlalchemy as sa

from crm.controllers.clinic import settings
from crm.controllers.errors import FormInvalid
from crm.controllers.notifications import channel_settings as cs
from crm.controllers.notifications.channels import DeliveryError, SmsChannel, SmtpMailer
from crm.controllers.notifications.gateways import ProviderSettings, SmsRuGateway
from crm.controllers.notifications.sender import RateLimiter, send_due
from crm.crypto import generate_key_file
from crm.db.database import Database
from crm.db.service import NotificationSender, run_due
from crm.models import JournalEntry, OutboxMessage
from crm.models.enums import NotificationChannel, NotificationStatus, Role
from tests import booking_factories as bf
from tests.notify_servers import Accounts, Gateway, SmsRuServer, secure_smtp_server, smtp_server

SMS, EMAIL = NotificationChannel.SMS, NotificationChannel.EMAIL
API_ID = "8F2D79B5-A5A2-2F9E-91C8-73D12CE2E102"
NOW = dt.datetime(2031, 3, 1, 9, 0, tzinfo=dt.UTC)  # 12:00 in Moscow: no quiet hours


def queue(db, channel: NotificationChannel, recipients: list[str], at=NOW) -> None:
    with db() as session, session.begin():
        session.add_all(
            OutboxMessage(channel=channel, recipient=to, purpose="confirmation",
                          subject="Запись", body=f"Вы записаны {k}", next_attempt_at=at)
            for k, to in enumerate(recipients)
        )  # fmt: skip


def statuses(db) -> dict[str, tuple[NotificationStatus, str | None]]:
    with db() as session:
        rows = session.execute(sa.select(OutboxMessage.recipient, OutboxMessage.status,
                                         OutboxMessage.last_error)).all()  # fmt: skip
    return {to: (status, error) for to, status, error in rows}


# --- SMS.ru ----------------------------------------------------------------------------------


def test_sms_ru_sends_and_names_a_refused_number_and_a_wrong_api_id():
    server = SmsRuServer(API_ID, refused={"79990000000"})
    good = SmsRuGateway(ProviderSettings(API_ID, sender="Clinic", url=server.url))
    wrong = SmsRuGateway(ProviderSettings("not-the-api-id-777", url=server.url))
    try:
        good.send_sms("+7 916 123-45-67", "Вы записаны")
        with pytest.raises(DeliveryError) as refused:
            good.send_sms("+79990000000", "Вы записаны")
        with pytest.raises(DeliveryError) as auth:
            wrong.send_sms("+79161234567", "Вы записаны")
    finally:
        good.close(), wrong.close(), server.stop()
    first = server.forms[0]
    assert first == {"api_id": API_ID, "to": "79161234567", "msg": "Вы записаны", "json": "1",
                     "from": "Clinic"}  # fmt: skip
    assert refused.value.permanent and "SMS.ru 207" in refused.value.reason
    assert "нельзя отправлять" in refused.value.reason
    assert auth.value.permanent and "SMS.ru 200: Неправильный api_id" in auth.value.reason
    assert "check the api_id" in auth.value.reason
    assert "not-the-api-id-777" not in auth.value.reason


def test_sms_ru_through_the_sender_retries_only_a_transient_error(db):
    server = SmsRuServer(API_ID, refused={"79990000000"}, statuses=[503])
    channel = SmsChannel(SmsRuGateway(ProviderSettings(API_ID, url=server.url)))
    queue(db, SMS, ["+79161234567", "+79990000000"])
    try:
        first = send_due(db, NOW, channels={SMS: channel}, batch=1)
        later = NOW + dt.timedelta(minutes=5)
        second = send_due(db, later, channels={SMS: channel})
    finally:
        channel.close(), server.stop()
    # The first try met a 503 (the service down a moment): tried again, then sent; the
    # refused number failed at its first real answer, not tried again.
    assert (first.retried, first.failed) == (1, 1)
    assert second.sent == 1
    found = statuses(db)
    assert found["+79161234567"][0] is NotificationStatus.SENT
    status, error = found["+79990000000"]
    assert status is NotificationStatus.FAILED and "SMS.ru 207" in error
    assert len(server.forms) == 3


# --- the rate limit ------------------------------------------------------------------------------


def test_the_rate_limit_sends_at_most_n_a_minute_and_keeps_the_rest_queued(db):
    clock = [1000.0]
    limiter = RateLimiter({EMAIL: 5}, clock=lambda: clock[0])
    queue(db, EMAIL, [f"p{k}@example.org" for k in range(12)])
    queue(db, SMS, ["+79161234567"])
    sms = SmsRuServer(API_ID)
    with smtp_server() as (inbox, smtp):
        mailer = SmtpMailer(smtp)
        phone = SmsChannel(SmsRuGateway(ProviderSettings(API_ID, url=sms.url)))
        channels = {EMAIL: mailer, SMS: phone}
        try:
            runs = [send_due(db, NOW, channels=channels, limiter=limiter).sent]
            runs.append(send_due(db, NOW, channels=channels, limiter=limiter).sent)
            clock[0] += 30  # still within the same minute
            runs.append(send_due(db, NOW, channels=channels, limiter=limiter).sent)
            clock[0] += 31  # the first five are out of the window
            runs.append(send_due(db, NOW, channels=channels, limiter=limiter).sent)
            clock[0] += 61
            runs.append(send_due(db, NOW, channels=channels, limiter=limiter).sent)
        finally:
            mailer.close(), phone.close(), sms.stop()
    assert runs == [6, 0, 0, 5, 2]  # 5 e-mails + the unlimited SMS, then 5, then the last 2
    assert len(inbox.messages) == 12 and len(sms.forms) == 1


# --- the administrator's settings, and the service's sender ---------------------------------------


def admin(db):
    with db() as session, session.begin():
        return bf.user(session, Role.ADMIN)


def test_the_settings_keep_secrets_sealed_and_out_of_the_journal(db, tmp_path):
    keyring = generate_key_file(tmp_path / "key.bin")
    actor = admin(db)
    form = cs.ChannelForm(
        smtp_host="smtp.example.org", smtp_port="465", smtp_security="ssl",
        smtp_username="clinic", smtp_password="Pa55-very-secret", smtp_sender="clinic@example.org",
        sms_provider="smsru", sms_token=API_ID, sms_sender="Clinic", email_per_minute="30",
    )  # fmt: skip
    saved = cs.save_setup(db, actor, keyring, form)
    assert saved.smtp_password_set and saved.sms_token_set and saved.email_per_minute == 30
    again = cs.save_setup(
        db,
        actor,
        keyring,
        cs.ChannelForm(
            **{**form.__dict__, "smtp_password": "", "sms_token": "", "sms_per_minute": "10"}
        ),
    )
    assert again.smtp_password_set and again.sms_per_minute == 10  # kept, not typed again
    with db() as session:
        raw = str(settings.get(session, cs.CHANNELS_KEY))
        journal = str(
            session.execute(
                sa.select(JournalEntry.changes, JournalEntry.details).where(
                    JournalEntry.entity == "notify_channels"
                )
            ).all()
        )
    for secret in ("Pa55-very-secret", API_ID):
        assert secret not in raw and secret not in journal
    assert "smtp_password" in journal and "*** (new)" in journal and "465" in journal
    with pytest.raises(FormInvalid) as bad:
        cs.save_setup(db, actor, keyring, cs.ChannelForm(
            smtp_host="h", smtp_port="99999", smtp_sender="nobody", sms_provider="http_json",
            email_per_minute="many"))  # fmt: skip
    assert {p.field for p in bad.value.problems} == {
        "smtp_port",
        "smtp_sender",
        "sms_url",
        "email_per_minute",
    }


def test_the_service_sends_the_outbox_through_the_stored_channels_and_logs_no_secret(
    committed_db_url, committed_engine, committed_db, tmp_path
):
    key_path = tmp_path / "key.bin"
    keyring = generate_key_file(key_path)
    actor = admin(committed_db)
    token = "gateway-token-echoed-back"
    gateway = Gateway([500])  # answers 500 once, echoing the Authorization header
    log_file = tmp_path / "service.log"
    handler = logging.FileHandler(log_file, encoding="utf-8")
    logging.getLogger().addHandler(handler)
    old_level = logging.getLogger().level
    logging.getLogger().setLevel(logging.DEBUG)
    accounts = Accounts("clinic", "smtp-Pa55word")
    database = Database(url=committed_db_url, engine=committed_engine, sessions=committed_db)
    job = NotificationSender(key_path)
    try:
        with secure_smtp_server(tmp_path, implicit_tls=False, accounts=accounts) as (
            inbox, port, context,
        ):  # fmt: skip
            cs.save_setup(committed_db, actor, keyring, cs.ChannelForm(
                smtp_host="127.0.0.1", smtp_port=str(port), smtp_security="starttls",
                smtp_username="clinic", smtp_password="smtp-Pa55word",
                smtp_sender="clinic@example.org", sms_provider="http_json", sms_url=gateway.url,
                sms_token=token))  # fmt: skip
            past = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
            queue(committed_db, EMAIL, ["a@example.org"], at=past)
            queue(committed_db, SMS, ["+79161234567"], at=past)
            assert job.due(database)
            job.channels[EMAIL]._context = context  # trust the test server's own certificate
            outcomes = run_due(database, [job.job()])
            assert [(o.name, o.ok) for o in outcomes] == [("notify", True)]
            assert outcomes[0].detail.count("1") >= 2  # sent 1, to try again 1
            assert [m["To"] for m in inbox.messages] == ["a@example.org"]
            assert not job.due(database)  # the SMS waits for its backoff
            job.close()  # before the server stops: the connection kept between runs
    finally:
        job.close()
        gateway.stop()
        logging.getLogger().removeHandler(handler)
        logging.getLogger().setLevel(old_level)
        handler.close()
    found = statuses(committed_db)
    assert found["+79161234567"][0] is NotificationStatus.PENDING
    assert "***" in found["+79161234567"][1]  # the echoed token blanked out
    with committed_db() as session:
        journal = str(session.execute(sa.select(JournalEntry.action, JournalEntry.changes,
                                                JournalEntry.details)).all())  # fmt: skip
    logged = log_file.read_text(encoding="utf-8")
    assert "service job notify" in logged
    for secret in (token, "smtp-Pa55word"):
        assert secret not in logged and secret not in journal
        assert secret not in str(found)


def test_smsc_sends_and_retries_only_its_transient_codes():
    from crm.controllers.notifications.gateways import SmscGateway
    from tests.notify_servers import SmscServer

    server = SmscServer("clinic", "smsc-Pa55", answers=[0, 7, 9])
    gateway = SmscGateway(ProviderSettings("clinic:smsc-Pa55", sender="Clinic", url=server.url))
    wrong = SmscGateway(ProviderSettings("clinic:wrong-pass-x", url=server.url))
    errors = []
    try:
        gateway.send_sms("+79161234567", "Вы записаны")
        for g in (gateway, gateway, wrong):
            with pytest.raises(DeliveryError) as caught:
                g.send_sms("+79161234567", "Вы записаны")
            errors.append(caught.value)
    finally:
        gateway.close(), wrong.close(), server.stop()
    assert server.forms[0] == {"login": "clinic", "psw": "smsc-Pa55", "phones": "79161234567",
                               "mes": "Вы записаны", "fmt": "3", "charset": "utf-8",
                               "sender": "Clinic"}  # fmt: skip
    number, busy, auth = errors
    assert number.permanent and "SMSC.ru 7: invalid number" in number.reason
    assert not busy.permanent and "SMSC.ru 9" in busy.reason
    assert auth.permanent and "check the login and password" in auth.reason
    assert "wrong-pass-x" in wrong.secrets
    assert "wrong-pass-x" not in auth.reason
