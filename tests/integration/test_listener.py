"""Change notices: a change committed on one connection reaches another's listener."""

from __future__ import annotations

import datetime as dt
import queue

import sqlalchemy as sa
from sqlalchemy.orm import Session

from crm.db.listener import ChangeListener
from tests import factories as f


def _start(url):
    events: queue.Queue = queue.Queue()
    states: queue.Queue = queue.Queue()
    listener = ChangeListener(url, events.put, lambda ok, detail: states.put(ok), poll_seconds=0.1)
    listener.start()
    assert listener.connected.wait(10), "listener did not connect"
    return listener, events, states


def test_booking_on_one_connection_notifies_the_listener_of_another(
    committed_engine, committed_db_url
):
    listener, events, _ = _start(committed_db_url)
    try:
        with Session(committed_engine) as session, session.begin():
            branch, specialty = f.clinic(session)
            doctor = f.doctor(session, branch, specialty)
            patient = f.patient(session)
            appointment = f.appointment(
                session, doctor, patient, f.at(dt.date(2031, 5, 6), "10:00")
            )
            ids = doctor.id, appointment.id
        seen = []
        while not any(e.get("table") == "appointment" for e in seen):
            seen.append(events.get(timeout=10))
        [event] = [e for e in seen if e["table"] == "appointment"]
        assert event == {
            "table": "appointment",
            "op": "INSERT",
            "id": ids[1],
            "doctor_id": ids[0],
            "patient_id": event["patient_id"],
            "day": "2031-05-06",
        }
    finally:
        listener.stop()


def test_moving_an_appointment_names_the_old_doctor_and_day(committed_engine, committed_db_url):
    with Session(committed_engine) as session, session.begin():
        branch, specialty = f.clinic(session)
        first, second = f.doctor(session, branch, specialty), f.doctor(session, branch, specialty)
        row = f.appointment(session, first, f.patient(session), f.at(dt.date(2031, 5, 6), "23:30"))
        ids = row.id, first.id, second.id
    listener, events, _ = _start(committed_db_url)
    try:
        with committed_engine.begin() as conn:
            conn.execute(
                sa.text(
                    "UPDATE appointment SET doctor_id = :d, "
                    "starts_at = starts_at + interval '1 hour', "
                    "ends_at = ends_at + interval '1 hour' WHERE id = :id"
                ),
                {"d": ids[2], "id": ids[0]},
            )
        event = events.get(timeout=10)
        assert event["op"] == "UPDATE"
        assert (event["doctor_id"], event["day"]) == (
            ids[2],
            "2031-05-07",
        )  # past midnight in Moscow
        assert (event["old_doctor_id"], event["old_day"]) == (ids[1], "2031-05-06")
    finally:
        listener.stop()


def test_listener_reports_a_lost_connection_and_reconnects(committed_engine, committed_db_url):
    listener, events, states = _start(committed_db_url)
    try:
        assert states.get(timeout=5) is True
        with committed_engine.begin() as conn:
            conn.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                    "AND application_name = 'registratura listener'"
                )
            )
        assert states.get(timeout=15) is False
        assert states.get(timeout=15) is True
        # Notices sent while it was away are lost: it asks for a full re-query.
        assert events.get(timeout=10) == {"table": "*", "op": "RESYNC"}
        # And it still hears notices after reconnecting.
        with committed_engine.begin() as conn:
            conn.execute(sa.text("SELECT pg_notify('crm_events', '{\"table\": \"ping\"}')"))
        assert events.get(timeout=10) == {"table": "ping"}
    finally:
        listener.stop()
    assert not listener.is_alive()
