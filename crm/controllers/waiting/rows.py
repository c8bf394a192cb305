"""Reading the waiting list: entries as the views show them, in queue order.

Split from :mod:`crm.controllers.waiting.queue` (which re-exports what it reads from
here); the offers and changes stay there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from crm.controllers.access.permissions import Permission, require
from crm.controllers.clinic import clock
from crm.controllers.clinic.clock import server_now
from crm.controllers.context import Actor
from crm.controllers.errors import NotFound
from crm.controllers.schedule.slots import short_name
from crm.i18n import translate
from crm.models import Doctor, Patient, Specialty, WaitingListEntry
from crm.models.enums import ContactChannel, WaitingStatus

W = WaitingStatus


@dataclass(frozen=True)
class WaitingEntry:
    """One entry of the waiting list as the view shows it.

    ``age`` is how long the entry has waited (from its creation to ``now``);
    ``offer_lapsed`` marks an offer whose time has already passed unanswered.
    """

    id: int
    patient_id: int
    patient_name: str
    patient_phone: str | None
    specialty_id: int | None
    specialty_name: str | None
    doctor_id: int | None
    doctor_name: str | None
    wished_from: dt.date
    wished_to: dt.date
    channel: ContactChannel
    note: str | None
    status: WaitingStatus
    created_at: dt.datetime
    age: dt.timedelta
    age_days: int
    offered_doctor_id: int | None
    offered_doctor_name: str | None
    offered_starts_at: dt.datetime | None
    offered_at: dt.datetime | None
    offer_lapsed: bool
    appointment_id: int | None


# --- reading ------------------------------------------------------------------------------


def entry_rows(session: Session, query: sa.Select[tuple[WaitingListEntry]], now: dt.datetime,
          tz: dt.tzinfo) -> list[WaitingEntry]:  # fmt: skip
    """The view records of the entries ``query`` selects (names read in bulk)."""
    entries = list(session.scalars(query))
    patients = {p.id: p for p in _load(session, Patient, {e.patient_id for e in entries})}
    doctors = {
        d.id: d
        for d in _load(
            session,
            Doctor,
            {e.doctor_id for e in entries} | {e.offered_doctor_id for e in entries},
        )
    }
    specialties = {s.id: s for s in _load(session, Specialty, {e.specialty_id for e in entries})}

    def doctor_name(doctor_id: int | None) -> str | None:
        d = doctors.get(doctor_id) if doctor_id is not None else None
        return short_name(d.last_name, d.first_name, d.patronymic) if d else None

    result = []
    for e in entries:
        p = patients[e.patient_id]
        specialty = specialties.get(e.specialty_id) if e.specialty_id is not None else None
        age = max(dt.timedelta(0), now - e.created_at)
        result.append(
            WaitingEntry(
                id=e.id,
                patient_id=p.id,
                patient_name=" ".join(x for x in (p.last_name, p.first_name, p.patronymic) if x),
                patient_phone=p.phone,
                specialty_id=e.specialty_id,
                specialty_name=specialty.name if specialty else None,
                doctor_id=e.doctor_id,
                doctor_name=doctor_name(e.doctor_id),
                wished_from=e.wished_from,
                wished_to=e.wished_to,
                channel=e.channel,
                note=e.note,
                status=e.status,
                created_at=e.created_at.astimezone(tz),
                age=age,
                age_days=age.days,
                offered_doctor_id=e.offered_doctor_id,
                offered_doctor_name=doctor_name(e.offered_doctor_id),
                offered_starts_at=(
                    e.offered_starts_at.astimezone(tz) if e.offered_starts_at else None
                ),
                offered_at=e.offered_at.astimezone(tz) if e.offered_at else None,
                offer_lapsed=(
                    e.status is W.OFFERED
                    and e.offered_starts_at is not None
                    and e.offered_starts_at <= now
                ),
                appointment_id=e.appointment_id,
            )
        )
    return result


def _load(session: Session, model: Any, ids: Iterable[int | None]) -> list[Any]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return []
    return list(session.scalars(sa.select(model).where(model.id.in_(wanted))))


def queue_order() -> sa.Select[tuple[WaitingListEntry]]:
    """All entries in the waiting list's order: oldest first."""
    return sa.select(WaitingListEntry).order_by(WaitingListEntry.created_at, WaitingListEntry.id)


def list_entries(
    db: sessionmaker[Session],
    actor: Actor,
    *,
    statuses: Iterable[WaitingStatus] = (W.WAITING, W.OFFERED),
    specialty_id: int | None = None,
    doctor_id: int | None = None,
    patient_id: int | None = None,
    for_doctor: int | None = None,
    now: dt.datetime | None = None,
) -> list[WaitingEntry]:
    """The entries in their order (oldest first), with the age of each.

    Args:
        for_doctor: only the entries this doctor could take: those naming the doctor,
            and those of the doctor's specialty that name none.
    """
    require(actor, Permission.FIND_PATIENTS)
    query = queue_order()
    wanted = list(statuses)
    if wanted:
        query = query.where(WaitingListEntry.status.in_(wanted))
    if specialty_id is not None:
        query = query.where(WaitingListEntry.specialty_id == specialty_id)
    if doctor_id is not None:
        query = query.where(WaitingListEntry.doctor_id == doctor_id)
    if patient_id is not None:
        query = query.where(WaitingListEntry.patient_id == patient_id)
    if for_doctor is not None:
        specialty = sa.select(Doctor.specialty_id).where(Doctor.id == for_doctor)
        query = query.where(
            sa.or_(
                WaitingListEntry.doctor_id == for_doctor,
                sa.and_(
                    WaitingListEntry.doctor_id.is_(None),
                    WaitingListEntry.specialty_id == specialty.scalar_subquery(),
                ),
            )
        )
    with db() as session:
        moment = server_now(session, now)
        return entry_rows(session, query, moment, clock.clinic_timezone(session))


def get_entry(
    db: sessionmaker[Session], actor: Actor, entry_id: int, *, now: dt.datetime | None = None
) -> WaitingEntry:
    """One entry.

    Raises:
        NotFound: no such entry.
    """
    require(actor, Permission.FIND_PATIENTS)
    with db() as session:
        moment = server_now(session, now)
        found = entry_rows(session, queue_order().where(WaitingListEntry.id == entry_id), moment,
                      clock.clinic_timezone(session))  # fmt: skip
    if not found:
        raise entry_not_found(entry_id)
    return found[0]


def pending_offers(
    db: sessionmaker[Session], actor: Actor, *, now: dt.datetime | None = None
) -> list[WaitingEntry]:
    """Offers waiting for the patient's answer (the desks' prompt), oldest first."""
    return list_entries(db, actor, statuses=(W.OFFERED,), now=now)


def entry_not_found(entry_id: int) -> NotFound:
    """The error for an entry that does not exist (any more)."""
    return NotFound(
        translate("waiting_list", "Waiting-list entry {id} does not exist").format(id=entry_id)
    )
