"""The clinic's service and its scheduled backup, on a real server.

``service run --once`` with a due schedule writes a backup that ``db restore`` accepts,
records it in ``backup_run`` and deletes this computer's backups beyond "keep the last N";
two services at once make one backup (the advisory lock).
"""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import sqlalchemy as sa
from click.testing import CliRunner
from sqlalchemy.orm import sessionmaker

from crm.cli import main
from crm.controllers.access.keys import ensure_key
from crm.controllers.clinic import backups, settings
from crm.controllers.clinic.clock import clinic_timezone
from crm.db import scheduled_backup
from crm.db.database import Database
from crm.db.service import Job, run_due
from crm.models import BackupRun
from tests.pg import TestServer


def _set_schedule(factory: sessionmaker, folder: Path, keep: int) -> None:
    with factory() as session, session.begin():
        settings.put(
            session,
            backups.BACKUP_SCHEDULE,
            {"enabled": True, "time": "00:00", "keep": keep, "folder": str(folder)},
        )


def _old_backups(factory: sessionmaker, folder: Path, count: int) -> list[Path]:
    """``count`` earlier good backups of this computer, days old, with files."""
    host = scheduled_backup.this_host()
    files = []
    with factory() as session, session.begin():
        for days in range(count, 0, -1):
            path = folder / f"old-{days}.crmbackup"
            path.write_bytes(b"old")
            files.append(path)
            started = dt.datetime.now(dt.UTC) - dt.timedelta(days=days)
            session.add(
                BackupRun(
                    started_at=started,
                    finished_at=started,
                    trigger="schedule",
                    result="ok",
                    file_path=str(path),
                    size_bytes=3,
                    host=host,
                )
            )
    return files  # oldest first


def test_service_once_backs_up_when_due_restores_and_prunes(
    committed_db_url: str, committed_db: sessionmaker, pg_server: TestServer, tmp_path: Path
) -> None:
    key_file = tmp_path / "key.bin"
    ensure_key(committed_db, key_file)
    folder = tmp_path / "backups"
    folder.mkdir()
    _set_schedule(committed_db, folder, keep=2)
    old = _old_backups(committed_db, folder, 3)
    with committed_db() as session:
        assert backups.backup_status(session).age > dt.timedelta(hours=23)

    cli = ["--database", committed_db_url, "--key-file", str(key_file)]
    result = CliRunner().invoke(main, [*cli, "service", "run", "--once"])
    assert result.exit_code == 0, result.output
    assert "backup" in result.output

    with committed_db() as session:
        runs = backups.recent_runs(session)
        status = backups.backup_status(session)
    newest = runs[0]
    assert newest.result == "ok" and newest.trigger == "schedule"
    # Shown in the clinic's time, as every other time at the desk.
    assert newest.started_at.tzinfo == clinic_timezone(committed_db)
    made = Path(str(newest.file_path))
    assert made.parent == folder and made.exists()
    assert newest.size_bytes == made.stat().st_size > 0
    assert not status.stale and status.age is not None and status.age < dt.timedelta(minutes=5)
    # Keep 2: the new one and the newest old one stay; the two older are deleted.
    assert [p.exists() for p in old] == [False, False, True]
    assert [r.pruned for r in runs] == [False, False, True, True]

    # Done for today: a second look finds nothing due.
    again = CliRunner().invoke(main, [*cli, "service", "run", "--once"])
    assert again.exit_code == 0, again.output
    with committed_db() as session:
        assert len(backups.recent_runs(session)) == 4

    empty = pg_server.create_database()
    try:
        restored = CliRunner().invoke(
            main,
            ["--key-file", str(key_file), "db", "restore", str(made), "--database",
             pg_server.url_for(empty)],
        )  # fmt: skip
        assert restored.exit_code == 0, restored.output
    finally:
        pg_server.drop_database(empty)


