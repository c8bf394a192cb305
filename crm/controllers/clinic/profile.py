"""The clinic's own details: names, address, phone, ОГРН, licence, timezone, ticket paper.

What tickets, day lists, reports and notices print about the clinic comes from here
(``clinic_setting``), never from the program. The form is checked whole, every bad
field named at once; saving it is the administrator's and is journaled before → after.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import asdict, dataclass
from functools import cache
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from crm.controllers import journal
from crm.controllers.access.permissions import Permission, require
from crm.controllers.clinic import settings
from crm.controllers.clinic.clock import SessionSource, reading
from crm.controllers.context import Actor
from crm.controllers.errors import Problems
from crm.controllers.validation import normalize_ogrn
from crm.controllers.validation.fields import collapse_spaces, invalid, required
from crm.controllers.validation.phones import format_phone, normalize_phone
from crm.controllers.vocabulary import ticket_format_title
from crm.i18n import translate
from crm.reports.paper import DEFAULT_FORMAT, TicketFormat

DEFAULT_TIMEZONE = "Europe/Moscow"
NAME_MAX = 300
SHORT_NAME_MAX = 60
ADDRESS_MAX = 300
LICENCE_MAX = 60


def field_title(field: str) -> str:
    """The name of a profile field as the form and its messages show it."""
    titles = {
        "name": translate("clinic", "Full name"),
        "short_name": translate("clinic", "Short name"),
        "address": translate("clinic", "Address"),
        "phone": translate("clinic", "Phone"),
        "ogrn": translate("clinic", "OGRN"),
        "licence": translate("clinic", "Licence number"),
        "timezone": translate("clinic", "Timezone"),
        "ticket_format": translate("clinic", "Ticket paper"),
    }
    return titles.get(field, field)


@dataclass(frozen=True)
class ProfileForm:
    """The clinic's details as typed (every value a string, as the form holds it)."""

    name: str = ""
    short_name: str = ""
    address: str = ""
    phone: str = ""
    ogrn: str = ""
    licence: str = ""
    timezone: str = DEFAULT_TIMEZONE
    ticket_format: str = DEFAULT_FORMAT.value


@dataclass(frozen=True)
class ClinicProfile:
    """The clinic's details, checked and canonical (phone in E.164, ОГРН 13 digits)."""

    name: str
    short_name: str
    address: str
    phone: str | None
    ogrn: str | None
    licence: str | None
    timezone: str
    ticket_format: TicketFormat

    def as_form(self) -> ProfileForm:
        """The profile back as the form shows it."""
        return ProfileForm(
            name=self.name,
            short_name=self.short_name,
            address=self.address,
            phone=format_phone(self.phone) if self.phone else "",  # as people write it
            ogrn=self.ogrn or "",
            licence=self.licence or "",
            timezone=self.timezone,
            ticket_format=self.ticket_format.value,
        )


@cache
def timezones() -> tuple[str, ...]:
    """The IANA timezone names the clinic can choose, Russia's first."""
    everything = sorted(zoneinfo.available_timezones())
    russian = [
        "Europe/Kaliningrad", "Europe/Moscow", "Europe/Samara", "Asia/Yekaterinburg",
        "Asia/Omsk", "Asia/Novosibirsk", "Asia/Krasnoyarsk", "Asia/Irkutsk",
        "Asia/Yakutsk", "Asia/Vladivostok", "Asia/Magadan", "Asia/Kamchatka",
    ]  # fmt: skip
    present = [zone for zone in russian if zone in everything]
    return (*present, *(zone for zone in everything if zone not in present))


def _text(field: str, value: str, limit: int, *, needed: bool) -> str | None:
    text = collapse_spaces(value)
    if not text:
        if needed:
            raise required(field, label=field_title(field))
        return None
    if len(text) > limit:
        raise invalid(
            field,
            translate("clinic", "{field}: at most {limit} characters"),
            label=field_title(field),
            limit=limit,
        )
    return text


def _timezone(value: str) -> str:
    zone = value.strip()
    if zone not in timezones():
        raise invalid(
            "timezone",
            translate("clinic", "{field}: «{value}» is not a timezone of the IANA list"),
            label=field_title("timezone"),
            value=zone,
        )
    return zone


