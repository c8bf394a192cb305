"""The dashboard: today and this week at a glance.

Utilisation by specialty (booked ÷ available slots, as in the workload report),
no-shows (as in the no-shows report), referrals about to expire (active, at most
5 days of validity left, no appointment on them), the waiting list's size, the
notices to patients that failed today («не доставлено») and each doctor's average
rating over the last 90 days (as in the ratings report).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased, sessionmaker

from crm.controllers.access.permissions import Permission, require
from crm.controllers.clinic.clock import clinic_timezone
from crm.controllers.context import Actor
from crm.controllers.notifications.messages import failures_today
from crm.controllers.referrals.rules import days_left, last_valid_day
from crm.controllers.reports import no_shows, ratings, workload
from crm.controllers.reports.common import (
    BuildContext,
    ReportParams,
    person_name,
    ratio,
)
from crm.controllers.reports.ratings import DoctorAverage
from crm.models import Appointment, Doctor, Patient, Referral, Specialty, WaitingListEntry
from crm.models.appointments import USES_REFERRAL
from crm.models.enums import AppointmentStatus, ReferralStatus, WaitingStatus

#: A referral with this many days left or fewer (and no appointment) is highlighted.
EXPIRING_DAYS = 5


@dataclass(frozen=True)
class SpecialtyLoad:
    """Slots of one specialty today and this week."""

    specialty: str
    available_today: int
    booked_today: int
    available_week: int
    booked_week: int

    @property
    def utilisation_today(self) -> float | None:
        return ratio(self.booked_today, self.available_today)

    @property
    def utilisation_week(self) -> float | None:
        return ratio(self.booked_week, self.available_week)


@dataclass(frozen=True)
class DayNoShows:
    """No-shows of one day of the week and the appointments expected that day."""

    day: dt.date
    no_shows: int
    expected: int


@dataclass(frozen=True)
class ExpiringReferral:
    """An active referral with few days left and no appointment."""

    id: int
    number: str
    patient: str
    specialty: str
    last_day: dt.date
    days_left: int


@dataclass(frozen=True)
class DashboardData:
    """Everything the dashboard shows."""

    today: dt.date
    week_from: dt.date
    week_to: dt.date
    load: list[SpecialtyLoad]
    no_shows: list[DayNoShows]
    expiring: list[ExpiringReferral]
    waiting: list[tuple[str, int]]
    #: Notices «не доставлено» whose try failed today.
    notice_failures: int = 0
    #: Doctors' ratings over the last :data:`ratings.DASHBOARD_DAYS` days, best first.
    doctor_ratings: list[DoctorAverage] = field(default_factory=list)

    @property
    def no_shows_today(self) -> int:
        return sum(d.no_shows for d in self.no_shows if d.day == self.today)

    @property
    def no_shows_week(self) -> int:
        return sum(d.no_shows for d in self.no_shows)

    @property
    def waiting_total(self) -> int:
        return sum(n for _, n in self.waiting)


@dataclass(frozen=True)
class _Rules:
    issued_on: dt.date
    valid_days: int
    status: ReferralStatus
    patient_id: int
    specialty_id: int


def expiring_referrals(session: Session, today: dt.date) -> list[ExpiringReferral]:
    """Active referrals with 1–5 days left and no appointment using them, soonest first."""
    last_day = Referral.issued_on + Referral.valid_days - 1
    live = sa.exists().where(
        Appointment.referral_id == Referral.id, sa.text(f"appointment.{USES_REFERRAL}")
    )
    rows = session.execute(
        sa.select(
            Referral.id, Referral.number, Referral.issued_on, Referral.valid_days,
            Referral.patient_id, Referral.specialty_id, Patient.last_name, Patient.first_name,
            Patient.patronymic, Specialty.name,
        )
        .join(Patient, Patient.id == Referral.patient_id)
        .join(Specialty, Specialty.id == Referral.specialty_id)
        .where(
            Referral.status == ReferralStatus.ACTIVE,
            last_day >= today,
            last_day <= today + dt.timedelta(days=EXPIRING_DAYS - 1),
            ~live,
        )
        .order_by(last_day, Referral.number)
    )  # fmt: skip
    found = []
    for r in rows:
        rules = _Rules(r.issued_on, r.valid_days, ReferralStatus.ACTIVE, r.patient_id,
                       r.specialty_id)  # fmt: skip
        found.append(
            ExpiringReferral(
                r.id, r.number, person_name(r.last_name, r.first_name, r.patronymic), r.name,
                last_valid_day(r.issued_on, r.valid_days), days_left(rules, today),
            )
        )  # fmt: skip
    return found


def waiting_by_specialty(session: Session) -> list[tuple[str, int]]:
    """Open waiting-list entries (waiting or holding an offer) per specialty (the
    doctor's, for entries for a doctor)."""
    by_doctor = aliased(Doctor)
    specialty_id = sa.func.coalesce(WaitingListEntry.specialty_id, by_doctor.specialty_id)
    rows = session.execute(
        sa.select(Specialty.name, sa.func.count())
        .select_from(WaitingListEntry)
        .outerjoin(by_doctor, by_doctor.id == WaitingListEntry.doctor_id)
        .join(Specialty, Specialty.id == specialty_id)
        # An entry holding an offer still waits for an appointment: counted as the
        # waiting-list tab lists it.
        .where(WaitingListEntry.status.in_((WaitingStatus.WAITING, WaitingStatus.OFFERED)))
        .group_by(Specialty.name)
        .order_by(sa.func.count().desc(), Specialty.name)
    )
    return [(name, count) for name, count in rows]


def _day_bounds(day: dt.date, tz: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time(), tz)
    return start, dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tz)


def dashboard(
    db: sessionmaker[Session], actor: Actor, *, now: dt.datetime | None = None
) -> DashboardData:
    """Today and this week (Monday to Sunday) at a glance."""
    require(actor, Permission.REPORTS)
    with db() as session, session.begin():
        tz = clinic_timezone(session)
        moment = now or session.execute(sa.select(sa.func.now())).scalar_one()
        context = BuildContext(actor, tz, moment, tz.key)
        today = context.today
        week_from = workload.monday(today)
        week_to = week_from + dt.timedelta(days=6)
        params = ReportParams(week_from, week_to)
        work = workload.compute(session, params, context)
        specialty_of = {d.id: d.specialty for d in work.doctors}
        sums: dict[str, list[int]] = {}
        for day in work.days:
            bucket = sums.setdefault(specialty_of[day.doctor_id], [0, 0, 0, 0])
            if day.day == today:
                bucket[0] += day.available
                bucket[1] += day.booked
            bucket[2] += day.available
            bucket[3] += day.booked
        load = [SpecialtyLoad(name, *v) for name, v in sorted(sums.items())]
        per_day: dict[dt.date, list[int]] = {
            week_from + dt.timedelta(days=n): [0, 0] for n in range(7)
        }
        for visit in no_shows.visits(session, params, context):
            bucket = per_day[visit.day]
            bucket[0] += visit.status is AppointmentStatus.NO_SHOW
            bucket[1] += visit.status is not AppointmentStatus.CANCELLED
        return DashboardData(
            today,
            week_from,
            week_to,
            load,
            [DayNoShows(day, *v) for day, v in sorted(per_day.items())],
            expiring_referrals(session, today),
            waiting_by_specialty(session),
            failures_today(session, *_day_bounds(today, tz)),
            ratings.doctor_averages(session, today, tz),
        )
