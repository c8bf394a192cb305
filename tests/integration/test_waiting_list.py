"""The waiting list: entries, offers in order when time frees, accept, decline, the outbox.

Rolled back per test; "now" is a week before the booked day. The last test commits
for real, to see the desks' notification of an offer.
"""

from __future__ import annotations

import datetime as dt
import queue

import pytest
import sqlalchemy as sa

from crm.controllers.errors import PermissionDenied, ValidationError
from crm.controllers.referrals import editing
from crm.controllers.schedule import booking, visit_status
from crm.controllers.waiting import queue as waiting_list
from crm.controllers.waiting.queue import OfferRefused
from crm.db.listener import ChangeListener
from crm.models import (
    Appointment,
    JournalEntry,
    OutboxMessage,
    PatientConsent,
    Referral,
    WaitingListEntry,
)
from crm.models.enums import (
    AppointmentKind,
    ConsentKind,
    ContactChannel,
    ReferralStatus,
    WaitingStatus,
)
from tests import factories as f
from tests import referral_factories as rf

W = WaitingStatus
DAY, TODAY, NOW = rf.DAY, rf.TODAY, rf.NOW
WEEK = (TODAY, DAY + dt.timedelta(days=7))


@pytest.fixture
def desk(db) -> rf.Desk:
    made = rf.make_desk(db)
    with db() as session, session.begin():  # everyone may be written to by SMS
        session.add_all(
            PatientConsent(patient_id=p, kind=ConsentKind.SMS, given_on=TODAY - dt.timedelta(1))
            for p in made.patients
        )
    return made


def add(db, desk, patient: int, *, specialty=None, doctor=None, wished=WEEK, actor=None):
    return waiting_list.add_entry(
        db, actor or desk.registrar, patient_id=desk.patients[patient], specialty_id=specialty,
        doctor_id=doctor, wished_from=wished[0], wished_to=wished[1],
        channel=ContactChannel.SMS, note="после обеда", now=NOW,
    )  # fmt: skip


def book(db, desk, patient: int, hhmm: str, *, doctor=None, day=DAY):
    return f.book(
        db, desk.registrar, patient_id=desk.patients[patient],
        doctor_id=desk.doctor if doctor is None else doctor, starts_at=f.at(day, hhmm), now=NOW,
    )  # fmt: skip


def entry(db, entry_id: int) -> WaitingListEntry:
    with db() as session:
        return session.get(WaitingListEntry, entry_id)


def outbox(db) -> list[OutboxMessage]:
    """The waiting list's offers in the outbox (bookings queue their own confirmations)."""
    with db() as session:
        return list(session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.purpose == "waiting_offer")
            .order_by(OutboxMessage.id)
        ))  # fmt: skip


# --- entries ------------------------------------------------------------------------------


def test_add_and_list_with_age(db, desk):
    first = add(db, desk, 1, specialty=desk.specialty_a)
    second = add(db, desk, 2, doctor=desk.doctor)
    assert second.specialty_id == desk.specialty_a and second.doctor_name == "Петров П. П."
    assert first.status is W.WAITING and first.note == "после обеда"
    with db() as session, session.begin():  # as if added at "now"
        for row in session.scalars(sa.select(WaitingListEntry)):
            row.created_at = NOW
    later = NOW + dt.timedelta(days=3, hours=2)
    rows = waiting_list.list_entries(db, desk.registrar, now=later)
    assert [r.id for r in rows] == [first.id, second.id]
    assert rows[0].age_days == 3 and rows[0].age == dt.timedelta(days=3, hours=2)
    assert rows[0].patient_name.startswith("Пациент1") and rows[0].specialty_name
    only_b = waiting_list.list_entries(db, desk.registrar, specialty_id=desk.specialty_b)
    assert only_b == []
    mine = waiting_list.list_entries(db, desk.registrar, patient_id=desk.patients[2])
    assert [r.id for r in mine] == [second.id]


