"""The Referrals section against the real database: the wizard from a number to a booked
appointment, refusals named, the registry's filters and highlight, and the referral form."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from PySide6.QtCore import QDate, Qt

from crm.controllers.referrals import priority
from crm.db.database import Database
from crm.models import Appointment, Doctor, Patient, Referral, Specialty
from crm.models.enums import AppointmentKind, ReferralKind, ReferralStatus
from crm.views import AppContext
from crm.views.referrals.page import PRIORITY, REGISTRY, WIZARD, ReferralsPage
from crm.views.referrals.priority_booking import PriorityBookingDialog
from crm.views.referrals.registry_model import EXPIRING, ReferralTableModel
from tests import booking_factories as bf
from tests import factories as f
from tests.gui.conftest import OFFSCREEN_NOISE
from tests.gui.test_schedule_grid import ScheduleClinic, make_schedule_clinic

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)
TIMEOUT = 10_000


def today() -> dt.date:
    return dt.datetime.now(ZoneInfo("Europe/Moscow")).date()


@pytest.fixture
def clinic(gui_database: Database) -> ScheduleClinic:
    return make_schedule_clinic(gui_database)


def add_referral(
    database: Database, clinic: ScheduleClinic, *, patient: int = 3, issued_ago: int = 0,
    number: str | None = None, kind: ReferralKind = ReferralKind.STANDARD, valid_days: int = 30,
) -> Referral:  # fmt: skip
    with database.sessions() as session, session.begin():
        person = bf.insure(session, session.get(Patient, clinic.patients[patient]))
        doctor = session.get(Doctor, clinic.petrov)
        doctor_specialty = session.get(Specialty, doctor.specialty_id)
        return bf.referral(
            session, person, doctor_specialty, issued_on=today() - dt.timedelta(days=issued_ago),
            number=number, kind=kind, valid_days=valid_days,
        )  # fmt: skip


def open_page(qtbot, context: AppContext) -> ReferralsPage:
    page = ReferralsPage(context)
    qtbot.addWidget(page)
    page.resize(1300, 800)
    page.show()
    with qtbot.waitSignal(page.registry.loaded, timeout=TIMEOUT):
        page.activate()
    return page


def test_the_wizard_books_by_a_referral_from_the_keyboard(
    qtbot, make_context, gui_database: Database, clinic: ScheduleClinic
) -> None:
    referral = add_referral(gui_database, clinic, number="77001")
    page = open_page(qtbot, make_context("boris"))
    qtbot.keyClick(page, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
    assert page.tabs.currentIndex() == WIZARD
    wizard = page.wizard
    qtbot.keyClicks(wizard.number, "77001")
    with qtbot.waitSignal(wizard.options_shown, timeout=TIMEOUT):
        qtbot.keyClick(wizard.number, Qt.Key.Key_Return)
    assert "Зайцев" in wizard.summary.text()
    doctors = [wizard.tree.topLevelItem(n).text(0) for n in range(wizard.tree.topLevelItemCount())]
    assert any("Петров" in d for d in doctors) and any("Сидорова" in d for d in doctors)
    assert not any("Кузнецов" in d for d in doctors)  # another specialty
    slot = wizard.tree.currentItem().data(0, Qt.ItemDataRole.UserRole)
    assert slot is not None and wizard.tree.hasFocus()

    with qtbot.waitSignal(wizard.booked, timeout=TIMEOUT) as booked:
        qtbot.keyClick(wizard.tree, Qt.Key.Key_Return)
    appointment = booked.args[0]
    with gui_database.sessions() as session:
        row = session.get(Appointment, appointment.id)
        assert row.referral_id == referral.id and row.starts_at == slot.starts_at
        assert session.get(Referral, referral.id).status is ReferralStatus.USED
    assert wizard.message_bar.kind == "done"
    assert wizard.message_bar.first_button.text() == "Печать талона"

    # The same number again: refused, with the reason named.
    wizard.start("77001")
    qtbot.waitUntil(lambda: wizard.message_bar.kind == "error", timeout=TIMEOUT)
    assert "уже" in wizard.message_bar.text().lower()
    assert wizard.tree.topLevelItemCount() == 0


def test_an_unknown_or_expired_referral_is_refused_by_name(
    qtbot, make_context, gui_database: Database, clinic: ScheduleClinic
) -> None:
    add_referral(gui_database, clinic, number="66002", issued_ago=40)  # 30 days: expired
    page = open_page(qtbot, make_context("boris"))
    page.tabs.setCurrentIndex(WIZARD)
    wizard = page.wizard
    for number, word in (("99999", "не зарегистрировано"), ("66002", "истек")):
        with qtbot.waitSignal(wizard.options_shown, timeout=TIMEOUT):
            wizard.start(number)
        assert wizard.message_bar.kind == "error"
        assert word in wizard.message_bar.text().lower().replace("ё", "е")
        assert not wizard.tree.isEnabled()
    # Issue 19, defect 10: the summary does not say «осталось дней: 0» beside «истёк».
    summary = wizard.summary.text()
    assert "осталось" not in summary and "истёк" in summary, summary


def test_the_registry_filters_highlights_and_opens_the_wizard(
    qtbot, make_context, gui_database: Database, clinic: ScheduleClinic
) -> None:
    fresh = add_referral(gui_database, clinic, number="55003")
    expiring = add_referral(gui_database, clinic, number="55004", issued_ago=27, patient=2)
    page = open_page(qtbot, make_context("boris"))
    registry = page.registry
    numbers = {registry.model.row(n).number for n in range(registry.model.rowCount())}
    assert {"55003", "55004"} <= numbers
    row = registry.model.row_of(expiring.id)
    index = registry.model.index(row, ReferralTableModel.NUMBER)
    assert registry.model.data(index, Qt.ItemDataRole.BackgroundRole).color() == EXPIRING
    assert (
        registry.model.data(registry.model.index(row, ReferralTableModel.DAYS_LEFT)) == "3"
    )  # issued 27 days ago, valid 30 days counting the issue day: today and two more

    with qtbot.waitSignal(registry.loaded, timeout=TIMEOUT):
        registry.expiring.setChecked(True)
    assert [registry.model.row(n).id for n in range(registry.model.rowCount())] == [expiring.id]
    with qtbot.waitSignal(registry.loaded, timeout=TIMEOUT):
        registry.expiring.setChecked(False)
    with qtbot.waitSignal(registry.loaded, timeout=TIMEOUT):
        registry.number_filter.setText("55003")
    assert [registry.model.row(n).id for n in range(registry.model.rowCount())] == [fresh.id]
    registry.table.setFocus()
    registry.table.selectRow(0)
    qtbot.waitUntil(lambda: "55003" in registry.detail_label.text(), timeout=TIMEOUT)
    assert "Приёмов по нему ещё не было" in registry.detail_label.text()

    with qtbot.waitSignal(page.wizard.options_shown, timeout=TIMEOUT):
        qtbot.keyClick(registry.table, Qt.Key.Key_Return)
    assert page.tabs.currentIndex() == WIZARD
    assert page.wizard.number.text() == "55003" and page.wizard.tree.topLevelItemCount() >= 2
    page.tabs.setCurrentIndex(REGISTRY)


def test_the_form_names_bad_fields_keeps_what_was_typed_and_registers(
    qtbot, make_context, gui_database: Database, clinic: ScheduleClinic
) -> None:
    existing = add_referral(gui_database, clinic, number="44005")
    with gui_database.sessions() as session:
        organisation = session.get(Referral, existing.id).organisation_id
        specialty_id = session.get(Referral, existing.id).specialty_id
        organisation_name = session.get(Referral, existing.id).organisation.name
    page = open_page(qtbot, make_context("boris"))
    registry = page.registry
    qtbot.waitUntil(lambda: registry.specialty_filter.count() > 1, timeout=TIMEOUT)
    qtbot.keyClick(registry.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = registry._dialog
    assert dialog is not None and dialog.isVisible()
    dialog.number.setText("44006")
    # Enter in a field goes on to the next one; it never cancels what was typed.
    for widget in (dialog.number, dialog.issuing_doctor, dialog):
        qtbot.keyClick(widget, Qt.Key.Key_Return)
        assert dialog.isVisible() and dialog.result() == 0
    assert dialog.number.text() == "44006"
    dialog.organisation.edit.setText(organisation_name)
    dialog.organisation._search()
    qtbot.waitUntil(lambda: dialog.organisation.organisation_id == organisation, timeout=TIMEOUT)
    dialog.patient.choose(clinic.patients[1], "Лебедев Иван")
    dialog.specialty.setCurrentIndex(dialog.specialty.findData(specialty_id))
    dialog.diagnosis.setText("I1")  # not МКБ-10
    dialog.issued_on.setDate(QDate.currentDate().addDays(3))  # in the future
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.message_bar.kind == "error", timeout=TIMEOUT)
    text = dialog.message_bar.text()
    assert "МКБ" in text and "дата" in text.lower()
    assert dialog.diagnosis.styleSheet() and dialog.issued_on.styleSheet()
    assert dialog.number.text() == "44006" and dialog.patient.patient_id == clinic.patients[1]

    dialog.diagnosis.setText("K29.7")
    dialog.issued_on.setDate(QDate.currentDate())
    with qtbot.waitSignal(registry.loaded, timeout=TIMEOUT):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    with gui_database.sessions() as session:
        saved = session.scalars(sa.select(Referral).where(Referral.number == "44006")).one()
        assert saved.diagnosis_code == "K29.7" and saved.patient_id == clinic.patients[1]
    assert registry.message_bar.kind == "done"


def test_an_approved_priority_request_is_booked_from_the_page(
    qtbot, make_context, gui_database: Database, clinic: ScheduleClinic
) -> None:
    context = make_context("anna")
    with gui_database.sessions() as session, session.begin():
        specialty_id = session.get(Doctor, clinic.petrov).specialty_id
        f.service(session)
    request = priority.create_request(
        gui_database.sessions, context.actor, patient_id=clinic.patients[3],
        reason="подозрение на острый процесс", specialty_id=specialty_id,
    )  # fmt: skip
    priority.approve(gui_database.sessions, context.actor, request.id)
    page = open_page(qtbot, context)
    page.tabs.setCurrentIndex(PRIORITY)

    page.book_priority(clinic.patients[3], specialty_id, request.id)
    dialog = page.findChild(PriorityBookingDialog)
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.tree.topLevelItemCount() > 0, timeout=TIMEOUT)
    slot = dialog.tree.currentItem().data(0, Qt.ItemDataRole.UserRole)
    # No service chosen: refused in the dialog naming the field, nothing booked.
    qtbot.keyClick(dialog.tree, Qt.Key.Key_Return)
    assert dialog.message_bar.kind == "error"
    assert dialog.message_bar.text().startswith("Услуга:") and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.choose_service(f.PAID_SERVICE), timeout=TIMEOUT)
    assert "1\u00a0500,00\u00a0₽ · 15 мин" in dialog.service.currentText()
    dialog.kind.setCurrentIndex(dialog.kind.findData(AppointmentKind.FOLLOW_UP))
    dialog.tree.setFocus()
    with qtbot.waitSignal(dialog.booked, timeout=TIMEOUT) as booked:
        qtbot.keyClick(dialog.tree, Qt.Key.Key_Return)
    request_id, appointment_id = booked.args
    with gui_database.sessions() as session:
        row = session.get(Appointment, appointment_id)
        assert row.patient_id == clinic.patients[3] and row.starts_at == slot.starts_at
        assert (row.kind, row.service_id) == (
            AppointmentKind.FOLLOW_UP, f.paid_service_id(gui_database.sessions))  # fmt: skip
    decided = priority.get_request(gui_database.sessions, context.actor, request_id)
    assert decided.appointment_id == appointment_id


def test_a_second_referral_typed_after_a_first_is_found_at_the_first_enter(
    qtbot, make_context, gui_database: Database, clinic: ScheduleClinic
) -> None:
    """Issue 19, defect 2: the first referral's id stayed chosen and hid the next number."""
    add_referral(gui_database, clinic, number="77101")
    add_referral(gui_database, clinic, number="НП-052848", patient=2)
    add_referral(gui_database, clinic, number="77102")
    page = open_page(qtbot, make_context("boris"))
    page.tabs.setCurrentIndex(WIZARD)
    wizard = page.wizard
    for typed in ("77101", "нп 052848", "77102"):
        wizard.number.setFocus()
        wizard.number.selectAll()
        if typed.isdigit():
            qtbot.keyClicks(wizard.number, typed)
        else:  # QTest cannot type Cyrillic offscreen
            wizard.number.insert(typed)
        with qtbot.waitSignal(wizard.options_shown, timeout=TIMEOUT):
            qtbot.keyClick(wizard.number, Qt.Key.Key_Return)
        assert wizard.message_bar.kind != "error", (typed, wizard.message_bar.text())
        assert wizard.options is not None and wizard.options.referral is not None
        assert wizard.options.referral.number == {"нп 052848": "НП-052848"}.get(typed, typed)
        assert wizard.tree.isEnabled()


def test_a_referral_for_a_patient_without_a_policy_offers_to_open_the_card(
    qtbot, make_context, gui_database: Database, clinic: ScheduleClinic
) -> None:
    """Issue 19, defect 10: the desk is told at once, with a button to the card."""
    referral = add_referral(gui_database, clinic, number="77201")
    with gui_database.sessions() as session, session.begin():
        patient = session.get(Patient, referral.patient_id)
        patient.policy_kind = None
        patient.policy_number = None
    page = open_page(qtbot, make_context("boris"))
    page.tabs.setCurrentIndex(WIZARD)
    wizard = page.wizard
    wizard.number.setFocus()
    qtbot.keyClicks(wizard.number, "77201")
    with qtbot.waitSignal(wizard.options_shown, timeout=TIMEOUT):
        qtbot.keyClick(wizard.number, Qt.Key.Key_Return)
    assert wizard.message_bar.kind == "error"
    assert "полис" in wizard.message_bar.text()
    button = wizard.message_bar.first_button
    assert button.isVisible() and button.text() == "Открыть карту"
    with qtbot.waitSignal(page.open_patient, timeout=TIMEOUT) as opened:
        button.click()
    assert opened.args == [referral.patient_id]
