"""An appointment's history: its journal entries and its chain of reschedules.

Reading only. A rescheduled appointment is replaced by a new row that links back
to it (``rescheduled_from_id``), so "the appointment" a registrar points at is a
chain of rows; the history covers the whole chain, oldest first. Field values are
given as the desk reads them (dates ``ДД.ММ.ГГГГ ЧЧ:ММ``, names instead of ids,
statuses in words), field names translated, so a view shows them as they are.

Also the short list of services the booking dialog offers for a paid visit.
Anyone who may find patients may read both: neither holds medical contents.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from crm.controllers.access.permissions import Permission, require
from crm.controllers.clinic import clock
from crm.controllers.context import Actor
from crm.controllers.errors import NotFound
from crm.controllers.journal import words
from crm.controllers.schedule.slots import short_name
from crm.controllers.validation import format_date
from crm.controllers.vocabulary import appointment_kind_title as kind_title
from crm.controllers.vocabulary import appointment_status_title as status_title
from crm.i18n import translate
from crm.models import (
    Appointment,
    Doctor,
    JournalEntry,
    Patient,
    Referral,
    Room,
    Service,
    ServicePrice,
    User,
)
from crm.models.enums import AppointmentKind, AppointmentStatus, JournalOutcome

#: A chain longer than this is not followed further (a guard, not a rule).
MAX_CHAIN = 100
_ID_FIELDS = ("doctor_id", "patient_id", "room_id", "referral_id", "service_id")
_LINK_FIELDS = ("rescheduled_from_id", "replaced_by")


@dataclass(frozen=True)
class ServiceChoice:
    """A service of the catalogue, as the booking dialog offers it: ``price`` is the
    one valid on the day asked for (``None``: no day asked, or no price that day)."""

    id: int
    code: str
    name: str
    duration_slots: int
    specialty_id: int | None
    price: Decimal | None = None


@dataclass(frozen=True)
class ChangedField:
    """One field of a journal entry, before and after, ready to show ("" for empty)."""

    field: str
    title: str
    before: str
    after: str


@dataclass(frozen=True)
class HistoryEntry:
    """One journal entry about an appointment of the chain (``at`` in the clinic's zone)."""

    id: int
    at: dt.datetime
    appointment_id: int | None
    user_name: str | None
    workstation: str | None
    action: str
    action_title: str
    outcome: str
    outcome_title: str
    details: str | None
    changes: tuple[ChangedField, ...]


@dataclass(frozen=True)
class RescheduleLink:
    """One move of the chain: from the old appointment to the one replacing it."""

    from_id: int
    from_doctor: str
    from_starts_at: dt.datetime
    to_id: int
    to_doctor: str
    to_starts_at: dt.datetime
    at: dt.datetime | None
    user_name: str | None
    reason: str | None


@dataclass(frozen=True)
class AppointmentHistory:
    """Everything the history dialog shows.

    Attributes:
        appointment_id: the appointment asked about.
        chain_ids: the ids of the chain, oldest first (the asked one among them).
        patient_name: «Иванов Иван Иванович».
        entries: journal entries of the chain, oldest first.
        moves: the reschedules of the chain, oldest first.
    """

    appointment_id: int
    chain_ids: tuple[int, ...]
    patient_name: str
    entries: tuple[HistoryEntry, ...]
    moves: tuple[RescheduleLink, ...]


def list_services(
    db: sessionmaker[Session],
    actor: Actor,
    *,
    specialty_id: int | None = None,
    day: dt.date | None = None,
    doctor_id: int | None = None,
) -> list[ServiceChoice]:
    """Active services by name; with ``specialty_id`` (or ``doctor_id``: the doctor's
    specialty), those of it or of no specialty; with ``day``, each with its price valid
    that day (the visit's day)."""
    require(actor, Permission.FIND_PATIENTS)
    price = sa.null() if day is None else ServicePrice.amount
    query = sa.select(Service, price).where(Service.active).order_by(Service.name, Service.id)
    if day is not None:
        query = query.outerjoin(
            ServicePrice,
            sa.and_(
                ServicePrice.service_id == Service.id,
                ServicePrice.valid_from <= day,
                sa.or_(ServicePrice.valid_to.is_(None), ServicePrice.valid_to >= day),
            ),
        )
    if specialty_id is not None:
        query = query.where(
            sa.or_(Service.specialty_id.is_(None), Service.specialty_id == specialty_id)
        )
    with db() as session:
        if doctor_id is not None and specialty_id is None:
            specialty = session.scalar(sa.select(Doctor.specialty_id).where(Doctor.id == doctor_id))
            query = query.where(
                sa.or_(Service.specialty_id.is_(None), Service.specialty_id == specialty)
            )
        return [
            ServiceChoice(s.id, s.code, s.name, s.duration_slots, s.specialty_id, amount)
            for s, amount in session.execute(query)
        ]


def load_history(
    db: sessionmaker[Session], actor: Actor, appointment_id: int
) -> AppointmentHistory:
    """The history of ``appointment_id`` and of the appointments it replaced or was
    replaced by.

    Raises:
        NotFound: no such appointment.
    """
    require(actor, Permission.FIND_PATIENTS)
    with db() as session, session.begin():
        tz = clock.clinic_timezone(session)
        chain = _chain(session, appointment_id)
        ids = [row.id for row in chain]
        entries = _entries(session, ids)
        names = _Names(session, chain, entries)
        patient = session.get(Patient, chain[0].patient_id)
        assert patient is not None  # a foreign key
        shown = tuple(_entry(e, user, names, tz) for e, user in entries)
        return AppointmentHistory(
            appointment_id=appointment_id,
            chain_ids=tuple(ids),
            patient_name=_full_name(patient.last_name, patient.first_name, patient.patronymic),
            entries=shown,
            moves=tuple(_moves(chain, shown, names, tz)),
        )


# --- reading ----------------------------------------------------------------------------


def _chain(session: Session, appointment_id: int) -> list[Appointment]:
    row = session.get(Appointment, appointment_id)
    if row is None:
        raise NotFound(
            translate("appointment_history", "Appointment {id} does not exist").format(
                id=appointment_id
            )
        )
    chain = [row]
    while chain[0].rescheduled_from_id is not None and len(chain) < MAX_CHAIN:
        older = session.get(Appointment, chain[0].rescheduled_from_id)
        if older is None:
            break
        chain.insert(0, older)
    while len(chain) < MAX_CHAIN:
        newer = session.scalars(
            sa.select(Appointment).where(Appointment.rescheduled_from_id == chain[-1].id)
        ).first()
        if newer is None:
            break
        chain.append(newer)
    return chain


def _entries(session: Session, ids: Sequence[int]) -> list[tuple[JournalEntry, str | None]]:
    query = (
        sa.select(JournalEntry, User.full_name)
        .outerjoin(User, User.id == JournalEntry.user_id)
        .where(JournalEntry.entity == "appointment", JournalEntry.entity_id.in_(list(ids)))
        .order_by(JournalEntry.at, JournalEntry.id)
    )
    return [(entry, name) for entry, name in session.execute(query).tuples()]


class _Names:
    """Names for the ids the entries mention, read in one query per table."""

    def __init__(
        self,
        session: Session,
        chain: Iterable[Appointment],
        entries: Iterable[tuple[JournalEntry, str | None]],
    ) -> None:
        wanted: dict[str, set[int]] = {name: set() for name in _ID_FIELDS}
        for row in chain:
            wanted["doctor_id"].add(row.doctor_id)
        for entry, _user in entries:
            for name, change in (entry.changes or {}).items():
                if name in wanted:
                    wanted[name].update(v for v in _pair(change) if isinstance(v, int))
        self.doctors = {
            d.id: short_name(d.last_name, d.first_name, d.patronymic)
            for d in _rows(session, Doctor, wanted["doctor_id"])
        }
        self.patients = {
            p.id: _full_name(p.last_name, p.first_name, p.patronymic)
            for p in _rows(session, Patient, wanted["patient_id"])
        }
        self.rooms = {r.id: r.number for r in _rows(session, Room, wanted["room_id"])}
        self.referrals = {r.id: r.number for r in _rows(session, Referral, wanted["referral_id"])}
        self.services = {s.id: s.name for s in _rows(session, Service, wanted["service_id"])}

    def of(self, field: str, value: int) -> str | None:
        table = {
            "doctor_id": self.doctors,
            "patient_id": self.patients,
            "room_id": self.rooms,
            "referral_id": self.referrals,
            "service_id": self.services,
        }[field]
        return table.get(value)


def _rows(session: Session, model: Any, ids: set[int]) -> list[Any]:
    if not ids:
        return []
    return list(session.scalars(sa.select(model).where(model.id.in_(ids))))


def _pair(change: Any) -> tuple[Any, Any]:
    if isinstance(change, Sequence) and not isinstance(change, str) and len(change) == 2:
        return change[0], change[1]
    return None, change


def _entry(
    entry: JournalEntry, user_name: str | None, names: _Names, tz: dt.tzinfo
) -> HistoryEntry:
    changes = []
    for name, change in sorted((entry.changes or {}).items(), key=lambda kv: _order(kv[0])):
        before, after = _pair(change)
        changes.append(
            ChangedField(
                field=name,
                title=field_title(name),
                before=show_value(name, before, names, tz),
                after=show_value(name, after, names, tz),
            )
        )
    return HistoryEntry(
        id=entry.id,
        at=entry.at.astimezone(tz),
        appointment_id=entry.entity_id,
        user_name=user_name or entry.login,
        workstation=entry.workstation,
        action=entry.action,
        action_title=action_title(entry.action),
        outcome=entry.outcome.value,
        outcome_title=outcome_title(entry.outcome),
        details=entry.details,
        changes=tuple(changes),
    )


def _moves(
    chain: Sequence[Appointment],
    entries: Sequence[HistoryEntry],
    names: _Names,
    tz: dt.tzinfo,
) -> list[RescheduleLink]:
    done = {
        e.appointment_id: e
        for e in entries
        if e.action == "reschedule" and e.outcome == JournalOutcome.OK.value
    }
    moves = []
    for old, new in zip(chain, chain[1:], strict=False):
        entry = done.get(old.id)
        moves.append(
            RescheduleLink(
                from_id=old.id,
                from_doctor=names.doctors.get(old.doctor_id, ""),
                from_starts_at=old.starts_at.astimezone(tz),
                to_id=new.id,
                to_doctor=names.doctors.get(new.doctor_id, ""),
                to_starts_at=new.starts_at.astimezone(tz),
                at=entry.at if entry else None,
                user_name=entry.user_name if entry else None,
                reason=entry.details if entry else None,
            )
        )
    return moves


def _full_name(last_name: str, first_name: str, patronymic: str | None) -> str:
    return " ".join(p for p in (last_name, first_name, patronymic) if p)


# --- words ------------------------------------------------------------------------------


def _field_titles() -> dict[str, str]:
    return {
        "starts_at": translate("appointment_history", "Start"),
        "ends_at": translate("appointment_history", "End"),
        "doctor_id": translate("appointment_history", "Doctor"),
        "patient_id": translate("appointment_history", "Patient"),
        "room_id": translate("appointment_history", "Room"),
        "status": translate("appointment_history", "Status"),
        "kind": translate("appointment_history", "Kind"),
        "referral_id": translate("appointment_history", "Referral"),
        "service_id": translate("appointment_history", "Service"),
        "overbooked": translate("appointment_history", "Over the schedule"),
        "overbook_reason": translate("appointment_history", "Reason for overbooking"),
        "rescheduled_from_id": translate("appointment_history", "Moved from"),
        "replaced_by": translate("appointment_history", "Moved to"),
        "cancelled_by": translate("appointment_history", "Cancelled by"),
        "cancel_reason": translate("appointment_history", "Reason for cancelling"),
        "video_link": translate("appointment_history", "Video link"),
        "note": translate("appointment_history", "Note"),
    }


def _order(field: str) -> int:
    order = list(_field_titles())
    return order.index(field) if field in order else len(order)


def field_title(field: str) -> str:
    """A journaled field's name in the current language (the journal's word for the
    fields this dialog does not name itself, the key itself if none knows it)."""
    return _field_titles().get(field) or words.field_title(field)


def action_title(action: str) -> str:
    """A journal action about an appointment in words."""
    titles = {
        "create": translate("appointment_history", "booked"),
        "reschedule": translate("appointment_history", "rescheduled"),
        "status": translate("appointment_history", "status changed"),
        "cancel": translate("appointment_history", "cancelled"),
        "print": translate("appointment_history", "ticket printed"),
    }
    return titles.get(action) or words.action_title(action)


def outcome_title(outcome: JournalOutcome) -> str:
    """Whether the action went through, in words."""
    titles = {
        JournalOutcome.OK: translate("appointment_history", "done"),
        JournalOutcome.REFUSED: translate("appointment_history", "refused"),
        JournalOutcome.FAILED: translate("appointment_history", "failed"),
    }
    return titles[outcome]


def format_moment(moment: dt.datetime, tz: dt.tzinfo) -> str:
    """``ДД.ММ.ГГГГ ЧЧ:ММ`` in ``tz``."""
    local = moment.astimezone(tz)
    return f"{format_date(local.date())} {local:%H:%M}"


def show_value(field: str, value: Any, names: _Names | None, tz: dt.tzinfo) -> str:
    """A journaled value of ``field`` as the desk reads it ("" when empty)."""
    if value is None or value == "":
        return ""
    if field in ("starts_at", "ends_at") and isinstance(value, str):
        try:
            return format_moment(dt.datetime.fromisoformat(value), tz)
        except ValueError:
            return value
    if field == "status":
        try:
            return status_title(AppointmentStatus(value))
        except ValueError:
            return str(value)
    if field == "kind":
        try:
            return kind_title(AppointmentKind(value))
        except ValueError:
            return str(value)
    if field == "cancelled_by":
        by = {
            "patient": translate("appointment_history", "the patient"),
            "clinic": translate("appointment_history", "the clinic"),
        }
        return by.get(str(value), str(value))
    if isinstance(value, bool):
        if value:
            return translate("appointment_history", "yes")
        return translate("appointment_history", "no")
    if field in _LINK_FIELDS:
        return translate("appointment_history", "appointment № {id}").format(id=value)
    if field in _ID_FIELDS and isinstance(value, int) and names is not None:
        name = names.of(field, value)
        if field == "room_id" and name:
            return translate("appointment_history", "room {number}").format(number=name)
        return name or f"№ {value}"
    return str(value)
