"""The clinic's default ticket paper, chosen on the settings page by a manager or an admin."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QLabel, QWidget

from crm.controllers.printing import formats
from crm.controllers.vocabulary import ticket_format_title
from crm.reports.paper import TicketFormat
from crm.views import AppContext


class TicketFormatSetting(QGroupBox):
    """A choice of the clinic's default ticket paper (read-only for other roles).

    The value is read and stored on the runner; a workstation's own remembered
    paper (from its print dialog) still wins on that workstation.

    Args:
        context: the logged-in user's context.
        parent: the Qt parent.

    Signals:
        loaded(str): the current default arrived (the format's value).
        saved(str): a new default was stored (the format's value).
    """

    loaded = Signal(str)
    saved = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.setTitle(self.tr("Printing"))
        self.setObjectName("ticketFormatSetting")
        self.choice = QComboBox()
        self.choice.setObjectName("ticketFormat")
        for fmt in TicketFormat:
            self.choice.addItem(ticket_format_title(fmt), fmt.value)
        self.choice.setEnabled(False)
        self.note = QLabel()
        self.note.setObjectName("ticketFormatNote")
        self.note.setWordWrap(True)
        self.may_choose = formats.may_choose_format(context.actor)
        self.note.setText(
            self.tr("A workstation that chose a paper in its print dialog keeps its own.")
            if self.may_choose
            else self.tr("Chosen by a manager or an administrator.")
        )
        form = QFormLayout(self)
        form.addRow(self.tr("Ticket paper (clinic default):"), self.choice)
        form.addRow("", self.note)
        self.choice.currentIndexChanged.connect(self._changed)
        self._loading = True
        context.runner.submit(
            formats.ticket_format,
            context.database.sessions,
            on_success=self._loaded,
            on_failure=self.note.setText,
            owner=self,
        )

    def _loaded(self, fmt: TicketFormat) -> None:
        self.choice.setCurrentIndex(self.choice.findData(fmt.value))
        self._loading = False
        self.choice.setEnabled(self.may_choose)
        self.loaded.emit(fmt.value)

    def _changed(self, _index: int) -> None:
        if self._loading:
            return
        fmt = TicketFormat(self.choice.currentData())
        self._context.runner.submit(
            formats.set_ticket_format,
            self._context.database.sessions,
            self._context.actor,
            fmt,
            on_success=lambda stored: self.saved.emit(stored.value),
            on_failure=self.note.setText,
            owner=self,
        )
