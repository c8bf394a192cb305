"""The priority queue tab against the real database: a registrar queues a request (the
reason is required) but cannot decide; a manager approves (and is offered to book) and
rejects with a required reason; the queue follows other desks' changes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa

from crm.controllers import vocabulary
from crm.controllers.referrals import priority
from crm.controllers.waiting import queue
from crm.crypto import generate_key_file
from crm.db.database import Database
from crm.models import Doctor, PriorityRequest
from crm.models.enums import ContactChannel, PriorityStatus
from crm.views import AppContext
from crm.views.patients.card_tabs import CardTabs
from crm.views.referrals.priority_tab import PriorityTab
from crm.views.referrals.waiting_models import PriorityTableModel
from tests import factories as f
from tests.gui.test_card_editor import type_text
from tests.gui.test_schedule_grid import ScheduleClinic, make_schedule_clinic
from tests.gui.test_waiting_list_tab import FakeEvents

TIMEOUT = 10_000
P = PriorityStatus


@pytest.fixture
def clinic(gui_database: Database) -> ScheduleClinic:
    return make_schedule_clinic(gui_database)


@pytest.fixture
def desk(make_context, tmp_path: Path) -> Callable[..., AppContext]:
    keyring = generate_key_file(tmp_path / "desk-key.bin")

    def make(login: str, events: object = None) -> AppContext:
        context = make_context(login, events)
        context.keyring = keyring
        return context

    return make


def open_tab(qtbot, context: AppContext) -> PriorityTab:
    tab = PriorityTab(context)
    qtbot.addWidget(tab)
    tab.resize(1300, 500)
    tab.show()
    wait_idle(qtbot, tab)
    return tab


def wait_idle(qtbot, tab: PriorityTab) -> None:
    qtbot.waitUntil(lambda: not tab.loading and tab._context.runner.idle, timeout=TIMEOUT)


def specialty_id(database: Database, doctor_id: int) -> int:
    with database.sessions() as session:
        doctor = session.get(Doctor, doctor_id)
        assert doctor is not None
        return doctor.specialty_id


def requests_in_db(database: Database) -> dict[int, PriorityRequest]:
    with database.sessions() as session:
        return {r.id: r for r in session.scalars(sa.select(PriorityRequest))}


def test_a_registrar_queues_a_request_but_cannot_decide(
    qtbot, desk, clinic: ScheduleClinic, gui_database: Database
) -> None:
    tab = open_tab(qtbot, desk("boris"))
    assert tab.create_button.isEnabled()
    for button in (tab.approve_button, tab.reject_button, tab.book_button):
        assert not button.isEnabled()
        assert button.toolTip()  # says why
    spec = specialty_id(gui_database, clinic.petrov)

    dialog = tab.open_create_dialog()
    with qtbot.waitSignal(dialog.picker.searched, timeout=TIMEOUT):
        type_text(dialog.picker.search_box, "Орлова")
    with qtbot.waitSignal(dialog.picker.chosen, timeout=TIMEOUT):
        dialog.picker.pick_row(0)
    dialog.specialty.setCurrentIndex(dialog.specialty.findData(spec))
    with qtbot.waitSignal(dialog.refused, timeout=TIMEOUT):
        dialog.submit()  # no reason
    assert dialog.problem("reason")
    assert dialog.isVisible() and dialog.specialty.currentData() == spec
    assert requests_in_db(gui_database) == {}
    dialog.reason.setPlainText("Подозрение на нестабильную стенокардию, направил терапевт")
    with qtbot.waitSignal(dialog.saved, timeout=TIMEOUT):
        dialog.submit()
    wait_idle(qtbot, tab)

    (row,) = requests_in_db(gui_database).values()
    assert (row.patient_id, row.specialty_id, row.status) == (clinic.patients[2], spec, P.PENDING)
    assert tab.model.rowCount() == 1
    model = tab.model
    assert model.index(0, PriorityTableModel.PATIENT).data().startswith("Орлова И.")
    assert "стенокардию" in model.index(0, PriorityTableModel.REASON).data()
    assert model.index(0, PriorityTableModel.AGE).data()
    assert tab.selected() is not None and tab.selected().id == row.id
    # Selected, still not for a registrar to decide.
    assert not tab.approve_button.isEnabled() and not tab.reject_button.isEnabled()
    tab.approve_selected()
    tab.ask_reason()
    wait_idle(qtbot, tab)
    assert not tab.reject_panel.isVisible()
    assert requests_in_db(gui_database)[row.id].status is P.PENDING


def test_a_manager_approves_then_books_and_rejects_with_a_reason(
    qtbot, qtmodeltester, desk, clinic: ScheduleClinic, gui_database: Database
) -> None:
    events = FakeEvents()
    manager = desk("anna", events)
    spec = specialty_id(gui_database, clinic.petrov)
    older, newer = (
        priority.create_request(
            gui_database.sessions,
            clinic.registrar,
            patient_id=patient,
            reason=reason,
            specialty_id=spec,
        )  # fmt: skip
        for patient, reason in (
            (clinic.patients[3], "Онкологическая настороженность"),
            (clinic.patients[2], "Боли в груди"),
        )
    )
    tab = open_tab(qtbot, manager)
    assert [tab.model.row_at(n).id for n in range(2)] == [older.id, newer.id]  # oldest first
    qtmodeltester.check(tab.model)

    # Approve the older one: the bar offers to book it, and booking is asked for.
    assert tab.select_request(older.id)
    assert tab.approve_button.isEnabled() and not tab.book_button.isEnabled()
    with qtbot.waitSignal(tab.decided, timeout=TIMEOUT):
        tab.approve_button.click()
    wait_idle(qtbot, tab)
    assert requests_in_db(gui_database)[older.id].status is P.APPROVED
    assert tab.messages.kind == "done" and tab.messages.first_button.isVisible()
    # The approved one goes after the pending one; it stays selected.
    assert [tab.model.row_at(n).id for n in range(2)] == [newer.id, older.id]
    assert tab.selected() is not None and tab.selected().id == older.id
    assert tab.book_button.isEnabled() and not tab.approve_button.isEnabled()
    with qtbot.waitSignal(tab.book_requested, timeout=TIMEOUT) as asked:
        tab.messages.first_button.click()
    assert asked.args == [clinic.patients[3], spec, older.id]

    # The booking code books and hands the appointment back.
    made = f.book(
        gui_database.sessions, manager.actor, patient_id=clinic.patients[3],
        doctor_id=clinic.petrov, starts_at=f.at(clinic.day, "12:00"),
    )  # fmt: skip
    tab.link_booked(older.id, made.id)
    wait_idle(qtbot, tab)
    stored = requests_in_db(gui_database)[older.id]
    assert (stored.status, stored.appointment_id) == (P.BOOKED, made.id)
    assert tab.model.row_of(older.id) is None  # booked ones leave the open queue
    tab.show_decided.setChecked(True)
    wait_idle(qtbot, tab)
    booked_row = tab.model.row_of(older.id)
    assert booked_row is not None
    text = tab.model.index(booked_row, PriorityTableModel.APPOINTMENT).data()
    assert text == f"{clinic.day:%d.%m.%Y} 12:00"

    # Reject the newer one: the reason is required.
    assert tab.select_request(newer.id)
    tab.reject_button.click()
    assert tab.reject_panel.isVisible()
    tab.reject_confirm.click()
    qtbot.waitUntil(lambda: tab.reject_box.kind == "problem", timeout=TIMEOUT)
    assert requests_in_db(gui_database)[newer.id].status is P.PENDING
    tab.reject_reason.setText("Срочности нет: плановая консультация")
    with qtbot.waitSignal(tab.decided, timeout=TIMEOUT):
        tab.reject_confirm.click()
    wait_idle(qtbot, tab)
    stored = requests_in_db(gui_database)[newer.id]
    assert stored.status is P.REJECTED
    assert stored.decision_reason == "Срочности нет: плановая консультация"
    assert not tab.reject_panel.isVisible()
    rejected_row = tab.model.row_of(newer.id)
    assert rejected_row is not None
    decision = tab.model.index(rejected_row, PriorityTableModel.DECISION).data()
    assert "Срочности нет" in decision and "Анна Петрова" in decision


def test_a_request_from_another_desk_appears_after_a_notice(
    qtbot, desk, clinic: ScheduleClinic, gui_database: Database
) -> None:
    events = FakeEvents()
    tab = open_tab(qtbot, desk("anna", events))
    assert tab.model.rowCount() == 0
    made = priority.create_request(
        gui_database.sessions, clinic.registrar, patient_id=clinic.patients[0],
        reason="Температура 39, после операции",
    )  # fmt: skip
    with qtbot.waitSignal(tab.loaded, timeout=TIMEOUT):
        events.changed.emit({"table": "priority_request", "op": "INSERT", "id": made.id})
    assert tab.model.rowCount() == 1
    assert tab.model.index(0, PriorityTableModel.SPECIALTY).data() == "—"
    age = dt.timedelta(0)
    assert tab.model.row_at(0).age >= age


def test_the_card_shows_the_patients_requests_and_entries(
    qtbot, qtmodeltester, desk, clinic: ScheduleClinic, gui_database: Database
) -> None:
    events = FakeEvents()
    context = desk("boris", events)
    patient = clinic.patients[1]
    made = priority.create_request(
        gui_database.sessions, clinic.registrar, patient_id=patient, reason="Острая боль",
    )  # fmt: skip
    queue.add_entry(
        gui_database.sessions, clinic.registrar, patient_id=patient, wished_from=clinic.day,
        wished_to=clinic.day, channel=ContactChannel.PHONE, doctor_id=clinic.kuznetsov,
    )  # fmt: skip
    tabs = CardTabs(context)
    qtbot.addWidget(tabs)
    tabs.show()
    with qtbot.waitSignal(tabs.queues.loaded, timeout=TIMEOUT):
        tabs.show_patient(patient)
    assert tabs.tabText(tabs.indexOf(tabs.queues))
    panel = tabs.queues
    assert panel.requests.rowCount() == 1 and panel.entries.rowCount() == 1
    assert panel.entries.index(0, 0).data().startswith("Кузнецов П. П.")
    qtmodeltester.check(panel.requests)
    state = panel.requests.index(0, 3).data()
    assert state == vocabulary.priority_status_title(P.PENDING)

    # A manager decides at another desk: the card follows its notice.
    priority.reject(gui_database.sessions, desk("anna").actor, made.id, reason="Не срочно")
    with qtbot.waitSignal(panel.loaded, timeout=TIMEOUT):
        events.changed.emit({"table": "priority_request", "id": made.id, "patient_id": patient})
    assert panel.requests.index(0, 3).data() == vocabulary.priority_status_title(P.REJECTED)
    assert "Не срочно" in panel.requests.index(0, 4).data()
    # Notices about other patients are not this card's business.
    loads: list[int] = []
    panel.loaded.connect(lambda: loads.append(1))
    events.changed.emit({"table": "priority_request", "id": 999, "patient_id": patient + 1000})
    qtbot.wait(400)
    assert loads == []
