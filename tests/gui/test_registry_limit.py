"""The referral registry says so when more referrals match than it shows, instead of
silently stopping at its limit (500 in the program; 3 here, so the test stays small)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from crm.controllers.referrals.registry import REGISTRY_LIMIT
from crm.db.database import Database
from crm.views.referrals.registry import RegistryTab
from tests import booking_factories as bf
from tests import factories

TIMEOUT = 10_000


def test_a_hint_asks_for_a_narrower_filter_when_the_limit_is_reached(
    qtbot, make_context, gui_database: Database
) -> None:
    today = dt.datetime.now(ZoneInfo("Europe/Moscow")).date()
    with gui_database.sessions() as session, session.begin():
        _branch, specialty = factories.clinic(session)
        patient = bf.insure(session, factories.patient(session))
        for days in range(4):
            bf.referral(
                session, patient, specialty, issued_on=today - dt.timedelta(days=days),
                number=f"LIM-{days}",
            )  # fmt: skip

    tab = RegistryTab(make_context("boris"))
    qtbot.addWidget(tab)
    assert tab.limit == REGISTRY_LIMIT == 500
    tab.limit = 3
    tab.show()
    with qtbot.waitSignal(tab.loaded, timeout=TIMEOUT):
        tab.reload()
    assert tab.model.rowCount() == 3
    assert tab.truncated
    assert tab.limit_label.isVisible()
    assert tab.limit_label.text() == "Показаны первые 3 — уточните фильтр"
    assert tab.count_label.text() == "Направлений: 3"
    # The newest three: the table is cut, not shuffled.
    assert [tab.model.row(n).number for n in range(3)] == ["LIM-0", "LIM-1", "LIM-2"]

    with qtbot.waitSignal(tab.loaded, timeout=TIMEOUT):
        tab.number_filter.setText("LIM-3")
    assert [tab.model.row(n).number for n in range(tab.model.rowCount())] == ["LIM-3"]
    assert not tab.truncated
    assert not tab.limit_label.isVisible()

    # Exactly as many as the limit: everything is shown, so nothing to narrow.
    tab.limit = 4
    with qtbot.waitSignal(tab.loaded, timeout=TIMEOUT):
        tab.number_filter.setText("LIM")
    assert tab.model.rowCount() == 4
    assert not tab.truncated
