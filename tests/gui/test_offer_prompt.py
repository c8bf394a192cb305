"""The desk's prompt for waiting-list offers against the real database: it appears live
when a cancellation offers time (through the real change listener), books it, passes
it to the next entry, says so when the time was taken meanwhile, and hides when there
is nothing to answer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import sqlalchemy as sa

from crm.controllers.access import auth
from crm.controllers.schedule import visit_status
from crm.controllers.waiting import queue
from crm.controllers.waiting.queue import WaitingEntry
from crm.db.database import Database
from crm.models import Appointment, Doctor, WaitingListEntry
from crm.models.enums import AppointmentKind, AppointmentStatus, ContactChannel, Role, WaitingStatus
from crm.views import AppContext
from crm.views.events import ChangeEvents
from crm.views.referrals.offer_prompt import OfferPrompt
from tests import factories as f
from tests.gui.conftest import PASSWORD
from tests.gui.test_schedule_grid import ScheduleClinic, make_schedule_clinic
from tests.gui.test_waiting_list_tab import FakeEvents

TIMEOUT = 10_000
W = WaitingStatus


@pytest.fixture
def clinic(gui_database: Database) -> ScheduleClinic:
    return make_schedule_clinic(gui_database)


def open_prompt(qtbot, context: AppContext) -> OfferPrompt:
    prompt = OfferPrompt(context)
    qtbot.addWidget(prompt)
    prompt.resize(900, 120)
    wait_idle(qtbot, prompt)
    return prompt


def wait_idle(qtbot, prompt: OfferPrompt) -> None:
    qtbot.waitUntil(lambda: not prompt.loading and prompt._context.runner.idle, timeout=TIMEOUT)


def wait_list(
    database: Database, clinic: ScheduleClinic, patients: tuple[int, ...]
) -> list[WaitingEntry]:
    """Entries for Петров's specialty, in this order, for the clinic's day and after."""
    with database.sessions() as session:
        doctor = session.get(Doctor, clinic.petrov)
        assert doctor is not None
        specialty = doctor.specialty_id
    return [
        queue.add_entry(
            database.sessions,
            clinic.registrar,
            patient_id=patient,
            wished_from=clinic.day,
            wished_to=clinic.day + dt.timedelta(days=2),
            channel=ContactChannel.PHONE,
            specialty_id=specialty,
        )  # fmt: skip
        for patient in patients
    ]


def free_eleven(database: Database, clinic: ScheduleClinic) -> None:
    """Another desk cancels Лебедев's 11:00 with Петров."""
    visit_status.cancel(database.sessions, clinic.registrar, clinic.second, reason="уехал")


def entry_status(database: Database, entry_id: int) -> WaitingListEntry:
    with database.sessions() as session:
        row = session.get(WaitingListEntry, entry_id)
        assert row is not None
        return row


def choose_the_service(qtbot, prompt, gui_database: Database, answer) -> None:
    """``answer()`` asks «which service?» (a paid or follow-up visit): choose the tests'."""
    with gui_database.sessions() as session, session.begin():
        f.service(session)
    prompt.offer_actions.service_dialog = None
    answer()
    qtbot.waitUntil(lambda: prompt.offer_actions.service_dialog is not None, timeout=TIMEOUT)
    dialog = prompt.offer_actions.service_dialog
    assert dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.choose_code(f.PAID_SERVICE), timeout=TIMEOUT)
    assert "1\u00a0500,00\u00a0₽ · 15 мин" in dialog.service.currentText()
    dialog.choose()


