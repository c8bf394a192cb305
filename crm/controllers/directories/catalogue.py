"""The clinic's directories, each described once: branches, rooms, specialties, doctors,
weekly hours, services and prices (DOMAIN.md: clinic structure, doctors, services).

The screens, the workbook and the command line read these descriptions; the rules of
a directory that span its columns (a room belongs to the doctor's branch, a doctor
with booked patients cannot be deactivated) live here beside them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from crm.controllers.context import Actor
from crm.controllers.directories import cleaners as c
from crm.controllers.directories.records import Column, Directory
from crm.controllers.errors import DomainError, Problems
from crm.controllers.schedule import hours_tray
from crm.controllers.vocabulary import category_title, degree_title
from crm.i18n import translate
from crm.models import (
    Appointment,
    Branch,
    Doctor,
    Room,
    ScheduleTemplate,
    Service,
    ServicePrice,
    Specialty,
    SpecialtyAlternative,
    User,
)
from crm.models.enums import RELEASED_STATUSES, AcademicDegree, QualificationCategory, Role


def doctor_name(row: Doctor) -> str:
    """``Фамилия Имя Отчество``: how a doctor is typed in the workbook."""
    return " ".join(p for p in (row.last_name, row.first_name, row.patronymic) if p)


def _active_names(model: Any, attribute: Any) -> Any:
    def texts(session: Session) -> Sequence[str]:
        return session.scalars(sa.select(attribute).where(model.active).order_by(attribute)).all()

    return texts


# --- branches ---------------------------------------------------------------------------

BRANCHES = Directory(
    key="branches",
    entity="branch",
    model=Branch,
    title=lambda: translate("directories", "Branches"),
    sheet="Филиалы",
    columns=(
        Column("name", lambda: translate("directories", "Name"), c.text(200)),
        Column("address", lambda: translate("directories", "Address"), c.text(300)),
        Column("phone", lambda: translate("directories", "Phone"), c.phone, c.show_phone),
    ),
    natural_key=("name",),
    order=lambda: (Branch.name,),
)

_branch_clean, _branch_show = c.reference(
    Branch, lambda b: b.name, lambda typed: sa.func.lower(Branch.name) == typed.lower()
)

# --- rooms ------------------------------------------------------------------------------

ROOMS = Directory(
    key="rooms",
    entity="room",
    model=Room,
    title=lambda: translate("directories", "Rooms"),
    sheet="Кабинеты",
    columns=(
        Column(
            "branch_id",
            lambda: translate("directories", "Branch"),
            _branch_clean,
            _branch_show,
            choices=_active_names(Branch, Branch.name),
        ),
        Column("number", lambda: translate("directories", "Number"), c.text(20)),
        Column("name", lambda: translate("directories", "Name"), c.text(100, needed=False)),
    ),  # fmt: skip
    natural_key=("branch_id", "number"),
    order=lambda: (Room.branch_id, Room.number),
)


def room_in_branch(
    session: Session, branch_id: int | None, number: str | None, field: str, title: str
) -> int | None:
    """The id of room ``number`` of ``branch_id`` (``None`` for no room).

    Raises:
        ValidationError: the branch has no such room, or it is deactivated.
    """
    if not number or branch_id is None:
        return None
    room = session.scalars(
        sa.select(Room).where(
            Room.branch_id == branch_id, sa.func.lower(Room.number) == number.lower()
        )
    ).first()
    if room is None:
        raise c.refuse(
            field, title,
            translate("directories", "{field}: the branch has no room «{value}»"), value=number,
        )  # fmt: skip
    return int(room.id)


def _room_number(session: Session, room_id: Any) -> str:
    room = session.get(Room, room_id) if room_id is not None else None
    return room.number if room is not None else ""


# --- specialties ------------------------------------------------------------------------

_specialty_clean, _specialty_show = c.reference(
    Specialty,
    lambda s: s.code,
    lambda typed: sa.or_(
        sa.func.lower(Specialty.code) == typed.lower(),
        sa.func.lower(Specialty.name) == typed.lower(),
    ),
)


def _alternatives_clean(session: Session, value: str, title: str, field: str) -> tuple[int, ...]:
    ids = []
    for code in (part.strip() for part in str(value).replace(";", ",").split(",")):
        if code:
            ids.append(_specialty_clean(session, code, title, field))
    return tuple(dict.fromkeys(i for i in ids if i is not None))


def _alternatives_read(session: Session, row: Specialty) -> tuple[int, ...]:
    return tuple(
        session.scalars(
            sa.select(SpecialtyAlternative.alternative_id)
            .where(SpecialtyAlternative.specialty_id == row.id)
            .order_by(SpecialtyAlternative.alternative_id)
        )
    )


def _alternatives_show(session: Session, value: Any) -> str:
    return ", ".join(_specialty_show(session, i) for i in value or ())


def _alternatives_write(session: Session, row: Specialty, ids: tuple[int, ...]) -> None:
    if row.id in ids:
        raise c.refuse(
            "alternatives", translate("directories", "Alternatives"),
            translate("directories", "{field}: a specialty is not its own alternative"),
        )  # fmt: skip
    session.execute(
        sa.delete(SpecialtyAlternative).where(SpecialtyAlternative.specialty_id == row.id)
    )
    for alternative in sorted(ids):
        session.add(SpecialtyAlternative(specialty_id=row.id, alternative_id=alternative))


SPECIALTIES = Directory(
    key="specialties",
    entity="specialty",
    model=Specialty,
    title=lambda: translate("directories", "Specialties"),
    sheet="Специальности",
    columns=(
        Column(
            "code",
            lambda: translate("directories", "Code"),
            c.pattern(
                r"[0-9A-Za-zА-ЯЁа-яё_.-]{1,40}",
                40,
                translate("directories", "letters, digits, dot, dash"),
            ),
        ),
        Column("name", lambda: translate("directories", "Name"), c.text(200)),
        Column(
            "is_service",
            lambda: translate("directories", "Diagnostic service"),
            c.flag,
            c.show_flag,
        ),
        Column(
            "referral_days",
            lambda: translate("directories", "Referral valid, days"),
            c.integer(7, 90, needed=False),
        ),
        Column(
            "referral_max_days",
            lambda: translate("directories", "Longest extension, days"),
            c.integer(7, 365, needed=False),
        ),
        Column(
            "alternatives",
            lambda: translate("directories", "Alternatives"),
            _alternatives_clean,
            _alternatives_show,
            read=_alternatives_read,
            write=_alternatives_write,
        ),
    ),  # fmt: skip
    natural_key=("code",),
    order=lambda: (Specialty.name,),
)

# --- doctors ----------------------------------------------------------------------------

_category_clean, _category_show = c.choice(
    lambda: [(q, category_title(q)) for q in QualificationCategory]
)
_degree_clean, _degree_show = c.choice(lambda: [(d, degree_title(d)) for d in AcademicDegree])


def _empty_means_none(clean: Any, none: Any) -> Any:
    def wrapped(session: Session, value: str, title: str, field: str) -> Any:
        return none if not str(value).strip() else clean(session, value, title, field)

    return wrapped


def _login_clean(session: Session, value: str, title: str, field: str) -> int | None:
    typed = str(value).strip()
    if not typed:
        return None
    user = session.scalars(
        sa.select(User).where(sa.func.lower(User.login) == typed.lower())
    ).first()
    if user is None:
        raise c.refuse(field, title, translate("directories", "{field}: no user «{value}»"),
                       value=typed)  # fmt: skip
    if user.role is not Role.DOCTOR:
        raise c.refuse(field, title,
                       translate("directories", "{field}: «{value}» is not a doctor's login"),
                       value=typed)  # fmt: skip
    return int(user.id)


def _login_read(session: Session, row: Doctor) -> int | None:
    return session.scalar(sa.select(User.id).where(User.doctor_id == row.id).limit(1))


def _login_show(session: Session, value: Any) -> str:
    user = session.get(User, value) if value is not None else None
    return user.login if user is not None else ""


def _login_write(session: Session, row: Doctor, user_id: int | None) -> None:
    session.execute(
        sa.update(User).where(User.doctor_id == row.id, User.id != user_id).values(doctor_id=None)
    )
    if user_id is not None:
        session.execute(sa.update(User).where(User.id == user_id).values(doctor_id=row.id))


def _doctor_logins(session: Session) -> Sequence[str]:
    return session.scalars(
        sa.select(User.login).where(User.role == Role.DOCTOR, User.active).order_by(User.login)
    ).all()


def _check_doctor(session: Session, row: Any, values: dict[str, Any]) -> None:
    """The default room is one of the doctor's branch."""
    problems = Problems()
    values["default_room_id"] = problems.check(
        "default_room_id", room_in_branch, session, values.get("branch_id"),
        values.get("default_room_id"), "default_room_id", translate("directories", "Default room"),
    )  # fmt: skip
    problems.raise_any()


