"""The desk's shift report: what each registrar took on a day, by method, and the refunds.

For the desk (:attr:`Permission.TAKE_PAYMENTS`), not only managers: a registrar closes
her shift with it. A payment counts for the day it was taken (in the clinic's zone)
and for whoever took it; a refund for the day and the person that returned it. The
sums are the database's own (``sum`` over ``numeric``), so the report reconciles with
the payments to the kopeck. As a PDF (:mod:`crm.reports.shift`) or an Excel workbook
(:mod:`crm.reports.excel`); both are journaled.
"""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from crm.controllers import journal
from crm.controllers.access.permissions import Permission, require
from crm.controllers.clinic import clock
from crm.controllers.clinic.profile import read_profile
from crm.controllers.context import Actor
from crm.controllers.payments.taking import method_title
from crm.controllers.printing.tickets import PrintableDocument
from crm.controllers.schedule.calendar import day_bounds
from crm.i18n import translate
from crm.models import Patient, Payment, User
from crm.models.enums import PaymentMethod
from crm.reports.excel.model import Column, Kind, ReportDocument, Table, Total
from crm.reports.excel.writer import write_workbook
from crm.reports.shift import ShiftData, ShiftRefund, ShiftRow, render_shift

ZERO = Decimal("0.00")


def _nobody() -> str:
    return translate("shift", "not recorded")


def shift_data(session: Session, actor: Actor, day: dt.date) -> ShiftData:
    """The figures of ``day``'s shift (read in ``session``)."""
    zone = clock.clinic_timezone(session)
    starts, ends = day_bounds(day, zone)
    in_day = (Payment.paid_at >= starts, Payment.paid_at < ends)
    taken = sa.case((Payment.amount > 0, Payment.amount), else_=0)
    returned = sa.case((Payment.amount < 0, -Payment.amount), else_=0)
    grouped = session.execute(
        sa.select(
            User.full_name,
            Payment.method,
            sa.func.count().filter(Payment.amount > 0).label("payments"),
            sa.func.coalesce(sa.func.sum(taken), 0).label("taken"),
            sa.func.count().filter(Payment.amount < 0).label("refunds"),
            sa.func.coalesce(sa.func.sum(returned), 0).label("refunded"),
        )
        .outerjoin(User, User.id == Payment.received_by_id)
        .where(*in_day)
        .group_by(User.full_name, Payment.method)
    )
    rows = sorted(
        (
            ShiftRow(
                r.full_name or _nobody(),
                r.method.value,
                method_title(r.method),
                r.payments,
                Decimal(r.taken).quantize(ZERO),
                r.refunds,
                Decimal(r.refunded).quantize(ZERO),
            )
            for r in grouped
        ),
        key=lambda r: (r.cashier, r.method_title),
    )
    refunds = tuple(
        ShiftRefund(
            at=r.paid_at.astimezone(zone),
            refund_id=r.id,
            payment_id=r.refund_of_id,
            cashier=r.full_name or _nobody(),
            patient=" ".join(p for p in (r.last_name, r.first_name, r.patronymic) if p),
            method_title=method_title(PaymentMethod(r.method)),
            amount=-Decimal(r.amount),
            reason=r.reason or "",
        )
        for r in session.execute(
            sa.select(
                Payment.id,
                Payment.paid_at,
                Payment.refund_of_id,
                Payment.amount,
                Payment.method,
                Payment.reason,
                User.full_name,
                Patient.last_name,
                Patient.first_name,
                Patient.patronymic,
            )
            .outerjoin(User, User.id == Payment.received_by_id)
            .join(Patient, Patient.id == Payment.patient_id)
            .where(*in_day, Payment.amount < 0)
            .order_by(Payment.paid_at, Payment.id)
        )
    )
    profile = read_profile(session)
    now = session.execute(sa.select(sa.func.now())).scalar_one()
    return ShiftData(
        day=day,
        clinic_name=profile.name if profile else translate("payments", "Clinic"),
        made_at=now.astimezone(zone),
        made_by=actor.full_name,
        rows=tuple(rows),
        refunds=refunds,
    )


def read_shift(db: sessionmaker[Session], actor: Actor, day: dt.date) -> ShiftData:
    """The shift report of ``day`` for the screen.

    Raises:
        PermissionDenied: the role takes no payments.
    """
    require(actor, Permission.TAKE_PAYMENTS)
    with db() as session:
        return shift_data(session, actor, day)


