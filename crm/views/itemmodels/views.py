"""The read-only table view every list of the program uses: whole rows, one at a time."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QItemSelectionModel
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView


def row_table(
    model: QAbstractItemModel, name: str, *, striped: bool = False, fit_columns: bool = False
) -> QTableView:
    """A :class:`QTableView` on ``model``: rows selected whole and singly, nothing edited,
    no row numbers, columns resizable with the last one stretched; ``striped``: rows in
    alternating colours; ``fit_columns``: columns fitted to their contents at each reset."""
    view = QTableView()
    view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    view.setAlternatingRowColors(striped)
    if fit_columns:
        model.modelReset.connect(view.resizeColumnsToContents)
    return view


def select_row(view: QTableView, row: int) -> None:
    """Make ``row`` the current, selected row of ``view``."""
    model = view.model()
    view.selectionModel().setCurrentIndex(
        model.index(row, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
