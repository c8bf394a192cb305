"""Expiry of bonus points for every patient: the clinic's background service's job.

:func:`due_patients` finds, in one query, the patients holding points whose accruals
have expired and are not yet written off; :func:`expire_all` writes each one's off
through :func:`crm.controllers.payments.bonus.expire` (one short transaction per
patient under that patient's advisory lock). Run twice, or by two services at once,
it writes each lapse once: the second run finds nothing left to expire.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from crm.controllers.clinic.clock import clinic_today
from crm.controllers.payments import bonus
from crm.models import BonusLedgerEntry, Patient


@dataclass(frozen=True)
class ExpiryRun:
    """What a run wrote off: patients touched and points in all."""

    patients: int
    points: int


def due_patients(session: Session) -> list[int]:
    """The patients with points to write off today (expired accruals not yet covered
    by what was spent, refunded, corrected or expired), by id."""
    entries = BonusLedgerEntry.__table__.c
    today = clinic_today(session)
    expired = sa.func.coalesce(
        sa.func.sum(entries.delta).filter(entries.kind == "accrual", entries.expires_on < today),
        0,
    )
    taken = sa.func.coalesce(-sa.func.sum(entries.delta).filter(entries.delta < 0), 0)
    query = (
        sa.select(entries.patient_id)
        .join(Patient, Patient.id == entries.patient_id)
        .where(Patient.bonus_balance > 0)
        .group_by(entries.patient_id)
        .having(expired - taken > 0)
        .order_by(entries.patient_id)
    )
    return list(session.scalars(query))


def is_due(db: sessionmaker[Session]) -> bool:
    """Whether any patient has points to write off."""
    with db() as session:
        return bool(due_patients(session))


def expire_all(db: sessionmaker[Session]) -> ExpiryRun:
    """Write off every patient's expired points (as the background service)."""
    with db() as session:
        patients = due_patients(session)
    touched = points = 0
    for patient_id in patients:
        lapsed = bonus.expire(db, None, patient_id=patient_id)
        if lapsed:
            touched, points = touched + 1, points + lapsed
    return ExpiryRun(touched, points)
