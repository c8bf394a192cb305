"""The clinic's channels as an administrator sets them: SMTP, the SMS provider, rate limits.

Stored in the clinic setting ``notifications.channels`` so that every sender (the clinic's
service, ``clinic-crm notify run``) and every desk reads the same. The SMTP password and
the SMS token are kept as the project keeps secrets: sealed with the clinic's key
(AES-GCM, :meth:`crm.crypto.KeyRing.encrypt`, each bound to its own purpose); the
database holds only the ciphertext, and whoever runs a sender needs the key file, as
any desk does. A secret is never returned to a screen, never journaled (the journal says
only that it was changed) and never logged.

Also the sender's settings file of ``notify run --config`` (:func:`channels_from_settings`),
where secrets come from the environment.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from crm.controllers import journal
from crm.controllers.access.permissions import Permission, require
from crm.controllers.clinic import settings
from crm.controllers.clinic.clock import SessionSource, reading
from crm.controllers.context import Actor
from crm.controllers.errors import Problems, ValidationError
from crm.controllers.notifications.channels import (
    Channel,
    HttpJsonGateway,
    HttpJsonSettings,
    SmsChannel,
    SmsGateway,
    SmtpMailer,
    SmtpSettings,
)
from crm.controllers.notifications.gateways import PROVIDERS, ProviderSettings
from crm.controllers.validation.fields import invalid, required
from crm.crypto import DecryptionError, KeyRing
from crm.i18n import translate
from crm.models.enums import NotificationChannel

CHANNELS_KEY = "notifications.channels"
SECURITIES = ("starttls", "ssl", "none")
#: SMS providers: ``http_json`` is the generic gateway (its URL required).
SMS_PROVIDERS = ("smsru", "smsc", "http_json")
MAX_PER_MINUTE = 100_000
_PASSWORD, _TOKEN = "notify.smtp_password", "notify.sms_token"
_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
#: The fields the journal shows before → after (secrets only as "changed").
FIELDS = (
    "smtp_host", "smtp_port", "smtp_security", "smtp_username", "smtp_sender",
    "sms_provider", "sms_url", "sms_sender", "email_per_minute", "sms_per_minute",
)  # fmt: skip


def field_title(field: str) -> str:
    """The channels editor's name of ``field``."""
    return {
        "smtp_host": translate("notify", "SMTP server"),
        "smtp_port": translate("notify", "Port"),
        "smtp_security": translate("notify", "Security"),
        "smtp_username": translate("notify", "Login"),
        "smtp_password": translate("notify", "Password"),
        "smtp_sender": translate("notify", "From"),
        "sms_provider": translate("notify", "SMS provider"),
        "sms_url": translate("notify", "Gateway address"),
        "sms_token": translate("notify", "Token"),
        "sms_sender": translate("notify", "Sender name"),
        "email_per_minute": translate("notify", "E-mails per minute"),
        "sms_per_minute": translate("notify", "SMS per minute"),
        "to": translate("notify", "Send to"),
    }.get(field, field)


@dataclass(frozen=True)
class ChannelForm:
    """The editor as typed. An empty password or token keeps the stored one."""

    smtp_host: str = ""
    smtp_port: str = "587"
    smtp_security: str = "starttls"
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_sender: str = ""
    sms_provider: str = ""
    sms_url: str = ""
    sms_token: str = ""
    sms_sender: str = ""
    email_per_minute: str = ""
    sms_per_minute: str = ""

    def __repr__(self) -> str:  # the secrets never reach a log through a repr
        return f"ChannelForm(smtp_host={self.smtp_host!r}, sms_provider={self.sms_provider!r})"


