"""The texts of notices to patients: a template per purpose and channel, and SMS length.

A template is text with placeholders in braces (``str.format`` names, :func:`placeholders`):

- ``{patient}`` — the patient's first name and patronymic («Иван Петрович»);
- ``{date}`` — the visit's day with its weekday («понедельник, 03.03.2031»), ``{time}`` («10:00»);
- ``{doctor}`` — the doctor («Петров П. П.»), ``{specialty}``, ``{room}``, ``{address}``
  (the branch's address), ``{bring}`` (what to bring: «паспорт, полис ОМС»);
- ``{old_date}``, ``{old_time}`` — the time a rescheduled visit had before (``change`` only);
- ``{link}`` — the remote consultation's link (empty for a visit in person).

The defaults are written in English and read in the clinic's language (Russian); a
manager's own text of a purpose and channel is stored in ``notice_template``
(:func:`template_for` reads it, :mod:`~crm.controllers.notifications.template_editing`
edits it). :func:`sms_segments` counts an SMS the way the operators bill it (GSM-7 or UCS-2).
"""

from __future__ import annotations

import datetime as dt
import re
import string
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from crm.controllers.errors import ValidationError
from crm.i18n import translate
from crm.models import NoticeTemplate
from crm.models.enums import NotificationChannel

#: Every purpose a template exists for.
PURPOSES = ("confirmation", "change", "cancellation", "reminder")


@dataclass(frozen=True)
class Template:
    """A subject (e-mail only) and a body with placeholders."""

    subject: str | None
    body: str


def purpose_title(purpose: str) -> str:
    """What a notice of ``purpose`` is, in words."""
    titles = {
        "confirmation": translate("notice_templates", "Booking confirmed"),
        "change": translate("notice_templates", "Time changed"),
        "cancellation": translate("notice_templates", "Appointment cancelled"),
        "reminder": translate("notice_templates", "Reminder"),
    }
    return titles.get(purpose, purpose)


def weekday_name(day: dt.date) -> str:
    """The weekday of ``day`` in words, in the clinic's language."""
    names = (
        translate("notice_templates", "Monday"),
        translate("notice_templates", "Tuesday"),
        translate("notice_templates", "Wednesday"),
        translate("notice_templates", "Thursday"),
        translate("notice_templates", "Friday"),
        translate("notice_templates", "Saturday"),
        translate("notice_templates", "Sunday"),
    )
    return names[day.weekday()]


def date_with_weekday(day: dt.date) -> str:
    """``понедельник, 03.03.2031``."""
    return f"{weekday_name(day)}, {day:%d.%m.%Y}"


def _sms(purpose: str) -> str:
    return {
        "confirmation": translate(
            "notice_templates",
            "{patient}, you are booked: {date} at {time}, doctor {doctor}, room {room}, {address}.",
        ),
        "change": translate(
            "notice_templates",
            "{patient}, your appointment moved from {old_date} {old_time} to {date} at {time}, "
            "doctor {doctor}, room {room}.",
        ),
        "cancellation": translate(
            "notice_templates",
            "{patient}, your appointment on {date} at {time} with doctor {doctor} is cancelled.",
        ),
        "reminder": translate(
            "notice_templates",
            "{patient}, a reminder: {date} at {time}, doctor {doctor}, room {room}, {address}.",
        ),
    }[purpose]


def _subject(purpose: str) -> str:
    return {
        "confirmation": translate("notice_templates", "Your appointment is booked"),
        "change": translate("notice_templates", "Your appointment has moved"),
        "cancellation": translate("notice_templates", "Your appointment is cancelled"),
        "reminder": translate("notice_templates", "A reminder of your appointment"),
    }[purpose]


def placeholders(purpose: str) -> dict[str, str]:
    """The placeholders a template of ``purpose`` may use, each with what it says."""
    names = {
        "patient": translate("notice_templates", "the patient's first name and patronymic"),
        "date": translate("notice_templates", "the date with its weekday"),
        "time": translate("notice_templates", "the time"),
        "doctor": translate("notice_templates", "the doctor"),
        "specialty": translate("notice_templates", "the doctor's specialty"),
        "room": translate("notice_templates", "the room"),
        "address": translate("notice_templates", "the branch's address"),
        "bring": translate("notice_templates", "what to bring"),
        "link": translate("notice_templates", "the remote consultation's link (or nothing)"),
    }
    if purpose == "change":
        names["old_date"] = translate("notice_templates", "the date it had before")
        names["old_time"] = translate("notice_templates", "the time it had before")
    return names


