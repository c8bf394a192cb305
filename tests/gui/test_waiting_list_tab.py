"""The waiting-list tab against the real database: adding through the form (a bad field
first), the list with the age of each entry, removing after the question in the bar,
and an offer made by a cancellation passed on to the next entry.

Texts of this feature are not asserted word for word (their Russian comes with the
next catalogue); names, dates, states and the database are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from PySide6.QtCore import QObject, Signal

from crm.controllers.schedule import visit_status
from crm.controllers.validation import format_date
from crm.controllers.waiting import queue
from crm.crypto import generate_key_file
from crm.db.database import Database
from crm.models import Doctor, Specialty, WaitingListEntry
from crm.models.enums import ContactChannel, WaitingStatus
from crm.views import AppContext
from crm.views.referrals.waiting_models import WaitingTableModel
from crm.views.referrals.waiting_tab import WaitingListTab
from tests.gui.test_card_editor import type_text
from tests.gui.test_schedule_grid import ScheduleClinic, make_schedule_clinic

TIMEOUT = 10_000
W = WaitingStatus


class FakeEvents(QObject):
    """Change notices on demand: only what the test emits arrives."""

    changed = Signal(dict)
    connection_state = Signal(bool, str)
    connected = True
    detail = ""


@pytest.fixture
def clinic(gui_database: Database) -> ScheduleClinic:
    return make_schedule_clinic(gui_database)


@pytest.fixture
def desk(qtbot, make_context, tmp_path: Path) -> Callable[..., AppContext]:
    """``desk("boris")``: a context with a key (the picker's search needs one)."""
    keyring = generate_key_file(tmp_path / "desk-key.bin")

    def make(login: str, events: object = None) -> AppContext:
        context = make_context(login, events)
        context.keyring = keyring
        return context

    return make


def open_tab(qtbot, context: AppContext) -> WaitingListTab:
    tab = WaitingListTab(context)
    qtbot.addWidget(tab)
    tab.resize(1300, 500)
    tab.show()
    wait_idle(qtbot, tab)
    return tab


def wait_idle(qtbot, tab: WaitingListTab) -> None:
    qtbot.waitUntil(lambda: not tab.loading and tab._context.runner.idle, timeout=TIMEOUT)


def specialty_of(database: Database, doctor_id: int) -> tuple[int, str]:
    """The doctor's specialty: id and name."""
    with database.sessions() as session:
        doctor = session.get(Doctor, doctor_id)
        assert doctor is not None
        specialty = session.get(Specialty, doctor.specialty_id)
        assert specialty is not None
        return specialty.id, specialty.name


def entries_in_db(database: Database) -> list[WaitingListEntry]:
    with database.sessions() as session:
        return list(session.scalars(sa.select(WaitingListEntry).order_by(WaitingListEntry.id)))


def texts(tab: WaitingListTab, row: int) -> list[str]:
    model = tab.model
    return [model.index(row, column).data() for column in range(model.columnCount())]


def test_an_entry_is_added_through_the_form_after_a_bad_field(
    qtbot, desk, clinic: ScheduleClinic, gui_database: Database
) -> None:
    tab = open_tab(qtbot, desk("boris"))
    assert tab.model.rowCount() == 0
    qtbot.waitUntil(lambda: tab.specialty_filter.count() > 1, timeout=TIMEOUT)
    specialty_id, specialty_name = specialty_of(gui_database, clinic.petrov)

    dialog = tab.open_add_dialog()
    assert dialog.isVisible()
    # Saving without a patient names the patient.
    dialog.submit()
    assert dialog.problem("patient_id")
    with qtbot.waitSignal(dialog.picker.searched, timeout=TIMEOUT):
        type_text(dialog.picker.search_box, "Зайцев")
    with qtbot.waitSignal(dialog.picker.chosen, timeout=TIMEOUT) as chosen:
        dialog.picker.pick_row(0)
    assert chosen.args[0] == clinic.patients[3]
    assert not dialog.problem("patient_id")

    dialog.choose_specialty(specialty_id)
    assert dialog.doctor.count() == 3  # any doctor, Петров, Сидорова
    dialog.choose_doctor(clinic.petrov)
    dialog.note.setText("только утром, звонить после 18:00")
    dialog.channel.setCurrentIndex(dialog.channel.findData(ContactChannel.SMS.value))
    last = clinic.day + dt.timedelta(days=5)
    dialog.wished_from.set_value(format_date(last))
    dialog.wished_to.set_value(format_date(clinic.day))  # before the beginning
    with qtbot.waitSignal(dialog.refused, timeout=TIMEOUT):
        dialog.submit()
    assert dialog.problem("wished_to")
    assert dialog.boxes["wished_to"].message.isVisible()
    assert dialog.isVisible()
    # Nothing typed is lost.
    assert dialog.note.text() == "только утром, звонить после 18:00"
    assert dialog.picker.patient_id == clinic.patients[3]
    assert dialog.doctor.currentData() == clinic.petrov
    assert dialog.wished_from.value() == format_date(last)
    assert entries_in_db(gui_database) == []

    dialog.wished_from.set_value(format_date(clinic.day))
    dialog.wished_to.set_value(format_date(last))
    with qtbot.waitSignal(dialog.saved, timeout=TIMEOUT):
        dialog.submit()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=TIMEOUT)
    wait_idle(qtbot, tab)

    (row,) = entries_in_db(gui_database)
    assert (row.patient_id, row.doctor_id, row.specialty_id) == (
        clinic.patients[3],
        clinic.petrov,
        specialty_id,
    )
    assert (row.wished_from, row.wished_to, row.channel) == (clinic.day, last, ContactChannel.SMS)
    assert row.status is W.WAITING
    assert tab.model.rowCount() == 1
    line = texts(tab, 0)
    assert line[WaitingTableModel.PATIENT].startswith("Зайцев Иван")
    assert line[WaitingTableModel.PHONE].startswith("+7 (916)")
    assert "Петров П. П." in line[WaitingTableModel.WANTED]
    assert specialty_name in line[WaitingTableModel.WANTED]
    assert line[WaitingTableModel.WISHED] == f"{format_date(clinic.day)} – {format_date(last)}"
    assert line[WaitingTableModel.NOTE] == "только утром, звонить после 18:00"
    assert line[WaitingTableModel.AGE] == "0"
    assert tab.selected() is not None and tab.selected().id == row.id
    assert tab.messages.kind == "done"