@dataclass(frozen=True)
class ChannelSetup:
    """What is stored, for a screen: whether a secret is set, never the secret."""

    smtp_host: str = ""
    smtp_port: int = 587
    smtp_security: str = "starttls"
    smtp_username: str = ""
    smtp_sender: str = ""
    smtp_password_set: bool = False
    sms_provider: str = ""
    sms_url: str = ""
    sms_sender: str = ""
    sms_token_set: bool = False
    #: 0: no limit.
    email_per_minute: int = 0
    sms_per_minute: int = 0

    @property
    def rate_limits(self) -> dict[NotificationChannel, int]:
        """Messages per minute per channel (only the limited ones)."""
        limits = {NotificationChannel.EMAIL: self.email_per_minute,
                  NotificationChannel.SMS: self.sms_per_minute}  # fmt: skip
        return {channel: n for channel, n in limits.items() if n > 0}

    def as_form(self) -> ChannelForm:
        """The editor's texts for this setup (secrets empty: kept unless typed)."""
        return ChannelForm(
            smtp_host=self.smtp_host, smtp_port=str(self.smtp_port),
            smtp_security=self.smtp_security, smtp_username=self.smtp_username,
            smtp_sender=self.smtp_sender, sms_provider=self.sms_provider, sms_url=self.sms_url,
            sms_sender=self.sms_sender,
            email_per_minute=str(self.email_per_minute or ""),
            sms_per_minute=str(self.sms_per_minute or ""),
        )  # fmt: skip


def _setup(value: Mapping[str, Any] | None) -> ChannelSetup:
    value = value or {}
    smtp, sms, rates = value.get("smtp") or {}, value.get("sms") or {}, value.get("rates") or {}
    return ChannelSetup(
        smtp_host=str(smtp.get("host") or ""), smtp_port=int(smtp.get("port") or 587),
        smtp_security=str(smtp.get("security") or "starttls"),
        smtp_username=str(smtp.get("username") or ""), smtp_sender=str(smtp.get("sender") or ""),
        smtp_password_set=bool(smtp.get("password")),
        sms_provider=str(sms.get("provider") or ""), sms_url=str(sms.get("url") or ""),
        sms_sender=str(sms.get("sender") or ""), sms_token_set=bool(sms.get("token")),
        email_per_minute=int(rates.get("email") or 0), sms_per_minute=int(rates.get("sms") or 0),
    )  # fmt: skip


def read_setup(source: SessionSource) -> ChannelSetup:
    """The stored channels (an empty setup when none were set)."""
    with reading(source) as session:
        return _setup(settings.get(session, CHANNELS_KEY))


# --- checking what was typed -----------------------------------------------------------------


def _port(text: str) -> int:
    text = text.strip() or "587"
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise invalid("smtp_port", translate("notify", "{field}: a number from 1 to 65535"),
                      label=field_title("smtp_port"))  # fmt: skip
    return int(text)


def _per_minute(field: str, text: str) -> int:
    text = text.strip()
    if not text:
        return 0
    if not text.isdigit() or int(text) > MAX_PER_MINUTE:
        raise invalid(field, translate(
            "notify", "{field}: a whole number (empty or 0: no limit), at most {most}"),
            label=field_title(field), most=MAX_PER_MINUTE)  # fmt: skip
    return int(text)


def check_email(field: str, text: str) -> str:
    """``text`` as an e-mail address, or a :class:`ValidationError` for ``field``."""
    text = text.strip()
    if not text:
        raise required(field, label=field_title(field))
    if not _EMAIL.match(text):
        raise invalid(field, translate(
            "notify", "{field}: an e-mail address, e.g. clinic@example.org"),
            label=field_title(field))  # fmt: skip
    return text


def _choice(field: str, text: str, choices: tuple[str, ...]) -> str:
    if text not in choices:
        raise invalid(field, translate("notify", "{field}: one of {choices}"),
                      label=field_title(field), choices=", ".join(choices))  # fmt: skip
    return text


def _url(field: str, text: str, *, needed: bool) -> str:
    text = text.strip()
    if not text:
        if needed:
            raise required(field, label=field_title(field))
        return ""
    if not re.match(r"^https?://[^\s/]+", text):
        raise invalid(field, translate("notify", "{field}: an address starting with https://"),
                      label=field_title(field))  # fmt: skip
    return text


