"""The change listener: one thread per workstation on ``LISTEN crm_events``.

It holds its own autocommit connection (a pooled one would be handed to other work),
waits on ``notifies()`` with a short timeout so it can stop promptly, pings the
server now and then so a vanished server is noticed, and reconnects with
exponential backoff. It knows nothing of Qt: the GUI wraps the callbacks in signals.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import psycopg
from sqlalchemy.engine import make_url

from crm.db.engine import CONNECT_ARGS

CHANNEL = "crm_events"
#: The listener's connection is recognisable in pg_stat_activity by this name.
APPLICATION_NAME = "registratura listener"
#: Delivered after a reconnection: anything may have changed meanwhile.
RESYNC = {"table": "*", "op": "RESYNC"}
log = logging.getLogger(__name__)

EventCallback = Callable[[dict[str, Any]], None]
StateCallback = Callable[[bool, str], None]


def conninfo_from_url(url: str) -> str:
    """A libpq URI from a SQLAlchemy URL (drops the ``+psycopg`` driver suffix)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


class ChangeListener(threading.Thread):
    """Listens for change notices and reports them and the connection state.

    Args:
        url: the database URL.
        on_event: called with each notice's decoded payload (in this thread).
        on_state: called with ``(connected, detail)`` whenever the state changes.
        poll_seconds: how long one wait for notices lasts.
        ping_seconds: how often the server is pinged while idle.
        max_backoff: the longest pause between reconnection attempts.
    """

    def __init__(
        self,
        url: str,
        on_event: EventCallback,
        on_state: StateCallback | None = None,
        *,
        poll_seconds: float = 0.25,
        ping_seconds: float = 5.0,
        max_backoff: float = 30.0,
    ) -> None:
        super().__init__(name="crm-change-listener", daemon=True)
        self._conninfo = conninfo_from_url(url)
        self._on_event = on_event
        self._on_state = on_state or (lambda connected, detail: None)
        self._poll = poll_seconds
        self._ping = ping_seconds
        self._max_backoff = max_backoff
        self._stopping = threading.Event()
        self.connected = threading.Event()

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the thread to finish and wait for it."""
        self._stopping.set()
        if self.is_alive():
            self.join(timeout)

    def run(self) -> None:
        backoff = 0.5
        had_connection = False
        while not self._stopping.is_set():
            try:
                with psycopg.connect(
                    self._conninfo,
                    autocommit=True,
                    application_name=APPLICATION_NAME,
                    **CONNECT_ARGS,
                ) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.connected.set()
                    self._on_state(True, "")
                    backoff = 0.5
                    if had_connection:
                        # Notices sent while we were away are lost: tell the views to
                        # re-query everything they show.
                        self._deliver(json.dumps(RESYNC))
                    had_connection = True
                    self._listen(conn)
            except psycopg.Error as exc:
                detail = (
                    str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                )
                log.info("listener connection lost: %s", detail)
                if self.connected.is_set() or backoff == 0.5:
                    self._on_state(False, detail)
                self.connected.clear()
                self._stopping.wait(backoff)
                backoff = min(backoff * 2, self._max_backoff)
        self.connected.clear()

    def _listen(self, conn: psycopg.Connection[Any]) -> None:
        last_ping = time.monotonic()
        while not self._stopping.is_set():
            for notice in conn.notifies(timeout=self._poll):
                self._deliver(notice.payload)
                if self._stopping.is_set():
                    return
            if time.monotonic() - last_ping >= self._ping:
                conn.execute("SELECT 1")  # raises if the server went away
                last_ping = time.monotonic()

    def _deliver(self, payload: str) -> None:
        try:
            event = json.loads(payload)
        except json.JSONDecodeError:
            log.warning("ignored a malformed change notice: %r", payload[:200])
            return
        try:
            self._on_event(event)
        except Exception:  # a broken consumer must not kill the listener
            log.exception("change notice consumer failed")