def test_the_age_of_old_entries_and_the_filters(
    qtbot, qtmodeltester, desk, clinic: ScheduleClinic, gui_database: Database
) -> None:
    context = desk("boris")
    specialty_id, _name = specialty_of(gui_database, clinic.petrov)
    other_id, _other = specialty_of(gui_database, clinic.kuznetsov)
    for patient, specialty in ((clinic.patients[0], specialty_id), (clinic.patients[1], other_id)):
        queue.add_entry(
            gui_database.sessions, context.actor, patient_id=patient,
            wished_from=clinic.day, wished_to=clinic.day, channel=ContactChannel.PHONE,
            specialty_id=specialty,
        )  # fmt: skip
    with gui_database.sessions() as session, session.begin():
        session.execute(
            sa.update(WaitingListEntry)
            .where(WaitingListEntry.patient_id == clinic.patients[0])
            .values(created_at=sa.func.now() - dt.timedelta(days=12, hours=3))
        )
    tab = open_tab(qtbot, context)
    assert tab.model.rowCount() == 2
    qtmodeltester.check(tab.model)
    # Oldest first, with its age in days.
    assert texts(tab, 0)[WaitingTableModel.PATIENT].startswith("Соколова")
    assert texts(tab, 0)[WaitingTableModel.AGE] == "12"
    assert texts(tab, 1)[WaitingTableModel.AGE] == "0"
    qtbot.waitUntil(lambda: tab.specialty_filter.count() > 2, timeout=TIMEOUT)
    tab.specialty_filter.setCurrentIndex(tab.specialty_filter.findData(other_id))
    wait_idle(qtbot, tab)
    assert tab.model.rowCount() == 1
    assert texts(tab, 0)[WaitingTableModel.PATIENT].startswith("Лебедев")
    tab.status_filter.setCurrentIndex(3)  # booked
    wait_idle(qtbot, tab)
    assert tab.model.rowCount() == 0