def test_the_offer_appears_live_and_is_booked(
    qtbot, make_context: Callable[..., AppContext], clinic: ScheduleClinic,
    gui_database: Database,
) -> None:  # fmt: skip
    (entry,) = wait_list(gui_database, clinic, (clinic.patients[3],))
    events = ChangeEvents(gui_database.url, poll_seconds=0.05)
    try:
        events.start()
        qtbot.waitUntil(lambda: events.connected is True, timeout=TIMEOUT)
        prompt = open_prompt(qtbot, make_context("boris", events))
        assert prompt.lines == [] and not prompt.isVisible()

        with qtbot.waitSignal(prompt.loaded, timeout=TIMEOUT, check_params_cb=lambda n: n == 1):
            free_eleven(gui_database, clinic)
        assert prompt.isVisible()
        (line,) = prompt.lines
        text = line.label.text()
        assert "Зайцев И." in text and f"Петров П. П., {clinic.day:%d.%m} 11:00" in text
        assert "+7 (916)" in line.label.toolTip()

        # No referral on the card: the desk is asked before a paid visit is booked.
        line.book_button.click()
        qtbot.waitUntil(lambda: prompt.messages.kind == "warning", timeout=TIMEOUT)
        assert "Зайцев И." in prompt.messages.text() and "платный" in prompt.messages.text()
        assert entry_status(gui_database, entry.id).status is W.OFFERED  # nothing booked yet
        assert prompt.messages.first_button.text() == "Записать платно"
        with qtbot.waitSignal(prompt.booked, timeout=TIMEOUT) as booked:
            choose_the_service(qtbot, prompt, gui_database, prompt.messages.first_button.click)
        made = booked.args[0]
        wait_idle(qtbot, prompt)
        with gui_database.sessions() as session:
            row = session.get(Appointment, made.id)
            assert row is not None
            assert (row.patient_id, row.doctor_id, row.status) == (
                clinic.patients[3],
                clinic.petrov,
                AppointmentStatus.BOOKED,
            )
            assert row.starts_at == f.at(clinic.day, "11:00")
        stored = entry_status(gui_database, entry.id)
        assert (stored.status, stored.appointment_id) == (W.BOOKED, made.id)
        # Nothing left to answer: only the message stays until closed.
        qtbot.waitUntil(lambda: prompt.lines == [], timeout=TIMEOUT)
        assert prompt.messages.kind == "done" and "Зайцев И." in prompt.messages.text()
        assert "(платный)" in prompt.messages.text()
        prompt.messages.first_button.click()
        assert not prompt.isVisible()
    finally:
        events.stop()


def test_passing_the_offer_gives_it_to_the_next_entry(
    qtbot, make_context, clinic: ScheduleClinic, gui_database: Database
) -> None:
    first, second = wait_list(gui_database, clinic, (clinic.patients[3], clinic.patients[2]))
    free_eleven(gui_database, clinic)
    events = FakeEvents()
    prompt = open_prompt(qtbot, make_context("boris", events))
    assert [line.entry.id for line in prompt.lines] == [first.id]
    assert prompt.isVisible()

    # Folded, the bar keeps its title line with the count; unfolded, the offers again.
    prompt.fold_button.click()
    assert prompt.folded and not prompt.lines[0].isVisibleTo(prompt)
    assert "ожидают ответа: 1" in prompt.title.text()
    prompt.fold_button.click()
    assert not prompt.folded and prompt.lines[0].isVisibleTo(prompt)

    prompt.lines[0].pass_button.click()
    qtbot.waitUntil(
        lambda: [line.entry.id for line in prompt.lines] == [second.id], timeout=TIMEOUT
    )
    wait_idle(qtbot, prompt)
    assert entry_status(gui_database, first.id).status is W.WAITING
    offered = entry_status(gui_database, second.id)
    assert offered.status is W.OFFERED
    assert offered.offered_starts_at == f.at(clinic.day, "11:00")
    assert "Орлова И." in prompt.lines[0].label.text()
    assert prompt.messages.kind == "info"

    # Orlova passes too: nobody after her fits, the bar keeps only the message.
    prompt.lines[0].pass_button.click()
    qtbot.waitUntil(lambda: prompt.lines == [], timeout=TIMEOUT)
    wait_idle(qtbot, prompt)
    assert entry_status(gui_database, second.id).status is W.WAITING
    prompt.dismiss()
    assert not prompt.isVisible()


def test_a_time_taken_meanwhile_is_said_and_the_entry_waits_again(
    qtbot, make_context, clinic: ScheduleClinic, gui_database: Database
) -> None:
    (entry,) = wait_list(gui_database, clinic, (clinic.patients[3],))
    free_eleven(gui_database, clinic)
    prompt = open_prompt(qtbot, make_context("boris", FakeEvents()))
    (line,) = prompt.lines
    # Another desk books the freed time for someone else first.
    f.book(
        gui_database.sessions, clinic.registrar, patient_id=clinic.patients[0],
        doctor_id=clinic.petrov, starts_at=f.at(clinic.day, "11:00"),
    )  # fmt: skip
    line.book_button.click()
    qtbot.waitUntil(lambda: prompt.messages.kind == "warning", timeout=TIMEOUT)
    # «Записать платно»: the patient agreed to pay (for the service chosen).
    choose_the_service(qtbot, prompt, gui_database, prompt.messages.first_button.click)
    qtbot.waitUntil(lambda: prompt.messages.kind == "error", timeout=TIMEOUT)
    wait_idle(qtbot, prompt)
    assert prompt.lines == []
    assert entry_status(gui_database, entry.id).status is W.WAITING
    with gui_database.sessions() as session:
        mine = session.scalars(
            sa.select(Appointment).where(Appointment.patient_id == clinic.patients[3])
        ).all()
    assert mine == []
    assert prompt.isVisible()  # the error stays until closed


