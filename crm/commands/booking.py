"""``clinic-crm book``, ``cancel`` and ``slots``: booking from the command line.

Times are typed and printed in the clinic's timezone, dates as ДД.ММ.ГГГГ ЧЧ:ММ.
``book`` prints only the new appointment's id, so scripts can use it; a refusal is
one line on stderr with the reason and the nearest free slot, and exit status 1.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import click

from crm.commands.common import as_option, command_line_actor, fail, friendly_errors, open_ready
from crm.i18n import translate
from crm.models.enums import CancelledBy

if TYPE_CHECKING:
    from crm.controllers.errors import BookingRefused, FreeSlot

DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y"]
TIME_FORMATS = ["%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"]
# Refusals that name the nearest free time
# (as :data:`crm.controllers.schedule.booking.TIME_REASONS`).
TIME_REASONS = frozenset({"slot_taken", "outside_hours", "in_past", "patient_busy"})


def _open(ctx: click.Context) -> Any:

    return open_ready(ctx)


def when(moment: dt.datetime) -> str:
    """``24.11.2026 10:15`` (the moment is already in the clinic's timezone)."""
    return moment.strftime("%d.%m.%Y %H:%M")


def describe_slot(slot: FreeSlot) -> str:
    """``24.11.2026 10:15, Иванова И. И., каб. 203`` for a free slot."""
    parts = [when(slot.starts_at), slot.doctor_name]
    if slot.room_number:
        parts.append(translate("booking", "room {number}").format(number=slot.room_number))
    return ", ".join(parts)


def _refusal_line(refused: BookingRefused) -> str:
    if not refused.alternatives:
        if refused.reason_code in TIME_REASONS:
            return translate("booking", "{reason}; no free time in the coming weeks").format(
                reason=refused.message
            )
        return refused.message
    return translate("booking", "{reason}; nearest free time: {slot}").format(
        reason=refused.message, slot=describe_slot(refused.alternatives[0])
    )


@click.command("book")
@click.option("--patient", "patient_id", type=int, required=True, help="Patient id.")
@click.option("--doctor", "doctor_id", type=int, required=True, help="Doctor id.")
@click.option(
    "--at",
    "at",
    type=click.DateTime(TIME_FORMATS),
    required=True,
    metavar='"YYYY-MM-DD HH:MM"',
    help="Start time in the clinic's timezone.",
)
@click.option(
    "--slots", type=click.IntRange(1, 4), help="Length in slots (default: the service's, else 1)."
)
@click.option("--referral", "referral_number", metavar="NUMBER", help="Book by this referral.")
@click.option(
    "--kind",
    type=click.Choice(["referral", "paid", "follow_up", "remote"]),
    help="Kind of visit (default: referral with --referral, else paid).",
)
@click.option(
    "--service",
    "service_id",
    type=int,
    metavar="ID",
    help="The catalogue service (required for a paid or follow-up visit).",
)
@as_option("Act as this user.")
@click.pass_context
@friendly_errors
def book(
    ctx: click.Context,
    *,
    patient_id: int,
    doctor_id: int,
    at: dt.datetime,
    slots: int | None,
    referral_number: str | None,
    kind: str | None,
    service_id: int | None,
    as_login: str | None,
) -> None:
    """Book an appointment and print its id (exit 1 with the reason if refused).

    A paid or follow-up visit is always of a service (``--service``): without one
    it is refused, naming the field.
    """
    from crm.controllers.clinic.clock import clinic_timezone
    from crm.controllers.schedule import booking
    from crm.models.enums import AppointmentKind

    ready = _open(ctx)
    try:
        db = ready.database.sessions
        actor = command_line_actor(db, as_login)
        starts_at = at.replace(tzinfo=clinic_timezone(db))
        try:
            booked = booking.book(
                db,
                actor,
                patient_id=patient_id,
                doctor_id=doctor_id,
                starts_at=starts_at,
                slots=slots,
                kind=AppointmentKind(kind) if kind else None,
                referral_number=referral_number,
                service_id=service_id,
            )
        except booking.BookingRefused as refused:
            fail(_refusal_line(refused))
            raise  # not reached: fail() exits
    finally:
        ready.database.dispose()
    click.echo(booked.id)


@click.command("cancel")
@click.argument("appointment_id", type=int)
@click.option("--reason", required=True, help="Why (kept in the appointment and the journal).")
@click.option(
    "--by",
    type=click.Choice([c.value for c in CancelledBy]),
    default=CancelledBy.PATIENT.value,
    show_default=True,
    help="Who cancels.",
)
@as_option("Act as this user.")
@click.pass_context
@friendly_errors
def cancel(
    ctx: click.Context, appointment_id: int, reason: str, by: str, as_login: str | None
) -> None:
    """Cancel an appointment."""
    from crm.controllers.schedule.visit_status import cancel as cancel_appointment

    ready = _open(ctx)
    try:
        db = ready.database.sessions
        actor = command_line_actor(db, as_login)
        cancelled = cancel_appointment(db, actor, appointment_id, reason=reason, by=CancelledBy(by))
    finally:
        ready.database.dispose()
    click.echo(
        translate("booking", "Appointment {id} of {when} cancelled").format(
            id=cancelled.id, when=when(cancelled.starts_at)
        )
    )


@click.command("slots")
@click.option("--doctor", "doctor_id", type=int, help="Doctor id.")
@click.option("--specialty", "specialty_code", metavar="CODE", help="Specialty code.")
@click.option("--from", "date_from", type=click.DateTime(DATE_FORMATS), required=True)
@click.option("--to", "date_to", type=click.DateTime(DATE_FORMATS), required=True)
@click.option("--slots", type=click.IntRange(1, 4), default=1, show_default=True)
@click.option("--limit", type=click.IntRange(1, 100_000), default=50, show_default=True)
@click.pass_context
@friendly_errors
def slots(
    ctx: click.Context,
    *,
    doctor_id: int | None,
    specialty_code: str | None,
    date_from: dt.datetime,
    date_to: dt.datetime,
    slots: int,
    limit: int,
) -> None:
    """List free slots of a doctor or a specialty, the soonest first."""
    from crm.controllers.schedule.slots import free_slots, specialty_by_code

    if (doctor_id is None) == (specialty_code is None):
        raise click.UsageError(translate("booking", "give either --doctor or --specialty"))
    ready = _open(ctx)
    try:
        db = ready.database.sessions
        specialty_id = specialty_by_code(db, specialty_code) if specialty_code else None
        found = free_slots(
            db,
            doctor_id=doctor_id,
            specialty_id=specialty_id,
            date_from=date_from.date(),
            date_to=date_to.date(),
            slots=slots,
            limit=limit,
        )
    finally:
        ready.database.dispose()
    for slot in found:
        room = (
            ", " + translate("booking", "room {number}").format(number=slot.room_number)
            if slot.room_number
            else ""
        )
        click.echo(
            f"{when(slot.starts_at)}–{slot.ends_at.strftime('%H:%M')}  "
            f"{slot.doctor_name} ({slot.specialty_name}){room}"
        )
    if not found:
        click.echo(translate("booking", "No free slots in these days"), err=True)


#: Registered by :mod:`crm.cli`.
COMMANDS = [book, cancel, slots]
