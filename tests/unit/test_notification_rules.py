"""Pure rules of the notifications: SMS length, quiet hours, backoff, secrets, templates."""

from __future__ import annotations

import datetime as dt

import pytest

from crm.controllers.errors import ValidationError
from crm.controllers.notifications.channels import HttpJsonSettings, SmtpSettings
from crm.controllers.notifications.sender import in_quiet_hours, redact, retry_delay
from crm.controllers.notifications.templates import (
    PURPOSES,
    check_text,
    date_with_weekday,
    default_template,
    placeholders,
    render,
    sms_segments,
)
from crm.controllers.notifications.visits import NoticeSettings
from crm.models.enums import NotificationChannel


@pytest.mark.parametrize(
    ("text", "encoding", "segments"),
    [
        ("", "gsm7", 0),
        ("a" * 160, "gsm7", 1),
        ("a" * 161, "gsm7", 2),
        ("a" * 153 * 2, "gsm7", 2),
        ("€" * 80, "gsm7", 1),  # an extended character counts twice: 160 units
        ("€" * 81, "gsm7", 2),
        ("я" * 70, "ucs2", 1),
        ("я" * 71, "ucs2", 2),
        ("я" * 134, "ucs2", 2),
        ("я" * 135, "ucs2", 3),
    ],
)
def test_sms_segments(text, encoding, segments):
    length = sms_segments(text)
    assert (length.encoding, length.segments) == (encoding, segments)


def test_quiet_hours_span_midnight_and_can_be_switched_off():
    night = NoticeSettings()
    assert in_quiet_hours(dt.time(21, 0), night) and in_quiet_hours(dt.time(3, 0), night)
    assert in_quiet_hours(dt.time(8, 59), night) and not in_quiet_hours(dt.time(9, 0), night)
    assert not in_quiet_hours(dt.time(20, 59), night)
    lunch = NoticeSettings(quiet_from=dt.time(13, 0), quiet_to=dt.time(14, 0))
    assert in_quiet_hours(dt.time(13, 30), lunch) and not in_quiet_hours(dt.time(14, 0), lunch)
    never = NoticeSettings(quiet_from=dt.time(0, 0), quiet_to=dt.time(0, 0))
    assert not in_quiet_hours(dt.time(23, 0), never)


def test_backoff_doubles_up_to_its_cap():
    base, cap = dt.timedelta(minutes=1), dt.timedelta(minutes=10)
    assert [retry_delay(n, base, cap).seconds // 60 for n in range(1, 7)] == [1, 2, 4, 8, 10, 10]


def test_secrets_stay_out_of_reprs_and_reasons():
    assert "hunter2" not in repr(SmtpSettings("h", "s", username="u", password="hunter2"))
    assert "tok" not in repr(HttpJsonSettings("http://x", token="tok"))
    assert redact("auth Bearer tok failed", ("tok",)) == "auth Bearer *** failed"


def test_templates_fill_placeholders_and_leave_unknown_ones_empty():
    values = {"patient": "Иван Петрович", "date": "понедельник, 03.03.2031"}
    subject, body = render(default_template("reminder", NotificationChannel.EMAIL), values)
    assert subject == "Напоминание о приёме" and body.startswith("Уважаемый(ая) Иван Петрович!")
    assert "{" not in body
    assert date_with_weekday(dt.date(2031, 3, 9)) == "воскресенье, 09.03.2031"
    with pytest.raises(ValueError):
        default_template("birthday", NotificationChannel.SMS)


def test_an_empty_link_leaves_no_blank_lines_and_a_link_its_own_paragraph():
    mail = default_template("confirmation", NotificationChannel.EMAIL)
    _, without = render(mail, {"address": "ул. Ленина, 1"})
    assert "ул. Ленина, 1.\n\nЕсли вы не можете прийти" in without and "\n\n\n" not in without
    _, remote = render(mail, {"address": "ул. Ленина, 1", "link": "https://meet.example/x"})
    assert "ул. Ленина, 1.\n\nhttps://meet.example/x\n\nЕсли" in remote


@pytest.mark.parametrize(
    ("text", "purpose", "named"),
    [
        ("{patient} {cabinet}", "reminder", "{cabinet}"),
        ("{old_time}", "reminder", "{old_time}"),  # only a change had an old time
        ("{time!r}", "reminder", "{time!r}"),
        ("{patient.upper}", "confirmation", "{patient.upper}"),
        ("{time:>10}", "confirmation", "{time:>10}"),
        ("{patient", "reminder", "скобка"),
        ("patient}", "reminder", "скобка"),
    ],
)
def test_a_template_with_an_unknown_placeholder_is_refused_naming_it(text, purpose, named):
    with pytest.raises(ValidationError) as refused:
        check_text(text, purpose, "body")
    assert named in refused.value.message and refused.value.field == "body"


def test_every_default_uses_only_known_placeholders():
    for purpose in PURPOSES:
        for channel in NotificationChannel:
            template = default_template(purpose, channel)
            check_text(template.body, purpose, "body")
            check_text(template.subject or "", purpose, "subject")
    assert "{{" not in "".join(placeholders("change")) and "old_date" in placeholders("change")
