"""Booking, rescheduling, cancelling and visit statuses against a real PostgreSQL.

Every test runs in a transaction rolled back at the end. "Now" is passed in, a week
before the booked days, so the tests do not depend on the calendar.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from crm.controllers.context import Actor
from crm.controllers.errors import BookingRefused, PermissionDenied, StaleRecord
from crm.controllers.journal import words
from crm.controllers.schedule import booking, slots, visit_status
from crm.models import (
    Appointment,
    Doctor,
    JournalEntry,
    Referral,
    ScheduleTemplate,
    SpecialtyAlternative,
)
from crm.models.enums import (
    AppointmentKind,
    AppointmentStatus,
    CancelledBy,
    ExceptionKind,
    JournalOutcome,
    ReferralStatus,
    Role,
)
from tests import booking_factories as bf
from tests import factories as f

DAY = dt.date(2031, 3, 3)  # a Monday of an ordinary week
NOW = f.at(DAY - dt.timedelta(days=7), "12:00")
NOW_DAY = NOW.date()
S = AppointmentStatus


@dataclass(frozen=True)
class Clinic:
    doctor: int  # Петров, specialty A, Mon–Fri 09:00–18:00, room 101
    colleague: int  # Сидорова, specialty A, 09:00–18:00, room 102, remote consultations
    other: int  # Кузнецов, specialty B
    specialty_a: int
    specialty_b: int
    patients: tuple[int, ...]
    registrar: Actor
    manager: Actor
    doctor_user: Actor
    admin: Actor
    room: int


@pytest.fixture
def clinic(db) -> Clinic:
    with db() as session, session.begin():
        branch, spec_a = f.clinic(session)
        spec_b = bf.specialty(session)
        room_101, room_102 = bf.room(session, branch, "101"), bf.room(session, branch, "102")
        petrov = f.doctor(session, branch, spec_a, "Петров")
        sidorova = f.doctor(session, branch, spec_a, "Сидорова")
        sidorova.offers_remote = True
        kuznetsov = f.doctor(session, branch, spec_b, "Кузнецов")
        bf.hours(session, petrov, room_row=room_101)
        bf.hours(session, sidorova, room_row=room_102)
        bf.hours(session, kuznetsov, room_row=room_102, weekdays=(6,))
        patients = tuple(bf.insure(session, f.patient(session, f"Пациент{i}")).id for i in range(4))
        return Clinic(
            doctor=petrov.id,
            colleague=sidorova.id,
            other=kuznetsov.id,
            specialty_a=spec_a.id,
            specialty_b=spec_b.id,
            patients=patients,
            registrar=bf.user(session, Role.REGISTRAR),
            manager=bf.user(session, Role.MANAGER),
            doctor_user=bf.user(session, Role.DOCTOR, doctor=petrov),
            admin=bf.user(session, Role.ADMIN),
            room=room_101.id,
        )


def book(
    db,
    c: Clinic,
    hhmm: str,
    *,
    patient: int = 0,
    doctor: int | None = None,
    actor: Actor | None = None,
    day: dt.date = DAY,
    **kwargs,
) -> booking.BookedAppointment:
    return booking.book(
        db, actor or c.registrar, patient_id=c.patients[patient],
        doctor_id=c.doctor if doctor is None else doctor, starts_at=f.at(day, hhmm),
        now=kwargs.pop("now", NOW), **f.paid_terms(db, kwargs),
    )  # fmt: skip


def refused(call, *args, **kwargs) -> BookingRefused:
    with pytest.raises(BookingRefused) as caught:
        call(*args, **kwargs)
    return caught.value


def journal_of(db, entity_id: int, entity: str = "appointment") -> list[JournalEntry]:
    with db() as session:
        return list(
            session.scalars(
                sa.select(JournalEntry)
                .where(JournalEntry.entity == entity, JournalEntry.entity_id == entity_id)
                .order_by(JournalEntry.id)
            )
        )


def referral_status(db, referral_id: int) -> ReferralStatus:
    with db() as session:
        return session.get(Referral, referral_id).status


def make_referral(
    db,
    c: Clinic,
    *,
    patient: int = 0,
    issued_on: dt.date = NOW_DAY,
    specialty: int | None = None,
    **kwargs,
) -> Referral:
    with db() as session, session.begin():
        from crm.models import Patient, Specialty

        return bf.referral(
            session, session.get(Patient, c.patients[patient]),
            session.get(Specialty, specialty or c.specialty_a), issued_on=issued_on, **kwargs,
        )  # fmt: skip


# --- book ---------------------------------------------------------------------------------


def test_book_returns_the_appointment_in_the_templates_room_and_journals_it(db, clinic):
    made = book(db, clinic, "10:00", slots=2, note="  первичный  ")
    assert made.starts_at == f.at(DAY, "10:00") and made.ends_at == f.at(DAY, "10:30")
    assert made.status is S.BOOKED and made.kind is AppointmentKind.PAID
    assert made.room_id == clinic.room and made.note == "первичный" and made.version == 1
    (entry,) = journal_of(db, made.id)
    assert entry.action == "create" and entry.outcome is JournalOutcome.OK
    assert entry.user_id == clinic.registrar.user_id and entry.workstation == "desk-test"
    assert entry.changes["starts_at"] == [None, f.at(DAY, "10:00").isoformat()]
    assert entry.changes["status"] == [None, "booked"]


def test_back_to_back_appointments_are_fine(db, clinic):
    first = book(db, clinic, "10:00", patient=0)
    second = book(db, clinic, "10:15", patient=1, slots=2)
    third = book(db, clinic, "10:45", patient=0)
    assert (first.ends_at, second.ends_at) == (second.starts_at, third.starts_at)


def test_taken_slot_is_refused_with_alternatives_and_journaled(db, clinic):
    book(db, clinic, "10:00", patient=0, slots=2)
    caught = refused(book, db, clinic, "10:15", patient=1)
    assert caught.reason_code == "slot_taken"
    assert caught.message == "Время уже занято"
    assert caught.alternatives, "a refusal about time offers alternatives"
    own = [a for a in caught.alternatives if a.doctor_id == clinic.doctor]
    others = [a for a in caught.alternatives if a.doctor_id != clinic.doctor]
    assert own and caught.alternatives[: len(own)] == tuple(own), "same doctor first"
    assert {a.doctor_id for a in others} == {clinic.colleague}, "then the same specialty"
    assert own[0].starts_at in (f.at(DAY, "09:45"), f.at(DAY, "10:30")), "nearest to 10:15"
    assert own[0].room_number == "101" and own[0].doctor_name == "Петров П. П."
    with db() as session:
        entry = session.scalars(
            sa.select(JournalEntry).where(JournalEntry.outcome == JournalOutcome.REFUSED)
        ).one()
        assert session.scalar(sa.select(sa.func.count()).select_from(Appointment)) == 1
    # In words, as a person reads it in the journal (issue 19, defect 13), not
    # «slot_taken: Время уже занято»; entries written so are shown without the code.
    assert entry.action == "create" and entry.details == "Время уже занято"
    assert words.describe("appointment", None, "slot_taken: Время уже занято") == (
        "Время уже занято"
    )
    assert entry.changes["doctor_id"] == [None, clinic.doctor]


def test_patient_cannot_be_booked_twice_at_once(db, clinic):
    book(db, clinic, "10:00", patient=0)
    caught = refused(book, db, clinic, "10:00", patient=0, doctor=clinic.colleague)
    assert caught.reason_code == "patient_busy"
    assert all(a.starts_at != f.at(DAY, "10:00") for a in caught.alternatives)


@pytest.mark.parametrize(
    ("day", "hhmm", "n"),
    [
        (DAY, "08:45", 1),  # before the day starts
        (DAY, "17:45", 2),  # runs past 18:00
        (DAY, "10:05", 1),  # off the slot grid
        (DAY + dt.timedelta(days=5), "10:00", 1),  # Saturday: no template
    ],
)
def test_outside_working_hours_is_refused(db, clinic, day, hhmm, n):
    caught = refused(book, db, clinic, hhmm, day=day, slots=n)
    assert caught.reason_code == "outside_hours"
    assert caught.message == "Вне рабочего времени врача"
    assert caught.alternatives


def test_public_holiday_is_a_day_off_unless_the_template_says_otherwise(db, clinic):
    holiday = dt.date(2031, 6, 12)  # Russia Day, a Thursday
    assert refused(book, db, clinic, "10:00", day=holiday).reason_code == "outside_hours"
    with db() as session, session.begin():
        duty = session.get(Doctor, clinic.colleague)
        session.execute(sa.delete(ScheduleTemplate).where(ScheduleTemplate.doctor_id == duty.id))
        bf.hours(session, duty, weekdays=(4,), works_on_holidays=True)
    assert book(db, clinic, "10:00", day=holiday, doctor=clinic.colleague).id


def test_exceptions_take_hours_away_and_extra_work_adds_them(db, clinic):
    saturday = DAY + dt.timedelta(days=5)
    with db() as session, session.begin():
        petrov = session.get(Doctor, clinic.doctor)
        bf.exception(
            session, petrov, ExceptionKind.TRAINING, f.at(DAY, "13:00"), f.at(DAY, "15:00")
        )
        bf.exception(
            session,
            petrov,
            ExceptionKind.EXTRA_WORK,
            f.at(saturday, "10:00"),
            f.at(saturday, "12:00"),
        )
    assert refused(book, db, clinic, "13:30").reason_code == "outside_hours"
    assert refused(book, db, clinic, "12:45", slots=2).reason_code == "outside_hours"
    assert book(db, clinic, "15:00").id
    extra = book(db, clinic, "11:45", day=saturday)
    assert extra.ends_at == f.at(saturday, "12:00")


def test_the_past_is_refused_unless_a_manager_backdates_with_a_reason(db, clinic):
    late = f.at(DAY, "11:00")
    assert refused(book, db, clinic, "10:00", now=late).reason_code == "in_past"
    caught = refused(book, db, clinic, "10:00", now=late, backdate_reason="запись задним числом")
    assert caught.reason_code == "permission" and isinstance(caught, PermissionDenied)
    made = book(
        db,
        clinic,
        "10:00",
        now=late,
        actor=clinic.manager,
        backdate_reason="пациент принят без записи",
    )
    (entry,) = journal_of(db, made.id)
    assert "пациент принят без записи" in entry.details


@pytest.mark.parametrize("n", [0, 5])
def test_appointment_length_is_one_to_four_slots(db, clinic, n):
    assert refused(book, db, clinic, "10:00", slots=n).reason_code == "bad_length"


def test_a_doctor_books_only_into_the_own_schedule(db, clinic):
    assert book(db, clinic, "10:00", actor=clinic.doctor_user).doctor_id == clinic.doctor
    caught = refused(
        book, db, clinic, "10:00", actor=clinic.doctor_user, doctor=clinic.colleague, patient=1
    )
    assert caught.reason_code == "permission" and isinstance(caught, PermissionDenied)
    with pytest.raises(PermissionDenied):
        book(db, clinic, "11:00", actor=clinic.admin)


def test_remote_consultation_needs_a_doctor_who_gives_them(db, clinic):
    link = "https://telemed.example/room/abc"
    kind = AppointmentKind.REMOTE
    assert refused(book, db, clinic, "10:00", kind=kind).reason_code == "no_remote"
    made = book(db, clinic, "10:00", kind=kind, doctor=clinic.colleague, video_link=link)
    assert made.video_link == link and made.kind is kind
    paid = book(db, clinic, "11:00", doctor=clinic.colleague, video_link=link)
    assert paid.video_link is None


def test_overbooking_needs_a_manager_and_a_reason(db, clinic):
    book(db, clinic, "10:00", patient=0)
    caught = refused(book, db, clinic, "10:00", patient=1, overbook_reason="срочно")
    assert caught.reason_code == "permission"
    over = book(db, clinic, "10:00", patient=1, actor=clinic.manager, overbook_reason="острая боль")
    assert over.overbooked and over.overbook_reason == "острая боль"
    (entry,) = journal_of(db, over.id)
    assert entry.changes["overbooked"] == [None, True]
    free = book(db, clinic, "11:00", patient=1, actor=clinic.manager, overbook_reason="на всякий")
    assert not free.overbooked and free.overbook_reason is None
    # The patient's own constraint still holds for an overbooking.
    busy = refused(
        book,
        db,
        clinic,
        "10:00",
        patient=1,
        actor=clinic.manager,
        doctor=clinic.colleague,
        overbook_reason="x",
    )
    assert busy.reason_code == "patient_busy"


# --- booking by referral ------------------------------------------------------------------


def test_booking_by_referral_marks_it_used(db, clinic):
    ref = make_referral(db, clinic)
    made = book(db, clinic, "10:00", referral_number=ref.number)
    assert made.kind is AppointmentKind.REFERRAL and made.referral_id == ref.id
    assert referral_status(db, ref.id) is ReferralStatus.USED
    (entry,) = journal_of(db, ref.id, "referral")
    assert entry.changes == {"status": ["active", "used"]}


@pytest.mark.parametrize(
    ("setup", "code"),
    [
        ({"number": "НЕТ-ТАКОГО"}, "referral_unknown"),
        ({"status": ReferralStatus.CANCELLED}, "referral_cancelled"),
        ({"status": ReferralStatus.USED}, "referral_used"),
        ({"status": ReferralStatus.CLOSED}, "referral_closed"),
        ({"issued_on": NOW_DAY - dt.timedelta(days=30)}, "referral_expired"),
        ({"issued_on": DAY - dt.timedelta(days=30)}, "referral_day_after_validity"),
        ({"patient": 1}, "referral_patient"),
        ({"specialty": "b"}, "referral_specialty"),
    ],
)
def test_booking_by_referral_refusals(db, clinic, setup, code):
    setup = dict(setup)
    number = setup.pop("number", None)
    if setup.get("specialty") == "b":
        setup["specialty"] = clinic.specialty_b
    ref = make_referral(db, clinic, **setup)
    caught = refused(book, db, clinic, "10:00", referral_number=number or ref.number)
    assert caught.reason_code == code
    assert caught.field == "referral"
    assert caught.message and caught.message[0].isupper()
    with db() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Appointment)) == 0


def test_last_valid_day_is_bookable_and_the_issue_day_counts(db, clinic):
    ref = make_referral(db, clinic, issued_on=DAY - dt.timedelta(days=29))  # DAY is day 30
    assert book(db, clinic, "10:00", referral_id=ref.id).referral_id == ref.id


def test_referral_booking_needs_a_policy_and_a_referral(db, clinic):
    with db() as session, session.begin():
        from crm.models import Patient

        session.get(Patient, clinic.patients[0]).policy_kind = None
    ref = make_referral(db, clinic)
    assert refused(book, db, clinic, "10:00", referral_id=ref.id).reason_code == "no_policy"
    caught = refused(book, db, clinic, "10:00", patient=1, kind=AppointmentKind.REFERRAL)
    assert caught.reason_code == "referral_missing"


def test_an_alternative_specialty_is_accepted_when_no_doctor_has_the_referrals(db, clinic):
    with db() as session, session.begin():
        absent = bf.specialty(session, "онколог")
        session.add(SpecialtyAlternative(specialty_id=absent.id, alternative_id=clinic.specialty_a))
    ref = make_referral(db, clinic, specialty=absent.id)
    assert book(db, clinic, "10:00", referral_id=ref.id).referral_id == ref.id


def test_the_database_refuses_a_second_live_appointment_on_a_referral(db, clinic):
    ref = make_referral(db, clinic)
    book(db, clinic, "10:00", referral_id=ref.id)
    with db() as session, session.begin():  # as if another desk read it before the first booking
        session.get(Referral, ref.id).status = ReferralStatus.ACTIVE
    caught = refused(book, db, clinic, "12:00", referral_id=ref.id)
    assert caught.reason_code == "referral_used"


# --- the 24-hour rule, cancel and reschedule ----------------------------------------------


def test_cancel_by_the_patient_releases_a_still_valid_referral(db, clinic):
    ref = make_referral(db, clinic)
    made = book(db, clinic, "10:00", referral_id=ref.id)
    cancelled = visit_status.cancel(db, clinic.registrar, made.id, reason="  заболел ", now=NOW)
    assert cancelled.status is S.CANCELLED and cancelled.cancelled_by is CancelledBy.PATIENT
    assert cancelled.cancel_reason == "заболел"
    assert referral_status(db, ref.id) is ReferralStatus.ACTIVE
    entry = journal_of(db, made.id)[-1]
    assert entry.action == "cancel" and entry.details == "заболел"
    assert entry.changes["status"] == ["booked", "cancelled"]
    assert entry.changes["cancelled_by"] == [None, "patient"]
    # The slot and the referral can be booked again.
    assert book(db, clinic, "10:00", patient=0, referral_id=ref.id).referral_id == ref.id


def test_cancel_leaves_an_expired_referral_expired(db, clinic):
    ref = make_referral(db, clinic, issued_on=DAY - dt.timedelta(days=29))  # valid until DAY
    made = book(db, clinic, "10:00", referral_id=ref.id)
    # Evaluated against today: the day after the referral's last day, the desk (a
    # manager, since the visit has passed) cancels; the referral does not come back.
    visit_status.cancel(
        db,
        clinic.manager,
        made.id,
        reason="врач заболел",
        by=CancelledBy.CLINIC,
        now=f.at(DAY + dt.timedelta(days=1), "09:00"),
    )
    assert referral_status(db, ref.id) is ReferralStatus.EXPIRED


def test_the_24_hour_rule(db, clinic):
    made = book(db, clinic, "10:00")
    soon = f.at(DAY - dt.timedelta(days=1), "10:01")  # 23 h 59 min before
    caught = refused(visit_status.cancel, db, clinic.registrar, made.id, reason="x", now=soon)
    assert caught.reason_code == "too_late_to_change"
    assert caught.message == (
        "Менять запись позже чем за 24 часа до приёма может только менеджер, указав причину"
    )
    move = {"starts_at": f.at(DAY, "11:00"), "now": soon}
    assert refused(booking.reschedule, db, clinic.registrar, made.id, **move).reason_code == (
        "too_late_to_change"
    )
    assert refused(booking.reschedule, db, clinic.manager, made.id, **move).reason_code == (
        "too_late_to_change"
    ), "a manager must give a reason"
    moved = booking.reschedule(db, clinic.manager, made.id, reason="врач задерживается", **move)
    assert moved.starts_at == f.at(DAY, "11:00")
    exactly_24h = f.at(DAY - dt.timedelta(days=1), "11:00")
    visit_status.cancel(db, clinic.registrar, moved.id, reason="передумал", now=exactly_24h)


def test_reschedule_keeps_the_link_and_the_referral(db, clinic):
    ref = make_referral(db, clinic)
    old = book(db, clinic, "10:00", slots=2, referral_id=ref.id, note="с анализами")
    new = booking.reschedule(
        db,
        clinic.registrar,
        old.id,
        starts_at=f.at(DAY, "10:15"),
        doctor_id=clinic.colleague,
        reason="просьба пациента",
        now=NOW,
    )
    assert new.rescheduled_from_id == old.id and new.referral_id == ref.id
    assert new.doctor_id == clinic.colleague and new.ends_at == f.at(DAY, "10:45")
    assert new.note == "с анализами" and new.kind is AppointmentKind.REFERRAL
    assert referral_status(db, ref.id) is ReferralStatus.USED
    with db() as session:
        assert session.get(Appointment, old.id).status is S.RESCHEDULED
    entry = journal_of(db, old.id)[-1]
    assert entry.action == "reschedule" and entry.details == "просьба пациента"
    assert entry.changes["doctor_id"] == [clinic.doctor, clinic.colleague]
    assert entry.changes["starts_at"][1] == f.at(DAY, "10:15").isoformat()
    assert entry.changes["replaced_by"] == [None, new.id]
    # Moving by one slot over its own old time is fine too.
    again = booking.reschedule(db, clinic.registrar, new.id, starts_at=f.at(DAY, "10:30"), now=NOW)
    assert again.rescheduled_from_id == new.id


def test_reschedule_to_another_specialty_is_refused_for_a_referral(db, clinic):
    ref = make_referral(db, clinic)
    old = book(db, clinic, "10:00", referral_id=ref.id)
    saturday = DAY - dt.timedelta(days=2)  # (the next one, 8 March, is a public holiday)
    caught = refused(
        booking.reschedule,
        db,
        clinic.registrar,
        old.id,
        starts_at=f.at(saturday, "10:00"),
        doctor_id=clinic.other,
        now=NOW,
    )
    assert caught.reason_code == "referral_specialty"
    with db() as session:
        assert session.get(Appointment, old.id).status is S.BOOKED


def test_a_trial_move_says_what_the_move_would_do_and_changes_nothing(db, clinic):
    ref = make_referral(db, clinic)
    old = book(db, clinic, "10:00", referral_id=ref.id)
    before = len(journal_of(db, old.id))
    trial = booking.reschedule(
        db,
        clinic.registrar,
        old.id,
        starts_at=f.at(DAY, "11:00"),
        doctor_id=clinic.colleague,
        check_only=True,
        now=NOW,
    )
    assert (trial.doctor_id, trial.starts_at) == (clinic.colleague, f.at(DAY, "11:00"))
    with db() as session:
        assert session.get(Appointment, old.id).status is S.BOOKED
        assert session.scalar(
            sa.select(sa.func.count()).select_from(Appointment)
            .where(Appointment.rescheduled_from_id == old.id)
        ) == 0  # fmt: skip
    assert len(journal_of(db, old.id)) == before
    # A trial the rules refuse raises as the move would, and journals no attempt.
    saturday = DAY - dt.timedelta(days=2)
    caught = refused(booking.reschedule, db, clinic.registrar, old.id,
                     starts_at=f.at(saturday, "10:00"), doctor_id=clinic.other,
                     check_only=True, now=NOW)  # fmt: skip
    assert caught.reason_code == "referral_specialty"
    book(db, clinic, "12:00", patient=1, doctor=clinic.colleague)
    taken = refused(booking.reschedule, db, clinic.registrar, old.id,
                    starts_at=f.at(DAY, "12:00"), doctor_id=clinic.colleague, check_only=True,
                    now=NOW)  # fmt: skip
    assert taken.reason_code == "slot_taken" and taken.alternatives
    assert len(journal_of(db, old.id)) == before


def test_reschedule_into_a_taken_slot_changes_nothing(db, clinic):
    old = book(db, clinic, "10:00", patient=0)
    book(db, clinic, "11:00", patient=1)
    caught = refused(
        booking.reschedule, db, clinic.registrar, old.id, starts_at=f.at(DAY, "11:00"), now=NOW
    )
    assert caught.reason_code == "slot_taken" and caught.alternatives
    with db() as session:
        assert session.get(Appointment, old.id).status is S.BOOKED
        assert session.scalar(sa.select(sa.func.count()).select_from(Appointment)) == 2
    assert journal_of(db, old.id)[-1].outcome is JournalOutcome.REFUSED


def test_a_stale_version_is_refused(db, clinic):
    made = book(db, clinic, "10:00")
    visit_status.cancel(db, clinic.registrar, made.id, reason="x", now=NOW, expected_version=1)
    again = book(db, clinic, "10:00")
    with pytest.raises(StaleRecord):
        visit_status.set_status(
            db, clinic.registrar, again.id, S.ARRIVED, expected_version=7, now=NOW
        )
    with pytest.raises(StaleRecord):
        booking.reschedule(
            db,
            clinic.registrar,
            again.id,
            starts_at=f.at(DAY, "12:00"),
            expected_version=2,
            now=NOW,
        )


def test_only_booked_appointments_are_cancelled(db, clinic):
    made = book(db, clinic, "10:00")
    visit_status.set_status(db, clinic.registrar, made.id, S.ARRIVED, now=f.at(DAY, "09:50"))
    caught = refused(
        visit_status.cancel, db, clinic.manager, made.id, reason="x", now=f.at(DAY, "09:55")
    )
    assert caught.reason_code == "bad_status"


# --- visit statuses -----------------------------------------------------------------------


def test_a_visit_goes_booked_arrived_in_progress_completed_and_closes_the_referral(db, clinic):
    ref = make_referral(db, clinic)
    made = book(db, clinic, "10:00", referral_id=ref.id)
    at = f.at(DAY, "09:55")
    visit_status.set_status(db, clinic.registrar, made.id, S.ARRIVED, now=at)
    with pytest.raises(PermissionDenied):
        visit_status.set_status(db, clinic.registrar, made.id, S.IN_PROGRESS, now=at)
    visit_status.set_status(db, clinic.doctor_user, made.id, S.IN_PROGRESS, now=at)
    done = visit_status.set_status(db, clinic.doctor_user, made.id, S.COMPLETED, now=at)
    assert done.status is S.COMPLETED and done.version == 4
    assert referral_status(db, ref.id) is ReferralStatus.CLOSED
    steps = [e.changes["status"] for e in journal_of(db, made.id) if e.action == "status"]
    assert steps == [
        ["booked", "arrived"],
        ["arrived", "in_progress"],
        ["in_progress", "completed"],
    ]


def test_no_show_only_after_the_start_and_never_after_arrival(db, clinic):
    ref = make_referral(db, clinic)
    made = book(db, clinic, "10:00", referral_id=ref.id)
    early = refused(
        visit_status.set_status, db, clinic.registrar, made.id, S.NO_SHOW, now=f.at(DAY, "09:59")
    )
    assert early.reason_code == "too_early"
    visit_status.set_status(db, clinic.registrar, made.id, S.NO_SHOW, now=f.at(DAY, "10:20"))
    assert referral_status(db, ref.id) is ReferralStatus.ACTIVE
    other = book(db, clinic, "11:00", patient=1)
    visit_status.set_status(db, clinic.registrar, other.id, S.ARRIVED, now=f.at(DAY, "10:55"))
    caught = refused(
        visit_status.set_status, db, clinic.registrar, other.id, S.NO_SHOW, now=f.at(DAY, "11:30")
    )
    assert caught.reason_code == "bad_transition"
    assert caught.message == "Статус нельзя сменить с «пришёл» на «неявка»"


def test_arriving_and_seeing_the_doctor_happen_on_the_visits_day_only(db, clinic):
    made = book(db, clinic, "10:00")
    before = DAY - dt.timedelta(days=1)
    caught = refused(
        visit_status.set_status, db, clinic.registrar, made.id, S.ARRIVED, now=f.at(before, "10:00")
    )
    assert caught.reason_code == "not_today"
    assert caught.message == (
        f"Отметить приход или приём можно только в день визита, {DAY:%d.%m.%Y}"
    )
    # Late in the evening of the day itself (clinic time) still counts as that day.
    visit_status.set_status(db, clinic.registrar, made.id, S.ARRIVED, now=f.at(DAY, "23:50"))
    caught = refused(
        visit_status.set_status,
        db,
        clinic.doctor_user,
        made.id,
        S.IN_PROGRESS,
        now=f.at(DAY + dt.timedelta(days=1), "00:05"),
    )
    assert caught.reason_code == "not_today"


def test_a_doctor_marks_visits_only_in_the_own_schedule(db, clinic):
    made = book(db, clinic, "10:00", doctor=clinic.colleague)
    caught = refused(
        visit_status.set_status, db, clinic.doctor_user, made.id, S.NO_SHOW, now=f.at(DAY, "10:30")
    )
    assert caught.reason_code == "permission"


def test_a_manager_undoes_a_mistake_with_a_reason(db, clinic):
    ref = make_referral(db, clinic)
    made = book(db, clinic, "10:00", referral_id=ref.id)
    at = f.at(DAY, "10:40")
    for status in (S.ARRIVED, S.IN_PROGRESS, S.COMPLETED):
        visit_status.set_status(db, clinic.manager, made.id, status, now=at)
    undo = (db, clinic.manager, made.id, S.IN_PROGRESS)
    assert refused(visit_status.set_status, *undo, now=at).reason_code == "reason_required"
    caught = refused(
        visit_status.set_status,
        db,
        clinic.doctor_user,
        made.id,
        S.IN_PROGRESS,
        reason="ошибся",
        now=at,
    )
    assert caught.reason_code == "permission"
    back = visit_status.set_status(*undo, reason="отмечен не тот пациент", now=at)
    assert back.status is S.IN_PROGRESS
    assert referral_status(db, ref.id) is ReferralStatus.USED
    entry = journal_of(db, made.id)[-1]
    assert entry.changes == {"status": ["completed", "in_progress"]}
    assert "отмечен не тот пациент" in entry.details
    # No-show taken back: the referral is held again.
    other = book(
        db, clinic, "11:00", patient=1, referral_id=make_referral(db, clinic, patient=1).id
    )
    visit_status.set_status(db, clinic.registrar, other.id, S.NO_SHOW, now=f.at(DAY, "11:20"))
    visit_status.set_status(
        db, clinic.manager, other.id, S.BOOKED, reason="пришёл позже", now=f.at(DAY, "11:25")
    )
    assert referral_status(db, other.referral_id) is ReferralStatus.USED
    assert (
        refused(
            visit_status.set_status, db, clinic.manager, other.id, S.COMPLETED, now=at
        ).reason_code
        == "bad_transition"
    )


def test_overdue_booked_appointments_are_offered_as_no_shows(db, clinic):
    past = book(db, clinic, "10:00", patient=0)
    current = book(db, clinic, "10:15", patient=1)
    arrived = book(db, clinic, "09:00", patient=2)
    visit_status.set_status(db, clinic.registrar, arrived.id, S.ARRIVED, now=f.at(DAY, "09:00"))
    overdue = visit_status.overdue_booked(db, f.at(DAY, "10:20"))
    assert [o.id for o in overdue] == [past.id]
    assert overdue[0].doctor_name == "Петров П. П." and overdue[0].patient_name.startswith(
        "Пациент0"
    )
    assert current.id not in [o.id for o in visit_status.overdue_booked(db, f.at(DAY, "10:29"))]


# --- slot search --------------------------------------------------------------------------


def test_free_slots_are_whole_runs_inside_working_hours_nearest_first(db, clinic):
    book(db, clinic, "09:15", patient=0)
    book(db, clinic, "09:45", patient=1)
    found = slots.free_slots(
        db,
        doctor_id=clinic.doctor,
        date_from=DAY,
        date_to=DAY,
        slots=2,
        limit=None,
        now=f.at(DAY, "08:00"),
    )
    starts = [s.starts_at.strftime("%H:%M") for s in found]
    assert starts[:3] == ["10:00", "10:15", "10:30"], "09:00 and 09:30 have no 30 free minutes"
    assert starts[-1] == "17:30" and len(found) == 31
    assert all(s.room_number == "101" for s in found)
    later = slots.free_slots(
        db, doctor_id=clinic.doctor, date_from=DAY, date_to=DAY, now=f.at(DAY, "16:50")
    )
    assert [s.starts_at.strftime("%H:%M") for s in later] == ["17:00", "17:15", "17:30", "17:45"]


def test_free_slots_by_specialty_mix_doctors_in_time_order(db, clinic):
    book(db, clinic, "09:00", patient=0)
    found = slots.free_slots(
        db, specialty_id=clinic.specialty_a, date_from=DAY, date_to=DAY, limit=3, now=NOW
    )
    assert [(s.doctor_id, s.starts_at.strftime("%H:%M")) for s in found] == [
        (clinic.colleague, "09:00"),
        (clinic.doctor, "09:15"),
        (clinic.colleague, "09:15"),
    ]
    busy = slots.free_slots(
        db,
        specialty_id=clinic.specialty_a,
        date_from=DAY,
        date_to=DAY,
        limit=1,
        now=NOW,
        patient_id=clinic.patients[0],
    )
    assert busy[0].starts_at == f.at(DAY, "09:15"), "the patient is busy at 09:00"
    with pytest.raises(ValueError):
        slots.free_slots(db, date_from=DAY, date_to=DAY)
