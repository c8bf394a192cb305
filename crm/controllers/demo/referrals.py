"""Demo referrals: those behind referral visits, and others in every status and kind.

A referral behind a planned visit gets dates that make the booking legal (issued
before the booking, still valid on the visit's day) and the status the visit
implies: closed after a completed visit, used while a visit is booked, active again
(or expired) after a no-show or a cancellation.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from crm.controllers.demo.appointments import PlannedAppointment
from crm.controllers.demo.clinic import ISSUING_ORGANISATIONS, SPECIALTIES
from crm.controllers.demo.names import random_name
from crm.controllers.demo.schedule import MOSCOW
from crm.models.enums import AppointmentKind, AppointmentStatus, ReferralKind, ReferralStatus, Sex

Kind = ReferralKind
Status = ReferralStatus
CHILDREN_ORGANISATION = len(ISSUING_ORGANISATIONS) - 1
BASE_DAYS = {Kind.STANDARD: 30, Kind.THERAPIST: 60, Kind.LONG_TERM: 30, Kind.EMERGENCY: 30}
KIND_WEIGHTS = {Kind.STANDARD: 45, Kind.THERAPIST: 25, Kind.LONG_TERM: 15, Kind.EMERGENCY: 15}

DIAGNOSES: dict[str, tuple[str, ...]] = {
    "therapist": ("I10", "J06.9", "K29.7", "E78.0", "J20.9"),
    "cardiologist": ("I10", "I11.9", "I20.8", "I25.1", "I48"),
    "neurologist": ("M54.5", "G43.0", "G44.2", "M42.1", "G47.0"),
    "endocrinologist": ("E11.9", "E03.9", "E04.1", "E66.0", "E05.0"),
    "ophthalmologist": ("H52.1", "H40.1", "H25.0", "H10.3", "H52.4"),
    "surgeon": ("K40.9", "L72.1", "M79.6", "I83.9", "K60.2"),
    "otolaryngologist": ("J32.0", "H66.9", "J35.0", "J34.2", "H61.2"),
    "gastroenterologist": ("K29.7", "K21.0", "K58.9", "K76.0", "K80.2"),
    "ultrasound": ("K80.2", "N20.0", "E04.1", "K76.0", "N28.1"),
    "functional_diagnostics": ("I10", "I49.9", "R00.2", "I25.1", "R07.4"),
    "laboratory": ("E11.9", "D50.9", "E78.0", "Z00.0", "N39.0"),
    "oncologist": ("D48.5", "D24", "C50.9", "D22.5", "R59.0"),
}
POSITIONS = {
    Kind.THERAPIST: ("врач-терапевт участковый", "врач-терапевт"),
    Kind.STANDARD: (
        "врач общей практики (семейный врач)",
        "врач-хирург",
        "врач-кардиолог",
        "врач-невролог",
        "врач-эндокринолог",
    ),
    Kind.LONG_TERM: ("врач-онколог", "врач-кардиолог", "врач-эндокринолог"),
    Kind.EMERGENCY: ("дежурный врач", "врач-хирург", "врач-терапевт участковый"),
}
CANCEL_REASONS = (
    "Пациент отказался от консультации",
    "Направление выдано ошибочно, заменено новым",
    "Дубликат: пациент принес второе направление на ту же консультацию",
    "Поликлиника отозвала направление",
)
EXTENSION_REASONS = (
    "Курс лечения не завершен: требуется продолжение наблюдения у специалиста",
    "Продолжение курса химиотерапии, очередной цикл по плану лечения",
    "Свободных слотов у специалиста до окончания срока нет: продление по запросу врача",
)


@dataclass(frozen=True)
class PlannedExtension:
    """One extension of a long-term referral: old → new validity, why and when."""

    old_days: int
    new_days: int
    reason: str
    at: dt.datetime


@dataclass
class PlannedReferral:
    """A referral to be written; the patient is a list index."""

    patient: int
    specialty: str
    organisation: int
    number: str
    issued_on: dt.date
    issuing_doctor: str
    diagnosis: str
    kind: ReferralKind
    valid_days: int
    status: ReferralStatus
    cancel_reason: str | None = None
    extensions: list[PlannedExtension] = field(default_factory=list)

    @property
    def last_valid_day(self) -> dt.date:
        """The last day the referral is valid (the issue day counts as the first)."""
        return self.issued_on + dt.timedelta(days=self.valid_days - 1)


class _Planner:
    def __init__(self, rng: random.Random, today: dt.date, minors: Sequence[bool]) -> None:
        self.rng = rng
        self.today = today
        self.minors = minors
        self.counters = [rng.randint(1000, 90000) for _ in ISSUING_ORGANISATIONS]
        self.referrals: list[PlannedReferral] = []

    def number(self, organisation: int) -> str:
        # Numbers are unique per organisation because each has its own running counter.
        self.counters[organisation] += self.rng.randint(1, 40)
        counter = self.counters[organisation]
        return f"77{counter:07d}" if organisation % 2 == 0 else f"НП-{counter:06d}"

    def organisation(self, patient: int) -> int:
        if self.minors[patient]:
            return CHILDREN_ORGANISATION
        return self.rng.randrange(CHILDREN_ORGANISATION)

    def extensions(self, issued_on: dt.date, valid_days: int) -> list[PlannedExtension]:
        steps, old = [], BASE_DAYS[Kind.LONG_TERM]
        while old < valid_days:
            new = min(old + 30, 90)
            day = issued_on + dt.timedelta(days=old - self.rng.randint(1, 5))
            at = dt.datetime.combine(
                min(day, self.today), dt.time(10, self.rng.randint(0, 59)), MOSCOW
            )
            steps.append(PlannedExtension(old, new, self.rng.choice(EXTENSION_REASONS), at))
            old = new
        return steps

    def add(
        self,
        patient: int,
        specialty: str,
        kind: ReferralKind,
        *,
        issued_on: dt.date,
        valid_days: int,
        status: ReferralStatus,
    ) -> PlannedReferral:
        organisation = self.organisation(patient)
        issuer = random_name(self.rng, self.rng.choice((Sex.MALE, Sex.FEMALE)))
        referral = PlannedReferral(
            patient=patient,
            specialty=specialty,
            organisation=organisation,
            number=self.number(organisation),
            issued_on=issued_on,
            issuing_doctor=f"{issuer.short()}, {self.rng.choice(POSITIONS[kind])}",
            diagnosis=self.rng.choice(DIAGNOSES[specialty]),
            kind=kind,
            valid_days=valid_days,
            status=status,
        )
        if kind is Kind.LONG_TERM:
            referral.extensions = self.extensions(issued_on, valid_days)
        if status is Status.CANCELLED:
            referral.cancel_reason = self.rng.choice(CANCEL_REASONS)
        self.referrals.append(referral)
        return referral

    def for_visit(self, chain: list[PlannedAppointment], specialty: str) -> int:
        """A referral for a visit (and its replacement after a reschedule); its index."""
        first, final = chain[0], chain[-1]
        issued_on = min(first.booked_at.date(), self.today) - dt.timedelta(
            days=self.rng.randint(0, 10)
        )
        needed = (final.starts.date() - issued_on).days + 1
        options: dict[ReferralKind, int] = {Kind.THERAPIST: 60}
        if needed <= 30:
            options[Kind.STANDARD] = 30
            options[Kind.EMERGENCY] = self.rng.randint(max(7, needed), 30)
            options[Kind.LONG_TERM] = 30
        elif issued_on + dt.timedelta(days=25) <= self.today:
            options[Kind.LONG_TERM] = 60  # extended once before it would have run out
        kinds = list(options)
        kind = self.rng.choices(kinds, [KIND_WEIGHTS[k] for k in kinds])[0]
        valid_days = options[kind]
        if kind is Kind.LONG_TERM and valid_days == 30 and self.rng.random() < 0.3:
            if issued_on + dt.timedelta(days=25) <= self.today:
                valid_days = 60
        last_valid = issued_on + dt.timedelta(days=valid_days - 1)
        if final.status is AppointmentStatus.COMPLETED:
            status = Status.CLOSED
        elif final.status in (
            AppointmentStatus.BOOKED,
            AppointmentStatus.ARRIVED,
            AppointmentStatus.IN_PROGRESS,
        ):
            status = Status.USED
        else:
            status = Status.ACTIVE if last_valid >= self.today else Status.EXPIRED
        self.add(
            first.patient,
            specialty,
            kind,
            issued_on=issued_on,
            valid_days=valid_days,
            status=status,
        )
        return len(self.referrals) - 1

    def standalone(self, index: int, insured: list[int]) -> None:
        """A referral without a visit in the demo's fortnight (or before it)."""
        rng, today = self.rng, self.today
        kinds, statuses = (
            list(Kind),
            [Status.ACTIVE, Status.EXPIRED, Status.CANCELLED, Status.CLOSED],
        )
        if index < 16:  # the first ones cover every kind × status
            kind, status = kinds[index % 4], statuses[index // 4]
        else:
            kind = rng.choices(kinds, [KIND_WEIGHTS[k] for k in kinds])[0]
            status = rng.choices(statuses, [45, 20, 10, 25])[0]
        specialty = "oncologist" if rng.random() < 0.12 else rng.choice(SPECIALTIES[:-1]).code
        valid_days = BASE_DAYS[kind]
        if kind is Kind.EMERGENCY:
            valid_days = rng.randint(7, 30)
        if kind is Kind.LONG_TERM and rng.random() < 0.4:
            valid_days = rng.choice((60, 90))
        if status is Status.ACTIVE:
            # Long-term ones were extended before running out, so they were issued long ago.
            low = 30 if kind is Kind.LONG_TERM and valid_days > 30 else 0
            issued_on = today - dt.timedelta(days=rng.randint(low, valid_days - 1))
        elif status is Status.EXPIRED:
            issued_on = today - dt.timedelta(days=valid_days + rng.randint(0, 60))
        else:
            issued_on = today - dt.timedelta(
                days=rng.randint(max(10, valid_days - 20), valid_days + 40)
            )
        self.add(
            rng.choice(insured),
            specialty,
            kind,
            issued_on=issued_on,
            valid_days=valid_days,
            status=status,
        )


def plan_referrals(
    rng: random.Random,
    appointments: list[PlannedAppointment],
    *,
    doctor_specialties: Sequence[str],
    insured: Sequence[bool],
    minors: Sequence[bool],
    today: dt.date,
) -> list[PlannedReferral]:
    """Referrals for the referral visits (linking them in place) and some more.

    Args:
        rng: the demo's random generator.
        appointments: planned visits; ``referral`` is set on referral visits.
        doctor_specialties: specialty code of each doctor, by doctor index.
        insured: per patient, whether the card has an ОМС policy.
        minors: per patient, whether under 18 (referred by the children's polyclinic).
        today: the demo's today.

    Returns:
        The referrals; the first ones belong to visits, then the standalone ones.
    """
    planner = _Planner(rng, today, minors)
    for appointment in appointments:
        if appointment.kind is not AppointmentKind.REFERRAL:
            continue
        if appointment.rescheduled_from is not None:
            continue  # a replacement keeps its original's referral
        chain = [appointment]
        if appointment.replaced_by is not None:
            chain.append(appointments[appointment.replaced_by])
        index = planner.for_visit(chain, doctor_specialties[appointment.doctor])
        for visit in chain:
            visit.referral = index
    insured_patients = [i for i, has_policy in enumerate(insured) if has_policy]
    if insured_patients:
        for index in range(min(max(len(insured) // 6, 24), 800)):
            planner.standalone(index, insured_patients)
    return planner.referrals
