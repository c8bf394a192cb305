"""Reading patients' import files: encodings, delimiters, XLSX, column names (no database)."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from crm.controllers.patients.importing import ImportFileError, form_of, read_patient_table

HEADER_RU = "Фамилия;Имя;Отчество;Дата рождения;Пол;Телефон;СНИЛС;Любимый цвет"
ROW_RU = "Иванов;Иван;Петрович;17.05.1980;м;+7 916 123-45-67;112-233-445 95;синий"


def test_cp1251_with_semicolons(tmp_path):
    path = tmp_path / "patients.csv"
    path.write_bytes(f"{HEADER_RU}\r\n{ROW_RU}\r\n".encode("cp1251"))
    table = read_patient_table(path)
    assert table.unknown_columns == ["Любимый цвет"]
    [(number, cells)] = table.rows
    assert number == 2
    values = table.values_of(cells)
    assert values["last_name"] == "Иванов" and values["snils"] == "112-233-445 95"
    assert form_of(values).sex == "male"


def test_utf8_with_bom_and_commas_and_english_names(tmp_path):
    path = tmp_path / "patients.csv"
    text = (
        "last_name,first_name,birth_date,sex,e-mail\n"
        "Смирнова,Анна,01.02.1990,female,anna@example.ru\n"
        "\n"
        'Петрова,"Мария",1991-03-04,Ж,\n'
    )
    path.write_bytes("\ufeff".encode() + text.encode("utf-8"))
    table = read_patient_table(path)
    assert table.unknown_columns == []
    assert [number for number, _ in table.rows] == [2, 4]  # the blank row 3 is skipped
    first, second = (form_of(table.values_of(cells)) for _, cells in table.rows)
    assert first.last_name == "Смирнова" and first.email == "anna@example.ru"
    assert first.sex == "female" and second.sex == "female"
    assert second.birth_date == "1991-03-04"


def test_utf8_without_bom(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(f"{HEADER_RU}\n{ROW_RU}\n", encoding="utf-8")
    table = read_patient_table(path)
    assert table.values_of(table.rows[0][1])["patronymic"] == "Петрович"


def test_xlsx_real_dates_and_numbers(tmp_path):
    path = tmp_path / "patients.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Фамилия", "Имя", "Дата рождения", "Телефон", "Вид полиса", "Номер полиса"])
    sheet.append(["Иванов", "Иван", dt.datetime(1980, 5, 17), 79161234567, "ЕНП", "123"])
    sheet.append([None, None, None, None, None, None])
    sheet.append(["Петров", "Пётр", dt.date(1975, 1, 2), None, None, None])
    workbook.save(path)
    table = read_patient_table(path)
    assert [number for number, _ in table.rows] == [2, 4]
    values = table.values_of(table.rows[0][1])
    assert values["birth_date"] == "17.05.1980"
    assert values["phone"] == "79161234567"
    assert form_of(values).policy_kind == "unified"
    assert table.values_of(table.rows[1][1])["birth_date"] == "02.01.1975"


@pytest.mark.parametrize(
    ("kind", "number", "expected"),
    [
        ("старый", "1234", "old"),
        ("Временный", "123456789", "temporary"),
        ("", "7700000000000008", "unified"),
        ("", "123456789", "temporary"),
        ("", "", ""),
        ("непонятный", "1", "непонятный"),
    ],
)
def test_policy_kind(kind, number, expected):
    assert form_of({"policy_kind": kind, "policy_number": number}).policy_kind == expected


def test_missing_required_columns(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("Фамилия;Телефон\nИванов;89161234567\n", encoding="utf-8")
    with pytest.raises(ImportFileError) as caught:
        read_patient_table(path)
    assert "Имя" in caught.value.message and "Дата рождения" in caught.value.message


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("p.csv", b"", "no header"),
        ("p.csv", b"a;b;c\n1;2;3\n", "no header"),
        ("p.pdf", b"%PDF", "CSV"),
        ("p.xlsx", b"not a zip", "XLSX"),
    ],
)
def test_unreadable_files(tmp_path, name, content, expected, monkeypatch):
    from crm.i18n import set_language

    set_language("en")
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImportFileError) as caught:
        read_patient_table(path)
    assert expected in caught.value.message


def test_missing_file(tmp_path):
    with pytest.raises(ImportFileError):
        read_patient_table(tmp_path / "nothing.csv")
