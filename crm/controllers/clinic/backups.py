"""The clinic's backup schedule and the record of backups made (``backup_run``).

The schedule is a clinic setting (``backup.schedule``) an administrator sets: daily at
a time of the clinic's day, keep the last N, into a folder on the computer that runs the
clinic's service (``clinic-crm service run``). Each run is a ``backup_run`` row, so that
every desk knows the age of the last good backup from the database alone. Making the
backup itself (``pg_dump``) is :mod:`crm.db.scheduled_backup`'s.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import PureWindowsPath

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from crm.controllers import journal
from crm.controllers.access.permissions import Permission, require
from crm.controllers.clinic import settings
from crm.controllers.clinic.clock import SessionSource, clinic_timezone, reading
from crm.controllers.context import Actor
from crm.controllers.errors import Problems
from crm.controllers.validation.fields import invalid, required
from crm.i18n import translate
from crm.models import BackupRun

BACKUP_SCHEDULE = "backup.schedule"  # {"enabled", "time": "HH:MM", "keep": N, "folder"}
DEFAULT_TIME = "02:00"
DEFAULT_KEEP = 14
MAX_KEEP = 365
#: The status bar warns when the last good backup is older than this.
STALE_AFTER = dt.timedelta(days=2)
#: A failed scheduled run is tried again after this long, not every minute.
RETRY_AFTER = dt.timedelta(minutes=30)
#: A run still "running" after this long died with its process.
ABANDONED_AFTER = dt.timedelta(hours=6)

FIELDS = ("enabled", "time", "keep", "folder")
_TIME = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")


def field_title(field: str) -> str:
    """The schedule editor's name of ``field``."""
    titles = {
        "enabled": translate("backups", "Back up every day"),
        "time": translate("backups", "Time"),
        "keep": translate("backups", "Keep the last"),
        "folder": translate("backups", "Folder"),
    }
    return titles.get(field, field)


@dataclass(frozen=True)
class BackupSchedule:
    """Daily at ``time`` (the clinic's timezone), keep the last ``keep`` in ``folder``."""

    enabled: bool
    time: dt.time
    keep: int
    folder: str

    def as_value(self) -> dict[str, object]:
        """The setting's JSON value."""
        return {
            "enabled": self.enabled,
            "time": self.time.strftime("%H:%M"),
            "keep": self.keep,
            "folder": self.folder,
        }


@dataclass(frozen=True)
class ScheduleForm:
    """The schedule as typed in the editor (texts, checked by :func:`clean_schedule`)."""

    enabled: bool
    time: str
    keep: str
    folder: str


@dataclass(frozen=True)
class BackupRunRow:
    """One backup for the screen: when, what, how big, how it went."""

    id: int
    started_at: dt.datetime
    finished_at: dt.datetime | None
    trigger: str
    result: str
    file_path: str | None
    size_bytes: int | None
    error: str | None
    host: str
    pruned: bool


@dataclass(frozen=True)
class BackupStatus:
    """The last good backup's time and age (by the server's clock), and the schedule."""

    last_ok_at: dt.datetime | None
    age: dt.timedelta | None
    schedule: BackupSchedule | None

    @property
    def stale(self) -> bool:
        """No good backup, or the last one is older than :data:`STALE_AFTER`."""
        return self.age is None or self.age > STALE_AFTER


def _time(value: str) -> dt.time:
    text = (value or "").strip()
    if not text:
        raise required("time", label=field_title("time"))
    match = _TIME.match(text)
    if match:
        hour, minute = int(match[1]), int(match[2])
        if hour < 24 and minute < 60:
            return dt.time(hour, minute)
    raise invalid(
        "time",
        translate("backups", "{field}: a time of day as HH:MM, e.g. 02:30"),
        label=field_title("time"),
    )


def _keep(value: str) -> int:
    text = (value or "").strip()
    if not text:
        raise required("keep", label=field_title("keep"))
    if not text.isdigit() or not 1 <= int(text) <= MAX_KEEP:
        raise invalid(
            "keep",
            translate("backups", "{field}: a whole number of backups from 1 to {most}"),
            label=field_title("keep"),
            most=MAX_KEEP,
        )
    return int(text)


