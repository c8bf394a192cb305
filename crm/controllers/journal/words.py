"""The journal in words: what the raw keys of its entries mean to the people who read them.

The journal stores what happened as the code names it: an action (``hold``,
``offer_expired``), the kind of object (``waiting_list_entry``), and the changed fields
with their values as stored (``{"status": ["booked", "arrived"]}``, ISO times in UTC).
Every screen that shows journal entries (the manager's «Журнал», the card's «История»)
asks this module for the words, so a new action or field is named in one place:

- :func:`action_title`, :func:`entity_title`, :func:`outcome_title`, :func:`field_title`;
- :func:`value_text` — a stored value as the desk reads it: enumerations by the same
  names the rest of the program uses, «да»/«нет», ISO times as ``24.11.2026 00:00`` in
  the clinic's timezone, ids by name when :class:`Names` has them (``№ 7`` otherwise);
- :func:`change_texts` and :func:`describe` — a whole entry's changes;
- :func:`read_journal` — the journal page's rows with the clinic's timezone and the names
  of the ids their changes mention (a few cheap queries, on the runner).

A key it does not know is shown as it is: a new action never breaks a screen, and the
unit test that walks ``crm/controllers`` for every journaled action makes sure it gets
its word.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from crm.controllers import vocabulary
from crm.controllers.access.permissions import Permission, require
from crm.controllers.clinic import clock
from crm.controllers.context import Actor
from crm.controllers.printing import formats
from crm.controllers.schedule import (
    slots,
    working_hours,
)
from crm.controllers.validation import format_date, format_phone
from crm.i18n import translate
from crm.models import (
    Branch,
    Doctor,
    Insurer,
    IssuingOrganisation,
    JournalEntry,
    Referral,
    Room,
    Service,
    Specialty,
)
from crm.models.enums import (
    AppointmentKind,
    AppointmentStatus,
    ExceptionKind,
    PriorityStatus,
    ReferralKind,
    ReferralStatus,
    Role,
)
from crm.reports.ticket import TicketFormat

DASH = "—"
ARROW = "→"

_ISO_MOMENT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}.*")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ISO_TIME = re.compile(r"[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?")
_E164 = re.compile(r"\+[0-9]{11,15}")

#: The table whose row a field's id names (looked up by :func:`read_names`).
ID_TABLES = {
    "doctor_id": "doctor",
    "offered_doctor_id": "doctor",
    "room_id": "room",
    "specialty_id": "specialty",
    "organisation_id": "organisation",
    "service_id": "service",
    "referral_id": "referral",
    "insurer_id": "insurer",
    "branch_id": "branch",
}
#: Fields that point at another appointment.
_APPOINTMENT_LINKS = ("appointment_id", "rescheduled_from_id", "replaced_by")


# --- names of keys ----------------------------------------------------------------------


def action_titles() -> dict[str, str]:
    """Every journaled action in words (built per call: the language may change)."""
    return {
        "create": translate("journal", "creation"),
        "update": translate("journal", "change"),
        "delete": translate("journal", "deletion"),
        "status": translate("journal", "status change"),
        "cancel": translate("journal", "cancellation"),
        "reschedule": translate("journal", "rescheduling"),
        "check_in": translate("journal", "check-in"),
        "hold": translate("journal", "moved to the holding tray"),
        "release": translate("journal", "back from the holding tray"),
        "book": translate("journal", "booking"),
        "offer": translate("journal", "time offered"),
        "accept": translate("journal", "offer accepted"),
        "decline": translate("journal", "offer declined"),
        "offer_expired": translate("journal", "offer unanswered, passed on"),
        "offer_lapsed": translate("journal", "offered time passed"),
        "offer_lost": translate("journal", "offered time taken meanwhile"),
        "approve": translate("journal", "approval"),
        "reject": translate("journal", "rejection"),
        "extend": translate("journal", "extension"),
        "consent_given": translate("journal", "consent given"),
        "consent_revoked": translate("journal", "consent revoked"),
        "read_identity": translate("journal", "identity documents viewed"),
        "import": translate("journal", "import"),
        "export": translate("journal", "export"),
        "print": translate("journal", "printing"),
        "login": translate("journal", "log in"),
        "login_failed": translate("journal", "failed login"),
        "logout": translate("journal", "log out"),
        "password_changed": translate("journal", "password change"),
        "role_changed": translate("journal", "role change"),
        "deactivate": translate("journal", "account deactivated"),
        "reactivate": translate("journal", "account reactivated"),
        "unlock": translate("journal", "lockout lifted"),
        "demo_loaded": translate("journal", "demo clinic loaded"),
    }


def action_title(action: str) -> str:
    """``action`` in words (the key itself if unknown)."""
    return action_titles().get(action, action)


def entity_titles() -> dict[str, str]:
    """What a journal entry can be about, in words."""
    return {
        "app_user": translate("journal", "user"),
        "patient": translate("journal", "patient card"),
        "appointment": translate("journal", "appointment"),
        "referral": translate("journal", "referral"),
        "issuing_organisation": translate("journal", "issuing organisation"),
        "doctor": translate("journal", "doctor"),
        "schedule_template": translate("journal", "working hours"),
        "schedule_exception": translate("journal", "schedule exception"),
        "waiting_list_entry": translate("journal", "waiting list"),
        "priority_request": translate("journal", "priority request"),
        "report": translate("journal", "report"),
        "clinic_setting": translate("journal", "clinic settings"),
        "payment": translate("journal", "payment"),
        "medical_document": translate("journal", "medical document"),
        "service": translate("journal", "service"),
        "clinic_profile": translate("journal", "clinic details"),
        "branch": translate("journal", "branch"),
        "room": translate("journal", "room"),
        "specialty": translate("journal", "specialty"),
        "service_price": translate("journal", "price"),
    }


def entity_title(entity: str | None) -> str:
    """``entity`` in words (``—`` for none, the key itself if unknown)."""
    if not entity:
        return DASH
    return entity_titles().get(entity, entity)


def outcome_title(outcome: str) -> str:
    """Whether the action went through, in words."""
    titles = {
        "ok": translate("journal", "done"),
        "refused": translate("journal", "refused"),
        "failed": translate("journal", "failed"),
    }
    return titles.get(outcome, outcome)


def field_titles() -> dict[str, str]:
    """Every journaled field in words, in the order an entry's changes are listed."""
    return {
        # Appointments (and the filters of an exported report).
        "status": translate("journal", "Status"),
        "kind": translate("journal", "Kind"),
        "starts_at": translate("journal", "Start"),
        "ends_at": translate("journal", "End"),
        "doctor_id": translate("journal", "Doctor"),
        "patient_id": translate("journal", "Patient"),
        "room_id": translate("journal", "Room"),
        "referral_id": translate("journal", "Referral"),
        "service_id": translate("journal", "Service"),
        "in_holding_tray": translate("journal", "In the holding tray"),
        "overbooked": translate("journal", "Over the schedule"),
        "overbook_reason": translate("journal", "Reason for overbooking"),
        "rescheduled_from_id": translate("journal", "Moved from"),
        "replaced_by": translate("journal", "Moved to"),
        "cancelled_by": translate("journal", "Cancelled by"),
        "cancel_reason": translate("journal", "Reason for cancelling"),
        "video_link": translate("journal", "Video link"),
        # Working hours.
        "weekday": translate("journal", "Weekday"),
        "starts": translate("journal", "From"),
        "ends": translate("journal", "To"),
        "valid_from": translate("journal", "Valid from"),
        "valid_to": translate("journal", "Valid to"),
        "works_on_holidays": translate("journal", "Works on holidays"),
        "doctor_specialty": translate("journal", "Doctor's specialty"),
        "reason": translate("journal", "Reason"),
        # Referrals and their organisations.
        "number": translate("journal", "Number"),
        "organisation_id": translate("journal", "Issued by"),
        "specialty_id": translate("journal", "Specialty"),
        "diagnosis_code": translate("journal", "Diagnosis (ICD-10)"),
        "issued_on": translate("journal", "Issued on"),
        "valid_days": translate("journal", "Valid, days"),
        "issuing_doctor": translate("journal", "Referring doctor"),
        "name": translate("journal", "Name"),
        "ogrn": translate("journal", "OGRN"),
        # The waiting list and priority requests.
        "wished_from": translate("journal", "Wished from"),
        "wished_to": translate("journal", "Wished to"),
        "channel": translate("journal", "Contact by"),
        "offered_doctor_id": translate("journal", "Doctor offered"),
        "offered_starts_at": translate("journal", "Time offered"),
        "appointment_id": translate("journal", "Appointment"),
        "decision_reason": translate("journal", "Reason for the decision"),
        # The patient's card.
        "last_name": translate("journal", "Last name"),
        "first_name": translate("journal", "First name"),
        "patronymic": translate("journal", "Patronymic"),
        "birth_date": translate("journal", "Birth date"),
        "sex": translate("journal", "Sex"),
        "phone": translate("journal", "Phone"),
        "email": translate("journal", "E-mail"),
        "address": translate("journal", "Address"),
        "snils": translate("journal", "SNILS"),
        "passport": translate("journal", "Passport"),
        "other_document": translate("journal", "Other document"),
        "policy_kind": translate("journal", "Policy kind"),
        "policy_series": translate("journal", "Policy series"),
        "policy_number": translate("journal", "Policy number"),
        "policy_ends_on": translate("journal", "Policy valid until"),
        "insurer_id": translate("journal", "Insurer"),
        "consent_personal_data": translate("journal", "Consent to personal data processing"),
        "consent_sms": translate("journal", "Consent to SMS"),
        "consent_email": translate("journal", "Consent to e-mail"),
        "note": translate("journal", "Note"),
        # Users, settings, exports.
        "login": translate("journal", "Login"),
        "role": translate("journal", "Role"),
        "full_name": translate("journal", "Full name"),
        "active": translate("journal", "Active"),
        "locked_until": translate("journal", "Locked until"),
        "failed_attempts": translate("journal", "Failed login attempts"),
        formats.TICKET_FORMAT: translate("journal", "Ticket format"),
        "report": translate("journal", "Report"),
        "from": translate("journal", "Period from"),
        "to": translate("journal", "Period to"),
        "branch_id": translate("journal", "Branch"),
        "rows": translate("journal", "Rows"),
        # The clinic's details and its directories.
        "short_name": translate("journal", "Short name"),
        "licence": translate("journal", "Licence"),
        "timezone": translate("journal", "Timezone"),
        "ticket_format": translate("journal", "Ticket paper"),
        "code": translate("journal", "Code"),
        "is_service": translate("journal", "Diagnostic service"),
        "alternatives": translate("journal", "Alternatives"),
        "referral_days": translate("journal", "Referral valid, days"),
        "referral_max_days": translate("journal", "Longest extension, days"),
        "category": translate("journal", "Qualification category"),
        "degree": translate("journal", "Academic degree"),
        "licence_number": translate("journal", "Licence number"),
        "default_room_id": translate("journal", "Default room"),
        "offers_remote": translate("journal", "Remote consultations"),
        "slot_minutes": translate("journal", "Slot length, minutes"),
        "user_id": translate("journal", "Program login"),
        "duration_slots": translate("journal", "Duration, slots"),
        "description": translate("journal", "Description"),
        "oms": translate("journal", "Under OMS"),
        "nomenclature_code": translate("journal", "Nomenclature code"),
        "amount": translate("journal", "Price"),
    }


