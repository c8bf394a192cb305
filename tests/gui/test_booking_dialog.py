"""The booking dialog against a real database: keyboard booking, a new card, refusals.

The clinic is committed (the runner's worker opens its own connections): two doctors
of one specialty who work every day round the clock, so "today" and "tomorrow" are
always working days whatever the hour the tests run, and a patient with a policy.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from crm.controllers.clinic import clock
from crm.controllers.context import Actor
from crm.controllers.schedule import day_grid
from crm.controllers.schedule.day_grid import GridAppointment, GridDoctor
from crm.crypto import generate_key_file
from crm.db.database import Database
from crm.models import Appointment, Patient, ServicePrice
from crm.models.enums import AppointmentKind, Role
from crm.views import AppContext
from crm.views.schedule.actions import ScheduleActions
from crm.views.schedule.booking_dialog import BookingDialog
from tests import booking_factories as bf
from tests import factories as f
from tests.gui.test_card_editor import type_text

TIMEOUT = 10_000
HOURS = "00:00-23:45"


@dataclass(frozen=True)
class Clinic:
    """What the tests book into (ids of committed rows)."""

    petrov: int
    sidorova: int
    patient: int
    other_patient: int
    robot: Actor  # "another workstation": books behind the dialog's back
    tz: dt.tzinfo


def build_clinic(database: Database) -> Clinic:
    """Two doctors working every day, 00:00–23:45, and two patients, committed."""
    with database.sessions() as session, session.begin():
        branch, specialty = f.clinic(session)
        room = bf.room(session, branch, "101")
        petrov = f.doctor(session, branch, specialty, "Петров")
        petrov.default_room_id = room.id
        sidorova = f.doctor(session, branch, specialty, "Сидорова")
        for doctor in (petrov, sidorova):
            bf.hours(session, doctor, HOURS, weekdays=bf.EVERY_DAY, room_row=room,
                     works_on_holidays=True)  # fmt: skip
        patient = bf.insure(session, f.patient(session, "Соколова"))
        patient.patronymic = "Ильинична"
        f.service(session)  # the paid visits' service
        other = f.patient(session, "Кузнецов")
        session.flush()
        return Clinic(
            petrov=petrov.id,
            sidorova=sidorova.id,
            patient=patient.id,
            other_patient=other.id,
            robot=bf.user(session, Role.REGISTRAR),
            tz=clock.clinic_timezone(session),
        )


def later(clinic: Clinic, days: int = 3, hhmm: str = "10:00") -> dt.datetime:
    """A slot ``days`` days ahead (well past the 24-hour rule)."""
    day = dt.datetime.now(clinic.tz).date() + dt.timedelta(days=days)
    return f.at(day, hhmm).astimezone(clinic.tz)


def soon(clinic: Clinic, hours: int = 2) -> dt.datetime:
    """A slot a couple of hours ahead (inside the 24-hour rule, inside working hours)."""
    moment = dt.datetime.now(clinic.tz) + dt.timedelta(hours=hours)
    moment = moment.replace(second=0, microsecond=0)
    moment += dt.timedelta(minutes=15 - moment.minute % 15)
    if moment.time() > dt.time(23, 0):
        moment = (moment + dt.timedelta(days=1)).replace(hour=1, minute=0)
    return moment


def grid_doctor(database: Database, actor: Actor, doctor_id: int, day: dt.date) -> GridDoctor:
    """The doctor's column as the grid has it."""
    data = day_grid.load_grid(database.sessions, actor, day, doctor_ids=[doctor_id])
    return data.doctors[0]


def grid_appointment(database: Database, actor: Actor, appointment_id: int) -> GridAppointment:
    """The block of ``appointment_id`` as the grid has it now (fresh version)."""
    with database.sessions() as session:
        row = session.get(Appointment, appointment_id)
        assert row is not None
        doctor_id, starts = row.doctor_id, row.starts_at
    tz = clock.clinic_timezone(database.sessions)
    day = starts.astimezone(tz).date()
    data = day_grid.load_grid(
        database.sessions, actor, day, doctor_ids=[doctor_id], include_released=True
    )
    return next(a for a in data.appointments if a.id == appointment_id)


