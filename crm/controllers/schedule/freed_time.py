"""Freed time: an event of the schedule that other domains react to.

A doctor's time frees up when an appointment is cancelled or moved away, or when new
working hours open. The schedule announces it with :func:`announce` inside the
transaction of the change; it does not know who listens. The waiting list listens
(:mod:`crm.controllers.waiting.queue` offers the time to the patients waiting for it)
and subscribes with :func:`on_time_freed` when its module is imported, which
``crm/controllers/__init__.py`` does for every program that uses the controllers.

This keeps the arrow one way: the waiting list books through the schedule, and the
schedule never calls the waiting list by name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from crm.controllers.context import Actor


@dataclass(frozen=True)
class TimeFreed:
    """A doctor's time that became free, and who freed it.

    Attributes:
        doctor_id: whose time.
        starts_at: aware start of the freed time.
        ends_at: aware end.
        actor: who caused it (for the journal); ``None`` for the system.
        now: the moment of the change (the server's clock).
        exclude_patient_id: the patient who just gave the time up (not offered it back).
    """

    doctor_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    actor: Actor | None
    now: dt.datetime
    exclude_patient_id: int | None = None


#: A listener reacts inside the caller's transaction and says how many offers it made.
Listener = Callable[[Session, TimeFreed], int]

_listeners: list[Listener] = []


def on_time_freed(listener: Listener) -> Listener:
    """Subscribe ``listener`` to freed time (usable as a decorator); idempotent."""
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


def announce(session: Session, event: TimeFreed) -> int:
    """Tell every listener that time freed, in the caller's transaction.

    Call it after the change that freed the time is flushed. Returns the number of
    offers the listeners made (the hours editor reports it).
    """
    return sum(listener(session, event) for listener in tuple(_listeners))


@dataclass(frozen=True)
class TimeTaken:
    """A doctor's time that a manager booked on purpose over what was there (overbooking).

    The waiting list withdraws the offers of that time: an offer is not a hold, but an
    offer of time that is now doubly taken would tell the patient a wrong answer.

    Attributes:
        doctor_id: whose time.
        starts_at: aware start of the overbooked appointment.
        ends_at: aware end.
        actor: who overbooked (for the journal).
        now: the moment of the change (the server's clock).
    """

    doctor_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    actor: Actor | None
    now: dt.datetime


#: A listener reacts inside the caller's transaction and says how many offers it withdrew.
TakenListener = Callable[[Session, TimeTaken], int]

_taken_listeners: list[TakenListener] = []


def on_time_taken(listener: TakenListener) -> TakenListener:
    """Subscribe ``listener`` to overbooked time (usable as a decorator); idempotent."""
    if listener not in _taken_listeners:
        _taken_listeners.append(listener)
    return listener


def announce_taken(session: Session, event: TimeTaken) -> int:
    """Tell every listener that time was overbooked, in the caller's transaction."""
    return sum(listener(session, event) for listener in tuple(_taken_listeners))
