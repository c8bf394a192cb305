"""Referral validity and the checks for booking by referral (DOMAIN.md, Referrals).

Only the rules: how long a referral of each kind is valid, what status it reads as
on a given day, and whether an appointment may be made on it (the pure
:func:`check_for_booking`, and :func:`check_booking` that also reads what it needs
from the database). The registry of referrals (registration, extension,
cancellation) builds on these.

Validity is counted inclusively from the issue date: the issue day is day 1, so a
30-day referral issued on 1 March is valid up to and including 30 March.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.orm import Session

from crm.controllers.errors import BookingRefused
from crm.i18n import translate
from crm.models import Doctor, Patient, Referral, Specialty, SpecialtyAlternative
from crm.models.enums import ReferralKind, ReferralStatus

# Days of validity a referral gets when issued, by kind (emergency: chosen at issue).
VALIDITY_DAYS: dict[ReferralKind, int] = {
    ReferralKind.STANDARD: 30,
    ReferralKind.THERAPIST: 60,
    ReferralKind.LONG_TERM: 30,
    ReferralKind.EMERGENCY: 30,
}
# An emergency referral's validity is set when issued, within these bounds (inclusive).
EMERGENCY_DAYS = (7, 30)
# A long-term referral may be extended by a doctor up to this many days in total.
MAX_TOTAL_DAYS = 90
# The registry highlights referrals with this many days left or fewer and no appointment.
EXPIRING_DAYS = 5
# A referral number: digits, or letters (a series) then digits, perhaps with a separator.
_NUMBER = re.compile(r"([A-ZА-ЯЁ]{0,10})[-/№]?([0-9]{1,30})")
NUMBER_MAX_LENGTH = 40


class ReferralLike(Protocol):
    """What the rules read of a referral (the ORM row or any plain record)."""

    @property
    def issued_on(self) -> dt.date: ...

    @property
    def valid_days(self) -> int: ...

    @property
    def status(self) -> ReferralStatus: ...

    @property
    def patient_id(self) -> int: ...

    @property
    def specialty_id(self) -> int: ...


def validity_days(
    kind: ReferralKind, emergency_days: int | None = None, *, standard_days: int | None = None
) -> int:
    """The days of validity a new referral of ``kind`` gets.

    Args:
        kind: the referral's kind.
        emergency_days: for an emergency referral, the days written on it (7–30).
        standard_days: the specialty's own validity of a standard referral, where the
            clinic set one (``specialty.referral_days``).

    Raises:
        ValueError: an emergency referral without days in range, or days for another kind.
    """
    if kind is ReferralKind.EMERGENCY:
        low, high = EMERGENCY_DAYS
        if emergency_days is None or not low <= emergency_days <= high:
            raise ValueError(f"an emergency referral is valid {low}–{high} days")
        return emergency_days
    if emergency_days is not None:
        raise ValueError("only emergency referrals have their validity set at issue")
    if kind is ReferralKind.STANDARD and standard_days is not None:
        return standard_days
    return VALIDITY_DAYS[kind]


def max_valid_days(kind: ReferralKind, valid_days: int, *, limit: int | None = None) -> int:
    """How far the validity of a referral may go: 90 days (or the specialty's own
    ``limit``, ``specialty.referral_max_days``) for long-term, else as issued."""
    if kind is not ReferralKind.LONG_TERM:
        return valid_days
    return limit if limit is not None else MAX_TOTAL_DAYS


def specialty_rules(session: Session, specialty_id: int | None) -> tuple[int | None, int | None]:
    """A specialty's own referral validity and extension limit (``None``: the defaults)."""
    if specialty_id is None:
        return None, None
    row = session.execute(
        sa.select(Specialty.referral_days, Specialty.referral_max_days).where(
            Specialty.id == specialty_id
        )
    ).first()
    return (row[0], row[1]) if row is not None else (None, None)


def last_valid_day(issued_on: dt.date, valid_days: int) -> dt.date:
    """The last day a referral is valid on (the issue day is day 1)."""
    return issued_on + dt.timedelta(days=valid_days - 1)


