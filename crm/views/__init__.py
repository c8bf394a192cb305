"""Qt widgets, one module or subpackage per feature; the only code that imports PySide6.

:class:`AppContext` is what every page receives: who is logged in, where the
database is, and the two bridges to it (the runner for calls, the change events
for notices). It holds no Qt objects of its own making, so it stays importable
without a QApplication.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from crm.config import Settings
    from crm.controllers.context import Actor
    from crm.crypto import KeyRing
    from crm.db.database import Database
    from crm.views.events import ChangeEvents
    from crm.views.runner import DbRunner


@dataclass
class AppContext:
    """Everything a page needs to work for the logged-in user.

    Attributes:
        settings: the resolved workstation settings.
        database: the open database (URL, engine, session factory).
        actor: the logged-in user.
        runner: runs controller calls off the GUI thread.
        events: change notices and connection state (``None`` when not listening).
        keyring: the identity-document key (``None`` only in tests that need none).
    """

    settings: Settings
    database: Database
    actor: Actor
    runner: DbRunner
    events: ChangeEvents | None = None
    keyring: KeyRing | None = None
