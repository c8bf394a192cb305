"""The search box over everything: one query per kind, each on an index, grouped.

What each kind matches, and on which index:

- patients: the patient search itself (:func:`crm.controllers.patients.search.search_patients`:
  surname with typos, initials, birth date, phone, СНИЛС, ЕНП);
- appointments: a ticket's QR code (``CRM-APPT-123-71``, check digits verified) or its
  printed number (``000123``, six digits or more): the primary key;
- referrals: the number typed any way (``нп 052848`` is ``НП-052848``): the whole
  number on ``ix_referral_number``, a fragment on ``ix_referral_number_trgm``;
- medical documents: every word in the title (``ix_medical_document_title_trgm``); the
  desk sees titles, never contents (DOMAIN.md), so only listed columns are read;
- services: every word in the code or the name (``ix_service_search_trgm``);
- doctors and users: every word in the name (and the login) (``ix_doctor_search_trgm``,
  ``ix_app_user_search_trgm``).

Who sees which group (:func:`visible_kinds`): those who find patients see patients,
appointments (a doctor only her own schedule's), referrals and documents; the desk and
managers see doctors (to open one's week), and so does an administrator (to open one
in the directories); services are for those who keep the directories; users for the
administrator alone. A kind not visible is not queried at all.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from crm.controllers.access.permissions import Permission, allowed, require
from crm.controllers.context import Actor
from crm.controllers.patients.search import PatientHit, search_patients
from crm.controllers.referrals import rules
from crm.controllers.schedule.slots import short_name
from crm.controllers.validation import format_date
from crm.controllers.vocabulary import (
    appointment_status_title,
    document_kind_title,
    referral_status_title,
    role_title,
)
from crm.crypto import KeyRing
from crm.i18n import translate
from crm.models import (
    Appointment,
    Doctor,
    MedicalDocument,
    Patient,
    Referral,
    Service,
    Specialty,
    User,
)
from crm.reports import qr

#: Hits shown per group (one more is read to tell that there are more).
PER_GROUP = 5
#: The shortest fragment looked up in a large table's trigram index (shorter ones have
#: no trigram to look up: the whole table would be read).
MIN_FRAGMENT = 3
#: The shortest entry searched at all.
MIN_TEXT = 2
#: Fewest digits of a ticket's printed number (``ticket_number``: six or more).
TICKET_DIGITS = 6
#: Documents matching a title read before the newest are chosen: a common word
#: («анализ») must not sort every document of the clinic.
DOCUMENT_WINDOW = 200
#: A space written into the SQL, not bound: the expression must read exactly as the
#: index's (migration 0022) for the planner to use it.
SPACE = sa.literal_column("' '", sa.String)


class Kind(enum.StrEnum):
    """A group of results, in the order shown."""

    PATIENT = "patient"
    APPOINTMENT = "appointment"
    REFERRAL = "referral"
    DOCUMENT = "document"
    DOCTOR = "doctor"
    SERVICE = "service"
    USER = "user"


@dataclass(frozen=True)
class SearchHit:
    """One result and what opening it needs.

    Attributes:
        kind: the group.
        id: the row's id (patient, appointment, referral, document, service, user, doctor).
        title: the first line (a name, a ticket's number, a referral's number, a title).
        detail: the second line, short.
        patient_id: the patient it belongs to (appointments, referrals, documents).
        day: an appointment's day in the clinic's timezone.
        doctor_id: an appointment's or a user's doctor.
        key: a referral's number, a user's login.
    """

    kind: Kind
    id: int
    title: str
    detail: str
    patient_id: int | None = None
    day: dt.date | None = None
    doctor_id: int | None = None
    key: str | None = None


@dataclass(frozen=True)
class SearchGroup:
    """The hits of one kind, best first; ``has_more``: more matched than are shown."""

    kind: Kind
    title: str
    hits: tuple[SearchHit, ...]
    has_more: bool


@dataclass(frozen=True)
class SearchResults:
    """The answer for one entry: its non-empty groups in :class:`Kind` order."""

    text: str
    groups: tuple[SearchGroup, ...]

    @property
    def hits(self) -> tuple[SearchHit, ...]:
        """Every hit, group after group."""
        return tuple(hit for group in self.groups for hit in group.hits)


def kind_title(kind: Kind) -> str:
    """A group's heading."""
    titles = {
        Kind.PATIENT: translate("search", "Patients"),
        Kind.APPOINTMENT: translate("search", "Appointments"),
        Kind.REFERRAL: translate("search", "Referrals"),
        Kind.DOCUMENT: translate("search", "Medical documents"),
        Kind.DOCTOR: translate("search", "Doctors"),
        Kind.SERVICE: translate("search", "Services"),
        Kind.USER: translate("search", "Users"),
    }
    return titles[kind]


