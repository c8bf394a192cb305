"""The CLI's first line says what it does (issue 19, defect 13): it does not announce
starting the built-in server when another desk or command already runs it."""

from __future__ import annotations

import os
from pathlib import Path

from crm.config import Settings
from crm.db.bootstrap import first_step
from crm.db.embedded import server_running
from crm.i18n import current_language, set_language


def embedded(tmp_path: Path) -> Settings:
    return Settings(database_url=None, database_source="embedded", key_file=tmp_path / "k.bin",
                    workstation="desk-1", lang="ru")  # fmt: skip


def test_a_running_server_is_joined_not_started(tmp_path: Path) -> None:
    before = current_language()
    set_language("ru")
    try:
        check_the_words(tmp_path)
    finally:
        set_language(before)


def check_the_words(tmp_path: Path) -> None:
    pgdata = tmp_path / "pgdata"
    pgdata.mkdir()
    assert not server_running(pgdata)
    assert first_step(embedded(tmp_path), pgdata).startswith("Запуск встроенного")
    (pgdata / "postmaster.pid").write_text(f"{os.getpid()}\n{pgdata}\n")
    assert server_running(pgdata)
    said = first_step(embedded(tmp_path), pgdata)
    assert "Запуск" not in said and "запущенному" in said, said


def test_a_dead_servers_pid_file_means_starting(tmp_path: Path) -> None:
    pgdata = tmp_path / "pgdata"
    pgdata.mkdir()
    (pgdata / "postmaster.pid").write_text("999999999\n")
    assert not server_running(pgdata)