def field_title(name: str) -> str:
    """A journaled field's name in words (the key itself if unknown)."""
    return field_titles().get(name, name)


# --- names of ids -----------------------------------------------------------------------


@dataclass(frozen=True)
class Names:
    """Names for the ids that journal entries mention, by table (see :data:`ID_TABLES`).

    Attributes:
        tables: ``{"doctor": {7: "Петров П. П."}, "room": {3: "101"}, …}``.
    """

    tables: dict[str, dict[int, str]] = field(default_factory=dict)

    def of(self, name: str, value: int) -> str | None:
        """The name of id ``value`` of field ``name``, if known."""
        table = ID_TABLES.get(name)
        return self.tables.get(table, {}).get(value) if table else None

    def merged(self, other: Names) -> Names:
        """These names and ``other``'s (``other`` wins where both name an id)."""
        tables = {table: dict(names) for table, names in self.tables.items()}
        for table, names in other.tables.items():
            tables.setdefault(table, {}).update(names)
        return Names(tables)


def _pairs(changes: Mapping[str, Any] | None) -> Iterable[tuple[str, Any, Any]]:
    for name, change in (changes or {}).items():
        if isinstance(change, list | tuple) and len(change) == 2:
            yield name, change[0], change[1]
        else:
            yield name, None, change


