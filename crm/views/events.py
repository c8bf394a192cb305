"""Change notices as Qt signals: a QObject bridge around the change listener thread.

:class:`crm.db.listener.ChangeListener` knows nothing of Qt; it calls back on its
own thread. Emitting a signal there is the thread-safe hand-over: the bridge
object lives on the GUI thread, so Qt queues the emission and the connected slots
run on the GUI thread, where views may re-query and repaint.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal

from crm.db.listener import ChangeListener

log = logging.getLogger(__name__)


class ChangeEvents(QObject):
    """Reports what other workstations (and this one) changed, and the connection state.

    Args:
        url: the database URL (the listener opens its own connection).
        parent: the Qt parent.
        poll_seconds: passed to the listener (how long one wait for notices lasts).
        ping_seconds: passed to the listener (how often an idle connection is checked).
        max_backoff: passed to the listener (longest pause between reconnections).

    Signals:
        changed(dict): one change notice, e.g. ``{"table": "appointment", "op":
            "UPDATE", "id": 7, "doctor_id": 2, "day": "2025-03-14"}``.
        connection_state(bool, str): ``(True, "")`` when listening, ``(False,
            detail)`` when the connection was lost (the listener keeps retrying).
    """

    changed = Signal(dict)
    connection_state = Signal(bool, str)
    # The listener thread reports here; the GUI thread records the state and only
    # then emits connection_state, so a widget that reads ``connected`` and then
    # connects (both on the GUI thread) can never miss a change in between.
    _state_from_listener = Signal(bool, str)

    def __init__(
        self,
        url: str,
        parent: QObject | None = None,
        *,
        poll_seconds: float = 0.25,
        ping_seconds: float = 5.0,
        max_backoff: float = 30.0,
    ) -> None:
        super().__init__(parent)
        self._url = url
        self._options = {
            "poll_seconds": poll_seconds,
            "ping_seconds": ping_seconds,
            "max_backoff": max_backoff,
        }
        self._listener: ChangeListener | None = None
        self._connected: bool | None = None
        self._detail = ""
        self._state_from_listener.connect(self._remember_state, Qt.ConnectionType.QueuedConnection)

    @property
    def connected(self) -> bool | None:
        """The last reported state: ``None`` until the listener first reports."""
        return self._connected

    @property
    def detail(self) -> str:
        """Why the connection was lost last time (empty while connected)."""
        return self._detail

    @property
    def running(self) -> bool:
        """True while the listener thread runs."""
        return self._listener is not None and self._listener.is_alive()

    def start(self) -> None:
        """Start listening (a no-op when already running)."""
        if self.running:
            return
        self._listener = ChangeListener(
            self._url,
            self._on_event,
            self._on_state,
            **self._options,
        )
        self._listener.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the listener thread and wait for it (up to ``timeout`` s)."""
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.stop(timeout)
            if listener.is_alive():
                log.warning("the change listener did not stop within %.1f s", timeout)

    # Both callbacks run on the listener thread: they only emit.
    def _on_event(self, event: dict[str, Any]) -> None:
        self.changed.emit(event)

    def _on_state(self, connected: bool, detail: str) -> None:
        self._state_from_listener.emit(connected, detail)

    def _remember_state(self, connected: bool, detail: str) -> None:
        self._connected = connected
        self._detail = detail
        self.connection_state.emit(connected, detail)
