"""The «Журнал» page against the real database: what the controllers journaled, read in
Russian words, with times in the clinic's timezone rather than the workstation's or UTC.

The clinic is put in Vladivostok (UTC+10) so that neither UTC nor Moscow time could
pass for the clinic's clock by accident.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from crm.controllers.clinic import settings
from crm.controllers.schedule import working_hours
from crm.controllers.schedule.working_hours import ExceptionForm
from crm.db.database import Database
from crm.models import JournalEntry
from crm.models.enums import ExceptionKind
from crm.views.itemmodels.journal_model import JournalModel
from crm.views.pages.journal_page import JournalPage
from tests import factories

TIMEOUT = 10_000
VLADIVOSTOK = ZoneInfo("Asia/Vladivostok")
CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
M = JournalModel


@pytest.fixture
def clinic_in_vladivostok(gui_database: Database) -> None:
    with gui_database.sessions() as session, session.begin():
        settings.put(session, settings.CLINIC_TIMEZONE, {"name": "Asia/Vladivostok"})


def test_the_journal_reads_in_russian_in_the_clinics_time(
    qtbot, make_context, gui_database: Database, clinic_in_vladivostok
) -> None:
    context = make_context("anna")
    day = dt.datetime.now(VLADIVOSTOK).date() + dt.timedelta(days=7)
    with gui_database.sessions() as session, session.begin():
        branch, specialty = factories.clinic(session)
        doctor = factories.doctor(session, branch, specialty, last_name="Зайцева")
        patient = factories.patient(session)
        booked = factories.appointment(
            session, doctor, patient, dt.datetime.combine(day, dt.time(10), tzinfo=VLADIVOSTOK)
        )
        doctor_id, appointment_id = doctor.id, booked.id
    midnight = dt.datetime.combine(day, dt.time(0), tzinfo=VLADIVOSTOK)
    working_hours.add_exception(
        gui_database.sessions,
        context.actor,
        doctor_id,
        ExceptionForm(
            kind=ExceptionKind.VACATION,
            starts_at=midnight,
            ends_at=midnight + dt.timedelta(days=1),
            reason="ежегодный отпуск",
        ),
    )

    page = JournalPage(context)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.loaded, timeout=TIMEOUT):
        page.refresh()
    model = page.model
    count = model.rowCount()
    assert page.status_label.text() == f"Показано записей: {count}, новые сверху."

    def text(row: int, column: int) -> str:
        return model.index(row, column).data()

    def row_of(action: str, entity: str) -> int:
        found = [
            n
            for n in range(count)
            if (model.row_at(n).action, model.row_at(n).entity) == (action, entity)
        ]
        assert len(found) == 1, (action, entity)
        return found[0]

    held = row_of("hold", "appointment")
    assert [text(held, c) for c in (M.ACTION, M.ENTITY, M.ENTITY_ID, M.OUTCOME)] == [
        "в лист переноса",
        "запись на приём",
        str(appointment_id),
        "выполнено",
    ]
    assert text(held, M.DETAILS).endswith("В листе переноса: нет → да")

    absence = row_of("create", "schedule_exception")
    assert text(absence, M.ACTION) == "создание"
    assert text(absence, M.ENTITY) == "исключение в расписании"
    assert text(absence, M.DETAILS) == (
        f"Вид: — → Отпуск; Начало: — → {day:%d.%m.%Y} 00:00; "
        f"Окончание: — → {day + dt.timedelta(days=1):%d.%m.%Y} 00:00; "
        "Врач: — → Зайцева П. П.; Причина: — → ежегодный отпуск"
    )

    login = row_of("login", "app_user")
    assert text(login, M.ACTION) == "вход"
    assert text(login, M.ENTITY) == "пользователь"

    # The time column: the server's moment in the clinic's zone, not UTC, not the desk's.
    with gui_database.sessions() as session:
        at = session.scalar(
            sa.select(JournalEntry.at).where(JournalEntry.id == model.row_at(held).id)
        )
    assert at is not None
    assert text(held, M.TIME) == at.astimezone(VLADIVOSTOK).strftime("%d.%m.%Y %H:%M:%S")
    assert text(held, M.TIME) != at.astimezone(dt.UTC).strftime("%d.%m.%Y %H:%M:%S")

    # No raw key of the code anywhere among the words.
    for row in range(count):
        for column in (M.ACTION, M.ENTITY, M.OUTCOME):
            assert CYRILLIC.search(text(row, column)), (row, column, text(row, column))


def test_a_users_creation_names_the_role(
    qtbot, make_context, gui_database: Database, users: dict[str, int]
) -> None:
    page = JournalPage(make_context("anna"))
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.loaded, timeout=TIMEOUT):
        page.refresh()
    model = page.model
    created = [
        n
        for n in range(model.rowCount())
        if model.row_at(n).action == "create" and model.row_at(n).entity_id == users["anna"]
    ]
    assert len(created) == 1
    assert model.index(created[0], M.DETAILS).data() == (
        "Логин: — → anna; Роль: — → менеджер; ФИО: — → Анна Петрова"
    )