def read_names(session: Session, changes: Iterable[Mapping[str, Any] | None]) -> Names:
    """Names of the ids that ``changes`` mention: one query per table that has some."""
    wanted: dict[str, set[int]] = {}
    for entry in changes:
        for name, before, after in _pairs(entry):
            table = ID_TABLES.get(name)
            if table is None:
                continue
            for value in (before, after):
                if isinstance(value, int) and not isinstance(value, bool):
                    wanted.setdefault(table, set()).add(value)
    readers: dict[str, tuple[Any, Callable[[Any], str]]] = {
        "doctor": (Doctor, lambda d: slots.short_name(d.last_name, d.first_name, d.patronymic)),
        "room": (Room, lambda r: r.number),
        "specialty": (Specialty, lambda s: s.name),
        "organisation": (IssuingOrganisation, lambda o: o.name),
        "service": (Service, lambda s: s.name),
        "referral": (Referral, lambda r: r.number),
        "insurer": (Insurer, lambda i: i.name),
        "branch": (Branch, lambda b: b.name),
    }
    tables: dict[str, dict[int, str]] = {}
    for table, ids in wanted.items():
        model, name_of = readers[table]
        rows = session.scalars(sa.select(model).where(model.id.in_(sorted(ids))))
        tables[table] = {row.id: name_of(row) for row in rows}
    return Names(tables)


