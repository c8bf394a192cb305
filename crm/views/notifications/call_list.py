"""The registrar's call list beside the schedule: patients who asked to be phoned.

A «звонок» channel never becomes an SMS: it is a task here, with the number to dial
and what to tell (the offered time). «Позвонил» takes the task off the list; «Не
дозвонился» keeps it, its tries counted. The list reads itself again after each mark
and on every change notice of ``call_task`` from any desk (the waiting list adds and
withdraws calls); hidden while there is nobody to call.

Keys: in the list, Enter — «Позвонил», Shift+Enter — «Не дозвонился»; the buttons'
underlined letters (Alt+…) work anywhere in the panel.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crm.controllers.access.permissions import Permission, allowed
from crm.controllers.notifications import calls
from crm.controllers.notifications.calls import CallRow
from crm.models.enums import CallStatus
from crm.views import AppContext
from crm.views.notifications.labels import purpose_name
from crm.views.referrals.waiting_models import patient_short, phone_text

ID_ROLE = Qt.ItemDataRole.UserRole
#: Notices are gathered this long before the list is read again.
DEBOUNCE_MS = 200


class CallsList(QListWidget):
    """The calls, one item each; Enter marks «позвонил», Shift+Enter «не дозвонился».

    Signals:
        mark_requested(bool): a key asked to mark the current call (``True``: reached).
    """

    mark_requested = Signal(bool)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # Qt's name
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.mark_requested.emit(not event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            return
        super().keyPressEvent(event)


class CallListPanel(QWidget):
    """The open calls, the earliest due first, with «Позвонил» / «Не дозвонился».

    Args:
        context: the logged-in user's context.
        parent: the Qt parent.

    Signals:
        loaded(): the list was read again (or the reading failed).
        marked(int): a call was recorded (its id).
    """

    loaded = Signal()
    marked = Signal(int)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("callListPanel")
        self._context = context
        self._rows: dict[int, CallRow] = {}
        self._shown: list[tuple[int, str]] = []
        self._loading = False
        self._again = False
        self._read_once = False
        #: The desk makes the calls (a doctor's schedule shows no call list).
        self.enabled_for_actor = allowed(context.actor, Permission.EDIT_PATIENTS)

        self.title = QLabel()
        self.title.setObjectName("callListTitle")
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.list = CallsList()
        self.list.setObjectName("callList")
        self.list.setWordWrap(True)
        self.list.setAccessibleName(self.tr("Patients to call"))
        self.list.currentRowChanged.connect(self._enable)
        self.list.mark_requested.connect(self.mark_current)
        self.reached_button = QPushButton(self.tr("&Called"))
        self.reached_button.setObjectName("callReached")
        self.reached_button.setToolTip(self.tr("The patient was reached (Enter in the list)"))
        self.reached_button.clicked.connect(lambda: self.mark_current(True))
        self.no_answer_button = QPushButton(self.tr("&No answer"))
        self.no_answer_button.setObjectName("callNoAnswer")
        self.no_answer_button.setToolTip(
            self.tr("Nobody answered: the call stays on the list (Shift+Enter in the list)")
        )
        self.no_answer_button.clicked.connect(lambda: self.mark_current(False))
        self.message = QLabel()
        self.message.setObjectName("callListMessage")
        self.message.setWordWrap(True)
        self.message.hide()

        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.reached_button)
        buttons.addWidget(self.no_answer_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        self.setMinimumWidth(200)
        self.setMaximumWidth(230)
        self._enable()
        self.hide()

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.refresh)
        if context.events is not None:
            context.events.changed.connect(self._on_change)
        # Hidden while empty, so it cannot wait to be shown: it reads once now.
        QTimer.singleShot(0, self._first_read)

    @property
    def busy(self) -> bool:
        """True while a reading or a mark runs, or a notice waits for its debounce."""
        return self._loading or self._debounce.isActive()

    def rows(self) -> list[CallRow]:
        """The calls listed, top to bottom."""
        return [self._rows[call_id] for call_id, _text in self._shown]

    def showEvent(self, event: QShowEvent) -> None:  # Qt's name
        super().showEvent(event)
        self._first_read()

    def _first_read(self) -> None:
        if not self._read_once:
            self.refresh()

    def _on_change(self, notice: dict) -> None:
        if notice.get("table") in ("call_task", "*") or notice.get("op") == "RESYNC":
            self._debounce.start()

    def refresh(self) -> None:
        """Read the open calls again (asked for during a reading: once more after it)."""
        if self._context.runner.closed or not self.enabled_for_actor:
            return
        self._read_once = True
        if self._loading:
            self._again = True
            return
        self._loading = True
        self._context.runner.submit(
            calls.open_calls, self._context.database.sessions, self._context.actor,
            on_success=self._show, on_failure=self._failed, owner=self,
        )  # fmt: skip

    def _done(self) -> None:
        self._loading = False
        if self._again:
            self._again = False
            self.refresh()
        else:
            self.loaded.emit()

    def _failed(self, message: str) -> None:
        self._say(message)
        self._done()

    def _show(self, rows: Sequence[CallRow]) -> None:
        self._rows = {row.id: row for row in rows}
        shown = [(row.id, self._text(row)) for row in rows]
        if shown != self._shown:
            current = self.list.currentItem()
            keep = current.data(ID_ROLE) if current is not None else None
            self._shown = shown
            self.list.clear()
            for row, (call_id, text) in zip(rows, shown, strict=True):
                item = QListWidgetItem(text)
                item.setData(ID_ROLE, call_id)
                item.setToolTip(row.body)
                self.list.addItem(item)
                if call_id == keep:
                    self.list.setCurrentItem(item)
            if self.list.currentItem() is None and self.list.count():
                self.list.setCurrentRow(0)
        self.title.setText(self.tr("Calls to make ({count})").format(count=len(rows)))
        self.setVisible(bool(rows))
        self._enable()
        self._done()

    def _text(self, row: CallRow) -> str:
        lines = [patient_short(row.patient_name), phone_text(row.phone)]
        about = purpose_name(row.purpose)
        if row.about_at is not None:
            about += f": {row.about_at:%d.%m %H:%M}"
        lines.append(about)
        if row.status is CallStatus.NO_ANSWER:
            lines.append(self.tr("no answer: {count}").format(count=row.attempts))
        return "\n".join(lines)

    def _enable(self, *_args: object) -> None:
        chosen = self.list.currentItem() is not None
        self.reached_button.setEnabled(chosen)
        self.no_answer_button.setEnabled(chosen)

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def mark_current(self, reached: bool) -> None:
        """Record the call chosen in the list: «позвонил» (``reached``) or «не дозвонился»."""
        item = self.list.currentItem()
        if item is None:
            return
        call_id = int(item.data(ID_ROLE))
        self._say("")
        self._loading = True
        self._enable()

        def recorded(_status: CallStatus) -> None:
            self._loading = False
            self.marked.emit(call_id)
            self.refresh()
            self.list.setFocus(Qt.FocusReason.OtherFocusReason)

        def failed(message: str) -> None:
            self._say(message)
            self._loading = False
            self.refresh()

        self._context.runner.submit(
            calls.mark_call, self._context.database.sessions, self._context.actor, call_id,
            reached=reached, on_success=recorded, on_failure=failed, owner=self,
        )  # fmt: skip