def appointments_of(database: Database, patient_id: int) -> list[Appointment]:
    with database.sessions() as session:
        return list(
            session.scalars(
                sa.select(Appointment)
                .where(Appointment.patient_id == patient_id)
                .order_by(Appointment.id)
            )
        )


def activate(qtbot, widget: QWidget) -> None:
    """Make ``widget``'s window the active one (focus checks need it offscreen)."""
    widget.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget.window(), timeout=TIMEOUT)


@pytest.fixture
def clinic(gui_database: Database) -> Clinic:
    return build_clinic(gui_database)


def make_desk(qtbot, make_context, tmp_path: Path):
    """``make("boris")``: the user's context, a page-like parent and its ScheduleActions."""
    keyring = generate_key_file(tmp_path / "desk-key.bin")

    def make(login: str) -> tuple[AppContext, ScheduleActions]:
        context = make_context(login)
        context.keyring = keyring
        page = QWidget()
        qtbot.addWidget(page)
        page.show()
        return context, ScheduleActions(context, page)

    return make


@pytest.fixture
def desk(qtbot, make_context, tmp_path: Path):
    return make_desk(qtbot, make_context, tmp_path)


def pick_patient(qtbot, dialog: BookingDialog, text: str) -> None:
    """Type ``text`` in the search box, go down into the results, Enter."""
    with qtbot.waitSignal(dialog.picker.searched, timeout=TIMEOUT):
        type_text(dialog.picker.search_box, text)
    qtbot.keyClick(dialog.picker.search_box, Qt.Key.Key_Down)
    with qtbot.waitSignal(dialog.picker.chosen, timeout=TIMEOUT):
        qtbot.keyClick(dialog.picker.results, Qt.Key.Key_Return)


def service_index(dialog: BookingDialog, code: str) -> int:
    """The row of the service ``code`` in the dialog's list (-1: not there yet)."""
    for index in range(dialog.service.count()):
        data = dialog.service.itemData(index)
        if data is not None and data.code == code:
            return index
    return -1


def choose_service(qtbot, dialog: BookingDialog, code: str = f.PAID_SERVICE) -> None:
    """Choose the service ``code`` once the list (loaded on the runner) has it."""
    qtbot.waitUntil(lambda: service_index(dialog, code) >= 0, timeout=TIMEOUT)
    dialog.service.setCurrentIndex(service_index(dialog, code))