def days_left(referral: ReferralLike, today: dt.date) -> int:
    """Days of validity left including ``today`` (0 once expired)."""
    return max(0, (last_valid_day(referral.issued_on, referral.valid_days) - today).days + 1)


def effective_status(referral: ReferralLike, today: dt.date) -> ReferralStatus:
    """The status as of ``today``: an active referral past its last day reads as expired.

    The stored status is only changed by actions (booking, cancelling…), so an
    active referral nobody touched since it ran out is still ``active`` in the table;
    every reader goes through this function instead of trusting that value.
    """
    if referral.status is ReferralStatus.ACTIVE and today > last_valid_day(
        referral.issued_on, referral.valid_days
    ):
        return ReferralStatus.EXPIRED
    return referral.status


def released_status(referral: ReferralLike, today: dt.date) -> ReferralStatus:
    """The status a referral goes back to when its appointment stops using it."""
    if today > last_valid_day(referral.issued_on, referral.valid_days):
        return ReferralStatus.EXPIRED
    return ReferralStatus.ACTIVE


def normalize_number(text: str) -> str | None:
    """A referral number in canonical form, or ``None`` if it is not one.

    Spaces are ignored and letters put in capitals; a series of letters is joined to
    the digits by a dash (``нп 001234`` → ``НП-001234``), so the same number typed
    two ways is one number (the database keeps it unique per organisation).
    """
    compact = "".join(text.split()).upper()
    match = _NUMBER.fullmatch(compact)
    if match is None:
        return None
    letters, digits = match.groups()
    number = f"{letters}-{digits}" if letters else digits
    return number if len(number) <= NUMBER_MAX_LENGTH else None