def test_removing_asks_first_in_the_bar(
    qtbot, desk, clinic: ScheduleClinic, gui_database: Database
) -> None:
    context = desk("boris")
    specialty_id, _name = specialty_of(gui_database, clinic.petrov)
    entry = queue.add_entry(
        gui_database.sessions, context.actor, patient_id=clinic.patients[2],
        wished_from=clinic.day, wished_to=clinic.day, channel=ContactChannel.PHONE,
        specialty_id=specialty_id,
    )  # fmt: skip
    tab = open_tab(qtbot, context)
    assert not tab.remove_button.isEnabled()
    assert tab.select_entry(entry.id)
    assert tab.remove_button.isEnabled()
    assert not tab.accept_button.isEnabled() and not tab.decline_button.isEnabled()
    tab.remove_button.click()
    assert tab.messages.kind == "warning" and "Орлова" in tab.messages.text()
    tab.messages.second_button.click()  # keep
    assert tab.messages.kind == ""
    assert entries_in_db(gui_database)[0].status is W.WAITING
    tab.remove_button.click()
    tab.messages.first_button.click()  # remove
    wait_idle(qtbot, tab)
    assert entries_in_db(gui_database)[0].status is W.CANCELLED
    assert tab.model.rowCount() == 0
    assert tab.messages.kind == "done"


def test_a_cancellation_offers_the_time_and_declining_passes_it_on(
    qtbot, desk, clinic: ScheduleClinic, gui_database: Database
) -> None:
    events = FakeEvents()
    context = desk("boris", events)
    specialty_id, _name = specialty_of(gui_database, clinic.petrov)
    first, second = (
        queue.add_entry(
            gui_database.sessions,
            context.actor,
            patient_id=patient,
            wished_from=clinic.day,
            wished_to=clinic.day + dt.timedelta(days=3),
            channel=ContactChannel.PHONE,
            specialty_id=specialty_id,
        )  # fmt: skip
        for patient in (clinic.patients[3], clinic.patients[2])
    )
    tab = open_tab(qtbot, context)
    assert [tab.model.row_at(n).id for n in range(2)] == [first.id, second.id]

    # Another desk cancels Лебедев's 11:00 with Петров: the time goes to the first entry.
    visit_status.cancel(gui_database.sessions, clinic.registrar, clinic.second, reason="заболел")
    with qtbot.waitSignal(tab.loaded, timeout=TIMEOUT):
        events.changed.emit({"table": "waiting_list_entry", "op": "UPDATE", "id": first.id})
    offered = tab.model.row_at(0)
    assert offered.id == first.id and offered.status is W.OFFERED
    line = texts(tab, 0)
    assert line[WaitingTableModel.OFFER] == f"Петров П. П., {clinic.day:%d.%m} 11:00"
    assert tab.model.index(0, 0).data(0x08) is not None  # tinted (BackgroundRole)

    assert tab.select_entry(first.id)
    assert tab.accept_button.isEnabled() and tab.decline_button.isEnabled()
    tab.decline_button.click()
    wait_idle(qtbot, tab)
    assert tab.messages.kind == "info"
    rows = {row.id: row for row in entries_in_db(gui_database)}
    assert rows[first.id].status is W.WAITING  # keeps its place
    assert rows[second.id].status is W.OFFERED
    assert rows[second.id].offered_doctor_id == clinic.petrov
    assert tab.model.row_at(1).status is W.OFFERED
    assert tab.model.row_at(0).status is W.WAITING
    # The selection stayed on the entry that passed.
    assert tab.selected() is not None and tab.selected().id == first.id


def test_a_notice_of_an_appointment_refreshes_after_a_pause(
    qtbot, desk, clinic: ScheduleClinic, gui_database: Database
) -> None:
    events = FakeEvents()
    tab = open_tab(qtbot, desk("boris", events))
    loads: list[int] = []
    tab.loaded.connect(lambda: loads.append(1))
    for _ in range(5):
        events.changed.emit({"table": "appointment", "op": "UPDATE", "id": clinic.first})
    events.changed.emit({"table": "patient", "op": "UPDATE", "id": clinic.patients[0]})
    qtbot.waitUntil(lambda: bool(loads), timeout=TIMEOUT)
    wait_idle(qtbot, tab)
    qtbot.wait(400)
    assert loads == [1]  # five notices, one read
