"""Small builders of real rows for integration tests (inserted through the ORM)."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from crm.models import Appointment, Branch, Doctor, Patient, Service, ServicePrice, Specialty
from crm.models.enums import AppointmentKind, AppointmentStatus

if TYPE_CHECKING:
    from crm.controllers.demo import DemoSummary
    from crm.crypto import KeyRing

MOSCOW = ZoneInfo("Europe/Moscow")
_counter = itertools.count(1)


def clinic(session: Session) -> tuple[Branch, Specialty]:
    """A branch and a specialty."""
    n = next(_counter)
    branch = Branch(name=f"Филиал {n}", address=f"Москва, ул. Тестовая, д. {n}")
    specialty = Specialty(code=f"spec{n}", name=f"Специальность {n}")
    session.add_all([branch, specialty])
    session.flush()
    return branch, specialty


def doctor(
    session: Session, branch: Branch, specialty: Specialty, last_name: str = "Петров"
) -> Doctor:
    """A doctor of ``specialty`` at ``branch``."""
    row = Doctor(
        last_name=last_name,
        first_name="Пётр",
        patronymic="Петрович",
        specialty_id=specialty.id,
        branch_id=branch.id,
    )
    session.add(row)
    session.flush()
    return row


def patient(session: Session, last_name: str = "Иванов") -> Patient:
    """A patient with the minimal card (name, birth date, phone)."""
    row = Patient(
        last_name=last_name,
        first_name="Иван",
        birth_date=dt.date(1980, 5, 17),
        phone=f"+7916{next(_counter):07d}",
    )
    session.add(row)
    session.flush()
    return row


def clinic_today() -> dt.date:
    """Today in Moscow, the clinic's day (past 21:00 UTC it is already tomorrow there)."""
    return dt.datetime.now(MOSCOW).date()


def at(day: dt.date, hhmm: str) -> dt.datetime:
    """A Moscow wall-clock time on ``day``."""
    hour, minute = map(int, hhmm.split(":"))
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=MOSCOW)


#: The catalogue service of the tests' paid visits (of no specialty: any doctor gives it).
PAID_SERVICE = "TEST-PAID"
PAID_PRICE = Decimal("1500.00")


def service(
    session: Session, code: str = PAID_SERVICE, *, slots: int = 1, price: Decimal = PAID_PRICE
) -> Service:
    """The service ``code`` (created once, with ``price`` valid since 2000): a paid or
    follow-up visit is always of a service."""
    row = session.scalars(sa.select(Service).where(Service.code == code)).one_or_none()
    if row is None:
        row = Service(code=code, name=f"Платная услуга {code}", duration_slots=slots)
        session.add(row)
        session.flush()
        session.add(ServicePrice(service_id=row.id, amount=price, valid_from=dt.date(2000, 1, 1)))
        session.flush()
    return row


def paid_service_id(db: sessionmaker[Session]) -> int:
    """The id of :func:`service` (committed to the test's transaction)."""
    with db() as session, session.begin():
        return service(session).id


def appointment(
    session: Session,
    doctor_row: Doctor,
    patient_row: Patient,
    starts: dt.datetime,
    minutes: int = 15,
    *,
    status: AppointmentStatus = AppointmentStatus.BOOKED,
    overbooked: bool = False,
    flush: bool = True,
) -> Appointment:
    """An appointment of ``minutes`` starting at ``starts``."""
    row = Appointment(
        doctor_id=doctor_row.id,
        patient_id=patient_row.id,
        starts_at=starts,
        ends_at=starts + dt.timedelta(minutes=minutes),
        kind=AppointmentKind.PAID,
        service_id=service(session).id,
        status=status,
        overbooked=overbooked,
        overbook_reason="срочный пациент" if overbooked else None,
    )
    session.add(row)
    if flush:
        session.flush()
    return row


@contextmanager
def rolled_back_demo(
    engine: sa.Engine, key_file: Path, **load: Any
) -> Iterator[tuple[sa.Connection, sessionmaker[Session], KeyRing, DemoSummary]]:
    """The demo clinic loaded into one transaction on ``engine``, rolled back at the end.

    Yields the connection (for savepoints of one's own), a session factory whose commits
    are savepoints, the key and the loader's summary; ``load`` goes to ``load_demo``.
    """
    from crm.controllers import demo
    from crm.crypto import generate_key_file

    connection = engine.connect()
    outer = connection.begin()
    factory = sessionmaker(
        bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
    )
    keyring = generate_key_file(key_file)
    try:
        yield connection, factory, keyring, demo.load_demo(factory, keyring, **load)
    finally:
        outer.rollback()
        connection.close()


def paid_terms(db: sessionmaker[Session], kwargs: dict[str, Any]) -> dict[str, Any]:
    """``kwargs`` of a booking, with the tests' service when the visit is paid or a
    follow-up (a booking with no kind and no referral is paid) and names none."""
    kind = kwargs.get("kind")
    referral = kwargs.get("referral_id") or kwargs.get("referral_number")
    paid = kind in (AppointmentKind.PAID, AppointmentKind.FOLLOW_UP) or (
        kind is None and not referral
    )
    if paid and kwargs.get("service_id") is None:
        return {**kwargs, "service_id": paid_service_id(db)}
    return kwargs


def book(db: sessionmaker[Session], actor: Any, **kwargs: Any) -> Any:
    """:func:`crm.controllers.schedule.booking.book`, a paid visit being of the tests'
    service (:func:`paid_terms`)."""
    from crm.controllers.schedule import booking

    return booking.book(db, actor, **paid_terms(db, kwargs))
