"""The manager's bonus rules (a tab of «Справочники») and the card's «Бонусы» tab:
a bad field refused by name with what was typed kept, a manual correction with a
reason, a correction below zero refused."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import sqlalchemy as sa
from PySide6.QtCore import Qt

from crm.controllers.payments import bonus
from crm.db.database import Database
from crm.models import BonusLedgerEntry, JournalEntry
from crm.views import AppContext
from crm.views.directories.page import DirectoriesPage
from crm.views.payments.bonus_tab import BonusTab
from tests import factories as f
from tests.gui.test_card_editor import type_text

TIMEOUT = 10_000


def test_a_manager_sets_the_bonus_rules(qtbot, make_context: Callable[..., AppContext],
                                        gui_database: Database) -> None:  # fmt: skip
    page = DirectoriesPage(make_context("anna"))
    qtbot.addWidget(page)
    page.show()
    tab = page.bonus_rules
    with qtbot.waitSignal(tab.loaded, timeout=TIMEOUT):
        page.tab_widget.setCurrentWidget(tab)
    assert tab.may_edit and tab.save_button.isVisible()
    assert tab.typed() == {"accrual_percent": "0,00", "max_share_percent": "0,00",
                           "expiry_days": "365"}  # fmt: skip
    editors = tab.editors
    for name, text in (("accrual_percent", "5"), ("max_share_percent", "150"),
                       ("expiry_days", "180")):  # fmt: skip
        editors[name].selectAll()
        type_text(editors[name], text)
    assert page.has_unsaved_changes()
    with qtbot.waitSignal(tab.refused, timeout=TIMEOUT) as refused:
        qtbot.keyClick(editors["expiry_days"], Qt.Key.Key_Return)
    assert refused.args[0].startswith("Наибольшая доля оплаты бонусами, %:")
    assert tab.problems["max_share_percent"].text() == refused.args[0]
    assert editors["max_share_percent"].hasFocus()
    assert tab.typed()["expiry_days"] == "180" and tab.typed()["accrual_percent"] == "5"
    editors["max_share_percent"].selectAll()
    type_text(editors["max_share_percent"], "30,5")
    with qtbot.waitSignal(tab.saved, timeout=TIMEOUT):
        qtbot.keyClick(editors["max_share_percent"], Qt.Key.Key_Return)
    assert tab.problems["max_share_percent"].text() == ""
    assert not page.has_unsaved_changes()
    tab.grab().save("/tmp/pay-booking-rules.png")
    stored = bonus.current_rules(gui_database.sessions)
    assert (stored.accrual_percent, stored.max_share_percent, stored.expiry_days) == (
        Decimal("5.00"), Decimal("30.50"), 180)  # fmt: skip
    with gui_database.sessions() as session:
        details = session.scalars(
            sa.select(JournalEntry.details).where(JournalEntry.entity == "clinic_setting")
        ).all()
    assert bonus.BONUS_RULES in details


def test_a_registrar_sees_the_points_and_a_manager_corrects_them(
    qtbot, make_context: Callable[..., AppContext], gui_database: Database
) -> None:
    with gui_database.sessions() as session, session.begin():
        patient_id = f.patient(session, "Бонусова").id
        session.add(BonusLedgerEntry(patient_id=patient_id, delta=40, kind="accrual",
                                     reason="за прием"))  # fmt: skip
    desk = BonusTab(make_context("boris"))
    qtbot.addWidget(desk)
    with qtbot.waitSignal(desk.loaded, timeout=TIMEOUT):
        desk.show_patient(patient_id)
    assert "40" in desk.balance_label.text() and desk.table.rowCount() == 1
    assert not desk.may_correct and desk.correction_box.isHidden()

    tab = BonusTab(make_context("anna"))
    qtbot.addWidget(tab)
    tab.show()
    with qtbot.waitSignal(tab.loaded, timeout=TIMEOUT):
        tab.show_patient(patient_id)
    assert tab.correction_box.isVisible()
    # No reason: refused naming the field, the points typed stay.
    type_text(tab.points, "+100")
    tab.correct()
    qtbot.waitUntil(lambda: not tab.busy, timeout=TIMEOUT)
    assert tab.messages.kind == "error" and tab.messages.text().startswith("Причина:")
    assert tab.reason.hasFocus() and tab.points.text() == "+100"
    type_text(tab.reason, "компенсация за ожидание")
    with qtbot.waitSignal(tab.corrected, timeout=TIMEOUT) as corrected:
        qtbot.keyClick(tab.reason, Qt.Key.Key_Return)
    assert corrected.args == [140]
    qtbot.waitUntil(lambda: tab.table.rowCount() == 2, timeout=TIMEOUT)
    assert "140" in tab.balance_label.text()
    assert tab.table.item(0, 2).text() == "+100"
    assert tab.table.item(0, 4).text() == "компенсация за ожидание"
    tab.grab().save("/tmp/pay-booking-bonus-tab.png")
    # Below zero: the database refuses; nothing is written, the input is kept.
    type_text(tab.points, "-500")
    type_text(tab.reason, "ошибка")
    tab.correct()
    qtbot.waitUntil(lambda: not tab.busy, timeout=TIMEOUT)
    assert tab.messages.kind == "error" and "140" in tab.messages.text()
    assert tab.points.text() == "-500" and tab.points.hasFocus()
    with gui_database.sessions() as session:
        assert bonus.balance(session, patient_id) == 140
