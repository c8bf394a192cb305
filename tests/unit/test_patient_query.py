"""Reading the patient search box (no database)."""

from __future__ import annotations

import datetime as dt

from crm.controllers.patients.search import ParsedQuery, parse_query


def test_words_are_surname_first_name_patronymic():
    assert parse_query("Иванов И П") == ParsedQuery(
        surname="иванов", first_name="и", patronymic="п"
    )
    assert parse_query("  Иванов  И.П. ") == ParsedQuery(
        surname="иванов", first_name="и", patronymic="п"
    )
    assert parse_query("иванов иван") == ParsedQuery(surname="иванов", first_name="иван")


def test_birth_date_alone_or_with_a_surname():
    assert parse_query("17.05.1980") == ParsedQuery(birth_date=dt.date(1980, 5, 17))
    assert parse_query("Иванов 17.05.1980") == ParsedQuery(
        surname="иванов", birth_date=dt.date(1980, 5, 17)
    )
    assert parse_query("31.02.1980").empty


def test_digits_become_snils_enp_or_phone():
    assert parse_query("112-233-445 95") == ParsedQuery(snils="11223344595")
    assert parse_query("7700 0000 0000 0008") == ParsedQuery(enp="7700000000000008")
    assert parse_query("8 (916) 123-45-67") == ParsedQuery(phone_digits="79161234567")
    assert parse_query("45-67") == ParsedQuery(phone_digits="4567")
    assert parse_query("12").empty


def test_latin_layout_is_read_as_cyrillic():
    assert parse_query("Bdfyjd B") == ParsedQuery(surname="иванов", first_name="и")


def test_empty():
    assert parse_query("   ").empty