def may_see(actor: Actor, kind: Kind) -> bool:
    """Whether ``actor``'s role sees the group ``kind`` (see the module docstring)."""
    if kind is Kind.DOCTOR:
        return allowed(actor, Permission.BOOK_ANY_DOCTOR) or allowed(
            actor, Permission.MANAGE_DIRECTORIES
        )
    if kind is Kind.SERVICE:
        return allowed(actor, Permission.MANAGE_DIRECTORIES)
    if kind is Kind.USER:
        return allowed(actor, Permission.MANAGE_USERS)
    return allowed(actor, Permission.FIND_PATIENTS)


def visible_kinds(actor: Actor) -> tuple[Kind, ...]:
    """The groups ``actor`` sees, in the order shown."""
    return tuple(kind for kind in Kind if may_see(actor, kind))


def _check(actor: Actor, kind: Kind) -> None:
    if not may_see(actor, kind):  # then ``require`` refuses, naming a permission missing
        require(actor, NEEDED.get(kind, Permission.FIND_PATIENTS))


#: The permission named when a group is refused (doctors: either of two would do).
NEEDED = {
    Kind.DOCTOR: Permission.BOOK_ANY_DOCTOR,
    Kind.SERVICE: Permission.MANAGE_DIRECTORIES,
    Kind.USER: Permission.MANAGE_USERS,
}


def search_everything(
    db: sessionmaker[Session],
    actor: Actor,
    keyring: KeyRing | None,
    text: str,
    *,
    per_group: int = PER_GROUP,
) -> SearchResults:
    """Everything ``text`` finds that ``actor`` may see, grouped by kind.

    The patients' search runs in its own session; the other kinds share one.
    """
    text = " ".join(text.split())
    kinds = visible_kinds(actor)
    if len(text) < MIN_TEXT or not kinds:
        return SearchResults(text=text, groups=())
    kinds = tuple(kind for kind in kinds if _may_match(kind, text))
    found: dict[Kind, tuple[list[SearchHit], bool]] = {}
    if Kind.PATIENT in kinds:
        page = search_patients(db, actor, keyring, text, limit=per_group)
        found[Kind.PATIENT] = ([_patient_hit(h) for h in page.hits], page.has_more)
    others = [kind for kind in kinds if kind is not Kind.PATIENT]
    if others:
        with db() as session:
            # Each kind is one read on its own: no transaction to open and roll back
            # (two round trips fewer on every key the desk types).
            if isinstance(session.get_bind(), sa.Engine):  # (not inside a caller's transaction)
                session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
            for kind in others:
                rows = FINDERS[kind](session, actor, text, per_group + 1)
                found[kind] = (rows[:per_group], len(rows) > per_group)
    groups = tuple(
        SearchGroup(kind, kind_title(kind), tuple(found[kind][0]), found[kind][1])
        for kind in Kind
        if kind in found and found[kind][0]
    )
    return SearchResults(text=text, groups=groups)


def _may_match(kind: Kind, text: str) -> bool:
    """Whether ``text`` can be of ``kind`` at all (a query saved on every key typed): a
    ticket's code is nothing but a ticket; names have no digits; a referral's number
    and a ticket's printed number have them; a title is not digits alone."""
    if qr.looks_like_code(text):
        return kind is Kind.APPOINTMENT
    has_digits = any(ch.isdigit() for ch in text)
    digits_only = "".join(text.split()).lstrip("№+").replace("-", "").isdigit()
    if kind is Kind.APPOINTMENT:
        return ticket_id(text) is not None
    if kind is Kind.REFERRAL:
        return has_digits
    if kind is Kind.DOCTOR:
        return not has_digits
    if kind is Kind.DOCUMENT:
        return not digits_only
    return True


def search_kind(
    db: sessionmaker[Session], actor: Actor, kind: Kind, text: str, *, limit: int = PER_GROUP
) -> list[SearchHit]:
    """One group alone (not patients: :func:`search_patients` is theirs).

    Raises:
        PermissionDenied: ``actor`` may not see ``kind``.
    """
    _check(actor, kind)
    with db() as session:
        return FINDERS[kind](session, actor, " ".join(text.split()), limit)


# --- the kinds ---------------------------------------------------------------------------


