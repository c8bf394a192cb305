"""The clinic's default ticket format (80 mm roll, A6 or A5), kept in ``clinic_setting``.

A workstation may remember its own choice (the GUI keeps it in ``QSettings``
beside the printer); this is what a workstation without one, and the command
line, print on.
"""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from crm.controllers import journal
from crm.controllers.access.permissions import Permission, allowed
from crm.controllers.clinic import settings
from crm.controllers.clinic.clock import SessionSource, reading
from crm.controllers.context import Actor
from crm.controllers.errors import PermissionDenied
from crm.i18n import translate
from crm.reports.paper import DEFAULT_FORMAT, TicketFormat

TICKET_FORMAT = settings.TICKET_FORMAT


def ticket_format(source: SessionSource) -> TicketFormat:
    """The clinic's default ticket format (A6 when none was chosen or it is unknown)."""
    with reading(source) as session:
        value = settings.get(session, TICKET_FORMAT) or {}
    try:
        return TicketFormat(str(value.get("format")))
    except ValueError:
        return DEFAULT_FORMAT


def may_choose_format(actor: Actor) -> bool:
    """Managers and administrators choose the clinic's default."""
    return allowed(actor, Permission.MANAGE_SETTINGS) or allowed(actor, Permission.MANAGE_SCHEDULES)


def set_ticket_format(db: sessionmaker[Session], actor: Actor, fmt: TicketFormat) -> TicketFormat:
    """Make ``fmt`` the clinic's default ticket format (journaled).

    Raises:
        PermissionDenied: not a manager or an administrator.
    """
    if not may_choose_format(actor):
        raise PermissionDenied(
            translate("tickets", "Only a manager or an administrator chooses the ticket format")
        )
    fmt = TicketFormat(fmt)
    with db() as session, session.begin():
        before = ticket_format(session)
        if before is not fmt:
            settings.put(session, TICKET_FORMAT, {"format": fmt.value})
            journal.record(
                session,
                "update",
                actor=actor,
                entity="clinic_setting",
                changes={TICKET_FORMAT: [before.value, fmt.value]},
            )
    return fmt
