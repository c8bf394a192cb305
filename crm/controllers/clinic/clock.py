"""The clinic's clock: its timezone, its today, and the database server's now.

Every desk reads the time from the database server (``SELECT now()``), never from its
own clock, and shows it in the clinic's timezone (setting ``clinic.timezone``): the
server is the one clock all workstations share. Every function takes a session, or a
session factory to open one (:data:`SessionSource`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from crm.controllers.clinic import settings
from crm.controllers.context import DEFAULT_TIMEZONE

SessionSource = Session | sessionmaker[Session]


@contextmanager
def reading(source: SessionSource) -> Iterator[Session]:
    """A session to read with: ``source`` itself, or a new one from the factory."""
    if isinstance(source, Session):
        yield source
    else:
        with source() as session:
            yield session


def clinic_timezone(source: SessionSource) -> ZoneInfo:
    """The clinic's timezone (setting ``clinic.timezone``, Europe/Moscow by default)."""
    with reading(source) as session:
        value = settings.get(session, settings.CLINIC_TIMEZONE) or {}
    try:
        return ZoneInfo(str(value.get("name") or DEFAULT_TIMEZONE))
    except (ZoneInfoNotFoundError, ValueError):
        # A mistyped setting must not stop the front desk: fall back to the default.
        return ZoneInfo(DEFAULT_TIMEZONE)


def clinic_today(session: Session) -> dt.date:
    """Today in the clinic's timezone by the database server's clock (the server's own
    ``CURRENT_DATE`` follows the session's zone: UTC past Moscow's midnight is yesterday)."""
    moment: dt.datetime = session.execute(sa.select(sa.func.now())).scalar_one()
    return moment.astimezone(clinic_timezone(session)).date()


def server_now(session: Session, now: dt.datetime | None = None) -> dt.datetime:
    """``now`` if given, else the database server's clock."""
    if now is not None:
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        return now
    moment: dt.datetime = session.execute(sa.select(sa.func.now())).scalar_one()
    return moment