def clean_form(form: ChannelForm, stored: ChannelSetup) -> ChannelSetup:
    """The setup typed in ``form`` (secrets: set if typed now or stored before).

    An empty SMTP server turns e-mail off, no provider turns SMS off.

    Raises:
        FormInvalid: every bad field, each named.
    """
    problems = Problems()
    host = form.smtp_host.strip()
    smtp: dict[str, Any] = {}
    if host:
        smtp = {
            "smtp_host": host,
            "smtp_port": problems.check("smtp_port", _port, form.smtp_port),
            "smtp_security": problems.check(
                "smtp_security", _choice, "smtp_security", form.smtp_security, SECURITIES),
            "smtp_username": form.smtp_username.strip(),
            "smtp_sender": problems.check(
                "smtp_sender", check_email, "smtp_sender", form.smtp_sender),
            "smtp_password_set": bool(form.smtp_password) or stored.smtp_password_set,
        }  # fmt: skip
        if smtp["smtp_username"] and not smtp["smtp_password_set"]:
            problems.add("smtp_password", translate("notify", "{field}: required with a login")
                         .format(field=field_title("smtp_password")))  # fmt: skip
    provider = form.sms_provider.strip()
    sms: dict[str, Any] = {}
    if provider:
        problems.check("sms_provider", _choice, "sms_provider", provider, SMS_PROVIDERS)
        sms = {
            "sms_provider": provider,
            "sms_url": problems.check(
                "sms_url", _url, "sms_url", form.sms_url, needed=provider == "http_json"),
            "sms_sender": form.sms_sender.strip()[:11],
            "sms_token_set": bool(form.sms_token) or stored.sms_token_set,
        }  # fmt: skip
        if provider != "http_json" and not sms["sms_token_set"]:
            problems.add("sms_token", translate("notify", "{field}: required").format(
                field=field_title("sms_token")))  # fmt: skip
        if provider == "smsc" and form.sms_token and ":" not in form.sms_token:
            problems.add("sms_token", translate(
                "notify", "{field}: for SMSC.ru, the login and password as login:password"
            ).format(field=field_title("sms_token")))  # fmt: skip
    email_rate = problems.check("email_per_minute", _per_minute, "email_per_minute",
                                form.email_per_minute)  # fmt: skip
    sms_rate = problems.check("sms_per_minute", _per_minute, "sms_per_minute",
                              form.sms_per_minute)  # fmt: skip
    problems.raise_any()
    return ChannelSetup(**smtp, **sms, email_per_minute=email_rate, sms_per_minute=sms_rate)


# --- storing ------------------------------------------------------------------------------


def _seal(keyring: KeyRing, secret: str, purpose: str) -> str:
    return base64.b64encode(keyring.encrypt(secret, purpose)).decode("ascii")


def has_secrets(value: Mapping[str, Any] | None) -> bool:
    """Whether the stored ``value`` holds a sealed password or token (needs the key)."""
    value = value or {}
    return bool((value.get("smtp") or {}).get("password") or (value.get("sms") or {}).get("token"))


def _open(keyring: KeyRing | None, sealed: str | None, purpose: str) -> str | None:
    if not sealed:
        return None
    if keyring is None:
        raise ValidationError(translate("notify", "The key file is needed to open the secrets"))
    try:
        return keyring.decrypt(base64.b64decode(sealed), purpose)
    except (DecryptionError, ValueError):
        what = (translate("notify", "password") if purpose == _PASSWORD
                else translate("notify", "token"))  # fmt: skip
        raise ValidationError(translate(
            "notify", "The stored {what} does not open with this workstation's key: type it again"
        ).format(what=what)) from None  # fmt: skip