def _ticket_format(value: str) -> TicketFormat:
    typed = value.strip().lower()
    for fmt in TicketFormat:
        if typed in (fmt.value, ticket_format_title(fmt).lower()):
            return fmt
    raise invalid(
        "ticket_format",
        translate("clinic", "{field}: choose 80 mm roll, A6 or A5"),
        label=field_title("ticket_format"),
    )


def _optional(field: str, clean: Any, value: str) -> Any:
    return clean(value) if value.strip() else None


def clean_profile(form: ProfileForm) -> ClinicProfile:
    """``form`` checked whole.

    Raises:
        FormInvalid: every bad field, each message naming its field.
    """
    problems = Problems()
    name = problems.check("name", _text, "name", form.name, NAME_MAX, needed=True)
    short_name = problems.check(
        "short_name", _text, "short_name", form.short_name, SHORT_NAME_MAX, needed=False
    )
    address = problems.check("address", _text, "address", form.address, ADDRESS_MAX, needed=True)
    phone = problems.check("phone", _optional, "phone", normalize_phone, form.phone)
    ogrn = problems.check("ogrn", _optional, "ogrn", normalize_ogrn, form.ogrn)
    licence = problems.check("licence", _text, "licence", form.licence, LICENCE_MAX, needed=False)
    zone = problems.check("timezone", _timezone, form.timezone)
    fmt = problems.check("ticket_format", _ticket_format, form.ticket_format)
    problems.raise_any()
    return ClinicProfile(
        name=name,
        short_name=short_name or name[:SHORT_NAME_MAX],
        address=address,
        phone=phone,
        ogrn=ogrn,
        licence=licence,
        timezone=zone,
        ticket_format=fmt,
    )


def read_profile(source: SessionSource) -> ClinicProfile | None:
    """The clinic's details, or ``None`` before the clinic is set up."""
    with reading(source) as session:
        stored = settings.get(session, settings.CLINIC_PROFILE)
        zone = (settings.get(session, settings.CLINIC_TIMEZONE) or {}).get("name")
        fmt = (settings.get(session, settings.TICKET_FORMAT) or {}).get("format")
    if not stored or not stored.get("name"):
        return None
    try:
        ticket_format = TicketFormat(str(fmt))
    except ValueError:
        ticket_format = DEFAULT_FORMAT
    return ClinicProfile(
        name=stored["name"],
        short_name=stored.get("short_name") or stored["name"][:SHORT_NAME_MAX],
        address=stored.get("address") or "",
        phone=stored.get("phone"),
        ogrn=stored.get("ogrn"),
        licence=stored.get("licence"),
        timezone=zone or DEFAULT_TIMEZONE,
        ticket_format=ticket_format,
    )


#: The profile's fields, in the form's order (journaled by these names).
FIELDS = (
    "name", "short_name", "address", "phone", "ogrn", "licence", "timezone", "ticket_format",
)  # fmt: skip
#: The fields kept in the ``clinic.profile`` setting (the rest have settings of their own).
STORED_TOGETHER = ("name", "short_name", "address", "phone", "ogrn", "licence")


def _stored(profile: ClinicProfile | None) -> dict[str, Any]:
    values = asdict(profile) if profile is not None else {}
    if profile is not None:
        values["ticket_format"] = profile.ticket_format.value
    return values


def write_profile(session: Session, profile: ClinicProfile, actor: Actor | None) -> None:
    """Store ``profile`` in ``session``'s transaction and journal what changed."""
    old = _stored(read_profile(session))
    new = _stored(profile)
    before = {field: old.get(field) for field in FIELDS}
    after = {field: new.get(field) for field in FIELDS}
    settings.put(session, settings.CLINIC_PROFILE, {field: new[field] for field in STORED_TOGETHER})
    settings.put(session, settings.CLINIC_TIMEZONE, {"name": profile.timezone})
    settings.put(session, settings.TICKET_FORMAT, {"format": profile.ticket_format.value})
    changes = journal.diff(before, after)
    if changes:
        journal.record(
            session,
            "update",
            actor=actor,
            login=None if actor else "setup",
            entity="clinic_profile",
            changes=changes,
        )


def save_profile(db: sessionmaker[Session], actor: Actor, form: ProfileForm) -> ClinicProfile:
    """Check and store the clinic's details (administrators).

    Raises:
        PermissionDenied: not an administrator.
        FormInvalid: bad fields, all of them.
    """
    require(actor, Permission.MANAGE_SETTINGS)
    profile = clean_profile(form)
    with db() as session, session.begin():
        write_profile(session, profile, actor)
    return profile
