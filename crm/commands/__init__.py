"""Subcommands of ``clinic-crm`` beyond the database and user administration in ``crm.cli``.

``crm.cli`` registers them at its end; they import ``crm.cli`` only inside functions,
so either module can be imported first.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from crm.controllers.context import Actor
from crm.controllers.errors import DomainError, NotFound
from crm.controllers.schedule import calendar
from crm.i18n import translate
from crm.models import User
from crm.models.enums import Role

F = TypeVar("F", bound=Callable[..., Any])

# The workstation written to the journal for actions taken on the command line.
WORKSTATION = "cli"


def friendly(func: F) -> F:
    """:func:`crm.cli.friendly_errors`, looked up when the command runs."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from crm.cli import friendly_errors

        return friendly_errors(func)(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def command_line_actor(db: sessionmaker[Session], login: str | None) -> Actor:
    """The user a command acts as: ``--as LOGIN``, else the only active manager.

    No password is asked: the command line is an administrative tool for whoever
    can reach the database anyway; the journal still names the user and "cli".

    Raises:
        NotFound: no active user with that login.
        DomainError: no login given and not exactly one active manager.
    """
    with db() as session:
        if login:
            user = session.scalars(
                sa.select(User).where(sa.func.lower(User.login) == login.strip().lower())
            ).one_or_none()
            if user is None or not user.active:
                raise NotFound(
                    translate("booking", "No active user with login {login}").format(login=login)
                )
        else:
            managers = session.scalars(
                sa.select(User).where(User.role == Role.MANAGER, User.active).limit(2)
            ).all()
            if len(managers) != 1:
                raise DomainError(
                    translate(
                        "booking",
                        "Say who acts with --as LOGIN (there is not exactly one active manager)",
                    )
                )
            user = managers[0]
        return Actor(
            user_id=user.id,
            login=user.login,
            full_name=user.full_name,
            role=user.role,
            workstation=WORKSTATION,
            doctor_id=user.doctor_id,
            clinic_timezone=calendar.clinic_timezone(session).key,
        )
