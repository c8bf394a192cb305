"""Every report's numbers against hand-computed expectations on a small fixed clinic.

The clinic (built by :func:`build_clinic`, rolled back after each test):

* doctors D1 (Кардиология, 09:00–11:00 → 8 slots a day) and D2 (Неврология,
  09:00–10:00 → 4 slots, minus a vacation 09:00–09:30 on 15.04.2025), Mon–Fri;
* eleven appointments on Monday 14 and Tuesday 15 April 2025 (statuses, one 30-minute
  visit, a late and a timely cancellation recorded in the journal, a rescheduled one);
* six referrals from two organisations, one seen across the May holidays;
* waiting-list entries, priority requests, payments with a refund, and new cards.

The report's "today" is 20.05.2025 12:00 (Moscow).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from crm.controllers.context import Actor
from crm.controllers.errors import NotFound, PermissionDenied, ValidationError
from crm.controllers.reports import (
    ReportParams,
    build_document,
    export_report,
    list_reports,
    preview_report,
)
from crm.controllers.reports import no_shows as no_shows_report
from crm.controllers.reports import patients as patients_report
from crm.controllers.reports import referrals as referrals_report
from crm.controllers.reports import workload as workload_report
from crm.controllers.reports.common import (
    BuildContext,
    median,
    percentile,
    working_days_between,
)
from crm.controllers.reports.dashboard import dashboard
from crm.models import (
    Appointment,
    IssuingOrganisation,
    JournalEntry,
    Patient,
    Payment,
    PriorityRequest,
    Referral,
    Service,
    Specialty,
    WaitingListEntry,
)
from crm.models.enums import (
    AppointmentKind,
    AppointmentStatus,
    ContactChannel,
    ExceptionKind,
    PaymentMethod,
    PriorityStatus,
    ReferralKind,
    ReferralStatus,
    Role,
    Sex,
    WaitingStatus,
)
from crm.reports.excel.model import ReportDocument, Table
from crm.reports.excel.writer import sheet_reference
from tests import booking_factories as bf
from tests import factories as f

S = AppointmentStatus
NOW = dt.datetime(2025, 5, 20, 12, 0, tzinfo=f.MOSCOW)
MON, TUE = dt.date(2025, 4, 14), dt.date(2025, 4, 15)
APRIL = ReportParams(dt.date(2025, 4, 1), dt.date(2025, 4, 30))
TWO_DAYS = ReportParams(MON, TUE)


def moment(day: dt.date, hhmm: str) -> dt.datetime:
    return f.at(day, hhmm)


@dataclass
class Clinic:
    manager: Actor
    registrar: Actor
    d1: int
    d2: int
    s1: int
    s2: int
    branch: int
    appointments: dict[str, int]


def build_clinic(session: Session) -> Clinic:
    """The fixed data set described in the module docstring (inserted in ``session``)."""
    branch, cardio = f.clinic(session)
    cardio.name = "Кардиология"
    neuro = bf.specialty(session, "Неврология")
    d1 = f.doctor(session, branch, cardio, "Алексеева")
    d2 = f.doctor(session, branch, neuro, "Борисов")
    bf.hours(session, d1, "09:00-11:00")
    bf.hours(session, d2, "09:00-10:00")
    bf.exception(session, d2, ExceptionKind.VACATION, moment(TUE, "09:00"), moment(TUE, "09:30"))
    manager = bf.user(session, Role.MANAGER)
    registrar = bf.user(session, Role.REGISTRAR)

    org_a = IssuingOrganisation(name="ГБУЗ «Поликлиника № 1»", ogrn="1027700000101")
    org_b = IssuingOrganisation(name="ООО «Клиника Б»", ogrn="1027700000102")
    session.add_all([org_a, org_b])
    session.flush()

    def referral(org, specialty, number, issued, status):
        patient = bf.insure(session, f.patient(session, "Направленов"))
        row = Referral(
            number=number, organisation_id=org.id, issued_on=issued, patient_id=patient.id,
            specialty_id=specialty.id, diagnosis_code="I10", kind=ReferralKind.STANDARD,
            valid_days=30,
            status=status,
            cancel_reason="отозвано" if status is ReferralStatus.CANCELLED else None,
        )  # fmt: skip
        session.add(row)
        session.flush()
        return row

    r1 = referral(org_a, neuro, "R1", dt.date(2025, 4, 7), ReferralStatus.CLOSED)
    referral(org_a, neuro, "R2", dt.date(2025, 4, 8), ReferralStatus.ACTIVE)  # expired by May 20
    referral(org_a, neuro, "R3", dt.date(2025, 5, 2), ReferralStatus.ACTIVE)
    referral(org_b, cardio, "R4", dt.date(2025, 4, 9), ReferralStatus.CANCELLED)
    r5 = referral(org_b, cardio, "R5", dt.date(2025, 3, 17), ReferralStatus.USED)
    r6 = referral(org_a, neuro, "R6", dt.date(2025, 4, 24), ReferralStatus.CLOSED)

    appointments: dict[str, int] = {}

    def visit(name, doctor, day, hhmm, status, *, minutes=15, referral_row=None):
        patient = (
            session.get(Patient, referral_row.patient_id)
            if referral_row
            else f.patient(session, "Пациентов")
        )
        row = f.appointment(session, doctor, patient, moment(day, hhmm), minutes, status=status)
        if referral_row is not None:
            row.kind, row.referral_id = AppointmentKind.REFERRAL, referral_row.id
        if status is S.CANCELLED:
            row.cancel_reason = "по просьбе пациента"
        session.flush()
        appointments[name] = row.id
        return row

    a1 = visit("a1", d1, MON, "09:00", S.COMPLETED)
    visit("a2", d1, MON, "09:15", S.NO_SHOW)
    a3 = visit("a3", d1, MON, "09:30", S.COMPLETED, minutes=30)
    a4 = visit("a4", d1, MON, "10:00", S.CANCELLED)
    a5 = visit("a5", d1, MON, "10:15", S.BOOKED)
    a6 = visit("a6", d1, TUE, "09:00", S.CANCELLED)
    visit("a7", d1, TUE, "09:15", S.RESCHEDULED)
    visit("a8", d1, TUE, "09:30", S.ARRIVED, referral_row=r5)
    visit("a9", d2, MON, "09:00", S.COMPLETED, referral_row=r1)
    visit("a10", d2, MON, "09:15", S.NO_SHOW)
    a11 = visit("a11", d2, TUE, "09:30", S.COMPLETED)
    visit("a12", d2, dt.date(2025, 5, 14), "09:00", S.COMPLETED, referral_row=r6)
    # When the cancellations were made (the journal is where the report reads it).
    session.add_all(
        [
            JournalEntry(action="cancel", entity="appointment", entity_id=a4.id,
                         at=moment(MON, "08:00")),  # 2 h before: late
            JournalEntry(action="cancel", entity="appointment", entity_id=a6.id,
                         at=moment(dt.date(2025, 4, 13), "08:00")),  # 49 h before: in time
        ]
    )  # fmt: skip
    a5.created_at = moment(dt.date(2025, 4, 4), "10:00")
    a11.created_at = moment(dt.date(2025, 4, 11), "09:00")

    def waiting(created, status, *, specialty=None, doctor=None, offered=None, appointment=None):
        session.add(
            WaitingListEntry(
                patient_id=f.patient(session, "Ожидающий").id,
                specialty_id=specialty.id if specialty else None,
                doctor_id=doctor.id if doctor else None,
                wished_from=created.date(), wished_to=created.date() + dt.timedelta(days=30),
                channel=ContactChannel.PHONE, status=status, created_at=created,
                offered_at=offered, appointment_id=appointment.id if appointment else None,
            )
        )  # fmt: skip

    waiting(
        moment(dt.date(2025, 4, 1), "10:00"),
        WaitingStatus.BOOKED,
        specialty=cardio,
        offered=moment(dt.date(2025, 4, 3), "10:00"),
        appointment=a5,
    )
    waiting(moment(dt.date(2025, 4, 2), "10:00"), WaitingStatus.WAITING, doctor=d2)
    waiting(
        moment(dt.date(2025, 4, 5), "10:00"),
        WaitingStatus.OFFERED,
        specialty=cardio,
        offered=moment(dt.date(2025, 4, 6), "22:00"),
    )
    waiting(moment(dt.date(2025, 3, 30), "10:00"), WaitingStatus.WAITING, specialty=neuro)
    session.add_all(
        [
            PriorityRequest(
                patient_id=f.patient(session, "Срочный").id, specialty_id=neuro.id,
                reason="боли", status=PriorityStatus.BOOKED,
                created_at=moment(dt.date(2025, 4, 10), "09:00"),
                decided_at=moment(dt.date(2025, 4, 10), "15:00"), appointment_id=a11.id,
            ),
            PriorityRequest(
                patient_id=f.patient(session, "Срочный").id, reason="температура",
                status=PriorityStatus.PENDING, created_at=moment(dt.date(2025, 4, 12), "09:00"),
            ),
        ]
    )  # fmt: skip

    consult = Service(code="cardio-consult", name="Консультация кардиолога")
    note = Service(code="note", name="Справка")
    session.add_all([consult, note])
    session.flush()

    def pay(amount, service, appointment=None, day=MON, refund_of=None):
        row = Payment(
            patient_id=(appointment.patient_id if appointment else f.patient(session).id),
            appointment_id=appointment.id if appointment else None, service_id=service.id,
            amount=Decimal(amount), method=PaymentMethod.CARD, paid_at=moment(day, "12:00"),
            refund_of_id=refund_of.id if refund_of else None,
            reason="отказ от услуги" if refund_of else None,  # a refund says why
        )  # fmt: skip
        session.add(row)
        session.flush()
        return row

    pay("1500.00", consult, a1)
    second = pay("2000.00", consult, a3)
    pay("-2000.00", consult, a3, day=TUE, refund_of=second)
    pay("500.00", note)
    pay("700.00", note, day=dt.date(2025, 5, 5))  # outside April

    for birth, sex, created in [
        (dt.date(1990, 6, 1), Sex.MALE, dt.date(2025, 4, 2)),
        (dt.date(2010, 4, 30), Sex.FEMALE, dt.date(2025, 4, 2)),
        (dt.date(1950, 1, 1), Sex.FEMALE, dt.date(2025, 4, 20)),
        (dt.date(1985, 5, 1), None, dt.date(2025, 4, 20)),
    ]:
        card = f.patient(session, "Новиков")
        card.birth_date, card.sex, card.created_at = birth, sex, moment(created, "11:00")
    session.flush()
    return Clinic(manager, registrar, d1.id, d2.id, cardio.id, neuro.id, branch.id, appointments)


@pytest.fixture
def clinic(db: sessionmaker[Session]) -> Clinic:
    with db() as session, session.begin():
        return build_clinic(session)


def document(db, clinic: Clinic, name: str, params: ReportParams) -> ReportDocument:
    """The report with its generators drained (so the session may close)."""
    with db() as session, session.begin():
        found = build_document(session, clinic.manager, name, params, now=NOW)
        for table in found.tables:
            table.rows = [list(r) for r in table.rows]
        return found


def rows_of(table: Table) -> list[dict]:
    return [dict(zip([c.key for c in table.columns], r, strict=True)) for r in table.rows]


def sheet(found: ReportDocument, index: int) -> list[dict]:
    return rows_of(found.tables[index])


# --- pure helpers -------------------------------------------------------------------------


def test_percentile_interpolates_like_excel():
    assert median([7, 20]) == 13.5
    assert percentile([7, 20], 0.9) == pytest.approx(18.7)
    assert percentile([7, 20, 29], 0.9) == pytest.approx(27.2)
    assert median([]) is None


def test_working_days_skip_weekends_and_may_holidays():
    assert working_days_between(dt.date(2025, 4, 7), dt.date(2025, 4, 14)) == 5
    # 25.04–14.05.2025: 1, 2 and 8, 9 May are holidays.
    assert working_days_between(dt.date(2025, 4, 24), dt.date(2025, 5, 14)) == 10
    assert working_days_between(dt.date(2025, 3, 17), dt.date(2025, 4, 15)) == 21


def test_registry_lists_every_report():
    names = [r.name for r in list_reports()]
    assert names == [
        "appointments", "workload", "no-shows", "referrals", "waiting", "payments", "ratings",
        "patients",
    ]  # fmt: skip


# --- permissions and parameters -----------------------------------------------------------


def test_registrar_may_not_see_reports(db, clinic):
    with pytest.raises(PermissionDenied):
        preview_report(db, clinic.registrar, "workload", TWO_DAYS)
    with db() as session, pytest.raises(PermissionDenied):
        build_document(session, clinic.registrar, "appointments", TWO_DAYS)


def test_bad_parameters_are_refused_with_the_field(db, clinic):
    with pytest.raises(ValidationError) as reversed_period:
        preview_report(db, clinic.manager, "workload", ReportParams(TUE, MON))
    assert reversed_period.value.field == "date_to"
    with pytest.raises(ValidationError) as no_filter:
        preview_report(db, clinic.manager, "patients", ReportParams(MON, TUE, doctor_id=1))
    assert no_filter.value.field == "doctor"
    with pytest.raises(NotFound):
        preview_report(db, clinic.manager, "nonsense", TWO_DAYS)


# --- each report ---------------------------------------------------------------------------


def test_register_lists_appointments_with_filters(db, clinic):
    rows = sheet(document(db, clinic, "appointments", TWO_DAYS), 0)
    assert len(rows) == 11  # a1–a11; a12 is in May
    first = rows[0]
    assert first["day"] == MON and first["starts"] == dt.datetime(2025, 4, 14, 9, 0)
    assert first["doctor"] == "Алексеева П. П." or first["doctor"] == "Борисов П. П."
    assert sum(r["minutes"] for r in rows) == 11 * 15 + 15
    by_d2 = sheet(
        document(db, clinic, "appointments", ReportParams(MON, TUE, doctor_id=clinic.d2)), 0
    )
    assert sorted(r["id"] for r in by_d2) == sorted(
        clinic.appointments[k] for k in ("a9", "a10", "a11")
    )
    completed = sheet(
        document(db, clinic, "appointments", ReportParams(MON, TUE, status=S.COMPLETED)), 0
    )
    assert len(completed) == 4
    referral_kind = sheet(
        document(db, clinic, "appointments",
                 ReportParams(MON, TUE, kind=AppointmentKind.REFERRAL)), 0,
    )  # fmt: skip
    assert {r["referral"] for r in referral_kind} == {"R5", "R1"}


def test_workload_counts_available_booked_attended(db, clinic):
    with db() as session, session.begin():
        context = BuildContext(clinic.manager, f.MOSCOW, NOW, "Europe/Moscow")
        work = workload_report.compute(session, TWO_DAYS, context)
    days = {(w.doctor_id, w.day): (w.available, w.booked, w.attended) for w in work.days}
    assert days == {
        (clinic.d1, MON): (8, 5, 3),  # a1, a2, a3 (2 slots), a5; a1 + a3 attended
        (clinic.d1, TUE): (8, 1, 1),  # a8 only (a6 cancelled, a7 rescheduled)
        (clinic.d2, MON): (4, 2, 1),
        (clinic.d2, TUE): (2, 1, 1),  # the vacation takes 2 of 4 slots
    }
    found = document(db, clinic, "workload", TWO_DAYS)
    by_doctor = {r["doctor"][:3]: r for r in sheet(found, 0)}
    assert (by_doctor["Але"]["available"], by_doctor["Але"]["booked"]) == (16, 6)
    assert by_doctor["Але"]["utilisation"] == pytest.approx(6 / 16)
    assert by_doctor["Бор"]["utilisation"] == pytest.approx(3 / 6)
    assert by_doctor["Бор"]["attendance"] == pytest.approx(2 / 6)
    trend = {r["day"]: (r["available"], r["booked"], r["attended"]) for r in sheet(found, 3)}
    assert trend == {MON: (12, 7, 4), TUE: (10, 2, 2)}
    weeks = sheet(found, 2)
    assert {r["week"] for r in weeks} == {MON} and sum(r["available"] for r in weeks) == 22
    only_d2 = document(db, clinic, "workload", ReportParams(MON, TUE, specialty_id=clinic.s2))
    assert [r["available"] for r in sheet(only_d2, 0)] == [6]


def test_no_shows_and_late_cancellations(db, clinic):
    found = document(db, clinic, "no-shows", TWO_DAYS)
    by_doctor = {r["doctor"][:3]: r for r in sheet(found, 0)}
    d1 = by_doctor["Але"]
    assert (d1["appointments"], d1["cancelled"], d1["late"], d1["due"], d1["no_shows"],
            d1["attended"]) == (7, 2, 1, 5, 1, 3)  # fmt: skip
    assert d1["no_show_rate"] == pytest.approx(1 / 5)
    assert d1["late_rate"] == pytest.approx(1 / 7)
    d2 = by_doctor["Бор"]
    assert (d2["appointments"], d2["late"], d2["no_shows"]) == (3, 0, 1)
    assert d2["no_show_rate"] == pytest.approx(1 / 3)
    by_specialty = {r["specialty"]: r["no_shows"] for r in sheet(found, 1)}
    assert by_specialty == {"Кардиология": 1, "Неврология": 1}
    weekdays = sheet(found, 2)
    assert [(r["appointments"], r["cancelled"], r["late"], r["no_shows"]) for r in weekdays] == [
        (7, 1, 1, 2),  # Monday
        (3, 1, 0, 0),  # Tuesday
    ]
    assert weekdays[0]["no_show_rate"] == pytest.approx(2 / 6)
    trend = sheet(found, 3)
    assert [r["day"] for r in trend] == [MON, TUE]
    only_paid = document(
        db, clinic, "no-shows", ReportParams(MON, TUE, kind=AppointmentKind.REFERRAL)
    )
    assert sum(r["appointments"] for r in sheet(only_paid, 1)) == 2


def test_referrals_by_organisation_and_days_to_visit(db, clinic):
    found = document(
        db, clinic, "referrals", ReportParams(dt.date(2025, 3, 1), dt.date(2025, 5, 31))
    )
    groups = {(r["organisation"][:4], r["specialty"]): r for r in sheet(found, 0)}
    a = groups[("ГБУЗ", "Неврология")]
    assert (a["received"], a["active"], a["used"], a["closed"], a["expired"], a["cancelled"],
            a["seen"], a["within"]) == (4, 1, 2, 2, 1, 0, 2, 2)  # fmt: skip
    assert a["median"] == pytest.approx(13.5)  # 7 and 20 days
    assert a["p90"] == pytest.approx(18.7)
    assert a["share"] == pytest.approx(1.0)
    b = groups[("ООО ", "Кардиология")]
    assert (b["received"], b["used"], b["cancelled"], b["seen"], b["within"]) == (2, 1, 1, 1, 0)
    assert b["median"] == 29 and b["share"] == 0
    details = {r["number"]: r for r in sheet(found, 1)}
    assert details["R6"]["working"] == 10 and details["R6"]["days"] == 20
    assert details["R5"]["working"] == 21 and details["R5"]["within"] == 0
    assert details["R3"]["appointment"] is None
    summary = found.tables[0]
    days = sheet_reference(found.tables[1].sheet, "H2:H7")  # the details sheet, by its name
    assert summary.total_formulas["median"] == f'=IF(COUNT({days})=0,"",MEDIAN({days}))'
    narrowed = document(
        db, clinic, "referrals",
        ReportParams(dt.date(2025, 3, 1), dt.date(2025, 5, 31), specialty_id=clinic.s1),
    )  # fmt: skip
    assert sum(r["received"] for r in sheet(narrowed, 0)) == 2


def test_waiting_list_and_priority_requests(db, clinic):
    found = document(db, clinic, "waiting", APRIL)
    waiting = {r["specialty"]: r for r in sheet(found, 0)}
    cardio = waiting["Кардиология"]
    assert (cardio["count"], cardio["waiting"], cardio["offered"], cardio["booked"]) == (2, 0, 1, 1)
    assert cardio["first_wait"] == pytest.approx(1.75)  # 2 days and 1.5 days
    assert cardio["booked_wait"] == pytest.approx(3.0)
    assert waiting["Неврология"]["count"] == 1  # the entry for D2; the March one is outside
    assert waiting["Неврология"]["first_wait"] is None
    entries = sheet(found, 1)
    assert sorted(r["booked_wait"] for r in entries if r["booked_wait"] is not None) == [3.0]
    priority = {r["specialty"]: r for r in sheet(found, 2)}
    neuro = priority["Неврология"]
    assert (neuro["count"], neuro["booked"], neuro["pending"]) == (1, 1, 0)
    assert neuro["first_wait"] == pytest.approx(0.25)
    assert neuro["booked_wait"] == pytest.approx(1.0)
    requests = sheet(found, 3)
    assert sorted(r["booked_wait"] for r in requests if r["booked_wait"] is not None) == [1.0]
    assert len(requests) == 2


def test_a_booking_made_before_the_entry_is_no_negative_wait(db, clinic):
    # Issue 19, defect 14: an entry or request linked to an appointment booked before it
    # was made showed a negative «days until booked» and pulled the medians below zero.
    with db() as session, session.begin():
        earlier = session.scalars(sa.select(Appointment).order_by(Appointment.id)).first()
        earlier.created_at = moment(dt.date(2025, 4, 2), "09:00")
        specialty = session.scalars(sa.select(Specialty).order_by(Specialty.id)).first()
        late = moment(dt.date(2025, 4, 20), "10:00")
        session.add(
            WaitingListEntry(
                patient_id=earlier.patient_id, specialty_id=specialty.id,
                wished_from=late.date(), wished_to=late.date() + dt.timedelta(days=30),
                channel=ContactChannel.PHONE, status=WaitingStatus.BOOKED, created_at=late,
                appointment_id=earlier.id,
            )
        )  # fmt: skip
        session.add(
            PriorityRequest(
                patient_id=earlier.patient_id, specialty_id=specialty.id, reason="боли",
                status=PriorityStatus.BOOKED, created_at=late,
                decided_at=late + dt.timedelta(hours=1), appointment_id=earlier.id,
            )
        )  # fmt: skip
    found = document(db, clinic, "waiting", APRIL)
    for index in range(4):
        for row in sheet(found, index):
            for key in ("first_wait", "booked_wait"):
                assert row[key] is None or row[key] >= 0, (index, row)
    entries = [r for r in sheet(found, 1) if r["created"] == late.replace(tzinfo=None)]
    assert [r["booked_wait"] for r in entries] == [None]
    requests = [r for r in sheet(found, 3) if r["created"] == late.replace(tzinfo=None)]
    assert [(r["first_wait"], r["booked_wait"]) for r in requests] == [
        (pytest.approx(1 / 24, abs=0.01), None)
    ]
    # The earlier facts keep their medians (3 days until booked from the list).
    assert sorted(r["booked_wait"] for r in sheet(found, 1) if r["booked_wait"] is not None) == [
        3.0
    ]
    assert any("not a wait" in note or "не ожидание" in note for note in found.notes)


def test_paid_services_by_service_and_doctor(db, clinic):
    found = document(db, clinic, "payments", APRIL)
    services = {r["service"]: r for r in sheet(found, 0)}
    consult = services["Консультация кардиолога"]
    assert (consult["payments"], consult["refunds"]) == (2, 1)
    assert (consult["paid"], consult["refunded"], consult["revenue"]) == (
        Decimal("3500.00"), Decimal("-2000.00"), Decimal("1500.00"),
    )  # fmt: skip
    assert services["Справка"]["revenue"] == Decimal("500.00")
    doctors = sheet(found, 1)
    assert sorted(r["revenue"] for r in doctors) == [Decimal("500.00"), Decimal("1500.00")]
    assert found.no_data is None


def test_paid_services_without_payments_say_so(db, clinic):
    found = document(
        db, clinic, "payments", ReportParams(dt.date(2024, 1, 1), dt.date(2024, 1, 31))
    )
    assert found.no_data
    assert all(not t.rows for t in found.tables)
    assert all(t.empty_message == found.no_data for t in found.tables)


def test_patients_new_cards_age_and_sex(db, clinic):
    found = document(db, clinic, "patients", APRIL)
    assert [(r["day"], r["cards"]) for r in sheet(found, 0)] == [
        (dt.date(2025, 4, 2), 2), (dt.date(2025, 4, 20), 2),
    ]  # fmt: skip
    ages = {r["age"]: (r["male"], r["female"], r["unknown"], r["total"]) for r in sheet(found, 1)}
    oldest = patients_report.age_group_title(len(patients_report.AGE_GROUPS) - 1)
    assert ages == {"0–17": (0, 1, 0, 1), "30–44": (1, 0, 1, 2), oldest: (0, 1, 0, 1)}
    by_month = document(
        db, clinic, "patients", ReportParams(dt.date(2025, 1, 1), dt.date(2025, 6, 30))
    )
    assert [(r["month"], r["cards"]) for r in sheet(by_month, 0)] == [("04.2025", 4)]


def test_preview_gives_first_rows_of_each_sheet(db, clinic):
    preview = preview_report(db, clinic.manager, "appointments", TWO_DAYS, limit=3, now=NOW)
    assert len(preview.tables) == 1 and len(preview.tables[0].rows) == 3
    assert preview.tables[0].kinds[0] == "date"


def test_export_is_journaled(db, clinic, tmp_path):
    target = tmp_path / "workload.xlsx"
    result = export_report(db, clinic.manager, "workload", TWO_DAYS, target, now=NOW)
    assert target.exists() and result.rows > 0
    with db() as session:
        entry = session.scalars(
            sa.select(JournalEntry).where(JournalEntry.action == "export")
        ).one()
    assert entry.entity == "report" and entry.user_id == clinic.manager.user_id
    assert entry.changes["report"] == "workload" and entry.changes["from"] == "2025-04-14"
    assert "workload.xlsx" in entry.details


def test_dashboard_today_and_week(db, clinic):
    with db() as session, session.begin():
        expiring = session.get(
            Referral, session.scalar(sa.select(Referral.id).where(Referral.number == "R3"))
        )
        # R3 (issued 02.05, 30 days) has 3 days left on 29.05.
        assert expiring is not None
    data = dashboard(db, clinic.manager, now=moment(dt.date(2025, 5, 29), "12:00"))
    assert [r.number for r in data.expiring] == ["R3"] and data.expiring[0].days_left == 3
    # The entries still waiting (one for D2) and the one holding an offer, as the
    # waiting-list tab lists them.
    assert data.waiting_total == 3
    tuesday = dashboard(db, clinic.manager, now=moment(TUE, "12:00"))
    loads = {load.specialty: load for load in tuesday.load}
    assert (loads["Кардиология"].available_today, loads["Кардиология"].booked_today) == (8, 1)
    assert (loads["Кардиология"].available_week, loads["Кардиология"].booked_week) == (40, 6)
    assert tuesday.no_shows_week == 2 and tuesday.no_shows_today == 0
    with pytest.raises(PermissionDenied):
        dashboard(db, clinic.registrar)


def test_report_modules_document_their_titles():
    assert no_shows_report.title() == "Неявки и поздние отмены"
    assert referrals_report.title() == "Направления"
    assert [r.title for r in list_reports()] == [
        "Журнал записей", "Загрузка врачей", "Неявки и поздние отмены", "Направления",
        "Лист ожидания и приоритетные заявки", "Платные услуги", "Оценки пациентов", "Пациенты",
    ]  # fmt: skip
