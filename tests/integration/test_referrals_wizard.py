"""The booking wizard's headless side: number → checked referral → doctors and free slots."""

from __future__ import annotations

import datetime as dt

import pytest

from crm.controllers.referrals import editing, wizard
from crm.models import IssuingOrganisation, Patient, SpecialtyAlternative
from crm.models.enums import ReferralKind
from tests import booking_factories as bf
from tests import factories as f
from tests import referral_factories as rf

TODAY, NOW, DAY = rf.TODAY, rf.NOW, rf.DAY


@pytest.fixture
def desk(db) -> rf.Desk:
    return rf.make_desk(db)


def create(db, desk, **changes):
    return editing.create_referral(db, desk.registrar, rf.form(desk, **changes), today=TODAY)


def options(db, desk, number: str, **kwargs) -> wizard.BookingOptions:
    return wizard.booking_options(db, desk.registrar, number, now=NOW, **kwargs)


def test_doctors_of_the_specialty_with_slots_inside_the_validity(db, desk):
    made = create(db, desk, number="нп-42", kind=ReferralKind.EMERGENCY, emergency_days=7)
    f.book(db, desk.registrar, patient_id=desk.patients[1], doctor_id=desk.doctor,
                 starts_at=f.at(TODAY, "12:00"), now=NOW)  # fmt: skip
    found = options(db, desk, " НП 42 ", per_doctor=3)
    assert found.refusal_code is None and found.referral.id == made.row.id
    assert (found.date_from, found.date_to) == (TODAY, TODAY + dt.timedelta(days=6))
    assert not found.alternatives_used and found.notice is None
    assert {d.name for d in found.doctors} == {"Петров П. П.", "Сидорова П. П."}
    petrov = next(d for d in found.doctors if d.name == "Петров П. П.")
    assert [s.starts_at for s in petrov.slots] == [
        f.at(TODAY, "12:15"), f.at(TODAY, "12:30"), f.at(TODAY, "12:45")]  # fmt: skip
    assert petrov.branch_name and petrov.category.value == "none"
    narrowed = options(db, desk, "НП-42", date_from=TODAY + dt.timedelta(days=2),
                       date_to=DAY + dt.timedelta(days=30))  # fmt: skip
    assert (narrowed.date_from, narrowed.date_to) == (TODAY + dt.timedelta(2),
                                                      TODAY + dt.timedelta(6))  # fmt: skip
    assert all(s.starts_at.date() >= TODAY + dt.timedelta(2)
               for d in narrowed.doctors for s in d.slots)  # fmt: skip


@pytest.mark.parametrize("case", ["unknown", "cancelled", "used", "expired", "no_policy"])
def test_refusals_before_choosing_a_doctor(db, desk, case):
    issued = TODAY - dt.timedelta(days=40) if case == "expired" else TODAY
    made = create(db, desk, number="77", issued_on=issued)
    if case == "cancelled":
        editing.cancel_referral(db, desk.registrar, made.row.id, reason="ошибка", today=TODAY)
    if case == "used":
        f.book(db, desk.registrar, patient_id=desk.patients[0], doctor_id=desk.doctor,
                     starts_at=f.at(DAY, "10:00"), referral_id=made.row.id, now=NOW)  # fmt: skip
    if case == "no_policy":
        with db() as session, session.begin():
            session.get(Patient, desk.patients[0]).policy_kind = None
    found = options(db, desk, "78" if case == "unknown" else "77")
    expected = {"unknown": "referral_unknown", "cancelled": "referral_cancelled",
                "used": "referral_used", "expired": "referral_expired",
                "no_policy": "no_policy"}  # fmt: skip
    assert found.refusal_code == expected[case] and found.refusal
    assert found.doctors == ()


def test_the_same_number_from_two_organisations(db, desk):
    create(db, desk, number="500")
    with db() as session, session.begin():
        other = IssuingOrganisation(name="Другая", ogrn=rf.ogrn(9100))
        session.add(other)
        session.flush()
        other_id = other.id
    second = create(db, desk, number="500", organisation_id=other_id)
    found = options(db, desk, "500")
    assert found.refusal_code == "referral_ambiguous" and len(found.matches) == 2
    chosen = options(db, desk, "500", organisation_id=other_id)
    assert chosen.referral.id == second.row.id and chosen.refusal_code is None
    assert options(db, desk, "500", referral_id=second.row.id).referral.id == second.row.id


def test_no_doctor_of_the_specialty_offers_the_alternatives_plainly(db, desk):
    with db() as session, session.begin():
        absent = bf.specialty(session, "УЗИ-специалист")
        session.add(SpecialtyAlternative(specialty_id=absent.id, alternative_id=desk.specialty_b))
        absent_id = absent.id
    create(db, desk, number="600", specialty_id=absent_id)
    found = options(db, desk, "600")
    assert found.alternatives_used and "УЗИ-специалист" in found.notice
    assert [d.name for d in found.doctors] == ["Кузнецов П. П."]
    assert found.doctors[0].slots
    made = f.book(db, desk.registrar, patient_id=desk.patients[0], doctor_id=desk.other,
                        starts_at=found.doctors[0].slots[0].starts_at, referral_number="600",
                        now=NOW)  # fmt: skip
    assert made.referral_id == found.referral.id
