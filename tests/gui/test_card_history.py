"""The card's «История» tab against the real database: fields and values in Russian
words, doctors and rooms by name, times in the clinic's timezone.

The clinic is put in Vladivostok (UTC+10) so that neither UTC nor the workstation's
clock could pass for the clinic's by accident.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import shiboken6
import sqlalchemy as sa
from PySide6.QtWidgets import QWidget

from crm.controllers.clinic import settings
from crm.controllers.patients import cards
from crm.controllers.patients.form import PatientForm
from crm.controllers.schedule import visit_status
from crm.crypto import generate_key_file
from crm.db.database import Database
from crm.models import JournalEntry, Patient, Room
from crm.models.enums import AppointmentStatus
from crm.views.patients.card_tabs import CardTabs
from tests import factories

TIMEOUT = 10_000
VLADIVOSTOK = ZoneInfo("Asia/Vladivostok")
FORM = PatientForm(
    last_name="Орлова", first_name="Вера", birth_date="14.07.1986", phone="+7 916 222-33-44"
)


@pytest.fixture
def host() -> Iterator[QWidget]:
    """A parent for the tabs, deleted on the GUI thread after the test (as the card
    editor's tests do: a parentless widget in reference cycles could be collected on
    the runner's thread)."""
    widget = QWidget()
    yield widget
    if shiboken6.isValid(widget):
        widget.close()
        shiboken6.delete(widget)


def test_history_names_fields_and_values_in_the_clinics_time(
    qtbot, make_context, gui_database: Database, tmp_path, host: QWidget
) -> None:
    context = make_context("boris")
    context.keyring = generate_key_file(tmp_path / "key.bin")
    with gui_database.sessions() as session, session.begin():
        settings.put(session, settings.CLINIC_TIMEZONE, {"name": "Asia/Vladivostok"})
    card = cards.create_patient(gui_database.sessions, context.actor, context.keyring, FORM)
    now = dt.datetime.now(VLADIVOSTOK).replace(second=0, microsecond=0)
    with gui_database.sessions() as session, session.begin():
        branch, specialty = factories.clinic(session)
        room = Room(branch_id=branch.id, number="214")
        session.add(room)
        session.flush()
        doctor = factories.doctor(session, branch, specialty, last_name="Зайцева")
        patient = session.get(Patient, card.id)
        assert patient is not None
        visit = factories.appointment(session, doctor, patient, now)
        visit.room_id = room.id
        visit_id = visit.id
    visit_status.set_status(
        gui_database.sessions, context.actor, visit_id, AppointmentStatus.ARRIVED, now=now
    )

    tabs = CardTabs(context, host)
    with qtbot.waitSignal(tabs.loaded, timeout=TIMEOUT):
        tabs.show_patient(card.id)
    history = tabs.history

    def line(row: int) -> list[str]:
        return [history.index(row, column).data() for column in range(history.columnCount())]

    with gui_database.sessions() as session:
        at = session.scalar(
            sa.select(JournalEntry.at)
            .where(JournalEntry.entity == "appointment", JournalEntry.entity_id == visit_id)
            .order_by(JournalEntry.id)
        )
    assert at is not None
    when, who, what, field, before, after = line(0)
    assert when == at.astimezone(VLADIVOSTOK).strftime("%d.%m.%Y %H:%M")
    assert who == "Борис Смирнов (desk-1)"
    assert what == f"запись на приём № {visit_id}: смена статуса"
    assert (field, before, after) == ("Статус", "записан", "пришёл")

    # The card's creation, further down: its fields by their names, values as typed.
    created = next(
        row for row in range(history.rowCount()) if history.index(row, 2).data() == "создание"
    )
    fields = {}
    row = created
    while row < history.rowCount() and (row == created or not history.index(row, 2).data()):
        fields[history.index(row, 3).data()] = history.index(row, 5).data()
        row += 1
    assert fields["Фамилия"] == "Орлова"
    assert fields["Дата рождения"] == "14.07.1986"
    assert fields["Телефон"] == "+7 (916) 222-33-44"
    assert list(fields)[:3] == ["Фамилия", "Имя", "Дата рождения"]  # no patronymic given
    assert all("_" not in name for name in fields), fields


def test_appointment_fields_name_the_doctor_and_the_room(
    qtbot, make_context, gui_database: Database, host: QWidget
) -> None:
    """A booking journaled as the controllers journal it: ids become names, ISO times
    the clinic's wall clock, booleans «да»/«нет»."""
    from crm.controllers import journal
    from crm.controllers.journal.words import Names

    context = make_context("anna")
    with gui_database.sessions() as session, session.begin():
        settings.put(session, settings.CLINIC_TIMEZONE, {"name": "Asia/Vladivostok"})
        branch, specialty = factories.clinic(session)
        room = Room(branch_id=branch.id, number="305")
        session.add(room)
        doctor = factories.doctor(session, branch, specialty, last_name="Лебедева")
        patient = factories.patient(session)
        starts = dt.datetime(2026, 11, 24, 9, 30, tzinfo=VLADIVOSTOK)
        visit = factories.appointment(session, doctor, patient, starts)
        session.flush()
        journal.record(
            session,
            "create",
            actor=context.actor,
            entity="appointment",
            entity_id=visit.id,
            changes=journal.diff(
                {},
                {
                    "doctor_id": doctor.id,
                    "room_id": room.id,
                    "starts_at": starts,
                    "kind": "paid",
                    "overbooked": False,
                },
            ),  # fmt: skip
        )
        patient_id, room_number = patient.id, room.number

    tabs = CardTabs(context, host)
    with qtbot.waitSignal(tabs.loaded, timeout=TIMEOUT):
        tabs.show_patient(patient_id)
    history = tabs.history
    shown = {
        history.index(row, 3).data(): history.index(row, 5).data()
        for row in range(history.rowCount())
    }
    assert shown == {
        "Вид": "платно",
        "Начало": "24.11.2026 09:30",
        "Врач": "Лебедева П. П.",
        "Кабинет": f"кабинет {room_number}",
        "Сверх расписания": "нет",
    }
    assert [history.index(row, 3).data() for row in range(history.rowCount())] == [
        "Вид", "Начало", "Врач", "Кабинет", "Сверх расписания"
    ]  # fmt: skip
    assert isinstance(history.names, Names)
