"""The outbox sender against a bare ``smtplib`` loop, through the same local SMTP server.

``CRM_BENCH_SENDER_MESSAGES`` (10,000 by default) due e-mails are sent by
:func:`crm.controllers.notifications.sender.send_due` (a transaction, ``SKIP LOCKED``,
the journal per message); the baseline sends the same messages with one ``smtplib``
connection and nothing else. Goal: the sender at ≥ 0.8 of the baseline's rate.
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
from crm.controllers.notifications.channels import SmtpMailer
from crm.controllers.notifications.sender import send_due
from crm.models import OutboxMessage
from crm.models.enums import NotificationChannel
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
    engine.dispose()
    return [Figure(f"sender, {count} e-mails (messages/s)", sender, bare, "bare smtplib loop",
                   "/s")]  # fmt: skip
