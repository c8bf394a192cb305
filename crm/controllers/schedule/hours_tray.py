"""Booked appointments follow a doctor's hours: into the holding tray and back out.

After every change of hours, the doctor's future booked appointments are checked
against the new hours (:func:`tray_moves`): those now outside go to the holding tray
with a notice queued to the patient, those back inside leave it (the patient is told
the visit stands). :func:`reconcile` does it in the change's transaction; the editor's
previews run the same check over a change they roll back.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from crm.controllers import journal
from crm.controllers.clinic import clock
from crm.controllers.clinic.clock import server_now
from crm.controllers.context import Actor
from crm.controllers.notifications import outbox
from crm.controllers.schedule import calendar
from crm.controllers.schedule.slots import short_name
from crm.i18n import translate
from crm.models import Appointment, Doctor, Patient
from crm.models.enums import AppointmentStatus


@dataclass(frozen=True)
class AffectedAppointment:
    """A booked appointment a change of hours moved (or, in a preview, would move) into or
    out of the holding tray; ``notices_queued``: the notices to the patient it queued
    (would queue) — none means the desk has to call."""

    id: int
    starts_at: dt.datetime
    patient_short: str
    patient_phone: str | None
    notices_queued: int


@dataclass(frozen=True)
class HoursChange:
    """What a change of hours did to booked appointments.

    Attributes:
        held: now outside the hours: in the holding tray, patients notified where possible.
        released: back inside the hours: out of the tray, patients told the visit stands.
        offers: free times the new hours offered to patients on the waiting list.
        present: today's visits of patients already in the clinic (arrived, or at the
            doctor's) now outside the hours: not moved — the desk settles them in person.
    """

    held: tuple[AffectedAppointment, ...] = ()
    released: tuple[AffectedAppointment, ...] = ()
    offers: int = 0
    present: tuple[AffectedAppointment, ...] = ()


@dataclass(frozen=True)
class HoursPreview:
    """What saving a change of hours would do to booked appointments (nothing is written).

    Attributes:
        held: would leave the doctor's hours: to the holding tray, patients notified.
        released: would be back inside the hours: out of the tray.
        present: visits of patients already in the clinic the change would leave
            outside the hours (see :class:`HoursChange`).
    """

    held: tuple[AffectedAppointment, ...] = ()
    released: tuple[AffectedAppointment, ...] = ()
    present: tuple[AffectedAppointment, ...] = ()


@dataclass(frozen=True)
class TrayMove:
    """A booked appointment whose place changes with the hours: into the tray or out."""

    appointment: Appointment
    patient: Patient
    to_tray: bool
    local_start: dt.datetime

    def affected(self, notices_queued: int) -> AffectedAppointment:
        """The move as the editor shows it."""
        return _affected(self.appointment, self.patient, self.local_start, notices_queued)


def _affected(
    appointment: Appointment, patient: Patient, local_start: dt.datetime, notices_queued: int
) -> AffectedAppointment:
    return AffectedAppointment(
        id=appointment.id,
        starts_at=local_start,
        patient_short=short_name(patient.last_name, patient.first_name, patient.patronymic),
        patient_phone=patient.phone,
        notices_queued=notices_queued,
    )


# Patients in the building: a change of hours cannot send their visits to the tray.
PRESENT_STATUSES = (AppointmentStatus.ARRIVED, AppointmentStatus.IN_PROGRESS)


def present_outside(
    session: Session, doctor: Doctor, moment: dt.datetime
) -> tuple[AffectedAppointment, ...]:
    """Today's visits of patients already in the clinic (arrived, at the doctor's) that
    the hours (as the session sees them) no longer hold. Nothing is changed: the
    registrar sees them named and settles each in person (another doctor, another day)."""
    tz = clock.clinic_timezone(session)
    start_of_day = dt.datetime.combine(moment.astimezone(tz).date(), dt.time(), tzinfo=tz)
    checked = _against_hours(
        session, doctor, tz,
        Appointment.status.in_(PRESENT_STATUSES), Appointment.ends_at > start_of_day,
    )  # fmt: skip
    return tuple(
        _affected(appointment, patient, local_start, 0)
        for appointment, patient, held, local_start in checked
        if not held
    )


def tray_moves(
    session: Session, doctor: Doctor, moment: dt.datetime, *, lock: bool
) -> list[TrayMove]:
    """The rule: the doctor's booked appointments from ``moment`` on that the hours (as
    the session sees them) no longer hold and are not yet in the tray, or hold again and
    are in it. ``lock``: take the appointments ``FOR UPDATE`` (the save does)."""
    checked = _against_hours(
        session, doctor, clock.clinic_timezone(session),
        Appointment.status == AppointmentStatus.BOOKED, Appointment.starts_at >= moment,
        lock=lock,
    )  # fmt: skip
    return [
        TrayMove(appointment, patient, not held, local_start)
        for appointment, patient, held, local_start in checked
        if held == appointment.in_holding_tray  # outside and not held, or inside and held
    ]


def _against_hours(
    session: Session, doctor: Doctor, tz: ZoneInfo, *conditions: Any, lock: bool = False
) -> list[tuple[Appointment, Patient, bool, dt.datetime]]:
    """The doctor's appointments meeting ``conditions`` in time order, each with its
    patient, whether the hours (as the session sees them, flushed) hold it, and its
    start in the clinic's time."""
    session.flush()
    query = (
        sa.select(Appointment, Patient)
        .join(Patient, Patient.id == Appointment.patient_id)
        .where(Appointment.doctor_id == doctor.id, *conditions)
        .order_by(Appointment.starts_at, Appointment.id)
    )
    rows = session.execute(query.with_for_update(of=Appointment) if lock else query).all()
    if not rows:
        return []
    first = min(a.starts_at for a, _ in rows).astimezone(tz).date()
    last = max(a.ends_at for a, _ in rows).astimezone(tz).date()
    periods = calendar.working_periods_bulk(session, [doctor.id], first, last, tz=tz)[doctor.id]
    return [
        (
            appointment, patient,
            calendar.period_holding(periods, appointment.starts_at, appointment.ends_at)
            is not None,
            appointment.starts_at.astimezone(tz),
        )
        for appointment, patient in rows
    ]  # fmt: skip