def _patient_hit(hit: PatientHit) -> SearchHit:
    return SearchHit(
        kind=Kind.PATIENT,
        id=hit.id,
        title=hit.full_name,
        detail=" · ".join(d for d in (hit.birth_date_text, hit.phone) if d),
        patient_id=hit.id,
    )


def ticket_id(text: str) -> int | None:
    """The appointment a ticket's code or printed number names, or ``None``."""
    appointment_id = qr.parse_code(text)
    if appointment_id is not None:
        return appointment_id
    digits = text.strip().lstrip("№").strip()
    if digits.isdigit() and TICKET_DIGITS <= len(digits) <= 12 and int(digits) > 0:  # noqa: PLR2004
        return int(digits)
    return None


def _appointments(session: Session, actor: Actor, text: str, limit: int) -> list[SearchHit]:
    appointment_id = ticket_id(text)
    if appointment_id is None:
        return []
    query = (
        sa.select(
            Appointment.id,
            Appointment.starts_at,
            Appointment.status,
            Appointment.patient_id,
            Appointment.doctor_id,
            Patient.last_name,
            Patient.first_name,
            Patient.patronymic,
            Doctor.last_name.label("d_last"),
            Doctor.first_name.label("d_first"),
            Doctor.patronymic.label("d_middle"),
            Specialty.name.label("specialty"),
        )
        .join(Patient, Patient.id == Appointment.patient_id)
        .join(Doctor, Doctor.id == Appointment.doctor_id)
        .join(Specialty, Specialty.id == Doctor.specialty_id)
        .where(Appointment.id == appointment_id)
    )
    if not allowed(actor, Permission.BOOK_ANY_DOCTOR):  # a doctor: her own schedule
        query = query.where(Appointment.doctor_id == sa.literal(actor.doctor_id or 0))
    zone = ZoneInfo(actor.clinic_timezone)
    hits = []
    for row in session.execute(query.limit(limit)):
        starts = row.starts_at.astimezone(zone)
        detail = " · ".join(
            (
                f"{starts:%d.%m.%Y %H:%M}",
                short_name(row.last_name, row.first_name, row.patronymic),
                f"{short_name(row.d_last, row.d_first, row.d_middle)} ({row.specialty})",
                appointment_status_title(row.status),
            )
        )
        hits.append(
            SearchHit(
                kind=Kind.APPOINTMENT,
                id=row.id,
                title=translate("search", "Ticket No. {number}").format(number=f"{row.id:06d}"),
                detail=detail,
                patient_id=row.patient_id,
                day=starts.date(),
                doctor_id=row.doctor_id,
            )
        )
    return hits


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _referrals(session: Session, actor: Actor, text: str, limit: int) -> list[SearchHit]:
    typed = "".join(text.split()).upper()
    if not any(ch.isdigit() for ch in typed):
        return []
    number = rules.normalize_number(typed) or typed
    whole = Referral.number == number
    matches = (
        Referral.number.like(f"%{_escape_like(number)}%", escape="\\")
        if len(number) >= MIN_FRAGMENT
        else whole
    )
    query = (
        sa.select(Referral, Patient.last_name, Patient.first_name, Patient.patronymic)
        .add_columns(Specialty.name.label("specialty"))
        .join(Patient, Patient.id == Referral.patient_id)
        .join(Specialty, Specialty.id == Referral.specialty_id)
        .where(matches)
        .order_by(whole.desc(), Referral.issued_on.desc(), Referral.id.desc())
        .limit(limit)
    )
    today = actor.clinic_today()
    hits = []
    for referral, last, first, middle, specialty in session.execute(query).tuples():
        status = rules.effective_status(referral, today)
        detail = " · ".join(
            (
                short_name(last, first, middle),
                specialty,
                translate("search", "issued {date}").format(date=format_date(referral.issued_on)),
                referral_status_title(status),
            )
        )
        hits.append(
            SearchHit(
                kind=Kind.REFERRAL,
                id=referral.id,
                title=referral.number,
                detail=detail,
                patient_id=referral.patient_id,
                key=referral.number,
            )
        )
    return hits


def _words(text: str) -> list[str]:
    return [_escape_like(word) for word in text.lower().split()]


def _all_words(expression: sa.ColumnElement[str], words: list[str]) -> sa.ColumnElement[bool]:
    return sa.and_(*(expression.like(f"%{word}%", escape="\\") for word in words))