def _refuse_doctor_with_patients(session: Session, row: Doctor) -> None:
    booked = session.scalar(
        sa.select(sa.func.count()).where(
            Appointment.doctor_id == row.id,
            Appointment.starts_at > sa.func.now(),
            Appointment.status.notin_(RELEASED_STATUSES),
        )
    )
    if booked:
        raise DomainError(
            translate(
                "directories",
                "{name} has {count} appointments ahead: move or cancel them before "
                "deactivating the doctor",
            ).format(name=doctor_name(row), count=booked)
        )


DOCTORS = Directory(
    key="doctors",
    entity="doctor",
    model=Doctor,
    title=lambda: translate("directories", "Doctors"),
    sheet="Врачи",
    columns=(
        Column("last_name", lambda: translate("directories", "Last name"), c.text(60)),
        Column("first_name", lambda: translate("directories", "First name"), c.text(60)),
        Column(
            "patronymic", lambda: translate("directories", "Patronymic"), c.text(60, needed=False)
        ),
        Column(
            "specialty_id",
            lambda: translate("directories", "Specialty"),
            _specialty_clean,
            _specialty_show,
            choices=_active_names(Specialty, Specialty.code),
        ),
        Column(
            "category",
            lambda: translate("directories", "Qualification category"),
            _empty_means_none(_category_clean, QualificationCategory.NONE),
            _category_show,
            choices=lambda _s: [category_title(q) for q in QualificationCategory],
        ),
        Column(
            "degree",
            lambda: translate("directories", "Academic degree"),
            _empty_means_none(_degree_clean, AcademicDegree.NONE),
            _degree_show,
            choices=lambda _s: [degree_title(d) for d in AcademicDegree],
        ),
        Column(
            "licence_number",
            lambda: translate("directories", "Licence number"),
            c.text(40, needed=False),
        ),
        Column(
            "branch_id",
            lambda: translate("directories", "Branch"),
            _branch_clean,
            _branch_show,
            choices=_active_names(Branch, Branch.name),
        ),
        Column(
            "default_room_id",
            lambda: translate("directories", "Default room"),
            c.text(20, needed=False),
            _room_number,
        ),
        Column(
            "offers_remote",
            lambda: translate("directories", "Remote consultations"),
            c.flag,
            c.show_flag,
        ),
        Column(
            "slot_minutes",
            lambda: translate("directories", "Slot length, minutes"),
            c.choice(lambda: [(m, str(m)) for m in (15, 30, 45, 60)])[0],
            choices=lambda _s: ["15", "30", "45", "60"],
        ),
        Column(
            "user_id",
            lambda: translate("directories", "Program login"),
            _login_clean,
            _login_show,
            choices=_doctor_logins,
            read=_login_read,
            write=_login_write,
            in_workbook=False,
        ),
    ),  # fmt: skip
    natural_key=("last_name", "first_name", "patronymic", "specialty_id"),
    order=lambda: (Doctor.last_name, Doctor.first_name, Doctor.id),
    check=_check_doctor,
    before_deactivate=_refuse_doctor_with_patients,
)

