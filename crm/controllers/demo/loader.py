"""Loading the demo clinic: plan everything in memory, then write it in one transaction.

The plan (patients, appointments, referrals) is drawn from ``random.Random(seed)``
alone, so a seed and a day give the same clinic every time. Patients and their
consents go in with ``COPY`` — the only tables that grow with the requested size;
the rest are small multi-row inserts with ids reserved up front.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from crm.controllers import journal
from crm.controllers.access.auth import hash_password
from crm.controllers.clinic import settings
from crm.controllers.demo import extras, notices
from crm.controllers.demo.appointments import PlannedAppointment, Timeline, plan_appointments
from crm.controllers.demo.clinic import (
    BRANCHES,
    CLINIC_ADDRESS,
    CLINIC_NAME,
    CLINIC_PHONE,
    DOCTORS,
    SPECIALTIES,
    schedule_exceptions,
)
from crm.controllers.demo.extras import Row
from crm.controllers.demo.people import (
    CONSENT_COLUMNS,
    PATIENT_COLUMNS,
    consent_rows,
    generate_patients,
    patient_rows,
)
from crm.controllers.demo.referrals import PlannedReferral, plan_referrals
from crm.controllers.demo.schedule import MOSCOW, russian_holidays
from crm.controllers.demo.structure import ClinicIds, allocate, insert_rows, write_structure
from crm.controllers.demo.users import DEMO_PASSWORD, DEMO_USERS
from crm.controllers.errors import DomainError
from crm.crypto import KeyRing
from crm.i18n import translate
from crm.models import (
    Appointment,
    BonusLedgerEntry,
    Doctor,
    EducationalMaterial,
    Feedback,
    OutboxMessage,
    Patient,
    PatientMessage,
    Payment,
    PriorityRequest,
    Referral,
    ReferralExtension,
    TreatmentPlan,
    TreatmentTask,
    WaitingListEntry,
)

# The appointment count the default load stays around, so that it is quick.
MAX_APPOINTMENTS = 3000


@dataclass(frozen=True)
class DemoSummary:
    """What :func:`load_demo` created and how long it took.

    Attributes:
        branches: branches (филиалы).
        doctors: doctors.
        specialties: specialties, including those without a doctor.
        patients: patients' cards.
        referrals: referrals, in every status and kind.
        appointments: appointments over the fortnight around today.
        users: demo users (see :data:`DEMO_USERS`).
        elapsed_seconds: wall time of the whole load.
    """

    branches: int
    doctors: int
    specialties: int
    patients: int
    referrals: int
    appointments: int
    users: int
    elapsed_seconds: float

    @property
    def elapsed(self) -> float:
        """Same as :attr:`elapsed_seconds`."""
        return self.elapsed_seconds

    def describe(self) -> str:
        """What was loaded and the demo logins, in the interface language (for the CLI)."""
        logins = ", ".join(user.login for user in DEMO_USERS)
        return "\n".join(
            (
                translate("demo", "Demo clinic loaded in {seconds:.1f} s:").format(
                    seconds=self.elapsed_seconds
                ),
                translate(
                    "demo",
                    "branches {branches}, doctors {doctors}, specialties {specialties}, "
                    "patients {patients}, referrals {referrals}, appointments {appointments}",
                ).format(
                    branches=self.branches,
                    doctors=self.doctors,
                    specialties=self.specialties,
                    patients=self.patients,
                    referrals=self.referrals,
                    appointments=self.appointments,
                ),  # fmt: skip
                translate("demo", "Logins: {logins}; password: {password}").format(
                    logins=logins, password=DEMO_PASSWORD
                ),
            )
        )


def is_loaded(db: sessionmaker[Session]) -> bool:
    """Whether the demo clinic was loaded into this database."""
    with db() as session:
        return settings.get(session, settings.DEMO_MARKER) is not None


def _refuse_unless_empty(session: Session) -> None:
    # Demo data must never mix with a real clinic's: only an empty database takes it.
    # (A loaded demo has patients and doctors too, so this also refuses a second load.)
    has_people = session.scalar(
        sa.select(sa.exists(sa.select(Patient.id)) | sa.exists(sa.select(Doctor.id)))
    )
    if has_people or settings.get(session, settings.DEMO_MARKER) is not None:
        raise DomainError(
            translate(
                "demo",
                "Patients or doctors already exist: the demo loads only into an empty database",
            )
        )


def _copy(
    session: Session, table: str, columns: Sequence[str], rows: Iterable[tuple[object, ...]]
) -> None:
    # COPY through the session's own connection, so it joins the same transaction
    # (and, in the tests, the same savepoint).
    raw = session.connection().connection.driver_connection
    assert raw is not None
    with (
        raw.cursor() as cursor,
        cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


def _referral_rows(
    referrals: Sequence[PlannedReferral],
    ids: Sequence[int],
    clinic: ClinicIds,
    patient_ids: Sequence[int],
    today: dt.date,
) -> tuple[list[Row], list[Row]]:
    rows: list[Row] = []
    extensions: list[Row] = []
    for referral_id, r in zip(ids, referrals, strict=True):
        registered = dt.datetime.combine(
            min(r.issued_on + dt.timedelta(days=1), today), dt.time(10), MOSCOW
        )
        rows.append(
            {
                "id": referral_id,
                "number": r.number,
                "organisation_id": clinic.organisations[r.organisation],
                "issued_on": r.issued_on,
                "issuing_doctor": r.issuing_doctor,
                "patient_id": patient_ids[r.patient],
                "specialty_id": clinic.specialties[r.specialty],
                "diagnosis_code": r.diagnosis,
                "kind": r.kind,
                "valid_days": r.valid_days,
                "status": r.status,
                "cancel_reason": r.cancel_reason,
                "created_by_id": clinic.users["registrar"],
                "created_at": registered,
                "version": 1,
            }
        )
        extensions.extend(
            {
                "referral_id": referral_id,
                "old_valid_days": e.old_days,
                "new_valid_days": e.new_days,
                "reason": e.reason,
                "extended_by_id": clinic.users["doctor"],
                "created_at": e.at,
            }
            for e in r.extensions
        )
    return rows, extensions


def _appointment_rows(
    appointments: Sequence[PlannedAppointment],
    ids: Sequence[int],
    referral_ids: Sequence[int],
    clinic: ClinicIds,
    patient_ids: Sequence[int],
) -> list[Row]:
    registrars = (clinic.users["registrar"], clinic.users["registrar2"])
    return [
        {
            "id": appointment_id,
            "doctor_id": clinic.doctors[a.doctor],
            "patient_id": patient_ids[a.patient],
            "room_id": clinic.doctor_room(a.doctor, a.room),
            "starts_at": a.starts,
            "ends_at": a.ends,
            "kind": a.kind,
            "status": a.status,
            "referral_id": None if a.referral is None else referral_ids[a.referral],
            "service_id": None if a.service is None else clinic.services[a.service],
            "overbooked": False,
            "overbook_reason": None,
            "rescheduled_from_id": None if a.rescheduled_from is None else ids[a.rescheduled_from],
            "cancelled_by": a.cancelled_by,
            "cancel_reason": a.cancel_reason,
            "in_holding_tray": a.in_holding_tray,
            "video_link": a.video_link,
            "note": a.note,
            "created_by_id": registrars[index % 2],
            "created_at": a.booked_at,
            "version": 1,
        }
        for index, (appointment_id, a) in enumerate(zip(ids, appointments, strict=True))
    ]


def load_demo(
    db: sessionmaker[Session],
    keyring: KeyRing,
    *,
    patients: int = 2000,
    seed: int = 1,
    today: dt.date | None = None,
) -> DemoSummary:
    """Fill an empty database with a demo clinic.

    Args:
        db: the session factory.
        keyring: encrypts the patients' identity documents.
        patients: how many patients (1…500 000).
        seed: the same seed and ``today`` give the same clinic.
        today: the day the demo fortnight is centred on; with it, "now" is noon of that
            day. Without it, the current day and time in Moscow.

    Returns:
        The counts of what was created and the time it took.

    Raises:
        DomainError: the database already has patients or doctors, or the demo.
        ValueError: ``patients`` is out of range.
    """
    started = time.perf_counter()
    if patients < 1:
        raise ValueError(f"patients must be at least 1, got {patients}")
    if today is None:
        now = dt.datetime.now(MOSCOW)
        today = now.date()
    else:
        now = dt.datetime.combine(today, dt.time(12), MOSCOW)
    # Refuse before the planning (seconds for a large demo); checked again when writing.
    with db() as session:
        _refuse_unless_empty(session)
    rng = random.Random(seed)
    timeline = Timeline(today, now, russian_holidays(today), schedule_exceptions(today))
    plans = generate_patients(rng, patients, today)
    insured = [plan.is_insured(today) for plan in plans]
    appointments = plan_appointments(rng, insured, timeline, min(patients * 2, MAX_APPOINTMENTS))
    referrals = plan_referrals(
        rng,
        appointments,
        doctor_specialties=[d.specialty for d in DOCTORS],
        insured=insured,
        minors=[plan.is_minor(today) for plan in plans],
        today=today,
    )
    # argon2 is slow by design: hash once, outside the transaction, for every demo user.
    password_hash = hash_password(DEMO_PASSWORD)

    with db() as session, session.begin():
        _refuse_unless_empty(session)
        # The notification trigger reads the timezone, so it goes in first.
        settings.put(session, settings.CLINIC_TIMEZONE, {"name": "Europe/Moscow"})
        clinic = write_structure(session, today, now, password_hash, timeline.exceptions)
        patient_ids = allocate(session, "patient", len(plans))
        referral_ids = allocate(session, "referral", len(referrals))
        appointment_ids = allocate(session, "appointment", len(appointments))
        ctx = extras.Context(
            rng=rng,
            now=now,
            patients=plans,
            patient_ids=patient_ids,
            appointments=appointments,
            appointment_ids=appointment_ids,
            doctor_ids=clinic.doctors,
            specialty_ids=clinic.specialties,
            service_ids=clinic.services,
            user_ids=clinic.users,
            allocate=lambda table, n: allocate(session, table, n),
        )
        # The balances follow from the ledger (its trigger): the cards start at 0.
        payments, ledger, _balances = extras.payment_rows(ctx)

        _copy(
            session,
            "patient",
            PATIENT_COLUMNS,
            patient_rows(plans, patient_ids, keyring, clinic.insurers, {}),
        )
        _copy(session, "patient_consent", CONSENT_COLUMNS, consent_rows(plans, patient_ids))
        referral_rows, extension_rows = _referral_rows(
            referrals, referral_ids, clinic, patient_ids, today
        )
        insert_rows(session, Referral, referral_rows)
        insert_rows(session, ReferralExtension, extension_rows)
        insert_rows(
            session,
            Appointment,
            _appointment_rows(appointments, appointment_ids, referral_ids, clinic, patient_ids),
        )
        insert_rows(session, Payment, payments)
        insert_rows(session, BonusLedgerEntry, ledger)
        insert_rows(session, Feedback, extras.feedback_rows(ctx))
        plan_rows, task_rows = extras.treatment_rows(ctx)
        insert_rows(session, TreatmentPlan, plan_rows)
        insert_rows(session, TreatmentTask, task_rows)
        insert_rows(session, EducationalMaterial, extras.material_rows(clinic.specialties))
        insert_rows(session, PatientMessage, extras.message_rows(ctx))
        insert_rows(session, WaitingListEntry, notices.waiting_list_rows(ctx))
        insert_rows(session, PriorityRequest, notices.priority_rows(ctx))
        insert_rows(session, OutboxMessage, notices.outbox_rows(ctx))

        settings.put(
            session,
            settings.CLINIC_PROFILE,
            {"name": CLINIC_NAME, "address": CLINIC_ADDRESS, "phone": CLINIC_PHONE},
        )
        settings.put(session, settings.DEMO_MARKER, {"patients": patients, "seed": seed})
        journal.record(
            session,
            "demo_loaded",
            login="demo",
            entity="clinic_setting",
            details=f"patients={patients}, seed={seed}, today={today.isoformat()}",
        )
        # Fresh statistics, or the planner guesses from an empty table on the first searches.
        session.execute(sa.text("ANALYZE patient, patient_consent, referral, appointment"))

    return DemoSummary(
        branches=len(BRANCHES),
        doctors=len(DOCTORS),
        specialties=len(SPECIALTIES),
        patients=len(plans),
        referrals=len(referrals),
        appointments=len(appointments),
        users=len(DEMO_USERS),
        elapsed_seconds=time.perf_counter() - started,
    )
