"""Remote visits get their video link from the clinic's provider, not typed by hand.

Real PostgreSQL; every test rolls back.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from crm.controllers.errors import PermissionDenied, ValidationError
from crm.controllers.schedule import booking, telemedicine
from crm.models import JournalEntry, PatientConsent
from crm.models.enums import AppointmentKind, ConsentKind, Role
from tests import booking_factories as bf
from tests import factories as f

DAY = dt.date(2031, 3, 3)  # a Monday
NOW = f.at(DAY - dt.timedelta(days=7), "12:00")
TEMPLATE = "https://meet.clinic.example/visit-{room}"


@pytest.fixture
def clinic(db):
    with db() as session, session.begin():
        branch, specialty = f.clinic(session)
        doctor = f.doctor(session, branch, specialty, "Петров")
        doctor.offers_remote = True
        bf.hours(session, doctor, "09:00-13:00", room_row=bf.room(session, branch, "101"))
        patient = f.patient(session, "Смирнов")
        session.add(
            PatientConsent(
                patient_id=patient.id, kind=ConsentKind.SMS, given_on=dt.date(2020, 1, 1)
            )
        )
        users = {role: bf.user(session, role) for role in (Role.ADMIN, Role.REGISTRAR)}
        return doctor.id, patient.id, users


def _remote(db, clinic, hhmm: str, link: str | None = None):
    doctor, patient, users = clinic
    return booking.book(
        db, users[Role.REGISTRAR], patient_id=patient, doctor_id=doctor,
        starts_at=f.at(DAY, hhmm), kind=AppointmentKind.REMOTE, video_link=link, now=NOW,
    )  # fmt: skip


def test_without_a_provider_a_remote_visit_keeps_the_typed_link_or_none(db, clinic) -> None:
    assert _remote(db, clinic, "09:00").video_link is None
    typed = "https://example.org/room/1"
    assert _remote(db, clinic, "09:15", typed).video_link == typed


def test_with_a_provider_each_remote_visit_gets_its_own_unguessable_room(db, clinic) -> None:
    _doctor, _patient, users = clinic
    assert telemedicine.set_link_template(db, users[Role.ADMIN], f"  {TEMPLATE} ") == TEMPLATE

    first, second = _remote(db, clinic, "09:00"), _remote(db, clinic, "09:15")
    pattern = re.escape(TEMPLATE).replace(re.escape("{room}"), "([a-z0-9]{16})")
    rooms = [re.fullmatch(pattern, a.video_link or "") for a in (first, second)]
    assert all(rooms) and rooms[0].group(1) != rooms[1].group(1)  # type: ignore[union-attr]
    assert _remote(db, clinic, "09:30", "https://typed.example/x").video_link == (
        "https://typed.example/x"
    ), "a typed link wins"
    with db() as session:
        (entry,) = session.scalars(
            sa.select(JournalEntry).where(JournalEntry.entity == "clinic_setting")
        ).all()
        assert entry.changes == {"video_link_template": [None, TEMPLATE]}


def test_a_bad_template_is_refused_by_field_and_only_an_administrator_sets_one(db, clinic) -> None:
    _doctor, _patient, users = clinic
    for bad in ("meet.clinic.ru/{room}", "https://meet.clinic.ru/fixed", "https://a/{room}{room}"):
        with pytest.raises(ValidationError) as refused:
            telemedicine.set_link_template(db, users[Role.ADMIN], bad)
        assert refused.value.field == "url_template", bad
    with pytest.raises(PermissionDenied):
        telemedicine.set_link_template(db, users[Role.REGISTRAR], TEMPLATE)
    assert telemedicine.link_template(db) == ""
    telemedicine.set_link_template(db, users[Role.ADMIN], TEMPLATE)
    assert telemedicine.set_link_template(db, users[Role.ADMIN], "") == ""
    assert _remote(db, clinic, "10:00").video_link is None, "turned off: typed links again"
