"""Referral validity by kind, counted inclusively, at the boundary days — rules and bookings.

The first half checks the pure rules on plain records; the second books real
appointments (rolled back per test) on the issue day, the last valid day and the
day after, for each kind.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from crm.controllers.errors import BookingRefused
from crm.controllers.referrals import rules
from crm.controllers.referrals.rules import (
    check_for_booking,
    days_left,
    effective_status,
    last_valid_day,
    validity_days,
)
from crm.models import Patient, Specialty
from crm.models.enums import ReferralKind, ReferralStatus, Role
from tests import booking_factories as bf
from tests import factories as f

K = ReferralKind
ISSUED = dt.date(2031, 3, 3)


@dataclass(frozen=True)
class Plain:
    """A referral as a plain record (the rules read attributes only)."""

    issued_on: dt.date
    valid_days: int
    status: ReferralStatus = ReferralStatus.ACTIVE
    patient_id: int = 1
    specialty_id: int = 10


# (kind, the days it is valid for): as issued, and a long-term one extended to the maximum.
CASES = [
    (K.STANDARD, 30),
    (K.THERAPIST, 60),
    (K.LONG_TERM, 30),
    (K.LONG_TERM, 90),
    (K.EMERGENCY, 7),
    (K.EMERGENCY, 30),
]


def test_validity_days_by_kind():
    assert validity_days(K.STANDARD) == 30
    assert validity_days(K.THERAPIST) == 60
    assert validity_days(K.LONG_TERM) == 30
    assert rules.max_valid_days(K.LONG_TERM, 30) == 90
    assert rules.max_valid_days(K.STANDARD, 30) == 30
    assert validity_days(K.EMERGENCY, 7) == 7 and validity_days(K.EMERGENCY, 30) == 30
    for wrong in (None, 6, 31):
        with pytest.raises(ValueError):
            validity_days(K.EMERGENCY, wrong)
    with pytest.raises(ValueError):
        validity_days(K.STANDARD, 10)


def test_the_issue_day_is_day_one():
    assert last_valid_day(dt.date(2031, 3, 1), 30) == dt.date(2031, 3, 30)
    assert last_valid_day(dt.date(2031, 12, 20), 30) == dt.date(2032, 1, 18)
    assert last_valid_day(ISSUED, 1) == ISSUED


@pytest.mark.parametrize(("kind", "days"), CASES)
def test_boundaries_of_the_rules(kind, days):
    last = last_valid_day(ISSUED, days)
    after = last + dt.timedelta(days=1)
    referral = Plain(ISSUED, days)
    assert (last - ISSUED).days + 1 == days
    assert effective_status(referral, ISSUED) is ReferralStatus.ACTIVE
    assert effective_status(referral, last) is ReferralStatus.ACTIVE
    assert effective_status(referral, after) is ReferralStatus.EXPIRED
    assert (days_left(referral, ISSUED), days_left(referral, last), days_left(referral, after)) == (
        days, 1, 0)  # fmt: skip
    check_for_booking(referral, 1, 10, ISSUED, ISSUED)  # on the issue day, for that day
    check_for_booking(referral, 1, 10, last, ISSUED)  # for the last valid day
    check_for_booking(referral, 1, 10, last, last)  # on the last valid day itself
    with pytest.raises(BookingRefused) as late_visit:
        check_for_booking(referral, 1, 10, after, ISSUED)
    assert late_visit.value.reason_code == "referral_day_after_validity"
    with pytest.raises(BookingRefused) as expired:
        check_for_booking(referral, 1, 10, after, after)
    assert expired.value.reason_code == "referral_expired"


def test_stored_statuses_read_as_they_are_except_a_stale_active():
    old = ISSUED - dt.timedelta(days=100)
    for status in (ReferralStatus.USED, ReferralStatus.CLOSED, ReferralStatus.CANCELLED):
        assert effective_status(Plain(old, 30, status), ISSUED) is status
    assert effective_status(Plain(old, 30, ReferralStatus.EXPIRED), old) is ReferralStatus.EXPIRED
    assert rules.released_status(Plain(ISSUED, 30), ISSUED) is ReferralStatus.ACTIVE
    assert rules.released_status(Plain(old, 30), ISSUED) is ReferralStatus.EXPIRED


def test_refusals_name_the_reason():
    def code(referral, patient=1, specialty=10, rebooking=False):
        with pytest.raises(BookingRefused) as caught:
            check_for_booking(referral, patient, specialty, ISSUED, ISSUED, rebooking=rebooking)
        return caught.value.reason_code

    assert code(None) == "referral_unknown"
    assert code(Plain(ISSUED, 30, ReferralStatus.CANCELLED)) == "referral_cancelled"
    assert code(Plain(ISSUED, 30, ReferralStatus.USED)) == "referral_used"
    assert code(Plain(ISSUED, 30, ReferralStatus.CLOSED)) == "referral_closed"
    assert code(Plain(ISSUED, 30, ReferralStatus.EXPIRED)) == "referral_expired"
    assert code(Plain(ISSUED, 30), patient=2) == "referral_patient"
    assert code(Plain(ISSUED, 30), specialty=11) == "referral_specialty"
    # Moving the appointment that uses it: "used" is expected, the other rules still hold.
    check_for_booking(Plain(ISSUED, 30, ReferralStatus.USED), 1, 10, ISSUED, ISSUED,
                      rebooking=True)  # fmt: skip
    assert code(Plain(ISSUED, 30, ReferralStatus.USED), specialty=11, rebooking=True) == (
        "referral_specialty")  # fmt: skip
    check_for_booking(Plain(ISSUED, 30), 1, 11, ISSUED, ISSUED, alternative_specialty_ids={11})


# --- the same boundaries through booking -------------------------------------------------


@pytest.fixture
def desk(db):
    """A doctor working every day (holidays too), an insured patient, a registrar."""
    with db() as session, session.begin():
        branch, specialty = f.clinic(session)
        doctor = f.doctor(session, branch, specialty)
        bf.hours(session, doctor, "08:00-20:00", weekdays=bf.EVERY_DAY, works_on_holidays=True)
        patient = bf.insure(session, f.patient(session))
        return doctor.id, patient.id, specialty.id, bf.user(session, Role.REGISTRAR)


def _referral(db, patient_id, specialty_id, kind, days):
    with db() as session, session.begin():
        return bf.referral(
            session, session.get(Patient, patient_id), session.get(Specialty, specialty_id),
            issued_on=ISSUED, kind=kind, valid_days=days,
        ).id  # fmt: skip


@pytest.mark.parametrize(("kind", "days"), CASES)
def test_booking_at_the_boundaries(db, desk, kind, days):
    doctor_id, patient_id, specialty_id, registrar = desk
    last = last_valid_day(ISSUED, days)
    after = last + dt.timedelta(days=1)

    def book(day, today):
        referral_id = _referral(db, patient_id, specialty_id, kind, days)
        return f.book(
            db, registrar, patient_id=patient_id, doctor_id=doctor_id,
            starts_at=f.at(day, "12:00") + dt.timedelta(minutes=15 * (referral_id % 20)),
            referral_id=referral_id, now=f.at(today, "08:00"),
        )  # fmt: skip

    assert book(ISSUED, ISSUED).referral_id  # booked on the issue day for the issue day
    assert book(last, ISSUED).referral_id  # for the last valid day
    assert book(last, last).referral_id  # on the last valid day for later that day
    with pytest.raises(BookingRefused) as late_visit:
        book(after, ISSUED)
    assert late_visit.value.reason_code == "referral_day_after_validity"
    with pytest.raises(BookingRefused) as expired:
        book(after, after)
    assert expired.value.reason_code == "referral_expired"
    assert expired.value.message.endswith(last.strftime("%d.%m.%Y"))
