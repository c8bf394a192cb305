"""Notices about a visit: confirmation, change (old → new time), cancellation, reminders.

The schedule calls :func:`queue_visit_notice` and :func:`queue_reminders` inside the
transaction of the booking, the move or the cancellation, so a notice is written with
the change it tells about or not at all: one outbox row per message and channel the
patient consented to. A reminder is queued at booking with its due time
(``next_attempt_at``); the sender checks again when it is due and never sends a
reminder of a visit cancelled or moved by then (it ends ``cancelled``).

The clinic's choice of reminders (24 h, 2 h or both) and of the SMS quiet hours is
the ``notifications`` clinic setting (:func:`notice_settings`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from crm.controllers import journal
from crm.controllers.access.permissions import Permission, allowed, require
from crm.controllers.clinic import settings
from crm.controllers.context import Actor
from crm.controllers.errors import ValidationError
from crm.controllers.notifications.outbox import reachable_channels
from crm.controllers.notifications.templates import date_with_weekday, render, template_for
from crm.controllers.vocabulary import what_to_bring
from crm.i18n import translate
from crm.models import Appointment, Branch, Doctor, OutboxMessage, Patient, Room, Specialty
from crm.models.enums import NotificationChannel

SETTINGS_KEY = "notifications"
#: The reminder choices a clinic makes: hours before the visit.
REMINDER_CHOICES = {"24h": (24,), "2h": (2,), "both": (24, 2)}


@dataclass(frozen=True)
class NoticeSettings:
    """The clinic's notification settings (defaults: a reminder 24 h before, no SMS
    21:00–09:00 clinic time, five tries)."""

    reminders: str = "24h"
    quiet_from: dt.time = dt.time(21, 0)
    quiet_to: dt.time = dt.time(9, 0)
    max_attempts: int = 5

    @property
    def reminder_hours(self) -> tuple[int, ...]:
        return REMINDER_CHOICES[self.reminders]


def notice_settings(session: Session) -> NoticeSettings:
    """The clinic's settings, defaults where none were saved."""
    return parse_notice_settings(settings.get(session, SETTINGS_KEY))


def parse_notice_settings(value: dict[str, Any] | None) -> NoticeSettings:
    """The settings stored as ``value`` (``None``: the defaults)."""
    value = value or {}
    default = NoticeSettings()
    reminders = value.get("reminders", default.reminders)
    return NoticeSettings(
        reminders=reminders if reminders in REMINDER_CHOICES else default.reminders,
        quiet_from=dt.time.fromisoformat(value.get("quiet_from", "21:00")),
        quiet_to=dt.time.fromisoformat(value.get("quiet_to", "09:00")),
        max_attempts=int(value.get("max_attempts", default.max_attempts)),
    )


def save_notice_settings(session: Session, chosen: NoticeSettings) -> None:
    """Store the clinic's settings (the caller checks who may)."""
    if chosen.reminders not in REMINDER_CHOICES:
        raise ValueError(f"reminders must be one of {sorted(REMINDER_CHOICES)}")
    settings.put(session, SETTINGS_KEY, {
        "reminders": chosen.reminders, "quiet_from": chosen.quiet_from.strftime("%H:%M"),
        "quiet_to": chosen.quiet_to.strftime("%H:%M"), "max_attempts": chosen.max_attempts,
    })  # fmt: skip


def _initials(last: str, first: str, patronymic: str | None) -> str:
    return f"{last} {first[:1]}." + (f" {patronymic[:1]}." if patronymic else "")


def visit_values(
    session: Session, appointment: Appointment, tz: dt.tzinfo, old: Appointment | None = None
) -> dict[str, str]:
    """The placeholders' values for ``appointment`` (and the time it had, if moved)."""
    patient = session.get(Patient, appointment.patient_id)
    doctor = session.get(Doctor, appointment.doctor_id)
    assert patient is not None and doctor is not None  # foreign keys
    room = session.get(Room, appointment.room_id) if appointment.room_id else None
    branch = session.get(Branch, room.branch_id if room else doctor.branch_id)
    specialty = session.get(Specialty, doctor.specialty_id)
    local = appointment.starts_at.astimezone(tz)
    values = {
        "patient": " ".join(p for p in (patient.first_name, patient.patronymic) if p),
        "date": date_with_weekday(local.date()),
        "time": f"{local:%H:%M}",
        "doctor": _initials(doctor.last_name, doctor.first_name, doctor.patronymic),
        "specialty": specialty.name if specialty else "",
        "room": room.number if room else "",
        "address": branch.address if branch else "",
        "bring": ", ".join(what_to_bring(appointment.kind, appointment.referral_id is not None)),
        "link": appointment.video_link or "",
    }
    if old is not None:
        before = old.starts_at.astimezone(tz)
        values.update(old_date=date_with_weekday(before.date()), old_time=f"{before:%H:%M}")
    return values


