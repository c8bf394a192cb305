"""The manager's «Очередь»: the outbox with filters, the reason of each failure, and
«Повторить» (a message not delivered, queued again) / «Отменить» (one still queued).

Read on the runner; read again after an action and on change notices of
``outbox_message`` (the sender on the clinic's service changes rows all the time, so
notices are gathered for a second). The selection is kept by message id.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crm.controllers.errors import ValidationError
from crm.controllers.notifications import messages
from crm.controllers.notifications.messages import LIST_LIMIT, MessageRow, OutboxFilter
from crm.controllers.validation import parse_date
from crm.models.enums import NotificationChannel, NotificationStatus
from crm.views import AppContext
from crm.views.itemmodels.views import row_table
from crm.views.notifications.labels import MessagesModel, channel_names, status_names
from crm.views.patients.fields import DATE_MASK, PROBLEM_COLOUR, MaskedEdit

#: Notices are gathered this long before the queue is read again.
DEBOUNCE_MS = 1000
#: The statuses the filter offers (``CANCELLED`` covers an offer withdrawn too).
FILTER_STATUSES = (
    NotificationStatus.PENDING,
    NotificationStatus.SENT,
    NotificationStatus.FAILED,
    NotificationStatus.CANCELLED,
)


class OutboxTab(QWidget):
    """The outbox, the newest first, filtered; retry and cancel of the chosen message.

    Args:
        context: the logged-in user's context (a manager).
        parent: the Qt parent.

    Signals:
        loaded(): the queue was read again (or the reading or an action failed).
    """

    loaded = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("outboxTab")
        self._context = context
        self._loading = False
        self._again = False
        self._stale = True

        self.status_filter = QComboBox()
        self.status_filter.setObjectName("outboxStatus")
        self.status_filter.addItem(self.tr("All statuses"), None)
        for status in FILTER_STATUSES:
            self.status_filter.addItem(status_names()[status], status.value)
        self.channel_filter = QComboBox()
        self.channel_filter.setObjectName("outboxChannel")
        self.channel_filter.addItem(self.tr("All channels"), None)
        for channel, name in channel_names().items():
            self.channel_filter.addItem(name, channel.value)
        self.date_from = MaskedEdit(DATE_MASK, date=True)
        self.date_from.setObjectName("outboxFrom")
        self.date_to = MaskedEdit(DATE_MASK, date=True)
        self.date_to.setObjectName("outboxTo")
        for edit in (self.date_from, self.date_to):
            edit.setMaximumWidth(110)
            edit.returnPressed.connect(self.refresh)
        self.patient_filter = QLineEdit()
        self.patient_filter.setObjectName("outboxPatient")
        self.patient_filter.setPlaceholderText(self.tr("Patient, phone or e-mail"))
        self.patient_filter.setClearButtonEnabled(True)
        self.patient_filter.returnPressed.connect(self.refresh)
        self.show_button = QPushButton(self.tr("&Show"))
        self.show_button.setObjectName("outboxShow")
        self.show_button.clicked.connect(self.refresh)
        self.status_filter.currentIndexChanged.connect(self.refresh)
        self.channel_filter.currentIndexChanged.connect(self.refresh)

        self.model = MessagesModel(with_patient=True, parent=self)
        self.table = row_table(self.model, "outboxTable", striped=True, fit_columns=True)
        self.table.selectionModel().selectionChanged.connect(self._enable)
        self.retry_button = QPushButton(self.tr("&Retry"))
        self.retry_button.setObjectName("outboxRetry")
        self.retry_button.setToolTip(self.tr("Queue the message not delivered again"))
        self.retry_button.clicked.connect(self.retry_selected)
        self.cancel_button = QPushButton(self.tr("&Cancel the message"))
        self.cancel_button.setObjectName("outboxCancel")
        self.cancel_button.setToolTip(self.tr("The queued message is not sent"))
        self.cancel_button.clicked.connect(self.cancel_selected)
        self.count_label = QLabel()
        self.count_label.setObjectName("outboxCount")
        self.message = QLabel()
        self.message.setObjectName("outboxMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(f"color: {PROBLEM_COLOUR};")

        filters = QHBoxLayout()
        filters.addWidget(self.status_filter)
        filters.addWidget(self.channel_filter)
        period = QLabel(self.tr("From"))
        period.setBuddy(self.date_from)
        filters.addWidget(period)
        filters.addWidget(self.date_from)
        until = QLabel(self.tr("To"))
        until.setBuddy(self.date_to)
        filters.addWidget(until)
        filters.addWidget(self.date_to)
        filters.addWidget(self.patient_filter, 1)
        filters.addWidget(self.show_button)
        actions = QHBoxLayout()
        actions.addWidget(self.retry_button)
        actions.addWidget(self.cancel_button)
        actions.addStretch(1)
        actions.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        layout.addWidget(self.message)
        self._enable()

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.refresh)
        if context.events is not None:
            context.events.changed.connect(self._on_change)

    @property
    def busy(self) -> bool:
        """True while a reading or an action runs, or a notice waits for its debounce."""
        return self._loading or self._debounce.isActive()

    def showEvent(self, event: QShowEvent) -> None:  # Qt's name
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def _on_change(self, notice: dict) -> None:
        if notice.get("table") in ("outbox_message", "*") or notice.get("op") == "RESYNC":
            if self.isVisible():
                self._debounce.start()
            else:
                self._stale = True

    # --- reading ------------------------------------------------------------------

    def _filters(self) -> OutboxFilter | None:
        """The filters as typed, or ``None`` after saying which date is wrong."""
        dates = []
        for edit, field, label in (
            (self.date_from, "date_from", self.tr("From")),
            (self.date_to, "date_to", self.tr("To")),
        ):
            text = edit.value()
            try:
                dates.append(parse_date(text, field, label=label) if text else None)
            except ValidationError as exc:
                self._say(exc.message)
                edit.setFocus()
                return None
        status, channel = self.status_filter.currentData(), self.channel_filter.currentData()
        return OutboxFilter(
            status=NotificationStatus(status) if status else None,
            channel=NotificationChannel(channel) if channel else None,
            date_from=dates[0], date_to=dates[1], patient=self.patient_filter.text(),
        )  # fmt: skip

    def refresh(self) -> None:
        """Read the queue again with the filters shown."""
        if self._context.runner.closed:
            return
        self._stale = False
        if self._loading:
            self._again = True
            return
        filters = self._filters()
        if filters is None:
            self.loaded.emit()
            return
        self._say("")
        self._loading = True
        self._context.runner.submit(
            messages.list_outbox, self._context.database.sessions, self._context.actor,
            filters, on_success=self._show, on_failure=self._failed, owner=self,
        )  # fmt: skip

    def _failed(self, message: str) -> None:
        self._say(message)
        self._done()

    def _done(self) -> None:
        self._loading = False
        self._enable()
        if self._again:
            self._again = False
            self.refresh()
        else:
            self.loaded.emit()

    def _show(self, rows: list[MessageRow]) -> None:
        chosen = self.selected()
        self.model.set_rows(rows)
        if chosen is not None and chosen.id in self.model.row_ids():
            self.select(chosen.id)
        text = self.tr("Messages: {count}").format(count=len(rows))
        if len(rows) >= LIST_LIMIT:
            text += " " + self.tr("(the newest; narrow the filters for more)")
        self.count_label.setText(text)
        self._done()

    # --- choosing and acting ------------------------------------------------------

    def selected(self) -> MessageRow | None:
        """The message chosen in the table."""
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def select(self, message_id: int) -> None:
        """Choose the message ``message_id`` if it is listed."""
        ids = self.model.row_ids()
        if message_id in ids:
            self.table.selectRow(ids.index(message_id))

    def _enable(self, *_args: object) -> None:
        row = self.selected()
        idle = not self._loading
        self.retry_button.setEnabled(
            idle and row is not None and row.status is NotificationStatus.FAILED
        )
        self.cancel_button.setEnabled(
            idle and row is not None and row.status is NotificationStatus.PENDING
        )

    def _say(self, text: str, *, problem: bool = True) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(f"color: {PROBLEM_COLOUR};" if problem else "")

    def retry_selected(self) -> None:
        """«Повторить»: queue the chosen message (not delivered) again."""
        self._act(messages.retry_message, self.tr("Queued again: message {id}"))

    def cancel_selected(self) -> None:
        """«Отменить»: the chosen queued message is never sent."""
        self._act(messages.cancel_message, self.tr("Cancelled: message {id}"))

    def _act(self, action: Callable[..., NotificationStatus], done_text: str) -> None:
        row = self.selected()
        if row is None:
            self._say(self.tr("Choose a message in the table"))
            return
        self._say("")
        self._loading = True
        self._enable()

        def done(_status: NotificationStatus) -> None:
            self._loading = False
            self.refresh()
            self._say(done_text.format(id=row.id), problem=False)
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)

        def failed(message: str) -> None:
            self._loading = False
            self.refresh()
            self._say(message)

        self._context.runner.submit(
            action, self._context.database.sessions, self._context.actor, row.id,
            on_success=done, on_failure=failed, owner=self,
        )  # fmt: skip
