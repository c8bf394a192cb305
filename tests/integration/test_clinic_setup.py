"""The first start on an empty database: the clinic's details and its first administrator."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy.orm import Session, sessionmaker

from crm.controllers.access import auth
from crm.controllers.clinic import profile, settings, setup
from crm.controllers.clinic.profile import ProfileForm
from crm.controllers.clinic.setup import AdminForm, AlreadySetUp
from crm.controllers.context import Actor
from crm.controllers.errors import FormInvalid, PermissionDenied
from crm.models import JournalEntry, User
from crm.models.enums import Role
from crm.reports.ticket import TicketFormat

CLINIC = ProfileForm(
    name="ООО «Клиника доктора Петровой»",
    short_name="Клиника Петровой",
    address="г. Казань, ул. Баумана, д. 5",
    phone="8 (843) 123-45-67",
    ogrn="1027700132195",
    licence="ЛО-16-01-001234",
    timezone="Europe/Moscow",
    ticket_format="roll80",
)
ADMIN = AdminForm(
    login="petrova", full_name="Петрова Анна", password="long enough", password_again="long enough"
)


def test_an_empty_database_needs_setup_and_setup_runs_once(db: sessionmaker[Session]) -> None:
    assert setup.needs_setup(db)
    stored = setup.set_up(db, CLINIC, ADMIN)
    assert not setup.needs_setup(db)
    assert stored.phone == "+78431234567"
    assert stored.ticket_format is TicketFormat.ROLL80
    assert profile.read_profile(db) == stored
    actor = auth.login(db, "petrova", "long enough", "desk-1")
    assert actor.role is Role.ADMIN
    with pytest.raises(AlreadySetUp):
        setup.set_up(db, CLINIC, AdminForm("second", "", "long enough", "long enough"))
    with db() as session:
        entry = session.query(JournalEntry).filter_by(entity="clinic_profile").one()
        assert entry.login == "setup"
        assert entry.changes["name"] == [None, CLINIC.name]


def test_every_bad_field_of_both_forms_is_named_at_once(db: sessionmaker[Session]) -> None:
    bad_clinic = ProfileForm(
        name=" ", address="", phone="12", ogrn="1027700132196", timezone="Mars/Base"
    )
    bad_admin = AdminForm(login="пётр", password="short", password_again="other")
    with pytest.raises(FormInvalid) as refused:
        setup.set_up(db, bad_clinic, bad_admin)
    fields = [problem.field for problem in refused.value.problems]
    assert fields == [
        "name",
        "address",
        "phone",
        "ogrn",
        "timezone",
        "login",
        "password",
        "password_again",
    ]
    messages = {problem.field: problem.message for problem in refused.value.problems}
    assert messages["name"].startswith("Полное название")
    assert "контрольн" in messages["ogrn"]
    assert "Mars/Base" in messages["timezone"]
    assert setup.needs_setup(db), "nothing is written on a refusal"


def test_two_desks_finishing_the_wizard_at_once_make_one_administrator(
    committed_db: sessionmaker[Session],
) -> None:
    outcomes: list[str] = []
    start = threading.Barrier(2)

    def finish(login: str) -> None:
        start.wait()
        try:
            setup.set_up(committed_db, CLINIC, AdminForm(login, "", "long enough", "long enough"))
            outcomes.append("done")
        except AlreadySetUp:
            outcomes.append("refused")

    threads = [threading.Thread(target=finish, args=(name,)) for name in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["done", "refused"]
    with committed_db() as session:
        assert session.query(User).count() == 1


def test_an_administrator_changes_the_profile_and_the_journal_says_what(
    db: sessionmaker[Session],
) -> None:
    setup.set_up(db, CLINIC, ADMIN)
    admin = auth.login(db, "petrova", "long enough", "desk-1")
    changed = profile.save_profile(
        db, admin, ProfileForm(**{**CLINIC.__dict__, "address": "г. Казань, ул. Пушкина, 1"})
    )
    assert changed.address == "г. Казань, ул. Пушкина, 1"
    with db() as session:
        assert settings.get(session, settings.CLINIC_PROFILE)["address"] == changed.address
        last = (
            session.query(JournalEntry)
            .filter_by(entity="clinic_profile")
            .order_by(JournalEntry.id.desc())
            .first()
        )
        assert last.changes == {"address": [CLINIC.address, changed.address]}
        assert last.login == "petrova"
    registrar = Actor(
        user_id=0, login="desk", full_name="Desk", role=Role.REGISTRAR, workstation="w"
    )
    with pytest.raises(PermissionDenied):
        profile.save_profile(db, registrar, CLINIC)


def test_timezones_start_with_russias_and_hold_the_whole_list() -> None:
    zones = profile.timezones()
    assert zones[:2] == ("Europe/Kaliningrad", "Europe/Moscow")
    assert "America/New_York" in zones and len(set(zones)) == len(zones)
