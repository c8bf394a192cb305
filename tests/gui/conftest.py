"""Fixtures for the widget tests: a committed database, users, a runner, no blocking dialogs.

The runner's worker thread opens its own connections, so these tests use the
``committed_db_url`` database (real commits) rather than the savepoint-bound
session of the ``db`` fixture, which cannot be shared across threads.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QMessageBox

from crm.config import Settings
from crm.controllers.access import auth
from crm.controllers.context import Actor
from crm.db.database import Database
from crm.db.engine import make_engine, make_session_factory
from crm.models.enums import Role
from crm.views import AppContext
from crm.views.i18n import install_translations, remove_translations
from crm.views.runner import DbRunner

PASSWORD = "secret-123"
USERS = {
    "anna": (Role.MANAGER, "Анна Петрова"),
    "boris": (Role.REGISTRAR, "Борис Смирнов"),
}


# The offscreen platform plugin warns whenever a top-level window is shown; it says
# nothing about the program, so it must not trip qt_log_level_fail = WARNING.
OFFSCREEN_NOISE = r"This plugin does not support propagateSizeHints\(\)"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.gui)
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE))


@pytest.fixture(autouse=True)
def modal_calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, tuple[Any, ...]]]:
    """Make every blocking dialog call return at once; the calls are recorded here.

    The program opens dialogs with ``open()``; this is the safety net for any code
    path that reaches for ``exec()`` or a static ``QMessageBox`` helper, which
    would otherwise hang the offscreen test run.
    """
    calls: list[tuple[str, tuple[Any, ...]]] = []

    def recorder(name: str, result: Any) -> Callable[..., Any]:
        def fake(*args: Any, **kwargs: Any) -> Any:
            calls.append((name, args))
            return result

        return fake

    rejected = QDialog.DialogCode.Rejected.value
    monkeypatch.setattr(QDialog, "exec", recorder("QDialog.exec", rejected))
    monkeypatch.setattr(QMessageBox, "exec", recorder("QMessageBox.exec", rejected))
    for name in ("critical", "warning", "information", "question", "about"):
        monkeypatch.setattr(
            QMessageBox,
            name,
            staticmethod(recorder(f"QMessageBox.{name}", QMessageBox.StandardButton.Cancel)),
        )
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(recorder("getSaveFileName", ("", "")))
    )
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(recorder("getOpenFileName", ("", "")))
    )
    return calls


@pytest.fixture(autouse=True, scope="session")
def _collect_garbage_on_the_gui_thread() -> Iterator[None]:
    """Python's cycle collector may run on any thread — the runner's worker too — and
    delete a parentless widget there while the GUI thread paints (seen: segfaults).
    The program turns automatic collection off and collects on the GUI thread
    (``crm.app``); the tests do the same."""
    gc.disable()
    yield
    gc.enable()


@pytest.fixture(autouse=True)
def _collect_after_each_test(qapp: QApplication) -> Iterator[None]:
    yield
    gc.collect()


@pytest.fixture(autouse=True)
def russian_interface(qapp: QApplication) -> Iterator[None]:
    """The interface as a Russian desk sees it: the tests check the compiled catalogue too."""
    install_translations(qapp, "ru")
    yield
    remove_translations(qapp)


@pytest.fixture
def gui_database(committed_db_url: str) -> Iterator[Database]:
    """An open database (as :func:`crm.db.database.open_database` returns) with real commits."""
    engine = make_engine(committed_db_url, pool_size=2)
    yield Database(url=committed_db_url, engine=engine, sessions=make_session_factory(engine))
    engine.dispose()


@pytest.fixture
def users(gui_database: Database) -> dict[str, int]:
    """A manager ``anna`` and a registrar ``boris``, both with :data:`PASSWORD`."""
    return {
        login: auth.add_user(gui_database.sessions, login, PASSWORD, role, name)
        for login, (role, name) in USERS.items()
    }


@pytest.fixture
def runner(qapp: QApplication) -> Iterator[DbRunner]:
    """A database runner on the GUI thread, shut down after the test."""
    runner = DbRunner()
    yield runner
    runner.shutdown()


@pytest.fixture
def gui_settings(committed_db_url: str, tmp_path: Path) -> Settings:
    """Workstation settings pointing at the test database."""
    return Settings(
        database_url=committed_db_url,
        database_source="flag",
        key_file=tmp_path / "key.bin",
        workstation="desk-1",
        lang="ru",
    )


@pytest.fixture
def make_context(
    gui_settings: Settings, gui_database: Database, runner: DbRunner, users: dict[str, int]
) -> Callable[..., AppContext]:
    """``make_context("anna")`` logs a user in (as the login dialog would) and returns
    the context a main window gets."""

    def make(login: str, events: Any = None) -> AppContext:
        actor: Actor = auth.login(gui_database.sessions, login, PASSWORD, gui_settings.workstation)
        return AppContext(
            settings=gui_settings,
            database=gui_database,
            actor=actor,
            runner=runner,
            events=events,
        )

    return make
