"""Ctrl+K from any page: type, the results grouped by kind, Enter opens the right screen
for each kind (against the real database, through the main window's wiring)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from crm.controllers.access import auth
from crm.controllers.search.everything import Kind, SearchResults
from crm.crypto import generate_key_file
from crm.db.database import Database
from crm.models import DocumentContent, MedicalDocument, Patient, Service
from crm.models.enums import DocumentKind, Role
from crm.reports import qr
from crm.views import AppContext
from crm.views.main_window import DIRECTORIES, PATIENTS, REFERRALS, SCHEDULE, USERS, MainWindow
from crm.views.patients.page import PatientsPage
from crm.views.schedule.page import DAY, WEEK, SchedulePage
from crm.views.search.popup import SearchPopup
from tests import booking_factories as bf
from tests.gui.conftest import PASSWORD
from tests.gui.test_card_editor import release, type_text
from tests.gui.test_schedule_grid import ScheduleClinic, make_schedule_clinic

TIMEOUT = 10_000
CTRL = Qt.KeyboardModifier.ControlModifier


@dataclass(frozen=True)
class Found:
    """What there is to find: the schedule clinic, a referral, a document, a service."""

    schedule: ScheduleClinic
    referral: int
    referral_patient: int
    document_patient: int
    service: int


@pytest.fixture
def found(gui_database: Database) -> Found:
    schedule = make_schedule_clinic(gui_database)
    with gui_database.sessions() as session, session.begin():
        patient = session.get(Patient, schedule.patients[0])
        specialty = bf.specialty(session, "Неврология")
        referral = bf.referral(
            session, patient, specialty, issued_on=schedule.day, number="НП-052848"
        )
        content = DocumentContent(sha256="b" * 64, size_bytes=10)
        session.add(content)
        session.flush()
        session.add(
            MedicalDocument(
                patient_id=schedule.patients[1],
                kind=DocumentKind.IMAGE,
                title="Рентгенограмма грудной клетки",
                file_name="chest.png",
                mime_type="image/png",
                content_id=content.id,
                size_bytes=10,
                document_date=schedule.day,
            )
        )
        service = Service(code="A06.09.007", name="Рентгенография лёгких")
        session.add(service)
        session.flush()
        return Found(schedule, referral.id, patient.id, schedule.patients[1], service.id)


@pytest.fixture
def window_for(qtbot, make_context, tmp_path: Path) -> Iterator[Callable[[str], MainWindow]]:
    windows: list[MainWindow] = []

    def open_(login: str) -> MainWindow:
        context: AppContext = make_context(login)
        context.keyring = generate_key_file(tmp_path / f"{login}.key")
        window = MainWindow(context)
        qtbot.addWidget(window)
        window.show()
        activate(qtbot, window)
        windows.append(window)
        return window

    yield open_
    for window in windows:
        release(window)


def activate(qtbot, window: MainWindow) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=TIMEOUT)


def search(qtbot, window: MainWindow, text: str) -> SearchPopup:
    """Ctrl+K on the window's current page, ``text`` typed, the answer listed."""
    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_K, CTRL)
    popup = window.search
    assert popup.isVisible()
    qtbot.waitUntil(popup.edit.hasFocus, timeout=TIMEOUT)
    with qtbot.waitSignal(popup.shown_results, timeout=TIMEOUT) as shown:
        type_text(popup.edit, text)  # typed over the selected previous entry
    results: SearchResults = shown.args[0]
    assert results.text == text
    return popup


def kinds_listed(popup: SearchPopup) -> list[Kind]:
    assert popup.results is not None
    return [group.kind for group in popup.results.groups]


def enter(qtbot, popup: SearchPopup) -> None:
    qtbot.keyClick(popup.edit, Qt.Key.Key_Return)
    assert not popup.isVisible()


def test_ctrl_k_on_the_schedule_a_ticket_opens_its_appointment_on_its_day(
    qtbot, found: Found, window_for
) -> None:
    window = window_for("boris")  # the registrar starts on the schedule
    assert window.current_page == SCHEDULE
    appointment = found.schedule.second
    popup = search(qtbot, window, qr.ticket_code(appointment))
    assert kinds_listed(popup) == [Kind.APPOINTMENT]
    assert popup.current_hit().id == appointment
    enter(qtbot, popup)
    page = window.pages[SCHEDULE]
    assert isinstance(page, SchedulePage)
    qtbot.waitUntil(
        lambda: (
            (chosen := page.grid.selected_appointment()) is not None and chosen.id == appointment
        ),
        timeout=TIMEOUT,
    )
    assert page.day == found.schedule.day
    assert page.mode == DAY


def test_ctrl_k_on_the_patients_page_a_patient_opens_the_card(
    qtbot, found: Found, window_for
) -> None:
    window = window_for("boris")
    qtbot.keyClick(window, Qt.Key.Key_2, CTRL)
    assert window.current_page == PATIENTS
    popup = search(qtbot, window, "Лебедев")
    assert kinds_listed(popup) == [Kind.PATIENT]
    page = window.pages[PATIENTS]
    assert isinstance(page, PatientsPage)
    with qtbot.waitSignal(page.editor_opened, timeout=TIMEOUT) as opened:
        enter(qtbot, popup)
    editor = opened.args[0]
    qtbot.waitUntil(lambda: editor.card is not None, timeout=TIMEOUT)
    assert editor.patient_id == found.schedule.patients[1]


