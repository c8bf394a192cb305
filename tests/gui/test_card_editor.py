"""The patient's card editor against the real database: live checks, saving, duplicates,
two desks in conflict, masking by role, the tabs, and a server that goes away."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import shiboken6
import sqlalchemy as sa
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent, QPalette
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget

from crm.controllers.access import auth
from crm.controllers.patients import cards
from crm.controllers.patients.form import PatientForm
from crm.crypto import KeyRing, generate_key_file
from crm.db.database import Database
from crm.db.engine import make_engine, make_session_factory
from crm.models import IssuingOrganisation, JournalEntry, Patient, PatientConsent, Referral
from crm.models.enums import AppointmentStatus, ReferralKind, Role
from crm.views import AppContext
from crm.views.patients.card_editor import CardEditor
from tests import factories
from tests.gui.conftest import PASSWORD

TIMEOUT = 10_000
SNILS = "112-233-445 95"
FULL = PatientForm(
    last_name="Орлова",
    first_name="Вера",
    patronymic="Николаевна",
    birth_date="14.07.1986",
    sex="female",
    phone="+7 916 222-33-44",
    snils=SNILS,
    passport="45 08 918273",
    passport_issued_on="20.08.2006",
    passport_subdivision="770-001",
    passport_issued_by="ОВД Хамовники г. Москвы",
)


@pytest.fixture
def keyring(tmp_path: Path) -> KeyRing:
    return generate_key_file(tmp_path / "card-key.bin")


@pytest.fixture
def desk(make_context, keyring) -> Callable[[str], AppContext]:
    """``desk("boris")``: a logged-in context that can encrypt identity documents."""

    def make(login: str) -> AppContext:
        context = make_context(login)
        context.keyring = keyring
        return context

    return make


@pytest.fixture
def editor_for(qtbot) -> Iterator[Callable[..., CardEditor]]:
    """Open a card editor, shown and active, and wait until its card is read.

    Each editor gets a host widget as its parent, as in the program (the main window):
    an editor without a parent belongs to its Python wrapper, and the wrapper sits in
    reference cycles (slots that capture the editor), so the cyclic garbage collector
    would delete the window — on whichever thread it happens to run, such as the
    runner's worker, while the GUI thread paints. The hosts are released here, on the
    GUI thread, after the test.
    """
    hosts: list[QWidget] = []

    def open_(context: AppContext, patient_id: int | None = None, **kwargs) -> CardEditor:
        host = QWidget()
        hosts.append(host)
        editor = CardEditor(context, patient_id, parent=host, **kwargs)
        qtbot.addWidget(editor)
        with qtbot.waitSignal(editor.loaded, timeout=TIMEOUT):
            editor.show()
        editor.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is editor, timeout=TIMEOUT)
        qtbot.waitUntil(lambda: not editor.tabs.loading, timeout=TIMEOUT)
        return editor

    yield open_
    for host in hosts:
        release(host)
    hosts.clear()


def release(widget: QWidget) -> None:
    """Delete ``widget`` (and its children) now, on the GUI thread (see ``editor_for``)."""
    if shiboken6.isValid(widget):
        widget.close()
        shiboken6.delete(widget)


def type_text(widget: QWidget, text: str) -> None:
    """Key presses carrying ``text`` one character at a time (QTest's keyClicks only
    knows ASCII, and the desk types Cyrillic)."""
    for character in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(
                widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, character)
            )


def type_into(qtbot, widget: QWidget, text: str) -> None:
    """Focus ``widget``, replace its text with ``text`` typed key by key."""
    window = widget.window()
    if QApplication.activeWindow() is not window:
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=TIMEOUT)
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus, timeout=TIMEOUT)
    if isinstance(widget, QLineEdit):
        widget.selectAll()
        qtbot.keyClick(widget, Qt.Key.Key_Delete)
        widget.setCursorPosition(0)
    type_text(widget, text)


def leave(qtbot, editor: CardEditor) -> None:
    """Move the keyboard to the note field (the field before it is "left")."""
    note = editor.form.editor("note")
    note.setFocus()
    qtbot.waitUntil(note.hasFocus, timeout=TIMEOUT)


def save(qtbot, editor: CardEditor, signal: str = "saved") -> list:
    with qtbot.waitSignal(getattr(editor, signal), timeout=TIMEOUT) as blocker:
        qtbot.keyClick(editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    return blocker.args


def test_new_card_with_a_bad_snils_corrected_along_the_way(
    qtbot, desk, editor_for, gui_database: Database
) -> None:
    editor = editor_for(desk("boris"))
    assert editor.title.text() == "Новый пациент"
    form = editor.form
    type_into(qtbot, form.editor("last_name"), "Соколова")
    type_into(qtbot, form.editor("first_name"), "Мария")
    type_into(qtbot, form.editor("birth_date"), "12031990")
    type_into(qtbot, form.editor("phone"), "8 916 111 22 33")
    type_into(qtbot, form.editor("snils"), "11223344596")
    leave(qtbot, editor)
    # Checked on leaving, beside the field, with the field's name.
    assert form.message_of("snils") == "СНИЛС: неверная контрольная сумма"
    assert form.editor("phone").text() == "+7 (916) 111-22-33"  # normalised as it was left
    assert form.message_of("phone") == ""

    args = save(qtbot, editor, "save_failed")
    assert args == ["СНИЛС: неверная контрольная сумма"]
    assert form.editor("snils").hasFocus()
    assert form.message_of("snils") == "СНИЛС: неверная контрольная сумма"
    assert form.editor("last_name").text() == "Соколова"  # nothing typed was lost
    assert editor.bar.text() == "Проверьте отмеченные поля: 1"

    type_into(qtbot, form.editor("snils"), "11223344595")
    leave(qtbot, editor)
    # Corrected: the banner does not go on counting a field that is fine now.
    assert form.message_of("snils") == "" and editor.bar.text() == ""
    (patient_id,) = save(qtbot, editor)
    assert form.message_of("snils") == ""
    assert editor.title.text() == "Соколова Мария"
    assert editor.bar.text() == "Сохранено."
    with gui_database.sessions() as session:
        row = session.get(Patient, patient_id)
        assert (row.last_name, row.birth_date, row.phone) == (
            "Соколова",
            dt.date(1990, 3, 12),
            "+79161112233",
        )
        assert row.snils_tail == "44595"


def test_duplicate_documents_offer_the_existing_card(
    qtbot, desk, editor_for, gui_database: Database, keyring: KeyRing
) -> None:
    context = desk("boris")
    existing = cards.create_patient(gui_database.sessions, context.actor, keyring, FULL)
    editor = editor_for(context, prefill=PatientForm(last_name="Другая", first_name="Анна"))
    form = editor.form
    type_into(qtbot, form.editor("birth_date"), "01011970")
    type_into(qtbot, form.editor("snils"), SNILS)
    save(qtbot, editor, "save_failed")
    assert form.message_of("snils") == "СНИЛС: карта с таким номером уже есть"
    assert form.editor("snils").hasFocus()
    with qtbot.waitSignal(editor.open_requested, timeout=TIMEOUT) as wanted:
        editor.bar.first_button.click()
    assert wanted.args == [existing.id]
    assert form.editor("last_name").text() == "Другая"  # the typed card stays open


def test_two_desks_conflict_is_merged_field_by_field(
    qtbot, desk, editor_for, gui_database: Database, keyring: KeyRing
) -> None:
    boris, anna = desk("boris"), desk("anna")
    card = cards.create_patient(gui_database.sessions, boris.actor, keyring, FULL)
    desk_a = editor_for(boris, card.id)
    desk_b = editor_for(anna, card.id)

    type_into(qtbot, desk_a.form.editor("phone"), "+7 916 000-00-01")
    save(qtbot, desk_a)

    type_into(qtbot, desk_b.form.editor("phone"), "+7 916 000-00-02")
    type_into(qtbot, desk_b.form.editor("email"), "orlova@mail.ru")
    save(qtbot, desk_b, "save_failed")
    dialog = desk_b.conflict_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible, timeout=TIMEOUT)
    assert dialog.conflict.fields == ["phone", "email"]
    assert dialog.theirs_buttons["phone"].text() == "+7 (916) 000-00-01"
    assert dialog.yours_buttons["phone"].text() == "+7 (916) 000-00-02"
    assert dialog.theirs_buttons["email"].text() == "—"
    assert dialog.yours_buttons["email"].text() == "orlova@mail.ru"
    assert not dialog.keeps_theirs("phone") and not dialog.keeps_theirs("email")

    dialog.choose("phone", theirs=True)
    with qtbot.waitSignal(desk_b.saved, timeout=TIMEOUT):
        dialog.save_button.click()
    with gui_database.sessions() as session:
        row = session.get(Patient, card.id)
        assert (row.phone, row.email, row.version) == ("+79160000001", "orlova@mail.ru", 3)
    assert desk_b.form.editor("email").text() == "orlova@mail.ru"


def test_doctor_sees_masked_documents_and_no_reveal(
    qtbot, desk, editor_for, gui_database: Database, keyring: KeyRing
) -> None:
    auth.add_user(gui_database.sessions, "vera", PASSWORD, Role.DOCTOR, "Вера Докторова")
    registrar = desk("boris")
    card = cards.create_patient(gui_database.sessions, registrar.actor, keyring, FULL)

    seen = editor_for(desk("vera"), card.id)
    snils = seen.form.editor("snils")
    assert snils.text() == "***-***-445 95" and snils.isReadOnly()
    # Read-only fields look it: the window's colour, not the white of a field to type in.
    base, window = QPalette.ColorRole.Base, QPalette.ColorRole.Window
    assert snils.palette().color(base) == snils.palette().color(window)
    assert seen.form.editor("phone").palette().color(base) == snils.palette().color(window)
    assert seen.form.editor("passport").text() == "** ** **8273"
    assert seen.form.editor("passport_issued_by").text() == "•••"
    assert not seen.reveal_button.isVisible()
    assert not seen.save_button.isVisible()
    assert seen.form.editor("phone").isReadOnly()

    # A registrar may reveal: the numbers come in full, editable, and it is journaled.
    desk_editor = editor_for(registrar, card.id)
    assert desk_editor.reveal_button.isVisible()
    assert desk_editor.form.editor("snils").isReadOnly()
    with qtbot.waitSignal(desk_editor.tabs.loaded, timeout=TIMEOUT):
        desk_editor.reveal_button.click()
    snils = desk_editor.form.editor("snils")
    assert snils.text() == SNILS and not snils.isReadOnly()
    assert snils.palette().color(base) != snils.palette().color(window)
    assert desk_editor.form.editor("passport_issued_by").text() == "ОВД Хамовники г. Москвы"
    assert not desk_editor.reveal_button.isVisible()
    with gui_database.sessions() as session:
        actions = session.scalars(
            sa.select(JournalEntry.action).where(JournalEntry.entity_id == card.id)
        ).all()
    assert "read_identity" in actions


def test_tabs_show_appointments_referrals_history_and_consents(
    qtbot, qtmodeltester, desk, editor_for, gui_database: Database
) -> None:
    context = desk("boris")
    card = cards.create_patient(gui_database.sessions, context.actor, context.keyring, FULL)
    today = factories.clinic_today()
    with gui_database.sessions() as session, session.begin():
        branch, specialty = factories.clinic(session)
        doctor = factories.doctor(session, branch, specialty, last_name="Зайцева")
        patient = session.get(Patient, card.id)
        factories.appointment(
            session, doctor, patient, factories.at(today, "09:15"), status=AppointmentStatus.ARRIVED
        )
        organisation = IssuingOrganisation(name="ГП № 7", ogrn="1027700000006")
        session.add(organisation)
        session.flush()
        session.add(
            Referral(
                number="77-123",
                organisation_id=organisation.id,
                issued_on=today,
                patient_id=card.id,
                specialty_id=specialty.id,
                diagnosis_code="K29.7",
                kind=ReferralKind.STANDARD,
                valid_days=30,
            )
        )

    editor = editor_for(context, card.id)
    tabs = editor.tabs
    assert tabs.appointments.rowCount() == 1
    assert tabs.appointments.index(0, 1).data() == "Зайцева П. П."
    assert tabs.appointments.index(0, 3).data() == "пришёл"
    assert tabs.tabText(0) == "Записи (1)"
    assert tabs.referrals.index(0, 0).data() == "77-123"
    assert tabs.referrals.index(0, 4).data() == (today + dt.timedelta(days=29)).strftime("%d.%m.%Y")
    assert tabs.history.index(0, 2).data() == "создание"

    tabs.setCurrentIndex(3)
    with qtbot.waitSignal(tabs.loaded, timeout=TIMEOUT):
        tabs.give_button.click()
    assert tabs.consents.rowCount() == 1
    assert tabs.consents.index(0, 0).data() == "обработка персональных данных"
    assert tabs.history.index(0, 2).data() == "согласие дано"
    with gui_database.sessions() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(PatientConsent)) == 1
    for model in (tabs.appointments, tabs.referrals, tabs.history, tabs.consents):
        qtmodeltester.check(model)


def test_an_unreachable_server_keeps_the_typing_and_saving_later_works(
    qtbot, desk, editor_for, gui_database: Database, keyring: KeyRing
) -> None:
    context = desk("boris")
    card = cards.create_patient(gui_database.sessions, context.actor, keyring, FULL)
    editor = editor_for(context, card.id)
    type_into(qtbot, editor.form.editor("address"), "Москва, ул. Льва Толстого, д. 16")

    gone = make_engine("postgresql+psycopg://postgres@127.0.0.1:1/gone", pool_size=1)
    context.database = dataclasses.replace(
        gui_database, engine=gone, sessions=make_session_factory(gone)
    )
    try:
        (message,) = save(qtbot, editor, "save_failed")
    finally:
        context.database = gui_database
        gone.dispose()
    assert message.startswith("Сервер базы данных недоступен")
    assert editor.bar.kind == "error" and editor.bar.text() == message
    assert editor.form.editor("address").text() == "Москва, ул. Льва Толстого, д. 16"
    assert editor.dirty

    save(qtbot, editor)
    with gui_database.sessions() as session:
        assert session.get(Patient, card.id).address == "Москва, ул. Льва Толстого, д. 16"
    assert not editor.dirty


def test_same_name_and_birth_date_asks_before_saving(
    qtbot, desk, editor_for, gui_database: Database, keyring: KeyRing
) -> None:
    context = desk("boris")
    twin = PatientForm(
        last_name="Орлова", first_name="Вера", birth_date="14.07.1986", phone="+79160001111"
    )
    existing = cards.create_patient(gui_database.sessions, context.actor, keyring, twin)
    editor = editor_for(context, prefill=dataclasses.replace(twin, phone="+79160002222"))
    (message,) = save(qtbot, editor, "save_failed")
    assert message == "Пациент с такими же ФИО и датой рождения уже есть"
    assert editor.bar.text() == f"{message}. Это тот же человек?"
    assert editor.bar.second_button.text() == "Открыть карту"
    with qtbot.waitSignal(editor.open_requested, timeout=TIMEOUT) as wanted:
        editor.bar.second_button.click()
    assert wanted.args == [existing.id]
    assert editor.bar.first_button.text() == "Всё равно сохранить"
    with qtbot.waitSignal(editor.saved, timeout=TIMEOUT) as saved:
        editor.bar.first_button.click()
    assert saved.args[0] != existing.id


def test_closing_with_unsaved_changes_asks_first(qtbot, desk, editor_for) -> None:
    editor = editor_for(desk("boris"))
    type_into(qtbot, editor.form.editor("last_name"), "Незаписанная")
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    box = editor.close_box
    assert box is not None and box.isVisible() and editor.isVisible()
    box.buttons()[0].click()  # back to the card: the text stays
    assert editor.isVisible() and editor.form.editor("last_name").text() == "Незаписанная"
    editor.close()
    box = editor.close_box
    assert box is not None
    discard = next(b for b in box.buttons() if b.text() == "Закрыть без сохранения")
    with qtbot.waitSignal(editor.rejected, timeout=TIMEOUT):
        discard.click()
