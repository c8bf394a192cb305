"""Managers' reports: the registry, the preview and the Excel export.

Each report is a small module here that computes its tables
(:class:`~crm.reports.excel.model.ReportDocument`); :mod:`crm.reports.excel` writes
them. Only roles with :attr:`Permission.REPORTS` (managers) may preview or export,
and every export is journaled in the transaction that read the data.

Sits above the domains it reports on: may import ``schedule``, ``referrals``, ``access``,
``clinic``, the journal's writing side, the shared modules and ``crm.reports.excel``.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from crm.controllers import journal
from crm.controllers.access.permissions import Permission, require
from crm.controllers.clinic.clock import clinic_timezone
from crm.controllers.context import Actor
from crm.controllers.errors import NotFound
from crm.controllers.reports import (
    no_shows,
    patients,
    payments,
    ratings,
    referrals,
    register,
    waiting,
    workload,
)
from crm.controllers.reports.common import (
    ALL_FILTERS,
    BRANCH,
    DOCTOR,
    KIND,
    SPECIALTY,
    STATUS,
    BuildContext,
    ReportDefinition,
    ReportParams,
    check_params,
    short_person,
)
from crm.i18n import translate
from crm.models import Branch, Doctor, Specialty
from crm.reports.excel.model import ReportDocument
from crm.reports.excel.writer import Progress, ShouldCancel, rows_preview, write_workbook

__all__ = [
    "ALL_FILTERS",
    "REPORTS",
    "ExportResult",
    "FilterChoices",
    "PreviewTable",
    "ReportInfo",
    "ReportParams",
    "ReportPreview",
    "build_document",
    "export_report",
    "filter_choices",
    "list_reports",
    "preview_report",
]


def _definition(module: Any, name: str, filters: set[str]) -> ReportDefinition:
    return ReportDefinition(
        name, module.title, module.description, frozenset(filters), module.build
    )


#: The reports by name, in the order the reports page lists them.
REPORTS: dict[str, ReportDefinition] = {
    d.name: d
    for d in (
        _definition(register, "appointments", {BRANCH, SPECIALTY, DOCTOR, KIND, STATUS}),
        _definition(workload, "workload", {BRANCH, SPECIALTY, DOCTOR}),
        _definition(no_shows, "no-shows", {BRANCH, SPECIALTY, DOCTOR, KIND}),
        _definition(referrals, "referrals", {SPECIALTY}),
        _definition(waiting, "waiting", {SPECIALTY}),
        _definition(payments, "payments", {BRANCH, SPECIALTY, DOCTOR}),
        _definition(ratings, "ratings", {BRANCH, SPECIALTY, DOCTOR}),
        _definition(patients, "patients", set()),
    )
}


@dataclass(frozen=True)
class ReportInfo:
    """A report as the page and ``clinic-crm report --list`` show it."""

    name: str
    title: str
    description: str
    filters: tuple[str, ...]


def list_reports() -> list[ReportInfo]:
    """Every report with its title, description and filters (in :data:`ALL_FILTERS` order)."""
    return [
        ReportInfo(
            d.name, d.title(), d.description(), tuple(f for f in ALL_FILTERS if f in d.filters)
        )
        for d in REPORTS.values()
    ]


def definition(name: str) -> ReportDefinition:
    """The report called ``name``.

    Raises:
        NotFound: no such report.
    """
    try:
        return REPORTS[name]
    except KeyError:
        raise NotFound(
            translate("reports", "No report called {name}; known: {names}").format(
                name=name, names=", ".join(REPORTS)
            )
        ) from None


@dataclass(frozen=True)
class FilterChoices:
    """What the filters can be set to: (id, name) pairs in name order."""

    branches: list[tuple[int, str]]
    specialties: list[tuple[int, str]]
    doctors: list[tuple[int, str, int, int]]  # id, name, specialty id, branch id


def filter_choices(db: sessionmaker[Session], actor: Actor) -> FilterChoices:
    """Branches, specialties and doctors for the reports page's filters."""
    require(actor, Permission.REPORTS)
    with db() as session:
        return FilterChoices(
            [(r.id, r.name) for r in session.execute(
                sa.select(Branch.id, Branch.name).order_by(Branch.name))],
            [(r.id, r.name) for r in session.execute(
                sa.select(Specialty.id, Specialty.name).order_by(Specialty.name))],
            [(r.id, short_person(r.last_name, r.first_name, r.patronymic), r.specialty_id,
              r.branch_id)
             for r in session.execute(
                sa.select(Doctor.id, Doctor.last_name, Doctor.first_name, Doctor.patronymic,
                          Doctor.specialty_id, Doctor.branch_id)
                .order_by(Doctor.last_name, Doctor.first_name, Doctor.id))],
        )  # fmt: skip