def _value(setup: ChannelSetup, password: str | None, token: str | None) -> dict[str, Any]:
    value: dict[str, Any] = {"rates": {"email": setup.email_per_minute,
                                       "sms": setup.sms_per_minute}}  # fmt: skip
    if setup.smtp_host:
        value["smtp"] = {
            "host": setup.smtp_host, "port": setup.smtp_port, "security": setup.smtp_security,
            "username": setup.smtp_username, "sender": setup.smtp_sender, "password": password,
        }  # fmt: skip
    if setup.sms_provider:
        value["sms"] = {"provider": setup.sms_provider, "url": setup.sms_url,
                        "sender": setup.sms_sender, "token": token}  # fmt: skip
    return value


def _words(setup: ChannelSetup) -> dict[str, Any]:
    return {name: getattr(setup, name) for name in FIELDS}


def save_setup(
    db: sessionmaker[Session], actor: Actor, keyring: KeyRing, form: ChannelForm
) -> ChannelSetup:
    """Check and store the channels (administrators); journaled without the secrets.

    Raises:
        PermissionDenied: not an administrator.
        FormInvalid: bad fields, all of them.
    """
    require(actor, Permission.MANAGE_SETTINGS)
    with db() as session, session.begin():
        raw = settings.get(session, CHANNELS_KEY) or {}
        old = _setup(raw)
        new = clean_form(form, old)
        password = (_seal(keyring, form.smtp_password, _PASSWORD) if form.smtp_password
                    else (raw.get("smtp") or {}).get("password"))  # fmt: skip
        token = (_seal(keyring, form.sms_token, _TOKEN) if form.sms_token
                 else (raw.get("sms") or {}).get("token"))  # fmt: skip
        value = _value(new, password if new.smtp_host else None,
                       token if new.sms_provider else None)  # fmt: skip
        settings.put(session, CHANNELS_KEY, value)
        changes = journal.diff(_words(old), _words(new))
        # A secret appears in the journal only as "changed", never its value.
        if form.smtp_password and new.smtp_host:
            changes["smtp_password"] = ["***" if old.smtp_password_set else None, "*** (new)"]
        if form.sms_token and new.sms_provider:
            changes["sms_token"] = ["***" if old.sms_token_set else None, "*** (new)"]
        if changes:
            journal.record(session, "update", actor=actor, entity="notify_channels",
                           changes=changes)  # fmt: skip
    return _setup(value)


# --- the channels themselves ------------------------------------------------------------------


def _gateway(provider: str, url: str, token: str | None, sender: str | None) -> SmsGateway:
    if provider == "http_json":
        return HttpJsonGateway(HttpJsonSettings(url=url, token=token, sender=sender))
    if provider not in PROVIDERS:
        raise ValueError(f"sms.provider: unknown provider {provider!r}")
    return PROVIDERS[provider](ProviderSettings(token=token or "", sender=sender, url=url or None))


def _build(
    setup: ChannelSetup, password: str | None, token: str | None, only: NotificationChannel | None
) -> dict[NotificationChannel, Channel]:
    channels: dict[NotificationChannel, Channel] = {}
    if setup.smtp_host and only in (None, NotificationChannel.EMAIL):
        channels[NotificationChannel.EMAIL] = SmtpMailer(SmtpSettings(
            host=setup.smtp_host, sender=setup.smtp_sender, port=setup.smtp_port,
            security=setup.smtp_security, username=setup.smtp_username or None,
            password=password,
        ))  # fmt: skip
    if setup.sms_provider and only in (None, NotificationChannel.SMS):
        gateway = _gateway(setup.sms_provider, setup.sms_url, token, setup.sms_sender or None)
        channels[NotificationChannel.SMS] = SmsChannel(gateway)
    return channels


def stored_channels(
    value: Mapping[str, Any] | None, keyring: KeyRing | None
) -> tuple[dict[NotificationChannel, Channel], ChannelSetup]:
    """The channels the stored ``notifications.channels`` value describes, and its setup."""
    value = value or {}
    setup = _setup(value)
    password = _open(keyring, (value.get("smtp") or {}).get("password"), _PASSWORD)
    token = _open(keyring, (value.get("sms") or {}).get("token"), _TOKEN)
    return _build(setup, password, token, None), setup