def test_a_doctor_sees_the_entries_the_doctor_could_take(db, desk):
    named = add(db, desk, 0, doctor=desk.doctor)
    of_specialty = add(db, desk, 1, specialty=desk.specialty_a)
    add(db, desk, 2, doctor=desk.colleague)  # the same specialty, another doctor named
    add(db, desk, 3, specialty=desk.specialty_b)
    rows = waiting_list.list_entries(db, desk.doctor_user, for_doctor=desk.doctor)
    assert [r.id for r in rows] == [named.id, of_specialty.id]
    assert len(waiting_list.list_entries(db, desk.registrar)) == 4


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({}, "specialty_id"),
        ({"specialty": "b", "doctor": "a"}, "doctor_id"),
        ({"specialty": "a", "wished": (DAY, TODAY)}, "wished_to"),
        ({"specialty": "a", "wished": (TODAY - dt.timedelta(9), TODAY - dt.timedelta(1))},
         "wished_to"),
    ],
)  # fmt: skip
def test_bad_entries_name_the_field(db, desk, kwargs, field):
    kwargs = dict(kwargs)
    ids = {"a": desk.specialty_a, "b": desk.specialty_b}
    if "specialty" in kwargs:
        kwargs["specialty"] = ids[kwargs["specialty"]]
    if "doctor" in kwargs:
        kwargs["doctor"] = desk.doctor
    with pytest.raises(ValidationError) as caught:
        add(db, desk, 0, **kwargs)
    assert caught.value.field == field


def test_an_administrator_keeps_no_waiting_list(db, desk):
    with pytest.raises(PermissionDenied):
        add(db, desk, 0, specialty=desk.specialty_a, actor=desk.admin)


# --- offers -------------------------------------------------------------------------------


def test_a_cancelled_slot_goes_to_the_earliest_matching_entry(db, desk):
    elsewhere = add(db, desk, 1, specialty=desk.specialty_b)  # another specialty
    too_late = add(db, desk, 2, specialty=desk.specialty_a,
                   wished=(DAY + dt.timedelta(1), DAY + dt.timedelta(5)))  # fmt: skip
    first = add(db, desk, 3, specialty=desk.specialty_a)
    second = add(db, desk, 1, doctor=desk.doctor)
    made = book(db, desk, 0, "10:00")
    visit_status.cancel(db, desk.registrar, made.id, reason="заболел", now=NOW)

    offered = entry(db, first.id)
    assert offered.status is W.OFFERED and offered.offered_doctor_id == desk.doctor
    assert offered.offered_starts_at == f.at(DAY, "10:00") and offered.offered_at == NOW
    for other in (elsewhere, too_late, second):
        assert entry(db, other.id).status is W.WAITING
    (message,) = outbox(db)
    assert message.purpose == "waiting_offer" and message.patient_id == desk.patients[3]
    assert DAY.strftime("%d.%m.%Y") in message.body and "10:00" in message.body
    pending = waiting_list.pending_offers(db, desk.registrar, now=NOW)
    assert [p.id for p in pending] == [first.id]
    assert pending[0].offered_doctor_name == "Петров П. П." and not pending[0].offer_lapsed
    later = waiting_list.pending_offers(db, desk.registrar, now=f.at(DAY, "10:05"))
    assert later[0].offer_lapsed
    with db() as session:
        actions = session.scalars(
            sa.select(JournalEntry.action)
            .where(JournalEntry.entity == "waiting_list_entry", JournalEntry.entity_id == first.id)
            .order_by(JournalEntry.id)  # fmt: skip
        ).all()
    assert actions == ["create", "offer"]


def test_decline_passes_the_time_to_the_next_entries_in_order(db, desk):
    first = add(db, desk, 1, specialty=desk.specialty_a)
    second = add(db, desk, 2, doctor=desk.doctor)
    third = add(db, desk, 3, specialty=desk.specialty_a)
    made = book(db, desk, 0, "10:00")
    visit_status.cancel(db, desk.registrar, made.id, reason="заболел", now=NOW)
    assert entry(db, first.id).status is W.OFFERED

    (passed,) = waiting_list.decline_offer(db, desk.registrar, first.id, now=NOW)
    assert passed.entry_id == second.id and passed.starts_at == f.at(DAY, "10:00")
    back = entry(db, first.id)
    assert back.status is W.WAITING and back.offered_starts_at is None
    (passed,) = waiting_list.decline_offer(db, desk.registrar, second.id, now=NOW)
    assert passed.entry_id == third.id
    assert waiting_list.decline_offer(db, desk.registrar, third.id, now=NOW) == []
    assert {entry(db, e.id).status for e in (first, second, third)} == {W.WAITING}
    with pytest.raises(OfferRefused) as caught:
        waiting_list.decline_offer(db, desk.registrar, third.id, now=NOW)
    assert caught.value.reason_code == "not_offered"
    assert [m.patient_id for m in outbox(db)] == [desk.patients[1], desk.patients[2],
                                                  desk.patients[3]]  # fmt: skip