def _folder(value: str) -> str:
    text = (value or "").strip()
    if not text:
        raise required("folder", label=field_title("folder"))
    # The folder is on the computer that runs the service, Linux or Windows.
    if not (text.startswith("/") or PureWindowsPath(text).is_absolute()):
        raise invalid(
            "folder",
            translate(
                "backups",
                "{field}: a full path on the computer that runs the clinic's service, "
                "e.g. /var/backups/registratura or D:\\Backups",
            ),
            label=field_title("folder"),
        )
    if len(text) > 500:
        raise invalid(
            "folder",
            translate("backups", "{field}: at most 500 characters"),
            label=field_title("folder"),
        )
    return text


def clean_schedule(form: ScheduleForm) -> BackupSchedule:
    """The schedule from the editor's texts; :class:`FormInvalid` names every bad field."""
    problems = Problems()
    time = problems.check("time", _time, form.time)
    keep = problems.check("keep", _keep, form.keep)
    folder = problems.check("folder", _folder, form.folder)
    problems.raise_any()
    return BackupSchedule(enabled=bool(form.enabled), time=time, keep=keep, folder=folder)


def _from_value(value: dict[str, object] | None) -> BackupSchedule | None:
    if not value:
        return None
    try:
        hour, minute = str(value.get("time") or DEFAULT_TIME).split(":")
        return BackupSchedule(
            enabled=bool(value.get("enabled")),
            time=dt.time(int(hour), int(minute)),
            keep=max(1, int(str(value.get("keep") or DEFAULT_KEEP))),
            folder=str(value.get("folder") or ""),
        )
    except (TypeError, ValueError):
        return None


def read_schedule(source: SessionSource) -> BackupSchedule | None:
    """The stored schedule, or ``None`` when none was set (or it cannot be read)."""
    with reading(source) as session:
        return _from_value(settings.get(session, BACKUP_SCHEDULE))


def save_schedule(db: sessionmaker[Session], actor: Actor, form: ScheduleForm) -> BackupSchedule:
    """Check and store the schedule (administrators); journaled before → after.

    Raises:
        PermissionDenied: not an administrator.
        FormInvalid: bad fields, all of them.
    """
    require(actor, Permission.MANAGE_SETTINGS)
    schedule = clean_schedule(form)
    with db() as session, session.begin():
        old = read_schedule(session)
        settings.put(session, BACKUP_SCHEDULE, schedule.as_value())
        old_values = old.as_value() if old else {}
        new_values = schedule.as_value()
        before = {field: old_values.get(field) for field in FIELDS}
        after = {field: new_values.get(field) for field in FIELDS}
        changes = journal.diff(before, after)
        if changes:
            journal.record(
                session, "update", actor=actor, entity="backup_schedule", changes=changes
            )
    return schedule


# --- the record of runs ------------------------------------------------------------------


def _row(run: BackupRun, tz: dt.tzinfo) -> BackupRunRow:
    return BackupRunRow(
        id=run.id,
        started_at=run.started_at.astimezone(tz),
        finished_at=run.finished_at.astimezone(tz) if run.finished_at else None,
        trigger=run.trigger,
        result=run.result,
        file_path=run.file_path,
        size_bytes=run.size_bytes,
        error=run.error,
        host=run.host,
        pruned=run.pruned_at is not None,
    )


def recent_runs(source: SessionSource, limit: int = 30) -> list[BackupRunRow]:
    """The last ``limit`` backups, newest first, their times in the clinic's timezone."""
    with reading(source) as session:
        tz = clinic_timezone(session)
        runs = session.scalars(
            sa.select(BackupRun)
            .order_by(BackupRun.started_at.desc(), BackupRun.id.desc())
            .limit(limit)
        ).all()
        return [_row(run, tz) for run in runs]


