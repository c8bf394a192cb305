"""The journal table model: Qt's model checks, merging newer rows, presentation in
Russian words with times in the clinic's timezone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from PySide6.QtCore import QItemSelectionModel, Qt

from crm.controllers.journal.words import JournalRow, Names
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
    assert texts[7] == "Логин: — → anna; Роль: — → менеджер"
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
    row = entry(
        1,
        "status",
        entity="appointment",
        details="по просьбе пациента",
        changes={"status": ["booked", "cancelled"]},
    )
    assert describe_details(row) == "по просьбе пациента; Статус: записан → отменён"


def test_times_and_ids_follow_the_clinic_not_the_workstation(qapp) -> None:
    """What the tester saw: «08:14» in UTC while the clinic's clock said 11:14, and
    «in_holding_tray: False → True», «kind: — → vacation; … 2026-11-24T00:00:00+03:00»."""
    model = JournalModel()
    utc = dt.datetime(2026, 11, 20, 8, 14, 0, tzinfo=dt.UTC)
    held = entry(2, "hold", at=utc, entity="appointment", entity_id=40,
                 changes={"in_holding_tray": [False, True]})  # fmt: skip
    absence = entry(
        1,
        "create",
        at=utc,
        entity="schedule_exception",
        entity_id=5,
        changes={
            "kind": [None, "vacation"],
            "starts_at": [None, "2026-11-24T00:00:00+03:00"],
            "doctor_id": [None, 7],
            "room_id": [None, 3],
        },
    )
    model.set_rows([held, absence])
    changed: list[int] = []
    model.dataChanged.connect(lambda top, *_: changed.append(top.row()))
    model.set_context(ZoneInfo("Europe/Moscow"), Names({"doctor": {7: "Петров П. П."}}))
    assert changed == [0]
    assert model.index(0, JournalModel.TIME).data() == "20.11.2026 11:14:00"
    assert model.index(0, JournalModel.ACTION).data() == "в лист переноса"
    assert model.index(0, JournalModel.ENTITY).data() == "запись на приём"
    assert model.index(0, JournalModel.DETAILS).data() == "В листе переноса: нет → да"
    assert model.index(1, JournalModel.DETAILS).data() == (
        "Вид: — → Отпуск; Начало: — → 24.11.2026 00:00; Врач: — → Петров П. П.; Кабинет: — → № 3"
    )
    # Names arriving with a later load are added to those known.
    model.set_context(ZoneInfo("Europe/Moscow"), Names({"room": {3: "101"}}))
    assert (
        model.index(1, JournalModel.DETAILS)
        .data()
        .endswith("Врач: — → Петров П. П.; Кабинет: — → кабинет 101")
    )
    assert (
        model.index(1, JournalModel.DETAILS)
        .data(Qt.ItemDataRole.ToolTipRole)
        .endswith("кабинет 101")
    )


def test_unknown_actions_and_objects_are_shown_as_they_are(qapp) -> None:
    model = JournalModel()
    model.set_rows([entry(1, "teleport", entity="spaceship", changes={"warp": [1, 2]})])
    texts = [model.index(0, c).data() for c in range(model.columnCount())]
    assert texts[JournalModel.ACTION] == "teleport"
    assert texts[JournalModel.ENTITY] == "spaceship"
    assert texts[JournalModel.DETAILS] == "warp: 1 → 2"
