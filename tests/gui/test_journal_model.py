"""The journal table model: Qt's model checks, merging newer rows, presentation."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QItemSelectionModel, Qt

from crm.controllers.journal import JournalRow
from crm.views.itemmodels.journal_model import JournalModel, describe_details, format_time

MSK = dt.timezone(dt.timedelta(hours=3))


def entry(entry_id: int, action: str = "login", **fields) -> JournalRow:
    values = {
        "id": entry_id,
        "at": dt.datetime(2025, 3, 14, 9, 5, 7, tzinfo=MSK),
        "login": "anna",
        "workstation": "desk-1",
        "action": action,
        "entity": "app_user",
        "entity_id": 1,
        "changes": None,
        "outcome": "ok",
        "details": None,
    }
    values.update(fields)
    return JournalRow(**values)


def test_model_passes_qt_model_checks(qtmodeltester) -> None:
    model = JournalModel()
    model.set_rows([entry(3), entry(2, "login_failed", outcome="refused"), entry(1, "create")])
    qtmodeltester.check(model)
    model.merge_newest([entry(5), entry(4), entry(3)])
    qtmodeltester.check(model)


def test_display_is_russian_and_dates_are_dd_mm_yyyy(qapp) -> None:
    model = JournalModel()
    row = entry(
        1, "create", changes={"role": [None, "manager"], "login": [None, "anna"]}, details=None
    )
    model.set_rows([row])
    texts = [model.index(0, c).data() for c in range(model.columnCount())]
    assert texts[0] == format_time(row.at)
    assert texts[0].count(".") == 2 and len(texts[0]) == len("14.03.2025 09:05:07")
    assert texts[1:7] == ["anna", "desk-1", "создание", "пользователь", "1", "выполнено"]
    assert texts[7] == "role: — → manager; login: — → anna"
    assert model.headerData(3, Qt.Orientation.Horizontal) == "Действие"
    assert model.index(0, 0).data(JournalModel.RowRole) is row


def test_refused_entries_are_red(qapp) -> None:
    model = JournalModel()
    model.set_rows([entry(1, "login_failed", outcome="refused", details="Неверный логин")])
    brush = model.index(0, 0).data(Qt.ItemDataRole.ForegroundRole)
    assert brush is not None and brush.color().red() > 150
    assert model.index(0, JournalModel.DETAILS).data() == "Неверный логин"


def test_merge_inserts_only_newer_rows_and_keeps_the_selection(qtbot) -> None:
    from PySide6.QtWidgets import QTableView

    model = JournalModel()
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    model.set_rows([entry(2), entry(1)])
    view.selectionModel().select(
        model.index(1, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    added = model.merge_newest([entry(4), entry(3), entry(2)])
    assert added == 2
    assert [r.id for r in model.rows()] == [4, 3, 2, 1]
    selected = view.selectionModel().selectedRows()
    assert [model.row_at(i.row()).id for i in selected] == [1]
    assert model.merge_newest([entry(4), entry(3)]) == 0


def test_a_gap_resets_the_model(qapp) -> None:
    model = JournalModel()
    model.set_rows([entry(2), entry(1)])
    assert model.merge_newest([entry(9), entry(8)]) == 2
    assert [r.id for r in model.rows()] == [9, 8]


def test_old_rows_drop_off_the_bottom(qapp) -> None:
    model = JournalModel(max_rows=3)
    model.set_rows([entry(3), entry(2), entry(1)])
    model.merge_newest([entry(5), entry(4), entry(3)])
    assert [r.id for r in model.rows()] == [5, 4, 3]


def test_describe_details_joins_text_and_changes() -> None:
    row = entry(1, details="по просьбе пациента", changes={"status": ["booked", "cancelled"]})
    assert describe_details(row) == "по просьбе пациента; status: booked → cancelled"
