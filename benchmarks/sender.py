"""The outbox sender against a bare ``smtplib`` loop, through the same local SMTP server.

``CRM_BENCH_SENDER_MESSAGES`` (10,000 by default) due e-mails are sent by
:func:`crm.controllers.notifications.sender.send_due` (a transaction, ``SKIP LOCKED``,
the journal per message); the baseline sends the same messages with one ``smtplib``
connection and nothing else. Goal: the sender at ≥ 0.8 of the baseline's rate. Then the same
messages once more through the clinic's service's sender job (the stored channels, a rate
limit per channel that never binds), beside the same baseline.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import smtplib
import time
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker

from benchmarks.common import Figure, migrated
from crm.controllers.clinic import settings
from crm.controllers.notifications.channel_settings import CHANNELS_KEY
from crm.controllers.notifications.channels import SmtpMailer
from crm.controllers.notifications.sender import send_due
from crm.db.database import Database
from crm.db.service import NotificationSender
from crm.models import OutboxMessage
from crm.models.enums import NotificationChannel, NotificationStatus
from tests.notify_servers import smtp_server
from tests.pg import TestServer


def bench_sender(server: TestServer, options: argparse.Namespace) -> list[Figure]:
    count = int(os.environ.get("CRM_BENCH_SENDER_MESSAGES", "10000"))
    batch = int(os.environ.get("CRM_BENCH_SENDER_BATCH", "20"))
    engine = sa.create_engine(migrated(server))
    db = sessionmaker(bind=engine, expire_on_commit=False)
    now = dt.datetime.now(dt.UTC)
    with db() as session, session.begin():
        session.add_all(
            OutboxMessage(
                channel=NotificationChannel.EMAIL,
                recipient=f"p{k}@example.org",
                purpose="confirmation",
                subject=f"#{k}",
                body=f"Вы записаны {k}",
                next_attempt_at=now,
            )  # fmt: skip
            for k in range(count)
        )
    with smtp_server() as (inbox, settings):
        started = time.perf_counter()
        with smtplib.SMTP(settings.host, settings.port) as smtp:
            for k in range(count):
                message = EmailMessage()
                message["From"], message["To"] = settings.sender, f"p{k}@example.org"
                message["Subject"] = f"#{k}"
                message["Date"] = formatdate(localtime=True)
                message["Message-ID"] = make_msgid(domain="example.org")
                message.set_content(f"Вы записаны {k}")
                smtp.send_message(message)
        bare = count / (time.perf_counter() - started)
        mailer = SmtpMailer(settings)
        started = time.perf_counter()
        try:
            report = send_due(db, now, channels={NotificationChannel.EMAIL: mailer}, batch=batch)
        finally:
            mailer.close()
        sender = count / (time.perf_counter() - started)
        assert report.sent == count and len(inbox.messages) == 2 * count
        service = _through_the_service(engine, db, settings, count)
        assert len(inbox.messages) == 3 * count
    engine.dispose()
    return [
        Figure(f"sender, {count} e-mails (messages/s)", sender, bare, "bare smtplib loop", "/s"),
        Figure(f"service job, {count} e-mails, rate-limited (/s)", service, bare,
               "bare smtplib loop", "/s"),
    ]  # fmt: skip


def _through_the_service(engine: sa.Engine, db: sessionmaker, smtp, count: int) -> float:
    """The same messages again through ``clinic-crm service run``'s sender job: the channels
    an administrator stored, a rate limit per channel (high enough never to stop it: its
    bookkeeping is what is measured) — its looks until the outbox is empty."""
    with db() as session, session.begin():
        session.execute(sa.update(OutboxMessage).values(
            status=NotificationStatus.PENDING, next_attempt_at=sa.func.now()))  # fmt: skip
        settings.put(session, CHANNELS_KEY, {
            "smtp": {"host": smtp.host, "port": smtp.port, "security": "none",
                     "sender": smtp.sender},
            "rates": {"email": 10 * count},
        })  # fmt: skip
    database = Database(url=str(engine.url), engine=engine, sessions=db)
    job = NotificationSender(None)
    started = time.perf_counter()
    try:
        while job.due(database):
            job.run(database)
    finally:
        job.close()
    return count / (time.perf_counter() - started)
