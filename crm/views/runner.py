"""The database runner: controller calls on a worker thread, results on the Qt thread.

Modelled on Anki's ``aqt`` operations: the UI hands a plain controller function to
:meth:`DbRunner.submit` with success and failure callbacks and goes on painting; one
worker thread runs it (controllers open their own sessions, so each call gets a
pooled connection of its own); the outcome travels back as a queued Qt signal and
the callbacks run on the GUI thread, where touching widgets is safe.

The runner does not depend on asyncio: pytest-qt drives it with ``qtbot.waitSignal``
or ``qtbot.waitUntil(lambda: runner.idle)``, and under qasync it works unchanged
because queued signals are delivered by the Qt event loop that qasync runs.
"""

from __future__ import annotations

import concurrent.futures
import functools
import itertools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import shiboken6
import sqlalchemy.exc
from PySide6.QtCore import QObject, Qt, Signal, Slot

from crm.controllers.errors import DomainError

log = logging.getLogger(__name__)

SuccessCallback = Callable[[Any], object]  # what it returns is ignored
FailureCallback = Callable[[str], None]
#: Gets the exception itself beside the message, for callers that act on its type
#: (a conflict carrying both versions, a duplicate naming the existing card).
ErrorCallback = Callable[[BaseException, str], None]


@dataclass
class _Job:
    """One submitted call and where its outcome goes."""

    number: int
    name: str
    on_success: SuccessCallback | None
    on_failure: FailureCallback | None
    owner: QObject | None
    expected: tuple[type[BaseException], ...]
    on_error: ErrorCallback | None = None
    future: concurrent.futures.Future[Any] | None = field(default=None, repr=False)