def test_accept_books_the_offered_time(db, desk):
    waiting = add(db, desk, 1, specialty=desk.specialty_a)
    made = book(db, desk, 0, "10:00")
    visit_status.cancel(db, desk.registrar, made.id, reason="заболел", now=NOW)
    booked = waiting_list.accept_offer(
        db, desk.registrar, waiting.id, service_id=f.paid_service_id(db), now=NOW
    )
    assert (booked.patient_id, booked.doctor_id) == (desk.patients[1], desk.doctor)
    assert booked.starts_at == f.at(DAY, "10:00") and booked.note
    closed = entry(db, waiting.id)
    assert closed.status is W.BOOKED and closed.appointment_id == booked.id
    with pytest.raises(OfferRefused) as caught:
        waiting_list.accept_offer(
            db, desk.registrar, waiting.id, service_id=f.paid_service_id(db), now=NOW
        )
    assert caught.value.reason_code == "closed"
    rows = waiting_list.list_entries(db, desk.registrar, statuses=(), now=NOW)
    assert rows[0].appointment_id == booked.id


def test_accept_after_the_time_was_taken_says_so(db, desk):
    waiting = add(db, desk, 1, specialty=desk.specialty_a)
    made = book(db, desk, 0, "10:00")
    visit_status.cancel(db, desk.registrar, made.id, reason="заболел", now=NOW)
    book(db, desk, 2, "10:00")  # another desk took it by phone meanwhile
    with pytest.raises(booking.BookingRefused) as caught:
        waiting_list.accept_offer(
            db, desk.registrar, waiting.id, service_id=f.paid_service_id(db), now=NOW
        )
    assert caught.value.reason_code == "offer_taken"
    assert caught.value.message == "Предложенное время тем временем заняли"  # said once
    assert caught.value.alternatives, "the nearest free time is offered instead"
    again = entry(db, waiting.id)
    assert again.status is W.WAITING and again.offered_starts_at is None


def test_a_rescheduled_appointment_frees_its_old_time(db, desk):
    waiting = add(db, desk, 1, doctor=desk.doctor)
    made = book(db, desk, 0, "10:00")
    booking.reschedule(db, desk.registrar, made.id, starts_at=f.at(DAY, "15:00"), now=NOW)
    offered = entry(db, waiting.id)
    assert offered.status is W.OFFERED and offered.offered_starts_at == f.at(DAY, "10:00")


def test_the_patient_who_gave_the_time_up_is_not_offered_it(db, desk):
    own = add(db, desk, 0, doctor=desk.doctor)
    made = book(db, desk, 0, "10:00")
    visit_status.cancel(db, desk.registrar, made.id, reason="передумал", now=NOW)
    assert entry(db, own.id).status is W.WAITING


def test_new_hours_offer_one_slot_per_entry_in_order_skipping_busy_patients(db, desk):
    entries = [add(db, desk, i, specialty=desk.specialty_a) for i in range(4)]
    book(db, desk, 1, "11:15", doctor=desk.colleague)  # patient 1 is busy at 11:15
    book(db, desk, 3, "11:00")  # and Петров's 11:00 is taken
    with db() as session, session.begin():
        offers = waiting_list.offer_freed_time(
            session, desk.doctor, f.at(DAY, "10:45"), f.at(DAY, "11:30"), now=NOW
        )
    # 10:45 → the first entry; 11:00 is taken; 11:15 → the third (the second's patient is
    # busy then).
    assert [(o.entry_id, o.starts_at.strftime("%H:%M")) for o in offers] == [
        (entries[0].id, "10:45"), (entries[2].id, "11:15")]  # fmt: skip
    # The same time again: already offered, nothing new.
    with db() as session, session.begin():
        again = waiting_list.offer_freed_time(
            session, desk.doctor, f.at(DAY, "10:45"), f.at(DAY, "11:30"), now=NOW
        )
        assert again == []
    # The past and days off are never offered.
    with db() as session, session.begin():
        assert waiting_list.offer_freed_time(
            session, desk.doctor, f.at(TODAY, "09:00"), f.at(TODAY, "11:00"),
            now=f.at(TODAY, "11:00")) == []  # fmt: skip


