"""Writing ``config.toml`` and the workstation settings' checks (no database, no Qt)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from crm.config import ConfigError, resolve, write_config
from crm.controllers.context import Actor
from crm.controllers.errors import PermissionDenied, ValidationError
from crm.controllers.workstation.settings import (
    DATABASE_URL,
    KEY_FILE,
    WorkstationConfig,
    problems,
    read_workstation_config,
    save_workstation_config,
)
from crm.models.enums import Role

ORIGINAL = """\
workstation = "desk-9"
lang = "ru"
timeout = 12
debug = true

[printing]
label = "Окно 3"
sizes = [1, 2]
"""


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CRM_CONFIG_DIR", str(tmp_path))
    return tmp_path / "config.toml"


def actor(role: Role) -> Actor:
    return Actor(user_id=1, login="x", full_name="X", role=role, workstation="desk-9")


def test_write_config_round_trip_keeps_unknown_keys_and_tables(config: Path) -> None:
    config.write_text(ORIGINAL, encoding="utf-8")
    url = 'postgresql://u:p"w\\d@h/db'
    write_config({"database_url": url, "key_file": r"C:\Клиника\key.bin"})
    data = tomllib.loads(config.read_text(encoding="utf-8"))
    assert data["database_url"] == url
    assert data["key_file"] == r"C:\Клиника\key.bin"
    assert data["workstation"] == "desk-9" and data["timeout"] == 12 and data["debug"] is True
    assert data["printing"] == {"label": "Окно 3", "sizes": [1, 2]}
    settings = resolve()
    assert settings.database_url == 'postgresql+psycopg://u:p"w\\d@h/db'
    assert settings.key_file == Path(r"C:\Клиника\key.bin")
    write_config({"database_url": None})  # back to the built-in server
    assert "database_url" not in tomllib.loads(config.read_text(encoding="utf-8"))
    assert resolve().embedded
    assert not list(config.parent.glob("*.new"))


def test_write_config_creates_the_folder(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "config.toml"
    write_config({"lang": "en"}, path)
    assert tomllib.loads(path.read_text(encoding="utf-8")) == {"lang": "en"}


def test_write_config_refuses_to_overwrite_a_broken_file(config: Path) -> None:
    config.write_text("database_url = \n", encoding="utf-8")
    with pytest.raises(ConfigError, match="config.toml"):
        write_config({"lang": "en"})
    assert config.read_text(encoding="utf-8") == "database_url = \n"  # nothing lost


def test_read_workstation_config_defaults(config: Path) -> None:
    read = read_workstation_config()
    assert read == WorkstationConfig(None, str(config.parent / "key.bin"), "ru")
    config.write_text('database_url = "embedded"\nlang = "en"\n', encoding="utf-8")
    assert read_workstation_config().database_url is None
    assert read_workstation_config().lang == "en"


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("", "адрес"),
        ("garbage", "postgresql://"),
        ("mysql://u@h/db", "PostgreSQL"),
        ("postgresql://u@h:abc/db", "порт"),
        ("postgresql://u@h", "имя базы"),
    ],
)
def test_bad_addresses_are_named(url: str, words: str) -> None:
    found = problems(WorkstationConfig(url, "/k/key.bin", "ru"))
    assert [p.field for p in found] == [DATABASE_URL]
    assert words in found[0].message


def test_good_addresses_pass(tmp_path: Path) -> None:
    for url in (None, "postgresql://u@h/db", "postgresql+psycopg://u:p@h:5433/db?sslmode=require"):
        assert problems(WorkstationConfig(url, str(tmp_path / "key.bin"), "ru")) == []


def test_key_file_must_be_a_file(tmp_path: Path) -> None:
    found = problems(WorkstationConfig(None, str(tmp_path), "ru"))
    assert [p.field for p in found] == [KEY_FILE]
    assert [p.field for p in problems(WorkstationConfig(None, " ", "ru"))] == [KEY_FILE]


def test_save_names_the_field_and_writes_nothing(config: Path) -> None:
    before = read_workstation_config()
    with pytest.raises(ValidationError) as refused:
        save_workstation_config(None, before, WorkstationConfig("mysql://h/db", "", "ru"))
    assert refused.value.field == DATABASE_URL
    assert refused.value.message.startswith("Адрес сервера: ")
    assert "Файл ключа: " in refused.value.message
    assert not config.exists()


def test_only_an_administrator_changes_the_server(config: Path) -> None:
    config.write_text(ORIGINAL, encoding="utf-8")
    before = read_workstation_config()
    moved = WorkstationConfig("postgresql://u@h/db", before.key_file, "ru")
    for role in (Role.REGISTRAR, Role.MANAGER, Role.DOCTOR):
        with pytest.raises(PermissionDenied):
            save_workstation_config(actor(role), before, moved)
    assert config.read_text(encoding="utf-8") == ORIGINAL
    # Anybody changes the language.
    english = WorkstationConfig(before.database_url, before.key_file, "en")
    outcome = save_workstation_config(actor(Role.REGISTRAR), before, english)
    assert outcome.changed == ("lang",) and outcome.restart_needed
    assert resolve().lang == "en"
    assert save_workstation_config(actor(Role.ADMIN), english, moved).changed == (
        "database_url",
        "lang",
    )
    assert resolve().database_url == "postgresql+psycopg://u@h/db"
    # The start-up error screen (nobody logged in) may change it too.
    assert save_workstation_config(None, moved, WorkstationConfig(None, before.key_file, "ru"))
    assert resolve().embedded


def test_nothing_changed_writes_nothing(config: Path) -> None:
    before = read_workstation_config()
    outcome = save_workstation_config(actor(Role.REGISTRAR), before, before)
    assert outcome.changed == () and not outcome.restart_needed
    assert not config.exists()
