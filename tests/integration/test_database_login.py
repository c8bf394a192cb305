"""Logging in to PostgreSQL as the person's own role, on a server that checks passwords.

An embedded server of its own whose ``pg_hba.conf`` trusts only ``postgres`` and asks
everyone else for a SCRAM password, as a clinic's server does; the desk connects as a
``crm_gate`` role and the password is checked by PostgreSQL, not by the program.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from crm.controllers.access import users
from crm.controllers.access.keys import ensure_key
from crm.controllers.errors import LoginRefused
from crm.db import logins
from crm.db.embedded import EmbeddedServer
from crm.db.engine import make_engine
from crm.db.migrate import upgrade
from crm.models.enums import Role

PASSWORD = "correct-horse-9"
HBA = "local all postgres trust\nlocal all all scram-sha-256\n"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[EmbeddedServer, str]]:
    pgdata = Path(tmp_path_factory.mktemp("scram")) / "pgdata"
    embedded = EmbeddedServer(pgdata, delete_on_exit=True)
    url = embedded.ensure_database("clinic")
    (pgdata / "pg_hba.conf").write_text(HBA, encoding="utf-8")
    owner = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with owner.connect() as connection:
        connection.execute(sa.text("SELECT pg_reload_conf()"))
    upgrade(owner)
    with owner.begin() as connection:
        connection.execute(
            sa.text("CREATE ROLE \"desk@clinic\" LOGIN PASSWORD 'desk-secret' IN ROLE crm_gate")
        )
    owner_sessions = sessionmaker(bind=owner, expire_on_commit=False)
    ensure_key(owner_sessions, pgdata.parent / "key.bin")
    users.add_user(
        owner_sessions,
        users.NewUser("ivanova", "Иванова Анна", Role.REGISTRAR, PASSWORD),
        actor=None,
    )
    owner.dispose()
    yield embedded, url
    embedded.stop()


@pytest.fixture
def desk(server: tuple[EmbeddedServer, str]) -> Iterator[sessionmaker[Session]]:
    _, url = server
    engine = make_engine(make_url(url).set(username="desk@clinic", password="desk-secret"))
    sessions = sessionmaker(bind=engine, expire_on_commit=False)
    yield sessions
    logins.back_to_gate(sessions)
    engine.dispose()


def _session_user(sessions: sessionmaker[Session]) -> str:
    with sessions() as session:
        return session.execute(sa.text("SELECT session_user")).scalar_one()


def test_the_password_is_checked_by_postgresql_and_the_desk_becomes_the_person(desk) -> None:
    with desk() as session, pytest.raises(sa.exc.ProgrammingError):
        session.execute(sa.text("SELECT last_name FROM patient"))  # the gate reads nothing
    actor = logins.login(desk, "Ivanova", PASSWORD, "desk-1")
    assert actor.login == "ivanova" and actor.role is Role.REGISTRAR
    assert _session_user(desk) == "ivanova@clinic"
    with desk() as session:
        session.execute(sa.text("SELECT count(*) FROM patient"))  # now it is a registrar
        user_id, workstation = session.execute(
            sa.text(
                "SELECT user_id, workstation FROM journal_entry WHERE action = 'login' "
                "ORDER BY id DESC LIMIT 1"
            )
        ).one()
    assert (user_id, workstation) == (actor.user_id, "desk-1")
    logins.logout(desk, actor)
    assert _session_user(desk) == "desk@clinic"


def test_five_wrong_passwords_lock_the_account_in_the_server_too(desk, server) -> None:
    _, url = server
    for _ in range(4):
        with pytest.raises(LoginRefused, match="Неверный логин или пароль"):
            logins.login(desk, "ivanova", "wrong-password", "desk-2")
    with pytest.raises(LoginRefused, match="заблокирована"):
        logins.login(desk, "ivanova", "wrong-password", "desk-2")
    # Even the right password, straight to PostgreSQL with psql's means, is refused now.
    direct = sa.create_engine(
        make_url(url).set(username="ivanova@clinic", password=PASSWORD), poolclass=sa.pool.NullPool
    )
    with pytest.raises(sa.exc.OperationalError):
        direct.connect()
    with pytest.raises(LoginRefused, match="заблокирована"):
        logins.login(desk, "ivanova", PASSWORD, "desk-2")
    owner = sa.create_engine(url, poolclass=sa.pool.NullPool)
    users.unlock(sessionmaker(bind=owner), "ivanova", actor=None)
    owner.dispose()
    assert logins.login(desk, "ivanova", PASSWORD, "desk-2").login == "ivanova"


def test_a_gate_desk_starts_its_checks_and_knows_the_clinic_is_set_up(desk, server) -> None:
    from crm.controllers.clinic.setup import needs_setup
    from crm.db.checks import run_checks

    embedded, _ = server
    results = run_checks(desk.kw["bind"], key_file=embedded.pgdata.parent / "key.bin")
    assert [r.name for r in results][-1] == "key"
    assert all(r.ok and not r.warning for r in results), results
    assert not needs_setup(desk)


def test_an_unknown_login_is_refused_like_a_wrong_password(desk) -> None:
    with pytest.raises(LoginRefused, match="Неверный логин или пароль"):
        logins.login(desk, "nobody", PASSWORD, "desk-3")


def test_db_desk_role_makes_a_gate_role_a_workstation_can_start_with(server) -> None:
    from click.testing import CliRunner

    from crm.cli import main
    from crm.controllers.access.database_login import is_gate
    from crm.db.database import Database

    embedded, url = server
    key = str(embedded.pgdata.parent / "key.bin")
    cli = CliRunner()
    refused = cli.invoke(
        main, ["--key-file", key, "--database", url, "db", "desk-role", "bad name"]
    )
    assert refused.exit_code != 0 and "Имя рабочего места" in refused.output
    short = cli.invoke(
        main, ["--key-file", key, "--database", url, "db", "desk-role", "desk-2"], input="short\n"
    )
    assert short.exit_code != 0 and "Пароль: не короче 12 символов" in short.output
    made = cli.invoke(
        main,
        ["--key-file", key, "--database", url, "db", "desk-role", "desk-2"],
        input="a-long-desk-secret\n",
    )
    assert made.exit_code == 0, made.output
    assert "desk-2@clinic" in made.output and "desk-2%40clinic" in made.output

    engine = make_engine(make_url(url).set(username="desk-2@clinic", password="a-long-desk-secret"))
    sessions = sessionmaker(bind=engine, expire_on_commit=False)
    database = Database(url=str(engine.url), engine=engine, sessions=sessions)
    try:
        assert is_gate(engine)
        assert "desk-2@clinic@" in database.description
        actor = logins.login(sessions, "ivanova", PASSWORD, "desk-2")
        # The status bar names the person's role from now on, not the desk's.
        assert "ivanova@clinic@" in database.description
        logins.logout(sessions, actor)
        assert "desk-2@clinic@" in database.description
    finally:
        logins.back_to_gate(sessions)
        engine.dispose()

    # Run again: a new password for the same role.
    again = cli.invoke(
        main,
        ["--key-file", key, "--database", url, "db", "desk-role", "desk-2"],
        input="another-desk-secret\n",
    )
    assert again.exit_code == 0, again.output
    old = sa.create_engine(
        make_url(url).set(username="desk-2@clinic", password="a-long-desk-secret"),
        poolclass=sa.pool.NullPool,
    )
    with pytest.raises(sa.exc.OperationalError):
        old.connect()


def test_a_gate_desk_on_a_clinic_without_users_is_told_who_sets_it_up(server) -> None:
    from crm.config import Settings
    from crm.controllers.access.database_login import create_desk_role
    from crm.db.bootstrap import StartupProblem, prepare

    embedded, url = server
    fresh_url = embedded.ensure_database("fresh")
    owner = sa.create_engine(fresh_url, poolclass=sa.pool.NullPool)
    upgrade(owner)
    owner_sessions = sessionmaker(bind=owner, expire_on_commit=False)
    ensure_key(owner_sessions, embedded.pgdata.parent / "key.bin")
    with owner_sessions() as session, session.begin():
        create_desk_role(session, "desk", "fresh-desk-secret")
    owner.dispose()
    settings = Settings(
        database_url=str(
            make_url(fresh_url)
            .set(username="desk@fresh", password="fresh-desk-secret")
            .render_as_string(hide_password=False)
        ),
        database_source="flag",
        key_file=embedded.pgdata.parent / "key.bin",
        workstation="desk-9",
        lang="ru",
    )
    with pytest.raises(StartupProblem, match="Клиника ещё не настроена"):
        prepare(settings)


def test_a_gate_desk_tells_the_lockout_s_end_in_the_clinic_s_time(desk, server) -> None:
    import datetime as dt
    import re
    from zoneinfo import ZoneInfo

    from crm.controllers.clinic import settings as clinic_settings
    from crm.models import User

    _, url = server
    owner = sa.create_engine(url, poolclass=sa.pool.NullPool)
    owner_sessions = sessionmaker(bind=owner, expire_on_commit=False)
    users.add_user(
        owner_sessions,
        users.NewUser("sokolova", "Соколова Мария", Role.REGISTRAR, PASSWORD),
        actor=None,
    )
    with owner_sessions() as session, session.begin():
        clinic_settings.put(session, clinic_settings.CLINIC_TIMEZONE, {"name": "Asia/Vladivostok"})
    try:
        for _ in range(4):
            with pytest.raises(LoginRefused):
                logins.login(desk, "sokolova", "wrong-password", "desk-4")
        with pytest.raises(LoginRefused) as refused:
            logins.login(desk, "sokolova", "wrong-password", "desk-4")
        with owner_sessions() as session:
            until = session.scalars(
                sa.select(User.locked_until).where(User.login == "sokolova")
            ).one()
        assert until is not None
        shown = re.search(r"\d\d:\d\d", str(refused.value)).group(0)
        assert shown == until.astimezone(ZoneInfo("Asia/Vladivostok")).strftime("%H:%M")
        assert shown != until.astimezone(dt.UTC).strftime("%H:%M")
    finally:
        with owner_sessions() as session, session.begin():
            clinic_settings.put(session, clinic_settings.CLINIC_TIMEZONE, {"name": "Europe/Moscow"})
        owner.dispose()


def test_back_up_now_on_a_desk_with_roles_says_the_service_makes_backups(desk, server) -> None:
    from crm.controllers.errors import DomainError
    from crm.db.scheduled_backup import backup_now

    _, url = server
    owner = sa.create_engine(url, poolclass=sa.pool.NullPool)
    users.add_user(
        sessionmaker(bind=owner),
        users.NewUser("krylov", "Крылов Артём", Role.ADMIN, PASSWORD),
        actor=None,
    )
    owner.dispose()
    actor = logins.login(desk, "krylov", PASSWORD, "desk-5")
    engine = desk.kw["bind"]
    with pytest.raises(DomainError, match="clinic-crm service run"):
        backup_now(str(engine.url), engine, desk, actor)
    logins.logout(desk, actor)
