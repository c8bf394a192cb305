"""Two weeks of demo appointments around today, planned in memory before anything is written.

The plan keeps the invariants the database enforces (no overlapping active
appointments of a doctor or of a patient) and the ones it cannot (only inside the
doctor's hours, never on a holiday the template does not work, never inside a
schedule exception except for the holding tray), so the load never meets an
exclusion-constraint error.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from crm.controllers.demo.clinic import (
    DOCTORS,
    SERVICES,
    SPECIALTIES,
    TELEMEDICINE_URL,
    ExceptionSpec,
)
from crm.controllers.demo.schedule import SLOT, Period, template_periods, working_periods
from crm.models.enums import AppointmentKind, AppointmentStatus, CancelledBy, ExceptionKind

Kind = AppointmentKind
Status = AppointmentStatus
WINDOW_DAYS = 7

PATIENT_REASONS = (
    "Пациент заболел, перенесет визит позже",
    "Изменились планы, позвонил(а) в регистратуру",
    "Пациент уезжает из Москвы",
    "Прием уже не требуется",
)
CLINIC_REASONS = (
    "Изменение графика работы врача",
    "Технические работы в кабинете",
    "Врач направлен на обучение",
)
SPECIALTY_SLOTS = {spec.code: spec.slots for spec in SPECIALTIES}
SERVICE_SPECIALTY = {spec.code: spec.is_service for spec in SPECIALTIES}


@dataclass(frozen=True)
class Timeline:
    """The demo's "now" and the calendar it is planned against.

    Attributes:
        today: the day the demo is centred on.
        now: the moment separating past visits (done) from future ones (booked).
        holiday_days: Russian public holidays around ``today``.
        exceptions: the doctors' schedule exceptions.
    """

    today: dt.date
    now: dt.datetime
    holiday_days: frozenset[dt.date]
    exceptions: tuple[ExceptionSpec, ...]

    def days(self) -> list[dt.date]:
        """From a week before ``today`` to a week after, inclusive."""
        return [self.today + dt.timedelta(days=k) for k in range(-WINDOW_DAYS, WINDOW_DAYS + 1)]


@dataclass
class PlannedAppointment:
    """An appointment to be written; other entities are referred to by list index."""

    doctor: int
    patient: int
    starts: dt.datetime
    ends: dt.datetime
    room: str
    kind: AppointmentKind
    status: AppointmentStatus
    booked_at: dt.datetime
    service: int | None = None
    referral: int | None = None
    rescheduled_from: int | None = None
    replaced_by: int | None = None
    cancelled_by: CancelledBy | None = None
    cancel_reason: str | None = None
    video_link: str | None = None
    in_holding_tray: bool = False
    note: str | None = None


@dataclass
class _Booker:
    rng: random.Random
    timeline: Timeline
    insured: Sequence[bool]
    appointments: list[PlannedAppointment] = field(default_factory=list)
    busy: dict[int, list[tuple[dt.datetime, dt.datetime]]] = field(default_factory=dict)
    #: Per doctor, free slot starts and the period each belongs to (for reschedules).
    free: dict[int, dict[dt.datetime, Period]] = field(default_factory=dict)

    def services_of(self, specialty: str) -> list[int]:
        return [i for i, service in enumerate(SERVICES) if service.specialty == specialty]

    def choose_kind(self, doctor: int) -> tuple[AppointmentKind, int | None]:
        spec = DOCTORS[doctor]
        services = self.services_of(spec.specialty)
        roll = self.rng.random()
        if SERVICE_SPECIALTY[spec.specialty]:
            # A diagnostic visit is always some service, whether by referral or paid.
            return (Kind.REFERRAL if roll < 0.6 else Kind.PAID), self.rng.choice(services)
        if roll < 0.45:
            return Kind.REFERRAL, None
        if roll < 0.70 and services:
            return Kind.PAID, self.rng.choice(services)
        if roll < 0.88 or not spec.remote:
            return Kind.FOLLOW_UP, self.follow_up_service(spec.specialty)
        return Kind.REMOTE, None

    def follow_up_service(self, specialty: str) -> int:
        """A follow-up visit is a service too: the repeat visit where the catalogue has
        one, else the specialty's shortest service."""
        services = self.services_of(specialty)
        repeat = [i for i in services if "повторн" in SERVICES[i].name]
        return (repeat or sorted(services, key=lambda i: SERVICES[i].slots))[0]

    def patient_is_free(self, patient: int, starts: dt.datetime, ends: dt.datetime) -> bool:
        return all(ends <= s or starts >= e for s, e in self.busy.get(patient, ()))

    def pick_patient(
        self, needs_policy: bool, starts: dt.datetime, ends: dt.datetime
    ) -> int | None:
        for _ in range(12):
            patient = self.rng.randrange(len(self.insured))
            if needs_policy and not self.insured[patient]:
                continue
            if self.patient_is_free(patient, starts, ends):
                return patient
        return None

    def status(self, starts: dt.datetime, ends: dt.datetime, *, final: bool = False) -> Status:
        now, roll = self.timeline.now, self.rng.random()
        if ends <= now:
            if roll < 0.78 or (final and roll >= 0.95):
                return Status.COMPLETED
            if roll < 0.87:
                return Status.NO_SHOW
            return Status.CANCELLED if roll < 0.95 else Status.RESCHEDULED
        if starts <= now:
            return Status.IN_PROGRESS
        if starts - now <= dt.timedelta(minutes=45):
            return Status.ARRIVED if roll < 0.6 else Status.BOOKED
        if roll < 0.84 or (final and roll >= 0.94):
            return Status.BOOKED
        return Status.CANCELLED if roll < 0.94 else Status.RESCHEDULED

    def add(
        self,
        doctor: int,
        patient: int,
        starts: dt.datetime,
        length: int,
        *,
        room: str,
        kind: AppointmentKind,
        service: int | None,
        status: Status,
    ) -> PlannedAppointment:
        ends = starts + length * SLOT
        earliest = min(starts, self.timeline.now)
        booked_at = earliest - dt.timedelta(
            days=self.rng.randint(1, 14), minutes=self.rng.randint(0, 600)
        )
        appointment = PlannedAppointment(
            doctor, patient, starts, ends, room, kind, status, booked_at, service=service
        )
        if kind is Kind.REMOTE:
            appointment.video_link = f"{TELEMEDICINE_URL}{self.rng.getrandbits(48):012x}"
        if status is Status.CANCELLED:
            self.cancel(appointment)
        self.appointments.append(appointment)
        self.busy.setdefault(patient, []).append((starts, ends))
        for k in range(length):
            self.free.get(doctor, {}).pop(starts + k * SLOT, None)
        return appointment

    def cancel(self, appointment: PlannedAppointment) -> None:
        appointment.status = Status.CANCELLED
        by_patient = self.rng.random() < 0.75
        appointment.cancelled_by = CancelledBy.PATIENT if by_patient else CancelledBy.CLINIC
        reasons = PATIENT_REASONS if by_patient else CLINIC_REASONS
        appointment.cancel_reason = self.rng.choice(reasons)

    def fill(self, period: Period, chance: float) -> None:
        slots = list(period.slots())
        self.free.setdefault(period.doctor, {}).update((s, period) for s in slots)
        now = self.timeline.now
        i = 0
        while i < len(slots):
            starts = slots[i]
            near_now = starts <= now < starts + 3 * SLOT
            if self.rng.random() >= (0.9 if near_now else chance):
                i += 1
                continue
            kind, service = self.choose_kind(period.doctor)
            length = (
                SERVICES[service].slots
                if service is not None
                else SPECIALTY_SLOTS[DOCTORS[period.doctor].specialty]
            )
            ends = starts + length * SLOT
            patient = (
                None
                if i + length > len(slots)
                else self.pick_patient(kind is Kind.REFERRAL, starts, ends)
            )
            if patient is None:
                i += 1
                continue
            self.add(
                period.doctor,
                patient,
                starts,
                length,
                room=period.room,
                kind=kind,
                service=service,
                status=self.status(starts, ends),
            )
            i += length

    def reschedule(self, index: int) -> None:
        """Give a rescheduled appointment its replacement in a later free slot, or cancel it."""
        original = self.appointments[index]
        length = (original.ends - original.starts) // SLOT
        not_before = original.starts + dt.timedelta(days=self.rng.randint(1, 4))
        free = self.free.get(original.doctor, {})
        for starts in sorted(s for s in free if s >= not_before):
            period = free[starts]
            ends = starts + length * SLOT
            if ends > period.ends or any(starts + k * SLOT not in free for k in range(length)):
                continue
            if not self.patient_is_free(original.patient, starts, ends):
                continue
            replacement = self.add(
                original.doctor,
                original.patient,
                starts,
                length,
                room=period.room,
                kind=original.kind,
                service=original.service,
                status=self.status(starts, ends, final=True),
            )
            replacement.rescheduled_from = index
            replacement.video_link = original.video_link
            replacement.booked_at = max(replacement.booked_at, original.booked_at)
            original.replaced_by = len(self.appointments) - 1
            original.note = "Перенесено по просьбе пациента"
            return
        self.cancel(original)

    def holding_tray(self) -> None:
        """Book a few visits over a vacation entered after they were made (the holding tray)."""
        for exception in self.timeline.exceptions:
            if exception.kind is not ExceptionKind.VACATION:
                continue
            placed = 0
            for day in self.timeline.days():
                periods = template_periods(exception.doctor, day, self.timeline.holiday_days)
                for period in periods:
                    if not exception.starts.date() <= day < exception.ends.date():
                        continue
                    for starts in list(period.slots())[1::5][:2]:
                        if placed >= 3 or starts <= self.timeline.now:
                            continue
                        patient = self.pick_patient(False, starts, starts + SLOT)
                        if patient is None:
                            continue
                        appointment = self.add(
                            exception.doctor,
                            patient,
                            starts,
                            1,
                            room=period.room,
                            kind=Kind.FOLLOW_UP,
                            service=self.follow_up_service(DOCTORS[exception.doctor].specialty),
                            status=Status.BOOKED,
                        )
                        appointment.in_holding_tray = True
                        appointment.note = "Врач в отпуске: запись ждет переноса"
                        placed += 1


def plan_appointments(
    rng: random.Random, insured: Sequence[bool], timeline: Timeline, cap: int
) -> list[PlannedAppointment]:
    """Appointments from a week ago to a week ahead, about ``cap`` of them at most.

    Args:
        rng: the demo's random generator.
        insured: for each patient (by index), whether the card has an ОМС policy;
            only insured patients are booked by referral.
        timeline: today, now and the calendar.
        cap: upper bound on the appointments filled into the schedule (replacements
            of rescheduled visits and the holding tray may add a few).

    Returns:
        The appointments in booking order; a replacement always follows its original.
    """
    booker = _Booker(rng, timeline, insured)
    if not insured:
        return []
    periods = [
        period
        for day in timeline.days()
        for doctor in range(len(DOCTORS))
        for period in working_periods(doctor, day, timeline.holiday_days, timeline.exceptions)
    ]
    total = sum(1 for period in periods for _ in period.slots())
    chance = min(rng.uniform(0.4, 0.6), cap / max(total, 1))
    for period in periods:
        booker.fill(period, chance)
    for index in range(len(booker.appointments)):
        if booker.appointments[index].status is Status.RESCHEDULED:
            booker.reschedule(index)
    booker.holding_tray()
    return booker.appointments
