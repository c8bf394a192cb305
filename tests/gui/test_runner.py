"""The database runner: work on a worker thread, outcomes on the GUI thread."""

from __future__ import annotations

import logging
import threading

import pytest
import shiboken6
import sqlalchemy.exc
from PySide6.QtWidgets import QWidget

from crm.controllers.errors import ValidationError
from crm.views.runner import DbRunner

TIMEOUT = 5000


def test_result_arrives_on_the_gui_thread(qtbot, runner: DbRunner) -> None:
    worker_threads: list[str] = []
    delivered: list[tuple[int, bool]] = []

    def work(value: int) -> int:
        worker_threads.append(threading.current_thread().name)
        return value * 2

    with qtbot.waitSignal(runner.finished, timeout=TIMEOUT):
        runner.submit(
            work,
            21,
            on_success=lambda v: delivered.append(
                (v, threading.current_thread() is threading.main_thread())
            ),
        )
    assert delivered == [(42, True)]
    assert worker_threads[0].startswith("crm-db")
    assert runner.idle


def test_domain_error_message_goes_to_on_failure(qtbot, runner: DbRunner) -> None:
    def refuse() -> None:
        raise ValidationError("СНИЛС: неверная контрольная сумма", field="snils")

    failures: list[str] = []
    with qtbot.waitSignal(runner.finished, timeout=TIMEOUT):
        runner.submit(refuse, on_success=pytest.fail, on_failure=failures.append)
    assert failures == ["СНИЛС: неверная контрольная сумма"]


def test_unexpected_error_is_logged_and_shown_generically(
    qtbot, runner: DbRunner, caplog: pytest.LogCaptureFixture
) -> None:
    failures: list[str] = []
    with caplog.at_level(logging.ERROR, logger="crm.views.runner"):
        with qtbot.waitSignal(runner.finished, timeout=TIMEOUT):
            runner.submit(lambda: 1 / 0, on_failure=failures.append)
    assert len(failures) == 1
    assert "ZeroDivisionError" in failures[0]
    assert failures[0].startswith("Непредвиденная ошибка")
    assert any(record.exc_info for record in caplog.records)


def test_unreachable_server_has_its_own_message(qtbot, runner: DbRunner) -> None:
    def down() -> None:
        raise sqlalchemy.exc.OperationalError("SELECT 1", {}, Exception("connection refused"))

    failures: list[str] = []
    with qtbot.waitSignal(runner.finished, timeout=TIMEOUT):
        runner.submit(down, on_failure=failures.append)
    assert failures == ["Сервер базы данных недоступен. Проверьте сеть и повторите попытку."]


def test_failure_without_handler_is_reported_by_signal(qtbot, runner: DbRunner) -> None:
    def refuse() -> None:
        raise ValidationError("Телефон: неверный номер")

    with qtbot.waitSignal(runner.unhandled_failure, timeout=TIMEOUT) as blocker:
        runner.submit(refuse)
    assert blocker.args == ["Телефон: неверный номер"]


def test_jobs_run_in_order_and_busy_is_reported(qtbot, runner: DbRunner) -> None:
    busy: list[bool] = []
    runner.busy_changed.connect(busy.append)
    results: list[int] = []
    for n in range(5):
        runner.submit(lambda n=n: n, on_success=results.append)
    qtbot.waitUntil(lambda: runner.idle and len(results) == 5, timeout=TIMEOUT)
    assert results == [0, 1, 2, 3, 4]
    assert busy == [True, False]


def test_callbacks_of_a_deleted_owner_are_skipped(qtbot, runner: DbRunner) -> None:
    gate = threading.Event()
    owner = QWidget()
    called: list[object] = []
    runner.submit(gate.wait, 5, on_success=called.append, on_failure=called.append, owner=owner)
    shiboken6.delete(owner)
    with qtbot.waitSignal(runner.finished, timeout=TIMEOUT):
        gate.set()
    assert called == []


def test_shutdown_cancels_waiting_jobs_and_refuses_new_ones(qtbot) -> None:
    runner = DbRunner()
    gate = threading.Event()
    called: list[object] = []
    running = runner.submit(gate.wait, 5, on_success=called.append)
    waiting = runner.submit(lambda: "never", on_success=called.append)
    runner.shutdown(timeout=0)
    assert waiting.cancelled()
    gate.set()
    assert running.result(timeout=5) is True
    qtbot.wait(0)  # let any (wrongly) queued delivery run before asserting none did
    assert called == []
    assert runner.closed
    with pytest.raises(RuntimeError):
        runner.submit(lambda: None)
    runner.shutdown()  # a second call is harmless
