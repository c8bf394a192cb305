"""Ratings through the GUI: the desk records one from a visit's menu and from the card,
a refusal names the field and keeps what was typed, and a manager answers a low one
from the queue in «Отзывы»; a registrar has no such section and cannot answer."""

from __future__ import annotations

import datetime as dt
import os

import pytest
import sqlalchemy as sa
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu

from crm.controllers.errors import PermissionDenied
from crm.controllers.feedback import ratings
from crm.controllers.feedback.ratings import Subject
from crm.db.database import Database
from crm.models import Doctor, Feedback, Patient
from crm.models.enums import AppointmentStatus
from crm.views.feedback.page import FeedbackPage
from crm.views.main_window import FEEDBACK, MainWindow
from crm.views.patients.card_editor import CardEditor
from tests import factories as f
from tests.gui import test_booking_dialog as base
from tests.gui.test_card_editor import type_text
from tests.gui.test_dashboard import FakeEvents

TIMEOUT = base.TIMEOUT
SHOTS = os.environ.get("CRM_SCREENSHOTS")  # a folder: the test saves its screens there


@pytest.fixture
def clinic(gui_database: Database) -> base.Clinic:
    return base.build_clinic(gui_database)


@pytest.fixture
def desk(qtbot, make_context, tmp_path):
    return base.make_desk(qtbot, make_context, tmp_path)


def completed_visit(db: Database, clinic: base.Clinic) -> int:
    with db.sessions() as session, session.begin():
        doctor = session.get(Doctor, clinic.petrov)
        patient = session.get(Patient, clinic.patient)
        starts = dt.datetime.now(clinic.tz).replace(minute=0, second=0, microsecond=0)
        row = f.appointment(
            session, doctor, patient, starts - dt.timedelta(hours=2),
            status=AppointmentStatus.COMPLETED,
        )  # fmt: skip
        return row.id


def stored(db: Database) -> list[Feedback]:
    with db.sessions() as session:
        return list(session.scalars(sa.select(Feedback).order_by(Feedback.id)))


def shot(widget, name: str) -> None:
    if SHOTS:
        widget.grab().save(os.path.join(SHOTS, f"{name}.png"))


def test_the_desk_records_a_rating_of_a_visit_from_the_schedule(
    qtbot, gui_database, clinic, desk
) -> None:
    visit = completed_visit(gui_database, clinic)
    _context, actions = desk("boris")
    menu = QMenu()
    actions.fill_context_menu(menu, base.grid_appointment(gui_database, _context.actor, visit))
    rate = next(a for a in menu.actions() if a.objectName() == "actionRate")
    rate.trigger()
    dialog = actions.rating_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.choices is not None, timeout=TIMEOUT)
    assert dialog.subject is Subject.VISIT
    assert dialog.visit_combo.currentData() == visit
    assert "Соколова" in dialog.patient_label.text()

    # No rating pressed: refused naming the field, the comment typed stays.
    type_text(dialog.comment_edit, "Долго ждала, врач был груб")
    with qtbot.waitSignal(dialog.failed, timeout=TIMEOUT) as refused:
        dialog.save_button.click()
    assert refused.args[0].startswith("Оценка:")
    assert dialog.error.isVisible() and dialog.isVisible()
    assert dialog.comment_edit.toPlainText() == "Долго ждала, врач был груб"
    assert stored(gui_database) == []

    qtbot.mouseClick(dialog.rating_buttons.button(2), Qt.MouseButton.LeftButton)
    assert dialog.rating == 2
    assert not dialog.error.isVisible()  # the field complained about was set
    shot(dialog, "rating-dialog")
    with qtbot.waitSignal(dialog.saved, timeout=TIMEOUT) as saved:
        dialog.save_button.click()
    row = saved.args[0]
    assert (row.subject, row.rating, row.appointment_id, row.doctor_id, row.patient_id) == (
        Subject.VISIT, 2, visit, clinic.petrov, clinic.patient,
    )  # fmt: skip
    assert row.needs_answer
    assert [(r.rating, r.comment) for r in stored(gui_database)] == [
        (2, "Долго ждала, врач был груб")
    ]


def test_the_card_rates_a_doctor_and_a_missing_doctor_is_named(
    qtbot, gui_database, clinic, desk
) -> None:
    context, _actions = desk("boris")
    editor = CardEditor(context, clinic.patient)
    qtbot.addWidget(editor)
    with qtbot.waitSignal(editor.loaded, timeout=TIMEOUT):
        editor.show()
    assert editor.header.rate_button.isVisible()
    shot(editor.header, "card-header")
    editor.header.rate_button.click()
    dialog = editor.rating_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.choices is not None, timeout=TIMEOUT)
    # No visits yet: the visit choice is off and the doctor is the subject.
    assert not dialog.visit_radio.isEnabled() and dialog.subject is Subject.DOCTOR
    dialog.set_rating(5)
    with qtbot.waitSignal(dialog.failed, timeout=TIMEOUT) as refused:
        dialog.save_button.click()
    assert refused.args[0] == "Врач: выберите оцениваемого врача"
    assert dialog.rating == 5  # kept
    dialog.set_doctor(clinic.sidorova)
    with qtbot.waitSignal(dialog.saved, timeout=TIMEOUT) as saved:
        dialog.save_button.click()
    assert (saved.args[0].subject, saved.args[0].doctor_id) == (Subject.DOCTOR, clinic.sidorova)


