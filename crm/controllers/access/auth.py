"""Users, passwords (argon2id) and login with lockout after repeated failures."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from crm.controllers import journal
from crm.controllers.access.database_login import LOCKOUT, MAX_FAILED_ATTEMPTS, sync_login
from crm.controllers.clinic import clock
from crm.controllers.context import Actor
from crm.controllers.errors import LoginRefused, NotFound, ValidationError
from crm.i18n import translate
from crm.models import Doctor, User
from crm.models.enums import JournalOutcome, Role

if TYPE_CHECKING:
    from argon2 import PasswordHasher

MIN_PASSWORD_LENGTH = 8
FULL_NAME_MAX = 200
LOGIN_PATTERN = re.compile(r"^[A-Za-z0-9._-]{2,60}$")


@cache
def hasher() -> PasswordHasher:
    """argon2id with the library's current recommended parameters.

    Imported on first use: a command that logs nobody in (``slots``, ``db check``)
    does not load argon2.
    """
    from argon2 import PasswordHasher

    return PasswordHasher()


def hash_password(password: str) -> str:
    """An argon2id PHC string for ``password``."""
    return hasher().hash(password)


@cache
def _stand_in_hash() -> str:
    return hash_password(secrets.token_hex(16))


def check_password_rules(password: str) -> None:
    """Refuse passwords too short to be worth having."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            translate("auth", "Password: at least {n} characters").format(n=MIN_PASSWORD_LENGTH),
            field="password",
        )


@dataclass(frozen=True)
class UserRow:
    """A user as listed by ``user list`` and the admin page."""

    id: int
    login: str
    full_name: str
    role: Role
    active: bool
    locked_until: dt.datetime | None
    last_login_at: dt.datetime | None


def _now(session: Session) -> dt.datetime:
    # The server's clock is the referee: workstations' clocks may drift.
    return session.execute(sa.select(sa.func.now())).scalar_one()


def _find(session: Session, login: str, *, lock: bool = False) -> User | None:
    query = sa.select(User).where(sa.func.lower(User.login) == login.strip().lower())
    if lock:
        query = query.with_for_update()
    return session.scalars(query).one_or_none()


def login(db: sessionmaker[Session], login_name: str, password: str, workstation: str) -> Actor:
    """Check the credentials and return the actor, or raise :class:`LoginRefused`.

    Every attempt is journaled. Five failures in a row lock the account for 15
    minutes; the refusal while locked says until when. The user row is locked
    for the check so that two desks guessing at once cannot exceed the limit.
    """
    with db() as session, session.begin():
        now = _now(session)
        user = _find(session, login_name, lock=True)
        refusal: str | None = None
        if user is None:
            # Verify against a stand-in hash so that an unknown login takes as long as
            # a wrong password (one argon2 operation either way).
            _verify(_stand_in_hash(), password)
            refusal = translate("auth", "Wrong login or password")
        elif not user.active:
            refusal = translate("auth", "This account is disabled; ask an administrator")
        elif user.locked_until is not None and user.locked_until > now:
            refusal = locked_refusal(user.locked_until, session)
        elif not _verify(user.password_hash, password):
            user.failed_attempts += 1
            refusal = translate("auth", "Wrong login or password")
            if user.failed_attempts >= MAX_FAILED_ATTEMPTS:
                user.locked_until = now + LOCKOUT
                user.failed_attempts = 0
                sync_login(session, user)  # the server refuses its password too
                refusal = locked_refusal(user.locked_until, session)
        if refusal is not None:
            journal.record(
                session,
                "login_failed",
                login=login_name[:60],
                workstation=workstation,
                entity="app_user",
                entity_id=user.id if user else None,
                outcome=JournalOutcome.REFUSED,
                details=refusal,
            )
        else:
            assert user is not None
            was_locked = user.locked_until is not None
            user.failed_attempts = 0
            user.locked_until = None
            if was_locked:
                sync_login(session, user)
            user.last_login_at = now
            if hasher().check_needs_rehash(user.password_hash):
                user.password_hash = hash_password(password)
            actor = actor_of(session, user, workstation)
            journal.record(session, "login", actor=actor, entity="app_user", entity_id=user.id)
    if refusal is not None:
        raise LoginRefused(refusal)
    return actor


def locked_refusal(until: dt.datetime, source: clock.SessionSource) -> str:
    """The refusal while an account is locked after failed logins, saying until when in
    the clinic's time (read through ``source``), as every other time on the desk.

    A desk before login (``crm_gate``) reads the timezone too (row-level security lets
    it see that setting and the key's fingerprint, nothing else).
    """
    return translate("auth", "Too many failed attempts: the account is locked until {time}").format(
        time=until.astimezone(clock.clinic_timezone(source)).strftime("%H:%M")
    )


