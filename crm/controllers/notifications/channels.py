"""The ways a notice leaves the clinic: e-mail over SMTP and SMS through a gateway.

A channel has ``send(message)``: it returns when the message was handed over, or
raises :class:`DeliveryError` (``permanent`` when trying again cannot help: a refused
address, a gateway's 4xx). ``secrets`` are the strings the sender blanks out of every
error it stores or logs (a password, a token); the settings never show them in ``repr``.

- :class:`SmtpMailer` — the standard library's ``smtplib``/``email``: plain, STARTTLS or
  SSL, with or without login; one connection kept for a run of the sender.
- :class:`SmsChannel` over an :class:`SmsGateway`: the pluggable interface of SMS
  providers; :class:`HttpJsonGateway` is the generic «HTTP POST JSON» one, and
  :mod:`~crm.controllers.notifications.gateways` has SMS.ru's and SMSC.ru's own APIs.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from typing import Protocol

import httpx


class DeliveryError(Exception):
    """The message was not handed over: ``reason`` (no secrets), ``permanent`` or not."""

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


@dataclass(frozen=True)
class Outgoing:
    """One message to send (read from its outbox row)."""

    id: int
    recipient: str
    subject: str | None
    body: str
    #: ``(file name, MIME type, content)``: the ``.ics`` of the visit, for e-mail.
    attachments: tuple[tuple[str, str, bytes], ...] = ()


class Channel(Protocol):
    """Anything that sends an :class:`Outgoing`."""

    secrets: tuple[str, ...]

    def send(self, message: Outgoing) -> None: ...

    def close(self) -> None: ...


# --- e-mail --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SmtpSettings:
    """How the clinic's mail leaves: ``security`` is ``starttls``, ``ssl`` or ``none``."""

    host: str
    sender: str
    port: int = 587
    security: str = "starttls"
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = 30.0

    def __post_init__(self) -> None:
        if self.security not in ("starttls", "ssl", "none"):
            raise ValueError("security must be starttls, ssl or none")


class SmtpMailer:
    """E-mail over SMTP; the connection opens at the first message and is reused."""

    def __init__(self, settings: SmtpSettings, *, context: ssl.SSLContext | None = None) -> None:
        self.settings = settings
        self.secrets = tuple(s for s in (settings.password,) if s)
        self._context = context or ssl.create_default_context()
        self._smtp: smtplib.SMTP | None = None
        # make_msgid() alone asks the resolver for this host's name at every message.
        self._domain = parseaddr(settings.sender)[1].rpartition("@")[2] or "localhost"

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        smtp: smtplib.SMTP
        if s.security == "ssl":
            smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=self._context)
        else:
            smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        try:
            if s.security == "starttls":
                smtp.starttls(context=self._context)
            if s.username:
                smtp.login(s.username, s.password or "")
        except BaseException:
            smtp.close()  # a refused login or TLS must not leave the socket open
            raise
        return smtp

    def send(self, message: Outgoing) -> None:
        email = EmailMessage()
        email["From"], email["To"] = self.settings.sender, message.recipient
        email["Subject"] = message.subject or ""
        email["Date"] = formatdate(localtime=True)
        email["Message-ID"] = make_msgid(domain=self._domain)
        email.set_content(message.body)
        for name, mime, content in message.attachments:
            maintype, subtype = mime.split("/", 1)
            if maintype == "text":  # UTF-8 text (the .ics), readable by a calendar as it is
                email.add_attachment(content.decode(), subtype=subtype, filename=name)
            else:
                email.add_attachment(content, maintype=maintype, subtype=subtype, filename=name)
        try:
            self._send(email)
        except smtplib.SMTPRecipientsRefused as error:
            raise DeliveryError(_smtp_reason(error), permanent=True) from None
        except smtplib.SMTPAuthenticationError as error:
            self.close()
            raise DeliveryError(f"SMTP {error.smtp_code}: authentication failed") from None
        except (smtplib.SMTPException, OSError) as error:
            self.close()
            raise DeliveryError(_smtp_reason(error)) from None

    def _send(self, email: EmailMessage) -> None:
        if self._smtp is not None:
            try:
                self._smtp.send_message(email)
                return
            except smtplib.SMTPServerDisconnected:
                # The server dropped the connection kept since the last message (an idle
                # timeout between two runs): that is no failure of this message.
                self.close()
        self._smtp = self._connect()
        self._smtp.send_message(email)

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()


def _text(value: bytes | str) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else value


def _smtp_reason(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [f"{code} {_text(text)}" for code, text in error.recipients.values()]
        return "SMTP " + "; ".join(codes)
    if isinstance(error, smtplib.SMTPResponseException):
        text = error.smtp_error
        return f"SMTP {error.smtp_code}: {_text(text)}"
    return f"SMTP: {type(error).__name__}: {error}"


# --- SMS -----------------------------------------------------------------------------------


class SmsGateway(Protocol):
    """An SMS provider: hands ``text`` to ``phone`` or raises :class:`DeliveryError`."""

    secrets: tuple[str, ...]

    def send_sms(self, phone: str, text: str) -> None: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class HttpJsonSettings:
    """A gateway that takes ``POST url`` with ``{"to", "text", "sender"}`` as JSON and
    a ``Authorization: Bearer <token>`` header; any 2xx means accepted."""

    url: str
    token: str | None = field(default=None, repr=False)
    sender: str | None = None
    timeout: float = 30.0


class HttpJsonGateway:
    """The generic «HTTP POST JSON» SMS gateway (``httpx``, one client per run)."""

    def __init__(self, settings: HttpJsonSettings) -> None:
        self.settings = settings
        self.secrets = tuple(s for s in (settings.token,) if s)
        headers = {"Authorization": f"Bearer {settings.token}"} if settings.token else {}
        self._client = httpx.Client(timeout=settings.timeout, headers=headers)

    def send_sms(self, phone: str, text: str) -> None:
        payload = {"to": phone, "text": text, "sender": self.settings.sender}
        try:
            answer = self._client.post(self.settings.url, json=payload)
        except httpx.HTTPError as error:
            raise DeliveryError(f"SMS gateway: {type(error).__name__}") from None
        if answer.is_success:
            return
        # 4xx: the gateway refuses this message (bad number, no money, bad token) — trying
        # again does not help, except for "too many requests".
        permanent = 400 <= answer.status_code < 500 and answer.status_code != 429
        raise DeliveryError(
            f"SMS gateway: HTTP {answer.status_code} {answer.text[:200]}".strip(),
            permanent=permanent,
        )

    def close(self) -> None:
        self._client.close()


class SmsChannel:
    """The SMS channel over any :class:`SmsGateway`."""

    def __init__(self, gateway: SmsGateway) -> None:
        self.gateway = gateway
        self.secrets = gateway.secrets

    def send(self, message: Outgoing) -> None:
        self.gateway.send_sms(message.recipient, message.body)

    def close(self) -> None:
        self.gateway.close()
