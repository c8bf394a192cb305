"""Booking from the waiting list: the patient takes the time offered, or the desk
drags a waiting patient into the grid. Either way the appointment is booked through
:func:`crm.controllers.schedule.booking.book` (every booking rule applies) on the patient's
usable referral, and the entry is closed as booked."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from crm.controllers.clinic import clock
from crm.controllers.clinic.clock import server_now
from crm.controllers.context import Actor
from crm.controllers.errors import BookingRefused
from crm.controllers.referrals import rules
from crm.controllers.schedule.booking import TIME_REASONS, BookedAppointment, book
from crm.controllers.waiting.common import (
    OfferRefused,
    W,
    closed_refusal,
    lock_entry,
    record_change,
    require_offered,
    snapshot,
    withdraw_offer,
)
from crm.controllers.waiting.rows import entry_not_found
from crm.i18n import translate
from crm.models import Doctor, Patient, WaitingListEntry
from crm.models.enums import AppointmentKind

#: The refusal asked for with ``paid_without_referral=False``: ask the patient first.
NO_USABLE_REFERRAL = "no_usable_referral"


def accept_offer(
    db: sessionmaker[Session],
    actor: Actor,
    entry_id: int,
    *,
    slots: int | None = None,
    kind: AppointmentKind | None = None,
    referral_number: str | None = None,
    service_id: int | None = None,
    paid_without_referral: bool = True,
    now: dt.datetime | None = None,
) -> BookedAppointment:
    """The patient takes the offered time: book it and close the entry.

    Booking goes through :func:`crm.controllers.schedule.booking.book` with all its rules. With
    no ``kind`` and no ``referral_number``, the patient's referral for the doctor's
    specialty is used when one is usable that day, else the visit is paid — or, with
    ``paid_without_referral`` false, refused (``no_usable_referral``) so that the desk
    asks the patient first.

    Raises:
        NotFound: no such entry.
        OfferRefused: ``not_offered``, ``closed``, ``lapsed`` (the time has passed; the
            entry waits again).
        BookingRefused: ``offer_taken`` when the time was taken meanwhile (the entry
            waits again; ``alternatives`` holds the nearest free slots), or any other
            reason of booking.
    """
    with db() as session, session.begin():
        row = lock_entry(session, entry_id)
        require_offered(row)
        patient_id, doctor_id = row.patient_id, row.offered_doctor_id
        starts_at = row.offered_starts_at
        assert doctor_id is not None and starts_at is not None  # set with the status
        if starts_at <= server_now(session, now):
            before = snapshot(row)
            withdraw_offer(row)
            session.flush()
            record_change(session, actor, "offer_lapsed", row, before=before)
            lapsed = True
        else:
            lapsed = False
    if lapsed:
        raise OfferRefused(
            "lapsed", translate("waiting_list", "The offered time has already passed")
        )
    referral_id = None
    if kind is None and referral_number is None:
        referral_id = _referral_or_refuse(
            db, patient_id, doctor_id, starts_at, now, paid=paid_without_referral
        )
    try:
        made = book(
            db, actor, patient_id=patient_id, doctor_id=doctor_id, starts_at=starts_at,
            slots=slots, kind=kind, referral_number=referral_number, referral_id=referral_id,
            service_id=service_id, note=translate("waiting_list", "From the waiting list"),
            now=now,
        )  # fmt: skip
    except BookingRefused as refused:
        if refused.reason_code not in TIME_REASONS:
            raise
        with db() as session, session.begin():
            row = lock_entry(session, entry_id)
            if row.status is W.OFFERED and row.offered_starts_at == starts_at:
                before = snapshot(row)
                withdraw_offer(row)
                session.flush()
                record_change(
                    session, actor, "offer_lost", row, before=before, details=refused.message
                )
        # «Taken meanwhile» says it all for a taken slot; other reasons are told as well.
        message = (
            translate("waiting_list", "The offered time was taken meanwhile")
            if refused.reason_code == "slot_taken"
            else translate("waiting_list", "The offered time was taken meanwhile: {reason}")
            .format(reason=refused.message)
        )  # fmt: skip
        raise BookingRefused("offer_taken", message, alternatives=refused.alternatives) from None
    _close_booked(db, actor, entry_id, made, "accept")
    return made


def _close_booked(
    db: sessionmaker[Session], actor: Actor, entry_id: int, made: BookedAppointment, action: str
) -> None:
    with db() as session, session.begin():
        row = lock_entry(session, entry_id)
        before = snapshot(row)
        row.status, row.appointment_id = W.BOOKED, made.id
        row.offered_doctor_id = row.offered_starts_at = row.offered_at = None
        session.flush()
        record_change(session, actor, action, row, before=before)


def book_entry(
    db: sessionmaker[Session],
    actor: Actor,
    entry_id: int,
    *,
    doctor_id: int,
    starts_at: dt.datetime,
    slots: int | None = None,
    kind: AppointmentKind | None = None,
    service_id: int | None = None,
    paid_without_referral: bool = True,
    now: dt.datetime | None = None,
) -> BookedAppointment:
    """Book a waiting patient at a time the desk chose (dragged into the grid).

    As ``kind`` of ``service_id`` when given (a paid or follow-up visit needs the
    service: ``service_missing`` otherwise). With no ``kind``, the patient's referral
    for the doctor's specialty, if one is usable that day, is booked on; otherwise the
    visit is paid (of ``service_id``) — or, with ``paid_without_referral`` false,
    refused (``no_usable_referral``) so that the desk asks the patient first.

    Any time of any doctor may be chosen — the registrar may know better than the
    wished days — with all the rules of :func:`crm.controllers.schedule.booking.book`; the
    entry is then closed as booked. An open offer of the entry is dropped with it.

    Raises:
        NotFound: no such entry.
        OfferRefused: ``closed`` (already booked or removed).
        BookingRefused: any reason of booking (the entry stays on the list).
    """
    with db() as session:
        row = session.get(WaitingListEntry, entry_id)
        if row is None:
            raise entry_not_found(entry_id)
        if row.status in (W.BOOKED, W.CANCELLED):
            raise closed_refusal()
        patient_id = row.patient_id
    referral_id = None
    if kind is None:
        referral_id = _referral_or_refuse(
            db, patient_id, doctor_id, starts_at, now, paid=paid_without_referral
        )
    made = book(
        db, actor, patient_id=patient_id, doctor_id=doctor_id, starts_at=starts_at,
        slots=slots, kind=kind, referral_id=referral_id, service_id=service_id,
        note=translate("waiting_list", "From the waiting list"), now=now,
    )  # fmt: skip
    _close_booked(db, actor, entry_id, made, "book")
    return made


def _referral_or_refuse(
    db: sessionmaker[Session],
    patient_id: int,
    doctor_id: int,
    starts_at: dt.datetime,
    now: dt.datetime | None,
    *,
    paid: bool,
) -> int | None:
    """The usable referral; none: a paid visit if ``paid``, else the refusal that
    makes the desk ask the patient before a paid visit is booked."""
    found = _usable_referral(db, patient_id, doctor_id, starts_at, now)
    if found is None and not paid:
        raise BookingRefused(
            NO_USABLE_REFERRAL,
            translate(
                "waiting_list",
                "The patient has no referral that can be used for this visit: it would be paid",
            ),
            field="referral",
        )
    return found


def _usable_referral(
    db: sessionmaker[Session],
    patient_id: int,
    doctor_id: int,
    starts_at: dt.datetime,
    now: dt.datetime | None,
) -> int | None:
    """The patient's referral the booking can be made on (see
    :func:`crm.controllers.referrals.rules.usable_referral`); booking checks it again."""
    with db() as session:
        patient = session.get(Patient, patient_id)
        specialty_id = session.scalar(sa.select(Doctor.specialty_id).where(Doctor.id == doctor_id))
        if patient is None or specialty_id is None:
            return None  # booking says what is missing
        tz = clock.clinic_timezone(session)
        today = server_now(session, now).astimezone(tz).date()
        day = starts_at.astimezone(tz).date()
        found = rules.usable_referral(session, patient, specialty_id, day=day, today=today)
        return found.id if found is not None else None