def test_a_lapsed_offer_no_longer_holds_the_entry_back(db, desk):
    waiting = add(db, desk, 1, specialty=desk.specialty_a, wished=(TODAY, DAY))
    with db() as session, session.begin():
        (offer,) = waiting_list.offer_freed_time(
            session, desk.doctor, f.at(DAY - dt.timedelta(days=1), "10:00"),
            f.at(DAY - dt.timedelta(days=1), "10:15"), now=NOW)  # fmt: skip
    assert offer.entry_id == waiting.id
    after = f.at(DAY - dt.timedelta(days=1), "12:00")
    with db() as session, session.begin():
        (again,) = waiting_list.offer_freed_time(
            session, desk.doctor, f.at(DAY, "10:00"), f.at(DAY, "10:15"), now=after
        )
    assert again.entry_id == waiting.id and entry(db, waiting.id).offered_starts_at == (
        f.at(DAY, "10:00"))  # fmt: skip


def test_accepting_a_lapsed_offer_is_refused_and_the_entry_waits_again(db, desk):
    waiting = add(db, desk, 1, specialty=desk.specialty_a)
    made = book(db, desk, 0, "10:00")
    visit_status.cancel(db, desk.registrar, made.id, reason="заболел", now=NOW)
    with pytest.raises(OfferRefused) as caught:
        waiting_list.accept_offer(
            db, desk.registrar, waiting.id, service_id=f.paid_service_id(db), now=f.at(DAY, "10:01")
        )
    assert caught.value.reason_code == "lapsed"
    assert entry(db, waiting.id).status is W.WAITING


def test_cancel_an_entry(db, desk):
    waiting = add(db, desk, 1, specialty=desk.specialty_a)
    cancelled = waiting_list.cancel_entry(db, desk.registrar, waiting.id, reason="записался сам")
    assert cancelled.status is W.CANCELLED
    with pytest.raises(OfferRefused):
        waiting_list.cancel_entry(db, desk.registrar, waiting.id)
    made = book(db, desk, 0, "10:00")
    visit_status.cancel(db, desk.registrar, made.id, reason="заболел", now=NOW)
    assert entry(db, waiting.id).status is W.CANCELLED and outbox(db) == []


def test_the_24_hour_rule_with_and_without_a_manager_then_the_time_is_offered(db, desk):
    waiting = add(db, desk, 1, doctor=desk.doctor)
    made = book(db, desk, 0, "10:00")
    soon = f.at(DAY - dt.timedelta(days=1), "12:00")  # 22 hours before
    with pytest.raises(booking.BookingRefused) as by_registrar:
        visit_status.cancel(db, desk.registrar, made.id, reason="заболел", now=soon)
    assert by_registrar.value.reason_code == "too_late_to_change"
    with pytest.raises(booking.BookingRefused) as without_reason:
        booking.reschedule(db, desk.manager, made.id, starts_at=f.at(DAY, "12:00"), now=soon)
    assert without_reason.value.reason_code == "too_late_to_change"
    assert entry(db, waiting.id).status is W.WAITING
    visit_status.cancel(db, desk.manager, made.id, reason="врач заболел", now=soon)
    with db() as session:
        assert session.get(Appointment, made.id).cancel_reason == "врач заболел"
    assert entry(db, waiting.id).status is W.OFFERED


