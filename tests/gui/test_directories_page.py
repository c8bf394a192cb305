"""The «Directories» section: each directory screen adds, edits, refuses a bad field by
name (keeping what was typed) and deactivates; the clinic's details for an admin."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa

from crm.controllers.access import auth
from crm.controllers.directories import records
from crm.controllers.directories.catalogue import (
    BRANCHES,
    DOCTORS,
    HOURS,
    ROOMS,
    SERVICES,
    SPECIALTIES,
    WEEKDAYS,
)
from crm.controllers.errors import PermissionDenied
from crm.models import JournalEntry
from crm.models.enums import Role
from crm.views import AppContext
from crm.views.directories.hours_tab import HoursTab
from crm.views.directories.page import DirectoriesPage
from crm.views.directories.tab import DirectoryTab

TIMEOUT = 10_000


@pytest.fixture
def page(qtbot, make_context: Callable[..., AppContext]) -> DirectoriesPage:
    widget = DirectoriesPage(make_context("anna"))
    qtbot.addWidget(widget)
    widget.show()
    return widget


def _loaded(qtbot, tab: DirectoryTab) -> None:
    with qtbot.waitSignal(tab.loaded, timeout=TIMEOUT):
        tab.refresh()


def _save(qtbot, tab: DirectoryTab) -> None:
    tab.messages.clear()
    tab.save()
    qtbot.waitUntil(lambda: not tab.saving and tab.messages.kind != "", timeout=TIMEOUT)


def _type(tab: DirectoryTab, values: dict[str, str]) -> None:
    for field, text in values.items():
        tab.form.set_value(field, text)


@pytest.mark.parametrize(
    ("key", "row", "bad", "edit"),
    [
        ("branches", {"name": "Центральный", "address": "г. Тверь, ул. Советская, 10"},
         ("phone", "12", ""), ("address", "г. Тверь, ул. Новая, 2")),
        ("specialties", {"code": "therapist", "name": "Терапевт"},
         ("referral_days", "400", "14"), ("name", "Врач-терапевт")),
        ("services", {"code": "S-1", "name": "Приём терапевта", "duration_slots": "1"},
         ("duration_slots", "9", "2"), ("name", "Приём терапевта первичный")),
        ("rooms", {"branch_id": "Опорный", "number": "203"},
         ("branch_id", "Нет такого", "Опорный"), ("name", "Процедурный")),
        ("prices", {"service_id": "S-0", "amount": "1500", "valid_from": "01.01.2026"},
         ("amount", "-1", "1500,50"), ("valid_to", "31.12.2026")),
    ],
)  # fmt: skip
def test_a_directory_screen_adds_refuses_edits_and_deactivates(  # noqa: PLR0917 (parametrized)
    qtbot, page: DirectoriesPage, key: str, row: dict, bad: tuple, edit: tuple
) -> None:
    actor, db = page.clinic._context.actor, page.clinic._context.database.sessions
    records.save(db, actor, BRANCHES, {"name": "Опорный", "address": "Тверь"})
    records.save(db, actor, SERVICES, {"code": "S-0", "name": "Осмотр", "duration_slots": "1"})
    tab = page.tabs[key]
    page.tab_widget.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: not tab.loading, timeout=TIMEOUT)
    before = tab.model.rowCount()
    tab.new()
    _type(tab, {**row, bad[0]: bad[1]})
    _save(qtbot, tab)
    assert tab.messages.kind == "error"
    assert tab.form.problem(bad[0]) != "", "the bad field is named under itself"
    assert tab.form.value(bad[0]) == bad[1], "typed text stays"
    assert all(tab.form.value(f) == v for f, v in row.items() if f != bad[0])
    assert tab.model.rowCount() == before

    tab.form.set_value(bad[0], bad[2])
    _save(qtbot, tab)
    assert tab.messages.kind == "done", tab.messages.text()
    qtbot.waitUntil(lambda: tab.model.rowCount() == before + 1, timeout=TIMEOUT)

    tab.form.set_value(*edit)
    _save(qtbot, tab)
    assert tab.messages.kind == "done"
    line = tab.model.line_of(tab.current.id)
    qtbot.waitUntil(lambda: tab.model.row_at(line).cells[edit[0]] == edit[1], timeout=TIMEOUT)
    if not tab.directory.deactivatable:  # prices end by their period
        assert not tab.active_button.isVisible()
        return
    tab.toggle()
    qtbot.waitUntil(lambda: tab.current is not None and not tab.current.active, timeout=TIMEOUT)
    assert tab.active_button.text() == "Вернуть в работу"


def test_the_doctor_form_offers_the_branches_and_specialties_in_use(
    qtbot, page: DirectoriesPage, make_context: Callable[..., AppContext]
) -> None:
    actor = make_context("anna").actor
    db = page.clinic._context.database.sessions
    records.save(db, actor, BRANCHES, {"name": "Центральный", "address": "Тверь"})
    records.save(db, actor, SPECIALTIES, {"code": "therapist", "name": "Терапевт"})
    old = records.save(db, actor, SPECIALTIES, {"code": "old", "name": "Упразднённая"})
    records.set_active(db, actor, SPECIALTIES, old.id, False)
    tab = page.tabs["doctors"]
    page.tab_widget.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: not tab.loading and tab.count.text() != "", timeout=TIMEOUT)
    combo = tab.form.inputs["specialty_id"]
    offered = [combo.itemText(i) for i in range(combo.count())]
    assert "therapist" in offered and "old" not in offered
    tab.new()
    doctor = {"last_name": "Орлова", "first_name": "Анна", "specialty_id": "therapist",
              "branch_id": "Центральный", "slot_minutes": "15", "offers_remote": "да"}  # fmt: skip
    _type(tab, doctor)
    _save(qtbot, tab)
    assert tab.messages.kind == "done", tab.messages.text()
    assert tab.current is not None and tab.current.cells["offers_remote"] == "да"


def test_the_clinic_tab_is_edited_by_an_admin_only(
    qtbot, gui_database, make_context: Callable[..., AppContext]
) -> None:
    auth.add_user(gui_database.sessions, "root", "secret-123", Role.ADMIN, "Админ")
    manager_page = DirectoriesPage(make_context("anna"))
    qtbot.addWidget(manager_page)
    assert not manager_page.clinic.may_edit
    admin_page = DirectoriesPage(make_context("root"))
    qtbot.addWidget(admin_page)
    clinic = admin_page.clinic
    with qtbot.waitSignal(clinic.loaded, timeout=TIMEOUT):
        clinic.refresh()
    clinic.form.set_value("name", "Клиника «Ромашка»")
    clinic.form.set_value("address", "")
    clinic.save()
    qtbot.waitUntil(lambda: clinic.form.problem("address") != "", timeout=TIMEOUT)
    clinic.form.set_value("address", "г. Пенза, ул. Мира, 3")
    with qtbot.waitSignal(clinic.saved, timeout=TIMEOUT):
        clinic.save()


def test_an_administrator_sets_the_video_link_template_on_the_clinic_tab(
    qtbot, gui_database, make_context: Callable[..., AppContext]
) -> None:
    auth.add_user(gui_database.sessions, "root", "secret-123", Role.ADMIN, "Админ")
    page = DirectoriesPage(make_context("root"))
    qtbot.addWidget(page)
    box = page.clinic.telemedicine
    with qtbot.waitSignal(box.loaded, timeout=TIMEOUT):
        box.refresh()
    assert box.template.text() == ""
    box.template.setText("meet.clinic.ru/{room}")  # no scheme: refused, the text stays
    box.save_button.click()
    qtbot.waitUntil(lambda: "Видеосвязь" in box.message.text(), timeout=TIMEOUT)
    assert box.template.text() == "meet.clinic.ru/{room}"
    box.template.setText("https://meet.clinic.ru/{room}")
    with qtbot.waitSignal(box.saved, timeout=TIMEOUT):
        box.save_button.click()
    assert box.message.text() == ""

    manager_page = DirectoriesPage(make_context("anna"))
    qtbot.addWidget(manager_page)
    manager_box = manager_page.clinic.telemedicine
    with qtbot.waitSignal(manager_box.loaded, timeout=TIMEOUT):
        manager_box.refresh()
    assert manager_box.template.text() == "https://meet.clinic.ru/{room}"
    assert manager_box.template.isReadOnly() and not manager_box.save_button.isVisibleTo(
        manager_box
    )


def test_a_workbook_is_previewed_then_imported_and_the_tabs_show_it(
    qtbot, page: DirectoriesPage, tmp_path
) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Филиалы"
    sheet.append(["Название", "Адрес", "Телефон"])
    sheet.append(["Южный", "г. Сочи, ул. Морская, 1", ""])
    rooms = book.create_sheet("Кабинеты")
    rooms.append(["Филиал", "Номер", "Название"])
    rooms.append(["Северный", "7", ""])  # no such branch
    path = tmp_path / "clinic.xlsx"
    book.save(path)
    bar = page.workbook
    with qtbot.waitSignal(bar.previewed, timeout=TIMEOUT) as refused:
        bar.preview(path)
    assert refused.args[0].problems
    assert "Кабинеты" in page.messages.text() and "строка 2" in page.messages.text()
    rooms.delete_rows(2)
    book.save(path)
    with qtbot.waitSignal(bar.previewed, timeout=TIMEOUT):
        bar.preview(path)
    assert "новых: 1" in page.messages.text()
    with qtbot.waitSignal(bar.imported, timeout=TIMEOUT):
        page.messages.first_button.click()  # «Загрузить»
    tab = page.tabs["branches"]
    page.tab_widget.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=TIMEOUT)
    assert tab.model.row_at(0).cells["name"] == "Южный"


def _doctor_with_rooms(page: DirectoriesPage) -> None:
    actor, db = page.clinic._context.actor, page.clinic._context.database.sessions
    records.save(db, actor, BRANCHES, {"name": "Центральный", "address": "Тверь"})
    records.save(db, actor, BRANCHES, {"name": "Южный", "address": "Тверь"})
    for branch, number in (("Центральный", "12"), ("Центральный", "14"), ("Южный", "30")):
        records.save(db, actor, ROOMS, {"branch_id": branch, "number": number})
    records.save(db, actor, SPECIALTIES, {"code": "therapist", "name": "Терапевт"})
    for last, room in (("Ильина", "12"), ("Орлов", "14")):
        records.save(db, actor, DOCTORS, {
            "last_name": last, "first_name": "Анна", "specialty_id": "therapist",
            "branch_id": "Центральный", "default_room_id": room, "slot_minutes": "15"})  # fmt: skip


def test_the_working_hours_tab_edits_one_doctors_week(
    qtbot, page: DirectoriesPage, gui_database
) -> None:
    _doctor_with_rooms(page)
    tab = page.tabs["hours"]
    assert isinstance(tab, HoursTab)
    assert page.tab_widget.tabText(page.tab_widget.indexOf(tab)) == "Часы работы"
    page.tab_widget.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: not tab.loading and tab.doctor.count() == 3, timeout=TIMEOUT)
    tab.choose_doctor("Ильина Анна")
    tab.new()
    assert tab.form.value("doctor_id") == "Ильина Анна", "the chosen doctor is filled in"
    assert tab.form.value("valid_from") != "" and not tab.has_unsaved_changes()
    weekdays = tab.form.inputs["weekday"]
    assert [weekdays.itemText(i) for i in range(1, 8)] == list(WEEKDAYS)

    # Refused fields are named under themselves; what was typed stays.
    for field, text, words in (
        ("ends", "08:00", "По:"),  # before the start
        ("starts", "09:10", "15 минут"),  # off the doctor's slot grid
        ("room_id", "30", "Кабинет"),  # a room of another branch
    ):
        tab.new()
        _type(tab, {"weekday": "пн", "starts": "09:00", "ends": "13:00", field: text})
        _save(qtbot, tab)
        assert tab.messages.kind == "error", field
        assert words in tab.form.problem(field), tab.form.problem(field)
        assert tab.form.value(field) == text
    assert tab.model.rowCount() == 0

    tab.new()
    _type(tab, {"weekday": "пн", "starts": "09:00", "ends": "13:00", "room_id": "12"})
    _save(qtbot, tab)
    assert tab.messages.kind == "done", tab.messages.text()
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=TIMEOUT)
    saved = tab.current
    assert saved is not None and saved.cells["weekday"] == "пн"

    tab.new()  # the same doctor, overlapping hours
    _type(tab, {"weekday": "пн", "starts": "12:00", "ends": "15:00"})
    _save(qtbot, tab)
    assert "пересекаются" in tab.form.problem("starts"), tab.form.problem("starts")

    tab.form.set_values(saved.cells)  # edit: a shorter Monday
    tab.current = saved
    tab.form.set_value("ends", "12:00")
    _save(qtbot, tab)
    assert tab.messages.kind == "done", tab.messages.text()
    qtbot.waitUntil(lambda: tab.model.row_at(0).cells["ends"] == "12:00", timeout=TIMEOUT)

    tab.choose_doctor("Орлов Анна")  # another doctor's week is empty
    qtbot.waitUntil(lambda: tab.model.rowCount() == 0, timeout=TIMEOUT)
    assert tab.form.value("doctor_id") == "Орлов Анна"
    _type(tab, {"weekday": "пн", "starts": "10:00", "ends": "11:00", "room_id": "12"})
    _save(qtbot, tab)
    assert "занят" in tab.form.problem("room_id"), tab.form.problem("room_id")

    with gui_database.sessions() as session:
        changes = session.scalars(
            sa.select(JournalEntry.changes)
            .where(JournalEntry.entity == "schedule_template")
            .order_by(JournalEntry.id)
        ).all()
    assert len(changes) == 2
    assert changes[1] == {"ends": ["13:00:00", "12:00:00"]}


def test_the_working_hours_are_refused_to_a_registrar(
    make_context: Callable[..., AppContext],
) -> None:
    context = make_context("boris")
    with pytest.raises(PermissionDenied):
        records.list_rows(context.database.sessions, context.actor, HOURS)
    with pytest.raises(PermissionDenied):
        records.save(context.database.sessions, context.actor, HOURS, {"weekday": "пн"})