def test_booking_by_keyboard(qtbot, desk, clinic: Clinic, gui_database: Database) -> None:
    context, actions = desk("boris")
    starts = later(clinic)
    doctor = grid_doctor(gui_database, context.actor, clinic.petrov, starts.date())
    dialog = actions.book(doctor, starts)
    activate(qtbot, dialog)
    assert dialog.isVisible() and dialog.picker.search_box.hasFocus()
    header = dialog.header.text()
    assert "Петров Пётр Петрович" in header and "кабинет 101" in header
    assert f"{starts:%d.%m.%Y}" in header and f"{starts:%H:%M}–" in header
    assert dialog.print_button.isEnabled()
    assert "талон" in dialog.print_button.text()

    with qtbot.waitSignal(dialog.picker.searched, timeout=TIMEOUT) as searched:
        type_text(dialog.picker.search_box, "Саколова")  # a typo
    assert searched.args == [1]
    qtbot.keyClick(dialog.picker.search_box, Qt.Key.Key_Down)
    assert dialog.picker.results.hasFocus()
    with qtbot.waitSignal(dialog.picker.chosen, timeout=TIMEOUT) as chosen:
        qtbot.keyClick(dialog.picker.results, Qt.Key.Key_Return)
    assert chosen.args[0] == clinic.patient
    assert dialog.isVisible()  # Enter in the results picks; it does not book yet
    assert dialog.kind.hasFocus()
    assert "Соколова Иван Ильинична" in dialog.picker.chosen_label.text()

    assert dialog.current_kind() is AppointmentKind.REFERRAL
    # No referral on the card: the empty number box says so and what to do instead.
    line = dialog.referral.lineEdit()
    qtbot.waitUntil(lambda: "Нет действующего направления" in line.placeholderText(),
                    timeout=TIMEOUT)  # fmt: skip
    assert "«Платно»" in line.placeholderText()
    with qtbot.waitSignal(dialog.refused, timeout=TIMEOUT):
        qtbot.keyClick(dialog.kind, Qt.Key.Key_Return)  # booked by referral with no number
    assert dialog.messages.kind == "error"
    dialog.kind.setFocus()
    qtbot.keyClick(dialog.kind, Qt.Key.Key_Down)
    assert dialog.current_kind() is AppointmentKind.PAID
    assert dialog.messages.kind == ""  # the referral's refusal went with the referral
    assert dialog.service.isVisible() and dialog.terms.isVisible()
    # A paid visit of no service is refused, naming the field, and the service is next.
    with qtbot.waitSignal(dialog.refused, timeout=TIMEOUT) as refused:
        qtbot.keyClick(dialog.kind, Qt.Key.Key_Return)
    assert refused.args[0].startswith("Услуга:")
    assert dialog.service.hasFocus() and dialog.isVisible()
    assert not appointments_of(gui_database, clinic.patient)
    choose_service(qtbot, dialog)
    assert dialog.terms.text() == f"1\u00a0500,00\u00a0₽ на {starts:%d.%m.%Y} · 15 мин"
    with qtbot.waitSignal(actions.changed, timeout=TIMEOUT) as changed:
        qtbot.keyClick(dialog.kind, Qt.Key.Key_Return)
    assert set(changed.args[0]) == {clinic.petrov}
    (row,) = appointments_of(gui_database, clinic.patient)
    assert (row.doctor_id, row.starts_at, row.kind) == (clinic.petrov, starts, AppointmentKind.PAID)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=TIMEOUT)


def test_down_from_the_search_box_goes_past_the_highlighted_first_row(
    qtbot, desk, clinic: Clinic, gui_database: Database
) -> None:
    with gui_database.sessions() as session, session.begin():
        namesake = f.patient(session, "Кузнецов")
        namesake.first_name, namesake.birth_date = "Олег", dt.date(1990, 1, 1)
    context, actions = desk("boris")
    starts = later(clinic)
    dialog = actions.book(grid_doctor(gui_database, context.actor, clinic.petrov, starts.date()),
                          starts)  # fmt: skip
    activate(qtbot, dialog)
    picker = dialog.picker
    with qtbot.waitSignal(picker.searched, timeout=TIMEOUT) as searched:
        type_text(picker.search_box, "Кузнецов")
    assert searched.args == [2]
    assert picker.results.currentIndex().row() == 0  # highlighted: what Enter would pick
    qtbot.keyClick(picker.search_box, Qt.Key.Key_Down)
    assert picker.results.hasFocus() and picker.results.currentIndex().row() == 1
    shown = [picker.model.row_at(row).id for row in range(2)]
    assert set(shown) == {clinic.other_patient, namesake.id}
    with qtbot.waitSignal(picker.chosen, timeout=TIMEOUT) as chosen:
        qtbot.keyClick(picker.results, Qt.Key.Key_Return)
    assert chosen.args[0] == shown[1]  # the second row, not the one above it


