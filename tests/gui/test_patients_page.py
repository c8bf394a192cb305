"""The Patients section: search as you type, keyboard to the card, paging, new cards."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from crm.controllers.patients import cards
from crm.controllers.patients.form import PatientForm
from crm.crypto import KeyRing, generate_key_file
from crm.db.database import Database
from crm.models import Patient
from crm.views import AppContext
from crm.views.events import ChangeEvents
from crm.views.main_window import PATIENTS, MainWindow
from crm.views.patients.card_editor import CardEditor
from crm.views.patients.form_rules import name_prefill
from crm.views.patients.page import PAGE_SIZE, PatientsPage
from crm.views.patients.search_model import PatientSearchModel
from tests.gui.test_card_editor import release, type_text

TIMEOUT = 10_000


@pytest.fixture
def keyring(tmp_path: Path) -> KeyRing:
    return generate_key_file(tmp_path / "page-key.bin")


@pytest.fixture
def registrar(make_context, keyring) -> AppContext:
    context = make_context("boris")
    context.keyring = keyring
    return context


@pytest.fixture
def window(qtbot, registrar: AppContext) -> Iterator[MainWindow]:
    """The main window; deleted on the GUI thread afterwards (see ``editor_for``)."""
    window = MainWindow(registrar)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=TIMEOUT)
    yield window
    release(window)


@pytest.fixture
def add_patient(gui_database: Database, registrar: AppContext, keyring: KeyRing) -> Callable:
    def add(last: str, first: str, born: str, phone: str, **more: str) -> int:
        form = PatientForm(last_name=last, first_name=first, birth_date=born, phone=phone, **more)
        card = cards.create_patient(
            gui_database.sessions, registrar.actor, keyring, form, allow_same_name=True
        )
        return card.id

    return add


def test_typo_search_and_enter_opens_the_card(qtbot, window: MainWindow, add_patient) -> None:
    wanted = add_patient("Соколова", "Мария", "12.03.1990", "+79161112233", patronymic="Ильинична")
    add_patient("Петров", "Пётр", "03.03.1960", "+79998887766")

    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    page = window.pages[PATIENTS]
    assert isinstance(page, PatientsPage)
    assert window.current_page == PATIENTS
    assert page.search_box.hasFocus()  # the section takes the keyboard to the box
    assert page.search_box.placeholderText().startswith("Фамилия, «Иванов И П»")

    with qtbot.waitSignal(page.searched, timeout=TIMEOUT) as searched:
        type_text(page.search_box, "Саколова")  # a typo
    assert searched.args == [1]
    assert page.model.index(0, PatientSearchModel.NAME).data() == "Соколова Мария Ильинична"
    assert page.model.index(0, PatientSearchModel.PHONE).data() == "+7 (916) 111-22-33"

    with qtbot.waitSignal(page.editor_opened, timeout=TIMEOUT) as opened:
        qtbot.keyClick(page.search_box, Qt.Key.Key_Return)
    editor: CardEditor = opened.args[0]
    qtbot.waitUntil(lambda: editor.card is not None, timeout=TIMEOUT)
    assert editor.patient_id == wanted
    assert editor.title.text() == "Соколова Мария Ильинична"
    assert editor.isVisible() and not editor.isModal()
    # Enter on the same patient again brings the open window forward, not a second one.
    assert page.open_selected() is editor


def test_keyboard_moves_between_box_and_results(qtbot, window: MainWindow, add_patient) -> None:
    add_patient("Кузнецов", "Иван", "01.01.1970", "+79160000001")
    second = add_patient("Кузнецов", "Олег", "02.02.1972", "+79160000002")
    window.show_page(PATIENTS)
    page = window.pages[PATIENTS]
    assert isinstance(page, PatientsPage)
    with qtbot.waitSignal(page.searched, timeout=TIMEOUT):
        type_text(page.search_box, "кузнецов")
    assert page.model.rowCount() == 2

    qtbot.keyClick(page.search_box, Qt.Key.Key_Down)
    assert page.table.hasFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Down)
    assert page.selected_id() == second
    with qtbot.waitSignal(page.editor_opened, timeout=TIMEOUT) as opened:
        qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert opened.args[0].patient_id == second

    # Typing in the list goes on in the box; a stale answer never replaces a newer one.
    page.window().activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=TIMEOUT)
    page.table.setFocus()
    qtbot.waitUntil(page.table.hasFocus, timeout=TIMEOUT)
    with qtbot.waitSignal(page.searched, timeout=TIMEOUT) as searched:
        type_text(page.table, " о")
    assert page.search_box.hasFocus()
    assert page.search_box.text() == "кузнецов о"
    assert searched.args == [1]
    assert page.model.row_at(0).id == second


def test_nobody_found_offers_a_new_card_with_the_typed_name(
    qtbot, window: MainWindow, gui_database: Database
) -> None:
    window.show_page(PATIENTS)
    page = window.pages[PATIENTS]
    assert isinstance(page, PatientsPage)
    with qtbot.waitSignal(page.searched, timeout=TIMEOUT) as searched:
        type_text(page.search_box, "Белоусова анна 05.06.1991")
    assert searched.args == [0]
    assert page.results.currentWidget() is page.empty_label
    assert "Никого не нашли" in page.empty_label.text()
    assert "Ctrl+N" in page.empty_label.text()

    with qtbot.waitSignal(page.editor_opened, timeout=TIMEOUT) as opened:
        qtbot.keyClick(page.search_box, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    editor: CardEditor = opened.args[0]
    typed = editor.form.to_form()
    assert (typed.last_name, typed.first_name, typed.patronymic, typed.birth_date) == (
        "Белоусова",
        "Анна",
        "",
        "05.06.1991",
    )
    assert editor.title.text() == "Новый пациент"

    # Closed untouched, the card gives the keyboard back: Ctrl+N works again at once.
    qtbot.waitUntil(lambda: QApplication.activeWindow() is editor, timeout=TIMEOUT)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=TIMEOUT)
    assert page.search_box.hasFocus() and page.search_box.selectedText() == page.search_box.text()
    with qtbot.waitSignal(page.editor_opened, timeout=TIMEOUT):
        qtbot.keyClick(page.search_box, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)


def test_results_are_paged_in_sql_as_the_list_scrolls(
    qtbot, qtmodeltester, window: MainWindow, gui_database: Database
) -> None:
    with gui_database.sessions() as session, session.begin():
        session.add_all(
            Patient(
                last_name="Многодетнов",
                first_name="Сын",
                birth_date=dt.date(2000, 1, 1) + dt.timedelta(days=n),
                phone=f"+7916{n:07d}",
            )
            for n in range(PAGE_SIZE + 12)
        )
    window.show_page(PATIENTS)
    page = window.pages[PATIENTS]
    assert isinstance(page, PatientsPage)
    with qtbot.waitSignal(page.searched, timeout=TIMEOUT):
        type_text(page.search_box, "многодетнов")
    assert page.model.rowCount() == PAGE_SIZE
    assert page.model.canFetchMore()
    assert "ниже есть ещё" in page.status_label.text()
    page.table.scrollToBottom()
    qtbot.waitUntil(lambda: page.model.rowCount() == PAGE_SIZE + 12, timeout=TIMEOUT)
    assert not page.model.canFetchMore()
    assert len({row.id for row in page.model.rows()}) == PAGE_SIZE + 12
    qtmodeltester.check(page.model)


def test_name_prefill_reads_only_names() -> None:
    assert name_prefill("петров-водкин кузьма сергеевич") == PatientForm(
        last_name="Петров-Водкин", first_name="Кузьма", patronymic="Сергеевич"
    )
    assert name_prefill("Иванов И П") == PatientForm(last_name="Иванов")
    assert name_prefill("+7 916 123") == PatientForm()


def test_a_change_on_another_desk_requeries_and_keeps_the_selection(
    qtbot, make_context, keyring: KeyRing, add_patient, gui_database: Database
) -> None:
    first = add_patient("Кузнецов", "Иван", "01.01.1970", "+79160000001")
    second = add_patient("Кузнецов", "Олег", "02.02.1972", "+79160000002")
    events = ChangeEvents(gui_database.url, poll_seconds=0.1)
    pages: list[PatientsPage] = []
    try:
        with qtbot.waitSignal(events.connection_state, timeout=TIMEOUT):
            events.start()
        context = make_context("boris", events=events)
        context.keyring = keyring
        page = PatientsPage(context)
        pages.append(page)  # released below, not by qtbot
        page.show()
        with qtbot.waitSignal(page.searched, timeout=TIMEOUT):
            type_text(page.search_box, "кузнецов")
        page.table.selectRow(1)
        assert page.selected_id() == second

        card = cards.open_card(gui_database.sessions, context.actor, keyring, first)
        with qtbot.waitSignal(page.searched, timeout=TIMEOUT):
            cards.update_patient(
                gui_database.sessions,
                context.actor,
                keyring,
                first,
                dataclasses.replace(card.form, last_name="Кузнецов-Лесной"),
                expected_version=card.version,
            )
        names = [row.full_name for row in page.model.rows()]
        assert "Кузнецов-Лесной Иван" in names
        assert page.selected_id() == second  # the desk's selection stays where it was
    finally:
        events.stop()
        for page in pages:
            release(page)
