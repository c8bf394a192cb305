"""Logging in: to PostgreSQL as the person's own role when the desk connects as ``crm_gate``.

A desk configured with a ``crm_gate`` role (the clinic's server) can only ask whether a
login may try and count failures. The password is then checked by PostgreSQL itself
(SCRAM): the desk opens an engine as ``login@database`` with it, and from then on every
session of the workstation is the person's own — the grants, row-level security and the
journal's actor apply to what they do. Logging out goes back to the gate. A desk
connected any other way (the embedded server, an owner's address) checks the password in
the program (:func:`crm.controllers.access.auth.login`).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from crm.controllers.access import auth, database_login
from crm.controllers.context import Actor
from crm.controllers.errors import LoginRefused
from crm.db.engine import make_engine
from crm.i18n import translate
from crm.models import User

_GATE_ENGINE = "crm_gate_engine"


def _gate_engine(sessions: sessionmaker[Session]) -> sa.Engine:
    engine = sessions.kw.get("info", {}).get(_GATE_ENGINE) or sessions.kw["bind"]
    assert isinstance(engine, sa.Engine)
    return engine


def login(
    sessions: sessionmaker[Session], login_name: str, password: str, workstation: str
) -> Actor:
    """Log ``login_name`` in; on a gate desk, rebind ``sessions`` to the person's own role.

    Raises:
        LoginRefused: wrong login or password, disabled, locked, or an account whose
            password must be set again since roles came.
    """
    gate = _gate_engine(sessions)
    if not database_login.is_gate(gate):
        return auth.login(sessions, login_name, password, workstation)
    gate_sessions = sessionmaker(bind=gate, expire_on_commit=False)
    check = database_login.check_before_login(gate_sessions, login_name)
    wrong = translate("auth", "Wrong login or password")
    if check.state == "locked" and check.locked_until is not None:
        raise LoginRefused(auth.locked_refusal(check.locked_until, gate_sessions))
    if check.state != "ok" or check.db_role is None:
        refusal = {
            "disabled": translate("auth", "This account is disabled; ask an administrator"),
            "no_role": translate(
                "auth", "This account has no password in the database yet: ask an administrator"
            ),
        }.get(check.state, wrong)
        database_login.note_failure(gate_sessions, login_name, workstation, refusal)
        raise LoginRefused(refusal)
    url = make_url(str(gate.url)).set(username=check.db_role, password=password)
    engine = make_engine(url)
    try:
        with engine.connect():
            pass
    except sa.exc.OperationalError as error:
        engine.dispose()
        until = database_login.note_failure(
            gate_sessions, login_name, workstation, str(error.orig).strip()[:300]
        )
        if until is not None:
            raise LoginRefused(auth.locked_refusal(until, gate_sessions)) from None
        raise LoginRefused(wrong) from None
    own = sessionmaker(bind=engine, expire_on_commit=False)
    user_id = database_login.note_success(own, workstation)
    with own() as session:
        user = session.get(User, user_id)
        assert user is not None
        actor = auth.actor_of(session, user, workstation)
    info = dict(sessions.kw.get("info") or {})
    info[_GATE_ENGINE] = gate
    sessions.configure(bind=engine, info=info)
    return actor


def back_to_gate(sessions: sessionmaker[Session]) -> None:
    """After logging out: the person's engine closes and the desk is the gate again."""
    gate = _gate_engine(sessions)
    current = sessions.kw["bind"]
    if current is not gate:
        sessions.configure(bind=gate)
        current.dispose()


def logout(sessions: sessionmaker[Session], actor: Actor) -> None:
    """Journal the logout as the person, then hand the desk back to the gate."""
    auth.logout(sessions, actor)
    back_to_gate(sessions)
