"""Remote visits' video links, made by the program from the clinic's provider.

An administrator sets the provider once as a link template with ``{room}`` in it (a
self-hosted Jitsi: ``https://meet.clinic.ru/{room}``); every remote appointment booked
without a link typed by hand then gets its own room with an unguessable name, so the
ticket and the notices carry a working link and nobody copies one by hand.
"""

from __future__ import annotations

import secrets
import string
from urllib.parse import urlsplit

from sqlalchemy.orm import Session, sessionmaker

from crm.controllers import journal
from crm.controllers.access.permissions import Permission, require
from crm.controllers.clinic import settings
from crm.controllers.context import Actor
from crm.controllers.errors import ValidationError
from crm.i18n import translate

SETTING = "telemedicine.provider"  # {"url_template": "https://meet.clinic.ru/{room}"}
ROOM = "{room}"
#: 16 characters of 36: about 82 bits, so a room cannot be guessed from another's.
ROOM_LENGTH = 16
_ROOM_ALPHABET = string.ascii_lowercase + string.digits


def _stored(session: Session) -> str:
    return str((settings.get(session, SETTING) or {}).get("url_template") or "")


def link_template(db: sessionmaker[Session]) -> str:
    """The provider's link template ("" when the clinic has none); anyone may read it."""
    with db() as session:
        return _stored(session)


def clean_template(text: str) -> str:
    """A link template as stored: ``http(s)://host/…`` with ``{room}`` once; "" clears it.

    Raises:
        ValidationError: (field ``url_template``) not a web address, or no ``{room}``.
    """
    text = text.strip()
    if not text:
        return ""
    parts = urlsplit(text.replace(ROOM, "room"))
    if parts.scheme not in {"https", "http"} or not parts.netloc or " " in text:
        raise ValidationError(
            translate("telemedicine", "Video link: a web address such as {example}").format(
                example="https://meet.clinic.ru/{room}"
            ),
            field="url_template",
        )
    if text.count(ROOM) != 1:
        raise ValidationError(
            translate(
                "telemedicine", "Video link: put {room} once where the room's name goes"
            ).format(room=ROOM),
            field="url_template",
        )
    return text


def set_link_template(db: sessionmaker[Session], actor: Actor, text: str) -> str:
    """Store the provider's link template (administrators), journaled; "" turns it off.

    Raises:
        PermissionDenied: not an administrator.
        ValidationError: as :func:`clean_template`.
    """
    require(actor, Permission.MANAGE_SETTINGS)
    template = clean_template(text)
    with db() as session, session.begin():
        before = _stored(session)
        if template != before:
            settings.put(session, SETTING, {"url_template": template})
            journal.record(
                session, "update", actor=actor, entity="clinic_setting",
                changes=journal.diff({"video_link_template": before or None},
                                     {"video_link_template": template or None}),
            )  # fmt: skip
    return template


def new_room_link(session: Session) -> str | None:
    """A fresh room's link from the clinic's provider; ``None`` when none is set."""
    template = _stored(session)
    if not template:
        return None
    room = "".join(secrets.choice(_ROOM_ALPHABET) for _ in range(ROOM_LENGTH))
    return template.replace(ROOM, room)
