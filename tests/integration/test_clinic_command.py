"""``clinic-crm clinic set/show`` on a fresh database: the scripted install of a clinic."""

from __future__ import annotations

from click.testing import CliRunner

from crm.cli import main

SET = [
    "clinic", "set", "--name", "ООО «Здоровый город»", "--short-name", "Здоровый город",
    "--address", "г. Тверь, ул. Советская, 10", "--ogrn", "1027700132195",
    "--timezone", "Europe/Moscow", "--ticket-paper", "a5",
]  # fmt: skip


def test_clinic_set_on_an_empty_database_creates_the_administrator(committed_db_url: str) -> None:
    runner = CliRunner()
    url = ["--database", committed_db_url]
    assert runner.invoke(main, [*url, "db", "upgrade"]).exit_code == 0  # makes the key
    shown = runner.invoke(main, [*url, "clinic", "show"])
    assert shown.exit_code == 1 and "не настроена" in shown.output
    no_admin = runner.invoke(main, [*url, *SET])
    assert no_admin.exit_code == 1 and "--admin-login" in no_admin.output
    made = runner.invoke(main, [*url, *SET, "--admin-login", "chief"], input="long enough\n")
    assert made.exit_code == 0, made.output
    assert "chief" in made.output
    shown = runner.invoke(main, [*url, "clinic", "show"])
    assert "Полное название: ООО «Здоровый город»" in shown.output
    assert "Бумага талонов: a5" in shown.output

    changed = runner.invoke(
        main, [*url, "clinic", "set", "--phone", "+7 4822 55-66-77", "--as", "chief",
               "--password-stdin"], input="long enough\n",
    )  # fmt: skip
    assert changed.exit_code == 0, changed.output
    shown = runner.invoke(main, [*url, "clinic", "show"])
    assert "Телефон: +7 (482) 255-66-77" in shown.output
    assert "Адрес: г. Тверь, ул. Советская, 10" in shown.output, "other details kept"

    template = "https://meet.zdorovy-gorod.ru/{room}"
    chief = ["--as", "chief", "--password-stdin"]
    video = runner.invoke(
        main, [*url, "clinic", "telemedicine", template, *chief], input="long enough\n"
    )
    assert video.exit_code == 0 and template in video.output, video.output
    assert template in runner.invoke(main, [*url, "clinic", "telemedicine"]).output
    bad = runner.invoke(
        main, [*url, "clinic", "telemedicine", "meet.ru", *chief], input="long enough\n"
    )
    assert bad.exit_code == 1 and "Видеосвязь" in bad.output


def test_bad_details_are_each_named_and_nothing_is_stored(committed_db_url: str) -> None:
    runner = CliRunner()
    url = ["--database", committed_db_url]
    assert runner.invoke(main, [*url, "db", "upgrade"]).exit_code == 0
    refused = runner.invoke(
        main,
        [*url, "clinic", "set", "--name", "Клиника", "--ogrn", "123", "--timezone", "Moon",
         "--admin-login", "chief"],
        input="long enough\n",
    )  # fmt: skip
    assert refused.exit_code == 1
    assert "Адрес: обязательное поле" in refused.output
    assert "ОГРН" in refused.output and "Moon" in refused.output
    assert runner.invoke(main, [*url, "clinic", "show"]).exit_code == 1
