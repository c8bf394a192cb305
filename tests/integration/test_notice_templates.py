"""The clinic's own texts of notices: saved, refused, the default again, conflicts between
desks; the sender fills the edited text and attaches the ticket as a PDF (real SMTP server
on 127.0.0.1, real PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pypdfium2 as pdfium
import pytest
import sqlalchemy as sa

from crm.controllers.errors import PermissionDenied, ValidationError
from crm.controllers.notifications import template_editing as te
from crm.controllers.notifications.channels import SmtpMailer, SmtpSettings
from crm.controllers.notifications.sender import send_due
from crm.controllers.notifications.templates import default_template
from crm.controllers.schedule import visit_status
from crm.models import Appointment, JournalEntry, OutboxMessage, Patient, PatientConsent
from crm.models.enums import AppointmentKind, ConsentKind, NotificationChannel
from tests import factories as f
from tests import referral_factories as rf
from tests.notify_servers import Inbox, smtp_server

DAY, TODAY, NOW = rf.DAY, rf.TODAY, rf.NOW
SMS, EMAIL = NotificationChannel.SMS, NotificationChannel.EMAIL
EDITED = (
    "{patient}, ждём вас {date} в {time} у врача {doctor}, каб. {room}. С собой: {bring}.{link}"
)


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, SmtpSettings]]:
    with smtp_server() as server:
        yield server


@pytest.fixture
def desk(db) -> rf.Desk:
    """Patient 0 takes e-mail and SMS."""
    made = rf.make_desk(db)
    with db() as session, session.begin():
        first = session.get(Patient, made.patients[0])
        first.patronymic, first.email = "Петрович", "ivanov@example.org"
        given = TODAY - dt.timedelta(days=30)
        session.add_all([
            PatientConsent(patient_id=made.patients[0], kind=ConsentKind.EMAIL, given_on=given),
            PatientConsent(patient_id=made.patients[0], kind=ConsentKind.SMS, given_on=given),
        ])  # fmt: skip
    return made


def book(db, desk, hhmm: str = "10:00") -> Appointment:
    return f.book(  # a paid visit, of the tests' service
        db, desk.registrar, patient_id=desk.patients[0], doctor_id=desk.doctor,
        starts_at=f.at(DAY, hhmm), now=NOW,
    )  # fmt: skip


def template(db, desk, purpose: str, channel: NotificationChannel) -> te.TemplateRow:
    return next(
        t for t in te.list_templates(db, desk.manager)
        if (t.purpose, t.channel) == (purpose, channel)
    )  # fmt: skip


def journal_of(db, action: str) -> list[JournalEntry]:
    with db() as session:
        return list(session.scalars(
            sa.select(JournalEntry)
            .where(JournalEntry.entity == "notice_template", JournalEntry.action == action)
            .order_by(JournalEntry.id)
        ))  # fmt: skip


def test_every_purpose_and_channel_starts_with_the_default(db, desk):
    rows = te.list_templates(db, desk.manager)
    assert len(rows) == 8 and not any(r.custom for r in rows) and {r.version for r in rows} == {0}
    mail = template(db, desk, "confirmation", EMAIL)
    assert mail.subject == "Вы записаны на приём" and mail.body == mail.default_body
    assert template(db, desk, "reminder", SMS).subject is None


def test_a_saved_text_is_used_for_the_next_notice_and_journaled(db, desk):
    saved = te.save_template(db, desk.manager, "confirmation", SMS, subject="ignored",
                             body=EDITED, version=0)  # fmt: skip
    assert saved.custom and saved.subject is None and saved.version >= 1
    made = book(db, desk)
    with db() as session:
        sms = session.scalars(sa.select(OutboxMessage).filter_by(
            appointment_id=made.id, channel=SMS, purpose="confirmation")).one()  # fmt: skip
        mail = session.scalars(sa.select(OutboxMessage).filter_by(
            appointment_id=made.id, channel=EMAIL, purpose="confirmation")).one()  # fmt: skip
    assert sms.body == (
        "Иван Петрович, ждём вас понедельник, 03.03.2031 в 10:00 у врача Петров П. П., "
        f"каб. {sms.body.split('каб. ')[1].split('.')[0]}. С собой: паспорт."
    )  # no link: the placeholder is empty
    assert "Вы записаны на приём к врачу" in mail.body  # the e-mail keeps its default
    (entry,) = journal_of(db, "update")
    assert entry.entity_id is not None and entry.details == "confirmation, sms"
    assert entry.changes["body"] == [default_template("confirmation", SMS).body, EDITED]


def test_an_unknown_placeholder_is_refused_naming_it(db, desk):
    with pytest.raises(ValidationError) as refused:
        te.save_template(db, desk.manager, "reminder", SMS, subject=None,
                         body="{patient}, приём {date} у {doctor_name}", version=0)  # fmt: skip
    assert refused.value.field == "body" and "{doctor_name}" in refused.value.message
    with pytest.raises(ValidationError) as subject:
        te.save_template(db, desk.manager, "reminder", EMAIL, subject="Приём {old_date}",
                         body="{patient}", version=0)  # fmt: skip
    assert subject.value.field == "subject" and "{old_date}" in subject.value.message
    with pytest.raises(ValidationError) as brace:
        te.save_template(db, desk.manager, "reminder", SMS, subject=None, body="{patient",
                         version=0)  # fmt: skip
    assert brace.value.field == "body" and "скобка" in brace.value.message
    # …the old time is known to a change notice.
    te.save_template(db, desk.manager, "change", SMS, subject=None,
                     body="Было {old_date} {old_time}, стало {date} {time}", version=0)  # fmt: skip
    assert not any(t.custom for t in te.list_templates(db, desk.manager) if t.purpose != "change")


def test_only_managers_and_administrators_edit(db, desk):
    with pytest.raises(PermissionDenied):
        te.save_template(db, desk.registrar, "reminder", SMS, subject=None, body="{time}",
                         version=0)  # fmt: skip
    with pytest.raises(PermissionDenied):
        te.list_templates(db, desk.doctor_user)
    assert te.save_template(db, desk.admin, "reminder", SMS, subject=None, body="{time}",
                            version=0).custom  # fmt: skip


def test_back_to_the_default(db, desk):
    saved = te.save_template(db, desk.manager, "reminder", EMAIL, subject="Завтра приём",
                             body="{patient}, завтра в {time}.", version=0)  # fmt: skip
    reset = te.reset_template(db, desk.manager, "reminder", EMAIL, version=saved.version)
    assert not reset.custom and reset.body == reset.default_body
    assert reset.version > saved.version
    assert template(db, desk, "reminder", EMAIL) == reset
    (entry,) = journal_of(db, "reset")
    assert entry.changes["subject"] == ["Завтра приём", reset.default_subject]
    made = book(db, desk)
    with db() as session:
        subject = session.scalars(sa.select(OutboxMessage.subject).filter_by(
            appointment_id=made.id, channel=EMAIL, purpose="reminder")).one()  # fmt: skip
    assert subject == "Напоминание о приёме"


def test_two_desks_editing_one_text(db, desk):
    mine = te.save_template(db, desk.manager, "cancellation", SMS, subject=None,
                            body="Отменено: {date} {time}", version=0)  # fmt: skip
    theirs = te.save_template(db, desk.admin, "cancellation", SMS, subject=None,
                              body="Приём {date} отменён", version=mine.version)  # fmt: skip
    with pytest.raises(te.TemplateConflict) as conflict:
        te.save_template(db, desk.manager, "cancellation", SMS, subject=None,
                         body="Моя правка {date}", version=mine.version)  # fmt: skip
    assert conflict.value.theirs.body == "Приём {date} отменён"
    assert conflict.value.theirs.version == theirs.version
    # Two desks that both read the default: the second to save is told too.
    te.save_template(db, desk.admin, "reminder", SMS, subject=None, body="А {time}", version=0)
    with pytest.raises(te.TemplateConflict) as both_new:
        te.save_template(db, desk.manager, "reminder", SMS, subject=None, body="Б {time}",
                         version=0)  # fmt: skip
    assert both_new.value.theirs.body == "А {time}"
    with pytest.raises(te.TemplateConflict):
        te.reset_template(db, desk.manager, "cancellation", SMS, version=mine.version)
    # Saved with their version, the change goes through.
    assert te.save_template(db, desk.manager, "cancellation", SMS, subject=None,
                            body="Моя правка {date}", version=theirs.version).custom  # fmt: skip


def test_the_preview_fills_the_next_appointment_or_the_one_chosen(db, desk):
    later, sooner = book(db, desk, "15:00"), book(db, desk, "11:00")
    shown = te.preview_visit(db, desk.manager, now=NOW)
    assert shown is not None and shown.id == sooner.id
    assert shown.values["time"] == "11:00" and shown.values["doctor"] == "Петров П. П."
    assert shown.values["old_time"] == "11:00"  # never moved: its own time
    chosen = te.preview_visit(db, desk.manager, later.id, now=NOW)
    assert chosen is not None and chosen.values["time"] == "15:00"
    assert [v.id for v in te.upcoming_visits(db, desk.manager, now=NOW)][:2] == [
        sooner.id,
        later.id,
    ]


def _mails(inbox: Inbox, subject: str):
    return [m for m in inbox.messages if m["Subject"] == subject]


def test_the_sender_fills_the_text_edited_after_queueing_and_attaches_the_ticket(db, desk, smtp):
    inbox, settings = smtp
    made = book(db, desk)
    with db() as session, session.begin():
        visit = session.get(Appointment, made.id)
        visit.kind, visit.video_link = AppointmentKind.REMOTE, "https://meet.example.org/room-7"
    te.save_template(db, desk.manager, "reminder", EMAIL, subject="Завтра: {time}, {doctor}",
                     body="{patient}, завтра {date} в {time}.\n\n{link}\n\nПравка менеджера.",
                     version=0)  # fmt: skip
    mailer = SmtpMailer(settings)
    try:
        due = made.starts_at - dt.timedelta(hours=24)
        send_due(db, due, channels={EMAIL: mailer})
    finally:
        mailer.close()
    (received,) = _mails(inbox, "Завтра: 10:00, Петров П. П.")
    text = received.get_body(("plain",)).get_content()
    assert "Иван Петрович, завтра понедельник, 03.03.2031 в 10:00." in text
    assert "https://meet.example.org/room-7" in text and "Правка менеджера." in text
    parts = {p.get_filename(): p for p in received.iter_attachments()}
    assert set(parts) == {"appointment.ics", f"ticket-{made.id:06d}.pdf"}
    pdf = parts[f"ticket-{made.id:06d}.pdf"]
    assert pdf.get_content_type() == "application/pdf"
    document = pdfium.PdfDocument(pdf.get_content())
    printed = document[0].get_textpage().get_text_range()
    assert f"{made.id:06d}" in printed and "10:00" in printed and "Петров" in printed
    with db() as session:
        sent = session.scalars(sa.select(OutboxMessage).filter_by(
            appointment_id=made.id, purpose="reminder", channel=EMAIL)).one()  # fmt: skip
    assert sent.subject == "Завтра: 10:00, Петров П. П." and "Правка менеджера." in sent.body


def test_a_cancellation_carries_no_ticket(db, desk, smtp):
    inbox, settings = smtp
    made = book(db, desk)
    visit_status.cancel(db, desk.registrar, made.id, reason="болеет", now=NOW)
    mailer = SmtpMailer(settings)
    try:
        send_due(db, NOW, channels={EMAIL: mailer})
    finally:
        mailer.close()
    (cancelled,) = _mails(inbox, "Ваш приём отменён")
    assert [p.get_filename() for p in cancelled.iter_attachments()] == ["appointment.ics"]
