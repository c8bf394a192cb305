"""«Отправить тестовое сообщение»: one message through the channel as the editor describes it.

The administrator types an address or a number; the message goes through the real channel
(the typed settings, the stored secret where none was typed), and the answer — handed over,
or the reason it was not, without secrets — comes back for the screen. The attempt is
journaled (the channel and the outcome; no address, no secret).

Also the administrator's screen's load and save (the channels with the quiet hours).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from crm.controllers import journal
from crm.controllers.access.permissions import Permission, require
from crm.controllers.context import Actor
from crm.controllers.errors import Problems, ValidationError
from crm.controllers.notifications.channel_settings import (
    ChannelForm,
    ChannelSetup,
    check_email,
    clean_form,
    field_title,
    read_setup,
    save_setup,
    typed_channel,
)
from crm.controllers.notifications.channels import DeliveryError, Outgoing
from crm.controllers.notifications.sender import redact
from crm.controllers.notifications.visits import (
    NoticeSettings,
    change_notice_settings,
    notice_settings,
)
from crm.controllers.validation.phones import normalize_phone
from crm.crypto import KeyRing
from crm.i18n import translate
from crm.models.enums import JournalOutcome, NotificationChannel

log = logging.getLogger("crm.notify")


@dataclass(frozen=True)
class TrialResult:
    """Whether the test message was handed over, and the words for the screen."""

    ok: bool
    message: str


def _recipient(channel: NotificationChannel, to: str) -> str:
    if channel is NotificationChannel.EMAIL:
        return check_email("to", to)
    try:
        return normalize_phone(to)
    except ValidationError as error:
        raise ValidationError(error.message.replace(
            translate("validation", "Phone"), field_title("to")), field="to") from None  # fmt: skip


def send_trial(
    db: sessionmaker[Session],
    actor: Actor,
    keyring: KeyRing,
    form: ChannelForm,
    *,
    channel: NotificationChannel,
    to: str,
) -> TrialResult:
    """Send a test message to ``to`` through ``channel`` as ``form`` describes it.

    Raises:
        PermissionDenied: not an administrator.
        FormInvalid, ValidationError: bad settings, a bad address or number, the channel off.
    """
    require(actor, Permission.MANAGE_SETTINGS)
    recipient = _recipient(channel, to)
    built = typed_channel(db, keyring, form, channel)
    if built is None:
        field = "smtp_host" if channel is NotificationChannel.EMAIL else "sms_provider"
        raise ValidationError(translate("notify", "{field}: required to send a test").format(
            field=field_title(field)), field=field)  # fmt: skip
    text = translate("notify", "Test message from the clinic's Registratura: the channel works.")
    message = Outgoing(0, recipient, translate("notify", "Test message"), text)
    try:
        built.send(message)
        ok, reason = True, ""
    except DeliveryError as error:
        ok, reason = False, redact(error.reason, built.secrets)[:500]
    finally:
        built.close()
    with db() as session, session.begin():
        journal.record(
            session, "send", actor=actor, entity="notify_channels",
            outcome=JournalOutcome.OK if ok else JournalOutcome.FAILED,
            details=f"test {channel.value}" + ("" if ok else f": {reason}"),
        )  # fmt: skip
    log.info("test %s: %s", channel.value, "sent" if ok else f"failed: {reason}")
    if ok:
        return TrialResult(True, translate("notify", "Sent to {to}.").format(to=recipient))
    return TrialResult(False, translate("notify", "Not sent: {reason}").format(reason=reason))


# --- the administrator's «Каналы» screen -----------------------------------------------------


def load_screen(source: sessionmaker[Session]) -> tuple[ChannelSetup, NoticeSettings]:
    """The stored channels and the clinic's notice settings (for the quiet hours)."""
    with source() as session:
        return read_setup(session), notice_settings(session)


def _quiet(field: str, text: str) -> dt.time:
    try:
        return dt.time.fromisoformat(text.strip())
    except ValueError:
        label = (translate("notify", "No SMS from") if field == "quiet_from"
                 else translate("notify", "No SMS until"))  # fmt: skip
        raise ValidationError(translate("notify", "{field}: a time of day as HH:MM, e.g. 21:00")
                              .format(field=label), field=field) from None  # fmt: skip


def save_screen(
    db: sessionmaker[Session],
    actor: Actor,
    keyring: KeyRing,
    form: ChannelForm,
    *,
    quiet_from: str,
    quiet_to: str,
) -> tuple[ChannelSetup, NoticeSettings]:
    """Store the channels and the quiet hours; every bad field named at once.

    Raises:
        PermissionDenied: not an administrator.
        FormInvalid: bad fields.
    """
    require(actor, Permission.MANAGE_SETTINGS)
    problems = Problems()
    problems.check("channels", clean_form, form, read_setup(db))
    start = problems.check("quiet_from", _quiet, "quiet_from", quiet_from)
    end = problems.check("quiet_to", _quiet, "quiet_to", quiet_to)
    problems.raise_any()
    setup = save_setup(db, actor, keyring, form)
    chosen = change_notice_settings(db, actor, quiet_from=start, quiet_to=end)
    return setup, chosen
