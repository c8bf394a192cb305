"""The referral registry: registration with field checks, corrections, cancelling, the
registry's filters and one referral's card, against a real PostgreSQL (rolled back)."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from crm.controllers.errors import PermissionDenied, StaleRecord
from crm.controllers.referrals import editing
from crm.controllers.referrals.editing import ReferralInvalid, ReferralRefused, RegistryFilter
from crm.controllers.schedule import booking, visit_status
from crm.models import IssuingOrganisation, JournalEntry, Referral
from crm.models.enums import AppointmentStatus, ReferralKind, ReferralStatus
from tests import factories as f
from tests import referral_factories as rf

RS = ReferralStatus
TODAY, DAY, NOW = rf.TODAY, rf.DAY, rf.NOW


@pytest.fixture
def desk(db) -> rf.Desk:
    return rf.make_desk(db)


def create(db, desk, **changes) -> editing.ReferralDetails:
    return editing.create_referral(db, desk.registrar, rf.form(desk, **changes), today=TODAY)


def book(db, desk, referral_id: int, hhmm: str = "10:00", **kwargs):
    return f.book(
        db, desk.registrar, patient_id=desk.patients[0], doctor_id=desk.doctor,
        starts_at=f.at(DAY, hhmm), referral_id=referral_id, now=NOW, **kwargs,
    )  # fmt: skip


# --- registration -------------------------------------------------------------------------


def test_create_stores_canonical_values_and_journals(db, desk):
    made = create(db, desk, number=" нп 001234 ", diagnosis_code="к29,7", issuing_doctor=" Д  А ")
    row = made.row
    assert (row.number, row.diagnosis_code, made.issuing_doctor) == ("НП-001234", "K29.7", "Д А")
    assert row.status is RS.ACTIVE and row.valid_days == 30 and row.days_left == 30
    assert row.last_valid_day == TODAY + dt.timedelta(days=29)
    assert row.patient_name == "Пациент0 И."
    assert row.organisation_name.startswith("ГБУЗ") and made.organisation_ogrn
    assert made.extensions == () and made.appointments == () and not made.extendable
    assert made.created_by == desk.registrar.full_name
    with db() as session:
        entry = session.scalars(
            sa.select(JournalEntry).where(
                JournalEntry.entity == "referral", JournalEntry.entity_id == row.id
            )
        ).one()
    assert entry.action == "create" and entry.changes["number"] == [None, "НП-001234"]


def test_every_bad_field_is_named_at_once(db, desk):
    with pytest.raises(ReferralInvalid) as caught:
        create(db, desk, number="12-АБ", diagnosis_code="I1", kind=ReferralKind.EMERGENCY,
               issued_on=TODAY + dt.timedelta(days=1), emergency_days=6,
               specialty_id=None)  # fmt: skip
    fields = [p.field for p in caught.value.problems]
    assert fields == ["number", "specialty_id", "diagnosis_code", "issued_on", "valid_days"]
    assert caught.value.field == "number"
    messages = dict((p.field, p.message) for p in caught.value.problems)
    assert messages["diagnosis_code"].startswith("Диагноз")
    for message in messages.values():
        assert message


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"number": ""}, "number"),
        ({"number": "АБВ"}, "number"),
        ({"number": "1234/АБ"}, "number"),
        ({"diagnosis_code": "10"}, "diagnosis_code"),
        ({"diagnosis_code": "I10.123"}, "diagnosis_code"),
        ({"kind": None}, "kind"),
        ({"issued_on": None}, "issued_on"),
        ({"kind": ReferralKind.EMERGENCY, "emergency_days": None}, "valid_days"),
        ({"kind": ReferralKind.EMERGENCY, "emergency_days": 31}, "valid_days"),
        ({"kind": ReferralKind.STANDARD, "emergency_days": 10}, "valid_days"),
        ({"patient_id": 10**9}, "patient_id"),
        ({"organisation_id": None}, "organisation_id"),
        ({"issuing_doctor": "x" * 201}, "issuing_doctor"),
    ],
)
def test_one_bad_field(db, desk, changes, field):
    with pytest.raises(ReferralInvalid) as caught:
        create(db, desk, **changes)
    assert [p.field for p in caught.value.problems] == [field]


def test_valid_numbers_and_kinds(db, desk):
    assert create(db, desk, number="0012345").row.number == "0012345"
    assert create(db, desk, number="AB-12").row.number == "AB-12"
    assert create(db, desk, number="ЁЖ№77").row.number == "ЁЖ-77"
    assert create(db, desk, kind=ReferralKind.THERAPIST).row.valid_days == 60
    assert create(db, desk, kind=ReferralKind.LONG_TERM).row.valid_days == 30
    for days in (7, 30):
        made = create(db, desk, kind=ReferralKind.EMERGENCY, emergency_days=days)
        assert made.row.valid_days == days and made.emergency_days == days
    assert create(db, desk, issued_on=TODAY).row.issued_on == TODAY  # today is not the future


def test_an_old_referral_registers_as_expired(db, desk):
    made = create(db, desk, issued_on=TODAY - dt.timedelta(days=40))
    assert made.row.status is RS.EXPIRED and made.row.days_left == 0
    with db() as session:
        assert session.get(Referral, made.row.id).status is RS.EXPIRED


def test_the_number_is_unique_per_organisation_in_python_and_in_the_database(db, desk):
    create(db, desk, number="НП-500")
    with pytest.raises(ReferralInvalid) as caught:
        create(db, desk, number="нп500", patient_id=desk.patients[1])
    assert [p.field for p in caught.value.problems] == ["number"]
    # Another organisation may use the same number.
    with db() as session, session.begin():
        other = IssuingOrganisation(name="Другая", ogrn=rf.ogrn(9001))
        session.add(other)
        session.flush()
        other_id = other.id
    assert create(db, desk, number="НП-500", organisation_id=other_id).row.number == "НП-500"
    # The database refuses a second row even when a desk skips the check.
    with db() as session, pytest.raises(IntegrityError) as refused:
        with session.begin():
            row = session.get(Referral, create(db, desk, number="НП-501").row.id)
            row.number = "НП-500"
    assert refused.value.orig.diag.constraint_name == "uq_referral_number_per_org"


def test_only_registrars_and_managers_register(db, desk):
    for actor in (desk.doctor_user, desk.admin):
        with pytest.raises(PermissionDenied):
            editing.create_referral(db, actor, rf.form(desk), today=TODAY)
    assert editing.create_referral(db, desk.manager, rf.form(desk), today=TODAY).row.id


# --- corrections and cancelling -----------------------------------------------------------


def test_update_with_the_version_read_and_a_stale_one(db, desk):
    made = create(db, desk)
    changed = editing.update_referral(
        db, desk.registrar, made.row.id, rf.form(desk, number="777", diagnosis_code="J45.0",
                                                 kind=ReferralKind.THERAPIST),
        expected_version=made.row.version, today=TODAY,
    )  # fmt: skip
    assert (changed.row.number, changed.row.diagnosis_code, changed.row.valid_days) == (
        "777", "J45.0", 60)  # fmt: skip
    assert changed.row.version == made.row.version + 1
    with pytest.raises(StaleRecord):
        editing.update_referral(db, desk.registrar, made.row.id, rf.form(desk, number="778"),
                                  expected_version=made.row.version, today=TODAY)  # fmt: skip
    with db() as session:
        entry = session.scalars(
            sa.select(JournalEntry).where(
                JournalEntry.entity_id == made.row.id, JournalEntry.action == "update"
            )  # fmt: skip
        ).one()
    assert entry.changes["valid_days"] == [30, 60] and entry.changes["number"][1] == "777"


def test_a_booked_visit_locks_the_patient_specialty_and_validity(db, desk):
    made = create(db, desk, number="900")
    book(db, desk, made.row.id)
    with pytest.raises(ReferralRefused) as caught:
        editing.update_referral(db, desk.registrar, made.row.id,
                                  rf.form(desk, number="900", specialty_id=desk.specialty_b),
                                  today=TODAY)  # fmt: skip
    assert caught.value.reason_code == "has_appointment" and caught.value.field == "specialty_id"
    fixed = editing.update_referral(db, desk.registrar, made.row.id,
                                      rf.form(desk, number="901", diagnosis_code="E11"),
                                      today=TODAY)  # fmt: skip
    assert fixed.row.number == "901" and fixed.row.status is RS.USED


def test_correcting_the_issue_date_follows_the_status(db, desk):
    made = create(db, desk, number="910", issued_on=TODAY - dt.timedelta(days=40))
    assert made.row.status is RS.EXPIRED
    fixed = editing.update_referral(db, desk.registrar, made.row.id,
                                      rf.form(desk, number="910", issued_on=TODAY - dt.timedelta(
                                          days=4)), today=TODAY)  # fmt: skip
    assert fixed.row.status is RS.ACTIVE and fixed.row.days_left == 26


def test_cancel_needs_a_reason_and_no_visit_ahead(db, desk):
    made = create(db, desk)
    with pytest.raises(ReferralRefused) as caught:
        editing.cancel_referral(db, desk.registrar, made.row.id, reason="  ", today=TODAY)
    assert caught.value.reason_code == "reason_required" and caught.value.field == "reason"
    appointment = book(db, desk, made.row.id)
    with pytest.raises(ReferralRefused) as caught:
        editing.cancel_referral(db, desk.registrar, made.row.id, reason="ошибка", today=TODAY)
    assert caught.value.reason_code == "has_appointment"
    assert DAY.strftime("%d.%m.%Y") in caught.value.message
    visit_status.cancel(db, desk.registrar, appointment.id, reason="передумал", now=NOW)
    cancelled = editing.cancel_referral(db, desk.registrar, made.row.id, reason=" отозвано ",
                                          expected_version=None, today=TODAY)  # fmt: skip
    assert cancelled.row.status is RS.CANCELLED and cancelled.cancel_reason == "отозвано"
    with pytest.raises(ReferralRefused) as again:
        editing.cancel_referral(db, desk.registrar, made.row.id, reason="ещё", today=TODAY)
    assert again.value.reason_code == "already_cancelled"
    caught_booking = pytest.raises(booking.BookingRefused)
    with caught_booking as refused:
        book(db, desk, made.row.id, "11:00")
    assert refused.value.reason_code == "referral_cancelled"


def test_cancel_from_expired_and_closed(db, desk):
    old = create(db, desk, issued_on=TODAY - dt.timedelta(days=60))
    assert editing.cancel_referral(db, desk.manager, old.row.id, reason="дубль",
                                     today=TODAY).row.status is RS.CANCELLED  # fmt: skip
    made = create(db, desk)
    appointment = book(db, desk, made.row.id)
    later = f.at(DAY, "10:30")
    for status in (AppointmentStatus.ARRIVED, AppointmentStatus.IN_PROGRESS,
                   AppointmentStatus.COMPLETED):  # fmt: skip
        visit_status.set_status(db, desk.manager, appointment.id, status, now=later)
    assert editing.get_referral(db, desk.registrar, made.row.id, today=DAY).row.status is (
        RS.CLOSED)  # fmt: skip
    closed = editing.cancel_referral(db, desk.manager, made.row.id, reason="ошибка", today=DAY)
    assert closed.row.status is RS.CANCELLED


# --- the registry and the card ------------------------------------------------------------


def test_registry_rows_and_filters(db, desk):
    fresh = create(db, desk, number="1001")
    expiring = create(db, desk, number="1002", issued_on=TODAY - dt.timedelta(days=25))  # 5 left
    six_left = create(db, desk, number="1003", issued_on=TODAY - dt.timedelta(days=24))
    stale = create(db, desk, number="1004", issued_on=TODAY - dt.timedelta(days=20))
    booked_soon = create(db, desk, number="1005", issued_on=TODAY - dt.timedelta(days=26),
                         specialty_id=desk.specialty_b, patient_id=desk.patients[1])  # fmt: skip
    appointment = f.book(
        db, desk.registrar, patient_id=desk.patients[1], doctor_id=desk.other,
        starts_at=f.at(TODAY + dt.timedelta(days=1), "10:00"), referral_id=booked_soon.row.id,
        now=NOW,
    )  # fmt: skip
    everything = editing.registry(db, desk.registrar, today=TODAY)
    by_number = {r.number: r for r in everything}
    assert set(by_number) == {"1001", "1002", "1003", "1004", "1005"}
    assert by_number["1002"].days_left == 5 and by_number["1002"].expiring
    assert by_number["1003"].days_left == 6 and not by_number["1003"].expiring
    assert by_number["1005"].status is RS.USED and not by_number["1005"].expiring
    assert by_number["1005"].appointment_id == appointment.id
    assert by_number["1005"].appointment_doctor_name == "Кузнецов П. П."
    assert by_number["1005"].appointment_starts_at == appointment.starts_at

    def numbers(**criteria) -> set[str]:
        found = editing.registry(db, desk.registrar, RegistryFilter(**criteria), today=TODAY)
        return {r.number for r in found}

    assert numbers(expiring_only=True) == {"1002"}
    assert numbers(statuses=frozenset({RS.USED})) == {"1005"}
    assert numbers(specialty_id=desk.specialty_b) == {"1005"}
    assert numbers(patient_id=desk.patients[1]) == {"1005"}
    assert numbers(organisation_id=desk.organisation) == set(by_number)
    assert numbers(issued_from=TODAY - dt.timedelta(days=20), issued_to=TODAY) == {"1001", "1004"}
    assert numbers(number="100") == set(by_number)
    assert numbers(number=" 1003") == {"1003"}
    # Expiry is evaluated against today, not stored stale: nine days later 1002 and 1003 ran out.
    later = TODAY + dt.timedelta(days=9)
    rows = {r.number: r for r in editing.registry(db, desk.registrar, today=later)}
    assert rows["1002"].status is RS.EXPIRED and rows["1004"].status is RS.ACTIVE
    expired = editing.registry(db, desk.registrar, RegistryFilter(
        statuses=frozenset({RS.EXPIRED})), today=later)  # fmt: skip
    assert {r.number for r in expired} == {"1002", "1003"}
    assert rows["1004"].days_left == 1 and rows["1004"].expiring
    with db() as session:  # nothing was written by reading
        assert session.get(Referral, expiring.row.id).status is RS.ACTIVE
    assert fresh.row.id and six_left.row.id and stale.row.id


def test_the_card_lists_appointments_history(db, desk):
    made = create(db, desk)
    first = book(db, desk, made.row.id)
    moved = booking.reschedule(db, desk.registrar, first.id, starts_at=f.at(DAY, "11:00"), now=NOW)
    details = editing.get_referral(db, desk.registrar, made.row.id, today=TODAY)
    assert [a.id for a in details.appointments] == [first.id, moved.id]
    assert details.appointments[0].status is AppointmentStatus.RESCHEDULED
    assert details.appointments[1].rescheduled_from_id == first.id
    assert details.row.appointment_id == moved.id
    found = editing.find_by_number(db, desk.registrar, made.row.number, today=TODAY)
    assert [r.id for r in found] == [made.row.id]
    assert editing.find_by_number(db, desk.registrar, "нет") == []
