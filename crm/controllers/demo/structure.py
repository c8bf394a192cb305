"""Writing the demo clinic's structure: branches, rooms, specialties, doctors, hours, users.

Ids are reserved from each table's sequence first (:func:`allocate`) so that rows
referring to each other can be built in memory and written with a single
multi-row ``INSERT`` per table, without a round trip per row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from crm.controllers.access.database_login import sync_login
from crm.controllers.demo.clinic import (
    ALTERNATIVES,
    BRANCHES,
    DOCTORS,
    INSURERS,
    ISSUING_ORGANISATIONS,
    SERVICES,
    SPECIALTIES,
    ExceptionSpec,
)
from crm.controllers.demo.extras import service_rows
from crm.controllers.demo.schedule import MOSCOW
from crm.controllers.demo.users import DEMO_PASSWORD, DEMO_USERS
from crm.models import (
    Branch,
    Doctor,
    Insurer,
    IssuingOrganisation,
    Room,
    ScheduleException,
    ScheduleTemplate,
    Service,
    ServicePrice,
    Specialty,
    SpecialtyAlternative,
    User,
)
from crm.models.base import Base


def allocate(session: Session, table: str, count: int) -> list[int]:
    """Reserve ``count`` ids from ``table``'s ``id`` sequence, ascending."""
    if count <= 0:
        return []
    ids = session.scalars(
        sa.text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"),
        {"table": table, "n": count},
    ).all()
    return sorted(int(value) for value in ids)


def insert_rows(session: Session, model: type[Base], rows: Sequence[dict[str, Any]]) -> None:
    """One multi-row ``INSERT`` (batched by SQLAlchemy) of ``rows`` into ``model``'s table."""
    if rows:
        session.execute(sa.insert(model.__table__), list(rows))  # type: ignore[arg-type]


@dataclass(frozen=True)
class ClinicIds:
    """Ids the structure was written under.

    Attributes:
        doctors: by doctor index.
        rooms: by (branch index, room number).
        specialties: by specialty code.
        services: by service index.
        insurers: by insurer index.
        organisations: by issuing organisation index.
        users: by login.
    """

    doctors: list[int]
    rooms: dict[tuple[int, str], int]
    specialties: dict[str, int]
    services: list[int]
    insurers: list[int]
    organisations: list[int]
    users: dict[str, int]

    def doctor_room(self, doctor: int, number: str) -> int:
        """The id of room ``number`` in the doctor's branch."""
        return self.rooms[(DOCTORS[doctor].branch, number)]


def write_structure(
    session: Session,
    today: dt.date,
    now: dt.datetime,
    password_hash: str,
    exceptions: Sequence[ExceptionSpec],
) -> ClinicIds:
    """Write everything the patients' data refers to and return the ids."""
    branch_ids = allocate(session, "branch", len(BRANCHES))
    insert_rows(
        session,
        Branch,
        [
            {"id": bid, "name": b.name, "address": b.address, "phone": b.phone, "active": True}
            for bid, b in zip(branch_ids, BRANCHES, strict=True)
        ],
    )
    room_keys = [(bi, number, name) for bi, b in enumerate(BRANCHES) for number, name in b.rooms]
    room_ids = allocate(session, "room", len(room_keys))
    insert_rows(
        session,
        Room,
        [
            {"id": rid, "branch_id": branch_ids[bi], "number": number, "name": name, "active": True}
            for rid, (bi, number, name) in zip(room_ids, room_keys, strict=True)
        ],
    )
    rooms = {(bi, number): rid for rid, (bi, number, _) in zip(room_ids, room_keys, strict=True)}

    specialty_ids = allocate(session, "specialty", len(SPECIALTIES))
    insert_rows(
        session,
        Specialty,
        [
            {"id": sid, "code": s.code, "name": s.name, "is_service": s.is_service}
            for sid, s in zip(specialty_ids, SPECIALTIES, strict=True)
        ],
    )
    specialties = {s.code: sid for sid, s in zip(specialty_ids, SPECIALTIES, strict=True)}
    insert_rows(
        session,
        SpecialtyAlternative,
        [
            {"specialty_id": specialties[a], "alternative_id": specialties[b]}
            for a, b in ALTERNATIVES
        ],
    )

    doctor_ids = allocate(session, "doctor", len(DOCTORS))
    insert_rows(
        session,
        Doctor,
        [
            {
                "id": did,
                "last_name": d.last_name,
                "first_name": d.first_name,
                "patronymic": d.patronymic,
                "specialty_id": specialties[d.specialty],
                "category": d.category,
                "degree": d.degree,
                "licence_number": d.licence,
                "branch_id": branch_ids[d.branch],
                "default_room_id": rooms[(d.branch, d.room)],
                "offers_remote": d.remote,
                "slot_minutes": 15,
                "active": True,
            }
            for did, d in zip(doctor_ids, DOCTORS, strict=True)
        ],
    )
    valid_from = today - dt.timedelta(days=365)
    insert_rows(
        session,
        ScheduleTemplate,
        [
            {
                "doctor_id": doctor_ids[di],
                "weekday": weekday,
                "starts": shift.starts,
                "ends": shift.ends,
                "room_id": rooms[(d.branch, d.room)],
                "valid_from": valid_from,
                "valid_to": None,
                "works_on_holidays": shift.works_on_holidays,
            }
            for di, d in enumerate(DOCTORS)
            for shift in d.shifts
            for weekday in shift.weekdays
        ],
    )

    user_ids = allocate(session, "app_user", len(DEMO_USERS))
    insert_rows(
        session,
        User,
        [
            {
                "id": uid,
                "login": u.login,
                "full_name": u.full_name,
                "role": u.role,
                "password_hash": password_hash,
                "doctor_id": None if u.doctor_index is None else doctor_ids[u.doctor_index],
                "active": True,
                "failed_attempts": 0,
            }
            for uid, u in zip(user_ids, DEMO_USERS, strict=True)
        ],
    )
    users = {u.login: uid for uid, u in zip(user_ids, DEMO_USERS, strict=True)}
    for user in session.scalars(sa.select(User).where(User.id.in_(user_ids))):
        sync_login(session, user, password=DEMO_PASSWORD)
    insert_rows(
        session,
        ScheduleException,
        [
            {
                "doctor_id": doctor_ids[e.doctor],
                "kind": e.kind,
                "starts_at": e.starts.replace(tzinfo=MOSCOW),
                "ends_at": e.ends.replace(tzinfo=MOSCOW),
                "room_id": None,
                "reason": e.reason,
                "created_by_id": users["manager"],
                "created_at": now - dt.timedelta(days=1),
            }
            for e in exceptions
        ],
    )

    insurer_ids = allocate(session, "insurer", len(INSURERS))
    insert_rows(
        session,
        Insurer,
        [
            {"id": iid, "name": name, "code": code}
            for iid, (name, code) in zip(insurer_ids, INSURERS, strict=True)
        ],
    )
    organisation_ids = allocate(session, "issuing_organisation", len(ISSUING_ORGANISATIONS))
    insert_rows(
        session,
        IssuingOrganisation,
        [
            {"id": oid, "name": name, "ogrn": ogrn, "address": address}
            for oid, (name, ogrn, address) in zip(
                organisation_ids, ISSUING_ORGANISATIONS, strict=True
            )
        ],
    )
    service_ids = allocate(session, "service", len(SERVICES))
    services, prices = service_rows(today, specialties, service_ids)
    insert_rows(session, Service, services)
    insert_rows(session, ServicePrice, prices)
    return ClinicIds(
        doctor_ids, rooms, specialties, service_ids, insurer_ids, organisation_ids, users
    )