def _documents(session: Session, _actor: Actor, text: str, limit: int) -> list[SearchHit]:
    words = _words(text)
    if not words or max(len(w) for w in words) < MIN_FRAGMENT:
        return []
    title = sa.func.lower(MedicalDocument.title)
    # Only columns the desk's role may read (never which contents: ``content_id``).
    matching = (
        sa.select(
            MedicalDocument.id,
            MedicalDocument.patient_id,
            MedicalDocument.title,
            MedicalDocument.kind,
            MedicalDocument.document_date,
        )
        .where(_all_words(title, words), MedicalDocument.withdrawn_at.is_(None))
        .limit(DOCUMENT_WINDOW)
        .subquery("matching")
    )
    query = (
        sa.select(matching, Patient.last_name, Patient.first_name, Patient.patronymic)
        .join(Patient, Patient.id == matching.c.patient_id)
        .order_by(matching.c.document_date.desc(), matching.c.id.desc())
        .limit(limit)
    )
    return [
        SearchHit(
            kind=Kind.DOCUMENT,
            id=row.id,
            title=row.title,
            detail=" · ".join(
                (
                    document_kind_title(row.kind),
                    format_date(row.document_date),
                    short_name(row.last_name, row.first_name, row.patronymic),
                )
            ),
            patient_id=row.patient_id,
        )
        for row in session.execute(query)
    ]


def _inactive(active: bool) -> list[str]:
    return [] if active else [translate("search", "deactivated")]


def _services(session: Session, _actor: Actor, text: str, limit: int) -> list[SearchHit]:
    words = _words(text)
    searched = sa.func.lower(Service.code + SPACE + Service.name)
    query = (
        sa.select(Service.id, Service.code, Service.name, Service.active)
        .where(_all_words(searched, words))
        .order_by(
            (sa.func.lower(Service.code) == text.lower()).desc(),
            Service.active.desc(),
            Service.name,
            Service.id,
        )
        .limit(limit)
    )
    return [
        SearchHit(
            kind=Kind.SERVICE,
            id=row.id,
            title=row.name,
            detail=" · ".join([row.code, *_inactive(row.active)]),
        )
        for row in session.execute(query)
    ]


def doctor_search_expression() -> sa.ColumnElement[str]:
    """What ``ix_doctor_search_trgm`` indexes: the whole name in lower case."""
    return sa.func.lower(
        Doctor.last_name
        + SPACE
        + Doctor.first_name
        + SPACE
        + sa.func.coalesce(Doctor.patronymic, sa.literal_column("''"))
    )


def _doctors(session: Session, _actor: Actor, text: str, limit: int) -> list[SearchHit]:
    query = (
        sa.select(
            Doctor.id,
            Doctor.last_name,
            Doctor.first_name,
            Doctor.patronymic,
            Doctor.active,
            Specialty.name.label("specialty"),
        )
        .join(Specialty, Specialty.id == Doctor.specialty_id)
        .where(_all_words(doctor_search_expression(), _words(text)))
        .order_by(Doctor.active.desc(), Doctor.last_name, Doctor.first_name, Doctor.id)
        .limit(limit)
    )
    return [
        SearchHit(
            kind=Kind.DOCTOR,
            id=row.id,
            title=" ".join(p for p in (row.last_name, row.first_name, row.patronymic) if p),
            detail=" · ".join([row.specialty, *_inactive(row.active)]),
            doctor_id=row.id,
        )
        for row in session.execute(query)
    ]


def _users(session: Session, _actor: Actor, text: str, limit: int) -> list[SearchHit]:
    searched = sa.func.lower(User.login + SPACE + User.full_name)
    query = (
        sa.select(User.id, User.login, User.full_name, User.role, User.active, User.doctor_id)
        .where(_all_words(searched, _words(text)))
        .order_by(User.active.desc(), User.full_name, User.id)
        .limit(limit)
    )
    return [
        SearchHit(
            kind=Kind.USER,
            id=row.id,
            title=row.full_name,
            detail=" · ".join([row.login, role_title(row.role), *_inactive(row.active)]),
            doctor_id=row.doctor_id,
            key=row.login,
        )
        for row in session.execute(query)
    ]


#: kind → its query (``session, actor, text, limit`` → hits); patients are not here.
FINDERS: dict[Kind, Callable[[Session, Actor, str, int], list[SearchHit]]] = {
    Kind.APPOINTMENT: _appointments,
    Kind.REFERRAL: _referrals,
    Kind.DOCUMENT: _documents,
    Kind.DOCTOR: _doctors,
    Kind.SERVICE: _services,
    Kind.USER: _users,
}
