"""A small clinic for the referral, waiting-list and priority tests (real rows via the ORM)."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from crm.controllers.context import Actor
from crm.controllers.referrals.editing import ReferralForm
from crm.models import IssuingOrganisation
from crm.models.enums import ReferralKind, Role
from tests import booking_factories as bf
from tests import factories as f

_counter = itertools.count(1)
DAY = dt.date(2031, 3, 3)  # a Monday of an ordinary week
TODAY = DAY - dt.timedelta(days=7)
NOW = f.at(TODAY, "12:00")


def ogrn(n: int | None = None) -> str:
    """A valid ОГРН (13 digits, the check digit right)."""
    base = f"102770{(n if n is not None else next(_counter)) % 1_000_000:06d}"
    return base + str(int(base) % 11 % 10)


@dataclass(frozen=True)
class Desk:
    """Doctors of specialty A (Петров, Сидорова) work every day 09–18 (room 101/102),
    Кузнецов (specialty B) too; four insured patients; one user of each role."""

    doctor: int
    colleague: int
    other: int
    specialty_a: int
    specialty_b: int
    patients: tuple[int, ...]
    organisation: int
    registrar: Actor
    manager: Actor
    doctor_user: Actor
    admin: Actor


def make_desk(db: sessionmaker[Session]) -> Desk:
    """Build the clinic in ``db``."""
    with db() as session, session.begin():
        branch, spec_a = f.clinic(session)
        spec_b = bf.specialty(session)
        petrov = f.doctor(session, branch, spec_a, "Петров")
        sidorova = f.doctor(session, branch, spec_a, "Сидорова")
        kuznetsov = f.doctor(session, branch, spec_b, "Кузнецов")
        for row, number in ((petrov, "101"), (sidorova, "102"), (kuznetsov, "103")):
            bf.hours(session, row, "09:00-18:00", weekdays=bf.EVERY_DAY, works_on_holidays=True,
                     room_row=bf.room(session, branch, f"{number}-{next(_counter)}"))  # fmt: skip
        patients = tuple(bf.insure(session, f.patient(session, f"Пациент{i}")).id for i in range(4))
        organisation = IssuingOrganisation(
            name="ГБУЗ «Городская поликлиника № 3 ДЗМ»", ogrn=ogrn(), address="Москва"
        )
        session.add(organisation)
        session.flush()
        return Desk(
            doctor=petrov.id,
            colleague=sidorova.id,
            other=kuznetsov.id,
            specialty_a=spec_a.id,
            specialty_b=spec_b.id,
            patients=patients,
            organisation=organisation.id,
            registrar=bf.user(session, Role.REGISTRAR),
            manager=bf.user(session, Role.MANAGER),
            doctor_user=bf.user(session, Role.DOCTOR, doctor=petrov),
            admin=bf.user(session, Role.ADMIN),
        )


def form(desk: Desk, **changes: object) -> ReferralForm:
    """A valid standard referral form of the first patient to specialty A, issued ``TODAY``."""
    values: dict[str, object] = {
        "number": f"{next(_counter):07d}",
        "organisation_id": desk.organisation,
        "patient_id": desk.patients[0],
        "specialty_id": desk.specialty_a,
        "diagnosis_code": "I10",
        "kind": ReferralKind.STANDARD,
        "issued_on": TODAY,
        "emergency_days": None,
        "issuing_doctor": "Смирнова А. В.",
    }
    values.update(changes)
    return ReferralForm(**values)  # type: ignore[arg-type]
