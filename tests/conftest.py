"""Fixtures: a real PostgreSQL (no other engine, no mocks), one rolled-back transaction per test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from crm.i18n import set_language
from tests.pg import TestServer

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def _sealed_environment(tmp_path_factory, monkeypatch) -> None:
    """A developer's own settings (config.toml, CRM_* variables) never leak into tests."""
    for name in ("CRM_DATABASE_URL", "CRM_KEY_FILE", "CRM_LANG", "CRM_WORKSTATION", "CRM_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("CRM_CONFIG_DIR", str(home / "config"))
    monkeypatch.setenv("CRM_DATA_DIR", str(home / "data"))


@pytest.fixture(autouse=True)
def _russian_by_default() -> Iterator[None]:
    set_language("ru")
    yield
    set_language("ru")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[TestServer]:
    """The PostgreSQL server for this test session."""
    server = TestServer()
    yield server
    server.close()


@pytest.fixture(scope="session")
def template_database(pg_server: TestServer) -> str:
    """A database migrated to head, cloned by the fixtures below (never used directly)."""
    from crm.db.migrate import upgrade

    name = pg_server.create_database()
    engine = sa.create_engine(pg_server.url_for(name), poolclass=sa.pool.NullPool)
    upgrade(engine)
    engine.dispose()
    return name


@pytest.fixture(scope="session")
def shared_engine(pg_server: TestServer, template_database: str) -> Iterator[sa.Engine]:
    """An engine on a migrated database shared by tests that roll back."""
    name = pg_server.create_database(template=template_database)
    engine = sa.create_engine(pg_server.url_for(name), pool_size=2)
    yield engine
    engine.dispose()


@pytest.fixture
def db(shared_engine: sa.Engine) -> Iterator[sessionmaker[Session]]:
    """A session factory whose every commit is a savepoint in one transaction rolled back
    at the end of the test, so tests see each other's nothing."""
    connection = shared_engine.connect()
    outer = connection.begin()
    factory = sessionmaker(
        bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
    )
    yield factory
    outer.rollback()
    connection.close()


@pytest.fixture
def committed_db_url(pg_server: TestServer, template_database: str) -> Iterator[str]:
    """The URL of a fresh migrated database whose commits are real (for concurrency,
    notifications and lockout across connections). Dropped after the test."""
    name = pg_server.create_database(template=template_database)
    yield pg_server.url_for(name)
    pg_server.drop_database(name)


@pytest.fixture
def committed_engine(committed_db_url: str) -> Iterator[sa.Engine]:
    """An engine on :func:`committed_db_url`."""
    engine = sa.create_engine(committed_db_url, pool_size=4)
    yield engine
    engine.dispose()


@pytest.fixture
def committed_db(committed_engine: sa.Engine) -> sessionmaker[Session]:
    """A session factory whose commits are real."""
    return sessionmaker(bind=committed_engine, expire_on_commit=False)


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    """Where a test's identity-document key file goes (not created yet)."""
    return tmp_path / "keys" / "key.bin"
