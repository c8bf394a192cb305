"""An appointment's history (journal entries, reschedule chain) and the services list."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from crm.controllers.context import Actor
from crm.controllers.errors import NotFound, PermissionDenied
from crm.controllers.schedule import appointment_history, booking, visit_status
from crm.i18n import set_language
from crm.models import Service
from crm.models.enums import AppointmentStatus, CancelledBy, Role
from tests import booking_factories as bf
from tests import factories as f

DAY = dt.date(2031, 3, 3)  # a Monday
NOW = f.at(DAY - dt.timedelta(days=7), "12:00")


@dataclass(frozen=True)
class Clinic:
    petrov: int
    sidorova: int
    patient: int
    registrar: Actor
    manager: Actor
    admin: Actor
    specialty: int
    services: tuple[int, ...]


@pytest.fixture
def clinic(db) -> Clinic:
    with db() as session, session.begin():
        branch, specialty = f.clinic(session)
        other = bf.specialty(session)
        room = bf.room(session, branch, "214")
        petrov = f.doctor(session, branch, specialty, "Петров")
        sidorova = f.doctor(session, branch, specialty, "Сидорова")
        bf.hours(session, petrov, room_row=room)
        bf.hours(session, sidorova, room_row=room)
        patient = f.patient(session, "Соколова")
        services = [
            Service(code="hist-echo", name="ЭхоКГ", specialty_id=specialty.id, duration_slots=2),
            Service(code="hist-cons", name="Консультация", specialty_id=None),
            Service(code="hist-old", name="Устаревшая услуга", active=False),
            Service(code="hist-other", name="Гастроскопия", specialty_id=other.id),
        ]
        session.add_all(services)
        session.flush()
        return Clinic(
            petrov=petrov.id,
            sidorova=sidorova.id,
            patient=patient.id,
            registrar=bf.user(session, Role.REGISTRAR),
            manager=bf.user(session, Role.MANAGER),
            admin=bf.user(session, Role.ADMIN),
            specialty=specialty.id,
            services=tuple(s.id for s in services),
        )


def test_history_of_a_rescheduled_chain(db, clinic: Clinic) -> None:
    first = f.book(
        db, clinic.registrar, patient_id=clinic.patient, doctor_id=clinic.petrov,
        starts_at=f.at(DAY, "10:00"), note="после 14:00 не может", now=NOW,
    )  # fmt: skip
    second = booking.reschedule(
        db, clinic.registrar, first.id, starts_at=f.at(DAY, "11:30"), now=NOW
    )
    third = booking.reschedule(
        db, clinic.manager, second.id, starts_at=f.at(DAY + dt.timedelta(days=1), "09:15"),
        doctor_id=clinic.sidorova, now=NOW,
    )  # fmt: skip

    # Asked from the middle of the chain, the whole chain comes back, oldest first.
    history = appointment_history.load_history(db, clinic.registrar, second.id)
    assert history.appointment_id == second.id
    assert history.chain_ids == (first.id, second.id, third.id)
    assert history.patient_name == "Соколова Иван"

    moves = history.moves
    assert [(m.from_id, m.to_id) for m in moves] == [(first.id, second.id), (second.id, third.id)]
    assert moves[0].from_doctor == moves[0].to_doctor == "Петров П. П."
    assert moves[1].to_doctor == "Сидорова П. П."
    assert moves[0].from_starts_at == f.at(DAY, "10:00")
    assert moves[1].to_starts_at == f.at(DAY + dt.timedelta(days=1), "09:15")
    assert moves[0].user_name == clinic.registrar.full_name
    assert moves[1].user_name == clinic.manager.full_name
    assert moves[0].at is not None

    actions = [(e.appointment_id, e.action) for e in history.entries]
    assert actions == [
        (first.id, "create"),
        (first.id, "reschedule"),
        (second.id, "create"),
        (second.id, "reschedule"),
        (third.id, "create"),
    ]
    created = history.entries[0]
    assert created.action_title == "записано"
    assert created.outcome_title == "выполнено"
    fields = {c.field: c for c in created.changes}
    assert fields["doctor_id"].title == "Врач"
    assert fields["doctor_id"].after == "Петров П. П."
    assert fields["starts_at"].after == "03.03.2031 10:00"
    assert fields["status"].after == "записан"
    assert fields["room_id"].after == "кабинет 214"
    assert fields["note"].before == ""
    assert fields["kind"].after == "платно"
    # Fields come in a fixed, readable order: the time first.
    assert [c.field for c in created.changes][:2] == ["starts_at", "ends_at"]

    moved = {c.field: c for c in history.entries[3].changes}
    assert (moved["doctor_id"].before, moved["doctor_id"].after) == (
        "Петров П. П.",
        "Сидорова П. П.",
    )
    assert (moved["starts_at"].before, moved["starts_at"].after) == (
        "03.03.2031 11:30",
        "04.03.2031 09:15",
    )
    assert moved["status"].after == "перенесён"
    assert moved["replaced_by"].after == f"запись № {third.id}"


def test_history_names_statuses_cancellations_and_refusals(db, clinic: Clinic) -> None:
    kept = f.book(
        db, clinic.registrar, patient_id=clinic.patient, doctor_id=clinic.petrov,
        starts_at=f.at(DAY, "12:00"), now=NOW,
    )  # fmt: skip
    visit_status.set_status(
        db, clinic.registrar, kept.id, AppointmentStatus.ARRIVED, now=f.at(DAY, "11:55")
    )
    dropped = f.book(
        db, clinic.registrar, patient_id=clinic.patient, doctor_id=clinic.petrov,
        starts_at=f.at(DAY, "15:00"), now=NOW,
    )  # fmt: skip
    visit_status.cancel(
        db, clinic.registrar, dropped.id, reason="заболел", by=CancelledBy.CLINIC, now=NOW
    )
    moving = f.book(
        db, clinic.registrar, patient_id=clinic.patient, doctor_id=clinic.petrov,
        starts_at=f.at(DAY, "13:00"), now=NOW,
    )  # fmt: skip
    with db() as session, session.begin():
        other = f.patient(session, "Другой").id
    f.book(
        db, clinic.registrar, patient_id=other, doctor_id=clinic.petrov,
        starts_at=f.at(DAY, "16:00"), now=NOW,
    )  # fmt: skip
    with pytest.raises(booking.BookingRefused):
        booking.reschedule(db, clinic.registrar, moving.id, starts_at=f.at(DAY, "16:00"), now=NOW)

    arrived = appointment_history.load_history(db, clinic.registrar, kept.id).entries[-1]
    assert arrived.action_title == "статус изменён"
    (status,) = arrived.changes
    assert (status.title, status.before, status.after) == ("Статус", "записан", "пришёл")

    entries = appointment_history.load_history(db, clinic.registrar, dropped.id).entries
    cancelled = next(e for e in entries if e.action == "cancel")
    assert cancelled.details == "заболел"
    fields = {c.field: c for c in cancelled.changes}
    assert fields["cancelled_by"].title == "Кем отменена"
    assert fields["cancelled_by"].after == "клиникой"
    assert fields["cancel_reason"].after == "заболел"

    # A refused attempt is in the history too, marked as such; it moved nothing.
    history = appointment_history.load_history(db, clinic.registrar, moving.id)
    refused = history.entries[-1]
    assert (refused.action, refused.outcome_title) == ("reschedule", "отказано")
    # In words only (issue 19, defect 13): no «slot_taken:» code before them.
    assert refused.details is not None and refused.details.startswith("Время уже занято")
    assert history.moves == ()

    set_language("en")
    english = appointment_history.load_history(db, clinic.registrar, dropped.id).entries
    assert next(e for e in english if e.action == "cancel").action_title == "cancelled"


def test_history_refuses_unknown_appointments_and_roles_without_search(db, clinic: Clinic) -> None:
    with pytest.raises(NotFound):
        appointment_history.load_history(db, clinic.registrar, 987654)
    with pytest.raises(PermissionDenied):
        appointment_history.load_history(db, clinic.admin, 1)


def test_services_for_a_specialty(db, clinic: Clinic) -> None:
    echo, consult, _old, gastro = clinic.services
    everything = appointment_history.list_services(db, clinic.registrar)
    assert [s.id for s in everything] == [gastro, consult, echo]  # by name, active only
    mine = appointment_history.list_services(db, clinic.registrar, specialty_id=clinic.specialty)
    assert [s.id for s in mine] == [consult, echo]
    assert mine[1].duration_slots == 2
    with pytest.raises(PermissionDenied):
        appointment_history.list_services(db, clinic.admin)


def test_values_shown_for_the_desk() -> None:
    tz = f.MOSCOW
    show = appointment_history.show_value
    assert show("overbooked", True, None, tz) == "да"
    assert show("starts_at", "2031-03-03T07:00:00+00:00", None, tz) == "03.03.2031 10:00"
    assert show("starts_at", "not a date", None, tz) == "not a date"
    assert show("doctor_id", 5, None, tz) == "5"
    assert show("note", None, None, tz) == ""
    assert appointment_history.field_title("mystery") == "mystery"
    assert appointment_history.action_title("mystery") == "mystery"