def test_a_referral_number_opens_the_registry_on_it(qtbot, found: Found, window_for) -> None:
    window = window_for("boris")
    qtbot.keyClick(window, Qt.Key.Key_2, CTRL)  # from the patients page
    popup = search(qtbot, window, "нп 052848")
    assert Kind.REFERRAL in kinds_listed(popup)
    while popup.current_hit().kind is not Kind.REFERRAL:
        qtbot.keyClick(popup.edit, Qt.Key.Key_Down)
    enter(qtbot, popup)
    assert window.current_page == REFERRALS
    registry = window.pages[REFERRALS].registry  # type: ignore[attr-defined]
    qtbot.waitUntil(
        lambda: (row := registry.selected()) is not None and row.id == found.referral,
        timeout=TIMEOUT,
    )
    assert registry.number_filter.text() == "НП-052848"


def test_a_document_title_opens_the_card_on_its_medical_record(
    qtbot, found: Found, window_for
) -> None:
    window = window_for("boris")
    popup = search(qtbot, window, "рентгенограмма")
    assert kinds_listed(popup) == [Kind.DOCUMENT]
    page = window.pages[PATIENTS]
    assert isinstance(page, PatientsPage)
    with qtbot.waitSignal(page.editor_opened, timeout=TIMEOUT) as opened:
        enter(qtbot, popup)
    editor = opened.args[0]
    qtbot.waitUntil(lambda: editor.card is not None, timeout=TIMEOUT)
    assert editor.patient_id == found.document_patient
    assert editor.tabs.currentWidget() is editor.tabs.medical


def test_a_doctor_opens_the_doctor_s_week(qtbot, found: Found, window_for) -> None:
    window = window_for("boris")
    qtbot.keyClick(window, Qt.Key.Key_3, CTRL)  # from the referrals page
    popup = search(qtbot, window, "сидорова")
    assert kinds_listed(popup) == [Kind.DOCTOR]  # the registrar sees no users, no services
    enter(qtbot, popup)
    page = window.pages[SCHEDULE]
    assert isinstance(page, SchedulePage)
    assert window.current_page == SCHEDULE
    assert page.mode == WEEK
    assert page.week_doctor == found.schedule.sidorova


def test_a_manager_finds_a_service_and_opens_it_in_the_directories(
    qtbot, found: Found, window_for
) -> None:
    window = window_for("anna")
    popup = search(qtbot, window, "A06.09")
    assert kinds_listed(popup) == [Kind.SERVICE]
    enter(qtbot, popup)
    assert window.current_page == DIRECTORIES
    page = window.pages[DIRECTORIES]
    tab = page.tabs["services"]  # type: ignore[attr-defined]
    assert page.tab_widget.currentWidget() is tab  # type: ignore[attr-defined]
    qtbot.waitUntil(
        lambda: tab.current is not None and tab.current.id == found.service, timeout=TIMEOUT
    )


def test_the_administrator_finds_a_user_and_opens_it_in_users(
    qtbot, found: Found, window_for, gui_database: Database
) -> None:
    auth.add_user(gui_database.sessions, "vera", PASSWORD, Role.ADMIN, "Вера Админова")
    window = window_for("vera")
    assert window.current_page == USERS
    popup = search(qtbot, window, "борис")
    assert kinds_listed(popup) == [Kind.USER]  # no patients, documents or tickets
    enter(qtbot, popup)
    page = window.pages[USERS]
    qtbot.waitUntil(
        lambda: (
            (user := page.selected_user()) is not None  # type: ignore[attr-defined]
            and user.login == "boris"
        ),
        timeout=TIMEOUT,
    )


def test_keys_skip_the_headings_esc_closes_and_a_stale_answer_is_dropped(
    qtbot, found: Found, window_for
) -> None:
    window = window_for("anna")  # a manager: doctors, services and patients alike
    # «Рентген» is in a document's title and a service's name.
    popup = search(qtbot, window, "рентген")
    assert kinds_listed(popup) == [Kind.DOCUMENT, Kind.SERVICE]
    assert popup.list.item(0).data(Qt.ItemDataRole.UserRole) is None  # a heading
    assert popup.current_hit().kind is Kind.DOCUMENT
    qtbot.keyClick(popup.edit, Qt.Key.Key_Down)  # over the «Услуги» heading
    assert popup.current_hit().kind is Kind.SERVICE
    qtbot.keyClick(popup.edit, Qt.Key.Key_Down)  # the last: stays
    assert popup.current_hit().kind is Kind.SERVICE
    qtbot.keyClick(popup.edit, Qt.Key.Key_Up)
    assert popup.current_hit().kind is Kind.DOCUMENT
    heading = popup.list.item(0).text()
    assert heading == "Медицинские документы"
    # An answer for what the box no longer holds is not shown.
    popup._show(SearchResults(text="петров", groups=()))
    assert popup.list.item(0).text() == heading
    window.grab().save("/tmp/search-window.png")
    popup.grab().save("/tmp/search-popup.png")
    qtbot.keyClick(popup.edit, Qt.Key.Key_Escape)
    assert not popup.isVisible()
    assert window.current_page == SCHEDULE  # nothing opened


def test_enter_before_the_answer_opens_its_first_result(qtbot, found: Found, window_for) -> None:
    window = window_for("boris")
    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_K, CTRL)
    popup = window.search
    page = window.pages[PATIENTS]
    assert isinstance(page, PatientsPage)
    # A scanner types the code and its Enter at once, before the pause is over.
    with qtbot.waitSignal(page.editor_opened, timeout=TIMEOUT) as opened:
        type_text(popup.edit, "Орлова")
        qtbot.keyClick(popup.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: opened.args[0].card is not None, timeout=TIMEOUT)
    assert opened.args[0].patient_id == found.schedule.patients[2]
    assert not popup.isVisible()
