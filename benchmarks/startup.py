"""How long the program takes to start: the command line and its commands, end to end.

Each figure is a fresh ``clinic-crm`` process timed from spawn to exit, median of a few
runs, beside a bare interpreter doing the least the same job needs, measured in the
same run:

- ``--version`` against ``python -c pass``;
- ``slots`` and ``book`` on a running server (the benchmark's own PostgreSQL, reached
  with ``--database``) against a bare ``python`` that imports psycopg, connects and runs
  one query;
- ``slots`` on the workstation's built-in server, which the command starts and stops
  itself (a data folder of its own, prepared by an untimed first run);
- the program's login dialog on that prepared built-in server (spawn → the dialog is
  shown, offscreen) against a bare PySide6 dialog shown by a bare interpreter.

The interpreter's bytecode cache is written by an untimed warm-up run first (an
installed program has its ``.pyc`` files; ``PYTHONDONTWRITEBYTECODE`` is cleared for
the children), so the figures are what a desk sees, not compilation.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker

from benchmarks.common import Figure, median_ms, migrated
from crm.controllers.access.keys import check_key, ensure_key
from crm.controllers.demo import load_demo
from crm.controllers.schedule.slots import free_slots
from crm.db.listener import conninfo_from_url
from crm.models import Doctor, Patient
from tests.pg import TestServer

REPEAT = 7

#: The program up to its login dialog: says when the dialog is up, then quits cleanly
#: (the built-in server stops as on a normal exit).
_LOGIN_SHOWN = """
from PySide6.QtCore import QTimer
from crm.views import startup
shown = startup.Startup._show_login
def _show_login(self, login=""):
    shown(self, login)
    print("SHOWN", flush=True)
    QTimer.singleShot(0, lambda: self._finish(0))
startup.Startup._show_login = _show_login
from crm.cli import main
main([])
"""
_BARE_DIALOG = """
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit, QVBoxLayout
app = QApplication([])
dialog = QDialog()
QVBoxLayout(dialog).addWidget(QLineEdit())
dialog.show()
app.processEvents()
print("SHOWN", flush=True)
"""


def _until_shown(code: str, env: dict[str, str]) -> float:
    """Milliseconds from spawning ``python -c code`` until it prints SHOWN."""
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        text=True,
    )  # fmt: skip
    assert child.stdout is not None
    for line in child.stdout:
        if line.strip() == "SHOWN":
            break
    else:
        raise RuntimeError("the dialog was never shown")
    elapsed = (time.perf_counter() - started) * 1000
    child.wait(timeout=60)
    return elapsed


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CRM_")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(extra)
    return env


def _command(args: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "-c", "from crm.cli import main; main()", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"clinic-crm {' '.join(args)}: {done.stderr.strip()}")


def _python(code: str, env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=60)


def _ms(action: object) -> float:
    assert callable(action)
    action()  # warm-up: writes the bytecode cache, opens the server's caches
    return median_ms(action, REPEAT)


def _shown_ms(code: str, env: dict[str, str]) -> float:
    _until_shown(code, env)  # warm-up, as in _ms
    return statistics.median(_until_shown(code, env) for _ in range(REPEAT))


def bench_startup(server: TestServer, options: object) -> list[Figure]:
    workdir = Path(tempfile.mkdtemp(prefix="crm-startup-"))
    try:
        return _bench_startup(server, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _bench_startup(server: TestServer, workdir: Path) -> list[Figure]:
    env = _env(CRM_CONFIG_DIR=str(workdir / "config"), CRM_DATA_DIR=str(workdir / "data"))
    figures = []

    version = _ms(lambda: _command(["--version"], env))
    bare = _ms(lambda: _python("pass", env))
    figures.append(Figure("clinic-crm --version", version, bare, "python -c pass", "ms"))

    url = migrated(server)
    key = workdir / "bench.key"
    engine = sa.create_engine(url)
    db = sessionmaker(bind=engine)
    ensure_key(db, key)
    ring = check_key(db, key)
    today = dt.date.today()
    load_demo(db, ring, patients=200, seed=1, today=today)
    with db() as session:
        doctor = session.scalars(sa.select(Doctor.id).order_by(Doctor.id)).first()
        patients = session.scalars(sa.select(Patient.id).order_by(Patient.id).limit(40)).all()
    free = free_slots(
        db, doctor_id=doctor, date_from=today + dt.timedelta(days=1),
        date_to=today + dt.timedelta(days=21), limit=REPEAT + 2,
    )  # fmt: skip
    engine.dispose()
    base = ["--database", url, "--key-file", str(key)]
    window = [
        "--from", (today + dt.timedelta(days=1)).isoformat(),
        "--to", (today + dt.timedelta(days=7)).isoformat(),
    ]  # fmt: skip
    bare_code = (
        "import psycopg\n"
        f"with psycopg.connect({conninfo_from_url(url)!r}) as c:\n"
        "    c.execute('SELECT count(*) FROM appointment').fetchone()"
    )
    bare_query = _ms(lambda: _python(bare_code, env))
    slots = _ms(lambda: _command([*base, "slots", "--doctor", str(doctor), *window], env))
    figures.append(
        Figure("slots, running server", slots, bare_query, "python: psycopg connect + query", "ms")
    )
    queue = list(zip(free, patients, strict=False))

    def book() -> None:
        slot, patient = queue.pop(0)
        at = slot.starts_at.strftime("%Y-%m-%d %H:%M")
        _command(
            [*base, "book", "--patient", str(patient), "--doctor", str(doctor), "--at", at,
             "--as", "registrar"],
            env,
        )  # fmt: skip

    booked = _ms(book)
    figures.append(
        Figure("book, running server", booked, bare_query, "python: psycopg connect + query", "ms")
    )

    # The built-in server: the command starts it, works and stops it again.
    own = ["slots", "--doctor", "1", *window]
    _command(own, env)  # untimed: creates the cluster and the demo clinic
    embedded = _ms(lambda: _command(own, env))
    figures.append(
        Figure("slots, built-in server (start+stop)", embedded, bare_query,
               "python: psycopg connect + query", "ms")
    )  # fmt: skip

    gui = {**env, "QT_QPA_PLATFORM": "offscreen"}
    login = _shown_ms(_LOGIN_SHOWN, gui)
    dialog = _shown_ms(_BARE_DIALOG, gui)
    figures.append(Figure("login dialog shown, built-in server", login, dialog,
                          "bare PySide6 dialog shown", "ms"))  # fmt: skip
    return figures


if __name__ == "__main__":
    test_server = TestServer()
    try:
        for figure in bench_startup(test_server, None):
            print(figure.line(), flush=True)
    finally:
        test_server.close()
