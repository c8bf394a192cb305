"""Builders for the booking tests: working hours, users, referrals (real rows via the ORM)."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable
from functools import cache

from sqlalchemy.orm import Session

from crm.controllers.context import Actor
from crm.models import (
    Branch,
    Doctor,
    IssuingOrganisation,
    Patient,
    Referral,
    Room,
    ScheduleException,
    ScheduleTemplate,
    Specialty,
    User,
)
from crm.models.enums import ExceptionKind, PolicyKind, ReferralKind, ReferralStatus, Role

_counter = itertools.count(1)
EVERY_DAY = (1, 2, 3, 4, 5, 6, 7)
WEEKDAYS = (1, 2, 3, 4, 5)


def room(session: Session, branch: Branch, number: str | None = None) -> Room:
    """A room of ``branch``."""
    row = Room(branch_id=branch.id, number=number or str(100 + next(_counter)))
    session.add(row)
    session.flush()
    return row


def hours(
    session: Session,
    doctor: Doctor,
    span: str = "09:00-18:00",
    *,
    weekdays: Iterable[int] = WEEKDAYS,
    room_row: Room | None = None,
    valid_from: dt.date = dt.date(2020, 1, 1),
    valid_to: dt.date | None = None,
    works_on_holidays: bool = False,
) -> None:
    """Weekly templates of ``doctor``: ``span`` on each of ``weekdays``."""
    start, end = (dt.time.fromisoformat(x) for x in span.split("-"))
    session.add_all(
        ScheduleTemplate(
            doctor_id=doctor.id,
            weekday=weekday,
            starts=start,
            ends=end,
            room_id=room_row.id if room_row else None,
            valid_from=valid_from,
            valid_to=valid_to,
            works_on_holidays=works_on_holidays,
        )
        for weekday in weekdays
    )
    session.flush()


def exception(
    session: Session,
    doctor: Doctor,
    kind: ExceptionKind,
    starts: dt.datetime,
    ends: dt.datetime,
    *,
    room_row: Room | None = None,
) -> None:
    """A schedule exception of ``doctor``."""
    session.add(
        ScheduleException(
            doctor_id=doctor.id,
            kind=kind,
            starts_at=starts,
            ends_at=ends,
            room_id=room_row.id if room_row else None,
            reason="для теста",
        )
    )
    session.flush()


def specialty(session: Session, name: str | None = None) -> Specialty:
    """Another specialty."""
    n = next(_counter)
    row = Specialty(code=f"bspec{n}", name=name or f"Специальность Б{n}")
    session.add(row)
    session.flush()
    return row


#: The password of every user :func:`user` makes (for the command line's ``--as``).
PASSWORD = "пароль-для-тестов"


@cache
def _password_hash() -> str:
    from crm.controllers.access.auth import hash_password

    return hash_password(PASSWORD)


def user(session: Session, role: Role, *, doctor: Doctor | None = None) -> Actor:
    """A user of ``role`` and the actor for it (password :data:`PASSWORD`)."""
    n = next(_counter)
    row = User(
        login=f"{role.value}{n}",
        full_name=f"Пользователь {n}",
        role=role,
        password_hash=_password_hash(),
        doctor_id=doctor.id if doctor else None,
    )
    session.add(row)
    session.flush()
    return Actor(row.id, row.login, row.full_name, role, "desk-test", row.doctor_id)


def insure(session: Session, patient: Patient, ends_on: dt.date | None = None) -> Patient:
    """Give ``patient`` an ОМС policy (needed for booking by referral)."""
    patient.policy_kind = PolicyKind.OLD
    patient.policy_series = "77"
    patient.policy_number = f"{next(_counter):010d}"
    patient.policy_ends_on = ends_on
    session.flush()
    return patient


def referral(
    session: Session,
    patient: Patient,
    target: Specialty,
    *,
    issued_on: dt.date,
    kind: ReferralKind = ReferralKind.STANDARD,
    valid_days: int = 30,
    status: ReferralStatus = ReferralStatus.ACTIVE,
    number: str | None = None,
) -> Referral:
    """A referral of ``patient`` to ``target``."""
    n = next(_counter)
    organisation = IssuingOrganisation(
        name=f"ГБУЗ «Городская поликлиника № {n}»", ogrn=f"{1027700000000 + n}"
    )
    session.add(organisation)
    session.flush()
    row = Referral(
        number=number or f"N{n:06d}",
        organisation_id=organisation.id,
        issued_on=issued_on,
        patient_id=patient.id,
        specialty_id=target.id,
        diagnosis_code="I10",
        kind=kind,
        valid_days=valid_days,
        status=status,
        cancel_reason="отозвано" if status is ReferralStatus.CANCELLED else None,
    )
    session.add(row)
    session.flush()
    return row
