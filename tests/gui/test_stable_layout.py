"""A message appearing never moves the fields (issue 19, defect 7): the card's field
messages and banner, the referral form's problems and the bar above the schedule grid
keep to the place reserved for them, so a click meant for a field lands on it."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from crm.controllers.errors import FieldProblem
from crm.controllers.patients.form import PatientInvalid, validate_form
from crm.controllers.referrals.form import ReferralInvalid
from crm.views.patients.message_bar import MessageBar
from crm.views.referrals.referral_form import ReferralDialog
from tests.gui.test_card_editor import desk, editor_for, keyring  # noqa: F401 (fixtures)
from tests.gui.test_schedule_page import open_page  # noqa: F401 (fixture)

LONG = (
    "Телефон: 10 цифр после +7 или 8, например +7 916 123-45-67; код города и номер "
    "без пропусков, как на карте пациента; проверьте, что набрано, и исправьте"
)


def places(window: QWidget, widgets: dict[str, QWidget]) -> dict[str, QRect]:
    return {
        name: QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
        for name, widget in widgets.items()
    }


def settle(qtbot, window: QWidget) -> None:
    window.layout().activate()
    qtbot.wait(50)


def test_the_cards_messages_do_not_move_its_fields(qtbot, desk, editor_for) -> None:  # noqa: F811
    editor = editor_for(desk("boris"))
    settle(qtbot, editor)
    editors = {name: box.editor for name, box in editor.form.boxes.items()}
    before = places(editor, editors)
    typed = {"phone": "12345", "snils": "112-233-445 00", "passport": "45 08 123456"}
    for name, text in typed.items():
        editors[name].setText(text)  # type: ignore[attr-defined]
    editors["passport_issued_on"].setText("01.01.2099")  # type: ignore[attr-defined]
    with pytest.raises(PatientInvalid) as caught:
        validate_form(editor.form.to_form(), dt.date.today())
    editor.form.show_problems(caught.value.problems)
    editor._say_marked(len(caught.value.problems))
    editor.form.boxes["address"].show_problem(LONG)
    settle(qtbot, editor)
    assert editor.bar.isVisible()
    marked = {name for name, box in editor.form.boxes.items() if box.kind == "problem"}
    assert {"phone", "snils", "passport_issued_on", "passport_subdivision", "address"} <= marked
    assert places(editor, editors) == before
    # The whole message is there for the reading.
    assert editor.form.boxes["address"].message.toolTip() == LONG
    assert editor.form.boxes["address"].message.text() == LONG


def test_the_referral_forms_problems_do_not_move_its_fields(
    qtbot,
    make_context,
) -> None:
    dialog = ReferralDialog(make_context("boris"), [])
    qtbot.addWidget(dialog)
    dialog.show()
    settle(qtbot, dialog)
    before = places(dialog, dialog.fields)
    problems = [FieldProblem(name, LONG) for name in ("number", "diagnosis_code", "issued_on")]
    dialog._failed(ReferralInvalid(problems), LONG)
    settle(qtbot, dialog)
    assert dialog.message_bar.kind == "error"
    assert places(dialog, dialog.fields) == before
    assert dialog.fields["diagnosis_code"].toolTip() == LONG


def test_a_one_line_bar_keeps_its_place_above_the_grid(qtbot) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    bar = MessageBar(one_line=True)
    below = QLabel("grid")
    layout = QVBoxLayout(window)
    layout.addWidget(bar)
    layout.addWidget(below, 1)
    window.resize(600, 400)
    window.show()
    settle(qtbot, window)
    hidden = places(window, {"grid": below})
    bar.show_message("done", LONG + "\n" + LONG, [("Открыть карту", lambda: None)])
    settle(qtbot, window)
    assert places(window, {"grid": below}) == hidden
    bar.clear()
    settle(qtbot, window)
    assert places(window, {"grid": below}) == hidden


def test_the_schedule_pages_message_does_not_shift_the_grid(
    qtbot,
    make_context,
    open_page,  # noqa: F811
) -> None:
    page = open_page(make_context("boris"))
    settle(qtbot, page)
    before = places(page, {"views": page.views})
    page.message_bar.show_message("error", LONG, [("Открыть карту", lambda: None)])
    settle(qtbot, page)
    assert places(page, {"views": page.views}) == before
