"""Each staff login is its own PostgreSQL role: kept in step with ``app_user``.

``crm_sync_login`` (migration 0004, SECURITY DEFINER) creates the role ``login@database``
in its group, LOGIN only while the account is active, its password expired while locked
out. The password travels only as a SCRAM-SHA-256 verifier computed here by libpq
(``PQencryptPasswordConn``), so the password itself never reaches the server or its log.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.attributes import set_committed_value

from crm.models import User
from crm.models.database_roles import ALL_GROUPS, GATE

#: Five failures in a row lock an account for 15 minutes (DOMAIN.md).
MAX_FAILED_ATTEMPTS = 5
LOCKOUT = dt.timedelta(minutes=15)

SCRAM = b"scram-sha-256"


def scram_verifier(session: Session, login: str, password: str) -> str:
    """The SCRAM-SHA-256 verifier of ``password``, made by libpq on this desk."""
    driver = session.connection().connection.driver_connection
    pgconn = driver.pgconn  # type: ignore[union-attr]
    return bytes(pgconn.encrypt_password(password.encode(), login.encode(), SCRAM)).decode()


def sync_login(session: Session, user: User, *, password: str | None = None) -> str:
    """Bring ``user``'s PostgreSQL role in line with the row (flushed first); its name.

    Args:
        session: the transaction of the change (the role changes with it or not at all).
        user: the account as it is to be.
        password: a new password to set on the role, when there is one.
    """
    session.flush()
    verifier = scram_verifier(session, user.login, password) if password is not None else None
    role: str = session.execute(sa.select(sa.func.crm_sync_login(user.id, verifier))).scalar_one()
    set_committed_value(user, "db_role", role)  # the function wrote it already
    return role


@dataclass(frozen=True)
class LoginCheck:
    """What the server says of a login before its password is tried.

    Attributes:
        state: ``ok``, ``unknown``, ``disabled``, ``locked`` or ``no_role`` (an account from
            before roles existed, whose password must be set again).
        db_role: the PostgreSQL role to log in as.
        locked_until: the end of a lockout.
    """

    state: str
    db_role: str | None
    locked_until: dt.datetime | None


def check_before_login(db: sessionmaker[Session], login: str) -> LoginCheck:
    """Ask the server (as the desk's ``crm_gate`` role) whether ``login`` may try."""
    with db() as session, session.begin():
        state, role, until = session.execute(
            sa.text("SELECT * FROM crm_login_check(:login)"), {"login": login}
        ).one()
    return LoginCheck(state, role, until)


def note_failure(
    db: sessionmaker[Session], login: str, workstation: str, details: str
) -> dt.datetime | None:
    """Count a refused password (journaled); the lockout's end when this one locked it."""
    with db() as session, session.begin():
        until: dt.datetime | None = session.execute(
            sa.text(
                "SELECT crm_login_failed(:login, :workstation, :details, :attempts, "
                "make_interval(mins => :minutes))"
            ),
            {
                "login": login,
                "workstation": workstation,
                "details": details,
                "attempts": MAX_FAILED_ATTEMPTS,
                "minutes": int(LOCKOUT.total_seconds() // 60),
            },
        ).scalar_one()
    return until


def note_success(db: sessionmaker[Session], workstation: str) -> int:
    """Journal the login as the person's own role (the server names the actor)."""
    with db() as session, session.begin():
        user_id: int = session.execute(
            sa.text("SELECT crm_login_succeeded(:workstation)"), {"workstation": workstation}
        ).scalar_one()
    return user_id


def _member_of(engine: sa.Engine, groups: tuple[str, ...]) -> bool:
    with engine.connect() as connection:
        return bool(
            connection.execute(
                sa.text(
                    "SELECT EXISTS (SELECT 1 FROM pg_auth_members m "
                    "JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles s ON s.oid = m.member "
                    "WHERE s.rolname = session_user AND g.rolname = ANY(:groups))"
                ),
                {"groups": list(groups)},
            ).scalar_one()
        )


def is_gate(engine: sa.Engine) -> bool:
    """Whether ``engine`` connects as a desk's ``crm_gate`` role (logins are the server's)."""
    return _member_of(engine, (GATE,))


def is_workstation_role(engine: sa.Engine) -> bool:
    """Whether ``engine`` connects as a desk or a person's role (one of the groups'), which
    reads only what its grants allow, not the whole database (a backup needs the owner)."""
    return _member_of(engine, ALL_GROUPS)


def desk_role_name(session: Session, desk: str) -> str:
    """The PostgreSQL role of a workstation called ``desk``: ``desk@database``."""
    database: str = session.execute(sa.text("SELECT current_database()")).scalar_one()
    return f"{desk}@{database}"


def create_desk_role(session: Session, desk: str, password: str) -> str:
    """Create (or give a new password to) the role a workstation connects as before login.

    The role can log in and is a member of ``crm_gate``, nothing more; its password
    reaches the server as a SCRAM verifier. Run by the database's owner or a role with
    ``CREATEROLE``. Returns the role's name.
    """
    from psycopg import sql

    role = desk_role_name(session, desk)
    verifier = scram_verifier(session, role, password)
    exists = session.execute(
        sa.text("SELECT 1 FROM pg_roles WHERE rolname = :role"), {"role": role}
    ).first()
    verb = "ALTER" if exists else "CREATE"
    statement = sql.SQL("{} ROLE {} LOGIN PASSWORD {}").format(
        sql.SQL(verb), sql.Identifier(role), sql.Literal(verifier)
    )
    # Straight to psycopg, in the session's transaction: the verifier holds ':' and '%'.
    driver = session.connection().connection.driver_connection
    assert driver is not None
    driver.execute(statement)
    driver.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(GATE), sql.Identifier(role)))
    return role