def test_desks_are_notified_of_an_offer(committed_db, committed_db_url):
    desk = rf.make_desk(committed_db)
    day = dt.datetime.now(f.MOSCOW).date() + dt.timedelta(days=5)
    waiting = waiting_list.add_entry(
        committed_db, desk.registrar, patient_id=desk.patients[1], doctor_id=desk.doctor,
        wished_from=day, wished_to=day, channel=ContactChannel.PHONE,
    )  # fmt: skip
    made = f.book(committed_db, desk.registrar, patient_id=desk.patients[0],
                        doctor_id=desk.doctor, starts_at=f.at(day, "10:00"))  # fmt: skip
    events: queue.Queue = queue.Queue()
    listener = ChangeListener(committed_db_url, events.put, lambda ok, detail: None,
                              poll_seconds=0.1)  # fmt: skip
    listener.start()
    try:
        assert listener.connected.wait(10)
        visit_status.cancel(committed_db, desk.registrar, made.id, reason="заболел")
        seen: list[dict] = []
        while not any(e.get("table") == "waiting_list_entry" for e in seen):
            seen.append(events.get(timeout=10))
        (event,) = [e for e in seen if e["table"] == "waiting_list_entry"]
        assert event["op"] == "UPDATE" and event["id"] == waiting.id
        assert event["patient_id"] == desk.patients[1] and event["doctor_id"] == desk.doctor
    finally:
        listener.stop()


def test_the_desk_books_a_waiting_patient_at_a_time_it_chose(db, desk):
    waiting = add(db, desk, 0, doctor=desk.doctor)
    made = waiting_list.book_entry(
        db, desk.registrar, waiting.id, doctor_id=desk.colleague, starts_at=f.at(DAY, "10:00"),
        service_id=f.paid_service_id(db), now=NOW,
    )  # fmt: skip
    row = entry(db, waiting.id)
    assert row.status is WaitingStatus.BOOKED and row.appointment_id == made.id
    assert made.doctor_id == desk.colleague and made.patient_id == desk.patients[0]
    with pytest.raises(OfferRefused) as caught:
        waiting_list.book_entry(
            db, desk.registrar, waiting.id, doctor_id=desk.doctor,
            starts_at=f.at(DAY, "11:00"), service_id=f.paid_service_id(db), now=NOW,
        )  # fmt: skip
    assert caught.value.reason_code == "closed"


def test_a_refused_booking_from_the_list_keeps_the_entry_waiting(db, desk):
    waiting = add(db, desk, 0, doctor=desk.doctor)
    book(db, desk, 1, "10:00")
    with pytest.raises(booking.BookingRefused) as caught:
        waiting_list.book_entry(
            db, desk.registrar, waiting.id, doctor_id=desk.doctor,
            starts_at=f.at(DAY, "10:00"), service_id=f.paid_service_id(db), now=NOW,
        )  # fmt: skip
    assert caught.value.reason_code == "slot_taken"
    assert entry(db, waiting.id).status is WaitingStatus.WAITING


# --- booking a waiting patient on their referral ---------------------------------------------


def referral(db, desk, patient: int, *, specialty=None, issued=TODAY):
    return editing.create_referral(
        db, desk.registrar,
        rf.form(desk, patient_id=desk.patients[patient], specialty_id=specialty or desk.specialty_a,
                issued_on=issued),
        today=TODAY,
    ).row  # fmt: skip


def test_a_waiting_patient_is_booked_on_the_referral_that_ends_first(db, desk):
    later = referral(db, desk, 1)
    sooner = referral(db, desk, 1, issued=TODAY - dt.timedelta(days=20))  # ends 10 days from now
    referral(db, desk, 1, specialty=desk.specialty_b)  # another specialty: not for this doctor
    waiting = add(db, desk, 1, specialty=desk.specialty_a)
    made = book(db, desk, 0, "10:00")
    visit_status.cancel(db, desk.registrar, made.id, reason="заболел", now=NOW)
    booked = waiting_list.accept_offer(
        db, desk.registrar, waiting.id, service_id=f.paid_service_id(db), now=NOW
    )
    assert booked.kind is AppointmentKind.REFERRAL and booked.referral_id == sooner.id
    with db() as session:
        assert session.get(Referral, sooner.id).status is ReferralStatus.USED
        assert session.get(Referral, later.id).status is ReferralStatus.ACTIVE


