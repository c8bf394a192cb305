"""``run_gui`` end to end under the qasync loop: a start-up problem ends with exit code 1."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from crm.app import run_gui
from crm.config import Settings


@pytest.fixture
def restored_app(qapp: QApplication) -> Iterator[QApplication]:
    """run_gui sets application-wide state; put pytest-qt's application back afterwards."""
    yield qapp
    qapp.setStyleSheet("")
    qapp.setApplicationDisplayName("")
    qapp.setQuitOnLastWindowClosed(True)
    asyncio.set_event_loop(None)


def test_run_gui_reports_a_startup_problem_and_exits_1(restored_app, tmp_path: Path) -> None:
    settings = Settings(
        database_url="postgresql+psycopg://postgres@127.0.0.1:1/nowhere",
        database_source="env",
        key_file=tmp_path / "key.bin",
        workstation="desk-1",
    )
    seen: list[str] = []
    running = [True]

    def press_quit_when_the_problem_shows() -> None:
        if not running[0]:
            return
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QMessageBox) and widget.isVisible():
                seen.append(widget.informativeText())
                widget.buttons()[0].click()
                return
        QTimer.singleShot(50, press_quit_when_the_problem_shows)

    QTimer.singleShot(0, press_quit_when_the_problem_shows)
    # A safety net, not synchronisation: never let a regression hang the test run.
    watchdog = QTimer()
    watchdog.setSingleShot(True)
    watchdog.timeout.connect(lambda: QApplication.instance().exit(99))
    watchdog.start(20_000)
    try:
        code = run_gui(settings)
    finally:
        watchdog.stop()
        running[0] = False
    assert code == 1
    assert len(seen) == 1
    assert "Connection refused" in seen[0] or "connection" in seen[0]
    assert "CRM_DATABASE_URL" in seen[0]  # where the address came from