_doctor_clean, _doctor_show = c.reference(
    Doctor,
    doctor_name,
    lambda typed: (
        sa.func.lower(
            sa.func.concat_ws(" ", Doctor.last_name, Doctor.first_name, Doctor.patronymic)
        )
        == typed.lower()
    ),
)

# --- weekly hours (the workbook's «Расписание») ------------------------------------------

WEEKDAYS = ("пн", "вт", "ср", "чт", "пт", "сб", "вс")
_weekday_clean, _weekday_show = c.choice(lambda: [(i + 1, d) for i, d in enumerate(WEEKDAYS)])


def _doctor_names(session: Session) -> Sequence[str]:
    rows = session.scalars(
        sa.select(Doctor).where(Doctor.active).order_by(Doctor.last_name, Doctor.first_name)
    )
    return [doctor_name(d) for d in rows]


def _doctor_specialty(session: Session, row: ScheduleTemplate) -> str:
    """The name of the hours' doctor's specialty (shown for reading; never imported)."""
    doctor = session.get(Doctor, row.doctor_id)
    specialty = session.get(Specialty, doctor.specialty_id) if doctor is not None else None
    return specialty.name if specialty is not None else ""


def _room_numbers(session: Session) -> Sequence[str]:
    return session.scalars(
        sa.select(Room.number).where(Room.active).distinct().order_by(Room.number)
    ).all()