def _context(session: Session, actor: Actor, now: dt.datetime | None) -> BuildContext:
    tz = clinic_timezone(session)
    moment = now or session.execute(sa.select(sa.func.now())).scalar_one()
    return BuildContext(actor, tz, moment, tz.key)


def build_document(
    session: Session,
    actor: Actor,
    name: str,
    params: ReportParams,
    *,
    now: dt.datetime | None = None,
) -> ReportDocument:
    """Compute report ``name`` in ``session`` (its generators read from that session).

    Raises:
        PermissionDenied: the role may not see reports.
        NotFound: no such report.
        ValidationError: a reversed or overlong period, or a filter the report lacks.
    """
    require(actor, Permission.REPORTS)
    found = definition(name)
    check_params(found, params)
    document = found.build(session, params, _context(session, actor, now))
    document.period = (params.date_from, params.date_to)
    return document


@dataclass(frozen=True)
class PreviewTable:
    """The first rows of one sheet."""

    sheet: str
    headers: list[str]
    kinds: list[str]
    rows: list[tuple[Any, ...]]
    empty_message: str | None


@dataclass(frozen=True)
class ReportPreview:
    """What the reports page shows before exporting."""

    title: str
    tables: list[PreviewTable]
    no_data: str | None


def preview_report(
    db: sessionmaker[Session],
    actor: Actor,
    name: str,
    params: ReportParams,
    *,
    limit: int = 100,
    now: dt.datetime | None = None,
) -> ReportPreview:
    """The first ``limit`` rows of every sheet of report ``name``."""
    with db() as session, session.begin():
        document = build_document(session, actor, name, params, now=now)
        tables = []
        for t in document.tables:
            rows = [tuple(row) for row in rows_preview(t, limit)]
            close = getattr(t.rows, "close", None)
            if callable(close):
                close()  # a streaming register: release its server-side cursor now
            tables.append(
                PreviewTable(
                    t.sheet,
                    [c.title for c in t.columns],
                    [c.kind.value for c in t.columns],
                    rows,
                    t.empty_message,
                )
            )
        return ReportPreview(document.title, tables, document.no_data)


@dataclass(frozen=True)
class ExportResult:
    """A written workbook."""

    path: Path
    title: str
    rows: int
    seconds: float
    no_data: str | None


def export_report(
    db: sessionmaker[Session],
    actor: Actor,
    name: str,
    params: ReportParams,
    path: str | os.PathLike[str],
    *,
    progress: Progress | None = None,
    should_cancel: ShouldCancel | None = None,
    now: dt.datetime | None = None,
) -> ExportResult:
    """Write report ``name`` to ``path`` (``.xlsx``) and journal the export.

    The data are read and the journal entry written in one transaction, so the
    journal names exactly the exports that happened.

    Raises:
        PermissionDenied, NotFound, ValidationError: as :func:`build_document`.
        ExportCancelled: ``should_cancel`` returned true (no file is left behind).
    """
    target = Path(path)
    started = time.perf_counter()
    with db() as session, session.begin():
        document = build_document(session, actor, name, params, now=now)
        rows = write_workbook(document, target, progress=progress, should_cancel=should_cancel)
        changes: dict[str, Any] = {
            "report": name,
            "from": params.date_from.isoformat(),
            "to": params.date_to.isoformat(),
            "rows": rows,
        }
        for key in ("branch_id", "specialty_id", "doctor_id", "kind", "status"):
            value = getattr(params, key)
            if value is not None:
                changes[key] = getattr(value, "value", value)
        journal.record(
            session,
            "export",
            actor=actor,
            entity="report",
            changes=changes,
            details=f"{document.title}: {target.name}",
        )
    return ExportResult(target, document.title, rows, time.perf_counter() - started,
                        document.no_data)  # fmt: skip