# --- values -----------------------------------------------------------------------------


def format_moment(
    moment: dt.datetime, tz: dt.tzinfo | None = None, *, seconds: bool = False
) -> str:
    """``ДД.ММ.ГГГГ ЧЧ:ММ`` (``:СС`` with ``seconds``) in ``tz`` (as given when ``None``)."""
    if tz is not None and moment.tzinfo is not None:
        moment = moment.astimezone(tz)
    return moment.strftime("%d.%m.%Y %H:%M:%S" if seconds else "%d.%m.%Y %H:%M")


def yes_no(value: bool) -> str:
    """«да» or «нет»."""
    return translate("journal", "yes") if value else translate("journal", "no")


def _status(entity: str | None, value: str) -> str:
    if entity == "referral":
        return vocabulary.referral_status_title(ReferralStatus(value))
    if entity == "waiting_list_entry":
        return vocabulary.waiting_status_title(value)
    if entity == "priority_request":
        return vocabulary.priority_status_title(PriorityStatus(value))
    return vocabulary.appointment_status_title(AppointmentStatus(value))


def _kind(entity: str | None, value: str) -> str:
    if entity == "referral":
        return vocabulary.referral_kind_title(ReferralKind(value))
    if entity == "schedule_exception":
        return vocabulary.exception_title(ExceptionKind(value))
    return vocabulary.appointment_kind_title(AppointmentKind(value))


def _report(value: str) -> str:
    from crm.controllers.reports import REPORTS  # heavy (the workbook writer): when needed

    return REPORTS[value].title()