def _hhmm(moment: dt.time) -> str:
    return moment.strftime("%H:%M")


def _same_weekday_hours(session: Session, row: Any, values: dict[str, Any]) -> Any:
    """Hours (any doctor's) on the weekday of ``values`` overlapping them in time and
    validity, other than ``row`` itself."""
    valid_from, valid_to = values["valid_from"], values.get("valid_to")
    query = sa.select(ScheduleTemplate).where(
        ScheduleTemplate.weekday == values["weekday"],
        ScheduleTemplate.starts < values["ends"],
        ScheduleTemplate.ends > values["starts"],
        sa.or_(ScheduleTemplate.valid_to.is_(None), ScheduleTemplate.valid_to >= valid_from),
    )
    if valid_to is not None:
        query = query.where(ScheduleTemplate.valid_from <= valid_to)
    if row is not None:
        query = query.where(ScheduleTemplate.id != row.id)
    return session.scalars(query.order_by(ScheduleTemplate.id)).all()


def _check_hours(session: Session, row: Any, values: dict[str, Any]) -> None:
    """The hours end after they start, on the doctor's slot grid; the room is one of the
    doctor's branch; they overlap neither the doctor's other hours nor another doctor's
    in the same room."""
    problems = Problems()
    starts, ends = values.get("starts"), values.get("ends")
    if starts is not None and ends is not None and starts >= ends:
        problems.add("ends", translate("directories", "To: the hours end after they start"))
    valid_from, valid_to = values.get("valid_from"), values.get("valid_to")
    if valid_from and valid_to and valid_to < valid_from:
        problems.add(
            "valid_to",
            translate("directories", "{field}: before «valid from»").format(
                field=translate("directories", "Valid to")
            ),
        )
    doctor = session.get(Doctor, values.get("doctor_id")) if values.get("doctor_id") else None
    if doctor is not None:
        for field, title, moment in (
            ("starts", translate("directories", "From"), starts),
            ("ends", translate("directories", "To"), ends),
        ):
            if moment is not None and (moment.hour * 60 + moment.minute) % doctor.slot_minutes:
                problems.add(
                    field,
                    translate(
                        "directories", "{field}: whole slots of {minutes} minutes (e.g. 09:00)"
                    ).format(field=title, minutes=doctor.slot_minutes),
                )
    values["room_id"] = problems.check(
        "room_id", room_in_branch, session, doctor.branch_id if doctor else None,
        values.get("room_id"), "room_id", translate("directories", "Room"),
    )  # fmt: skip
    problems.raise_any()
    if doctor is None or starts is None or ends is None or valid_from is None:
        return
    room_id = values.get("room_id") or doctor.default_room_id
    for other in _same_weekday_hours(session, row, values):
        other_doctor = session.get(Doctor, other.doctor_id)
        assert other_doctor is not None  # a foreign key
        span = {"starts": _hhmm(other.starts), "ends": _hhmm(other.ends)}
        if other.doctor_id == doctor.id:
            problems.add(
                "starts",
                translate(
                    "directories", "{field}: these hours overlap the doctor's {starts}–{ends}"
                ).format(field=translate("directories", "From"), **span),
            )
            break
        if room_id is not None and (other.room_id or other_doctor.default_room_id) == room_id:
            problems.add(
                "room_id",
                translate(
                    "directories", "{field}: the room is taken then by {doctor} ({starts}–{ends})"
                ).format(
                    field=translate("directories", "Room"), doctor=doctor_name(other_doctor), **span
                ),
            )
            break
    problems.raise_any()


