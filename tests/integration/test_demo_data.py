"""The demo clinic loads into a real PostgreSQL and every rule of DOMAIN.md holds in it.

The demo is loaded once for the module (in a transaction rolled back at the end),
since the checks only read it.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased, sessionmaker
from stdnum import luhn
from stdnum.ru import ogrn

from crm.controllers import demo
from crm.controllers.access import auth
from crm.controllers.clinic import settings
from crm.controllers.demo.identity import PASSPORTS_SINCE, add_years, is_valid_snils
from crm.controllers.demo.people import generate_patients
from crm.controllers.demo.schedule import MOSCOW, russian_holidays
from crm.controllers.errors import DomainError
from crm.crypto import KeyRing, generate_key_file
from crm.models import (
    Appointment,
    BonusLedgerEntry,
    Branch,
    Doctor,
    Feedback,
    IssuingOrganisation,
    OutboxMessage,
    Patient,
    PatientConsent,
    Payment,
    PriorityRequest,
    Referral,
    ReferralExtension,
    Room,
    ScheduleException,
    ScheduleTemplate,
    Service,
    ServicePrice,
    Specialty,
    SpecialtyAlternative,
    TreatmentPlan,
    TreatmentTask,
    User,
    WaitingListEntry,
)
from crm.models.enums import (
    AppointmentKind,
    AppointmentStatus,
    ConsentKind,
    OtherDocumentKind,
    PolicyKind,
    ReferralKind,
    ReferralStatus,
    Role,
)
from tests.factories import rolled_back_demo

PATIENTS = 300
SEED = 5
# A Thursday whose fortnight holds a public holiday (4 November, Unity Day).
TODAY = dt.date(2026, 11, 5)
HOLDS_SLOT = ("booked", "arrived", "in_progress", "completed", "no_show")


@dataclass(frozen=True)
class Loaded:
    db: sessionmaker[Session]
    keyring: KeyRing
    summary: demo.DemoSummary


@pytest.fixture(scope="module")
def loaded(shared_engine: sa.Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Loaded]:
    """The demo loaded once into a transaction rolled back after the module."""
    key_file = tmp_path_factory.mktemp("demo-key") / "key.bin"
    with rolled_back_demo(shared_engine, key_file, patients=PATIENTS, seed=SEED, today=TODAY) as (
        _,
        factory,
        keyring,
        summary,
    ):
        yield Loaded(factory, keyring, summary)


def test_refused_when_the_clinic_has_a_doctor(db: sessionmaker[Session], key_file: Path) -> None:
    assert not demo.is_loaded(db)
    with db() as session, session.begin():
        branch = Branch(name="Тестовый корпус", address="г. Москва, ул. Ленина, д. 1")
        # Codes and names unlike the demo's: the module's loaded demo is uncommitted in
        # another transaction, and a clashing unique key would wait for it.
        specialty = Specialty(code="gp-test", name="врач общей практики (тест)")
        session.add_all([branch, specialty])
        session.flush()
        session.add(
            Doctor(
                last_name="Петров",
                first_name="Петр",
                patronymic="Петрович",
                specialty_id=specialty.id,
                branch_id=branch.id,
            )
        )
    keyring = generate_key_file(key_file)
    with pytest.raises(DomainError):
        demo.load_demo(db, keyring, patients=10, today=TODAY)
    assert not demo.is_loaded(db)
    with db() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Patient)) == 0


def _all(loaded: Loaded, statement: sa.Select) -> list:
    with loaded.db() as session:
        return list(session.execute(statement).all())


def _count(loaded: Loaded, model: type) -> int:
    with loaded.db() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(model)) or 0


def test_summary_matches_the_database(loaded: Loaded) -> None:
    summary = loaded.summary
    assert summary.branches == _count(loaded, Branch) >= 2
    assert summary.doctors == _count(loaded, Doctor) >= 12
    assert summary.specialties == _count(loaded, Specialty)
    assert summary.patients == _count(loaded, Patient) == PATIENTS
    assert summary.referrals == _count(loaded, Referral)
    assert summary.appointments == _count(loaded, Appointment)
    assert summary.users == _count(loaded, User) == len(demo.DEMO_USERS)
    assert summary.elapsed_seconds > 0
    # What `clinic-crm demo-data` prints: the counts in words and how to log in.
    text = summary.describe()
    assert f"врачей {summary.doctors}" in text and f"пациентов {PATIENTS}" in text
    assert "registrar" in text and "manager" in text and demo.DEMO_PASSWORD in text


def test_structure_of_the_clinic(loaded: Loaded) -> None:
    rooms_per_branch = _all(
        loaded, sa.select(Room.branch_id, sa.func.count()).group_by(Room.branch_id)
    )
    assert len(rooms_per_branch) >= 2 and all(n >= 5 for _, n in rooms_per_branch)
    staffed = _all(loaded, sa.select(sa.func.count(sa.distinct(Doctor.specialty_id))))[0][0]
    assert staffed >= 8
    codes = {
        code: is_service
        for code, is_service in _all(loaded, sa.select(Specialty.code, Specialty.is_service))
    }
    for code in ("therapist", "ultrasound", "functional_diagnostics", "laboratory", "oncologist"):
        assert code in codes
    assert codes["ultrasound"] and codes["functional_diagnostics"] and codes["laboratory"]
    assert not codes["therapist"]
    oncologists = _all(
        loaded, sa.select(Doctor.id).join(Specialty).where(Specialty.code == "oncologist")
    )
    assert oncologists == []
    alternative = aliased(Specialty)
    pairs = _all(
        loaded,
        sa.select(Specialty.code, alternative.code)
        .join(SpecialtyAlternative, SpecialtyAlternative.specialty_id == Specialty.id)
        .join(alternative, alternative.id == SpecialtyAlternative.alternative_id),
    )
    assert {
        ("ultrasound", "functional_diagnostics"),
        ("functional_diagnostics", "ultrasound"),
        ("oncologist", "therapist"),
    } <= {tuple(pair) for pair in pairs}
    assert _count(loaded, ScheduleException) >= 2
    numbers = _all(loaded, sa.select(IssuingOrganisation.ogrn))
    assert all(ogrn.is_valid(number) for (number,) in numbers)
    assert _count(loaded, IssuingOrganisation) >= 5


def test_doctor_names_agree_by_sex(loaded: Loaded) -> None:
    for last, patronymic in _all(loaded, sa.select(Doctor.last_name, Doctor.patronymic)):
        female_patronymic = patronymic.endswith("на")
        assert patronymic.endswith(("ич", "на"))
        if last.endswith(("ов", "ев", "ин")):
            assert not female_patronymic
        if last.endswith(("ова", "ева", "ина")):
            assert female_patronymic


def test_every_referral_status_and_kind(loaded: Loaded) -> None:
    rows = _all(
        loaded,
        sa.select(Referral.status, Referral.kind, Referral.valid_days, Referral.cancel_reason),
    )
    assert {r.status for r in rows} == set(ReferralStatus)
    assert {r.kind for r in rows} == set(ReferralKind)
    for status, kind, days, reason in rows:
        assert (reason is not None) == (status is ReferralStatus.CANCELLED)
        if kind is ReferralKind.EMERGENCY:
            assert 7 <= days <= 30
        elif kind is ReferralKind.THERAPIST:
            assert days == 60
        elif kind is ReferralKind.STANDARD:
            assert days == 30
        else:
            assert days in (30, 60, 90)
    extended = _all(
        loaded,
        sa.select(Referral.kind, Referral.valid_days, sa.func.max(ReferralExtension.new_valid_days))
        .join(ReferralExtension)
        .group_by(Referral.id),
    )
    assert extended, "some long-term referrals are extended"
    assert all(k is ReferralKind.LONG_TERM and d == new for k, d, new in extended)
    today_or_later = _all(
        loaded, sa.select(Referral.status, Referral.issued_on, Referral.valid_days)
    )
    for status, issued_on, days in today_or_later:
        last = issued_on + dt.timedelta(days=days - 1)
        assert issued_on <= TODAY
        if status is ReferralStatus.ACTIVE:
            assert last >= TODAY
        if status is ReferralStatus.EXPIRED:
            assert last < TODAY


def test_every_appointment_status_and_kind(loaded: Loaded) -> None:
    rows = _all(loaded, sa.select(Appointment))
    appointments = [row[0] for row in rows]
    assert {a.status for a in appointments} == set(AppointmentStatus)
    assert {a.kind for a in appointments} == set(AppointmentKind)
    by_id = {a.id: a for a in appointments}
    replacements = [a for a in appointments if a.rescheduled_from_id is not None]
    originals = {a.rescheduled_from_id for a in replacements}
    assert originals == {a.id for a in appointments if a.status is AppointmentStatus.RESCHEDULED}
    for a in replacements:
        original = by_id[a.rescheduled_from_id]
        assert original.patient_id == a.patient_id and original.starts_at < a.starts_at
    for a in appointments:
        assert (a.cancelled_by is not None) == (a.status is AppointmentStatus.CANCELLED)
        assert (a.cancel_reason is not None) == (a.status is AppointmentStatus.CANCELLED)
        assert (a.video_link is not None) == (a.kind is AppointmentKind.REMOTE)
        assert TODAY - dt.timedelta(days=7) <= a.starts_at.astimezone(MOSCOW).date()
        assert a.starts_at.astimezone(MOSCOW).date() <= TODAY + dt.timedelta(days=7)
    now = dt.datetime.combine(TODAY, dt.time(12), MOSCOW)
    assert all(
        a.ends_at <= now
        for a in appointments
        if a.status in (AppointmentStatus.COMPLETED, AppointmentStatus.NO_SHOW)
    )
    assert all(a.starts_at > now for a in appointments if a.status is AppointmentStatus.BOOKED)


def test_referral_visits_match_their_referrals(loaded: Loaded) -> None:
    rows = _all(
        loaded,
        sa.select(
            Appointment.status,
            Appointment.patient_id,
            Appointment.starts_at,
            Doctor.specialty_id,
            Referral.patient_id,
            Referral.specialty_id,
            Referral.status,
            Referral.issued_on,
            Referral.valid_days,
        )
        .join(Doctor, Doctor.id == Appointment.doctor_id)
        .join(Referral, Referral.id == Appointment.referral_id)
        .where(Appointment.kind == AppointmentKind.REFERRAL),
    )
    assert rows
    expected = {
        AppointmentStatus.COMPLETED: ReferralStatus.CLOSED,
        AppointmentStatus.BOOKED: ReferralStatus.USED,
        AppointmentStatus.ARRIVED: ReferralStatus.USED,
        AppointmentStatus.IN_PROGRESS: ReferralStatus.USED,
    }
    for status, patient, starts, specialty, r_patient, r_specialty, r_status, issued, days in rows:
        assert patient == r_patient and specialty == r_specialty
        day = starts.astimezone(MOSCOW).date()
        assert issued < day <= issued + dt.timedelta(days=days - 1)
        if status in expected:
            assert r_status is expected[status]
    insured = _all(
        loaded,
        sa.select(sa.func.bool_and(Patient.policy_kind.is_not(None)))
        .join(Appointment, Appointment.patient_id == Patient.id)
        .where(Appointment.kind == AppointmentKind.REFERRAL),
    )[0][0]
    assert insured


def test_appointments_only_in_working_hours_and_never_on_holidays(loaded: Loaded) -> None:
    holidays = russian_holidays(TODAY)
    window = {TODAY + dt.timedelta(days=k) for k in range(-7, 8)}
    assert holidays & window, "the test's fortnight should contain a holiday"
    templates: dict[int, list[ScheduleTemplate]] = {}
    for (template,) in _all(loaded, sa.select(ScheduleTemplate)):
        templates.setdefault(template.doctor_id, []).append(template)
    exceptions = [e for (e,) in _all(loaded, sa.select(ScheduleException))]
    for (a,) in _all(loaded, sa.select(Appointment)):
        starts, ends = a.starts_at.astimezone(MOSCOW), a.ends_at.astimezone(MOSCOW)
        assert starts.minute % 15 == 0 and starts.second == 0
        assert (ends - starts) % dt.timedelta(minutes=15) == dt.timedelta(0)
        fitting = [
            t
            for t in templates[a.doctor_id]
            if t.weekday == starts.isoweekday()
            and t.starts <= starts.time()
            and ends.time() <= t.ends
            and ends.date() == starts.date()
            and t.valid_from <= starts.date()
        ]
        assert fitting, f"appointment {a.id} outside its doctor's hours"
        if starts.date() in holidays:
            assert any(t.works_on_holidays for t in fitting)
        if not a.in_holding_tray:
            assert not any(
                e.doctor_id == a.doctor_id and e.starts_at < a.ends_at and a.starts_at < e.ends_at
                for e in exceptions
            )


def test_no_overlaps_for_doctors_or_patients(loaded: Loaded) -> None:
    for column in ("doctor_id", "patient_id"):
        overlaps = _all(
            loaded,
            sa.select(
                sa.text(
                    f"count(*) FROM appointment a JOIN appointment b ON a.{column} = b.{column} "
                    "AND a.id < b.id AND tstzrange(a.starts_at, a.ends_at) && "
                    "tstzrange(b.starts_at, b.ends_at) "
                    f"WHERE a.status IN {HOLDS_SLOT!r} AND b.status IN {HOLDS_SLOT!r}".replace(
                        ",)", ")"
                    )
                )
            ),
        )
        assert overlaps[0][0] == 0


def test_patients_documents_are_valid_and_decrypt(loaded: Loaded) -> None:
    keyring = loaded.keyring
    patients = [p for (p,) in _all(loaded, sa.select(Patient))]
    with_snils = [p for p in patients if p.snils_enc is not None]
    assert len(with_snils) > PATIENTS * 0.8
    for p in with_snils:
        snils = keyring.decrypt(p.snils_enc, "snils")
        assert re.fullmatch(r"\d{11}", snils) and is_valid_snils(snils)
        assert int(snils[:9]) > 1_001_998
        assert p.snils_hash == keyring.lookup_hash(snils, "snils")
        assert p.snils_tail == snils[-5:]
    passports = [p for p in patients if p.passport_enc is not None]
    assert len(passports) > PATIENTS * 0.6
    for p in passports:
        passport = json.loads(keyring.decrypt(p.passport_enc, "passport"))
        assert re.fullmatch(r"\d{4}", passport["series"])
        assert re.fullmatch(r"\d{6}", passport["number"])
        assert re.fullmatch(r"\d{3}-\d{3}", passport["subdivision"])
        assert passport["issued_by"]
        issued = dt.date.fromisoformat(passport["issued_on"])
        assert PASSPORTS_SINCE <= issued <= TODAY
        assert issued >= add_years(p.birth_date, 14)
        assert p.passport_hash == keyring.lookup_hash(
            passport["series"] + passport["number"], "passport"
        )
        assert p.passport_tail == passport["number"][-4:]
    children = [p for p in patients if add_years(p.birth_date, 14) > TODAY]
    assert children and all(p.passport_enc is None for p in children)
    certificates = [p for p in children if p.other_document_enc is not None]
    assert certificates
    for p in certificates:
        assert p.other_document_kind is OtherDocumentKind.BIRTH_CERTIFICATE
        assert keyring.decrypt(p.other_document_enc, "other_document")


def test_patients_cards(loaded: Loaded) -> None:
    patients = [p for (p,) in _all(loaded, sa.select(Patient))]
    kinds = {p.policy_kind for p in patients}
    assert {PolicyKind.UNIFIED, PolicyKind.OLD, PolicyKind.TEMPORARY} <= kinds
    for p in patients:
        assert re.fullmatch(r"\+79\d{9}", p.phone)
        assert dt.date(1930, 1, 1) <= p.birth_date <= min(TODAY, dt.date(2024, 12, 31))
        for part in (p.last_name, p.first_name, p.patronymic):
            assert re.fullmatch(r"[А-ЯЁ][а-яё]+(-[А-ЯЁ][а-яё]+)?", part)
        if p.policy_kind is PolicyKind.UNIFIED:
            assert re.fullmatch(r"\d{16}", p.policy_number) and luhn.is_valid(p.policy_number)
            assert p.insurer_id is not None
        if p.policy_kind is PolicyKind.TEMPORARY:
            assert re.fullmatch(r"\d{9}", p.policy_number) and p.policy_ends_on is not None
    assert len({p.phone for p in patients}) == len(patients)
    assert any(p.email for p in patients)
    consents = _all(
        loaded, sa.select(PatientConsent.kind, sa.func.count()).group_by(PatientConsent.kind)
    )
    counts = dict(consents)
    assert counts[ConsentKind.PERSONAL_DATA] == PATIENTS
    assert counts[ConsentKind.SMS] > PATIENTS // 2


def test_same_seed_and_day_give_the_same_patients(loaded: Loaded) -> None:
    # load_demo draws the patients first from random.Random(seed): the loaded cards are
    # exactly what the pure generator gives for the same seed and day.
    planned = generate_patients(random.Random(SEED), PATIENTS, TODAY)
    stored = _all(
        loaded,
        sa.select(
            Patient.last_name, Patient.first_name, Patient.patronymic, Patient.birth_date
        ).order_by(Patient.id),
    )
    assert [tuple(row) for row in stored] == [
        (p.name.last_name, p.name.first_name, p.name.patronymic, p.birth_date) for p in planned
    ]


def test_users_for_every_role_and_the_demo_password_works(loaded: Loaded) -> None:
    users = {u.login: u for (u,) in _all(loaded, sa.select(User))}
    assert set(users) == {"registrar", "registrar2", "doctor", "manager", "admin"}
    assert {u.role for u in users.values()} == set(Role)
    therapist = _all(
        loaded, sa.select(Specialty.code).join(Doctor).where(Doctor.id == users["doctor"].doctor_id)
    )
    assert therapist == [("therapist",)]
    actor = auth.login(loaded.db, "registrar", demo.DEMO_PASSWORD, "test")
    assert actor.role is Role.REGISTRAR
    doctor = auth.login(loaded.db, "doctor", demo.DEMO_PASSWORD, "test")
    assert doctor.doctor_id == users["doctor"].doctor_id


def test_settings_and_marker(loaded: Loaded) -> None:
    assert demo.is_loaded(loaded.db)
    with loaded.db() as session:
        assert settings.get(session, settings.DEMO_MARKER) == {"patients": PATIENTS, "seed": SEED}
        profile = settings.get(session, settings.CLINIC_PROFILE)
        assert profile is not None and {"name", "address", "phone"} <= set(profile)
        assert settings.get(session, settings.CLINIC_TIMEZONE) == {"name": "Europe/Moscow"}


def test_the_rest_of_the_clinic_life(loaded: Loaded) -> None:
    assert _count(loaded, Service) >= 10
    services_without_price = _all(
        loaded,
        sa.select(Service.id).where(~sa.exists().where(ServicePrice.service_id == Service.id)),
    )
    assert services_without_price == []
    amounts = [a for (a,) in _all(loaded, sa.select(Payment.amount))]
    assert any(a > 0 for a in amounts) and any(a < 0 for a in amounts)
    balances = _all(
        loaded, sa.select(Patient.id, Patient.bonus_balance).where(Patient.bonus_balance != 0)
    )
    ledger = dict(
        _all(
            loaded,
            sa.select(BonusLedgerEntry.patient_id, sa.func.sum(BonusLedgerEntry.delta)).group_by(
                BonusLedgerEntry.patient_id
            ),
        )
    )
    assert balances and all(ledger.get(pid) == balance >= 0 for pid, balance in balances)
    assert _count(loaded, Feedback) > 0
    assert _count(loaded, TreatmentPlan) > 0 and _count(loaded, TreatmentTask) > 0
    waiting = {s for (s,) in _all(loaded, sa.select(WaitingListEntry.status))}
    assert {"waiting", "offered"} <= {s.value for s in waiting}
    priority = {s.value for (s,) in _all(loaded, sa.select(PriorityRequest.status))}
    assert "pending" in priority and priority - {"pending"}
    # The demo's messages are queued, none pretends to have been delivered or tried.
    outbox = set(_all(loaded, sa.select(OutboxMessage.status, OutboxMessage.attempts,
                                        OutboxMessage.sent_at)))  # fmt: skip
    assert outbox and {(s.value, a, t) for s, a, t in outbox} == {("pending", 0, None)}


def test_a_second_load_is_refused(loaded: Loaded) -> None:
    with pytest.raises(DomainError, match="empty database|пуст"):
        demo.load_demo(loaded.db, loaded.keyring, patients=10, seed=2, today=TODAY)
    assert _count(loaded, Patient) == PATIENTS


def test_queue_entries_come_before_the_bookings_made_from_them(loaded: Loaded) -> None:
    # Issue 19, defect 14: the demo linked waiting-list entries and priority requests to
    # appointments booked days before them, so the waiting report showed negative waits.
    for model in (WaitingListEntry, PriorityRequest):
        early = _all(
            loaded,
            sa.select(model.id)
            .join(Appointment, Appointment.id == model.appointment_id)
            .where(Appointment.created_at < model.created_at),
        )
        assert early == [], model.__name__
