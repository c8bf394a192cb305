"""Russian SMS providers' own HTTP APIs, as :class:`~.channels.SmsGateway` implementations.

- :class:`SmsRuGateway` — SMS.ru: ``POST {base}/sms/send`` with ``api_id``, ``to``, ``msg``,
  ``from`` and ``json=1``; the answer has a status for the request and one per number.
- :class:`SmscGateway` — SMSC.ru: ``POST {base}/sys/send.php`` with ``login``, ``psw``,
  ``phones``, ``mes``, ``sender``, ``fmt=3`` (JSON) and ``charset=utf-8``.

The base URL is a setting (a test points it at a server on 127.0.0.1). Each provider's
codes are sorted into "try again later" (the service is busy, a per-minute limit, no
money on the account yet) and "trying again cannot help" (a refused number, a wrong
token, a text the provider forbids): only the first are retried by the sender. Secrets
(the token, the password) go in the request's body, never in its URL, and are listed in
``secrets`` for the sender to blank out of any reason it stores.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from crm.controllers.notifications.channels import DeliveryError, SmsGateway

SMSRU_URL = "https://sms.ru"
SMSC_URL = "https://smsc.ru"

#: SMS.ru's codes worth another try later: no money yet, a daily or per-minute limit, the
#: service unavailable or failing. Every other error code is final for the message.
SMSRU_TRANSIENT = frozenset({201, 206, 220, 231, 500})
#: SMS.ru's codes of a wrong or unusable api_id.
SMSRU_AUTH = frozenset({200, 300, 301, 302})
#: SMSC.ru's: no money, the address blocked for a while, too many requests at once.
SMSC_TRANSIENT = frozenset({3, 4, 9})
SMSC_AUTH = frozenset({2})


def digits(phone: str) -> str:
    """A phone number as the providers take it: digits only (``+7 916 …`` → ``7916…``)."""
    return "".join(ch for ch in phone if ch.isdigit())


@dataclass(frozen=True)
class ProviderSettings:
    """A provider's account: ``token`` (SMS.ru's api_id; SMSC's ``login:password``), the
    approved sender name (``None``: the provider's default) and the base URL."""

    token: str = field(repr=False)
    sender: str | None = None
    url: str | None = None
    timeout: float = 30.0


class _FormGateway:
    """The common part: one ``httpx`` client, a form POST, its JSON answer."""

    name = ""
    default_url = ""
    path = ""

    def __init__(self, settings: ProviderSettings) -> None:
        self.settings = settings
        self.secrets: tuple[str, ...] = tuple(
            s for s in {settings.token, *settings.token.split(":", 1)[1:]} if s
        )
        self.base = (settings.url or self.default_url).rstrip("/")
        self._client = httpx.Client(timeout=settings.timeout)

    def _post(self, form: dict[str, str]) -> dict[str, Any]:
        try:
            answer = self._client.post(self.base + self.path, data=form)
        except httpx.HTTPError as error:
            raise DeliveryError(f"{self.name}: {type(error).__name__}") from None
        if not answer.is_success:
            permanent = 400 <= answer.status_code < 500 and answer.status_code != 429
            raise DeliveryError(f"{self.name}: HTTP {answer.status_code}", permanent=permanent)
        try:
            parsed = answer.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise DeliveryError(f"{self.name}: the answer is not JSON") from None
        if not isinstance(parsed, dict):
            raise DeliveryError(f"{self.name}: an answer of unknown form")
        return parsed

    def close(self) -> None:
        self._client.close()


class SmsRuGateway(_FormGateway):
    """SMS.ru (``api_id`` as the token)."""

    name = "SMS.ru"
    default_url = SMSRU_URL
    path = "/sms/send"

    def send_sms(self, phone: str, text: str) -> None:
        number = digits(phone)
        form = {"api_id": self.settings.token, "to": number, "msg": text, "json": "1"}
        if self.settings.sender:
            form["from"] = self.settings.sender
        answer = self._post(form)
        if answer.get("status") != "OK":  # the whole request refused
            raise self._error(answer, auth_hint=True)
        per_number = answer.get("sms") or {}
        entry = per_number.get(number)
        if entry is None and len(per_number) == 1:
            entry = next(iter(per_number.values()))
        if not isinstance(entry, dict):
            raise DeliveryError(f"{self.name}: no status for the number")
        if entry.get("status") != "OK":
            raise self._error(entry, auth_hint=False)

    def _error(self, answer: dict[str, Any], *, auth_hint: bool) -> DeliveryError:
        try:
            code = int(answer.get("status_code") or 0)
        except (TypeError, ValueError):
            code = 0
        text = str(answer.get("status_text") or "").strip()
        reason = f"{self.name} {code}: {text}" if text else f"{self.name} {code}"
        if auth_hint and code in SMSRU_AUTH:
            reason += " (check the api_id)"
        return DeliveryError(reason, permanent=code not in SMSRU_TRANSIENT)


class SmscGateway(_FormGateway):
    """SMSC.ru (``login:password`` as the token)."""

    name = "SMSC.ru"
    default_url = SMSC_URL
    path = "/sys/send.php"

    def send_sms(self, phone: str, text: str) -> None:
        login, _, password = self.settings.token.partition(":")
        form = {
            "login": login, "psw": password, "phones": digits(phone), "mes": text,
            "fmt": "3", "charset": "utf-8",
        }  # fmt: skip
        if self.settings.sender:
            form["sender"] = self.settings.sender
        answer = self._post(form)
        if "error" not in answer and "error_code" not in answer:
            return
        try:
            code = int(answer.get("error_code") or 0)
        except (TypeError, ValueError):
            code = 0
        reason = f"{self.name} {code}: {str(answer.get('error') or '').strip()}".rstrip(": ")
        if code in SMSC_AUTH:
            reason += " (check the login and password)"
        raise DeliveryError(reason, permanent=code not in SMSC_TRANSIENT)


#: The providers an administrator chooses from: key → gateway class.
PROVIDERS: dict[str, Callable[[ProviderSettings], SmsGateway]] = {
    "smsru": SmsRuGateway,
    "smsc": SmscGateway,
}
