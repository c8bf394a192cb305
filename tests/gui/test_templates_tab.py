"""«Шаблоны» against the real database: choose a text, type, the SMS length follows,
the preview shows a real appointment's doctor and time, save, an unknown placeholder is
refused with the text kept."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import shiboken6

from crm.controllers.notifications import template_editing as te
from crm.db.database import Database
from crm.models.enums import NotificationChannel
from crm.views.notifications.templates_tab import TemplatesTab
from tests import factories as f
from tests import referral_factories as rf

TIMEOUT = 10_000
SMS, EMAIL = NotificationChannel.SMS, NotificationChannel.EMAIL


@pytest.fixture
def visit(gui_database: Database):
    desk = rf.make_desk(gui_database.sessions)
    return f.book(  # a paid visit, of the tests' service
        gui_database.sessions, desk.registrar, patient_id=desk.patients[0],
        doctor_id=desk.doctor, starts_at=f.at(rf.DAY, "10:30"), now=rf.NOW,
    )  # fmt: skip


@pytest.fixture
def tab(qtbot, make_context, visit) -> Iterator[TemplatesTab]:
    widget = TemplatesTab(make_context("anna"))
    qtbot.addWidget(widget)
    widget.resize(1000, 640)
    widget.show()
    qtbot.waitUntil(lambda: widget.list.count() == 8 and widget._visit is not None,
                    timeout=TIMEOUT)  # fmt: skip
    yield widget
    if shiboken6.isValid(widget):
        widget.close()


def choose(tab: TemplatesTab, purpose: str, channel: NotificationChannel) -> None:
    for row in range(tab.list.count()):
        if tuple(tab.list.item(row).data(256)) == (purpose, channel.value):
            tab.list.setCurrentRow(row)
            return
    raise AssertionError((purpose, channel))


def test_edit_an_sms_see_its_length_and_preview_then_save(qtbot, tab, visit, gui_database):
    choose(tab, "reminder", SMS)
    assert not tab.subject.isVisible() and "SMS" in tab.sms_length_text()
    tab.body.setPlainText("{patient}, {date} в {time}, врач {doctor}")
    assert "UCS-2" in tab.sms_length_text() and "· 1 SMS" in tab.sms_length_text()
    shown = tab.preview.toPlainText()
    assert "Петров П. П." in shown and "10:30" in shown and "{" not in shown
    tab.body.setPlainText("Hello {time}")
    assert "GSM-7" in tab.sms_length_text()
    tab.body.setPlainText("Длинный текст напоминания. " * 4 + "{time}")
    assert "· 2 SMS" in tab.sms_length_text() or "· 3 SMS" in tab.sms_length_text()
    tab.body.setPlainText("{patient}, приём {date} в {time}. ")
    tab.body.moveCursor(tab.body.textCursor().MoveOperation.End)
    tab.insert_placeholder("room")
    assert tab.body.toPlainText().endswith("{room}")
    assert tab.save_button.isEnabled()
    with qtbot.waitSignal(tab.saved, timeout=TIMEOUT) as saved:
        tab.save()
    assert saved.args == ["reminder", "sms"]
    stored = {(r.purpose, r.channel): r for r in
              te.list_templates(gui_database.sessions, tab._context.actor)}  # fmt: skip
    assert stored[("reminder", SMS)].custom
    assert stored[("reminder", SMS)].body == "{patient}, приём {date} в {time}. {room}"
    assert "собственный" in tab.state.text().lower() or "свой" in tab.state.text().lower()
    if os.environ.get("CRM_SHOT"):
        tab.grab().save(os.environ["CRM_SHOT"])


def test_an_unknown_placeholder_is_refused_and_the_text_stays(qtbot, tab):
    choose(tab, "confirmation", EMAIL)
    assert tab.subject.isVisible()
    tab.subject.setText("Запись к {doctor}")
    tab._edited()
    tab.body.setPlainText("Ждём вас {date} в {time}")
    assert tab.preview.toPlainText().startswith("Тема: Запись к Петров П. П.\n\nЖдём вас ")
    assert tab.sms_length_text() == ""  # an e-mail has no parts to count
    tab.body.setPlainText("Ждём вас {date} в {time}, {cabinet}")
    assert "{cabinet}" in tab.preview.toPlainText()  # the preview says what is wrong
    with qtbot.waitSignal(tab.failed, timeout=TIMEOUT) as failed:
        tab.save()
    assert "{cabinet}" in failed.args[0] and "{cabinet}" in tab.message.text()
    if os.environ.get("CRM_SHOT_MAIL"):
        tab.grab().save(os.environ["CRM_SHOT_MAIL"])
    assert tab.body.toPlainText() == "Ждём вас {date} в {time}, {cabinet}"
    # Another text looked at and back: the draft is still there.
    choose(tab, "reminder", SMS)
    choose(tab, "confirmation", EMAIL)
    assert (
        tab.body.toPlainText().endswith("{cabinet}") and tab.subject.text() == "Запись к {doctor}"
    )


def test_restore_the_standard_text(qtbot, tab, gui_database):
    choose(tab, "cancellation", SMS)
    standard = tab.body.toPlainText()
    tab.body.setPlainText("Отменено: {date} {time}")
    with qtbot.waitSignal(tab.saved, timeout=TIMEOUT):
        tab.save()
    assert tab.reset_button.isEnabled()
    with qtbot.waitSignal(tab.saved, timeout=TIMEOUT):
        tab.reset()
    assert tab.body.toPlainText() == standard
    stored = {(r.purpose, r.channel): r for r in
              te.list_templates(gui_database.sessions, tab._context.actor)}  # fmt: skip
    assert not stored[("cancellation", SMS)].custom


def test_a_text_changed_on_another_desk_is_not_overwritten_unasked(qtbot, tab, gui_database):
    choose(tab, "change", SMS)
    tab.body.setPlainText("Перенос: {old_time} → {time}")
    te.save_template(gui_database.sessions, tab._context.actor, "change", SMS, subject=None,
                     body="Другой стол: {time}", version=0)  # fmt: skip
    with qtbot.waitSignal(tab.loaded, timeout=TIMEOUT):
        tab.refresh()  # as the change event of their save does: the typed text stays
    assert tab.body.toPlainText() == "Перенос: {old_time} → {time}"
    with qtbot.waitSignal(tab.failed, timeout=TIMEOUT) as failed:
        tab.save()
    assert "другом рабочем месте" in failed.args[0] and "Другой стол: {time}" in failed.args[0]
    assert tab.body.toPlainText() == "Перенос: {old_time} → {time}"
    with qtbot.waitSignal(tab.saved, timeout=TIMEOUT):
        tab.save()  # asked again: hers is kept
    stored = {(r.purpose, r.channel): r for r in
              te.list_templates(gui_database.sessions, tab._context.actor)}  # fmt: skip
    assert stored[("change", SMS)].body == "Перенос: {old_time} → {time}"
