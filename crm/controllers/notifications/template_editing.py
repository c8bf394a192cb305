"""A manager edits the clinic's texts of notices: one per purpose and channel.

Each text is kept in ``notice_template`` with an optimistic-locking ``version``: a desk
saves with the version it read (``0``: it read the built-in default, nothing stored),
and a text changed on another desk meanwhile is refused with theirs
(:class:`TemplateConflict`), nothing typed lost. An unknown placeholder or an unmatched
brace is refused on save, naming it (:func:`~crm.controllers.notifications.templates.check_text`).
«Вернуть стандартный» (:func:`reset_template`) makes the row say «the default» again.
Every change is journaled (``notice_template``: subject and body before → after).

The editor's preview is filled with a real appointment (:func:`preview_visit`): the next
one booked, or the one chosen among :func:`upcoming_visits`; the widget fills the text
as it is typed (:func:`~crm.controllers.notifications.templates.render` is pure).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session, sessionmaker

from crm.controllers import journal
from crm.controllers.access.permissions import Permission, allowed, require
from crm.controllers.clinic import clock
from crm.controllers.context import Actor
from crm.controllers.errors import NotFound, StaleRecord, ValidationError
from crm.controllers.notifications.templates import (
    PURPOSES,
    check_text,
    default_template,
)
from crm.controllers.notifications.visits import visit_values
from crm.controllers.schedule.slots import short_name
from crm.i18n import translate
from crm.models import Appointment, Doctor, NoticeTemplate, Patient
from crm.models.enums import AppointmentStatus, NotificationChannel

CHANNELS = (NotificationChannel.EMAIL, NotificationChannel.SMS)
SUBJECT_LIMIT = 200
BODY_LIMIT = {NotificationChannel.EMAIL: 5000, NotificationChannel.SMS: 1000}
ENTITY = "notice_template"


@dataclass(frozen=True)
class TemplateRow:
    """The text of one purpose by one channel, as a desk edits it.

    Attributes:
        version: what to save with (``0``: nothing stored yet).
        custom: the clinic's own text (``False``: the built-in default).
        default_subject, default_body: the built-in default, for «Вернуть стандартный».
    """

    purpose: str
    channel: NotificationChannel
    subject: str | None
    body: str
    version: int
    custom: bool
    default_subject: str | None
    default_body: str
    updated_at: dt.datetime | None = None


class TemplateConflict(StaleRecord):
    """The text was changed on another desk since it was read; ``theirs`` is it now."""

    def __init__(self, message: str, theirs: TemplateRow) -> None:
        super().__init__(message, field="body")
        self.theirs = theirs


@dataclass(frozen=True)
class VisitChoice:
    """An appointment to fill the preview with."""

    id: int
    title: str


@dataclass(frozen=True)
class PreviewVisit:
    """The placeholders' values of a real appointment (``change``'s old time included)."""

    id: int
    title: str
    values: dict[str, str]


def may_edit(actor: Actor) -> bool:
    """Managers and administrators edit the texts."""
    return allowed(actor, Permission.MANAGE_SCHEDULES) or allowed(actor, Permission.MANAGE_SETTINGS)


def _require_editor(actor: Actor) -> None:
    if not allowed(actor, Permission.MANAGE_SCHEDULES):
        require(actor, Permission.MANAGE_SETTINGS)


def _check_kind(purpose: str, channel: NotificationChannel) -> None:
    if purpose not in PURPOSES or channel not in CHANNELS:
        raise NotFound(
            translate("notice_templates", "There is no notice «{purpose}» by {channel}").format(
                purpose=purpose, channel=channel
            )
        )


def _row(purpose: str, channel: NotificationChannel, stored: NoticeTemplate | None) -> TemplateRow:
    default = default_template(purpose, channel)
    custom = stored is not None and stored.body is not None
    return TemplateRow(
        purpose=purpose,
        channel=channel,
        subject=(stored.subject if custom and stored else default.subject),
        body=(stored.body or "") if custom and stored else default.body,
        version=stored.version if stored is not None else 0,
        custom=custom,
        default_subject=default.subject,
        default_body=default.body,
        updated_at=stored.updated_at if stored is not None else None,
    )


def _stored(session: Session, purpose: str, channel: NotificationChannel, *, lock: bool = False
            ) -> NoticeTemplate | None:  # fmt: skip
    query = sa.select(NoticeTemplate).where(
        NoticeTemplate.purpose == purpose, NoticeTemplate.channel == channel
    )
    return session.scalars(query.with_for_update() if lock else query).one_or_none()


def list_templates(db: sessionmaker[Session], actor: Actor) -> list[TemplateRow]:
    """Every purpose × channel, the clinic's text or the default.

    Raises:
        PermissionDenied: neither a manager nor an administrator.
    """
    _require_editor(actor)
    with db() as session:
        stored = {(r.purpose, r.channel): r for r in session.scalars(sa.select(NoticeTemplate))}
        return [_row(p, c, stored.get((p, c))) for p in PURPOSES for c in CHANNELS]


def _clean(
    purpose: str, channel: NotificationChannel, subject: str | None, body: str
) -> tuple[str | None, str]:
    body = body.strip()
    if not body:
        raise ValidationError(translate("notice_templates", "Text: required"), field="body")
    if len(body) > BODY_LIMIT[channel]:
        raise ValidationError(
            translate("notice_templates", "Text: at most {count} characters").format(
                count=BODY_LIMIT[channel]
            ),
            field="body",
        )
    check_text(body, purpose, "body")
    if channel is not NotificationChannel.EMAIL:
        return None, body
    subject = (subject or "").strip()
    if not subject:
        raise ValidationError(translate("notice_templates", "Subject: required"), field="subject")
    if len(subject) > SUBJECT_LIMIT or "\n" in subject:
        raise ValidationError(
            translate("notice_templates", "Subject: one line of at most {count} characters")
            .format(count=SUBJECT_LIMIT), field="subject",
        )  # fmt: skip
    check_text(subject, purpose, "subject")
    return subject, body


def _conflict(session: Session, purpose: str, channel: NotificationChannel) -> TemplateConflict:
    session.expire_all()
    return TemplateConflict(
        translate(
            "notice_templates",
            "Someone changed this text on another workstation while you were editing it",
        ),
        _row(purpose, channel, _stored(session, purpose, channel)),
    )


def _write(
    db: sessionmaker[Session],
    actor: Actor,
    purpose: str,
    channel: NotificationChannel,
    *,
    subject: str | None,
    body: str | None,
    version: int,
) -> TemplateRow:
    """Store ``body`` (``None``: the default again) if the row is still at ``version``."""
    with db() as session, session.begin():
        if version == 0:
            made = session.execute(
                insert(NoticeTemplate)
                .values(purpose=purpose, channel=channel, subject=None, body=None,
                        updated_by_id=actor.user_id)
                .on_conflict_do_nothing()
                .returning(NoticeTemplate.id)
            ).scalar_one_or_none()  # fmt: skip
            if made is None:
                raise _conflict(session, purpose, channel)
        row = _stored(session, purpose, channel, lock=True)
        assert row is not None  # made above, or read by the desk at ``version``
        if version not in (0, row.version):
            raise _conflict(session, purpose, channel)
        before = _row(purpose, channel, row)
        row.subject, row.body = (subject, body) if body is not None else (None, None)
        row.updated_by_id = actor.user_id
        row.updated_at = clock.server_now(session)
        session.flush()
        after = _row(purpose, channel, row)
        changes = journal.diff(
            {"subject": before.subject, "body": before.body},
            {"subject": after.subject, "body": after.body},
        )
        if changes or before.custom != after.custom:
            journal.record(
                session, "reset" if body is None else "update", actor=actor, entity=ENTITY,
                entity_id=row.id, changes=changes, details=f"{purpose}, {channel.value}",
            )  # fmt: skip
        return after


def save_template(
    db: sessionmaker[Session],
    actor: Actor,
    purpose: str,
    channel: NotificationChannel,
    *,
    subject: str | None,
    body: str,
    version: int,
) -> TemplateRow:
    """Store the clinic's text of ``purpose`` by ``channel`` (read at ``version``).

    Raises:
        PermissionDenied: neither a manager nor an administrator.
        NotFound: no such purpose or channel.
        ValidationError: empty or too long, an unmatched brace, an unknown placeholder
            (named; field ``subject`` or ``body``).
        TemplateConflict: changed on another desk since ``version`` was read (with theirs).
    """
    _require_editor(actor)
    _check_kind(purpose, channel)
    subject, body = _clean(purpose, channel, subject, body)
    return _write(db, actor, purpose, channel, subject=subject, body=body, version=version)


def reset_template(
    db: sessionmaker[Session], actor: Actor, purpose: str, channel: NotificationChannel, *,
    version: int,
) -> TemplateRow:  # fmt: skip
    """«Вернуть стандартный»: the built-in default is sent again.

    Raises:
        as :func:`save_template` (no validation).
    """
    _require_editor(actor)
    _check_kind(purpose, channel)
    if version == 0:  # nothing stored: already the default
        with db() as session:
            stored = _stored(session, purpose, channel)
            if stored is not None and stored.body is not None:
                raise _conflict(session, purpose, channel)
            return _row(purpose, channel, stored)
    return _write(db, actor, purpose, channel, subject=None, body=None, version=version)


# --- the preview ------------------------------------------------------------------------


def _visit_title(session: Session, visit: Appointment, tz: dt.tzinfo) -> str:
    patient = session.get(Patient, visit.patient_id)
    doctor = session.get(Doctor, visit.doctor_id)
    assert patient is not None and doctor is not None  # foreign keys
    return translate("notice_templates", "{when} — {patient}, doctor {doctor}").format(
        when=f"{visit.starts_at.astimezone(tz):%d.%m.%Y %H:%M}",
        patient=short_name(patient.last_name, patient.first_name, patient.patronymic),
        doctor=short_name(doctor.last_name, doctor.first_name, doctor.patronymic),
    )


def _upcoming(session: Session, now: dt.datetime | None, limit: int) -> list[Appointment]:
    moment = clock.server_now(session, now)
    return list(session.scalars(
        sa.select(Appointment)
        .where(Appointment.status == AppointmentStatus.BOOKED, Appointment.starts_at >= moment)
        .order_by(Appointment.starts_at, Appointment.id)
        .limit(limit)
    ))  # fmt: skip


def upcoming_visits(
    db: sessionmaker[Session], actor: Actor, *, now: dt.datetime | None = None, limit: int = 30
) -> list[VisitChoice]:
    """The next booked appointments, soonest first, to preview a text with.

    Raises:
        PermissionDenied: neither a manager nor an administrator.
    """
    _require_editor(actor)
    with db() as session:
        tz = clock.clinic_timezone(session)
        return [VisitChoice(v.id, _visit_title(session, v, tz))
                for v in _upcoming(session, now, limit)]  # fmt: skip


def preview_visit(
    db: sessionmaker[Session],
    actor: Actor,
    appointment_id: int | None = None,
    *,
    now: dt.datetime | None = None,
) -> PreviewVisit | None:
    """The values of appointment ``appointment_id`` (``None``: the next one booked) for
    the preview; ``None``: no appointment ahead. A visit never moved shows its own time
    as the old one.

    Raises:
        PermissionDenied: neither a manager nor an administrator.
        NotFound: no appointment ``appointment_id``.
    """
    _require_editor(actor)
    with db() as session:
        tz = clock.clinic_timezone(session)
        if appointment_id is None:
            found = _upcoming(session, now, 1)
            if not found:
                return None
            visit = found[0]
        else:
            chosen = session.get(Appointment, appointment_id)
            if chosen is None:
                raise NotFound(
                    translate("booking", "Appointment {id} does not exist").format(
                        id=appointment_id
                    )
                )
            visit = chosen
        old = session.get(Appointment, visit.rescheduled_from_id or visit.id)
        values = visit_values(session, visit, tz, old)
        return PreviewVisit(visit.id, _visit_title(session, visit, tz), values)
