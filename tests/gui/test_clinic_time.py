"""Times a person reads are the clinic's, not the workstation's (issue 19, defect 8):
the card's «изменена» and the lockout's «заблокирована до»."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from crm.controllers.access import auth
from crm.controllers.clinic import settings
from crm.controllers.errors import LoginRefused
from crm.controllers.patients import cards
from crm.controllers.patients.form import PatientForm
from crm.crypto import generate_key_file
from crm.db.database import Database
from crm.models import Patient, User
from crm.views.patients.card_header import CardHeader
from tests.gui.conftest import PASSWORD

VLADIVOSTOK = ZoneInfo("Asia/Vladivostok")  # UTC+10, the clinic; the desk runs in UTC


@pytest.fixture
def desk_in_utc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def far_east(gui_database: Database, users, desk_in_utc) -> None:
    with gui_database.sessions() as session, session.begin():
        settings.put(session, settings.CLINIC_TIMEZONE, {"name": "Asia/Vladivostok"})


def test_the_cards_last_change_is_in_the_clinics_time(
    qtbot, make_context, gui_database: Database, tmp_path: Path, far_east
) -> None:
    context = make_context("boris")
    keyring = generate_key_file(tmp_path / "key.bin")
    form = PatientForm(
        last_name="Орлова", first_name="Вера", birth_date="14.07.1986", phone="+7 916 222-33-44"
    )
    created = cards.create_patient(gui_database.sessions, context.actor, keyring, form)
    with gui_database.sessions() as session:
        stored = session.get(Patient, created.id).updated_at
    card = cards.open_card(gui_database.sessions, context.actor, keyring, created.id)
    header = CardHeader()
    qtbot.addWidget(header)
    header.show_card(card)
    shown = stored.astimezone(VLADIVOSTOK).strftime("%d.%m.%Y %H:%M")
    assert shown in header.subtitle.text()


def test_the_lockout_says_until_when_in_the_clinics_time(
    gui_database: Database, users, far_east
) -> None:
    for _ in range(auth.MAX_FAILED_ATTEMPTS - 1):
        with pytest.raises(LoginRefused):
            auth.login(gui_database.sessions, "boris", "wrong", "desk-1")
    with pytest.raises(LoginRefused) as caught:
        auth.login(gui_database.sessions, "boris", PASSWORD + "x", "desk-1")
    with gui_database.sessions() as session:
        until = session.scalar(sa.select(User.locked_until).where(User.login == "boris"))
    assert until is not None
    assert until.astimezone(VLADIVOSTOK).strftime("%H:%M") in caught.value.message
    assert until.astimezone(dt.UTC).strftime("%H:%M") not in caught.value.message


def test_the_users_list_says_locked_until_in_the_clinics_time(
    gui_database: Database, users, far_east
) -> None:
    from crm.controllers.access.users import list_users

    for _ in range(auth.MAX_FAILED_ATTEMPTS):
        with pytest.raises(LoginRefused):
            auth.login(gui_database.sessions, "boris", "wrong", "desk-1")
    row = next(r for r in list_users(gui_database.sessions, actor=None) if r.login == "boris")
    assert row.locked_until is not None
    assert row.locked_until.utcoffset() == dt.timedelta(hours=10)
