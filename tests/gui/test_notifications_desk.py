"""Where people see the notices, against the real database: the registrar's call list
beside the schedule, the manager's «Уведомления» queue (retry, cancel), the card's
«Сообщения» tab, the dashboard's failures today and the section in the main window."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from crm.controllers import journal
from crm.controllers.notifications.calls import queue_call
from crm.db.database import Database
from crm.models import CallTask, OutboxMessage, Patient
from crm.models.enums import CallStatus, JournalOutcome, NotificationChannel, NotificationStatus
from crm.views import AppContext
from crm.views.main_window import NOTIFICATIONS, MainWindow
from crm.views.notifications.page import NotificationsPage
from crm.views.patients.card_tabs import CardTabs
from crm.views.reports.dashboard import DashboardView
from crm.views.schedule.page import SchedulePage
from tests import factories as f
from tests.gui.test_schedule_grid import ScheduleClinic, make_schedule_clinic
from tests.gui.test_schedule_page import FakeEvents

TIMEOUT = 10_000
S = NotificationStatus


@pytest.fixture
def clinic(gui_database: Database) -> ScheduleClinic:
    return make_schedule_clinic(gui_database)


def add_call(database: Database, patient_id: int, appointment_id: int | None = None) -> int:
    with database.sessions() as session, session.begin():
        patient = session.get(Patient, patient_id)
        return queue_call(
            session, patient, "waiting_offer", "Освободилось время, позвоните нам",
            appointment_id=appointment_id,
        ).id  # fmt: skip


def call_status(database: Database, call_id: int) -> tuple[CallStatus, int]:
    with database.sessions() as session:
        task = session.get(CallTask, call_id)
        return task.status, task.attempts


def open_schedule(qtbot, context: AppContext, clinic: ScheduleClinic) -> SchedulePage:
    page = SchedulePage(context)
    qtbot.addWidget(page)
    page.resize(1400, 900)
    with qtbot.waitSignal(page.call_list.loaded, timeout=TIMEOUT):
        page.show()
        page.activate()
    qtbot.waitUntil(lambda: not page.loading and context.runner.idle, timeout=TIMEOUT)
    return page


def test_the_call_list_beside_the_schedule_marks_calls(qtbot, make_context, gui_database, clinic):
    first = add_call(gui_database, clinic.patients[0], appointment_id=clinic.first)
    events = FakeEvents()
    context = make_context("boris", events)
    page = open_schedule(qtbot, context, clinic)
    panel = page.call_list
    assert panel.isVisible() and panel.list.count() == 1
    text = panel.list.item(0).text()
    with gui_database.sessions() as session:
        phone = session.get(Patient, clinic.patients[0]).phone
    assert "Соколова И." in text
    assert f"+7 ({phone[2:5]}) {phone[5:8]}-{phone[8:10]}-{phone[10:]}" in text  # formatted
    assert f"предложено свободное время: {clinic.day:%d.%m} 09:30" in text  # the visit's time
    assert panel.title.text() == "Позвонить (1)"
    assert panel.reached_button.text() == "Позвони&л"

    # Another desk's waiting list adds a call: it appears on the notice.
    second = add_call(gui_database, clinic.patients[1])
    with qtbot.waitSignal(panel.loaded, timeout=TIMEOUT):
        events.changed.emit({"table": "call_task", "op": "INSERT", "id": second})
    assert panel.list.count() == 2

    # Keyboard: Shift+Enter on the chosen call — «не дозвонился»: it stays, counted.
    panel.list.setFocus()
    panel.list.setCurrentRow(1)
    with qtbot.waitSignal(panel.loaded, timeout=TIMEOUT):
        qtbot.keyClick(panel.list, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert call_status(gui_database, second) == (CallStatus.NO_ANSWER, 1)
    assert panel.list.count() == 2
    assert "не дозвонились: 1" in panel.list.item(1).text()
    assert panel.list.currentRow() == 1  # the same call stays chosen

    # The button «Позвонил» on the first: it leaves the list.
    panel.list.setCurrentRow(0)
    with qtbot.waitSignal(panel.loaded, timeout=TIMEOUT):
        panel.reached_button.click()
    assert call_status(gui_database, first) == (CallStatus.REACHED, 1)
    assert [r.id for r in panel.rows()] == [second]
    # Enter — «позвонил»: nobody is left to call, the panel goes.
    with qtbot.waitSignal(panel.loaded, timeout=TIMEOUT):
        qtbot.keyClick(panel.list, Qt.Key.Key_Return)
    assert call_status(gui_database, second)[0] is CallStatus.REACHED
    assert panel.list.count() == 0 and not panel.isVisible()


def add_message(
    database: Database, patient_id: int, status: S, *, error: str | None = None, days_ago=0
) -> int:
    with database.sessions() as session, session.begin():
        row = OutboxMessage(
            patient_id=patient_id, channel=NotificationChannel.SMS, recipient="+79161234567",
            purpose="reminder", body="Напоминаем о приёме", status=status, last_error=error,
            attempts=5 if status is S.FAILED else 0,
        )  # fmt: skip
        if status is S.SENT:
            row.sent_at = dt.datetime.now(dt.UTC)
        session.add(row)
        session.flush()
        if status is S.FAILED:
            journal.record(
                session, "send", entity="outbox_message", entity_id=row.id,
                outcome=JournalOutcome.FAILED, details=f"sms, 5: {error}",
            )  # fmt: skip
        if days_ago:
            row.created_at = dt.datetime.now(dt.UTC) - dt.timedelta(days=days_ago)
        return row.id


def message_status(database: Database, message_id: int) -> S:
    with database.sessions() as session:
        return session.get(OutboxMessage, message_id).status


def test_the_manager_retries_and_cancels_from_the_queue(qtbot, make_context, gui_database, clinic):
    patient = clinic.patients[2]
    failed = add_message(gui_database, patient, S.FAILED, error="HTTP 500 от шлюза")
    queued = add_message(gui_database, patient, S.PENDING)
    sent = add_message(gui_database, patient, S.SENT, days_ago=3)
    page = NotificationsPage(make_context("anna"))
    qtbot.addWidget(page)
    page.resize(1200, 600)
    tab = page.outbox
    assert tab is not None and page.tabs.tabText(0) == "Очередь"
    with qtbot.waitSignal(tab.loaded, timeout=TIMEOUT):
        page.show()
    assert tab.model.row_ids() == [queued, failed, sent]  # the newest first
    headers = [tab.model.headerData(c, Qt.Orientation.Horizontal) for c in range(8)]
    assert headers[1] == "Пациент" and headers[-1] == "Статус"
    assert tab.model.index(1, 7).data() == "не доставлено: HTTP 500 от шлюза"
    assert tab.model.index(1, 1).data().startswith("Орлова")
    assert tab.model.index(1, 4).data() == "+7 (916) 123-45-67"

    # Filter «не доставлено»: only the failed one.
    with qtbot.waitSignal(tab.loaded, timeout=TIMEOUT):
        tab.status_filter.setCurrentIndex(tab.status_filter.findText("не доставлено"))
    assert tab.model.row_ids() == [failed]
    tab.select(failed)
    assert tab.retry_button.isEnabled() and not tab.cancel_button.isEnabled()
    with qtbot.waitSignal(tab.loaded, timeout=TIMEOUT):
        tab.retry_button.click()
    assert message_status(gui_database, failed) is S.PENDING
    assert tab.model.row_ids() == []  # no longer «не доставлено»
    assert tab.message.text() == f"Снова в очереди: сообщение {failed}"

    # «в очереди», then the period of today only: the sent one of three days ago goes.
    with qtbot.waitSignal(tab.loaded, timeout=TIMEOUT):
        tab.status_filter.setCurrentIndex(0)
    assert set(tab.model.row_ids()) == {queued, failed, sent}
    tab.date_from.set_value(f"{dt.datetime.now(f.MOSCOW):%d.%m.%Y}")
    with qtbot.waitSignal(tab.loaded, timeout=TIMEOUT):
        tab.show_button.click()
    assert set(tab.model.row_ids()) == {queued, failed}
    tab.select(queued)
    assert tab.cancel_button.isEnabled() and not tab.retry_button.isEnabled()
    with qtbot.waitSignal(tab.loaded, timeout=TIMEOUT):
        tab.cancel_button.click()
    assert message_status(gui_database, queued) is S.CANCELLED
    assert tab.selected().id == queued and tab.model.index(0, 7).data() == "отменено"
    assert not tab.cancel_button.isEnabled()

    # A wrong date is named, nothing typed is lost, nothing is read.
    tab.date_to.set_value("31.02.2026")
    jobs = page._context.runner.last_job()
    with qtbot.waitSignal(tab.loaded, timeout=TIMEOUT):
        tab.show_button.click()
    assert "По" in tab.message.text() or "по" in tab.message.text()
    assert tab.date_to.value() == "31.02.2026" and page._context.runner.last_job() == jobs

    # Sent on another desk meanwhile: cancelling it is refused with the reason.
    tab.date_to.set_value("")
    with qtbot.waitSignal(tab.loaded, timeout=TIMEOUT):
        tab.show_button.click()
    tab.select(failed)
    with gui_database.sessions() as session, session.begin():
        session.get(OutboxMessage, failed).status = S.SENT
    with qtbot.waitSignal(tab.loaded, timeout=TIMEOUT):
        tab.cancel_button.click()
    assert "уже отправлено" in tab.message.text()
    assert message_status(gui_database, failed) is S.SENT
    qtbot.waitUntil(lambda: not tab.busy and page._context.runner.idle, timeout=TIMEOUT)


def test_the_card_lists_the_messages_to_the_patient(qtbot, make_context, gui_database, clinic):
    patient = clinic.patients[3]
    add_message(gui_database, patient, S.FAILED, error="HTTP 400")
    add_message(gui_database, patient, S.SENT)
    add_message(gui_database, clinic.patients[0], S.PENDING)  # another patient's
    events = FakeEvents()
    context = make_context("boris", events)
    host = QWidget()
    qtbot.addWidget(host)
    tabs = CardTabs(context, host)
    messages = tabs.messages
    assert tabs.tabText(tabs.indexOf(messages)) == "Сообщения"
    with qtbot.waitSignal(messages.loaded, timeout=TIMEOUT):
        tabs.show_patient(patient)
    model = messages.model
    statuses = [model.index(r, model.columnCount() - 1).data() for r in range(model.rowCount())]
    assert statuses == ["отправлено", "не доставлено: HTTP 400"]
    assert model.index(1, 1).data() == "напоминание" and model.index(1, 2).data() == "SMS"

    queued = add_message(gui_database, patient, S.PENDING)
    messages._debounce.setInterval(20)
    with qtbot.waitSignal(messages.loaded, timeout=TIMEOUT):
        events.changed.emit({"table": "outbox_message", "op": "INSERT", "id": queued,
                             "patient_id": patient})  # fmt: skip
    assert model.rowCount() == 3 and model.index(0, 6).data() == "в очереди"
    assert model.index(0, 4).data().startswith("к отправке ")
    qtbot.waitUntil(lambda: not tabs.loading and context.runner.idle, timeout=TIMEOUT)


def test_the_dashboard_counts_the_notices_not_delivered_today(
    qtbot, make_context, gui_database, clinic
):
    add_message(gui_database, clinic.patients[0], S.FAILED, error="HTTP 500")
    view = DashboardView(make_context("anna"))
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.loaded, timeout=15_000):
        view.show()
    assert view.data.notice_failures == 1
    assert view.notice_failures.text() == "Не доставлено уведомлений сегодня: 1"


def test_the_section_is_the_manager_s(qtbot, make_context, gui_database):
    window = MainWindow(make_context("anna"))
    qtbot.addWidget(window)
    assert NOTIFICATIONS in window.sections
    assert window.pages[NOTIFICATIONS].title == "Уведомления"
    desk = MainWindow(make_context("boris"))
    qtbot.addWidget(desk)
    assert NOTIFICATIONS not in desk.sections
    with gui_database.sessions() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0


def test_an_administrator_s_notifications_section_holds_the_channels_only(
    qtbot, make_context, gui_database
) -> None:
    """An administrator's database role reads no patients: the queue is not theirs."""
    from crm.controllers.access import auth
    from crm.models.enums import Role
    from crm.views.notifications.page import NotificationsPage

    auth.add_user(gui_database.sessions, "root", "secret-123", Role.ADMIN, "Админ")
    page = NotificationsPage(make_context("root"))
    qtbot.addWidget(page)
    assert page.outbox is None and page.channels is not None
    assert [page.tabs.tabText(i) for i in range(page.tabs.count())] == ["Каналы"]