def test_a_new_patient_is_created_in_the_dialog_and_booked(
    qtbot, desk, clinic: Clinic, gui_database: Database
) -> None:
    context, actions = desk("boris")
    starts = later(clinic, days=4)
    doctor = grid_doctor(gui_database, context.actor, clinic.sidorova, starts.date())
    dialog = actions.book(doctor, starts)
    activate(qtbot, dialog)
    with qtbot.waitSignal(dialog.picker.searched, timeout=TIMEOUT) as searched:
        type_text(dialog.picker.search_box, "Новикова Анна")
    assert searched.args == [0]

    qtbot.keyClick(dialog.picker.search_box, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    box = dialog.picker.new_box
    assert box.isVisible() and dialog.picker.creating
    assert box.editors["last_name"].text() == "Новикова"
    assert box.editors["first_name"].text() == "Анна"
    assert box.editors["birth_date"].hasFocus() or box.editors["patronymic"].hasFocus()
    box.editors["birth_date"].setFocus()
    type_text(box.editors["birth_date"], "31021991")  # no such day
    box.editors["phone"].setFocus()
    type_text(box.editors["phone"], "89165554433")
    dialog.kind.setCurrentIndex(dialog.kind.findData(AppointmentKind.PAID))
    choose_service(qtbot, dialog)

    # A bad date: the message is under the field and nothing typed is lost.
    with qtbot.waitSignal(box.failed, timeout=TIMEOUT):
        qtbot.keyClick(dialog.note, Qt.Key.Key_Return)
    assert box.boxes["birth_date"].kind == "problem"
    assert "Дата рождения" in box.boxes["birth_date"].message.text()
    assert box.editors["phone"].text() == "89165554433"
    assert box.editors["last_name"].text() == "Новикова"
    assert not dialog.busy

    box.editors["birth_date"].selectAll()
    type_text(box.editors["birth_date"], "03041991")
    with qtbot.waitSignal(actions.changed, timeout=TIMEOUT):
        qtbot.keyClick(dialog.note, Qt.Key.Key_Return)
    with gui_database.sessions() as session:
        created = session.scalars(sa.select(Patient).where(Patient.last_name == "Новикова")).one()
        assert (created.first_name, created.birth_date) == ("Анна", dt.date(1991, 4, 3))
        assert created.phone == "+79165554433"
    (row,) = appointments_of(gui_database, created.id)
    assert (row.doctor_id, row.starts_at) == (clinic.sidorova, starts)


def test_same_name_and_birth_date_offers_the_existing_card(
    qtbot, desk, clinic: Clinic, gui_database: Database
) -> None:
    context, actions = desk("boris")
    starts = later(clinic, days=5)
    doctor = grid_doctor(gui_database, context.actor, clinic.petrov, starts.date())
    dialog = actions.book(doctor, starts)
    dialog.picker.new_button.click()
    box = dialog.picker.new_box
    for name, text in (("last_name", "Соколова"), ("first_name", "Иван"),
                       ("patronymic", "Ильинична"), ("birth_date", "17051980")):  # fmt: skip
        type_text(box.editors[name], text)
    dialog.kind.setCurrentIndex(dialog.kind.findData(AppointmentKind.FOLLOW_UP))
    choose_service(qtbot, dialog)
    with qtbot.waitSignal(box.failed, timeout=TIMEOUT):
        dialog.book_button.click()
    assert box.notice.kind == "warning"
    assert "Соколова Иван Ильинична" in box.notice.text()
    assert box.notice.first_button.text() == "Это он"
    assert box.notice.second_button.text() == "Всё равно создать"

    with qtbot.waitSignal(actions.changed, timeout=TIMEOUT):
        box.notice.first_button.click()  # «это он»: the existing card, then the booking
    (row,) = appointments_of(gui_database, clinic.patient)
    assert row.kind is AppointmentKind.FOLLOW_UP
    with gui_database.sessions() as session:
        assert (
            session.scalar(sa.select(sa.func.count()).where(Patient.last_name == "Соколова")) == 1
        )


def test_slot_taken_meanwhile_offers_the_nearest_free_time(
    qtbot, desk, clinic: Clinic, gui_database: Database
) -> None:
    context, actions = desk("boris")
    starts = later(clinic, hhmm="12:00")
    doctor = grid_doctor(gui_database, context.actor, clinic.petrov, starts.date())
    dialog = actions.book(doctor, starts)
    activate(qtbot, dialog)
    pick_patient(qtbot, dialog, "соколова")
    dialog.kind.setCurrentIndex(dialog.kind.findData(AppointmentKind.PAID))
    choose_service(qtbot, dialog)
    # Another workstation books the very slot while the dialog is open.
    f.book(
        gui_database.sessions, clinic.robot, patient_id=clinic.other_patient,
        doctor_id=clinic.petrov, starts_at=starts,
    )  # fmt: skip

    with qtbot.waitSignal(dialog.refused, timeout=TIMEOUT) as refused:
        qtbot.keyClick(dialog.kind, Qt.Key.Key_Return)
    assert refused.args[0] == "Время уже занято"
    assert dialog.isVisible() and dialog.messages.kind == "error"
    assert dialog.last_refusal is not None and dialog.last_refusal.reason_code == "slot_taken"
    assert not dialog.overbook.isVisible()  # a registrar may not overbook
    buttons = dialog.alternative_buttons
    assert buttons and dialog.alternatives_label.isVisible()
    first = dialog.last_refusal.alternatives[0]
    assert first.doctor_id == clinic.petrov  # the same doctor first
    assert abs(first.starts_at - starts) == dt.timedelta(minutes=15)
    assert buttons[0].text().startswith("Петров П. П. · ")

    with qtbot.waitSignal(actions.changed, timeout=TIMEOUT) as changed:
        buttons[0].click()
    assert set(changed.args[0]) == {clinic.petrov}
    (row,) = appointments_of(gui_database, clinic.patient)
    assert (row.doctor_id, row.starts_at) == (clinic.petrov, first.starts_at)


def test_a_manager_overbooks_with_a_reason(
    qtbot, desk, clinic: Clinic, gui_database: Database
) -> None:
    context, actions = desk("anna")
    starts = later(clinic, hhmm="15:00")
    f.book(
        gui_database.sessions, clinic.robot, patient_id=clinic.other_patient,
        doctor_id=clinic.petrov, starts_at=starts,
    )  # fmt: skip
    doctor = grid_doctor(gui_database, context.actor, clinic.petrov, starts.date())
    dialog = actions.book(doctor, starts)
    activate(qtbot, dialog)
    pick_patient(qtbot, dialog, "Соколова И")
    dialog.kind.setCurrentIndex(dialog.kind.findData(AppointmentKind.PAID))
    choose_service(qtbot, dialog)
    with qtbot.waitSignal(dialog.refused, timeout=TIMEOUT):
        dialog.book_button.click()
    assert dialog.overbook.isVisible() and not dialog.overbook_reason.isVisible()
    assert dialog.overbook.text() == "Записать сверх расписания"

    dialog.overbook.setChecked(True)
    assert dialog.overbook_reason.isVisible()
    dialog.book_button.click()  # no reason yet: asked for, nothing sent
    assert "Причина" in dialog.messages.text() and not dialog.busy
    type_text(dialog.overbook_reason, "острая боль, врач согласен")
    with qtbot.waitSignal(actions.changed, timeout=TIMEOUT):
        qtbot.keyClick(dialog.overbook_reason, Qt.Key.Key_Return)
    (row,) = appointments_of(gui_database, clinic.patient)
    assert row.starts_at == starts and row.overbooked
    assert row.overbook_reason == "острая боль, врач согласен"


def test_a_manager_records_a_past_visit_with_a_reason(
    qtbot, desk, clinic: Clinic, gui_database: Database
) -> None:
    context, actions = desk("anna")
    starts = later(clinic, days=-2, hhmm="11:00")
    doctor = grid_doctor(gui_database, context.actor, clinic.petrov, starts.date())
    dialog = actions.book(doctor, starts)
    assert dialog.backdate.isVisible()  # a past slot: offered to a manager up front
    with qtbot.waitSignal(dialog.picker.chosen, timeout=TIMEOUT):
        type_text(dialog.picker.search_box, "Соколова")
        qtbot.keyClick(dialog.picker.search_box, Qt.Key.Key_Return)  # before the results
    dialog.kind.setCurrentIndex(dialog.kind.findData(AppointmentKind.PAID))
    choose_service(qtbot, dialog)
    dialog.backdate.setChecked(True)
    type_text(dialog.backdate_reason, "принят без записи, вносим по журналу врача")
    with qtbot.waitSignal(actions.changed, timeout=TIMEOUT):
        qtbot.keyClick(dialog.backdate_reason, Qt.Key.Key_Return)
    (row,) = appointments_of(gui_database, clinic.patient)
    assert row.starts_at == starts


def test_a_registrar_cannot_book_the_past(
    qtbot, desk, clinic: Clinic, gui_database: Database
) -> None:
    context, actions = desk("boris")
    starts = later(clinic, days=-1, hhmm="11:00")
    doctor = grid_doctor(gui_database, context.actor, clinic.petrov, starts.date())
    dialog = actions.book(doctor, starts)
    assert not dialog.backdate.isVisible()
    dialog.picker.choose(clinic.patient, "Соколова Иван Ильинична")
    dialog.kind.setCurrentIndex(dialog.kind.findData(AppointmentKind.PAID))
    choose_service(qtbot, dialog)
    with qtbot.waitSignal(dialog.refused, timeout=TIMEOUT) as refused:
        dialog.book_button.click()
    assert refused.args == ["Это время уже прошло"]
    assert not dialog.backdate.isVisible() and dialog.alternative_buttons
    assert all(b.isVisible() for b in dialog.alternative_buttons)


def test_the_service_shows_its_price_on_the_visit_day_and_sets_the_length(
    qtbot, desk, clinic: Clinic, gui_database: Database
) -> None:
    starts = later(clinic, days=6, hhmm="11:00")
    with gui_database.sessions() as session, session.begin():
        service = f.service(session, "TEST-ECHO", slots=2, price=Decimal("1000.00"))
        old = session.scalars(
            sa.select(ServicePrice).where(ServicePrice.service_id == service.id)
        ).one()
        old.valid_to = starts.date() - dt.timedelta(days=1)  # the price changes that day
        session.add(ServicePrice(service_id=service.id, amount=Decimal("1250.50"),
                                 valid_from=starts.date()))  # fmt: skip
        service_id = service.id
    context, actions = desk("boris")
    dialog = actions.book(grid_doctor(gui_database, context.actor, clinic.petrov, starts.date()),
                          starts)  # fmt: skip
    activate(qtbot, dialog)
    pick_patient(qtbot, dialog, "соколова")
    dialog.kind.setCurrentIndex(dialog.kind.findData(AppointmentKind.FOLLOW_UP))
    assert dialog.service.isVisible() and dialog.terms.isVisible()
    assert "выберите услугу" in dialog.terms.text()
    assert dialog.length.value() == 1
    choose_service(qtbot, dialog, "TEST-ECHO")
    assert dialog.terms.text() == f"1\u00a0250,50\u00a0₽ на {starts:%d.%m.%Y} · 30 мин"
    assert dialog.length.value() == 2  # the service's length
    assert f"{starts:%H:%M}–{starts + dt.timedelta(minutes=30):%H:%M}" in dialog.header.text()
    dialog.grab().save("/tmp/pay-booking-dialog.png")
    dialog.kind.setCurrentIndex(dialog.kind.findData(AppointmentKind.REFERRAL))
    assert not dialog.service.isVisible() and not dialog.terms.isVisible()
    dialog.kind.setCurrentIndex(dialog.kind.findData(AppointmentKind.PAID))
    assert dialog.service.isVisible()
    with qtbot.waitSignal(actions.changed, timeout=TIMEOUT):
        dialog.book_button.click()
    (row,) = appointments_of(gui_database, clinic.patient)
    assert (row.kind, row.service_id) == (AppointmentKind.PAID, service_id)
    assert row.ends_at - row.starts_at == dt.timedelta(minutes=30)
