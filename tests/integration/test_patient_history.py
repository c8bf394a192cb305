"""The card's tabs: appointments, referrals, history, consents — and who may change them."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
import sqlalchemy as sa

from crm.controllers.access import auth
from crm.controllers.context import Actor
from crm.controllers.errors import DomainError, NotFound, PermissionDenied, ValidationError
from crm.controllers.patients import cards, history
from crm.controllers.patients.form import PatientForm
from crm.crypto import generate_key_file
from crm.models import Insurer, IssuingOrganisation, JournalEntry, Patient, Referral
from crm.models.enums import AppointmentStatus, ConsentKind, ReferralKind, ReferralStatus, Role
from tests import factories

FORM = PatientForm(
    last_name="Сидоров", first_name="Олег", birth_date="01.02.1985", phone="+7 916 555-44-33"
)


@pytest.fixture
def keyring(key_file):
    return generate_key_file(key_file)


@pytest.fixture
def actors(db):
    def make(login: str, role: Role) -> Actor:
        user_id = auth.add_user(db, login, "password-123", role, f"{login.title()} Тестов")
        return Actor(user_id=user_id, login=login, full_name=login, role=role, workstation="desk-7")

    return {
        "registrar": make("reg", Role.REGISTRAR),
        "doctor": make("doc", Role.DOCTOR),
        "admin": make("adm", Role.ADMIN),
    }


@pytest.fixture
def card(db, actors, keyring):
    return cards.create_patient(db, actors["registrar"], keyring, FORM)


def _referral(session, patient_id: int, specialty_id: int, issued_on: dt.date, number: str):
    organisation = session.scalar(sa.select(IssuingOrganisation).limit(1))
    if organisation is None:
        organisation = IssuingOrganisation(name="ГБУЗ «ГП № 3»", ogrn="1027700000006")
        session.add(organisation)
        session.flush()
    row = Referral(
        number=number,
        organisation_id=organisation.id,
        issued_on=issued_on,
        patient_id=patient_id,
        specialty_id=specialty_id,
        diagnosis_code="K29.7",
        kind=ReferralKind.STANDARD,
        valid_days=30,
    )
    session.add(row)
    session.flush()
    return row


def test_tabs_show_appointments_and_referrals_newest_first(db, actors, card):
    today = factories.clinic_today()
    with db() as session, session.begin():
        branch, specialty = factories.clinic(session)
        doctor = factories.doctor(session, branch, specialty, last_name="Кузнецова")
        patient = session.get(Patient, card.id)
        old = factories.appointment(
            session, doctor, patient, factories.at(today - dt.timedelta(days=40), "09:00")
        )
        old.status = AppointmentStatus.COMPLETED
        factories.appointment(session, doctor, patient, factories.at(today, "10:30"))
        _referral(session, card.id, specialty.id, today - dt.timedelta(days=60), "Н-1")
        _referral(session, card.id, specialty.id, today - dt.timedelta(days=2), "Н-2")
        specialty_name = specialty.name

    tabs = history.load_history(db, actors["doctor"], card.id)
    assert [a.status for a in tabs.appointments] == ["booked", "completed"]
    first = tabs.appointments[0]
    assert first.doctor == "Кузнецова П. П." and first.specialty == specialty_name
    assert first.starts_at.strftime("%H:%M") == "10:30"
    assert first.kind == "paid"
    assert [r.number for r in tabs.referrals] == ["Н-2", "Н-1"]
    fresh, stale = tabs.referrals
    assert fresh.status == ReferralStatus.ACTIVE.value
    assert fresh.last_valid_day == today - dt.timedelta(days=2) + dt.timedelta(days=29)
    # Stored as active, but run out: every reader sees it expired.
    assert stale.status == ReferralStatus.EXPIRED.value
    assert stale.organisation == "ГБУЗ «ГП № 3»"
    assert tabs.consents == ()


def test_history_shows_changes_before_and_after(db, actors, keyring, card):
    cards.update_patient(
        db,
        actors["registrar"],
        keyring,
        card.id,
        dataclasses.replace(card.form, phone="+7 916 000-11-22", email="oleg@mail.ru"),
        expected_version=card.version,
    )
    cards.open_card(db, actors["registrar"], keyring, card.id)  # masked: not journaled
    rows = history.list_history(db, actors["registrar"], card.id)
    assert [row.action for row in rows] == ["update", "create"]
    update = rows[0]
    assert (update.login, update.user_name, update.workstation) == ("reg", "Reg Тестов", "desk-7")
    changes = {change.field: (change.before, change.after) for change in update.changes}
    assert changes == {"email": (None, "oleg@mail.ru"), "phone": ("+79165554433", "+79160001122")}


def test_history_keeps_to_this_patient(db, actors, keyring, card):
    other = cards.create_patient(
        db, actors["registrar"], keyring, dataclasses.replace(FORM, last_name="Другой")
    )
    with db() as session, session.begin():
        branch, specialty = factories.clinic(session)
        doctor = factories.doctor(session, branch, specialty)
        patient = session.get(Patient, card.id)
        starts = factories.at(factories.clinic_today(), "11:00")
        appointment = factories.appointment(session, doctor, patient, starts)
        session.add(JournalEntry(action="check_in", entity="appointment", entity_id=appointment.id))
    mine = history.list_history(db, actors["doctor"], card.id)
    assert {(row.entity, row.action) for row in mine} == {
        ("patient", "create"),
        ("appointment", "check_in"),
    }
    theirs = history.list_history(db, actors["doctor"], other.id)
    assert [(row.entity, row.entity_id) for row in theirs] == [("patient", other.id)]


def test_consents_given_and_revoked_are_journaled(db, actors, card):
    registrar = actors["registrar"]
    today = factories.clinic_today()
    given = history.give_consent(
        db, registrar, card.id, ConsentKind.SMS, today - dt.timedelta(days=3)
    )
    assert given.live and given.kind == "sms"
    with pytest.raises(DomainError, match="уже действует"):
        history.give_consent(db, registrar, card.id, ConsentKind.SMS, today)
    with pytest.raises(ValidationError) as early:
        history.revoke_consent(db, registrar, given.id, today - dt.timedelta(days=4))
    assert early.value.field == "revoked_on"
    revoked = history.revoke_consent(db, registrar, given.id, today)
    assert revoked.revoked_on == today and not revoked.live
    with pytest.raises(DomainError, match="отозвано"):
        history.revoke_consent(db, registrar, given.id, today)
    again = history.give_consent(db, registrar, card.id, ConsentKind.SMS, today)
    consents = history.list_consents(db, actors["doctor"], card.id)
    assert [c.id for c in consents] == [again.id, given.id]
    actions = [row.action for row in history.list_history(db, registrar, card.id)]
    assert actions == ["consent_given", "consent_revoked", "consent_given", "create"]
    latest = history.list_history(db, registrar, card.id)[0]
    assert latest.changes[0].field == "consent_sms"


def test_a_consent_cannot_be_dated_in_the_future(db, actors, card):
    with pytest.raises(ValidationError) as caught:
        history.give_consent(
            db,
            actors["registrar"],
            card.id,
            ConsentKind.PERSONAL_DATA,
            factories.clinic_today() + dt.timedelta(days=1),
        )
    assert caught.value.field == "given_on"
    assert caught.value.message.startswith("Дата согласия")


def test_who_may_read_and_change(db, actors, card):
    with pytest.raises(PermissionDenied):
        history.load_history(db, actors["admin"], card.id)
    with pytest.raises(PermissionDenied):
        history.give_consent(
            db, actors["doctor"], card.id, ConsentKind.EMAIL, factories.clinic_today()
        )
    with pytest.raises(NotFound):
        history.load_history(db, actors["doctor"], card.id + 1000)


def test_insurers_by_name(db, actors):
    with db() as session, session.begin():
        session.add_all([Insurer(name="СОГАЗ-Мед", code="77008"), Insurer(name="Ингосстрах-М")])
    names = [row.name for row in history.list_insurers(db, actors["registrar"])]
    assert names == sorted(names) and {"СОГАЗ-Мед", "Ингосстрах-М"} <= set(names)
