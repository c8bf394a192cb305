"""Small directories the forms choose from: specialties and active doctors."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from crm.controllers.access.permissions import Permission, require
from crm.controllers.context import Actor
from crm.controllers.schedule.slots import short_name
from crm.models import Doctor, Specialty


@dataclass(frozen=True)
class SpecialtyChoice:
    """A specialty (or a service such as УЗИ) and whether a doctor of it works here."""

    id: int
    code: str
    name: str
    is_service: bool
    has_doctors: bool


@dataclass(frozen=True)
class DoctorChoice:
    """An active doctor with the specialty, for pickers."""

    id: int
    short_name: str
    specialty_id: int
    specialty_name: str


def specialties(db: sessionmaker[Session], actor: Actor) -> tuple[SpecialtyChoice, ...]:
    """Every specialty in use, by name; a referral may name one no doctor here has."""
    require(actor, Permission.FIND_PATIENTS)
    staffed = sa.exists().where(Doctor.specialty_id == Specialty.id, Doctor.active)
    with db() as session:
        return tuple(
            SpecialtyChoice(r.id, r.code, r.name, r.is_service, r.staffed)
            for r in session.execute(
                sa.select(
                    Specialty.id, Specialty.code, Specialty.name, Specialty.is_service,
                    staffed.label("staffed"),
                )
                .where(Specialty.active)
                .order_by(Specialty.name)
            )
        )  # fmt: skip


def doctors(db: sessionmaker[Session], actor: Actor) -> tuple[DoctorChoice, ...]:
    """Active doctors by surname."""
    require(actor, Permission.FIND_PATIENTS)
    with db() as session:
        return tuple(
            DoctorChoice(r.id, short_name(r.last_name, r.first_name, r.patronymic),
                         r.specialty_id, r.name)  # fmt: skip
            for r in session.execute(
                sa.select(
                    Doctor.id, Doctor.last_name, Doctor.first_name, Doctor.patronymic,
                    Doctor.specialty_id, Specialty.name,
                )
                .join(Specialty, Specialty.id == Doctor.specialty_id)
                .where(Doctor.active)
                .order_by(Doctor.last_name, Doctor.first_name, Doctor.id)
            )
        )  # fmt: skip
