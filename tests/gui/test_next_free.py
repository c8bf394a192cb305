"""«Ближайшее свободное» (Ctrl+F) from the Patients page and the card: a service (or a
specialty), paid or by referral, the nearest free times across the doctors, Enter books."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

from crm.crypto import generate_key_file
from crm.db.database import Database
from crm.models import Doctor, Service
from crm.models.enums import AppointmentKind
from crm.views import AppContext
from crm.views.patients.page import PatientsPage
from crm.views.schedule.next_free import NextFreeDialog
from tests.gui.test_booking_dialog import Clinic, appointments_of, build_clinic
from tests.gui.test_card_editor import release, type_text

TIMEOUT = 10_000


@pytest.fixture
def clinic(gui_database: Database) -> Clinic:
    return build_clinic(gui_database)


@pytest.fixture
def service(gui_database: Database, clinic: Clinic) -> int:
    """A paid service of the doctors' specialty taking two slots."""
    with gui_database.sessions() as session, session.begin():
        specialty_id = session.get(Doctor, clinic.petrov).specialty_id
        row = Service(code="B01.001", name="Приём терапевта", specialty_id=specialty_id,
                      duration_slots=2)  # fmt: skip
        session.add(row)
        session.flush()
        return row.id


@pytest.fixture
def registrar(make_context, tmp_path: Path) -> AppContext:
    context = make_context("boris")
    context.keyring = generate_key_file(tmp_path / "key.bin")
    return context


@pytest.fixture
def page(qtbot, registrar: AppContext) -> Iterator[PatientsPage]:
    page = PatientsPage(registrar)
    qtbot.addWidget(page)
    page.resize(1000, 700)
    page.show()
    page.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is page, timeout=TIMEOUT)
    yield page
    release(page)


def _dialog(page) -> NextFreeDialog:
    dialogs = page.findChildren(NextFreeDialog)
    assert len(dialogs) == 1
    return dialogs[0]


def test_ctrl_f_lists_the_nearest_times_across_doctors_and_enter_books(
    qtbot, page: PatientsPage, clinic: Clinic, service: int, gui_database: Database
) -> None:
    with qtbot.waitSignal(page.searched, timeout=TIMEOUT):
        type_text(page.search_box, "Соколова")
    qtbot.keyClick(page.search_box, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    dialog = _dialog(page)
    qtbot.waitUntil(lambda: dialog.specialty.count() > 0, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: dialog.service.count() > 1, timeout=TIMEOUT)
    assert dialog.current_kind() is AppointmentKind.PAID
    with qtbot.waitSignal(dialog.searched, timeout=TIMEOUT) as searched:
        dialog.choose_service(service)  # the service picks its specialty and length
    assert searched.args[0] > 2
    assert dialog.specialty_id() is not None
    slots = [dialog.slots.item(i).data(Qt.ItemDataRole.UserRole) for i in range(3)]
    # Nearest first across both doctors: the first time is offered by each of them.
    assert slots[0].starts_at == slots[1].starts_at <= slots[2].starts_at
    assert {slots[0].doctor_id, slots[1].doctor_id} == {clinic.petrov, clinic.sidorova}
    assert all(s.ends_at - s.starts_at == dt.timedelta(minutes=30) for s in slots)
    assert "Петров" in dialog.slots.item(0).text() or "Сидорова" in dialog.slots.item(0).text()

    dialog.slots.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(dialog.slots, Qt.Key.Key_Down)
    assert dialog.slots.currentRow() == 1
    with qtbot.waitSignal(dialog.booked, timeout=TIMEOUT) as booked:
        qtbot.keyClick(dialog.slots, Qt.Key.Key_Return)
    appointment = booked.args[0]
    (row,) = appointments_of(gui_database, clinic.patient)
    assert (row.id, row.doctor_id, row.starts_at) == (
        appointment.id, slots[1].doctor_id, slots[1].starts_at,
    )  # fmt: skip
    assert (row.kind, row.service_id) == (AppointmentKind.PAID, service)
    assert row.ends_at - row.starts_at == dt.timedelta(minutes=30)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=TIMEOUT)
    assert "Записан" in page.status_label.text() or "Booked" in page.status_label.text()


def test_by_referral_needs_its_number_and_nothing_is_booked(
    qtbot, page: PatientsPage, clinic: Clinic, gui_database: Database
) -> None:
    with qtbot.waitSignal(page.searched, timeout=TIMEOUT):
        type_text(page.search_box, "Соколова")
    dialog = page.next_free()
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.specialty.count() > 0, timeout=TIMEOUT)
    dialog.kind.setCurrentIndex(dialog.kind.findData(AppointmentKind.REFERRAL))
    assert dialog.referral.isVisible()
    with qtbot.waitSignal(dialog.searched, timeout=TIMEOUT):
        dialog.specialty.setCurrentIndex(0)
    qtbot.keyClick(dialog.slots, Qt.Key.Key_Return)
    assert "Направление" in dialog.messages.text() or "Referral" in dialog.messages.text()
    assert dialog.referral.hasFocus()
    assert appointments_of(gui_database, clinic.patient) == []


def test_the_card_opens_it_with_ctrl_f(qtbot, registrar: AppContext, clinic: Clinic) -> None:
    from crm.views.patients.card_editor import CardEditor

    editor = CardEditor(registrar, clinic.patient)
    editor.show()
    editor.activateWindow()
    qtbot.waitUntil(lambda: editor.card is not None, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is editor, timeout=TIMEOUT)
    qtbot.keyClick(editor, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    dialog = _dialog(editor)
    assert dialog.patient_id == clinic.patient
    assert "Соколова" in dialog.findChild(QLabel, "nextFreeHeader").text()
    dialog.close()
    release(editor)
