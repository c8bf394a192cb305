"""The journal of actions (append-only: the database refuses UPDATE and DELETE)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from crm.controllers.access.permissions import Permission, require
from crm.controllers.context import Actor
from crm.models import JournalEntry
from crm.models.enums import JournalOutcome


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if hasattr(value, "value") and not isinstance(value, str | int | float | bool):
        return value.value  # enums
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [before, after]}`` for the fields whose values differ."""
    changed: dict[str, list[Any]] = {}
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old != new:
            changed[key] = [_jsonable(old), _jsonable(new)]
    return changed


def record(
    session: Session,
    action: str,
    *,
    actor: Actor | None = None,
    entity: str | None = None,
    entity_id: int | None = None,
    changes: dict[str, Any] | None = None,
    outcome: JournalOutcome = JournalOutcome.OK,
    details: str | None = None,
    login: str | None = None,
    workstation: str | None = None,
) -> None:
    """Add one journal entry in ``session``'s transaction."""
    session.add(
        JournalEntry(
            user_id=actor.user_id if actor else None,
            login=(actor.login if actor else login or "")[:60] or None,
            # Column widths: a long host name must not make the action itself fail.
            workstation=(actor.workstation if actor else workstation or "")[:100] or None,
            action=action,
            entity=entity,
            entity_id=entity_id,
            changes=changes,
            outcome=outcome,
            details=details,
        )
    )


@dataclass(frozen=True)
class JournalRow:
    """One journal entry as the journal page shows it."""

    id: int
    at: dt.datetime
    login: str | None
    workstation: str | None
    action: str
    entity: str | None
    entity_id: int | None
    changes: dict[str, Any] | None
    outcome: str
    details: str | None


def recent_entries(
    db: sessionmaker[Session], actor: Actor, *, limit: int = 200, before_id: int | None = None
) -> list[JournalRow]:
    """The newest entries first, paged by ``before_id``."""
    require(actor, Permission.READ_JOURNAL)
    query = sa.select(JournalEntry).order_by(JournalEntry.id.desc()).limit(limit)
    if before_id is not None:
        query = query.where(JournalEntry.id < before_id)
    with db() as session:
        return [
            JournalRow(
                id=e.id,
                at=e.at,
                login=e.login,
                workstation=e.workstation,
                action=e.action,
                entity=e.entity,
                entity_id=e.entity_id,
                changes=e.changes,
                outcome=e.outcome.value,
                details=e.details,
            )
            for e in session.scalars(query)
        ]
