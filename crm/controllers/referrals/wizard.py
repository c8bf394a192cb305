"""The booking-by-referral wizard's headless side: from a number to bookable doctors.

The desk types a referral's number; :func:`booking_options` finds it (several
organisations may use one number), checks it as booking would (unknown, cancelled,
used, closed, expired, the patient's ОМС policy), and lists the doctors it can be
booked with — of the referral's specialty, or of the configured alternatives when
no doctor here has it, said plainly — each with the nearest free slots within the
referral's validity. Booking itself is :func:`crm.controllers.schedule.booking.book` with
``referral_id``: it checks everything again, since time passes between the steps.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from crm.controllers.access.permissions import Permission, require
from crm.controllers.clinic import clock
from crm.controllers.clinic.clock import server_now
from crm.controllers.context import Actor
from crm.controllers.errors import BookingRefused, FreeSlot
from crm.controllers.referrals import rules
from crm.controllers.referrals.editing import ReferralRow, find_by_number
from crm.controllers.schedule.slots import free_slots, short_name
from crm.i18n import translate
from crm.models import Branch, Doctor, Patient, Referral, Room, Specialty
from crm.models.enums import AcademicDegree, QualificationCategory


@dataclass(frozen=True)
class DoctorChoice:
    """A doctor the referral can be booked with, and the nearest free slots in its validity."""

    doctor_id: int
    name: str
    specialty_id: int
    specialty_name: str
    category: QualificationCategory
    degree: AcademicDegree
    branch_name: str
    branch_address: str
    room_number: str | None
    offers_remote: bool
    slots: tuple[FreeSlot, ...]


@dataclass(frozen=True)
class BookingOptions:
    """What the wizard shows after the number is typed.

    Attributes:
        matches: every referral with that number (several organisations may use it).
        referral: the one chosen (``None`` if unknown, or several match and none was chosen).
        refusal_code: why it cannot be booked now (a ``referral_*`` reason of
            :func:`~crm.controllers.referrals.rules.check_for_booking`, ``no_policy``,
            or ``referral_ambiguous``), else ``None``.
        refusal: the message for it.
        alternatives_used: no doctor here has the referral's specialty; ``doctors``
            are of the configured alternatives, and ``notice`` says so.
        notice: a sentence for the desk, or ``None``.
        date_from: first day searched.
        date_to: last day searched (never after the last valid day).
        doctors: doctors with their nearest free slots, soonest first.
    """

    matches: tuple[ReferralRow, ...]
    referral: ReferralRow | None
    refusal_code: str | None
    refusal: str | None
    alternatives_used: bool = False
    notice: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    doctors: tuple[DoctorChoice, ...] = field(default=())


def booking_options(
    db: sessionmaker[Session],
    actor: Actor,
    number: str,
    *,
    organisation_id: int | None = None,
    referral_id: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    slots: int = 1,
    per_doctor: int = 5,
    now: dt.datetime | None = None,
) -> BookingOptions:
    """The referral found by ``number`` checked for booking, and where it can be booked.

    The checks are those of booking itself (unknown, cancelled, used, closed,
    expired, the ОМС policy); the patient and the doctor's specialty are the
    referral's own, so they are checked when booking. Doctors are those of the
    referral's specialty, or of its alternatives when no doctor here has it.
    """
    require(actor, Permission.FIND_PATIENTS)
    with db() as session:
        moment = server_now(session, now)
        tz = clock.clinic_timezone(session)
        today = moment.astimezone(tz).date()
    rows = find_by_number(db, actor, number, organisation_id=organisation_id, today=today)
    matches = tuple(rows)
    if referral_id is not None:
        rows = [r for r in rows if r.id == referral_id]
    if len(rows) > 1:
        message = translate(
            "referrals", "Several organisations issued a referral with this number: choose one"
        )
        return BookingOptions(matches, None, "referral_ambiguous", message)
    with db() as session:
        referral = session.get(Referral, rows[0].id) if rows else None
        patient = session.get(Patient, referral.patient_id) if referral else None
        try:
            if patient is None:
                rules.check_for_booking(None, 0, 0, today, today)
            assert referral is not None and patient is not None
            rules.check_booking(
                session, referral, patient, referral.specialty_id, day=today, today=today
            )
        except BookingRefused as refused:
            return BookingOptions(matches, rows[0] if rows else None, refused.reason_code,
                                  refused.message)  # fmt: skip
        chosen = rows[0]
        alternatives = rules.alternative_specialties(session, referral.specialty_id)
        specialty_ids = sorted(alternatives) if alternatives else [referral.specialty_id]
        first = max(today, date_from or today)
        last = min(chosen.last_valid_day, date_to or chosen.last_valid_day)
        notice = None
        if alternatives:
            names = session.scalars(
                sa.select(Specialty.name).where(Specialty.id.in_(alternatives)).order_by(
                    Specialty.name)
            ).all()  # fmt: skip
            notice = translate(
                "referrals",
                "No doctor of «{specialty}» works here; the referral is accepted by: {names}",
            ).format(specialty=chosen.specialty_name, names=", ".join(names))
        doctors = _doctor_choices(session, specialty_ids, first, last, slots=slots,
                                  per_doctor=per_doctor, patient_id=chosen.patient_id,
                                  now=moment)  # fmt: skip
        return BookingOptions(
            matches, chosen, None, None, alternatives_used=bool(alternatives), notice=notice,
            date_from=first, date_to=last, doctors=doctors,
        )  # fmt: skip


def _doctor_choices(
    session: Session,
    specialty_ids: Collection[int],
    first: dt.date,
    last: dt.date,
    *,
    slots: int,
    per_doctor: int,
    patient_id: int,
    now: dt.datetime,
) -> tuple[DoctorChoice, ...]:
    found = session.execute(
        sa.select(Doctor, Specialty.name, Branch, Room.number)
        .join(Specialty, Specialty.id == Doctor.specialty_id)
        .join(Branch, Branch.id == Doctor.branch_id)
        .outerjoin(Room, Room.id == Doctor.default_room_id)
        .where(Doctor.specialty_id.in_(specialty_ids), Doctor.active)
        .order_by(Doctor.last_name, Doctor.id)
    ).tuples()
    choices = [
        DoctorChoice(
            doctor_id=d.id,
            name=short_name(d.last_name, d.first_name, d.patronymic),
            specialty_id=d.specialty_id,
            specialty_name=specialty_name,
            category=d.category,
            degree=d.degree,
            branch_name=branch.name,
            branch_address=branch.address,
            room_number=room_number,
            offers_remote=d.offers_remote,
            slots=tuple(
                free_slots(
                    session,
                    doctor_id=d.id,
                    date_from=first,
                    date_to=last,
                    slots=slots,
                    limit=per_doctor,
                    patient_id=patient_id,
                    now=now,
                )
            )
            if first <= last
            else (),
        )  # fmt: skip
        for d, specialty_name, branch, room_number in found
    ]
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    choices.sort(key=lambda c: (c.slots[0].starts_at if c.slots else far, c.name))
    return tuple(choices)
