"""The clinic's background service: a small registry of jobs run when they are due.

A :class:`Job` has a name, a "due?" check and a run; :func:`run_due` asks every job once
and runs those that are due (one job's failure does not stop the others), and
:func:`run_forever` does that every ``interval`` seconds until told to stop.
``clinic-crm service run [--once]`` is the command line over it. The scheduled backup
is the first job (:func:`default_jobs`), the outbox sender (:class:`NotificationSender`)
the second, the expiry of bonus points the third: one service runs the clinic's backups,
its notifications and its points.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from crm.controllers.clinic import settings
from crm.controllers.errors import DomainError
from crm.controllers.notifications import channel_settings, sender
from crm.controllers.notifications.channels import Channel
from crm.crypto import KeyRing, load_key_file
from crm.db import scheduled_backup
from crm.db.database import Database
from crm.i18n import translate
from crm.models.enums import NotificationChannel

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    """One thing the service does: ``due(database)`` says whether to, ``run(database)``
    does it and says what it did (one line, translated)."""

    name: str
    due: Callable[[Database], bool]
    run: Callable[[Database], str]


@dataclass(frozen=True)
class JobOutcome:
    """A job that was due: whether its run went through, and what it said."""

    name: str
    ok: bool
    detail: str


def _backup_run(database: Database) -> str:
    outcome = scheduled_backup.run_scheduled(database.url, database.engine, database.sessions)
    if outcome.status == "failed":
        raise RuntimeError(outcome.detail)
    lines = [outcome.detail]
    if outcome.pruned:
        lines.append(
            translate("backups", "deleted {n} old backups beyond the ones to keep").format(
                n=len(outcome.pruned)
            )
        )
    return "; ".join(lines)


BACKUP_JOB = Job(
    name="backup",
    due=lambda database: scheduled_backup.scheduled_due(database.sessions),
    run=_backup_run,
)


def _bonus_expiry_due(database: Database) -> bool:
    from crm.controllers.payments import bonus_expiry

    return bonus_expiry.is_due(database.sessions)


def _bonus_expiry_run(database: Database) -> str:
    from crm.controllers.payments import bonus_expiry

    run = bonus_expiry.expire_all(database.sessions)
    return translate("payments", "bonus points expired: {points} of {patients} patients").format(
        points=run.points, patients=run.patients
    )


#: Points past their expiry are written off for every patient (idempotent).
BONUS_EXPIRY_JOB = Job(name="bonus_expiry", due=_bonus_expiry_due, run=_bonus_expiry_run)


class NotificationSender:
    """The outbox sender as a job: the channels an administrator set (``notifications.channels``,
    their secrets opened with the key file), read again at every look so that a change on a
    desk reaches the service without a restart; the SMTP connection and the rate limits'
    windows are kept from one run to the next. Due when a channel is set and a message is due.
    """

    name = "notify"

    def __init__(self, key_file: Path | None) -> None:
        self.key_file = key_file
        self._keyring: KeyRing | None = None
        self._value: object = None
        self.channels: dict[NotificationChannel, Channel] = {}
        self.limiter = sender.RateLimiter({})

    def _keys(self) -> KeyRing:
        if self._keyring is None:
            if self.key_file is None:
                raise RuntimeError(
                    translate("service", "no key file to open the channels' secrets")
                )
            self._keyring = load_key_file(self.key_file)
        return self._keyring

    def _refresh(self, database: Database) -> None:
        with database.sessions() as session:
            value = settings.get(session, channel_settings.CHANNELS_KEY)
        if value == self._value:
            return
        self.close()
        keyring = self._keys() if channel_settings.has_secrets(value) else None
        self.channels, setup = channel_settings.stored_channels(value, keyring)
        self.limiter = sender.RateLimiter(setup.rate_limits)
        self._value = value

    def due(self, database: Database) -> bool:
        self._refresh(database)
        return sender.has_due(database.sessions, self.channels)

    def run(self, database: Database) -> str:
        report = sender.send_due(database.sessions, channels=self.channels, limiter=self.limiter)
        return translate(
            "notify", "sent {sent}, to try again {retried}, not delivered {failed}, "
            "no longer needed {cancelled}",
        ).format(sent=report.sent, retried=report.retried, failed=report.failed,
                 cancelled=report.cancelled)  # fmt: skip

    def close(self) -> None:
        channels, self.channels = self.channels, {}
        for channel in channels.values():
            channel.close()
        self._value = None

    def job(self) -> Job:
        return Job(name=self.name, due=self.due, run=self.run)


def default_jobs(key_file: Path | None = None) -> list[Job]:
    """The service's jobs, in the order they are asked: the scheduled backup, and — given
    the key file that opens the channels' secrets, or with none set — the outbox sender."""
    return [BACKUP_JOB, NotificationSender(key_file).job(), BONUS_EXPIRY_JOB]


def run_due(database: Database, jobs: list[Job] | None = None) -> list[JobOutcome]:
    """Ask every job whether it is due and run those that are; the outcomes of those."""
    outcomes: list[JobOutcome] = []
    for job in default_jobs() if jobs is None else jobs:
        try:
            if not job.due(database):
                continue
            detail = job.run(database)
        except Exception as exc:  # one job's failure (even a bug) must not stop the service
            message = exc.message if isinstance(exc, DomainError) else str(exc)
            message = message or type(exc).__name__
            if isinstance(exc, DomainError | SQLAlchemyError | OSError | RuntimeError):
                log.warning("service job %s failed: %s", job.name, message)
            else:
                log.exception("service job %s failed", job.name)
            outcomes.append(JobOutcome(job.name, False, message))
            continue
        log.info("service job %s: %s", job.name, detail)
        outcomes.append(JobOutcome(job.name, True, detail))
    return outcomes


def run_forever(
    database: Database,
    *,
    interval: float = 60.0,
    stop: threading.Event | None = None,
    jobs: list[Job] | None = None,
    report: Callable[[JobOutcome], None] = lambda _outcome: None,
) -> None:
    """:func:`run_due` every ``interval`` seconds until ``stop`` is set."""
    stop = stop or threading.Event()
    jobs = default_jobs() if jobs is None else jobs  # once: the jobs keep state between looks
    while not stop.is_set():
        for outcome in run_due(database, jobs):
            report(outcome)
        stop.wait(interval)
