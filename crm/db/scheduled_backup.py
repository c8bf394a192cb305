"""The scheduled backup (a job of the clinic's service) and an administrator's «back up now».

Both make a :func:`crm.db.backup.make_backup` file under one PostgreSQL advisory lock held
on a connection of its own for the whole run, so that several services (or a service and a
desk) never back up at once: the one that finds the lock taken skips, and the one that gets
it after another's run asks again whether a backup is still due. Every run is a
``backup_run`` row (``running``, then ``ok`` with its file and size, or ``failed`` and why);
after a good scheduled run the backups of this computer beyond the schedule's "keep the
last N" are deleted.
"""

from __future__ import annotations

import datetime as dt
import logging
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from crm.controllers.access.database_login import is_workstation_role
from crm.controllers.access.permissions import Permission, require
from crm.controllers.clinic import backups
from crm.controllers.context import Actor
from crm.controllers.errors import DomainError
from crm.db.backup import SUFFIX, backups_dir, make_backup
from crm.i18n import translate

log = logging.getLogger(__name__)

#: ``pg_try_advisory_lock`` key of "a backup is being made" (any fixed 64-bit number).
BACKUP_LOCK = 7_301_562_044_150_001


@dataclass(frozen=True)
class RunOutcome:
    """What a backup attempt did: ``made`` (with the run's row), ``skipped`` or ``failed``."""

    status: str  # made | skipped | failed
    detail: str
    run_id: int | None = None
    path: Path | None = None
    size: int | None = None
    pruned: tuple[str, ...] = ()


def this_host() -> str:
    """The computer's name, as ``backup_run.host`` records it."""
    return socket.gethostname() or "?"


@contextmanager
def backup_lock(engine: sa.Engine) -> Iterator[bool]:
    """Hold the backup lock while the block runs; yields ``False`` when another holds it."""
    with engine.connect() as opened:
        connection = opened.execution_options(isolation_level="AUTOCOMMIT")
        got = bool(
            connection.execute(
                sa.text("SELECT pg_try_advisory_lock(:key)"), {"key": BACKUP_LOCK}
            ).scalar_one()
        )
        try:
            yield got
        finally:
            if got:
                connection.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": BACKUP_LOCK})


def _file_name(run_id: int) -> str:
    now = dt.datetime.now().astimezone()
    return f"registratura-{now:%Y%m%d-%H%M%S}-{run_id}{SUFFIX}"


def _make(
    url: str, sessions: sessionmaker[Session], trigger: str, folder: Path, host: str
) -> RunOutcome:
    with sessions() as session, session.begin():
        run_id = backups.start_run(session, trigger, host)
    try:
        result = make_backup(url, folder / _file_name(run_id))
    except Exception as exc:  # the run is recorded as failed, whatever stopped it
        message = str(exc).strip() or type(exc).__name__
        with sessions() as session, session.begin():
            backups.finish_run(session, run_id, file_path=None, size_bytes=None, error=message)
        log.warning("backup %s failed: %s", run_id, message)
        return RunOutcome("failed", message, run_id)
    with sessions() as session, session.begin():
        backups.finish_run(
            session, run_id, file_path=str(result.path), size_bytes=result.size, error=None
        )
    log.info("backup %s written: %s (%s bytes)", run_id, result.path, result.size)
    return RunOutcome(
        "made",
        translate("backups", "Backup written: {path}").format(path=result.path),
        run_id,
        result.path,
        result.size,
    )


def prune(sessions: sessionmaker[Session], host: str, keep: int) -> tuple[str, ...]:
    """Delete this host's good backups beyond the newest ``keep``; the files deleted."""
    deleted: list[str] = []
    with sessions() as session, session.begin():
        done: list[int] = []
        for run_id, path in backups.runs_to_prune(session, host, keep):
            try:
                Path(path).unlink(missing_ok=True)
            except OSError as exc:
                log.warning("could not delete the old backup %s: %s", path, exc)
                continue
            done.append(run_id)
            deleted.append(path)
        backups.mark_pruned(session, done)
    return tuple(deleted)


def scheduled_due(sessions: sessionmaker[Session]) -> bool:
    """Whether the clinic's schedule says a backup is due now."""
    with sessions() as session:
        return backups.schedule_due(session)


def run_scheduled(
    url: str, engine: sa.Engine, sessions: sessionmaker[Session], host: str | None = None
) -> RunOutcome:
    """The service's backup job: if it is (still) due under the lock, back up and prune."""
    host = host or this_host()
    with backup_lock(engine) as got:
        if not got:
            return RunOutcome(
                "skipped", translate("backups", "another service is making the backup")
            )
        # Asked again under the lock: another service may have just made it.
        if not scheduled_due(sessions):
            return RunOutcome("skipped", translate("backups", "no backup is due"))
        schedule = backups.read_schedule(sessions)
        assert schedule is not None  # due implies a schedule
        outcome = _make(url, sessions, "schedule", Path(schedule.folder), host)
        if outcome.status == "made":
            pruned = prune(sessions, host, schedule.keep)
            outcome = RunOutcome(
                outcome.status, outcome.detail, outcome.run_id, outcome.path, outcome.size, pruned
            )
        return outcome


def backup_now(
    url: str,
    engine: sa.Engine,
    sessions: sessionmaker[Session],
    actor: Actor,
    host: str | None = None,
) -> RunOutcome:
    """An administrator's «back up now»: into the schedule's folder (or the default one).

    Raises:
        PermissionDenied: not an administrator.
        DomainError: another backup is being made right now, or this desk works under a
            workstation role (the service makes the server's backups).
    """
    require(actor, Permission.MANAGE_SETTINGS)
    bind = sessions.kw.get("bind")
    if is_workstation_role(bind if isinstance(bind, sa.Engine) else engine):
        raise DomainError(
            translate(
                "backups",
                "This workstation works under a database role that reads only what its "
                "grants allow, so it cannot copy the whole database. On the clinic's server "
                "backups are made by the clinic's service (`clinic-crm service run`, run as "
                "the database's owner) on the schedule set here.",
            )
        )
    host = host or this_host()
    schedule = backups.read_schedule(sessions)
    folder = Path(schedule.folder) if schedule and schedule.folder else backups_dir()
    with backup_lock(engine) as got:
        if not got:
            raise DomainError(
                translate("backups", "A backup is being made right now: wait for it to finish.")
            )
        return _make(url, sessions, "manual", folder, host)
