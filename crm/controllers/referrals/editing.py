"""The registry of referrals (направления): query, register, correct, cancel, extend, show.

The rules themselves (validity by kind, the status as of a day, the checks for
booking) live in :mod:`crm.controllers.referrals.rules`; this module stores and reads
referrals with them. Expiry is never trusted from the table: every row is read
through :func:`~crm.controllers.referrals.rules.effective_status` against today (the
database server's day in the clinic's timezone, or ``today`` for tests), and the
registry's status filters say the same in SQL.

Who may do what: registrars and managers register, correct and cancel referrals
(``register_referrals``); only a doctor extends one (``extend_referrals``); anyone
who may find patients reads them. Each referral is an optimistically locked card
(``version``): pass ``expected_version`` as read and a concurrent change becomes
:class:`~crm.controllers.errors.StaleRecord`.

A visit that completes closes its referral, cancelling or a no-show releases it
(:mod:`crm.controllers.schedule.visit_status`); booking marks it used
(:mod:`crm.controllers.schedule.booking`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from crm.controllers import journal
from crm.controllers.access.permissions import Permission, require
from crm.controllers.clinic import clock
from crm.controllers.clinic.clock import server_now
from crm.controllers.context import Actor
from crm.controllers.errors import DomainError, StaleRecord
from crm.controllers.referrals import rules
from crm.controllers.referrals.form import (
    ReferralForm,
    ReferralInvalid,
    clean_form,
    number_taken,
)
from crm.controllers.referrals.registry import (
    REGISTRY_LIMIT,
    USING,
    ExtensionRow,
    ReferralAppointment,
    ReferralDetails,
    ReferralRow,
    RegistryFilter,
    find_by_number,
    get_referral,
    referral_details,
    referral_not_found,
    registry,
    today_of,
)
from crm.controllers.schedule.slots import free_slots
from crm.controllers.validation import format_date
from crm.controllers.vocabulary import referral_status_title
from crm.i18n import translate
from crm.models import (
    Appointment,
    Referral,
    ReferralExtension,
)
from crm.models.enums import (
    AppointmentStatus,
    ReferralKind,
    ReferralStatus,
)

RS = ReferralStatus

__all__ = [
    "ExtensionRow",
    "PENDING_VISIT",
    "REGISTRY_LIMIT",
    "ReferralAppointment",
    "ReferralDetails",
    "ReferralForm",
    "ReferralInvalid",
    "ReferralRefused",
    "ReferralRow",
    "RegistryFilter",
    "USING",
    "cancel_referral",
    "clean_form",
    "create_referral",
    "extend_referral",
    "find_by_number",
    "get_referral",
    "referral_details",
    "referral_not_found",
    "registry",
    "today_of",
    "update_referral",
]
#: …and those of them that have not taken place yet (a referral with one is not cancelled).
PENDING_VISIT = (AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED, AppointmentStatus.IN_PROGRESS)
# Fields whose change would move a booked visit out from under its referral.
_LOCKED_WHEN_USED = ("patient_id", "specialty_id", "kind", "issued_on", "valid_days")


class ReferralRefused(DomainError):
    """A referral rule refused the action.

    Attributes:
        reason_code: ``has_appointment`` (cancelling a referral with a visit ahead),
            ``already_cancelled``, ``not_long_term``, ``bad_status``, ``reason_required``,
            ``not_longer``, ``beyond_limit``, ``no_free_slots``, ``has_extensions``.
    """

    def __init__(self, reason_code: str, message: str, *, field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.reason_code = reason_code


_SNAPSHOT = (
    "number", "organisation_id", "patient_id", "specialty_id", "diagnosis_code", "kind",
    "issued_on", "valid_days", "issuing_doctor", "status", "cancel_reason",
)  # fmt: skip


def _snapshot(row: Referral) -> dict[str, Any]:
    return {name: getattr(row, name) for name in _SNAPSHOT}


def _stale() -> StaleRecord:
    return StaleRecord(
        translate("referrals", "The referral was changed on another workstation: reload it")
    )


@contextmanager
def _guard() -> Iterator[None]:
    """Optimistic-locking and uniqueness failures as the desk's errors."""
    try:
        yield
    except StaleDataError as exc:
        raise _stale() from exc
    except IntegrityError as exc:
        constraint = getattr(getattr(exc.orig, "diag", None), "constraint_name", None)
        if constraint == "uq_referral_number_per_org":
            raise ReferralInvalid([number_taken()]) from exc
        raise


def _lock(session: Session, referral_id: int, expected_version: int | None) -> Referral:
    row = session.get(Referral, referral_id, with_for_update=True)
    if row is None:
        raise referral_not_found(referral_id)
    if expected_version is not None and row.version != expected_version:
        raise _stale()
    return row


