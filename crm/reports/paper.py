"""The papers a ticket is printed on, without the PDF machinery.

The settings, the vocabulary and the journal name the formats; only printing needs
reportlab (:mod:`crm.reports.ticket`), so the enum lives here and costs nothing to import.
"""

from __future__ import annotations

import enum


class TicketFormat(enum.StrEnum):
    """Paper a ticket is printed on."""

    ROLL80 = "roll80"  # an 80 mm receipt-printer roll (72 mm printable)
    A6 = "a6"
    A5 = "a5"


DEFAULT_FORMAT = TicketFormat.A6
