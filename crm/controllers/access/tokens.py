"""Command-line tokens: a random secret an administrator issues to a user, so that a
script acts as that user without a password typed (``clinic-crm user token``).

Only the secret's argon2id hash is kept (``app_user.cli_token_hash``); the secret is in
the file handed to the user, ``LOGIN:SECRET`` on one line. Issuing a new token replaces
the old one; ``revoke`` removes it. Every use is journaled like a login, refusals too.
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from crm.controllers import journal
from crm.controllers.access.auth import actor_of, hash_password, locked_refusal
from crm.controllers.context import Actor
from crm.controllers.errors import LoginRefused, NotFound
from crm.i18n import translate
from crm.models import User
from crm.models.enums import JournalOutcome

#: Bytes of randomness in a secret (43 characters of URL-safe base64).
SECRET_BYTES = 32


def _find(session: Session, login: str) -> User | None:
    query = sa.select(User).where(sa.func.lower(User.login) == login.strip().lower())
    return session.scalars(query).one_or_none()


def issue(db: sessionmaker[Session], login: str) -> str:
    """A new token for ``login`` (``LOGIN:SECRET``), replacing any earlier one.

    For the administrator at the server (the ``user`` commands); journaled as the service's.

    Raises:
        NotFound: no such user.
    """
    secret = secrets.token_urlsafe(SECRET_BYTES)
    with db() as session, session.begin():
        user = _find(session, login)
        if user is None:
            raise NotFound(translate("auth", "No user with login {login}").format(login=login))
        user.cli_token_hash = hash_password(secret)
        journal.record(session, "token_issued", entity="app_user", entity_id=user.id)
        return f"{user.login}:{secret}"


def revoke(db: sessionmaker[Session], login: str) -> bool:
    """Remove ``login``'s token; ``False`` if there was none.

    Raises:
        NotFound: no such user.
    """
    with db() as session, session.begin():
        user = _find(session, login)
        if user is None:
            raise NotFound(translate("auth", "No user with login {login}").format(login=login))
        if user.cli_token_hash is None:
            return False
        user.cli_token_hash = None
        journal.record(session, "token_revoked", entity="app_user", entity_id=user.id)
        return True


def parse(text: str) -> tuple[str, str]:
    """``(login, secret)`` from a token file's text.

    Raises:
        LoginRefused: not ``LOGIN:SECRET``.
    """
    login, colon, secret = text.strip().partition(":")
    if not colon or not login or not secret:
        raise LoginRefused(translate("auth", "The token file is not LOGIN:SECRET"))
    return login, secret


def login_with_token(
    db: sessionmaker[Session], text: str, workstation: str, *, as_login: str | None = None
) -> Actor:
    """The actor a token file's ``text`` names, or :class:`LoginRefused` (journaled).

    ``as_login``, when given, must be the token's user.
    """
    from crm.controllers.access.auth import _stand_in_hash, _verify

    login, secret = parse(text)
    with db() as session, session.begin():
        now = session.execute(sa.select(sa.func.now())).scalar_one()
        user = _find(session, login)
        refusal: str | None = None
        if as_login is not None and as_login.strip().lower() != login.lower():
            refusal = translate("auth", "The token is {login}'s, not {other}'s").format(
                login=login, other=as_login
            )
        elif user is None or user.cli_token_hash is None:
            _verify(_stand_in_hash(), secret)
            refusal = translate("auth", "Wrong or revoked token")
        elif not user.active:
            refusal = translate("auth", "This account is disabled; ask an administrator")
        elif user.locked_until is not None and user.locked_until > now:
            refusal = locked_refusal(user.locked_until, session)
        elif not _verify(user.cli_token_hash, secret):
            refusal = translate("auth", "Wrong or revoked token")
        if refusal is not None:
            journal.record(
                session, "login_failed", login=login[:60], workstation=workstation,
                entity="app_user", entity_id=user.id if user else None,
                outcome=JournalOutcome.REFUSED, details=refusal,
            )  # fmt: skip
        else:
            assert user is not None
            actor = actor_of(session, user, workstation)
            journal.record(
                session, "login", actor=actor, entity="app_user", entity_id=user.id,
                details=translate("auth", "by token"),
            )  # fmt: skip
    if refusal is not None:
        raise LoginRefused(refusal)
    return actor