def _pending_visit(session: Session, referral_id: int) -> Appointment | None:
    return session.scalars(
        sa.select(Appointment).where(
            Appointment.referral_id == referral_id, Appointment.status.in_(PENDING_VISIT)
        )
    ).first()


def _record(session: Session, actor: Actor, action: str, referral_id: int, *,
            changes: dict[str, Any], details: str | None = None) -> None:  # fmt: skip
    journal.record(session, action, actor=actor, entity="referral", entity_id=referral_id,
                   changes=changes, details=details)  # fmt: skip


# --- changes ------------------------------------------------------------------------------


def create_referral(
    db: sessionmaker[Session], actor: Actor, form: ReferralForm, *, today: dt.date | None = None
) -> ReferralDetails:
    """Register a referral (status active; expired at once if its last day has passed).

    Raises:
        PermissionDenied: the role may not register referrals.
        ReferralInvalid: bad fields, all listed; a number the organisation already used.
    """
    require(actor, Permission.REGISTER_REFERRALS)
    with _guard(), db() as session, session.begin():
        day = today_of(session, today)
        values = clean_form(session, form, day)
        row = Referral(**values, status=RS.ACTIVE, created_by_id=actor.user_id)
        row.status = rules.released_status(row, day)
        session.add(row)
        session.flush()
        _record(session, actor, "create", row.id, changes=journal.diff({}, _snapshot(row)))
        return referral_details(session, row.id, day)


def update_referral(
    db: sessionmaker[Session],
    actor: Actor,
    referral_id: int,
    form: ReferralForm,
    *,
    expected_version: int | None = None,
    today: dt.date | None = None,
) -> ReferralDetails:
    """Correct a registered referral.

    The number, organisation, diagnosis and issuing doctor can always be corrected.
    While a visit is ahead on the referral (booked, arrived, in progress), its
    patient, specialty, kind and validity cannot change; nor its kind and issue date
    once it was extended. The stored status follows a changed validity (active ↔
    expired).

    Raises:
        PermissionDenied, NotFound, ReferralInvalid: as :func:`create_referral`.
        ReferralRefused: ``has_appointment`` or ``has_extensions`` (with the field).
        StaleRecord: changed on another workstation since ``expected_version``.
    """
    require(actor, Permission.REGISTER_REFERRALS)
    with _guard(), db() as session, session.begin():
        day = today_of(session, today)
        row = _lock(session, referral_id, expected_version)
        values = clean_form(session, form, day, own_id=row.id)
        before = _snapshot(row)
        extended = bool(
            session.scalar(
                sa.select(sa.func.count()).where(ReferralExtension.referral_id == row.id)
            )
        )
        if extended:
            for name in ("kind", "issued_on"):
                if values[name] != before[name]:
                    raise ReferralRefused(
                        "has_extensions",
                        translate(
                            "referrals",
                            "The referral was extended: its kind and issue date cannot change",
                        ),
                        field=name,
                    )
            values["valid_days"] = row.valid_days  # the extensions set it
        pending = _pending_visit(session, row.id)
        if pending is not None:
            for name in _LOCKED_WHEN_USED:
                if values[name] != before[name]:
                    raise ReferralRefused(
                        "has_appointment",
                        translate(
                            "referrals",
                            "A visit is booked on the referral: its patient, specialty and "
                            "validity cannot change",
                        ),
                        field=name,
                    )
        for name, value in values.items():
            setattr(row, name, value)
        if row.status in (RS.ACTIVE, RS.EXPIRED):
            row.status = rules.released_status(row, day)
        session.flush()
        changes = journal.diff(before, _snapshot(row))
        if changes:
            _record(session, actor, "update", row.id, changes=changes)
        return referral_details(session, row.id, day)


def cancel_referral(
    db: sessionmaker[Session],
    actor: Actor,
    referral_id: int,
    *,
    reason: str,
    expected_version: int | None = None,
    today: dt.date | None = None,
) -> ReferralDetails:
    """Cancel a referral (from any status) with a reason.

    A referral with a visit still ahead on it is not cancelled: the appointment is
    cancelled (or moved off it) first, so no patient arrives on a void referral.

    Raises:
        PermissionDenied, NotFound, StaleRecord: as usual.
        ReferralRefused: ``reason_required``, ``already_cancelled``, ``has_appointment``.
    """
    require(actor, Permission.REGISTER_REFERRALS)
    cleaned = " ".join(reason.split())
    if not cleaned:
        raise ReferralRefused(
            "reason_required", translate("referrals", "Reason: required"), field="reason"
        )
    with _guard(), db() as session, session.begin():
        day = today_of(session, today)
        row = _lock(session, referral_id, expected_version)
        if row.status is RS.CANCELLED:
            raise ReferralRefused(
                "already_cancelled", translate("referrals", "The referral is already cancelled")
            )
        pending = _pending_visit(session, row.id)
        if pending is not None:
            tz = clock.clinic_timezone(session)
            raise ReferralRefused(
                "has_appointment",
                translate(
                    "referrals",
                    "A visit on {when} is booked on the referral: cancel that appointment first",
                ).format(when=pending.starts_at.astimezone(tz).strftime("%d.%m.%Y %H:%M")),
            )
        before = _snapshot(row)
        row.status, row.cancel_reason = RS.CANCELLED, cleaned
        session.flush()
        _record(
            session,
            actor,
            "cancel",
            row.id,
            changes=journal.diff(before, _snapshot(row)),
            details=cleaned,
        )
        return referral_details(session, row.id, day)