def typed_channel(
    source: SessionSource, keyring: KeyRing, form: ChannelForm, channel: NotificationChannel
) -> Channel | None:
    """The one channel ``form`` describes, with the stored secret where none was typed
    (``None``: that channel is off in the form).

    Raises:
        FormInvalid: bad fields.
    """
    with reading(source) as session:
        raw = settings.get(session, CHANNELS_KEY) or {}
    setup = clean_form(form, _setup(raw))
    password = form.smtp_password or _open(keyring, (raw.get("smtp") or {}).get("password"),
                                           _PASSWORD)  # fmt: skip
    token = form.sms_token or _open(keyring, (raw.get("sms") or {}).get("token"), _TOKEN)
    return _build(setup, password, token, channel).get(channel)


def with_rates(setup: ChannelSetup, email: int | None, sms: int | None) -> ChannelSetup:
    """``setup`` with the rate limits changed where given."""
    return replace(
        setup,
        email_per_minute=setup.email_per_minute if email is None else email,
        sms_per_minute=setup.sms_per_minute if sms is None else sms,
    )


# --- the settings file of ``notify run --config`` ------------------------------------------------


def channels_from_settings(
    data: dict[str, Any], environ: Mapping[str, str]
) -> dict[NotificationChannel, Channel]:
    """The channels a sender's settings describe (``[smtp]``, ``[sms]`` tables of a TOML
    file). Secrets are never in the file: the SMTP password is read from the environment
    variable ``password_env`` names (default ``CRM_SMTP_PASSWORD``), the gateway's token
    from ``token_env`` (default ``CRM_SMS_TOKEN``). ``[sms] gateway`` is ``http_json``
    (``url`` required), ``smsru`` or ``smsc`` (``url``: the provider's, unless given).

    Raises:
        ValueError: a setting is missing or wrong (the message names it).
    """
    channels: dict[NotificationChannel, Channel] = {}
    if (smtp := data.get("smtp")) is not None:
        if "password" in smtp:
            raise ValueError("smtp.password: keep it out of the file, use password_env")
        try:
            mail = SmtpSettings(
                host=str(smtp["host"]), sender=str(smtp["sender"]),
                port=int(smtp.get("port", 587)), security=str(smtp.get("security", "starttls")),
                username=smtp.get("username"),
                password=environ.get(str(smtp.get("password_env", "CRM_SMTP_PASSWORD"))),
                timeout=float(smtp.get("timeout", 30)),
            )  # fmt: skip
        except KeyError as missing:
            raise ValueError(f"smtp.{missing.args[0]}: required") from None
        channels[NotificationChannel.EMAIL] = SmtpMailer(mail)
    if (sms := data.get("sms")) is not None:
        if "token" in sms:
            raise ValueError("sms.token: keep it out of the file, use token_env")
        kind = sms.get("gateway", "http_json")
        if kind not in SMS_PROVIDERS:
            raise ValueError(f"sms.gateway: unknown gateway {kind!r} (known: "
                             f"{', '.join(SMS_PROVIDERS)})")  # fmt: skip
        if kind == "http_json" and "url" not in sms:
            raise ValueError("sms.url: required")
        token = environ.get(str(sms.get("token_env", "CRM_SMS_TOKEN")))
        if kind != "http_json" and not token:
            raise ValueError(f"sms: the token is not in ${sms.get('token_env', 'CRM_SMS_TOKEN')}")
        gateway = _gateway(kind, str(sms.get("url") or ""), token, sms.get("sender"))
        channels[NotificationChannel.SMS] = SmsChannel(gateway)
    return channels


def file_rate_limits(data: dict[str, Any]) -> dict[NotificationChannel, int]:
    """``[rate] email_per_minute``, ``sms_per_minute`` of the settings file."""
    rate = data.get("rate") or {}
    limits = {NotificationChannel.EMAIL: int(rate.get("email_per_minute", 0)),
              NotificationChannel.SMS: int(rate.get("sms_per_minute", 0))}  # fmt: skip
    return {channel: n for channel, n in limits.items() if n > 0}