def _word(name: str, value: Any, entity: str | None) -> str | None:
    """The word for an enumerated value of ``name`` (``None``: not an enumeration)."""
    text = str(value)
    if name == "status":
        return _status(entity, text)
    if name == "kind":
        return _kind(entity, text)
    words: dict[str, Callable[[], dict[str, str]]] = {
        "cancelled_by": lambda: {
            "patient": translate("journal", "the patient"),
            "clinic": translate("journal", "the clinic"),
        },
        "channel": lambda: {
            "phone": translate("journal", "phone call"),
            "sms": translate("journal", "SMS"),
            "email": translate("journal", "e-mail"),
        },
        "sex": lambda: {
            "male": translate("journal", "male"),
            "female": translate("journal", "female"),
        },
        "policy_kind": lambda: {
            "unified": translate("journal", "unified number (ENP)"),
            "old": translate("journal", "old-style policy"),
            "temporary": translate("journal", "temporary certificate"),
        },
    }
    if name in words:
        return words[name]()[text]
    if name == "role":
        return vocabulary.role_title(Role(text))
    if name == "weekday":
        day = int(value)
        return working_hours.weekday_name(day) if 1 <= day <= 7 else None
    if name == formats.TICKET_FORMAT:
        return vocabulary.ticket_format_title(TicketFormat(text))
    if name == "report" and entity == "report":
        return _report(text)
    return None


def value_text(
    name: str,
    value: Any,
    *,
    entity: str | None = None,
    tz: dt.tzinfo | None = None,
    names: Names | None = None,
) -> str:
    """A journaled value of field ``name`` as the desk reads it (``—`` when empty).

    Args:
        name: the field's key (``status``, ``room_id``…).
        value: the value as stored in the journal (JSON: str, int, bool, None…).
        entity: what the entry is about: ``status`` and ``kind`` mean different things
            for an appointment, a referral, a waiting-list entry or an absence.
        tz: the clinic's timezone for ISO times (they are stored in UTC).
        names: names of the ids the entry mentions.

    An unknown value of an enumeration is shown as it is.
    """
    if value is None or value == "":
        return DASH
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, int) and name in ID_TABLES:
        known = names.of(name, value) if names is not None else None
        if known is None:
            return f"№ {value}"
        if name == "room_id":
            return translate("journal", "room {number}").format(number=known)
        return known
    if isinstance(value, int) and name in _APPOINTMENT_LINKS:
        return translate("journal", "appointment № {id}").format(id=value)
    if isinstance(value, int) and name == "patient_id":
        return translate("journal", "card № {id}").format(id=value)
    try:
        word = _word(name, value, entity)
    except (KeyError, ValueError, TypeError, IndexError):
        word = None  # a value this version does not know: shown as it is
    if word is not None:
        return word
    if isinstance(value, str):
        return _text(value, tz)
    return str(value)


def _text(value: str, tz: dt.tzinfo | None) -> str:
    try:
        if _ISO_MOMENT.fullmatch(value):
            return format_moment(dt.datetime.fromisoformat(value), tz)
        if _ISO_DATE.fullmatch(value):
            return format_date(dt.date.fromisoformat(value))
        if _ISO_TIME.fullmatch(value):
            return value[:5]
    except ValueError:
        return value
    if _E164.fullmatch(value):
        return format_phone(value)
    return value


# --- whole entries ----------------------------------------------------------------------


@dataclass(frozen=True)
class ChangeText:
    """One field of an entry in words.

    Attributes:
        field: the key (``status``).
        title: its name (``Статус``).
        before: the value before (``—`` when there was none).
        after: the value after.
        single: the entry gives one value, not a change (an export's filters).
    """

    field: str
    title: str
    before: str
    after: str
    single: bool = False

    def __str__(self) -> str:
        if self.single or self.before == self.after:
            return f"{self.title}: {self.after}"
        return f"{self.title}: {self.before} {ARROW} {self.after}"