class DbRunner(QObject):
    """Runs controller functions on a worker thread and reports back on the Qt thread.

    Create it on the GUI thread (it must live there for the queued delivery to land
    there). One worker keeps database work in submission order, which is what a
    single workstation's user expects (a save before the refresh that shows it).

    Args:
        max_workers: worker threads; 1 keeps calls in order.
        parent: the Qt parent.

    Signals:
        finished(int): a job finished (succeeded or failed) and its callbacks ran;
            carries the job number returned by :meth:`last_job`.
        busy_changed(bool): true when the first job starts waiting, false when
            the last one finished.
        unhandled_failure(str): a job without ``on_failure`` failed; the message
            is ready to show.
    """

    finished = Signal(int)
    busy_changed = Signal(bool)
    unhandled_failure = Signal(str)
    # Internal: emitted on the worker thread, delivered (queued) on the GUI thread.
    _job_done = Signal(object)

    def __init__(self, max_workers: int = 1, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._executor = concurrent.futures.ThreadPoolExecutor(
            max_workers=max_workers, thread_name_prefix="crm-db"
        )
        self._numbers = itertools.count(1)
        self._lock = threading.Lock()
        self._pending: dict[int, _Job] = {}
        self._last = 0
        self._closed = False
        # Always queued: a job that finishes before add_done_callback() runs its
        # callback on the submitting (GUI) thread, and a direct call would then run
        # the caller's callbacks inside submit(), before it has even returned.
        self._job_done.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    @property
    def idle(self) -> bool:
        """True when no job is waiting or running (and no outcome awaits delivery)."""
        with self._lock:
            return not self._pending

    @property
    def closed(self) -> bool:
        """True after :meth:`shutdown`."""
        return self._closed

    def last_job(self) -> int:
        """The number of the most recently submitted job (0 before the first)."""
        return self._last

    def submit(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_success: SuccessCallback | None = None,
        on_failure: FailureCallback | None = None,
        owner: QObject | None = None,
        expected: tuple[type[BaseException], ...] = (),
        on_error: ErrorCallback | None = None,
        **kwargs: Any,
    ) -> concurrent.futures.Future[Any]:
        """Run ``fn(*args, **kwargs)`` on the worker thread.

        Args:
            fn: a plain (blocking) function, usually a controller.
            *args: its positional arguments.
            on_success: called on the GUI thread with the return value.
            on_failure: called on the GUI thread with a message ready to show: a
                :class:`DomainError`'s ``message``, the text of an ``expected``
                exception, or a generic message for anything else (logged).
            owner: a widget the callbacks belong to; if it has been deleted by the
                time the outcome arrives, the callbacks are skipped.
            expected: further exception types whose text is shown as it is.
            on_error: called on the GUI thread instead of ``on_failure`` with the
                exception and the same message, for callers that act on the
                exception's type or attributes.
            **kwargs: its keyword arguments.

        Returns:
            The future, for tests and for code that wants to cancel a job that has
            not started yet. Never wait on it from the GUI thread.

        Raises:
            RuntimeError: after :meth:`shutdown`.
        """
        if self._closed:
            raise RuntimeError("the database runner has been shut down")
        job = _Job(
            number=next(self._numbers),
            name=getattr(fn, "__qualname__", repr(fn)),
            on_success=on_success,
            on_failure=on_failure,
            owner=owner,
            expected=expected,
            on_error=on_error,
        )
        with self._lock:
            first = not self._pending
            self._pending[job.number] = job
        self._last = job.number
        if first:
            self.busy_changed.emit(True)
        job.future = self._executor.submit(fn, *args, **kwargs)
        job.future.add_done_callback(functools.partial(self._report_done, job))
        return job.future

    def _report_done(self, job: _Job, _future: concurrent.futures.Future[Any]) -> None:
        self._finished_in_worker(job)

    def _finished_in_worker(self, job: _Job) -> None:
        # Runs on the worker thread (or on the cancelling thread for a cancelled
        # future): only the signal crosses to the GUI thread, never a widget call.
        if self._closed:
            with self._lock:
                self._pending.pop(job.number, None)
            return
        self._job_done.emit(job)

    @Slot(object)
    def _deliver(self, job: _Job) -> None:
        with self._lock:
            self._pending.pop(job.number, None)
            now_idle = not self._pending
        try:
            if not self._closed and job.future is not None and not job.future.cancelled():
                self._run_callbacks(job, job.future)
        finally:
            self.finished.emit(job.number)
            if now_idle and not self._closed:
                self.busy_changed.emit(False)

    def _run_callbacks(self, job: _Job, future: concurrent.futures.Future[Any]) -> None:
        if job.owner is not None and not shiboken6.isValid(job.owner):
            return  # the dialog that asked was closed meanwhile
        error = future.exception()
        if error is None:
            if job.on_success is not None:
                job.on_success(future.result())
            return
        message = self._message_for(job, error)
        if job.on_error is not None:
            job.on_error(error, message)
        elif job.on_failure is not None:
            job.on_failure(message)
        else:
            self.unhandled_failure.emit(message)

    def _message_for(self, job: _Job, error: BaseException) -> str:
        if isinstance(error, DomainError):
            return error.message
        if job.expected and isinstance(error, job.expected):
            return str(error)
        if isinstance(error, sqlalchemy.exc.OperationalError):
            # The usual unexpected failure at a front desk: the server is away.
            log.warning("%s: database unreachable: %s", job.name, error.orig)
            return self.tr(
                "The database server cannot be reached. Check the network and try again."
            )
        log.error("%s failed", job.name, exc_info=error)
        return self.tr("Unexpected error: {error}. The details are in the program's log.").format(
            error=type(error).__name__
        )

    def shutdown(self, timeout: float = 10.0) -> None:
        """Cancel waiting jobs and wait (up to ``timeout`` s) for the running one.

        Outcomes that arrive afterwards are dropped: the windows they were meant
        for are going away. Safe to call twice.
        """
        if self._closed:
            return
        self._closed = True
        with self._lock:
            futures = [job.future for job in self._pending.values() if job.future is not None]
        for future in futures:
            future.cancel()
        self._executor.shutdown(wait=False, cancel_futures=True)
        running = [f for f in futures if not f.cancelled()]
        if running:
            _done, not_done = concurrent.futures.wait(running, timeout=timeout)
            if not_done:
                log.warning("%d database job(s) still running at shutdown", len(not_done))
        with self._lock:
            self._pending.clear()
