"""The registrar's call list: patients who asked to be phoned («звонок»), never sent an SMS.

:func:`queue_call` adds a task in the caller's transaction (the waiting list does, for an
entry whose channel is the phone); :func:`open_calls` lists what is left to call with
the number; :func:`mark_call` records «позвонил» or «не дозвонился» (the task stays on
the list, its attempts counted). The panel on the desk:
``crm/views/notifications/call_list.py`` (beside the schedule).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from crm.controllers import journal
from crm.controllers.access.permissions import Permission, require
from crm.controllers.clinic.clock import clinic_timezone, server_now
from crm.controllers.context import Actor
from crm.controllers.errors import NotFound
from crm.i18n import translate
from crm.models import Appointment, CallTask, Patient, WaitingListEntry
from crm.models.enums import CallStatus


@dataclass(frozen=True)
class CallRow:
    """A call to make."""

    id: int
    patient_id: int
    patient_name: str
    phone: str | None
    purpose: str
    body: str
    due_at: dt.datetime
    attempts: int
    status: CallStatus
    #: The time the call is about (the offered time, the visit's), in the clinic's zone.
    about_at: dt.datetime | None = None


def queue_call(
    session: Session,
    patient: Patient,
    purpose: str,
    body: str,
    *,
    due_at: dt.datetime | None = None,
    appointment_id: int | None = None,
    waiting_entry_id: int | None = None,
) -> CallTask:
    """Put a call to ``patient`` on the list, in the caller's transaction."""
    task = CallTask(
        patient_id=patient.id, appointment_id=appointment_id, waiting_entry_id=waiting_entry_id,
        phone=patient.phone, purpose=purpose, body=body,
    )  # fmt: skip
    if due_at is not None:
        task.due_at = due_at
    session.add(task)
    session.flush()
    return task


def open_calls(db: sessionmaker[Session], actor: Actor) -> list[CallRow]:
    """The calls still to make (open or not answered yet), the earliest due first."""
    require(actor, Permission.FIND_PATIENTS)
    with db() as session:
        tz = clinic_timezone(session)
        about = sa.func.coalesce(WaitingListEntry.offered_starts_at, Appointment.starts_at)
        rows = session.execute(
            sa.select(CallTask, Patient.last_name, Patient.first_name, Patient.patronymic, about)
            .join(Patient, Patient.id == CallTask.patient_id)
            .outerjoin(WaitingListEntry, WaitingListEntry.id == CallTask.waiting_entry_id)
            .outerjoin(Appointment, Appointment.id == CallTask.appointment_id)
            .where(CallTask.status.in_((CallStatus.OPEN, CallStatus.NO_ANSWER)))
            .order_by(CallTask.due_at, CallTask.id)
        ).all()
        return [
            CallRow(
                task.id,
                task.patient_id,
                " ".join(p for p in (last, first, middle) if p),
                task.phone,
                task.purpose,
                task.body,
                task.due_at,
                task.attempts,
                task.status,
                at.astimezone(tz) if at is not None else None,
            )  # fmt: skip
            for task, last, first, middle, at in rows
        ]


def mark_call(
    db: sessionmaker[Session],
    actor: Actor,
    task_id: int,
    *,
    reached: bool,
    now: dt.datetime | None = None,
) -> CallStatus:
    """Record a call: «позвонил» (``reached``, the task is done) or «не дозвонился».

    The desk makes the calls (registrars and managers): a doctor, who may see the list
    of the own patients' calls, does not mark them (nor may the doctor's database role).
    """
    require(actor, Permission.EDIT_PATIENTS)
    with db() as session, session.begin():
        task = session.get(CallTask, task_id, with_for_update=True)
        if task is None:
            raise NotFound(translate("calls", "No call with id {id}").format(id=task_id))
        before = {"status": task.status, "attempts": task.attempts}
        task.attempts += 1
        task.status = CallStatus.REACHED if reached else CallStatus.NO_ANSWER
        if reached:
            task.done_at, task.done_by_id = server_now(session, now), actor.user_id
        journal.record(
            session, "call", actor=actor, entity="call_task", entity_id=task.id,
            changes=journal.diff(before, {"status": task.status, "attempts": task.attempts}),
        )  # fmt: skip
        return task.status
