"""The issuing organisations' tab against the real database: the list and its search,
correcting (a bad ОГРН named and what was typed kept), registering, removing an unused
organisation, the refusal for one that a referral names, and read-only roles."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from crm.controllers.access import auth
from crm.controllers.referrals import organisations
from crm.controllers.referrals.organisations import Organisation
from crm.db.database import Database
from crm.models import IssuingOrganisation
from crm.models.enums import Role
from crm.views import AppContext
from crm.views.referrals.organisations_tab import OrganisationsModel, OrganisationsTab
from crm.views.referrals.page import ORGANISATIONS, ReferralsPage
from tests import booking_factories as bf
from tests import factories as f
from tests.gui.conftest import PASSWORD
from tests.referral_factories import ogrn

TIMEOUT = 10_000
NAMES = (
    "ГБУЗ «Городская поликлиника № 3 ДЗМ»",
    "ГБУЗ «Городская поликлиника № 12 ДЗМ»",
    "ООО «Медицинский центр Здоровье»",
)


@pytest.fixture
def directory(gui_database: Database, make_context) -> list[Organisation]:
    """Three organisations registered by the manager."""
    actor = make_context("anna").actor
    return [
        organisations.create_organisation(
            gui_database.sessions, actor, name=name, ogrn=ogrn(), address=f"Москва, д. {n}"
        )
        for n, name in enumerate(NAMES, start=1)
    ]


def open_tab(qtbot, context: AppContext) -> OrganisationsTab:
    tab = OrganisationsTab(context)
    qtbot.addWidget(tab)
    tab.resize(1200, 500)
    tab.show()
    qtbot.waitExposed(tab)
    tab.activateWindow()
    with qtbot.waitSignal(tab.loaded, timeout=TIMEOUT):
        tab.activate()
    wait_idle(qtbot, tab)
    return tab


def wait_idle(qtbot, tab: OrganisationsTab) -> None:
    qtbot.waitUntil(lambda: not tab.loading and tab._context.runner.idle, timeout=TIMEOUT)


def names(tab: OrganisationsTab) -> list[str]:
    return [tab.model.row_at(n).name for n in range(tab.model.rowCount())]


def choose(tab: OrganisationsTab, organisation_id: int) -> None:
    row = tab.model.row_of(organisation_id)
    assert row is not None
    tab.table.selectRow(row)
    assert tab.current is not None and tab.current.id == organisation_id


def in_db(database: Database, organisation_id: int) -> IssuingOrganisation | None:
    with database.sessions() as session:
        return session.get(IssuingOrganisation, organisation_id)


def test_the_list_and_its_search_from_the_keyboard(
    qtbot, qtmodeltester, make_context, directory: list[Organisation]
) -> None:
    tab = open_tab(qtbot, make_context("boris"))
    qtmodeltester.check(tab.model)
    assert names(tab) == sorted(NAMES)
    row = tab.model.row_of(directory[0].id)
    assert [tab.model.index(row, c).data() for c in range(3)] == [
        directory[0].name, directory[0].ogrn, "Москва, д. 1",
    ]  # fmt: skip
    assert tab.model.headerData(OrganisationsModel.OGRN, Qt.Orientation.Horizontal) == "ОГРН"
    assert "3" in tab.count_label.text()

    # A word inside the name; several keys, one read after the pause.
    loads: list[int] = []
    tab.loaded.connect(lambda: loads.append(1))
    with qtbot.waitSignal(tab.loaded, timeout=TIMEOUT):
        tab.search.setText("поли")
        tab.search.setText("поликлиника")
    wait_idle(qtbot, tab)
    assert loads == [1]
    assert sorted(names(tab)) == sorted(NAMES[:2])

    # The first digits of the ОГРН, typed.
    tab.search.clear()
    with qtbot.waitSignal(tab.loaded, timeout=TIMEOUT):
        qtbot.keyClicks(tab.search, directory[2].ogrn)
    wait_idle(qtbot, tab)
    assert names(tab) == [NAMES[2]]

    # Enter in the search goes to the table (first row chosen, the form filled);
    # Enter on the row goes to the form.
    tab.search.setFocus()
    qtbot.keyClick(tab.search, Qt.Key.Key_Return)
    qtbot.waitUntil(tab.table.hasFocus, timeout=TIMEOUT)
    assert tab.current is not None and tab.current.id == directory[2].id
    assert tab.name.text() == NAMES[2] and tab.ogrn.text() == directory[2].ogrn
    assert tab.address.text() == "Москва, д. 3"
    qtbot.keyClick(tab.table, Qt.Key.Key_Return)
    qtbot.waitUntil(tab.name.hasFocus, timeout=TIMEOUT)
    assert tab.name.selectedText() == NAMES[2]


def test_a_name_and_ogrn_are_corrected(
    qtbot, make_context, gui_database: Database, directory: list[Organisation]
) -> None:
    tab = open_tab(qtbot, make_context("boris"))
    target = directory[1]
    choose(tab, target.id)
    new_ogrn = ogrn()
    tab.name.setText("  ГБУЗ «Городская поликлиника № 12 ДЗМ», филиал 2 ")
    tab.ogrn.clear()
    qtbot.keyClicks(tab.ogrn, new_ogrn)
    with qtbot.waitSignal(tab.saved, timeout=TIMEOUT) as saved:
        qtbot.keyClick(tab.ogrn, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, tab)
    assert saved.args[0].id == target.id
    row = in_db(gui_database, target.id)
    assert row is not None
    assert (row.name, row.ogrn, row.address) == (
        "ГБУЗ «Городская поликлиника № 12 ДЗМ», филиал 2", new_ogrn, "Москва, д. 2",
    )  # fmt: skip
    # The form shows the stored values; the table the new name, still chosen.
    assert tab.name.text() == "ГБУЗ «Городская поликлиника № 12 ДЗМ», филиал 2"
    assert tab.selected() is not None and tab.selected().id == target.id
    assert tab.model.index(tab.model.row_of(target.id), OrganisationsModel.OGRN).data() == new_ogrn
    assert tab.messages.kind == "done" and "филиал 2" in tab.messages.text()
    # Issue 19, defect 10: «сохранено» goes once the search shows another list.
    tab.search.setText("поликлиника № 3")
    assert tab.messages.kind == ""


def test_a_bad_ogrn_is_named_and_what_was_typed_stays(
    qtbot, make_context, gui_database: Database, directory: list[Organisation]
) -> None:
    tab = open_tab(qtbot, make_context("boris"))
    target = directory[0]
    choose(tab, target.id)
    good = ogrn()
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)  # the check digit wrong
    tab.name.setText("ГБУЗ «Поликлиника № 3»")
    tab.ogrn.setText(bad)
    tab.save_button.click()
    qtbot.waitUntil(lambda: tab.messages.kind == "error", timeout=TIMEOUT)
    assert "ОГРН" in tab.messages.text() and "контрольн" in tab.messages.text()
    assert "#c62828" in tab.ogrn.styleSheet()
    assert tab.name.styleSheet() == ""
    assert tab.ogrn.hasFocus()
    assert (tab.name.text(), tab.ogrn.text()) == ("ГБУЗ «Поликлиника № 3»", bad)
    row = in_db(gui_database, target.id)
    assert row is not None and (row.name, row.ogrn) == (target.name, target.ogrn)
    # The ОГРН of another organisation: named too, with whose it is.
    tab.ogrn.setText(directory[2].ogrn)
    tab.save_button.click()
    qtbot.waitUntil(lambda: NAMES[2] in tab.messages.text(), timeout=TIMEOUT)
    assert "#c62828" in tab.ogrn.styleSheet()

    tab.ogrn.setText(good)
    with qtbot.waitSignal(tab.saved, timeout=TIMEOUT):
        tab.save_button.click()
    assert tab.ogrn.styleSheet() == "" and tab.messages.kind == "done"
    row = in_db(gui_database, target.id)
    assert row is not None and (row.name, row.ogrn) == ("ГБУЗ «Поликлиника № 3»", good)
    # A refusal speaks of the form it was about: choosing another organisation clears it.
    tab.ogrn.setText(bad)
    tab.save_button.click()
    qtbot.waitUntil(lambda: tab.messages.kind == "error", timeout=TIMEOUT)
    choose(tab, directory[1].id)
    assert tab.messages.kind == "" and tab.ogrn.styleSheet() == ""


def test_a_new_organisation_is_registered(
    qtbot, make_context, gui_database: Database, directory: list[Organisation]
) -> None:
    tab = open_tab(qtbot, make_context("anna"))
    choose(tab, directory[0].id)
    assert tab.delete_button.isEnabled()
    tab.new_button.click()
    assert tab.current is None and tab.selected() is None
    assert (tab.name.text(), tab.ogrn.text(), tab.address.text()) == ("", "", "")
    assert not tab.delete_button.isEnabled() and tab.name.hasFocus()
    # Without a name: the name is outlined.
    number = ogrn()
    tab.ogrn.setText(number)
    tab.save_button.click()
    qtbot.waitUntil(lambda: tab.messages.kind == "error", timeout=TIMEOUT)
    assert "#c62828" in tab.name.styleSheet() and tab.ogrn.text() == number

    tab.name.setText("ГБУЗ «Детская поликлиника № 7»")
    tab.address.setText("Москва, ул. Лесная, д. 7")
    with qtbot.waitSignal(tab.saved, timeout=TIMEOUT) as saved:
        qtbot.keyClick(tab.address, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, tab)
    created = saved.args[0]
    with gui_database.sessions() as session:
        row = session.scalars(
            sa.select(IssuingOrganisation).where(IssuingOrganisation.ogrn == number)
        ).one()
        assert (row.id, row.name, row.address) == (
            created.id, "ГБУЗ «Детская поликлиника № 7»", "Москва, ул. Лесная, д. 7",
        )  # fmt: skip
    assert tab.model.rowCount() == 4
    assert tab.selected() is not None and tab.selected().id == created.id
    assert tab.current is not None and tab.current.id == created.id
    assert tab.messages.kind == "done" and tab.delete_button.isEnabled()


def test_an_unused_organisation_is_removed_after_the_question(
    qtbot, make_context, gui_database: Database, directory: list[Organisation], modal_calls
) -> None:
    tab = open_tab(qtbot, make_context("boris"))
    target = directory[2]
    choose(tab, target.id)
    tab.table.setFocus()
    qtbot.keyClick(tab.table, Qt.Key.Key_Delete)
    box = tab.confirm_box
    assert box is not None and box.isVisible()
    assert box.windowModality() == Qt.WindowModality.WindowModal  # open(), not exec()
    assert NAMES[2] in box.text() and target.ogrn in box.text()
    assert box.buttonRole(box.defaultButton()) == QMessageBox.ButtonRole.RejectRole
    # «Keep»: nothing happens.
    keep = next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.RejectRole)
    keep.click()
    wait_idle(qtbot, tab)
    assert tab.confirm_box is None
    assert in_db(gui_database, target.id) is not None

    tab.delete_button.click()
    box = tab.confirm_box
    assert box is not None
    remove = next(
        b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.DestructiveRole
    )
    with qtbot.waitSignal(tab.removed, timeout=TIMEOUT) as removed:
        remove.click()
    wait_idle(qtbot, tab)
    assert removed.args == [target.id]
    assert in_db(gui_database, target.id) is None
    assert tab.model.row_of(target.id) is None and tab.model.rowCount() == 2
    assert tab.current is None and tab.name.text() == ""
    assert tab.messages.kind == "done" and NAMES[2] in tab.messages.text()
    assert modal_calls == []


def test_an_organisation_that_a_referral_names_is_not_removed(
    qtbot, make_context, gui_database: Database, modal_calls
) -> None:
    with gui_database.sessions() as session, session.begin():
        _branch, specialty = f.clinic(session)
        referral = bf.referral(
            session, f.patient(session), specialty, issued_on=f.clinic_today(), number="88001"
        )
        organisation_id = referral.organisation_id
    tab = open_tab(qtbot, make_context("boris"))
    choose(tab, organisation_id)
    tab.ask_delete()
    box = tab.confirm_box
    assert box is not None
    remove = next(
        b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.DestructiveRole
    )
    remove.click()
    qtbot.waitUntil(lambda: tab.messages.kind == "error", timeout=TIMEOUT)
    wait_idle(qtbot, tab)
    assert "нельзя удалить" in tab.messages.text() and "1" in tab.messages.text()
    assert in_db(gui_database, organisation_id) is not None
    assert tab.model.row_of(organisation_id) is not None
    assert tab.current is not None and tab.current.id == organisation_id
    assert modal_calls == []


def test_a_role_without_the_right_sees_the_directory_read_only(
    qtbot,
    make_context: Callable[..., AppContext],
    gui_database: Database,
    directory: list[Organisation],
) -> None:
    auth.add_user(gui_database.sessions, "vera", PASSWORD, Role.DOCTOR, "Вера Докторова")
    tab = open_tab(qtbot, make_context("vera"))
    assert names(tab) == sorted(NAMES)
    target = directory[0]
    choose(tab, target.id)
    assert tab.name.text() == target.name
    assert all(field.isReadOnly() for field in tab.fields.values())
    for button in (tab.new_button, tab.save_button, tab.delete_button):
        assert not button.isEnabled()
        assert "врач" in button.toolTip()
    # The keys do nothing either.
    qtbot.keyClick(tab.name, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    tab.table.setFocus()
    qtbot.keyClick(tab.table, Qt.Key.Key_Delete)
    wait_idle(qtbot, tab)
    assert tab.confirm_box is None and tab.messages.kind == ""
    row = in_db(gui_database, target.id)
    assert row is not None and row.name == target.name


def test_the_page_opens_the_tab_with_alt_5(
    qtbot, make_context, directory: list[Organisation]
) -> None:
    page = ReferralsPage(make_context("boris"))
    qtbot.addWidget(page)
    page.resize(1300, 800)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    with qtbot.waitSignal(page.registry.loaded, timeout=TIMEOUT):
        page.activate()
    assert page.tabs.widget(ORGANISATIONS) is page.organisations
    with qtbot.waitSignal(page.organisations.loaded, timeout=TIMEOUT):
        qtbot.keyClick(page, Qt.Key.Key_5, Qt.KeyboardModifier.AltModifier)
    assert page.tabs.currentIndex() == ORGANISATIONS
    assert page.organisations.search.hasFocus()
    assert sorted(names(page.organisations)) == sorted(NAMES)
    qtbot.waitUntil(lambda: page._context.runner.idle, timeout=TIMEOUT)
