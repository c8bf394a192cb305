"""The change-events bridge: notices and connection state arrive as Qt signals."""

from __future__ import annotations

import json
from collections.abc import Iterator

import psycopg
import pytest

from crm.db.listener import conninfo_from_url
from crm.views.events import ChangeEvents

TIMEOUT = 10_000


@pytest.fixture
def events(qapp, committed_db_url: str) -> Iterator[ChangeEvents]:
    bridge = ChangeEvents(committed_db_url, poll_seconds=0.1, ping_seconds=0.5, max_backoff=0.5)
    yield bridge
    bridge.stop()


def test_a_notice_from_another_connection_arrives_as_changed(
    qtbot, events: ChangeEvents, committed_db_url: str
) -> None:
    with qtbot.waitSignal(events.connection_state, timeout=TIMEOUT) as state:
        events.start()
    assert state.args == [True, ""]
    assert events.connected is True

    payload = {"table": "appointment", "op": "UPDATE", "id": 7, "doctor_id": 2}
    with qtbot.waitSignal(
        events.changed, timeout=TIMEOUT, check_params_cb=lambda event: event.get("id") == 7
    ) as blocker:
        with psycopg.connect(conninfo_from_url(committed_db_url), autocommit=True) as conn:
            conn.execute("SELECT pg_notify('crm_events', %s)", (json.dumps(payload),))
    assert blocker.args == [payload]


def test_a_lost_connection_is_reported_and_recovered(
    qtbot, events: ChangeEvents, committed_db_url: str
) -> None:
    with qtbot.waitSignal(events.connection_state, timeout=TIMEOUT):
        events.start()
    with qtbot.waitSignal(
        events.connection_state, timeout=TIMEOUT, check_params_cb=lambda ok, _detail: not ok
    ):
        terminate_listener(committed_db_url)
    assert events.running  # the listener keeps trying
    qtbot.waitUntil(lambda: events.connected is True, timeout=TIMEOUT)


def test_stop_ends_the_thread(qtbot, events: ChangeEvents) -> None:
    with qtbot.waitSignal(events.connection_state, timeout=TIMEOUT):
        events.start()
    events.stop()
    assert not events.running


def terminate_listener(url: str) -> int:
    """Kill the listener's backend from another connection, as a server restart would."""
    with psycopg.connect(conninfo_from_url(url), autocommit=True) as conn:
        killed = conn.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND application_name = 'registratura listener'"
        ).fetchone()
    assert killed is not None and killed[0] == 1
    return int(killed[0])