def actor_of(session: Session, user: User, workstation: str) -> Actor:
    """The actor ``user`` is at ``workstation`` (with the clinic's timezone)."""
    return Actor(
        user_id=user.id,
        login=user.login,
        full_name=user.full_name,
        role=user.role,
        workstation=workstation,
        doctor_id=user.doctor_id,
        clinic_timezone=clock.clinic_timezone(session).key,
    )


def _verify(password_hash: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def check_login(login_name: str) -> str:
    """The login trimmed.

    Raises:
        ValidationError: not 2–60 Latin letters, digits, dot, dash or underscore.
    """
    login_name = login_name.strip()
    if not LOGIN_PATTERN.match(login_name):
        raise ValidationError(
            translate("auth", "Login: 2–60 Latin letters, digits, dot, dash or underscore"),
            field="login",
        )
    return login_name


def check_full_name(full_name: str) -> str:
    """The full name with its spaces collapsed.

    Raises:
        ValidationError: too long.
    """
    full_name = " ".join(full_name.split())
    if len(full_name) > FULL_NAME_MAX:
        raise ValidationError(
            translate("auth", "Full name: at most {n} characters").format(n=FULL_NAME_MAX),
            field="full_name",
        )
    return full_name


def check_new_user(login_name: str, password: str, full_name: str) -> tuple[str, str]:
    """The login and full name of a new user, trimmed; the password checked.

    Raises:
        ValidationError: the first bad field (login, password, full name).
    """
    login_name = check_login(login_name)
    check_password_rules(password)
    return login_name, check_full_name(full_name)


def insert_user(
    session: Session,
    login_name: str,
    password: str,
    role: Role,
    full_name: str,
    *,
    doctor_id: int | None = None,
    actor: Actor | None = None,
    cli_login: str = journal.SERVICE_LOGIN,
) -> int:
    """Create a checked user in ``session``'s transaction (journaled); returns its id.

    Raises:
        ValidationError: the doctor does not exist or the login is taken.
    """
    if doctor_id is not None and session.get(Doctor, doctor_id) is None:
        raise ValidationError(
            translate("auth", "Doctor: no doctor with id {id}").format(id=doctor_id),
            field="doctor_id",
        )
    if _find(session, login_name) is not None:
        raise ValidationError(
            translate("auth", "Login: {login} is already taken").format(login=login_name),
            field="login",
        )
    user = User(
        login=login_name,
        full_name=full_name or login_name,
        role=role,
        password_hash=hash_password(password),
        doctor_id=doctor_id,
    )
    session.add(user)
    session.flush()
    sync_login(session, user, password=password)
    journal.record(
        session,
        "create",
        actor=actor,
        login=None if actor else cli_login,
        entity="app_user",
        entity_id=user.id,
        changes=journal.diff(
            {},
            {
                "login": login_name,
                "full_name": user.full_name,
                "role": role,
                "doctor_id": doctor_id,
            },
        ),
    )
    return user.id


def add_user(
    db: sessionmaker[Session],
    login_name: str,
    password: str,
    role: Role,
    full_name: str,
    *,
    doctor_id: int | None = None,
    actor: Actor | None = None,
) -> int:
    """Create a user and return its id. ``actor`` is ``None`` for the command line."""
    login_name, full_name = check_new_user(login_name, password, full_name)
    if actor is not None:
        from crm.controllers.access.permissions import Permission, require

        require(actor, Permission.MANAGE_USERS)
    with db() as session, session.begin():
        return insert_user(
            session, login_name, password, role, full_name, doctor_id=doctor_id, actor=actor
        )


def set_password(
    db: sessionmaker[Session], login_name: str, password: str, *, actor: Actor | None = None
) -> None:
    """Replace a user's password and lift any lockout."""
    check_password_rules(password)
    if actor is not None:
        from crm.controllers.access.permissions import Permission, require

        require(actor, Permission.MANAGE_USERS)
    with db() as session, session.begin():
        user = _find(session, login_name, lock=True)
        if user is None:
            raise NotFound(translate("auth", "No user with login {login}").format(login=login_name))
        user.password_hash = hash_password(password)
        user.failed_attempts = 0
        user.locked_until = None
        sync_login(session, user, password=password)
        journal.record(
            session,
            "password_changed",
            actor=actor,
            login=None if actor else journal.SERVICE_LOGIN,
            entity="app_user",
            entity_id=user.id,
        )


def list_users(db: sessionmaker[Session]) -> list[UserRow]:
    """All users, by login."""
    with db() as session:
        return [
            UserRow(
                id=u.id,
                login=u.login,
                full_name=u.full_name,
                role=u.role,
                active=u.active,
                locked_until=u.locked_until,
                last_login_at=u.last_login_at,
            )
            for u in session.scalars(sa.select(User).order_by(sa.func.lower(User.login)))
        ]


def logout(db: sessionmaker[Session], actor: Actor) -> None:
    """Journal that ``actor`` logged out (switched user) at their workstation."""
    with db() as session, session.begin():
        journal.record(session, "logout", actor=actor, entity="app_user", entity_id=actor.user_id)