def _date(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


def check_for_booking(
    referral: ReferralLike | None,
    patient_id: int,
    doctor_specialty_id: int,
    appointment_day: dt.date,
    today: dt.date,
    *,
    alternative_specialty_ids: Collection[int] = (),
    rebooking: bool = False,
) -> None:
    """Refuse booking an appointment on ``referral`` when a rule forbids it.

    Args:
        referral: the referral, or ``None`` when the number is not registered.
        patient_id: the patient of the appointment.
        doctor_specialty_id: the specialty of the doctor the appointment is with.
        appointment_day: the appointment's day in the clinic's timezone.
        today: the booking day in the clinic's timezone.
        alternative_specialty_ids: specialties offered instead of the referral's
            because the clinic has no doctor of it (``specialty_alternative``).
        rebooking: the referral already belongs to the appointment being moved, so
            its ``used`` status is expected rather than a reason to refuse.

    Raises:
        BookingRefused: with ``reason_code`` ``referral_unknown``, ``referral_cancelled``,
            ``referral_used``, ``referral_closed``, ``referral_expired``,
            ``referral_day_after_validity``, ``referral_patient`` or ``referral_specialty``.
    """

    def refuse(code: str, message: str) -> BookingRefused:
        return BookingRefused(code, message, field="referral")

    if referral is None:
        raise refuse(
            "referral_unknown", translate("booking", "No referral with this number is registered")
        )
    last_day = last_valid_day(referral.issued_on, referral.valid_days)
    status = effective_status(referral, today)
    if status is ReferralStatus.CANCELLED:
        raise refuse("referral_cancelled", translate("booking", "The referral was cancelled"))
    if status is ReferralStatus.CLOSED:
        raise refuse(
            "referral_closed",
            translate("booking", "The referral is closed: the visit on it has taken place"),
        )
    if status is ReferralStatus.USED and not rebooking:
        raise refuse(
            "referral_used",
            translate("booking", "The referral is already used by another appointment"),
        )
    if status is ReferralStatus.EXPIRED or today > last_day:
        raise refuse(
            "referral_expired",
            translate("booking", "The referral expired: it was valid until {date}").format(
                date=_date(last_day)
            ),
        )
    if appointment_day > last_day:
        raise refuse(
            "referral_day_after_validity",
            translate(
                "booking", "The referral is valid until {date}: choose a day no later than that"
            ).format(date=_date(last_day)),
        )
    if referral.patient_id != patient_id:
        raise refuse(
            "referral_patient", translate("booking", "The referral was issued to another patient")
        )
    if (
        referral.specialty_id != doctor_specialty_id
        and doctor_specialty_id not in alternative_specialty_ids
    ):
        raise refuse(
            "referral_specialty",
            translate("booking", "The doctor's specialty differs from the referral's"),
        )


# --- with the database --------------------------------------------------------------------


def find_referral(
    session: Session, *, referral_id: int | None, number: str | None, patient_id: int
) -> Referral | None:
    """The referral by id, or by number (the patient's own first), locked for update."""
    if referral_id is not None:
        return session.get(Referral, referral_id, with_for_update=True)
    typed = (number or "").strip()
    candidates = session.scalars(
        sa.select(Referral)
        .where(Referral.number.in_({typed, normalize_number(typed) or typed}))
        .order_by(Referral.issued_on.desc(), Referral.id.desc())
        .with_for_update()
    ).all()
    # Numbers are unique per issuing organisation only: prefer the patient's own.
    preferred = [r for r in candidates if r.patient_id == patient_id] or list(candidates)
    return preferred[0] if preferred else None


def alternative_specialties(session: Session, specialty_id: int) -> set[int]:
    """Specialties offered instead of ``specialty_id`` when no active doctor has it."""
    if session.scalar(
        sa.select(sa.exists().where(Doctor.specialty_id == specialty_id, Doctor.active))
    ):
        return set()
    return set(
        session.scalars(
            sa.select(SpecialtyAlternative.alternative_id).where(
                SpecialtyAlternative.specialty_id == specialty_id
            )
        )
    )


def check_booking(
    session: Session,
    referral: Referral | None,
    patient: Patient,
    doctor_specialty_id: int,
    *,
    day: dt.date,
    today: dt.date,
    rebooking: bool = False,
) -> None:
    """:func:`check_for_booking`, then the patient's ОМС policy (needed on the card).

    Raises:
        BookingRefused: a ``referral_*`` reason, or ``no_policy``.
    """
    alternatives = alternative_specialties(session, referral.specialty_id) if referral else ()
    check_for_booking(
        referral, patient.id, doctor_specialty_id, day, today,
        alternative_specialty_ids=alternatives, rebooking=rebooking,
    )  # fmt: skip
    # Booking under ОМС needs the policy on the card (DOMAIN.md, Patient identity).
    if patient.policy_kind is None:
        raise BookingRefused(
            "no_policy",
            translate("booking", "Booking by referral needs the patient's ОМС policy on the card"),
            field="policy",
        )
    if patient.policy_ends_on is not None and patient.policy_ends_on < day:
        raise BookingRefused(
            "no_policy",
            translate("booking", "The patient's ОМС policy ends on {date}").format(
                date=patient.policy_ends_on.strftime("%d.%m.%Y")
            ),
            field="policy",
        )


def usable_referral(
    session: Session, patient: Patient, doctor_specialty_id: int, *, day: dt.date, today: dt.date
) -> Referral | None:
    """The patient's referral an appointment with a doctor of ``doctor_specialty_id`` on
    ``day`` may be booked on, if any: of several, the one whose validity ends first.

    For bookings the desk did not make from a referral (a waiting-list offer taken, a
    waiting patient dragged into the grid): an ОМС patient waiting for a specialist is
    booked on their referral, not as a paid visit.
    """
    active = session.scalars(
        sa.select(Referral).where(
            Referral.patient_id == patient.id, Referral.status == ReferralStatus.ACTIVE
        )
    ).all()
    soonest_first = sorted(active, key=lambda r: (last_valid_day(r.issued_on, r.valid_days), r.id))
    for referral in soonest_first:
        try:
            check_booking(session, referral, patient, doctor_specialty_id, day=day, today=today)
        except BookingRefused:
            continue
        return referral
    return None
