"""The Reports page's «Shift» tab: what each registrar took on a day, by method, refunds.

For the desk and managers (:attr:`Permission.TAKE_PAYMENTS`). The table shows the
figures of :func:`crm.controllers.reports.shift.read_shift`; «Print or save as PDF…»
opens the program's print dialog, «Save to Excel…» writes a workbook (on the runner).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crm.controllers.payments.money import rubles
from crm.controllers.printing.tickets import PrintableDocument
from crm.controllers.reports import shift
from crm.reports.shift import ShiftData
from crm.views import AppContext
from crm.views.patients.message_bar import MessageBar
from crm.views.printing import PrintDialog, PrintRequest, open_print_dialog


class ShiftTab(QWidget):
    """The day's shift report at the desk.

    Args:
        context: the logged-in user's context.
        parent: the Qt parent.
    """

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shiftTab")
        self._context = context
        self.data: ShiftData | None = None
        self.print_dialog: PrintDialog | None = None
        self.save_dialog: QFileDialog | None = None
        self.day_edit = QDateEdit()
        self.day_edit.setObjectName("shiftDay")
        self.day_edit.setCalendarPopup(True)
        self.day_edit.setDisplayFormat("dd.MM.yyyy")
        today = context.actor.clinic_today()
        self.day_edit.setDate(QDate(today.year, today.month, today.day))
        self.day_edit.dateChanged.connect(lambda _day: self.refresh())
        self.show_button = QPushButton(self.tr("Show"))
        self.show_button.setObjectName("shiftShow")
        self.show_button.clicked.connect(self.refresh)
        self.print_button = QPushButton(self.tr("Print or save as PDF…"))
        self.print_button.setObjectName("shiftPrint")
        self.print_button.clicked.connect(self.print_report)
        self.excel_button = QPushButton(self.tr("Save to Excel…"))
        self.excel_button.setObjectName("shiftExcel")
        self.excel_button.clicked.connect(self.choose_file)
        self.table = QTableWidget(0, 7)
        self.table.setObjectName("shiftTable")
        self.table.setHorizontalHeaderLabels(
            [self.tr("Registrar"), self.tr("Method"), self.tr("Payments"), self.tr("Taken"),
             self.tr("Refunds"), self.tr("Returned"), self.tr("Net")]
        )  # fmt: skip
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.refunds_label = QLabel()
        self.refunds_label.setObjectName("shiftRefunds")
        self.refunds_label.setWordWrap(True)
        self.messages = MessageBar()
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Day:")))
        top.addWidget(self.day_edit)
        top.addWidget(self.show_button)
        top.addStretch(1)
        top.addWidget(self.print_button)
        top.addWidget(self.excel_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.refunds_label)
        layout.addWidget(self.messages)

    def day(self) -> dt.date:
        """The day chosen."""
        chosen = self.day_edit.date()
        return dt.date(chosen.year(), chosen.month(), chosen.day())

    def refresh(self) -> None:
        """Read the chosen day's figures on the runner."""
        self._context.runner.submit(
            shift.read_shift, self._context.database.sessions, self._context.actor, self.day(),
            on_success=self._show, on_failure=lambda m: self.messages.show_message("error", m),
            owner=self,
        )  # fmt: skip

    def showEvent(self, event: Any) -> None:  # Qt's name
        super().showEvent(event)
        if self.data is None:
            self.refresh()

    def _show(self, data: ShiftData) -> None:
        self.data = data
        rows = [
            [r.cashier, r.method_title, str(r.payments), rubles(r.taken), str(r.refunds),
             rubles(r.refunded), rubles(r.net)]
            for r in data.rows
        ]  # fmt: skip
        rows.append(
            [self.tr("Total"), "", str(sum(r.payments for r in data.rows)), rubles(data.taken),
             str(sum(r.refunds for r in data.rows)), rubles(data.refunded), rubles(data.net)]
        )  # fmt: skip
        self.table.setRowCount(len(rows))
        for n, texts in enumerate(rows):
            for column, text in enumerate(texts):
                item = QTableWidgetItem(text)
                if column >= 2:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                if n == len(rows) - 1:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(n, column, item)
        if data.refunds:
            self.refunds_label.setText(
                self.tr("Refunds: {list}").format(
                    list="; ".join(
                        f"{r.at:%H:%M} № {r.refund_id} {rubles(r.amount)} ({r.cashier}): {r.reason}"
                        for r in data.refunds
                    )
                )
            )
        else:
            self.refunds_label.setText(self.tr("No refunds on this day."))
        self.messages.clear()

    def print_report(self) -> None:
        """The report in the print dialog (print, preview, save as PDF)."""
        day = self.day()

        def build(db: Any, actor: Any, _option: Any) -> PrintableDocument:
            return shift.shift_document(db, actor, day)

        title = self.tr("Shift report for {day}").format(day=f"{day:%d.%m.%Y}")
        self.print_dialog = open_print_dialog(
            self._context, PrintRequest("shift", build, title), self
        )

    def choose_file(self) -> None:
        """Ask where to save the workbook (non-blocking), then write it."""
        name = self.tr("Shift {day}.xlsx").format(day=f"{self.day():%Y-%m-%d}")
        dialog = QFileDialog(self, self.tr("Save the shift report"), str(Path.home() / name))
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilter(self.tr("Excel workbooks (*.xlsx)"))
        dialog.setDefaultSuffix("xlsx")
        dialog.fileSelected.connect(lambda path: self.save_excel(Path(path)))
        dialog.finished.connect(dialog.deleteLater)
        self.save_dialog = dialog
        dialog.open()

    def save_excel(self, path: Path) -> None:
        """Write the workbook to ``path`` on the runner."""
        self._context.runner.submit(
            shift.shift_excel, self._context.database.sessions, self._context.actor,
            self.day(), path,
            on_success=lambda target: self.messages.show_message(
                "done", self.tr("Saved: {path}").format(path=target)
            ),
            on_failure=lambda m: self.messages.show_message("error", m),
            owner=self,
        )  # fmt: skip
