"""The journal of actions: writing entries (append-only: the database refuses UPDATE and DELETE).

Every controller calls :func:`record` in the transaction of its change, with
:func:`diff` of the fields before → after; so this package's ``__init__`` sits below
every domain and imports only the context and the models. Reading the journal in
words (:mod:`crm.controllers.journal.words`) names everything the domains write, so it
sits above them all.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from crm.controllers.context import Actor
from crm.models import JournalEntry
from crm.models.enums import JournalOutcome

#: The journal's actor for what no person did: the clinic's service (``service run``,
#: ``notify run``) and the administrator's commands at the server (``user …``, ``db …``).
#: Not a possible login (logins are Latin letters and digits), so never a real person.
SERVICE_LOGIN = "служебный"


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
    """Add one journal entry in ``session``'s transaction.

    Without an actor and a login the entry is the service's (:data:`SERVICE_LOGIN`).
    """
    session.add(
        JournalEntry(
            user_id=actor.user_id if actor else None,
            login=(actor.login if actor else login or SERVICE_LOGIN)[:60],
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