def check_text(text: str, purpose: str, field: str) -> None:
    """Refuse ``text`` (the ``field`` ``subject`` or ``body`` of a ``purpose`` template) if
    a brace is unmatched or a placeholder is unknown, naming it.

    Raises:
        ValidationError: on ``field``.
    """
    known = placeholders(purpose)
    where = (translate("notice_templates", "Subject") if field == "subject"
             else translate("notice_templates", "Text"))  # fmt: skip
    try:
        parts = list(string.Formatter().parse(text))
    except ValueError:
        raise ValidationError(
            translate("notice_templates",
                      "{field}: a brace is not matched (placeholders are written {{time}})"
                      ).format(field=where), field=field,
        ) from None  # fmt: skip
    for _, name, spec, conversion in parts:
        if name is None:
            continue
        written = "{" + name + (f"!{conversion}" if conversion else "") + (
            f":{spec}" if spec else "") + "}"  # fmt: skip
        if name not in known or spec or conversion:
            raise ValidationError(
                translate("notice_templates",
                          "{field}: unknown placeholder {placeholder}; known: {known}").format(
                    field=where, placeholder=written,
                    known=", ".join("{" + k + "}" for k in known)),
                field=field,
            )  # fmt: skip


def _email(purpose: str) -> str:
    signature = translate(
        "notice_templates",
        "If you cannot come, please call the clinic. This message was sent automatically.",
    )
    body = {
        "confirmation": translate(
            "notice_templates",
            "Dear {patient},\n\nyou are booked to see doctor {doctor} ({specialty}) "
            "on {date} at {time}, room {room}, {address}.",
        ),
        "change": translate(
            "notice_templates",
            "Dear {patient},\n\nyour appointment with doctor {doctor} ({specialty}) has moved "
            "from {old_date} at {old_time} to {date} at {time}, room {room}, {address}.",
        ),
        "cancellation": translate(
            "notice_templates",
            "Dear {patient},\n\nyour appointment with doctor {doctor} ({specialty}) "
            "on {date} at {time} is cancelled.",
        ),
        "reminder": translate(
            "notice_templates",
            "Dear {patient},\n\nwe remind you of your appointment with doctor {doctor} "
            "({specialty}) on {date} at {time}, room {room}, {address}.",
        ),
    }[purpose]
    link = "" if purpose == "cancellation" else "\n\n{link}"
    return f"{body}{link}\n\n{signature}"


def default_template(purpose: str, channel: NotificationChannel) -> Template:
    """The clinic's default text of ``purpose`` by ``channel``."""
    if purpose not in PURPOSES:
        raise ValueError(f"no template for {purpose!r}")
    if channel is NotificationChannel.SMS:
        return Template(None, _sms(purpose))
    return Template(_subject(purpose), _email(purpose))


def template_for(session: Session, purpose: str, channel: NotificationChannel) -> Template:
    """The clinic's own text of ``purpose`` by ``channel``, or the default."""
    stored = session.execute(
        sa.select(NoticeTemplate.subject, NoticeTemplate.body).where(
            NoticeTemplate.purpose == purpose, NoticeTemplate.channel == channel)
    ).one_or_none()  # fmt: skip
    if stored is None or stored.body is None:
        return default_template(purpose, channel)
    return Template(stored.subject if channel is NotificationChannel.EMAIL else None, stored.body)


class _Blank(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""


_BLANK_LINES = re.compile(r"\n{3,}")


def _tidy(text: str) -> str:
    """Without the blank lines and trailing spaces an empty placeholder leaves."""
    lines = "\n".join(line.rstrip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", lines).strip()


def render(template: Template, values: dict[str, str]) -> tuple[str | None, str]:
    """The subject and body with the placeholders filled (an unknown one becomes empty,
    and a line left empty by one goes with it)."""
    filled = _Blank(values)
    subject = _tidy(template.subject.format_map(filled)) if template.subject else None
    return subject, _tidy(template.body.format_map(filled))


# --- SMS length ---------------------------------------------------------------------------

_GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM7_EXTENDED = set("^{}\\[~]|€\f")


@dataclass(frozen=True)
class SmsLength:
    """How an SMS text is sent: ``gsm7`` or ``ucs2``, its units and the parts it takes."""

    encoding: str
    units: int
    segments: int


def sms_segments(text: str) -> SmsLength:
    """The encoding and number of parts of ``text`` as an SMS.

    GSM-7: 160 characters in one part, 153 per part of a longer one (the extended
    characters ``^{}[]~|€\\`` count twice); any other character (Cyrillic) makes it
    UCS-2: 70 in one part, 67 per part (a character beyond the BMP counts twice).
    """
    if all(c in _GSM7_BASIC or c in _GSM7_EXTENDED for c in text):
        units = sum(2 if c in _GSM7_EXTENDED else 1 for c in text)
        single, multi, encoding = 160, 153, "gsm7"
    else:
        units = sum(2 if ord(c) > 0xFFFF else 1 for c in text)
        single, multi, encoding = 70, 67, "ucs2"
    if units == 0:
        return SmsLength(encoding, 0, 0)
    segments = 1 if units <= single else -(-units // multi)
    return SmsLength(encoding, units, segments)
