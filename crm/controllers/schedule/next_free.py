"""«Ближайшее свободное»: the nearest free times of a specialty across its doctors, for
the desk that books a patient from the Patients page or the card (Ctrl+F).

The search is :func:`crm.controllers.schedule.slots.free_slots` by specialty from now
over :data:`HORIZON_DAYS`; booking one goes through
:func:`crm.controllers.schedule.booking.book` as every booking does.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session, sessionmaker

from crm.controllers.access.permissions import Permission, require
from crm.controllers.context import Actor
from crm.controllers.errors import FreeSlot
from crm.controllers.schedule.slots import free_slots

#: How far ahead the nearest free times are looked for.
HORIZON_DAYS = 60
#: How many times the dialog lists.
LIMIT = 30


def nearest_free(
    db: sessionmaker[Session],
    actor: Actor,
    *,
    specialty_id: int,
    slots: int = 1,
    patient_id: int | None = None,
    limit: int = LIMIT,
) -> list[FreeSlot]:
    """The soonest free runs of ``slots`` slots of any active doctor of ``specialty_id``,
    leaving out times when ``patient_id`` is booked elsewhere.

    Raises:
        PermissionDenied: the role books no other doctor's patients.
    """
    require(actor, Permission.BOOK_ANY_DOCTOR)
    today = actor.clinic_today()
    return free_slots(
        db, specialty_id=specialty_id, date_from=today,
        date_to=today + dt.timedelta(days=HORIZON_DAYS), slots=slots, limit=limit,
        patient_id=patient_id,
    )  # fmt: skip
