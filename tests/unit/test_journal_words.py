"""The journal in words: every action, object and field the controllers journal has its
Russian word, values read as the desk reads them, times in the clinic's zone, and an
unknown key never breaks a screen."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest

from crm.controllers.journal import words
from crm.controllers.journal.words import Names
from crm.i18n import set_language
from crm.models.enums import ConsentKind
from tests.unit.journal_scan import scan

MOSCOW = ZoneInfo("Europe/Moscow")
CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)


@pytest.fixture(scope="module")
def journaled():
    return scan()


# --- everything journaled is named ------------------------------------------------------


def test_the_scan_follows_every_way_an_action_reaches_the_journal(journaled) -> None:
    assert journaled.unresolved == [], (
        "journal_scan cannot follow these journal.record calls: pass a literal action and "
        "changes, or teach tests/unit/journal_scan.py the new way"
    )
    # Through helpers, variables, returned tuples — the ones the tester saw among them.
    assert {"create", "status", "hold", "release", "accept", "offer_expired", "read_identity",
            "export", "login_failed", "reschedule"} <= journaled.actions  # fmt: skip
    assert {"appointment", "report", "waiting_list_entry", "schedule_exception"} <= (
        journaled.entities
    )
    assert {"in_holding_tray", "status", "kind", "ends_at", "room_id", "doctor_id",
            "wished_from", "weekday", "print.ticket_format"} <= journaled.fields  # fmt: skip


def test_every_journaled_action_has_a_russian_word(journaled) -> None:
    titles = words.action_titles()
    missing = sorted(journaled.actions - set(titles))
    assert missing == [], "name these actions in crm/controllers/journal_words.action_titles"
    english = sorted(a for a in journaled.actions if not CYRILLIC.search(titles[a]))
    assert english == [], "translate these actions (context «journal»)"


def test_every_journaled_object_has_a_russian_word(journaled) -> None:
    titles = words.entity_titles()
    missing = sorted(journaled.entities - set(titles))
    assert missing == [], "name these objects in crm/controllers/journal_words.entity_titles"
    assert all(CYRILLIC.search(titles[e]) for e in journaled.entities)


def test_every_journaled_field_has_a_russian_name(journaled) -> None:
    titles = words.field_titles()
    fields = journaled.fields | {f"consent_{kind.value}" for kind in ConsentKind}
    missing = sorted(fields - set(titles))
    assert missing == [], "name these fields in crm/controllers/journal_words.field_titles"
    assert all(CYRILLIC.search(titles[f]) for f in fields)


# --- values -----------------------------------------------------------------------------


def test_enumerations_use_the_programs_own_words() -> None:
    assert words.value_text("status", "booked", entity="appointment") == "записан"
    assert words.value_text("status", "arrived", entity="appointment") == "пришёл"
    assert words.value_text("status", "active", entity="referral") == "действует"
    assert words.value_text("status", "pending", entity="priority_request") == (
        "ждёт решения менеджера"
    )
    assert words.value_text("kind", "paid", entity="appointment") == "платно"
    assert words.value_text("kind", "vacation", entity="schedule_exception") == "Отпуск"
    assert words.value_text("kind", "long_term", entity="referral") == "длительное лечение"
    assert words.value_text("role", "manager") == "менеджер"
    assert words.value_text("weekday", 1) == "Понедельник"
    assert words.value_text("print.ticket_format", "a5") == "Лист A5"


def test_the_journals_own_words_for_values() -> None:
    assert words.value_text("in_holding_tray", True) == "да"
    assert words.value_text("in_holding_tray", False) == "нет"
    assert words.value_text("status", "offered", entity="waiting_list_entry") == (
        "предложено время"
    )
    assert words.value_text("channel", "phone") == "звонок"
    assert words.value_text("cancelled_by", "patient") == "пациент"
    assert words.value_text("sex", "female") == "женский"


def test_iso_times_are_shown_in_the_clinics_timezone() -> None:
    utc = "2026-11-24T08:14:00+00:00"
    assert words.value_text("starts_at", utc, tz=MOSCOW) == "24.11.2026 11:14"
    assert words.value_text("ends_at", "2026-11-24T00:00:00+03:00", tz=MOSCOW) == (
        "24.11.2026 00:00"
    )
    vladivostok = ZoneInfo("Asia/Vladivostok")
    assert words.value_text("offered_starts_at", utc, tz=vladivostok) == "24.11.2026 18:14"
    assert words.value_text("issued_on", "2026-11-05") == "05.11.2026"
    assert words.value_text("starts", "09:30:00") == "09:30"
    assert words.value_text("phone", "+79161234567") == "+7 (916) 123-45-67"
    moment = dt.datetime(2026, 11, 24, 8, 14, 5, tzinfo=dt.UTC)
    assert words.format_moment(moment, MOSCOW, seconds=True) == "24.11.2026 11:14:05"


def test_ids_are_named_when_the_names_are_at_hand() -> None:
    names = Names({"doctor": {7: "Петров П. П."}, "room": {3: "101"}})
    assert words.value_text("doctor_id", 7, names=names) == "Петров П. П."
    assert words.value_text("offered_doctor_id", 7, names=names) == "Петров П. П."
    assert words.value_text("room_id", 3, names=names) == "кабинет 101"
    assert words.value_text("room_id", 4, names=names) == "№ 4"
    assert words.value_text("doctor_id", 8) == "№ 8"
    assert words.value_text("replaced_by", 12) == "запись № 12"
    assert words.value_text("patient_id", 5) == "карта № 5"
    merged = names.merged(Names({"room": {3: "102"}, "branch": {1: "Центр"}}))
    assert merged.of("room_id", 3) == "102" and merged.of("branch_id", 1) == "Центр"
    assert names.of("room_id", 3) == "101"  # the original is left alone


def test_unknown_keys_and_values_are_shown_as_they_are() -> None:
    assert words.action_title("teleport") == "teleport"
    assert words.entity_title("spaceship") == "spaceship"
    assert words.entity_title(None) == "—"
    assert words.field_title("warp_factor") == "warp_factor"
    assert words.outcome_title("maybe") == "maybe"
    assert words.value_text("status", "lost_in_space", entity="appointment") == "lost_in_space"
    assert words.value_text("kind", "other", entity="referral") == "other"
    assert words.value_text("weekday", 9) == "9"
    assert words.value_text("role", "astronaut") == "astronaut"
    assert words.value_text("report", "no-such-report", entity="report") == "no-such-report"
    assert words.value_text("starts_at", "2026-13-45T99:00") == "2026-13-45T99:00"
    assert words.value_text("anything", None) == "—"
    assert words.value_text("anything", {"a": 1}) == "{'a': 1}"
    assert words.describe("spaceship", {"warp": [1, 2], "odd": [1, 2, 3]}) == (
        "warp: 1 → 2; odd: [1, 2, 3]"
    )


# --- whole entries ----------------------------------------------------------------------


def test_an_absence_reads_as_the_manager_typed_it() -> None:
    changes = {
        "kind": [None, "vacation"],
        "reason": [None, "ежегодный"],
        "room_id": [None, None],
        "ends_at": [None, "2026-11-30T21:00:00+00:00"],
        "doctor_id": [None, 7],
        "starts_at": [None, "2026-11-23T21:00:00+00:00"],
    }
    names = Names({"doctor": {7: "Петров П. П."}})
    text = words.describe("schedule_exception", changes, tz=MOSCOW, names=names)
    assert text == (
        "Вид: — → Отпуск; Начало: — → 24.11.2026 00:00; Окончание: — → 01.12.2026 00:00; "
        "Врач: — → Петров П. П.; Кабинет: —; Причина: — → ежегодный"
    )


def test_a_held_appointment_and_an_export() -> None:
    held = words.describe(
        "appointment", {"in_holding_tray": [False, True]}, "рабочие часы изменены"
    )
    assert held == "рабочие часы изменены; В листе переноса: нет → да"
    export = words.change_texts(
        "report", {"from": "2026-11-01", "to": "2026-11-30", "rows": 12, "status": "no_show"}
    )
    assert [str(c) for c in export] == [
        "Статус: неявка",
        "Период с: 01.11.2026",
        "Период по: 30.11.2026",
        "Строк: 12",
    ]
    assert all(c.single for c in export)


def test_english_is_the_source_language() -> None:
    set_language("en")
    assert words.action_title("hold") == "moved to the holding tray"
    assert words.value_text("overbooked", True) == "yes"
    assert words.field_title("in_holding_tray") == "In the holding tray"


def test_every_permission_has_a_title_and_no_code_is_shown() -> None:
    from crm.controllers.access.permissions import Permission
    from crm.controllers.vocabulary import permission_title

    for permission in Permission:
        title = permission_title(permission)
        assert title and title != permission.value and "_" not in title
