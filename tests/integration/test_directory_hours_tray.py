"""Weekly hours changed in Справочники move booked visits as the schedule's own dialog does.

Before, a manager who shortened a doctor's hours on the «Часы работы» tab (or imported
them from the workbook) left the patients booked outside the new hours where they were:
nobody saw them in the holding tray and nobody told the patients.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from crm.controllers.directories import records as r
from crm.controllers.directories.catalogue import HOURS
from crm.models import Appointment, JournalEntry, OutboxMessage, PatientConsent
from crm.models.enums import ConsentKind, Role
from tests import booking_factories as bf
from tests import factories as f

DAY = dt.date(2031, 3, 3)  # a Monday, far ahead of today
NOW = f.at(DAY - dt.timedelta(days=7), "12:00")


def _clinic(db):
    with db() as session, session.begin():
        branch, specialty = f.clinic(session)
        room = bf.room(session, branch, "101")
        doctor = f.doctor(session, branch, specialty, "Петров")
        bf.hours(session, doctor, "09:00-13:00", room_row=room)
        patient = f.patient(session, "Смирнов")
        session.add(
            PatientConsent(
                patient_id=patient.id, kind=ConsentKind.SMS, given_on=dt.date(2020, 1, 1)
            )
        )
        manager, registrar = bf.user(session, Role.MANAGER), bf.user(session, Role.REGISTRAR)
        return doctor.id, patient.id, manager, registrar


def _held(db, appointment_id: int) -> bool:
    with db() as session:
        return session.get(Appointment, appointment_id).in_holding_tray


def test_hours_shortened_on_the_directory_tab_hold_the_visits_left_outside_and_back(db) -> None:
    doctor, patient, manager, registrar = _clinic(db)
    early = f.book(
        db, registrar, patient_id=patient, doctor_id=doctor, starts_at=f.at(DAY, "09:00"), now=NOW
    ).id
    inside = f.book(
        db, registrar, patient_id=patient, doctor_id=doctor, starts_at=f.at(DAY, "11:00"), now=NOW
    ).id
    (row,) = [row for row in r.list_rows(db, manager, HOURS) if row.cells["weekday"] == "пн"]

    shorter = r.save(db, manager, HOURS, {**row.cells, "starts": "10:00"},
                     row_id=row.id, version=row.version)  # fmt: skip

    assert _held(db, early) and not _held(db, inside)
    with db() as session:
        (notice,) = session.scalars(
            sa.select(OutboxMessage).where(
                OutboxMessage.appointment_id == early, OutboxMessage.purpose == "unavailability"
            )
        ).all()
        assert "09:00" in notice.body
        actions = session.scalars(
            sa.select(JournalEntry.action).where(
                JournalEntry.entity == "appointment", JournalEntry.entity_id == early
            )
        ).all()
        assert "hold" in actions

    r.save(db, manager, HOURS, {**shorter.cells, "starts": "09:00"},
           row_id=shorter.id, version=shorter.version)  # fmt: skip

    assert not _held(db, early)
