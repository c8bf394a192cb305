"""Errors the controllers raise; every message is ready to show to the user.

The refusal types of every domain live here, below the domains that raise and catch
them: a booking refusal is raised by the schedule, the referral rules and the waiting
list alike. A refusal about the time carries the nearest free slots, so the slot's
plain type (:class:`FreeSlot`, what the slot search returns) lives here too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any


class DomainError(Exception):
    """A rule refused the action. ``message`` is translated; ``field`` names the bad input."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ValidationError(DomainError):
    """Bad input in a named field."""


@dataclass(frozen=True)
class FieldProblem:
    """One bad field and what is wrong with it (already translated)."""

    field: str
    message: str


class PermissionDenied(DomainError):
    """The user's role may not do this."""


class NotFound(DomainError):
    """The record does not exist (any more)."""


class StaleRecord(DomainError):
    """The record was changed on another workstation since it was read."""


class LoginRefused(DomainError):
    """Login failed: wrong credentials, locked or inactive account."""


@dataclass(frozen=True)
class FreeSlot:
    """A bookable run of slots of one doctor.

    Attributes:
        doctor_id: the doctor.
        doctor_name: ``Фамилия И. О.``.
        specialty_id: the doctor's specialty.
        specialty_name: its name.
        starts_at: aware start, in the clinic's timezone.
        ends_at: aware end.
        room_id: the room of the working period (``None`` if none is set).
        room_number: its number (кабинет).
    """

    doctor_id: int
    doctor_name: str
    specialty_id: int
    specialty_name: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    room_id: int | None
    room_number: str | None


class BookingRefused(DomainError):
    """A booking rule refused the action.

    Attributes:
        reason_code: what refused it, for programs: ``slot_taken``, ``patient_busy``,
            ``outside_hours``, ``in_past``, ``too_late_to_change``, ``permission``,
            ``referral_*`` (see :mod:`crm.controllers.referrals.rules`), ``no_policy``,
            ``no_remote``, ``bad_length``, ``bad_status``, ``doctor_inactive``…
        alternatives: the nearest free slots (same doctor first, then the same
            specialty), for refusals about the time.
    """

    def __init__(
        self,
        reason_code: str,
        message: str,
        *,
        alternatives: tuple[FreeSlot, ...] = (),
        field: str | None = None,
    ) -> None:
        super().__init__(message, field=field)
        self.reason_code = reason_code
        self.alternatives = alternatives


class BookingNotPermitted(BookingRefused, PermissionDenied):
    """The actor's role may not do this (``reason_code`` ``permission``)."""

    def __init__(self, message: str) -> None:
        super().__init__("permission", message)


class FormInvalid(ValidationError):
    """A form has bad fields; ``problems`` lists all of them, ``field`` is the first."""

    def __init__(self, problems: list[FieldProblem] | tuple[FieldProblem, ...]) -> None:
        super().__init__(problems[0].message, field=problems[0].field)
        self.problems = tuple(problems)


class Problems:
    """Collects every bad field of a form, so the user sees them all at once.

    ``check`` runs one cleaner and keeps its value, or its problem; ``raise_any``
    raises one :class:`FormInvalid` for all of them.
    """

    def __init__(self) -> None:
        self.found: list[FieldProblem] = []

    def check(self, field: str, clean: Any, *args: Any, **kwargs: Any) -> Any:
        """``clean(*args, **kwargs)``, or ``None`` with its problem noted under ``field``."""
        try:
            return clean(*args, **kwargs)
        except FormInvalid as exc:
            self.found.extend(exc.problems)
        except ValidationError as exc:
            self.found.append(FieldProblem(exc.field or field, exc.message))
        return None

    def add(self, field: str, message: str) -> None:
        """Note a problem found by a rule across fields."""
        self.found.append(FieldProblem(field, message))

    def raise_any(self) -> None:
        """Raise :class:`FormInvalid` if any problem was noted."""
        if self.found:
            raise FormInvalid(self.found)