def test_an_offer_left_unanswered_passes_to_the_next_entry(
    qtbot, make_context, clinic: ScheduleClinic, gui_database: Database
) -> None:
    first, second = wait_list(gui_database, clinic, (clinic.patients[3], clinic.patients[2]))
    free_eleven(gui_database, clinic)
    prompt = open_prompt(qtbot, make_context("boris", FakeEvents()))
    (line,) = prompt.lines
    offered = entry_status(gui_database, first.id)
    deadline = queue.answer_deadline(offered.offered_at, offered.offered_starts_at)
    local = deadline.astimezone(f.MOSCOW)
    # Today's deadline by its time; one past midnight with its day too.
    shown = f"{local:%H:%M}" if local.date() == f.clinic_today() else f"{local:%d.%m %H:%M}"
    assert f"ответ до {shown}," in line.label.text()

    # Nothing is due yet: the minute's check leaves the offer where it is.
    prompt.expire_unanswered()
    wait_idle(qtbot, prompt)
    assert [line.entry.id for line in prompt.lines] == [first.id]
    # Three hours later (the offer's clock moved back instead) the next entry gets it.
    with gui_database.sessions() as session, session.begin():
        row = session.get(WaitingListEntry, first.id)
        assert row is not None and row.offered_at is not None
        row.offered_at -= dt.timedelta(hours=3)
    prompt.expire_unanswered()
    qtbot.waitUntil(
        lambda: [line.entry.id for line in prompt.lines] == [second.id], timeout=TIMEOUT
    )
    assert entry_status(gui_database, first.id).status is W.WAITING
    assert entry_status(gui_database, second.id).offered_starts_at == f.at(clinic.day, "11:00")


def test_the_minute_check_stops_once_the_runner_is_shut_down(
    qtbot, make_context, clinic: ScheduleClinic
) -> None:
    """A prompt outliving its window's runner (closing, or a finished test) must not
    raise from its timer: it stops looking instead."""
    prompt = open_prompt(qtbot, make_context("boris", FakeEvents()))
    assert prompt._expiry.isActive()
    prompt._context.runner.shutdown()
    prompt.expire_unanswered()
    assert not prompt._expiry.isActive()


def test_a_doctor_sees_only_the_offers_of_the_own_schedule(
    qtbot, make_context, clinic: ScheduleClinic, gui_database: Database
) -> None:
    """An offer a doctor could only fail to book (another doctor's time) is not shown."""
    wait_list(gui_database, clinic, (clinic.patients[3],))
    free_eleven(gui_database, clinic)  # Петров's 11:00 goes to Зайцев
    for login, doctor in (("petrov", clinic.petrov), ("sidorova", clinic.sidorova)):
        auth.add_user(gui_database.sessions, login, PASSWORD, Role.DOCTOR, login, doctor_id=doctor)
    own = open_prompt(qtbot, make_context("petrov", FakeEvents()))
    assert [line.entry.offered_doctor_id for line in own.lines] == [clinic.petrov]
    other = open_prompt(qtbot, make_context("sidorova", FakeEvents()))
    assert other.lines == [] and not other.isVisible()


def test_the_desk_may_book_an_offer_as_a_follow_up_visit(
    qtbot, make_context, clinic: ScheduleClinic, gui_database: Database
) -> None:
    wait_list(gui_database, clinic, (clinic.patients[3],))
    free_eleven(gui_database, clinic)
    prompt = open_prompt(qtbot, make_context("boris", FakeEvents()))
    (line,) = prompt.lines
    kinds = {action.data(): action for action in line.kind_menu.actions()}
    assert set(kinds) == {AppointmentKind.PAID.value, AppointmentKind.FOLLOW_UP.value}
    with qtbot.waitSignal(prompt.booked, timeout=TIMEOUT) as booked:
        choose_the_service(
            qtbot, prompt, gui_database, kinds[AppointmentKind.FOLLOW_UP.value].trigger
        )
    with gui_database.sessions() as session:
        row = session.get(Appointment, booked.args[0].id)
        assert row is not None and row.kind is AppointmentKind.FOLLOW_UP
    wait_idle(qtbot, prompt)
    assert "(повторный" in prompt.messages.text()