def extend_referral(
    db: sessionmaker[Session],
    actor: Actor,
    referral_id: int,
    *,
    reason: str,
    until: dt.date | None = None,
    valid_days: int | None = None,
    expected_version: int | None = None,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
) -> ReferralDetails:
    """A doctor extends a long-term referral, giving a written reason.

    Give the new last valid day (``until``) or the new total days (``valid_days``).
    Never beyond 90 days from the issue date, and only while the target specialty
    (or, if no doctor here has it, its configured alternatives) has free slots
    between today and the new last day. Every extension is kept and listed.

    Raises:
        PermissionDenied: not a doctor.
        NotFound, StaleRecord: as usual.
        ReferralRefused: ``reason_required``, ``not_long_term``, ``bad_status``,
            ``not_longer``, ``beyond_limit``, ``no_free_slots``.
    """
    require(actor, Permission.EXTEND_REFERRALS)
    if (until is None) == (valid_days is None):
        raise ValueError("give either until or valid_days")
    cleaned = " ".join(reason.split())
    if not cleaned:
        raise ReferralRefused(
            "reason_required",
            translate("referrals", "Reason for the extension: required"),
            field="reason",
        )
    with _guard(), db() as session, session.begin():
        moment = server_now(session, now)
        tz = clock.clinic_timezone(session)
        day = today if today is not None else moment.astimezone(tz).date()
        row = _lock(session, referral_id, expected_version)
        new_days = valid_days if valid_days is not None else (until - row.issued_on).days + 1  # type: ignore[operator]
        _check_extension(session, row, new_days, day, moment)
        extension = ReferralExtension(
            referral_id=row.id, old_valid_days=row.valid_days, new_valid_days=new_days,
            reason=cleaned, extended_by_id=actor.user_id,
        )  # fmt: skip
        session.add(extension)
        before = _snapshot(row)
        row.valid_days = new_days
        if row.status is RS.EXPIRED:
            row.status = rules.released_status(row, day)
        session.flush()
        _record(
            session,
            actor,
            "extend",
            row.id,
            changes=journal.diff(before, _snapshot(row)),
            details=cleaned,
        )
        return referral_details(session, row.id, day)


def _check_extension(
    session: Session, row: Referral, new_days: int, today: dt.date, now: dt.datetime
) -> None:
    if row.kind is not ReferralKind.LONG_TERM:
        raise ReferralRefused(
            "not_long_term",
            translate("referrals", "Only a long-term treatment referral can be extended"),
        )
    status = rules.effective_status(row, today)
    if status not in (RS.ACTIVE, RS.USED):
        raise ReferralRefused(
            "bad_status",
            translate("referrals", "A referral that is {status} cannot be extended").format(
                status=referral_status_title(status)
            ),
        )
    if new_days <= row.valid_days:
        raise ReferralRefused(
            "not_longer",
            translate("referrals", "The new last day must be after {date}").format(
                date=format_date(rules.last_valid_day(row.issued_on, row.valid_days))
            ),
            field="until",
        )
    limit = rules.max_valid_days(
        row.kind, row.valid_days, limit=rules.specialty_rules(session, row.specialty_id)[1]
    )
    if new_days > limit:
        raise ReferralRefused(
            "beyond_limit",
            translate(
                "referrals", "A referral is valid at most {n} days from issue: until {date}"
            ).format(n=limit, date=format_date(rules.last_valid_day(row.issued_on, limit))),
            field="until",
        )
    last_day = rules.last_valid_day(row.issued_on, new_days)
    specialties = [row.specialty_id, *sorted(
        rules.alternative_specialties(session, row.specialty_id))]  # fmt: skip
    for specialty_id in specialties:
        if free_slots(session, specialty_id=specialty_id, date_from=today, date_to=last_day,
                      limit=1, now=now):  # fmt: skip
            return
    raise ReferralRefused(
        "no_free_slots",
        translate(
            "referrals",
            "No free slots of the referral's specialty until {date}: extending it would not help",
        ).format(date=format_date(last_day)),
    )
