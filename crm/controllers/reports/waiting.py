"""The waiting list and priority requests: how long patients wait until offered and booked.

Entries and requests created in the period are counted. Waits are measured in days
(fractional) from creation: a waiting-list entry until a slot was offered and until
its appointment was booked (the appointment's creation); a priority request until the
manager's decision and until its appointment was booked.

A wait is never negative. An entry or a request linked to an appointment booked
before it was made (the registrar recorded a visit the patient already had) did not
wait for that booking: its «days until booked» stay empty and it counts in no median;
likewise an offer or a decision dated before the entry (a corrected record).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from crm.controllers.reports.common import (
    BuildContext,
    ReportParams,
    describe_params,
    median,
    period_bounds,
)
from crm.i18n import translate
from crm.models import Appointment, Doctor, PriorityRequest, Specialty, WaitingListEntry
from crm.models.enums import PriorityStatus, WaitingStatus
from crm.reports.excel.model import Column, Kind, ReportDocument, Table, Total, Value
from crm.reports.excel.writer import sheet_reference

_DAY = 86400.0


def title() -> str:
    return translate("reports", "Waiting list and priority requests")


def description() -> str:
    return translate("reports", "How long waiting-list entries and priority requests wait")


def _days(later: dt.datetime | None, earlier: dt.datetime) -> float | None:
    """Days from ``earlier`` to ``later``; none when ``later`` is missing or came first
    (a booking made before the entry is not a wait from the list)."""
    if later is None or later < earlier:
        return None
    return round((later - earlier).total_seconds() / _DAY, 2)


@dataclass(frozen=True)
class WaitFact:
    """One entry or request: when created, its status and its waits in days."""

    specialty: str
    created: dt.datetime
    status: str
    first_wait: float | None  # until offered (entries) or decided (requests)
    booked_wait: float | None


def waiting_facts(session: Session, params: ReportParams, context: BuildContext) -> list[WaitFact]:
    """Waiting-list entries created in the period."""
    starts, ends = period_bounds(params, context.tz)
    by_doctor = aliased(Doctor)
    spec = aliased(Specialty)
    specialty_id = sa.func.coalesce(WaitingListEntry.specialty_id, by_doctor.specialty_id)
    query = (
        sa.select(
            spec.name, WaitingListEntry.created_at, WaitingListEntry.status,
            WaitingListEntry.offered_at, Appointment.created_at,
        )
        .outerjoin(by_doctor, by_doctor.id == WaitingListEntry.doctor_id)
        .join(spec, spec.id == specialty_id)
        .outerjoin(Appointment, Appointment.id == WaitingListEntry.appointment_id)
        .where(WaitingListEntry.created_at >= starts, WaitingListEntry.created_at < ends)
        .order_by(WaitingListEntry.created_at, WaitingListEntry.id)
    )  # fmt: skip
    if params.specialty_id is not None:
        query = query.where(specialty_id == params.specialty_id)
    return [
        WaitFact(name, created, WaitingStatus(status).value, _days(offered, created),
                 _days(booked, created))
        for name, created, status, offered, booked in session.execute(query)
    ]  # fmt: skip


def priority_facts(session: Session, params: ReportParams, context: BuildContext) -> list[WaitFact]:
    """Priority requests created in the period."""
    starts, ends = period_bounds(params, context.tz)
    query = (
        sa.select(
            sa.func.coalesce(Specialty.name, translate("reports", "not stated")),
            PriorityRequest.created_at, PriorityRequest.status, PriorityRequest.decided_at,
            Appointment.created_at,
        )
        .outerjoin(Specialty, Specialty.id == PriorityRequest.specialty_id)
        .outerjoin(Appointment, Appointment.id == PriorityRequest.appointment_id)
        .where(PriorityRequest.created_at >= starts, PriorityRequest.created_at < ends)
        .order_by(PriorityRequest.created_at, PriorityRequest.id)
    )  # fmt: skip
    if params.specialty_id is not None:
        query = query.where(PriorityRequest.specialty_id == params.specialty_id)
    return [
        WaitFact(name, created, PriorityStatus(status).value, _days(decided, created),
                 _days(booked, created))
        for name, created, status, decided, booked in session.execute(query)
    ]  # fmt: skip


def status_title(status: str) -> str:
    """A waiting-list or priority status in words."""
    titles = {
        "waiting": translate("reports", "waiting"),
        "offered": translate("reports", "offered"),
        "booked": translate("reports", "booked"),
        "cancelled": translate("reports", "cancelled"),
        "pending": translate("reports", "pending"),
        "approved": translate("reports", "approved"),
        "rejected": translate("reports", "rejected"),
    }
    return titles.get(status, status)


def _heading(text: str) -> str:
    """A status as a column heading: capitalised (``ожидает`` → ``Ожидает``)."""
    return text[:1].upper() + text[1:]


def summarise(found: Sequence[WaitFact], statuses: Sequence[str]) -> list[list[Value]]:
    """Per specialty: count, count per status, median waits."""
    groups: dict[str, list[WaitFact]] = {}
    for fact in found:
        groups.setdefault(fact.specialty, []).append(fact)
    rows: list[list[Value]] = []
    for specialty in sorted(groups):
        facts_ = groups[specialty]
        firsts = [f.first_wait for f in facts_ if f.first_wait is not None]
        booked = [f.booked_wait for f in facts_ if f.booked_wait is not None]
        rows.append(
            [specialty, len(facts_), *(sum(f.status == s for f in facts_) for s in statuses),
             median(firsts), median(booked)]
        )  # fmt: skip
    return rows


def _tables(
    found: list[WaitFact],
    statuses: Sequence[str],
    *,
    summary_sheet: str,
    details_sheet: str,
    first_titles: tuple[str, str],
    tz: dt.tzinfo,
) -> list[Table]:
    n = len(found) + 1
    first = sheet_reference(details_sheet, f"D2:D{n}")
    booked = sheet_reference(details_sheet, f"E2:E{n}")
    empty = translate("reports", "Nothing was created in this period")
    summary = Table(
        summary_sheet,
        [
            Column("specialty", translate("reports", "Specialty"), total=Total.LABEL, width=26),
            Column("count", translate("reports", "Created"), Kind.INTEGER, Total.SUM),
            *(Column(s, _heading(status_title(s)), Kind.INTEGER, Total.SUM) for s in statuses),
            Column("first_wait", first_titles[1], Kind.NUMBER),
            Column("booked_wait", translate("reports", "Median days until booked"), Kind.NUMBER),
        ],
        summarise(found, statuses),
        total_formulas={
            "first_wait": f'=IF(COUNT({first})=0,"",MEDIAN({first}))',
            "booked_wait": f'=IF(COUNT({booked})=0,"",MEDIAN({booked}))',
        },
        empty_message=empty,
    )  # fmt: skip
    details = Table(
        details_sheet,
        [
            Column("created", translate("reports", "Created"), Kind.DATETIME, Total.LABEL),
            Column("specialty", translate("reports", "Specialty"), width=26),
            Column("status", translate("reports", "Status"), width=14),
            Column("first_wait", first_titles[0], Kind.NUMBER, Total.MEDIAN),
            Column("booked_wait", translate("reports", "Days until booked"), Kind.NUMBER,
                   Total.MEDIAN),
        ],
        [
            [f.created.astimezone(tz).replace(tzinfo=None), f.specialty, status_title(f.status),
             f.first_wait, f.booked_wait]
            for f in found
        ],
        empty_message=empty,
    )  # fmt: skip
    return [summary, details]


WAITING_STATUSES = [s.value for s in WaitingStatus]
PRIORITY_STATUSES = [s.value for s in PriorityStatus]


def build(session: Session, params: ReportParams, context: BuildContext) -> ReportDocument:
    """Waiting list (summary, entries) and priority requests (summary, requests)."""
    waiting = waiting_facts(session, params, context)
    priority = priority_facts(session, params, context)
    tables = [
        *_tables(waiting, WAITING_STATUSES, summary_sheet=translate("reports", "Waiting list"),
                 details_sheet=translate("reports", "Waiting list entries"),
                 first_titles=(translate("reports", "Days until a time was offered"),
                               translate("reports", "Median days until a time was offered")),
                 tz=context.tz),
        *_tables(priority, PRIORITY_STATUSES,
                 summary_sheet=translate("reports", "Priority requests"),
                 details_sheet=translate("reports", "Priority request list"),
                 first_titles=(translate("reports", "Days until the decision"),
                               translate("reports", "Median days until the decision")),
                 tz=context.tz),
    ]  # fmt: skip
    return ReportDocument(
        title(),
        tables,
        describe_params(session, title(), params, context),
        [
            translate("reports", "Entries and requests created in the period; statuses as of now."),
            translate("reports", "Waits in days from creation: until a slot was offered (or the "
                      "manager decided) and until the appointment was booked."),
            translate("reports", "An appointment booked before the entry or request was made is "
                      "not a wait: its days are left empty and counted in no median."),
        ],
        parameters_sheet=translate("reports", "Parameters"),
        no_data=None
        if waiting or priority
        else translate("reports", "Nothing was created in this period"),
    )  # fmt: skip