def reconcile(
    session: Session, actor: Actor | None, doctor: Doctor, now: dt.datetime | None
) -> HoursChange:
    """Hold the future booked appointments now outside the hours; release those back inside.

    ``actor`` is ``None`` for a workbook import without a person (journaled as the import).
    """
    session.flush()
    moment = server_now(session, now)
    tz = clock.clinic_timezone(session)
    held: list[AffectedAppointment] = []
    released: list[AffectedAppointment] = []
    today = moment.astimezone(tz).date()
    doctor_short = short_name(doctor.last_name, doctor.first_name, doctor.patronymic)
    for move in tray_moves(session, doctor, moment, lock=True):
        appointment, local = move.appointment, move.local_start
        appointment.in_holding_tray = move.to_tray
        values = {"doctor": doctor_short, "date": f"{local:%d.%m.%Y}", "time": f"{local:%H:%M}"}
        if move.to_tray:
            purpose, action = "unavailability", "hold"
            body = translate(
                "notices",
                "Your appointment with {doctor} on {date} at {time} cannot take place at that "
                "time: the doctor is unavailable. The registry will contact you to choose "
                "another time.",
            ).format(**values)
        else:
            purpose, action = "change", "release"
            body = translate(
                "notices",
                "Your appointment with {doctor} on {date} at {time} takes place as booked.",
            ).format(**values)
        queued = outbox.queue_notice(
            session, move.patient, purpose, body, today=today, appointment_id=appointment.id
        )
        journal.record(
            session, action, actor=actor, login=None if actor else "import",
            entity="appointment", entity_id=appointment.id,
            changes=journal.diff(
                {"in_holding_tray": not move.to_tray}, {"in_holding_tray": move.to_tray}
            ),
            details=translate("hours", "working hours changed"),
        )  # fmt: skip
        (held if move.to_tray else released).append(move.affected(len(queued)))
    session.flush()
    return HoursChange(
        held=tuple(held),
        released=tuple(released),
        present=present_outside(session, doctor, moment),
    )
