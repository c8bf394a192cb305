"""Free-slot search: by doctor or by specialty over a date range, nearest first.

A free slot is a run of ``slots`` consecutive slots of a doctor inside one working
period (see :mod:`crm.controllers.schedule.calendar`) that no appointment holding its slot
overlaps, starting no earlier than now. Overbooked appointments count as busy too:
the doctor is seeing someone then, whatever the constraint allows.

The search reads the working hours in bulk and the appointments of the range in one
query, then does the rest in memory.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import InstrumentedAttribute, Session

from crm.controllers.clinic import clock
from crm.controllers.clinic.clock import SessionSource, reading
from crm.controllers.errors import FreeSlot, NotFound
from crm.controllers.schedule import calendar
from crm.controllers.schedule.calendar import RoomId
from crm.i18n import translate
from crm.models import Appointment, Doctor, Room, Specialty
from crm.models.appointments import HOLDS_SLOT

DEFAULT_LIMIT = 50
# How many days after the wanted day alternatives are looked for: a few first, then more.
ALTERNATIVES_HORIZON = tuple(dt.timedelta(days=n) for n in (0, 2, 14, 60))


@dataclass(frozen=True)
class _DoctorInfo:
    id: int
    name: str
    specialty_id: int
    specialty_name: str


def short_name(last_name: str, first_name: str, patronymic: str | None) -> str:
    """``Иванова И. И.`` (or ``Иванова И.`` without a patronymic)."""
    initials = f"{first_name[:1]}." + (f" {patronymic[:1]}." if patronymic else "")
    return f"{last_name} {initials}"


def _doctors(
    session: Session,
    *,
    doctor_ids: Iterable[int] = (),
    specialty_id: int | None = None,
    active_only: bool = True,
) -> list[_DoctorInfo]:
    query = sa.select(
        Doctor.id,
        Doctor.last_name,
        Doctor.first_name,
        Doctor.patronymic,
        Doctor.specialty_id,
        Specialty.name,
    ).join(Specialty, Specialty.id == Doctor.specialty_id)
    ids = list(doctor_ids)
    if ids:
        query = query.where(Doctor.id.in_(ids))
    if specialty_id is not None:
        query = query.where(Doctor.specialty_id == specialty_id)
    if active_only:
        query = query.where(Doctor.active)
    return [
        _DoctorInfo(
            row.id,
            short_name(row.last_name, row.first_name, row.patronymic),
            row.specialty_id,
            row.name,
        )
        for row in session.execute(query.order_by(Doctor.last_name, Doctor.id))
    ]


class _Busy:
    """Busy intervals of one doctor or patient, for overlap tests in O(log n)."""

    def __init__(self, intervals: Iterable[tuple[dt.datetime, dt.datetime]]) -> None:
        ordered = sorted(intervals)
        self.starts = [s for s, _ in ordered]
        self.max_end: list[dt.datetime] = []
        for _, end in ordered:
            self.max_end.append(max(end, self.max_end[-1]) if self.max_end else end)

    def overlaps(self, starts: dt.datetime, ends: dt.datetime) -> bool:
        # Intervals starting before ``ends`` are a prefix; one of them reaches past
        # ``starts`` exactly when the largest end of that prefix does.
        index = bisect.bisect_left(self.starts, ends)
        return index > 0 and self.max_end[index - 1] > starts


def _busy(
    session: Session,
    column: InstrumentedAttribute[int],
    ids: Sequence[int],
    range_start: dt.datetime,
    range_end: dt.datetime,
) -> dict[int, _Busy]:
    rows = session.execute(
        sa.select(column, Appointment.starts_at, Appointment.ends_at).where(
            column.in_(ids),
            sa.text(HOLDS_SLOT),
            Appointment.starts_at < range_end,
            Appointment.ends_at > range_start,
        )
    )
    grouped: dict[int, list[tuple[dt.datetime, dt.datetime]]] = {i: [] for i in ids}
    for owner, starts, ends in rows:
        grouped[owner].append((starts, ends))
    return {owner: _Busy(intervals) for owner, intervals in grouped.items()}


def _server_now(session: Session) -> dt.datetime:
    now: dt.datetime = session.execute(sa.select(sa.func.now())).scalar_one()
    return now


@dataclass(frozen=True)
class _Found:
    """A free run before it is dressed as a :class:`FreeSlot` (most are never shown)."""

    starts: dt.datetime
    ends: dt.datetime
    doctor: _DoctorInfo
    room: RoomId


class _Search:
    """Free runs of some doctors over a range of days, read with a few queries."""

    def __init__(self, session: Session, doctors: Sequence[_DoctorInfo], *, slots: int,
                 now: dt.datetime, patient_id: int | None, tz: dt.tzinfo) -> None:  # fmt: skip
        self.session, self.doctors, self.slots = session, doctors, slots
        self.now, self.patient_id, self.tz = now, patient_id, tz
        self.rooms: dict[int, str] = {}

    def runs(self, date_from: dt.date, date_to: dt.date) -> list[_Found]:
        """Every free run from ``date_from`` to ``date_to`` (unordered)."""
        if not self.doctors or date_to < date_from:
            return []
        ids = [d.id for d in self.doctors]
        periods = calendar.working_periods_bulk(self.session, ids, date_from, date_to, tz=self.tz)
        range_start, _ = calendar.day_bounds(date_from, self.tz)
        _, range_end = calendar.day_bounds(date_to, self.tz)
        busy = _busy(self.session, Appointment.doctor_id, ids, range_start, range_end)
        patient_busy = None
        if self.patient_id is not None:
            patient_busy = _busy(
                self.session, Appointment.patient_id, [self.patient_id], range_start, range_end
            )[self.patient_id]
        found: list[_Found] = []
        for doctor in self.doctors:
            for period in periods[doctor.id]:
                length = self.slots * period.step
                for starts in period.slots():
                    ends = starts + length
                    if ends > period.ends:
                        break
                    if starts < self.now or busy[doctor.id].overlaps(starts, ends):
                        continue
                    if patient_busy is not None and patient_busy.overlaps(starts, ends):
                        continue
                    found.append(_Found(starts, ends, doctor, period.room))
        return found

    def dress(self, found: Iterable[_Found]) -> list[FreeSlot]:
        """The chosen runs as :class:`FreeSlot` records, with room numbers."""
        chosen = list(found)
        missing = {f.room for f in chosen if f.room is not None} - set(self.rooms)
        if missing:
            rows = self.session.execute(sa.select(Room.id, Room.number).where(Room.id.in_(missing)))
            self.rooms.update({room_id: number for room_id, number in rows})
        return [
            FreeSlot(
                doctor_id=f.doctor.id,
                doctor_name=f.doctor.name,
                specialty_id=f.doctor.specialty_id,
                specialty_name=f.doctor.specialty_name,
                starts_at=f.starts.astimezone(self.tz),
                ends_at=f.ends.astimezone(self.tz),
                room_id=f.room,
                room_number=self.rooms.get(f.room) if f.room is not None else None,
            )
            for f in chosen
        ]


def free_slots(
    source: SessionSource,
    *,
    doctor_id: int | None = None,
    specialty_id: int | None = None,
    date_from: dt.date,
    date_to: dt.date,
    slots: int = 1,
    limit: int | None = DEFAULT_LIMIT,
    patient_id: int | None = None,
    now: dt.datetime | None = None,
) -> list[FreeSlot]:
    """Free runs of ``slots`` consecutive slots, the soonest first.

    Args:
        source: a session or the session factory.
        doctor_id: search this doctor's schedule…
        specialty_id: …or the schedules of every active doctor of this specialty.
        date_from: first local day searched.
        date_to: last local day searched (inclusive).
        slots: how many consecutive slots the visit takes.
        limit: at most this many results (``None``: all).
        patient_id: leave out times when this patient is already booked elsewhere.
        now: the current time (the database server's clock by default).

    Raises:
        ValueError: neither or both of ``doctor_id`` and ``specialty_id`` were given.
    """
    if (doctor_id is None) == (specialty_id is None):
        raise ValueError("search by doctor_id or by specialty_id")
    with reading(source) as session:
        tz = clock.clinic_timezone(session)
        doctors = (
            _doctors(session, doctor_ids=[doctor_id], active_only=False)
            if doctor_id is not None
            else _doctors(session, specialty_id=specialty_id)
        )
        search = _Search(session, doctors, slots=slots, now=now or _server_now(session),
                         patient_id=patient_id, tz=tz)  # fmt: skip
        found = search.runs(date_from, date_to)
        found.sort(key=lambda f: (f.starts, f.doctor.name, f.doctor.id))
        return search.dress(found if limit is None else found[:limit])


def nearest_alternatives(
    source: SessionSource,
    *,
    doctor_id: int,
    starts_at: dt.datetime,
    slots: int = 1,
    patient_id: int | None = None,
    now: dt.datetime | None = None,
    per_group: int = 3,
) -> tuple[FreeSlot, ...]:
    """Free slots nearest to ``starts_at``: the same doctor's first, then the specialty's.

    "Nearest" is by distance from the wanted time (earlier the same day counts, the
    past never does). Up to ``per_group`` slots of the same doctor come first, then
    up to ``per_group`` of other active doctors of the same specialty. The search
    widens from the wanted day up to two months ahead, stopping as soon as no slot
    beyond the days searched could be nearer than those found.
    """
    with reading(source) as session:
        tz = clock.clinic_timezone(session)
        moment = now or _server_now(session)
        same = _doctors(session, doctor_ids=[doctor_id], active_only=False)
        if not same:
            return ()
        others = [
            d for d in _doctors(session, specialty_id=same[0].specialty_id) if d.id != doctor_id
        ]
        search = _Search(session, [*same, *others], slots=slots, now=moment,
                         patient_id=patient_id, tz=tz)  # fmt: skip
        wanted = max(starts_at, moment)
        first_day = wanted.astimezone(tz).date()

        def nearest(f: _Found) -> tuple[dt.timedelta, dt.datetime, str]:
            return abs(f.starts - wanted), f.starts, f.doctor.name

        own: list[_Found] = []
        rest: list[_Found] = []
        for horizon in ALTERNATIVES_HORIZON:
            last_day = first_day + horizon
            found = search.runs(first_day, last_day)
            own = sorted((f for f in found if f.doctor.id == doctor_id), key=nearest)[:per_group]
            rest = sorted((f for f in found if f.doctor.id != doctor_id), key=nearest)[:per_group]
            # Anything after the days searched is at least this far from the wanted time.
            beyond = calendar.day_bounds(last_day, tz)[1] - wanted
            groups = [own, rest] if others else [own]
            if all(len(g) == per_group and abs(g[-1].starts - wanted) <= beyond for g in groups):
                break
        return tuple(search.dress([*own, *rest]))


def specialty_by_code(source: SessionSource, code: str) -> int:
    """The id of the specialty with ``code`` (``cardiologist``, ``ultrasound``…).

    Raises:
        NotFound: no such specialty.
    """
    with reading(source) as session:
        specialty_id = session.scalar(
            sa.select(Specialty.id).where(sa.func.lower(Specialty.code) == code.strip().lower())
        )
    if specialty_id is None:
        raise NotFound(translate("booking", "No specialty with code {code}").format(code=code))
    return specialty_id