def visit_notice(
    session: Session,
    appointment: Appointment,
    purpose: str,
    channel: NotificationChannel,
    tz: dt.tzinfo,
    *,
    old: Appointment | None = None,
) -> tuple[str | None, str]:
    """The subject and body of the ``purpose`` notice of ``appointment`` by ``channel``:
    the clinic's template (or the default) filled with the visit as it is now. A
    ``change`` without ``old`` tells of the time the visit was moved from."""
    if purpose == "change" and old is None and appointment.rescheduled_from_id is not None:
        old = session.get(Appointment, appointment.rescheduled_from_id)
    subject, body = render(
        template_for(session, purpose, channel), visit_values(session, appointment, tz, old)
    )
    return (subject[:200] if subject else None), body


def queue_visit_notice(
    session: Session,
    appointment: Appointment,
    purpose: str,
    *,
    now: dt.datetime,
    tz: dt.tzinfo,
    old: Appointment | None = None,
    due_at: dt.datetime | None = None,
) -> list[OutboxMessage]:
    """Queue the ``purpose`` notice of ``appointment`` to every channel the patient
    consented to (and has a contact for); the rows written (none: nobody to write to)."""
    patient = session.get(Patient, appointment.patient_id)
    assert patient is not None  # a foreign key
    rows = []
    for channel, contact in reachable_channels(session, patient, now.astimezone(tz).date()):
        subject, body = visit_notice(session, appointment, purpose, channel, tz, old=old)
        rows.append(
            OutboxMessage(
                patient_id=patient.id,
                appointment_id=appointment.id,
                channel=channel,
                recipient=contact,
                purpose=purpose,
                subject=subject,
                body=body,
                next_attempt_at=due_at or now,
                from_template=True,
            )  # fmt: skip
        )
    session.add_all(rows)
    return rows


def queue_reminders(
    session: Session, appointment: Appointment, *, now: dt.datetime, tz: dt.tzinfo
) -> list[OutboxMessage]:
    """Queue the reminders the clinic chose, each due its hours before the visit; a
    reminder whose time has already passed at booking is not queued."""
    rows: list[OutboxMessage] = []
    for hours in notice_settings(session).reminder_hours:
        due = appointment.starts_at - dt.timedelta(hours=hours)
        if due > now:
            rows += queue_visit_notice(session, appointment, "reminder", now=now, tz=tz, due_at=due)
    return rows


def change_notice_settings(
    db: sessionmaker[Session],
    actor: Actor,
    *,
    reminders: str | None = None,
    quiet_from: dt.time | None = None,
    quiet_to: dt.time | None = None,
    max_attempts: int | None = None,
) -> NoticeSettings:
    """Change the clinic's notification settings (managers, administrators); the rest is kept.

    Raises:
        PermissionDenied: neither a manager nor an administrator.
        ValidationError: ``reminders`` not 24h/2h/both, ``max_attempts`` not 1–20.
    """
    if not allowed(actor, Permission.MANAGE_SCHEDULES):
        require(actor, Permission.MANAGE_SETTINGS)
    if reminders is not None and reminders not in REMINDER_CHOICES:
        raise ValidationError(
            translate("notify", "Reminders: one of 24h, 2h, both"), field="reminders"
        )
    if max_attempts is not None and not 1 <= max_attempts <= 20:
        raise ValidationError(translate("notify", "Tries: from 1 to 20"), field="max_attempts")
    with db() as session, session.begin():
        old = notice_settings(session)
        new = NoticeSettings(
            reminders=old.reminders if reminders is None else reminders,
            quiet_from=old.quiet_from if quiet_from is None else quiet_from,
            quiet_to=old.quiet_to if quiet_to is None else quiet_to,
            max_attempts=old.max_attempts if max_attempts is None else max_attempts,
        )
        save_notice_settings(session, new)
        changes = journal.diff(_words(old), _words(new))
        if changes:
            journal.record(session, "update", actor=actor, entity="notice_settings",
                           changes=changes)  # fmt: skip
        return new


def _words(chosen: NoticeSettings) -> dict[str, object]:
    return {
        "reminders": chosen.reminders, "quiet_from": chosen.quiet_from.strftime("%H:%M"),
        "quiet_to": chosen.quiet_to.strftime("%H:%M"), "max_attempts": chosen.max_attempts,
    }  # fmt: skip