def test_a_manager_answers_a_low_rating_from_the_queue(
    qtbot, gui_database, clinic, make_context
) -> None:
    registrar = make_context("boris")
    low = ratings.record_feedback(
        gui_database.sessions, registrar.actor, rating=1, comment="Нагрубили в регистратуре",
        patient_id=clinic.patient,
    )  # fmt: skip
    ratings.record_feedback(
        gui_database.sessions, registrar.actor, rating=5, doctor_id=clinic.petrov,
        patient_id=clinic.patient,
    )  # fmt: skip
    # A registrar: no «Отзывы» section, and the controller refuses an answer.
    window = MainWindow(registrar)
    qtbot.addWidget(window)
    assert FEEDBACK not in window.pages
    with pytest.raises(PermissionDenied):
        ratings.answer(gui_database.sessions, registrar.actor, low.id, "Извините")

    manager = make_context("anna")
    window = MainWindow(manager)
    qtbot.addWidget(window)
    window.resize(1200, 700)
    window.show()
    page = window.pages[FEEDBACK]
    assert isinstance(page, FeedbackPage) and page.title == "Отзывы"
    with qtbot.waitSignal(page.queue.loaded, timeout=TIMEOUT):
        window.show_page(FEEDBACK)
    qtbot.waitUntil(lambda: page.register.row_count() == 2, timeout=TIMEOUT)
    assert page.tabs.tabText(1) == "Ответить (1)"
    # The register's rating filter: low ones only.
    with qtbot.waitSignal(page.register.loaded, timeout=TIMEOUT):
        page.register.rating_combo.setCurrentIndex(page.register.rating_combo.findData("low"))
    assert [r.id for r in page.register.rows()] == [low.id]
    shot(window, "feedback-register")

    page.tabs.setCurrentWidget(page.queue)
    queue = page.queue
    assert queue.model.rowCount() == 1
    queue.choose(0)
    assert queue.answer_button.isEnabled()
    with qtbot.waitSignal(queue.failed, timeout=TIMEOUT) as refused:
        queue.answer_button.click()  # nothing written yet
    assert refused.args[0] == "Ответ: напишите ответ"
    type_text(queue.answer_edit, "Позвонили, извинились, провели беседу")
    assert not queue.message.isVisible()
    shot(window, "feedback-queue")
    with qtbot.waitSignal(queue.answered, timeout=TIMEOUT):
        queue.answer_button.click()
    qtbot.waitUntil(lambda: queue.model.rowCount() == 0, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: page.tabs.tabText(1) == "Ответить (0)", timeout=TIMEOUT)
    answered = next(r for r in stored(gui_database) if r.id == low.id)
    assert answered.answer == "Позвонили, извинились, провели беседу"
    assert answered.answered_at is not None


def test_a_manager_imports_the_apps_ratings_into_the_register(
    qtbot, gui_database, clinic, make_context, tmp_path
) -> None:
    page = FeedbackPage(make_context("anna"))
    qtbot.addWidget(page)
    register = page.register
    day = f"{dt.datetime.now(clinic.tz):%d.%m.%Y}"
    path = tmp_path / "app.csv"
    path.write_text(
        f"Дата;Оценка;Отзыв;Врач\n{day};4;Хороший врач;Петров П. П.\n{day};0;;\n", encoding="utf-8"
    )
    with qtbot.waitSignal(register.imported, timeout=TIMEOUT) as imported:
        register.import_file(path)
    assert (imported.args[0].imported, imported.args[0].rejected_rows) == (1, 1)
    box = register.import_box
    assert box is not None and box.isVisible()
    assert "добавлено 1" in box.text() and "строка 3: Оценка:" in box.detailedText()
    qtbot.waitUntil(lambda: register.row_count() == 1, timeout=TIMEOUT)
    assert register.rows()[0].doctor.startswith("Петров")


def test_the_queue_fills_when_a_desk_records_a_low_rating(
    qtbot, gui_database, clinic, make_context
) -> None:
    events = FakeEvents()
    page = FeedbackPage(make_context("anna", events))
    qtbot.addWidget(page)
    page._debounce.setInterval(50)
    page.show()
    with qtbot.waitSignal(page.queue.loaded, timeout=TIMEOUT):
        page.activate()
    assert page.tabs.tabText(1) == "Ответить (0)"
    low = ratings.record_feedback(
        gui_database.sessions, make_context("boris").actor, rating=2, patient_id=clinic.patient
    )
    with qtbot.waitSignal(page.queue.loaded, timeout=TIMEOUT):
        events.changed.emit({"table": "appointment", "op": "UPDATE"})  # not about ratings
        events.changed.emit({"table": "feedback", "op": "INSERT", "id": low.id})
    assert page.tabs.tabText(1) == "Ответить (1)"
