"""Where the settings come from: flag > environment > config.toml > embedded."""

from __future__ import annotations

from pathlib import Path

import pytest

from crm.config import ConfigError, normalise_url, resolve, save_database_url


@pytest.fixture
def config(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("CRM_CONFIG_DIR", str(tmp_path))
    monkeypatch.delenv("CRM_DATABASE_URL", raising=False)
    monkeypatch.delenv("CRM_KEY_FILE", raising=False)
    return tmp_path / "config.toml"


def test_embedded_when_nothing_is_configured(config):
    settings = resolve()
    assert settings.embedded and settings.database_source == "embedded"
    assert settings.key_file == config.parent / "key.bin"


def test_precedence(config, monkeypatch):
    config.write_text('database_url = "postgresql://cfg/db"\nkey_file = "/k/cfg"\n')
    assert resolve().database_url == "postgresql+psycopg://cfg/db"
    assert resolve().database_source == "config"
    monkeypatch.setenv("CRM_DATABASE_URL", "postgresql://env/db")
    monkeypatch.setenv("CRM_KEY_FILE", "/k/env")
    assert (resolve().database_url, resolve().key_file) == (
        "postgresql+psycopg://env/db",
        Path("/k/env"),
    )
    flagged = resolve(database="postgresql://flag/db", key_file="/k/flag")
    assert (flagged.database_url, flagged.database_source) == (
        "postgresql+psycopg://flag/db",
        "flag",
    )
    assert flagged.key_file == Path("/k/flag")


def test_the_word_embedded_forces_the_embedded_server(config, monkeypatch):
    monkeypatch.setenv("CRM_DATABASE_URL", "postgresql://env/db")
    assert resolve(database="embedded").embedded


def test_broken_config_names_the_file(config):
    config.write_text("database_url = \n")
    with pytest.raises(ConfigError, match="config.toml"):
        resolve()


def test_save_database_url_keeps_other_keys(config):
    config.write_text('lang = "en"\n')
    save_database_url('postgresql://u@h/"db"')
    settings = resolve()
    assert settings.lang == "en"
    assert settings.database_url == 'postgresql+psycopg://u@h/"db"'


def test_normalise_url_keeps_explicit_drivers():
    assert normalise_url("postgresql+psycopg://x/y") == "postgresql+psycopg://x/y"
    assert normalise_url("postgres://x/y") == "postgresql+psycopg://x/y"


def test_a_libpq_host_list_moves_into_the_query_sqlalchemy_and_libpq_both_read() -> None:
    from psycopg.conninfo import conninfo_to_dict
    from sqlalchemy.engine import make_url

    from crm.db.listener import conninfo_from_url

    url = normalise_url(
        "postgresql://crm:s3cret@db1:5432,db2/clinic?target_session_attrs=read-write"
    )
    assert url == (
        "postgresql+psycopg://crm:s3cret@/clinic"
        "?host=db1,db2&port=5432,5432&target_session_attrs=read-write"
    )
    parsed = make_url(url)
    assert parsed.database == "clinic" and parsed.password == "s3cret"
    libpq = conninfo_to_dict(conninfo_from_url(url))
    assert libpq["host"] == "db1,db2" and libpq["port"] == "5432,5432"
    assert libpq["target_session_attrs"] == "read-write"


def test_an_ipv6_host_list_and_a_single_host_url() -> None:
    assert normalise_url("postgresql://u@[::1]:5433,10.0.0.2/c") == (
        "postgresql+psycopg://u@/c?host=::1,10.0.0.2&port=5433,5432"
    )
    assert normalise_url("postgresql://u@db:5433/c?x=1") == "postgresql+psycopg://u@db:5433/c?x=1"


def test_the_status_bar_names_every_host_of_a_list_and_never_the_password() -> None:
    from crm.db.engine import describe_server

    assert describe_server(normalise_url("postgresql://crm:pw@db1,db2:5433/clinic")) == (
        "crm@db1:5432,db2:5433/clinic"
    )
    assert describe_server("postgresql+psycopg://crm@/c?host=a:5432&host=b:5433") == (
        "crm@a:5432,b:5433/c"
    )
    assert describe_server("postgresql+psycopg://postgres@/r?host=%2Ftmp%2Fs&port=5999") == (
        "postgres@local socket:5999/r"
    )
    assert describe_server("postgresql+psycopg://u:secret@db/c") == "u@db:5432/c"


def test_demo_is_on_unless_config_says_false(config):
    assert resolve().demo is True
    config.write_text("demo = false\n")
    assert resolve().demo is False
    config.write_text('demo = "no"\n')
    with pytest.raises(ConfigError, match="demo must be true or false"):
        resolve()