def test_a_dragged_waiting_patient_without_a_usable_referral_pays(db, desk):
    # Patient 0's referral is to specialty A and ends before the day; patient 2's is to B.
    referral(db, desk, 0, issued=DAY - dt.timedelta(days=40))
    referral(db, desk, 2, specialty=desk.specialty_b)
    for patient in (0, 2):
        waiting = add(db, desk, patient, doctor=desk.doctor)
        made = waiting_list.book_entry(
            db, desk.registrar, waiting.id, doctor_id=desk.colleague,
            starts_at=f.at(DAY, f"1{patient}:00"), service_id=f.paid_service_id(db), now=NOW,
        )  # fmt: skip
        assert (made.kind, made.referral_id) == (AppointmentKind.PAID, None)
    # A referral to the doctor's specialty valid that day is booked on.
    on_it = referral(db, desk, 3)
    waiting = add(db, desk, 3, doctor=desk.doctor)
    made = waiting_list.book_entry(
        db, desk.registrar, waiting.id, doctor_id=desk.colleague, starts_at=f.at(DAY, "15:00"),
        service_id=f.paid_service_id(db), now=NOW,
    )  # fmt: skip
    assert (made.kind, made.referral_id) == (AppointmentKind.REFERRAL, on_it.id)


def test_a_kind_chosen_by_the_desk_is_kept(db, desk):
    referral(db, desk, 1)
    waiting = add(db, desk, 1, specialty=desk.specialty_a)
    made = book(db, desk, 0, "10:00")
    visit_status.cancel(db, desk.registrar, made.id, reason="заболел", now=NOW)
    booked = waiting_list.accept_offer(
        db,
        desk.registrar,
        waiting.id,
        kind=AppointmentKind.PAID,
        service_id=f.paid_service_id(db),
        now=NOW,
    )
    assert (booked.kind, booked.referral_id) == (AppointmentKind.PAID, None)


# --- offers left unanswered ------------------------------------------------------------------


def journal_actions(db, entry_id: int) -> list[tuple[str, str | None]]:
    with db() as session:
        return list(
            session.execute(
                sa.select(JournalEntry.action, JournalEntry.login)
                .where(
                    JournalEntry.entity == "waiting_list_entry", JournalEntry.entity_id == entry_id
                )
                .order_by(JournalEntry.id)
            ).tuples()
        )


def test_an_unanswered_offer_passes_to_the_next_entry_after_two_hours(db, desk):
    first = add(db, desk, 1, specialty=desk.specialty_a)
    second = add(db, desk, 2, doctor=desk.doctor)
    made = book(db, desk, 0, "10:00")
    visit_status.cancel(db, desk.registrar, made.id, reason="заболел", now=NOW)
    assert entry(db, first.id).status is W.OFFERED
    early = NOW + dt.timedelta(hours=1, minutes=59)
    assert waiting_list.expire_offers(db, desk.registrar, now=early) == []
    assert entry(db, first.id).status is W.OFFERED

    (passed,) = waiting_list.expire_offers(db, desk.registrar, now=NOW + dt.timedelta(hours=2))
    assert (passed.entry_id, passed.starts_at) == (second.id, f.at(DAY, "10:00"))
    again = entry(db, first.id)
    assert again.status is W.WAITING and again.offered_starts_at is None
    assert entry(db, second.id).status is W.OFFERED
    assert journal_actions(db, first.id)[-1] == ("offer_expired", "system")
    # Nothing more to pass on: a second desk's call changes nothing.
    assert waiting_list.expire_offers(db, desk.registrar, now=NOW + dt.timedelta(hours=2)) == []


def test_an_offer_of_a_time_soon_expires_at_half_the_time_left(db, desk):
    waiting = add(db, desk, 1, doctor=desk.doctor, wished=(TODAY, TODAY))
    made = book(db, desk, 0, "14:00", day=TODAY)  # two hours after NOW (12:00)
    visit_status.cancel(db, desk.manager, made.id, reason="заболел", now=NOW)  # within 24 h
    offered = entry(db, waiting.id)
    assert offered.offered_starts_at == f.at(TODAY, "14:00")
    deadline = waiting_list.answer_deadline(offered.offered_at, offered.offered_starts_at)
    assert deadline == NOW + dt.timedelta(hours=1)
    half = NOW + dt.timedelta(minutes=59)
    assert waiting_list.expire_offers(db, desk.registrar, now=half) == []
    assert waiting_list.expire_offers(db, desk.registrar, now=NOW + dt.timedelta(hours=1)) == []
    assert entry(db, waiting.id).status is W.WAITING  # nobody after it fits


