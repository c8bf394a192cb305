"""Each staff login is its own PostgreSQL role: kept in step with ``app_user``.

``crm_sync_login`` (migration 0004, SECURITY DEFINER) creates the role ``login@database``
in its group, LOGIN only while the account is active, its password expired while locked
out. The password travels only as a SCRAM-SHA-256 verifier computed here by libpq
(``PQencryptPasswordConn``), so the password itself never reaches the server or its log.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from crm.models import User

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


def sync_all_logins(session: Session) -> int:
    """Give every account its role (after a restore or an upgrade); how many there are."""
    ids = session.scalars(sa.select(User.id).order_by(User.id)).all()
    for user_id in ids:
        session.execute(sa.select(sa.func.crm_sync_login(user_id, None)))
    return len(ids)
