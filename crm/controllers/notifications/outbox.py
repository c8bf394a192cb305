"""Notices to patients, queued in the outbox so none is lost when a channel is down.

Controllers call :func:`queue_notice` inside their own transaction: the notice is
written together with the change it tells about, or not at all. Sending (SMTP, the
SMS gateway, retries with backoff) reads the outbox elsewhere.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session

from crm.models import OutboxMessage, Patient, PatientConsent
from crm.models.enums import ConsentKind, NotificationChannel

#: Which consent each channel needs.
CHANNEL_CONSENT = {
    NotificationChannel.SMS: ConsentKind.SMS,
    NotificationChannel.EMAIL: ConsentKind.EMAIL,
}


def reachable_channels(
    session: Session, patient: Patient, today: dt.date
) -> list[tuple[NotificationChannel, str]]:
    """The channels a patient may be written to: a contact on the card and a live consent."""
    consents = set(
        session.scalars(
            sa.select(PatientConsent.kind).where(
                PatientConsent.patient_id == patient.id,
                PatientConsent.given_on <= today,
                sa.or_(PatientConsent.revoked_on.is_(None), PatientConsent.revoked_on > today),
            )
        )
    )
    contacts = {NotificationChannel.SMS: patient.phone, NotificationChannel.EMAIL: patient.email}
    return [
        (channel, contact)
        for channel, contact in contacts.items()
        if contact and CHANNEL_CONSENT[channel] in consents
    ]


def queue_notice(
    session: Session,
    patient: Patient,
    purpose: str,
    body: str,
    *,
    today: dt.date,
    subject: str | None = None,
    appointment_id: int | None = None,
    only: NotificationChannel | None = None,
    waiting_entry_id: int | None = None,
) -> list[OutboxMessage]:
    """Queue ``body`` to every channel the patient can be reached on; the rows written.

    An empty list means the patient cannot be written to (no contact or no consent):
    the desk then calls, which is why the callers also show such patients on screen.
    ``purpose`` is a short code: confirmation, change, cancellation, reminder,
    waiting_offer, waiting_offer_withdrawn, unavailability. ``only``: the one channel the
    patient asked for. ``waiting_entry_id``: the waiting-list entry whose offer the
    notice tells of (withdrawn with the offer).
    """
    messages = [
        OutboxMessage(
            patient_id=patient.id,
            appointment_id=appointment_id,
            waiting_entry_id=waiting_entry_id,
            channel=channel,
            recipient=contact,
            purpose=purpose,
            subject=subject,
            body=body,
        )
        for channel, contact in reachable_channels(session, patient, today)
        if only is None or channel is only
    ]
    session.add_all(messages)
    return messages