def backup_status(source: SessionSource) -> BackupStatus:
    """The last good backup's time and its age by the server's clock."""
    with reading(source) as session:
        row = session.execute(
            sa.select(BackupRun.finished_at, sa.func.now() - BackupRun.finished_at)
            .where(BackupRun.result == "ok")
            .order_by(BackupRun.finished_at.desc())
            .limit(1)
        ).first()
        schedule = read_schedule(session)
    if row is None:
        return BackupStatus(None, None, schedule)
    return BackupStatus(row[0], row[1], schedule)


def latest_slot(schedule: BackupSchedule, now: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    """The latest moment at or before ``now`` when the schedule says "back up"."""
    local = now.astimezone(zone)
    slot = dt.datetime.combine(local.date(), schedule.time, tzinfo=zone)
    if slot > local:
        slot -= dt.timedelta(days=1)
    return slot


def is_due(
    schedule: BackupSchedule | None,
    now: dt.datetime,
    zone: dt.tzinfo,
    last_ok_started: dt.datetime | None,
    last_attempt_started: dt.datetime | None,
) -> bool:
    """Whether the scheduled backup should run at ``now``.

    Due once the day's time has passed with no good backup started since (a service that
    was down at that time catches up when it starts), but not again within
    :data:`RETRY_AFTER` of any attempt (a failing backup is retried, not hammered).
    """
    if schedule is None or not schedule.enabled:
        return False
    slot = latest_slot(schedule, now, zone)
    if last_ok_started is not None and last_ok_started >= slot:
        return False
    return last_attempt_started is None or now - last_attempt_started >= RETRY_AFTER


def schedule_due(session: Session) -> bool:
    """:func:`is_due` for the stored schedule and runs, by the server's clock."""
    schedule = read_schedule(session)
    if schedule is None or not schedule.enabled:
        return False
    now = session.execute(sa.select(sa.func.now())).scalar_one()
    last_ok = session.scalar(
        sa.select(sa.func.max(BackupRun.started_at)).where(BackupRun.result == "ok")
    )
    last_attempt = session.scalar(
        sa.select(sa.func.max(BackupRun.started_at)).where(
            sa.or_(
                BackupRun.result != "running",
                BackupRun.started_at > now - ABANDONED_AFTER,
            )
        )
    )
    return is_due(schedule, now, clinic_timezone(session), last_ok, last_attempt)


def start_run(session: Session, trigger: str, host: str) -> int:
    """A ``running`` row for a backup about to be made (committed by the caller)."""
    run = BackupRun(trigger=trigger, host=host[:200], result="running")
    session.add(run)
    session.flush()
    return run.id


def finish_run(
    session: Session,
    run_id: int,
    *,
    file_path: str | None,
    size_bytes: int | None,
    error: str | None,
) -> None:
    """Record how the backup ``run_id`` ended: ``ok`` with its file, or ``failed`` and why."""
    run = session.get(BackupRun, run_id)
    if run is None:
        return
    run.finished_at = session.execute(sa.select(sa.func.now())).scalar_one()
    run.result = "failed" if error else "ok"
    run.file_path = file_path
    run.size_bytes = size_bytes
    run.error = error[:2000] if error else None


def runs_to_prune(session: Session, host: str, keep: int) -> list[tuple[int, str]]:
    """This host's good backups beyond the newest ``keep`` whose files are still there."""
    rows = session.execute(
        sa.select(BackupRun.id, BackupRun.file_path)
        .where(
            BackupRun.result == "ok",
            BackupRun.host == host[:200],
            BackupRun.pruned_at.is_(None),
            BackupRun.file_path.is_not(None),
        )
        .order_by(BackupRun.started_at.desc(), BackupRun.id.desc())
        .offset(keep)
    ).all()
    return [(row[0], str(row[1])) for row in rows]


def mark_pruned(session: Session, run_ids: list[int]) -> None:
    """The files of ``run_ids`` were deleted."""
    if run_ids:
        session.execute(
            sa.update(BackupRun).where(BackupRun.id.in_(run_ids)).values(pruned_at=sa.func.now())
        )
