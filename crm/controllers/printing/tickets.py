"""Tickets and day lists to print, the print journal, and reading a scanned ticket.

A ticket (талон) carries what DOMAIN.md lists: clinic, number, patient, date and
weekday, time, doctor and specialty, room and branch, referral, what to bring, the
remote consultation's link, and a QR code with the appointment's identifier (its
text and check digits: :mod:`crm.reports.qr`). The PDFs are built here, on the
caller's thread (the GUI's database runner), and journaled when they are actually
printed or saved (:func:`record_print`), not when a preview is made.

A scanned code finds its appointment and says what the desk may do with it:
check the patient in (booked for today), or why not — already used (with when
and where it was checked in), cancelled, moved to another time, not today.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased, sessionmaker

from crm.controllers import journal
from crm.controllers.access.permissions import Permission, allowed, require
from crm.controllers.clinic import clock, settings
from crm.controllers.clinic.clock import server_now
from crm.controllers.context import Actor
from crm.controllers.errors import NotFound, ValidationError
from crm.controllers.printing import formats
from crm.controllers.schedule import calendar, day_grid
from crm.controllers.validation.phones import format_phone
from crm.controllers.vocabulary import appointment_kind_title as kind_title
from crm.controllers.vocabulary import appointment_status_title as status_title
from crm.controllers.vocabulary import what_to_bring
from crm.i18n import translate
from crm.models import (
    Appointment,
    Branch,
    Doctor,
    JournalEntry,
    Patient,
    Referral,
    Room,
    Service,
    Specialty,
)
from crm.models.enums import AppointmentKind, AppointmentStatus
from crm.reports import qr
from crm.reports.daylist import DayListData, DayListRow, DayListSection, render_day_list
from crm.reports.ticket import TicketData, TicketFormat, render_tickets

S = AppointmentStatus
#: Appointments that have no ticket to print.
NO_TICKET = frozenset({S.CANCELLED, S.RESCHEDULED, S.NO_SHOW})
#: Printed grey in a day list: the patient is not coming (any more).
INACTIVE = frozenset({S.NO_SHOW, S.CANCELLED, S.RESCHEDULED})
MAX_TICKETS = 200


def full_name(last_name: str, first_name: str, patronymic: str | None) -> str:
    """``Иванов Иван Иванович`` (no patronymic: two words)."""
    return " ".join(x for x in (last_name, first_name, patronymic) if x)


def ticket_number(appointment_id: int) -> str:
    """The ticket's printed number: the appointment's id, at least six digits."""
    return f"{appointment_id:06d}"


@dataclass(frozen=True)
class PrintableDocument:
    """A PDF ready to show, print or save, and what it is of (for the journal).

    Attributes:
        kind: ``ticket`` or ``day_list``.
        pdf: the document.
        title: a name for the print queue and the saved file.
        entity: the journal's entity for each printed item (``appointment``, ``doctor``).
        entity_ids: the appointments (tickets) or doctors (day list) printed.
        ticket_format: the tickets' paper (``None`` for a day list).
        day: the day list's day.
    """

    kind: str
    pdf: bytes
    title: str
    entity: str
    entity_ids: tuple[int, ...]
    ticket_format: TicketFormat | None = None
    day: dt.date | None = None


def _clinic(session: Session) -> dict[str, str]:
    profile = settings.get(session, settings.CLINIC_PROFILE) or {}
    return {key: str(value) for key, value in profile.items() if value}


# --- tickets ------------------------------------------------------------------------------


def ticket_data(
    db: sessionmaker[Session] | Session,
    actor: Actor,
    appointment_ids: Sequence[int],
    *,
    now: dt.datetime | None = None,
) -> list[TicketData]:
    """What the tickets of ``appointment_ids`` say, in the order given.

    Raises:
        PermissionDenied: the role may not print.
        NotFound: an appointment does not exist.
        ValidationError: an appointment was cancelled, moved or missed (field
            ``appointment``), or too many at once.
    """
    require(actor, Permission.PRINT)
    return _tickets(db, appointment_ids, now)


def ticket_pdf(session: Session, appointment_id: int) -> bytes | None:
    """One appointment's ticket as a PDF on the clinic's paper, attached to the e-mails
    about it (by the sender: no actor, not a print); ``None`` if it has no ticket."""
    visit = session.get(Appointment, appointment_id)
    if visit is None or visit.status in NO_TICKET:
        return None
    return render_tickets(_tickets(session, [appointment_id], None), formats.ticket_format(session))


def _tickets(
    db: sessionmaker[Session] | Session, appointment_ids: Sequence[int], now: dt.datetime | None
) -> list[TicketData]:
    ids = list(dict.fromkeys(appointment_ids))
    if not ids:
        return []
    if len(ids) > MAX_TICKETS:
        raise ValidationError(
            translate("tickets", "At most {count} tickets at once").format(count=MAX_TICKETS),
            field="appointment",
        )
    own_room = aliased(Room)
    default_room = aliased(Room)
    query = (
        sa.select(
            Appointment,
            Patient.last_name.label("p_last"),
            Patient.first_name.label("p_first"),
            Patient.patronymic.label("p_middle"),
            Patient.birth_date,
            Doctor.last_name.label("d_last"),
            Doctor.first_name.label("d_first"),
            Doctor.patronymic.label("d_middle"),
            Specialty.name.label("specialty"),
            sa.func.coalesce(own_room.number, default_room.number).label("room"),
            Branch.name.label("branch_name"),
            Branch.address.label("branch_address"),
            Referral.number.label("referral_number"),
            Service.name.label("service_name"),
        )
        .join(Patient, Patient.id == Appointment.patient_id)
        .join(Doctor, Doctor.id == Appointment.doctor_id)
        .join(Specialty, Specialty.id == Doctor.specialty_id)
        .outerjoin(own_room, own_room.id == Appointment.room_id)
        .outerjoin(default_room, default_room.id == Doctor.default_room_id)
        .join(Branch, Branch.id == sa.func.coalesce(own_room.branch_id, Doctor.branch_id))
        .outerjoin(Referral, Referral.id == Appointment.referral_id)
        .outerjoin(Service, Service.id == Appointment.service_id)
        .where(Appointment.id.in_(ids))
    )
    with clock.reading(db) as session:
        zone = clock.clinic_timezone(session)
        printed_at = server_now(session, now).astimezone(zone)
        clinic = _clinic(session)
        rows = {r.Appointment.id: r for r in session.execute(query)}
    tickets = []
    for appointment_id in ids:
        row = rows.get(appointment_id)
        if row is None:
            raise NotFound(
                translate("booking", "Appointment {id} does not exist").format(id=appointment_id)
            )
        a: Appointment = row.Appointment
        if a.status in NO_TICKET:
            raise ValidationError(
                translate(
                    "tickets", "Appointment {id} is «{status}»: there is no ticket to print"
                ).format(id=a.id, status=status_title(a.status)),
                field="appointment",
            )
        tickets.append(
            TicketData(
                appointment_id=a.id,
                number=ticket_number(a.id),
                clinic_name=clinic.get("name") or row.branch_name,
                clinic_address=clinic.get("address"),
                clinic_phone=clinic.get("phone"),
                branch_name=row.branch_name,
                branch_address=row.branch_address,
                patient_name=full_name(row.p_last, row.p_first, row.p_middle),
                patient_birth_date=row.birth_date,
                starts_at=a.starts_at.astimezone(zone),
                ends_at=a.ends_at.astimezone(zone),
                doctor_name=full_name(row.d_last, row.d_first, row.d_middle),
                specialty=row.specialty,
                room=row.room,
                kind_title=kind_title(a.kind),
                referral_number=row.referral_number,
                service_name=row.service_name,
                video_link=a.video_link if a.kind is AppointmentKind.REMOTE else None,
                bring=what_to_bring(a.kind, a.referral_id is not None),
                printed_at=printed_at,
            )
        )
    return tickets


def tickets_document(
    db: sessionmaker[Session],
    actor: Actor,
    appointment_ids: Sequence[int],
    ticket_format: TicketFormat | None = None,
    *,
    now: dt.datetime | None = None,
) -> PrintableDocument:
    """The tickets of ``appointment_ids`` as one PDF (one page each).

    Args:
        ticket_format: the paper; ``None``: the clinic's default.

    Raises:
        ValidationError: no appointments given (field ``appointment``), and as
            :func:`ticket_data`.
    """
    with db() as session:
        tickets = ticket_data(session, actor, appointment_ids, now=now)
        fmt = TicketFormat(ticket_format) if ticket_format else None
        fmt = fmt or formats.ticket_format(session)
    if not tickets:
        raise ValidationError(
            translate("tickets", "Choose the appointments to print tickets for"),
            field="appointment",
        )
    title = (
        translate("tickets", "Ticket No. {number}").format(number=tickets[0].number)
        if len(tickets) == 1
        else translate("tickets", "Tickets ({count})").format(count=len(tickets))
    )
    return PrintableDocument(
        kind="ticket",
        pdf=render_tickets(tickets, fmt),
        title=title,
        entity="appointment",
        entity_ids=tuple(t.appointment_id for t in tickets),
        ticket_format=fmt,
    )


def day_tickets_document(
    db: sessionmaker[Session],
    actor: Actor,
    day: dt.date,
    doctor_id: int,
    ticket_format: TicketFormat | None = None,
    *,
    now: dt.datetime | None = None,
) -> PrintableDocument:
    """The tickets of every appointment still booked with ``doctor_id`` on ``day``.

    Raises:
        ValidationError: none booked that day (field ``appointment``).
    """
    require(actor, Permission.PRINT)
    with db() as session:
        zone = clock.clinic_timezone(session)
        starts, ends = calendar.day_bounds(day, zone)
        ids = session.scalars(
            sa.select(Appointment.id)
            .where(
                Appointment.doctor_id == doctor_id,
                Appointment.status == S.BOOKED,
                Appointment.starts_at >= starts,
                Appointment.starts_at < ends,
            )
            .order_by(Appointment.starts_at, Appointment.id)
        ).all()
    if not ids:
        raise ValidationError(
            translate("tickets", "No booked appointments of this doctor on {day}").format(
                day=f"{day:%d.%m.%Y}"
            ),
            field="appointment",
        )
    return tickets_document(db, actor, ids, ticket_format, now=now)


# --- day lists ----------------------------------------------------------------------------


def _hours(periods: Sequence[day_grid.WorkingPeriod]) -> str | None:
    if not periods:
        return None
    return ", ".join(f"{p.starts_at:%H:%M}–{p.ends_at:%H:%M}" for p in periods)


def day_list_data(
    db: sessionmaker[Session],
    actor: Actor,
    day: dt.date,
    doctor_id: int | None = None,
    *,
    now: dt.datetime | None = None,
) -> DayListData:
    """One doctor's day (``doctor_id``), or every doctor who works or receives that day.

    Raises:
        PermissionDenied: the role may not print.
        NotFound: no active doctor ``doctor_id``.
    """
    require(actor, Permission.PRINT)
    grid = day_grid.load_grid(
        db, actor, day, doctor_ids=[doctor_id] if doctor_id is not None else None
    )
    if doctor_id is not None and not grid.doctors:
        raise NotFound(translate("tickets", "No active doctor with id {id}").format(id=doctor_id))
    with db() as session:
        zone = clock.clinic_timezone(session)
        printed_at = server_now(session, now).astimezone(zone)
        clinic = _clinic(session)
    by_doctor: dict[int, list[day_grid.GridAppointment]] = {}
    for appointment in grid.appointments:
        if appointment.starts_at.date() == day:
            by_doctor.setdefault(appointment.doctor_id, []).append(appointment)
    kinds = {kind: kind_title(kind) for kind in AppointmentKind}
    statuses = {status: status_title(status) for status in AppointmentStatus}
    sections = []
    for doctor in grid.doctors:
        appointments = by_doctor.get(doctor.id, [])
        if doctor_id is None and not appointments and not doctor.periods:
            continue  # neither works nor receives that day
        rooms = [p.room_number for p in doctor.periods if p.room_number]
        sections.append(
            DayListSection(
                doctor_id=doctor.id,
                doctor_name=doctor.full_name,
                specialty=doctor.specialty_name,
                room=", ".join(dict.fromkeys(rooms)) or doctor.room_number,
                hours=_hours(doctor.periods),
                branch_name=doctor.branch_name,
                rows=tuple(
                    DayListRow(
                        starts_at=a.starts_at,
                        ends_at=a.ends_at,
                        patient_name=a.patient_full,
                        birth_date=a.patient_birth_date,
                        phone=format_phone(a.patient_phone) if a.patient_phone else None,
                        kind_title=kinds[a.kind],
                        referral_number=a.referral_number,
                        status_title=statuses[a.status],
                        note=a.note,
                        inactive=a.status in INACTIVE,
                        held=a.in_holding_tray,
                    )
                    for a in appointments
                ),
            )
        )
    return DayListData(
        clinic_name=clinic.get("name", ""),
        day=day,
        sections=tuple(sections),
        printed_at=printed_at,
    )


def day_list_document(
    db: sessionmaker[Session],
    actor: Actor,
    day: dt.date,
    doctor_id: int | None = None,
    *,
    portrait: bool = False,
    now: dt.datetime | None = None,
) -> PrintableDocument:
    """The day list as a PDF (A4, landscape unless ``portrait``)."""
    data = day_list_data(db, actor, day, doctor_id, now=now)
    return PrintableDocument(
        kind="day_list",
        pdf=render_day_list(data, portrait=portrait),
        title=translate("daylist", "Day list for {day}").format(day=f"{day:%d.%m.%Y}"),
        entity="doctor",
        entity_ids=tuple(s.doctor_id for s in data.sections if s.doctor_id is not None),
        day=day,
    )


# --- the print journal --------------------------------------------------------------------


def record_print(
    db: sessionmaker[Session], actor: Actor, document: PrintableDocument, destination: str
) -> None:
    """Journal that ``document`` was printed or saved (one entry per ticket or doctor).

    Args:
        destination: the printer's name or the file's path.
    """
    require(actor, Permission.PRINT)
    if document.kind == "ticket":
        fmt = document.ticket_format.value if document.ticket_format else ""
        details = translate("tickets", "ticket ({format}) → {destination}").format(
            format=fmt, destination=destination
        )
    elif document.kind == "shift":
        day = f"{document.day:%d.%m.%Y}" if document.day else ""
        details = translate("tickets", "shift report for {day} → {destination}").format(
            day=day, destination=destination
        )
    elif document.kind == "receipt":
        details = translate("tickets", "receipt → {destination}").format(destination=destination)
    else:
        day = f"{document.day:%d.%m.%Y}" if document.day else ""
        details = translate("tickets", "day list for {day} → {destination}").format(
            day=day, destination=destination
        )
    with db() as session, session.begin():
        for entity_id in document.entity_ids or (None,):
            journal.record(
                session,
                "print",
                actor=actor,
                entity=document.entity,
                entity_id=entity_id,
                details=details[:1000],
            )


# --- scanning -----------------------------------------------------------------------------


class ScanState(enum.StrEnum):
    """What a scanned ticket allows."""

    READY = "ready"  # booked for today: check in
    USED = "used"  # already checked in (or further)
    NOT_TODAY = "not_today"  # booked for another day
    CANCELLED = "cancelled"
    MOVED = "moved"  # rescheduled: this ticket was replaced
    NO_SHOW = "no_show"


@dataclass(frozen=True)
class ScannedTicket:
    """The appointment a scanned ticket names and what the desk may do with it.

    Attributes:
        appointment_id, version: to check in with (optimistic locking).
        state: what the ticket allows.
        message: the state in words, ready to show.
        may_check_in: the desk may check the patient in now (state ``READY`` and
            the role may check in).
        replaced_by_id: the live appointment that replaced a moved one.
        checked_in_at, checked_in_by: when and by whom (login, workstation) it was
            used, for a second scan.
    """

    appointment_id: int
    version: int
    patient_id: int
    patient_name: str
    patient_birth_date: dt.date
    doctor_id: int
    doctor_name: str
    specialty: str
    room: str | None
    starts_at: dt.datetime
    ends_at: dt.datetime
    status: AppointmentStatus
    status_title: str
    state: ScanState
    message: str
    may_check_in: bool
    replaced_by_id: int | None = None
    replaced_starts_at: dt.datetime | None = None
    checked_in_at: dt.datetime | None = None
    checked_in_by: str | None = None


def read_code(text: str) -> int | None:
    """The appointment id of a scanned ticket code; ``None`` when ``text`` is no code.

    Raises:
        ValidationError: shaped like a ticket code but its check digits are wrong
            (a misread or a typed code), field ``code``.
    """
    appointment_id = qr.parse_code(text)
    if appointment_id is None and qr.looks_like_code(text):
        raise ValidationError(
            translate("tickets", "Ticket code {code}: not a valid ticket (check digits)").format(
                code=text.strip()
            ),
            field="code",
        )
    return appointment_id


def _checked_in(session: Session, appointment_id: int) -> tuple[dt.datetime, str] | None:
    entries = session.execute(
        sa.select(
            JournalEntry.at, JournalEntry.login, JournalEntry.workstation, JournalEntry.changes
        )
        .where(
            JournalEntry.entity == "appointment",
            JournalEntry.entity_id == appointment_id,
            JournalEntry.action == "status",
        )
        .order_by(JournalEntry.id.desc())
    )
    for entry in entries:
        change = (entry.changes or {}).get("status")
        if isinstance(change, list) and len(change) == 2 and change[1] == S.ARRIVED.value:
            who = ", ".join(x for x in (entry.login, entry.workstation) if x)
            return entry.at, who
    return None


def _live_replacement(session: Session, appointment_id: int) -> Appointment | None:
    current = appointment_id
    for _ in range(100):  # a guard against a cycle, not a rule
        row = session.scalars(
            sa.select(Appointment).where(Appointment.rescheduled_from_id == current)
        ).one_or_none()
        if row is None:
            return None
        if row.status is not S.RESCHEDULED:
            return row
        current = row.id
    return None


def scan(
    db: sessionmaker[Session],
    actor: Actor,
    appointment_id: int,
    *,
    now: dt.datetime | None = None,
) -> ScannedTicket:
    """The appointment of a scanned ticket and what may be done with it.

    Raises:
        PermissionDenied: the role may not find patients.
        NotFound: no such appointment.
    """
    require(actor, Permission.FIND_PATIENTS)
    with db() as session:
        zone = clock.clinic_timezone(session)
        moment = server_now(session, now).astimezone(zone)
        row = session.execute(
            sa.select(
                Appointment,
                Patient.last_name.label("p_last"),
                Patient.first_name.label("p_first"),
                Patient.patronymic.label("p_middle"),
                Patient.birth_date,
                Doctor.last_name.label("d_last"),
                Doctor.first_name.label("d_first"),
                Doctor.patronymic.label("d_middle"),
                Specialty.name.label("specialty"),
                Room.number.label("room"),
            )
            .join(Patient, Patient.id == Appointment.patient_id)
            .join(Doctor, Doctor.id == Appointment.doctor_id)
            .join(Specialty, Specialty.id == Doctor.specialty_id)
            .outerjoin(Room, Room.id == Appointment.room_id)
            .where(Appointment.id == appointment_id)
        ).one_or_none()
        if row is None:
            raise NotFound(
                translate("tickets", "No appointment for this ticket (No. {number})").format(
                    number=ticket_number(appointment_id)
                )
            )
        a: Appointment = row.Appointment
        starts_at = a.starts_at.astimezone(zone)
        when = f"{starts_at:%d.%m.%Y %H:%M}"
        replaced: Appointment | None = None
        used: tuple[dt.datetime, str] | None = None
        if a.status is S.BOOKED:
            if starts_at.date() == moment.date():
                state = ScanState.READY
                message = translate("tickets", "Booked for today at {time}: check the patient in?")
                message = message.format(time=f"{starts_at:%H:%M}")
            else:
                state = ScanState.NOT_TODAY
                message = translate("tickets", "This ticket is for {when}, not for today").format(
                    when=when
                )
        elif a.status in (S.ARRIVED, S.IN_PROGRESS, S.COMPLETED):
            state = ScanState.USED
            used = _checked_in(session, a.id)
            if used is not None:
                message = translate(
                    "tickets", "This ticket has already been used: checked in {when} ({who})"
                ).format(when=f"{used[0].astimezone(zone):%d.%m.%Y %H:%M}", who=used[1])
            else:
                message = translate("tickets", "This ticket has already been used ({status})")
                message = message.format(status=status_title(a.status))
        elif a.status is S.RESCHEDULED:
            state = ScanState.MOVED
            replaced = _live_replacement(session, a.id)
            if replaced is not None:
                message = translate(
                    "tickets", "This ticket is void: the appointment was moved to {when}"
                ).format(when=f"{replaced.starts_at.astimezone(zone):%d.%m.%Y %H:%M}")
            else:
                message = translate("tickets", "This ticket is void: the appointment was moved")
        elif a.status is S.CANCELLED:
            state = ScanState.CANCELLED
            message = translate("tickets", "This ticket is void: the appointment was cancelled")
            if a.cancel_reason:
                message += f" ({a.cancel_reason})"
        else:
            state = ScanState.NO_SHOW
            message = translate(
                "tickets", "The patient was marked as not having come to this appointment ({when})"
            ).format(when=when)
        return ScannedTicket(
            appointment_id=a.id,
            version=a.version,
            patient_id=a.patient_id,
            patient_name=full_name(row.p_last, row.p_first, row.p_middle),
            patient_birth_date=row.birth_date,
            doctor_id=a.doctor_id,
            doctor_name=full_name(row.d_last, row.d_first, row.d_middle),
            specialty=row.specialty,
            room=row.room,
            starts_at=starts_at,
            ends_at=a.ends_at.astimezone(zone),
            status=a.status,
            status_title=status_title(a.status),
            state=state,
            message=message,
            may_check_in=state is ScanState.READY and allowed(actor, Permission.CHECK_IN),
            replaced_by_id=replaced.id if replaced is not None else None,
            replaced_starts_at=replaced.starts_at.astimezone(zone) if replaced else None,
            checked_in_at=used[0].astimezone(zone) if used else None,
            checked_in_by=used[1] if used else None,
        )


def scan_text(
    db: sessionmaker[Session], actor: Actor, text: str, *, now: dt.datetime | None = None
) -> ScannedTicket | None:
    """:func:`scan` for a scanner's text; ``None`` when it is not a ticket code.

    Raises:
        ValidationError: a garbled ticket code (see :func:`read_code`).
        NotFound: no such appointment.
    """
    appointment_id = read_code(text)
    if appointment_id is None:
        return None
    return scan(db, actor, appointment_id, now=now)