def test_two_services_at_once_make_one_backup(
    committed_db_url: str, committed_engine: sa.Engine, committed_db: sessionmaker, tmp_path: Path
) -> None:
    folder = tmp_path / "backups"
    _set_schedule(committed_db, folder, keep=5)
    # While another holds the lock, a service skips.
    with scheduled_backup.backup_lock(committed_engine) as got:
        assert got
        skipped = scheduled_backup.run_scheduled(committed_db_url, committed_engine, committed_db)
    assert skipped.status == "skipped"

    start = threading.Barrier(2)
    outcomes = []

    def service() -> None:
        engine = sa.create_engine(committed_db_url, poolclass=sa.pool.NullPool)
        try:
            start.wait()
            factory = sessionmaker(bind=engine, expire_on_commit=False)
            outcomes.append(scheduled_backup.run_scheduled(committed_db_url, engine, factory))
        finally:
            engine.dispose()

    threads = [threading.Thread(target=service) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert sorted(o.status for o in outcomes) == ["made", "skipped"]
    with committed_db() as session:
        runs = backups.recent_runs(session)
    assert [r.result for r in runs] == ["ok"]
    assert len(list(folder.glob("*.crmbackup"))) == 1


def test_one_failing_job_does_not_stop_the_others(
    committed_db_url: str, committed_engine, committed_db
) -> None:
    database = Database(url=committed_db_url, engine=committed_engine, sessions=committed_db)
    ran = []

    def broken(_database: Database) -> str:
        raise RuntimeError("the sender is down")

    jobs = [
        Job("broken", lambda _d: True, broken),
        Job("idle", lambda _d: False, lambda _d: ran.append("idle") or ""),
        Job("fine", lambda _d: True, lambda _d: ran.append("fine") or "done"),
    ]
    outcomes = run_due(database, jobs)
    assert [(o.name, o.ok) for o in outcomes] == [("broken", False), ("fine", True)]
    assert ran == ["fine"]


def test_schedule_is_due_after_the_day_s_time_until_a_good_backup() -> None:
    zone = dt.timezone(dt.timedelta(hours=3))
    schedule = backups.BackupSchedule(True, dt.time(2, 0), 7, "/b")
    now = dt.datetime(2026, 12, 7, 10, 0, tzinfo=zone)
    assert backups.is_due(schedule, now, zone, None, None)
    today_slot = dt.datetime(2026, 12, 7, 2, 0, tzinfo=zone)
    assert not backups.is_due(schedule, now, zone, today_slot + dt.timedelta(minutes=1), None)
    # Yesterday's good backup, today's time passed: due; before today's time: not.
    yesterday = today_slot - dt.timedelta(days=1, minutes=-5)
    assert backups.is_due(schedule, now, zone, yesterday, yesterday)
    assert not backups.is_due(schedule, today_slot - dt.timedelta(hours=1), zone, yesterday, None)
    # A failed attempt 10 minutes ago waits; 40 minutes ago is tried again.
    assert not backups.is_due(schedule, now, zone, yesterday, now - dt.timedelta(minutes=10))
    assert backups.is_due(schedule, now, zone, yesterday, now - dt.timedelta(minutes=40))
    assert not backups.is_due(
        backups.BackupSchedule(False, dt.time(2, 0), 7, "/b"), now, zone, None, None
    )


def _sqlstate(session, role: str, statement: str) -> str | None:
    """The SQLSTATE with which ``statement`` fails as the group ``role`` (``None``: it ran)."""
    savepoint = session.begin_nested()
    try:
        session.execute(sa.text(f"SET LOCAL ROLE {role}"))
        session.execute(sa.text(statement))
    except sa.exc.DBAPIError as error:
        return getattr(error.orig, "sqlstate", "?")
    finally:
        savepoint.rollback()
    return None


def test_every_desk_reads_the_backups_and_only_administrators_record_one(db) -> None:
    insert = "INSERT INTO backup_run (trigger, host) VALUES ('manual', 'desk')"
    schedule = (
        "INSERT INTO clinic_setting (key, value) VALUES ('backup.schedule', '{}') "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
    )
    with db() as session:
        for role in ("crm_registrar", "crm_doctor", "crm_manager", "crm_admin"):
            assert _sqlstate(session, role, "SELECT count(*) FROM backup_run") is None, role
        for role in ("crm_registrar", "crm_doctor", "crm_manager"):
            assert _sqlstate(session, role, insert) == "42501", role
        assert _sqlstate(session, "crm_admin", insert) is None
        assert _sqlstate(session, "crm_admin", schedule) is None
        assert _sqlstate(session, "crm_admin", "DELETE FROM backup_run") == "42501"
        assert _sqlstate(session, "crm_gate", "SELECT count(*) FROM backup_run") == "42501"


def test_the_long_running_service_backs_up_when_due_and_stops_when_told(
    committed_db_url: str, committed_engine: sa.Engine, committed_db: sessionmaker, tmp_path: Path
) -> None:
    from crm.db.service import run_forever

    folder = tmp_path / "backups"
    _set_schedule(committed_db, folder, keep=3)
    database = Database(url=committed_db_url, engine=committed_engine, sessions=committed_db)
    stop = threading.Event()
    seen = []

    def report(outcome) -> None:
        seen.append(outcome)
        stop.set()

    service = threading.Thread(
        target=run_forever,
        args=(database,),
        kwargs={"interval": 0.2, "stop": stop, "report": report},
    )
    service.start()
    service.join(120)
    assert not service.is_alive()
    assert [(o.name, o.ok) for o in seen] == [("backup", True)]
    assert len(list(folder.glob("*.crmbackup"))) == 1