def _move_visits_with_hours(
    session: Session, actor: Actor | None, row: Any, before: Mapping[str, Any]
) -> str:
    """Changed hours hold the future visits now outside them (and release those back
    inside), for the doctor of the row and, if the row moved to another doctor, the
    former one: what the schedule's own hours dialog does, so the two ways agree."""
    doctor_ids = dict.fromkeys(i for i in (before.get("doctor_id"), row.doctor_id) if i)
    held = released = 0
    for doctor_id in doctor_ids:
        doctor = session.get(Doctor, doctor_id)
        if doctor is None:
            continue
        change = hours_tray.reconcile(session, actor, doctor, None)
        held, released = held + len(change.held), released + len(change.released)
    parts = []
    if held:
        parts.append(
            translate("directories", "visits moved to the holding tray: {n}").format(n=held)
        )
    if released:
        parts.append(translate("directories", "visits back in the hours: {n}").format(n=released))
    return "; ".join(parts)


HOURS = Directory(
    key="hours",
    entity="schedule_template",
    model=ScheduleTemplate,
    title=lambda: translate("directories", "Weekly hours"),
    sheet="Расписание",
    columns=(
        Column(
            "doctor_id",
            lambda: translate("directories", "Doctor"),
            _doctor_clean,
            _doctor_show,
            choices=_doctor_names,
        ),
        Column(
            "doctor_specialty",
            lambda: translate("directories", "Doctor's specialty"),
            c.text(200, needed=False),
            read=_doctor_specialty,
            editable=False,
        ),
        Column(
            "weekday",
            lambda: translate("directories", "Weekday"),
            _weekday_clean,
            _weekday_show,
            choices=lambda _s: list(WEEKDAYS),
        ),
        Column("starts", lambda: translate("directories", "From"), c.clock_time, c.show_time),
        Column("ends", lambda: translate("directories", "To"), c.clock_time, c.show_time),
        Column(
            "room_id",
            lambda: translate("directories", "Room"),
            c.text(20, needed=False),
            _room_number,
            choices=_room_numbers,
        ),
        Column("valid_from", lambda: translate("directories", "Valid from"), c.date(), c.show_date),
        Column(
            "valid_to",
            lambda: translate("directories", "Valid to"),
            c.date(needed=False),
            c.show_date,
        ),
        Column(
            "works_on_holidays",
            lambda: translate("directories", "Works on holidays"),
            c.flag,
            c.show_flag,
        ),
    ),
    natural_key=("doctor_id", "weekday", "starts", "valid_from"),
    order=lambda: (ScheduleTemplate.doctor_id, ScheduleTemplate.weekday, ScheduleTemplate.starts),
    deactivatable=False,
    check=_check_hours,
    after_write=_move_visits_with_hours,
)

