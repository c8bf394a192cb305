"""The dashboard: loads today's figures, draws its charts, reloads on change notices."""

from __future__ import annotations

import datetime as dt
import os
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from PySide6.QtCore import QObject, Signal

from crm.models import Doctor, Feedback, WaitingListEntry
from crm.models.enums import ContactChannel, ReferralStatus
from crm.views.reports.page import reports_page
from tests import booking_factories as bf
from tests import factories as f

MOSCOW = ZoneInfo("Europe/Moscow")


class FakeEvents(QObject):
    """Stands in for the listener bridge: the test emits the notices itself."""

    changed = Signal(dict)


def _clinic(session) -> None:
    today = dt.datetime.now(MOSCOW).date()
    branch, specialty = f.clinic(session)
    doctor = f.doctor(session, branch, specialty, "Дашбордов")
    bf.hours(session, doctor, "00:00-23:45", weekdays=bf.EVERY_DAY, works_on_holidays=True)
    patient = f.patient(session, "Истекающий")
    bf.referral(session, patient, specialty, issued_on=today - dt.timedelta(days=27),
                status=ReferralStatus.ACTIVE, number="ЭКСП-1")  # fmt: skip
    session.add(
        WaitingListEntry(
            patient_id=f.patient(session, "Ждущий").id, specialty_id=specialty.id,
            wished_from=today, wished_to=today + dt.timedelta(days=14),
            channel=ContactChannel.SMS,
        )
    )  # fmt: skip


def test_dashboard_loads_and_reloads_on_notices(qtbot, make_context, gui_database):
    with gui_database.sessions() as session, session.begin():
        _clinic(session)
    events = FakeEvents()
    context = make_context("anna", events)
    page = reports_page(context)
    qtbot.addWidget(page)
    page.resize(1100, 700)
    view = page.dashboard
    with qtbot.waitSignal(view.loaded, timeout=15_000):
        page.show()  # the dashboard loads when it comes on screen
    data = view.data
    assert data is not None
    assert [r.number for r in data.expiring] == ["ЭКСП-1"] and data.expiring[0].days_left == 3
    assert data.waiting_total == 1
    assert view.expiring.rowCount() == 1 and view.expiring.item(0, 0).text() == "ЭКСП-1"
    assert view.load_chart.series() and view.waiting_chart.series()
    assert view.no_show_chart.series()[0].barSets()[0].count() == 7

    with gui_database.sessions() as session, session.begin():
        session.add(
            WaitingListEntry(
                patient_id=f.patient(session, "Ещёждущий").id,
                specialty_id=session.scalar(
                    WaitingListEntry.__table__.select().with_only_columns(
                        WaitingListEntry.specialty_id
                    )
                ),
                wished_from=data.today, wished_to=data.today, channel=ContactChannel.PHONE,
            )
        )  # fmt: skip
    view._debounce.setInterval(50)
    with qtbot.waitSignal(view.loaded, timeout=15_000):
        for _ in range(5):  # a burst of notices: one reload
            events.changed.emit({"table": "waiting_list_entry", "op": "INSERT"})
    assert view.data.waiting_total == 2
    page.hide()  # off screen, notices only mark it stale: no query for nobody
    jobs = context.runner.last_job()
    events.changed.emit({"table": "appointment", "op": "UPDATE"})
    qtbot.wait(200)
    assert context.runner.last_job() == jobs and not view.busy
    qtbot.waitUntil(lambda: not view.busy and context.runner.idle, timeout=10_000)


def test_dashboard_lists_each_doctors_average_rating(qtbot, make_context, gui_database):
    with gui_database.sessions() as session, session.begin():
        _clinic(session)
        doctor = session.scalar(sa.select(Doctor).where(Doctor.last_name == "Дашбордов"))
        for rating in (5, 4, 1):
            session.add(Feedback(doctor_id=doctor.id, rating=rating))
        session.add(Feedback(rating=3))  # the clinic as a whole
    page = reports_page(make_context("anna"))
    qtbot.addWidget(page)
    page.resize(1300, 760)
    view = page.dashboard
    with qtbot.waitSignal(view.loaded, timeout=15_000):
        page.show()
    table = view.ratings
    assert table.rowCount() == 2
    assert [table.item(0, c).text() for c in range(4)] == ["Дашбордов П. П.", "3", "3,33", "1"]
    assert [table.item(1, c).text() for c in range(4)] == ["Клиника", "1", "3,00", "0"]
    shots = os.environ.get("CRM_SCREENSHOTS")
    if shots:
        qtbot.wait(300)  # the labels' new texts are laid out on the next pass
        page.grab().save(os.path.join(shots, "dashboard.png"))