def test_a_lapsed_offer_is_not_passed_on(db, desk):
    waiting = add(db, desk, 1, doctor=desk.doctor)
    add(db, desk, 2, doctor=desk.doctor)
    made = book(db, desk, 0, "10:00")
    visit_status.cancel(db, desk.registrar, made.id, reason="заболел", now=NOW)
    after = f.at(DAY, "10:30")  # the time itself has passed: nothing to pass on
    assert waiting_list.expire_offers(db, desk.registrar, now=after) == []
    assert entry(db, waiting.id).status is W.OFFERED


def test_an_offer_another_desk_is_answering_is_not_passed_on(committed_db):
    desk = rf.make_desk(committed_db)
    day = dt.datetime.now(f.MOSCOW).date() + dt.timedelta(days=5)
    waiting = waiting_list.add_entry(
        committed_db, desk.registrar, patient_id=desk.patients[1], doctor_id=desk.doctor,
        wished_from=day, wished_to=day, channel=ContactChannel.PHONE,
    )  # fmt: skip
    made = f.book(committed_db, desk.registrar, patient_id=desk.patients[0],
                        doctor_id=desk.doctor, starts_at=f.at(day, "10:00"))  # fmt: skip
    visit_status.cancel(committed_db, desk.registrar, made.id, reason="заболел")
    later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=3)
    with committed_db() as other_desk, other_desk.begin():
        other_desk.get(WaitingListEntry, waiting.id, with_for_update=True)  # answering it
        assert waiting_list.expire_offers(committed_db, desk.registrar, now=later) == []
    assert entry(committed_db, waiting.id).status is W.OFFERED
    assert waiting_list.expire_offers(committed_db, desk.registrar, now=later) == []
    assert entry(committed_db, waiting.id).status is W.WAITING


def test_without_a_usable_referral_the_desk_may_ask_before_a_paid_visit(db, desk):
    waiting = add(db, desk, 1, doctor=desk.doctor)
    with pytest.raises(booking.BookingRefused) as refused:
        waiting_list.book_entry(
            db, desk.registrar, waiting.id, doctor_id=desk.doctor, starts_at=f.at(DAY, "12:00"),
            paid_without_referral=False, service_id=f.paid_service_id(db), now=NOW,
        )  # fmt: skip
    assert refused.value.reason_code == waiting_list.NO_USABLE_REFERRAL
    assert refused.value.field == "referral"
    assert entry(db, waiting.id).status is W.WAITING  # nothing booked, still on the list
    # «Book as paid» is of a service: without one it is refused, the entry still waits.
    for kind in (None, AppointmentKind.PAID, AppointmentKind.FOLLOW_UP):
        with pytest.raises(booking.BookingRefused) as refused:
            waiting_list.book_entry(
                db, desk.registrar, waiting.id, doctor_id=desk.doctor,
                starts_at=f.at(DAY, "12:00"), kind=kind, now=NOW,
            )  # fmt: skip
        assert (refused.value.reason_code, refused.value.field) == ("service_missing", "service")
    assert entry(db, waiting.id).status is W.WAITING
    made = waiting_list.book_entry(
        db, desk.registrar, waiting.id, doctor_id=desk.doctor, starts_at=f.at(DAY, "12:00"),
        service_id=f.paid_service_id(db), now=NOW,
    )  # fmt: skip
    assert made.kind is AppointmentKind.PAID
    # With a referral there is nothing to ask.
    other = add(db, desk, 2, doctor=desk.doctor)
    paper = referral(db, desk, 2)
    booked = waiting_list.book_entry(
        db, desk.registrar, other.id, doctor_id=desk.doctor, starts_at=f.at(DAY, "12:30"),
        paid_without_referral=False, service_id=f.paid_service_id(db), now=NOW,
    )  # fmt: skip
    assert booked.kind is AppointmentKind.REFERRAL and booked.referral_id == paper.id