# --- services and prices ----------------------------------------------------------------

SERVICES = Directory(
    key="services",
    entity="service",
    model=Service,
    title=lambda: translate("directories", "Services"),
    sheet="Услуги",
    columns=(
        Column("code", lambda: translate("directories", "Code"), c.text(40)),
        Column(
            "nomenclature_code",
            lambda: translate("directories", "Nomenclature code"),
            c.pattern(
                r"[ABВ][0-9]{2}(\.[0-9]{2,3}){1,3}",
                40,
                translate("directories", "a code of the nomenclature such as B01.047.001"),
                needed=False,
            ),
        ),
        Column("name", lambda: translate("directories", "Name"), c.text(300)),
        Column(
            "specialty_id",
            lambda: translate("directories", "Specialty"),
            c.reference(
                Specialty,
                lambda s: s.code,
                lambda typed: sa.func.lower(Specialty.code) == typed.lower(),
                needed=False,
            )[0],
            _specialty_show,
            choices=_active_names(Specialty, Specialty.code),
        ),
        Column(
            "duration_slots", lambda: translate("directories", "Duration, slots"), c.integer(1, 4)
        ),
        Column("oms", lambda: translate("directories", "Under OMS"), c.flag, c.show_flag),
        Column(
            "description",
            lambda: translate("directories", "Description"),
            c.text(2000, needed=False),
        ),
    ),  # fmt: skip
    natural_key=("code",),
    order=lambda: (Service.code,),
)

_service_clean, _service_show = c.reference(
    Service, lambda s: s.code, lambda typed: sa.func.lower(Service.code) == typed.lower()
)


def _check_price(session: Session, row: Any, values: dict[str, Any]) -> None:
    valid_from, valid_to = values.get("valid_from"), values.get("valid_to")
    if valid_from and valid_to and valid_to < valid_from:
        raise c.refuse(
            "valid_to", translate("directories", "Valid to"),
            translate("directories", "{field}: before «valid from»"),
        )  # fmt: skip


PRICES = Directory(
    key="prices",
    entity="service_price",
    model=ServicePrice,
    title=lambda: translate("directories", "Prices"),
    sheet="Цены",
    columns=(
        Column(
            "service_id",
            lambda: translate("directories", "Service"),
            _service_clean,
            _service_show,
            choices=_active_names(Service, Service.code),
        ),
        Column("amount", lambda: translate("directories", "Price"), c.money, c.show_money),
        Column("valid_from", lambda: translate("directories", "Valid from"), c.date(), c.show_date),
        Column(
            "valid_to",
            lambda: translate("directories", "Valid to"),
            c.date(needed=False),
            c.show_date,
        ),
    ),  # fmt: skip
    natural_key=("service_id", "valid_from"),
    order=lambda: (ServicePrice.service_id, ServicePrice.valid_from),
    deactivatable=False,
    check=_check_price,
)

#: In the order a workbook is read: a row refers only to rows of the sheets before it.
DIRECTORIES: dict[str, Directory] = {
    d.key: d for d in (BRANCHES, ROOMS, SPECIALTIES, DOCTORS, HOURS, SERVICES, PRICES)
}
#: The directories a screen edits (the weekly hours also in the schedule's own dialog).
ON_SCREEN = ("branches", "rooms", "specialties", "doctors", "hours", "services", "prices")


def price_on(session: Session, service_id: int, day: dt.date) -> ServicePrice | None:
    """The price of ``service_id`` valid on ``day``, if any."""
    return session.scalars(
        sa.select(ServicePrice).where(
            ServicePrice.service_id == service_id,
            ServicePrice.valid_from <= day,
            sa.or_(ServicePrice.valid_to.is_(None), ServicePrice.valid_to >= day),
        )
    ).first()
