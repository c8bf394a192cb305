"""Referrals: received by issuing organisation and specialty, what became of them,
and how fast the patients were seen.

Referrals issued in the period count as received. Their status is read as of today
(:func:`crm.controllers.referrals.rules.effective_status`: an active referral past
its last day is expired). Days to the appointment run from the issue date to the day
of the appointment that uses the referral (booked, arrived, in progress or
completed); working days leave out weekends and Russian public holidays, the issue
day being day zero. The national target is a specialist within 14 working days.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from crm.controllers.referrals.rules import effective_status, last_valid_day
from crm.controllers.reports.common import (
    BuildContext,
    ReportParams,
    describe_params,
    local_date,
    median,
    percentile,
    ratio,
    working_days_between,
)
from crm.i18n import translate
from crm.models import Appointment, IssuingOrganisation, Referral, Specialty
from crm.models.appointments import USES_REFERRAL
from crm.models.enums import ReferralStatus
from crm.reports.excel.model import Column, Kind, ReportDocument, Table, Total, Value
from crm.reports.excel.writer import sheet_reference

TARGET_WORKING_DAYS = 14


def title() -> str:
    return translate("reports", "Referrals")


def description() -> str:
    return translate(
        "reports",
        "Referrals by issuing organisation and specialty: used, expired, days to the visit",
    )


@dataclass(frozen=True)
class ReferralFact:
    """One referral issued in the period and what became of it."""

    number: str
    organisation: str
    specialty: str
    issued_on: dt.date
    last_day: dt.date
    status: ReferralStatus
    appointment_day: dt.date | None

    @property
    def days(self) -> int | None:
        """Calendar days from issue to the appointment."""
        return (self.appointment_day - self.issued_on).days if self.appointment_day else None


@dataclass
class Group:
    """Counts and waiting times of one (organisation, specialty)."""

    received: int = 0
    active: int = 0
    used: int = 0
    closed: int = 0
    expired: int = 0
    cancelled: int = 0
    days: list[int] = field(default_factory=list)
    within: int = 0

    def add(self, fact: ReferralFact, working_days: int | None) -> None:
        self.received += 1
        if fact.status is ReferralStatus.ACTIVE:
            self.active += 1
        elif fact.status in (ReferralStatus.USED, ReferralStatus.CLOSED):
            self.used += 1
            self.closed += fact.status is ReferralStatus.CLOSED
        elif fact.status is ReferralStatus.EXPIRED:
            self.expired += 1
        elif fact.status is ReferralStatus.CANCELLED:
            self.cancelled += 1
        if fact.days is not None and working_days is not None:
            self.days.append(fact.days)
            self.within += working_days <= TARGET_WORKING_DAYS

    @property
    def median_days(self) -> float | None:
        return median(self.days)

    @property
    def p90_days(self) -> float | None:
        return percentile(self.days, 0.9)

    @property
    def within_share(self) -> float | None:
        return ratio(self.within, len(self.days))


def facts(session: Session, params: ReportParams, context: BuildContext) -> list[ReferralFact]:
    """Referrals issued in the period (target specialty filter applied)."""
    appointment_day = (
        sa.select(sa.func.min(local_date(Appointment.starts_at, context.tz_name)))
        .where(Appointment.referral_id == Referral.id, sa.text(f"appointment.{USES_REFERRAL}"))
        .scalar_subquery()
    )
    query = (
        sa.select(
            Referral.number, IssuingOrganisation.name, Specialty.name, Referral.issued_on,
            Referral.valid_days, Referral.status, Referral.patient_id, Referral.specialty_id,
            appointment_day,
        )
        .join(IssuingOrganisation, IssuingOrganisation.id == Referral.organisation_id)
        .join(Specialty, Specialty.id == Referral.specialty_id)
        .where(Referral.issued_on >= params.date_from, Referral.issued_on <= params.date_to)
        .order_by(IssuingOrganisation.name, Specialty.name, Referral.issued_on, Referral.number)
    )  # fmt: skip
    if params.specialty_id is not None:
        query = query.where(Referral.specialty_id == params.specialty_id)
    found = []
    for number, org, spec, issued, valid, status, patient, specialty, day in session.execute(query):
        record = _Rules(issued, valid, status, patient, specialty)
        found.append(
            ReferralFact(
                number, org, spec, issued, last_valid_day(issued, valid),
                effective_status(record, context.today), day,
            )
        )  # fmt: skip
    return found


@dataclass(frozen=True)
class _Rules:
    """What the referral rules read of a referral."""

    issued_on: dt.date
    valid_days: int
    status: ReferralStatus
    patient_id: int
    specialty_id: int


def status_title(status: ReferralStatus) -> str:
    """A referral status in words."""
    titles = {
        ReferralStatus.ACTIVE: translate("reports", "active"),
        ReferralStatus.USED: translate("reports", "used"),
        ReferralStatus.CLOSED: translate("reports", "closed (visit done)"),
        ReferralStatus.EXPIRED: translate("reports", "expired"),
        ReferralStatus.CANCELLED: translate("reports", "cancelled"),
    }
    return titles[status]


def build(session: Session, params: ReportParams, context: BuildContext) -> ReportDocument:
    """The summary by organisation and specialty, and every referral in detail."""
    found = facts(session, params, context)
    groups: dict[tuple[str, str], Group] = {}
    details: list[list[Value]] = []
    for fact in found:
        working = (
            working_days_between(fact.issued_on, fact.appointment_day)
            if fact.appointment_day
            else None
        )
        groups.setdefault((fact.organisation, fact.specialty), Group()).add(fact, working)
        details.append(
            [
                fact.number, fact.organisation, fact.specialty, fact.issued_on, fact.last_day,
                status_title(fact.status), fact.appointment_day, fact.days, working,
                None if working is None else int(working <= TARGET_WORKING_DAYS),
            ]
        )  # fmt: skip
    details_sheet = translate("reports", "Referrals")
    n = len(details) + 1
    days = sheet_reference(details_sheet, f"H2:H{n}")
    summary = Table(
        translate("reports", "By organisation"),
        [
            Column("organisation", translate("reports", "Issuing organisation"), total=Total.LABEL,
                   width=34),
            Column("specialty", translate("reports", "Specialty"), width=22),
            Column("received", translate("reports", "Received"), Kind.INTEGER, Total.SUM),
            Column("active", translate("reports", "Active, not used yet"), Kind.INTEGER, Total.SUM),
            Column("used", translate("reports", "Used"), Kind.INTEGER, Total.SUM),
            Column("closed", translate("reports", "Of them visit done"), Kind.INTEGER, Total.SUM),
            Column("expired", translate("reports", "Expired unused"), Kind.INTEGER, Total.SUM),
            Column("cancelled", translate("reports", "Cancelled"), Kind.INTEGER, Total.SUM),
            Column("seen", translate("reports", "With an appointment"), Kind.INTEGER, Total.SUM),
            Column("median", translate("reports", "Days to appointment, median"), Kind.NUMBER),
            Column("p90", translate("reports", "Days to appointment, 90th percentile"),
                   Kind.NUMBER),
            Column("within", translate("reports", "Within 14 working days"), Kind.INTEGER,
                   Total.SUM),
            Column("share", translate("reports", "Share within 14 working days"), Kind.PERCENT,
                   Total.RATIO, ("within", "seen")),
        ],
        [
            [org, spec, g.received, g.active, g.used, g.closed, g.expired, g.cancelled,
             len(g.days), g.median_days, g.p90_days, g.within, g.within_share]
            for (org, spec), g in groups.items()
        ],
        total_formulas={
            "median": f'=IF(COUNT({days})=0,"",MEDIAN({days}))',
            "p90": f'=IF(COUNT({days})=0,"",PERCENTILE({days},0.9))',
        },
        empty_message=translate("reports", "No referrals issued in this period"),
    )  # fmt: skip
    detail_table = Table(
        details_sheet,
        [
            Column("number", translate("reports", "Number"), total=Total.LABEL, width=14),
            Column("organisation", translate("reports", "Issuing organisation"), width=34),
            Column("specialty", translate("reports", "Specialty"), width=22),
            Column("issued", translate("reports", "Issued"), Kind.DATE),
            Column("last_day", translate("reports", "Valid until"), Kind.DATE),
            Column("status", translate("reports", "Status"), width=18),
            Column("appointment", translate("reports", "Appointment day"), Kind.DATE),
            Column("days", translate("reports", "Days to appointment"), Kind.INTEGER, Total.MEDIAN),
            Column("working", translate("reports", "Working days to appointment"), Kind.INTEGER,
                   Total.MEDIAN),
            Column("within", translate("reports", "Within 14 working days"), Kind.INTEGER,
                   Total.SUM),
        ],
        details,
        empty_message=translate("reports", "No referrals issued in this period"),
    )  # fmt: skip
    return ReportDocument(
        title(),
        [summary, detail_table],
        describe_params(session, title(), params, context),
        [
            translate("reports", "Referrals issued in the period; statuses as of the day of the "
                      "report."),
            translate("reports", "Days to appointment: from the issue date to the day of the "
                      "appointment using the referral."),
            translate("reports", "Working days leave out weekends and public holidays; the issue "
                      "day is day zero."),
            translate("reports", "Percentile: linear interpolation, as Excel's PERCENTILE."),
        ],
        parameters_sheet=translate("reports", "Parameters"),
        no_data=None if found else translate("reports", "No referrals issued in this period"),
    )  # fmt: skip