def field_order(name: str, titles: Mapping[str, str] | None = None) -> int:
    """Where field ``name`` goes among an entry's changes (unknown ones last)."""
    order = list(titles if titles is not None else field_titles())
    return order.index(name) if name in order else len(order)


def change_texts(
    entity: str | None,
    changes: Mapping[str, Any] | None,
    *,
    tz: dt.tzinfo | None = None,
    names: Names | None = None,
) -> list[ChangeText]:
    """An entry's changes in words, in the order of :func:`field_titles`.

    ``changes`` is the journal's ``{field: [before, after]}``; a field given a single
    value (an export's filters) is shown with that value alone.
    """
    titles = field_titles()
    found: list[ChangeText] = []
    for name, change in (changes or {}).items():
        pair = isinstance(change, list | tuple) and len(change) == 2
        before, after = (change[0], change[1]) if pair else (None, change)
        found.append(
            ChangeText(
                field=name,
                title=titles.get(name, name),
                before=value_text(name, before, entity=entity, tz=tz, names=names),
                after=value_text(name, after, entity=entity, tz=tz, names=names),
                single=not pair,
            )
        )
    found.sort(key=lambda change: field_order(change.field, titles))
    return found


def describe(
    entity: str | None,
    changes: Mapping[str, Any] | None,
    details: str | None = None,
    *,
    tz: dt.tzinfo | None = None,
    names: Names | None = None,
) -> str:
    """The free-text details, then ``Поле: было → стало`` for each field, joined by «; »."""
    parts = [details] if details else []
    parts += [str(change) for change in change_texts(entity, changes, tz=tz, names=names)]
    return "; ".join(parts)


# --- the journal page -------------------------------------------------------------------


@dataclass(frozen=True)
class JournalSheet:
    """A page of the journal ready to show.

    Attributes:
        rows: the entries, newest first, ``at`` in the clinic's timezone.
        timezone: the clinic's timezone.
        names: names of the ids the entries' changes mention.
    """

    rows: tuple[JournalRow, ...]
    timezone: dt.tzinfo
    names: Names


def read_journal(
    db: sessionmaker[Session], actor: Actor, *, limit: int = 200, before_id: int | None = None
) -> JournalSheet:
    """The newest entries (see :func:`crm.controllers.journal.recent_entries`) with the
    clinic's timezone and the names of the ids they mention.

    Raises:
        PermissionDenied: the role may not read the journal.
    """
    rows = recent_entries(db, actor, limit=limit, before_id=before_id)
    with db() as session:
        tz = clock.clinic_timezone(session)
        names = read_names(session, (row.changes for row in rows))
    return JournalSheet(
        rows=tuple(dataclasses.replace(row, at=row.at.astimezone(tz)) for row in rows),
        timezone=tz,
        names=names,
    )


@dataclass(frozen=True)
class JournalRow:
    """One journal entry as the journal page shows it."""

    id: int
    at: dt.datetime
    login: str | None
    workstation: str | None
    action: str
    entity: str | None
    entity_id: int | None
    changes: dict[str, Any] | None
    outcome: str
    details: str | None


def recent_entries(
    db: sessionmaker[Session], actor: Actor, *, limit: int = 200, before_id: int | None = None
) -> list[JournalRow]:
    """The newest entries first, paged by ``before_id``."""
    require(actor, Permission.READ_JOURNAL)
    query = sa.select(JournalEntry).order_by(JournalEntry.id.desc()).limit(limit)
    if before_id is not None:
        query = query.where(JournalEntry.id < before_id)
    with db() as session:
        return [
            JournalRow(
                id=e.id,
                at=e.at,
                login=e.login,
                workstation=e.workstation,
                action=e.action,
                entity=e.entity,
                entity_id=e.entity_id,
                changes=e.changes,
                outcome=e.outcome.value,
                details=e.details,
            )
            for e in session.scalars(query)
        ]