def _journal(session: Session, actor: Actor, day: dt.date, what: str, where: str) -> None:
    journal.record(
        session,
        "export",
        actor=actor,
        entity="report",
        changes={"report": "shift", "from": day.isoformat(), "to": day.isoformat()},
        details=f"{what}: {where}"[:1000],
    )


def shift_pdf(db: sessionmaker[Session], actor: Actor, day: dt.date) -> bytes:
    """The shift report of ``day`` as a PDF (journaled)."""
    require(actor, Permission.TAKE_PAYMENTS)
    with db() as session, session.begin():
        data = shift_data(session, actor, day)
        _journal(session, actor, day, "PDF", f"{day:%d.%m.%Y}")
    return render_shift(data)


def shift_document(
    db: sessionmaker[Session], actor: Actor, day: dt.date, _option: object = None
) -> PrintableDocument:
    """The shift report for the print dialog."""
    return PrintableDocument(
        kind="shift",
        pdf=shift_pdf(db, actor, day),
        title=translate("shift", "Shift report for {day}").format(day=f"{day:%d.%m.%Y}"),
        entity="report",
        entity_ids=(),
        day=day,
    )


def shift_workbook(data: ShiftData) -> ReportDocument:
    """The report's sheets: by registrar and method, by method, the refunds."""
    money = [
        Column("payments", translate("shift", "Payments"), Kind.INTEGER, Total.SUM),
        Column("taken", translate("shift", "Taken"), Kind.MONEY, Total.SUM),
        Column("refunds", translate("shift", "Refunds"), Kind.INTEGER, Total.SUM),
        Column("refunded", translate("shift", "Returned"), Kind.MONEY, Total.SUM),
        Column("net", translate("shift", "Net"), Kind.MONEY, Total.SUM),
    ]
    empty = translate("shift", "No payments on this day.")

    def figures(r: ShiftRow) -> list:
        return [r.payments, r.taken, r.refunds, r.refunded, r.net]

    title = translate("shift", "Shift report for {day}").format(day=f"{data.day:%d.%m.%Y}")
    return ReportDocument(
        title,
        [
            Table(
                translate("shift", "By registrar"),
                [
                    Column("cashier", translate("shift", "Registrar"), total=Total.LABEL, width=28),
                    Column("method", translate("shift", "Method"), width=16),
                    *money,
                ],
                [[r.cashier, r.method_title, *figures(r)] for r in data.rows],
                empty_message=empty,
            ),
            Table(
                translate("shift", "By method"),
                [
                    Column("method", translate("shift", "Method"), total=Total.LABEL, width=20),
                    *money,
                ],
                [[r.method_title, *figures(r)] for r in data.by_method()],
                empty_message=empty,
            ),
            Table(
                translate("shift", "Refunds"),
                [
                    Column("time", translate("shift", "Time"), width=8),
                    Column("refund", translate("shift", "Refund №"), Kind.INTEGER),
                    Column("payment", translate("shift", "Of payment №"), Kind.INTEGER),
                    Column("cashier", translate("shift", "Registrar"), total=Total.LABEL, width=24),
                    Column("patient", translate("shift", "Patient"), width=28),
                    Column("method", translate("shift", "Method"), width=14),
                    Column("amount", translate("shift", "Amount"), Kind.MONEY, Total.SUM),
                    Column("reason", translate("shift", "Reason"), width=34, wrap=True),
                ],
                [
                    [
                        f"{r.at:%H:%M}",
                        r.refund_id,
                        r.payment_id,
                        r.cashier,
                        r.patient,
                        r.method_title,
                        r.amount,
                        r.reason,
                    ]
                    for r in data.refunds
                ],
                empty_message=translate("shift", "No refunds on this day."),
            ),
        ],
        [
            (translate("shift", "Day"), data.day),
            (translate("shift", "Made by"), data.made_by),
            (translate("shift", "Made at"), f"{data.made_at:%d.%m.%Y %H:%M}"),
        ],
        [translate("shift", "Bonus points are counted at one rouble a point; they are not money.")],
        parameters_sheet=translate("shift", "Parameters"),
        no_data=None if data.rows else empty,
        period=(data.day, data.day),
    )


def shift_excel(
    db: sessionmaker[Session], actor: Actor, day: dt.date, path: str | os.PathLike[str]
) -> Path:
    """Write the shift report of ``day`` to ``path`` (``.xlsx``), journaled."""
    require(actor, Permission.TAKE_PAYMENTS)
    target = Path(path)
    with db() as session, session.begin():
        data = shift_data(session, actor, day)
        write_workbook(shift_workbook(data), target)
        _journal(session, actor, day, "Excel", target.name)
    return target
