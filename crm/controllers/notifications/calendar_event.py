"""An ``.ics`` calendar event (RFC 5545) of a visit, attached to the e-mails about it.

The times are the clinic's wall-clock times with its ``TZID`` and a ``VTIMEZONE`` of
the offset at the visit (Russian zones keep one offset all year); a cancellation is
``METHOD:CANCEL`` of the same ``UID``.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from crm.controllers.notifications.visits import visit_values
from crm.i18n import translate
from crm.models import Appointment


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _offset(delta: dt.timedelta | None) -> str:
    minutes = int((delta or dt.timedelta()).total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"


def _fold(line: str) -> str:
    """Lines of at most 75 octets, continued with a space (RFC 5545 3.1)."""
    out, current = [], ""
    for char in line:
        if len((current + char).encode()) > 75:
            out.append(current)
            current = " "
        current += char
    out.append(current)
    return "\r\n".join(out)


def visit_event(
    session: Session, appointment: Appointment, tz: dt.tzinfo, *, cancelled: bool = False
) -> bytes:
    """The visit as an ``.ics`` file (``METHOD:REQUEST``, or ``CANCEL``)."""
    values = visit_values(session, appointment, tz)
    start, end = appointment.starts_at.astimezone(tz), appointment.ends_at.astimezone(tz)
    zone = getattr(tz, "key", None) or start.tzname() or "UTC"
    offset = _offset(start.utcoffset())
    summary = translate("notice_templates", "Appointment: doctor {doctor}").format(**values)
    where = ", ".join(p for p in (values["address"], values["room"] and translate(
        "notice_templates", "room {room}").format(room=values["room"])) if p)  # fmt: skip
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Registratura//CRM//RU",
        f"METHOD:{'CANCEL' if cancelled else 'REQUEST'}",
        "BEGIN:VTIMEZONE", f"TZID:{zone}", "BEGIN:STANDARD", "DTSTART:19700101T000000",
        f"TZOFFSETFROM:{offset}", f"TZOFFSETTO:{offset}", "END:STANDARD", "END:VTIMEZONE",
        "BEGIN:VEVENT", f"UID:appointment-{appointment.id}@registratura", f"DTSTAMP:{stamp}",
        f"DTSTART;TZID={zone}:{start:%Y%m%dT%H%M%S}", f"DTEND;TZID={zone}:{end:%Y%m%dT%H%M%S}",
        f"SUMMARY:{_escape(summary)}", f"LOCATION:{_escape(where)}",
        f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
        "END:VEVENT", "END:VCALENDAR",
    ]  # fmt: skip
    return ("\r\n".join(_fold(line) for line in lines) + "\r\n").encode()
