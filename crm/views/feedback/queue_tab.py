"""The queue of low ratings (≤ 2) waiting for a manager's answer, and the answer itself."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crm.controllers.errors import DomainError
from crm.controllers.feedback import ratings
from crm.controllers.feedback.ratings import FeedbackRow
from crm.controllers.feedback.register import RegisterRow, answer_queue
from crm.views import AppContext
from crm.views.feedback.model import FeedbackModel
from crm.views.itemmodels.views import row_table, select_row


class QueueTab(QWidget):
    """Low ratings nobody has answered, oldest first; the chosen one is answered below.

    A refused answer keeps its text and says why; an answered rating leaves the list.

    Args:
        context: the logged-in user's context (a manager).
        parent: the Qt parent.

    Signals:
        loaded(int): the queue was read; carries how many wait.
        answered(object): an answer was recorded; carries the :class:`FeedbackRow`.
        failed(str): an answer was refused; carries the message shown.
    """

    loaded = Signal(int)
    answered = Signal(object)
    failed = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._answering = False
        self.model = FeedbackModel(with_answer=False, parent=self)
        self.table = row_table(self.model, "feedbackQueue")
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._chosen())
        self.chosen_label = QLabel(self.tr("Choose a rating to answer"))
        self.chosen_label.setObjectName("queueChosen")
        self.chosen_label.setWordWrap(True)
        self.answer_edit = QPlainTextEdit()
        self.answer_edit.setObjectName("queueAnswer")
        self.answer_edit.setPlaceholderText(
            self.tr("what was done: the call to the patient, the apology, the measures taken")
        )
        self.answer_edit.setMaximumHeight(100)
        self.answer_edit.setTabChangesFocus(True)
        self.answer_button = QPushButton(self.tr("Record the answer"))
        self.answer_button.setObjectName("queueAnswerButton")
        self.answer_button.setEnabled(False)
        self.answer_button.clicked.connect(self.answer)
        self.message = QLabel()
        self.message.setObjectName("queueMessage")
        self.message.setWordWrap(True)
        self.message.hide()
        self.answer_edit.textChanged.connect(self.message.hide)

        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.answer_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.chosen_label)
        layout.addWidget(self.answer_edit)
        layout.addLayout(buttons)

    @property
    def current(self) -> RegisterRow | None:
        """The rating chosen in the list."""
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def choose(self, row: int) -> None:
        """Choose line ``row`` of the list."""
        select_row(self.table, row)

    def refresh(self) -> None:
        """Read the queue again (the chosen rating stays chosen if it still waits)."""
        if self._context.runner.closed:
            return
        self._context.runner.submit(
            answer_queue, self._context.database.sessions, self._context.actor,
            on_success=self._show, on_failure=self._failed_to_read, owner=self,
        )  # fmt: skip

    def _show(self, rows: tuple[RegisterRow, ...]) -> None:
        chosen = self.current.id if self.current else None
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        self.table.setColumnWidth(5, min(self.table.columnWidth(5), 360))
        ids = [r.id for r in rows]
        if chosen in ids:
            self.choose(ids.index(chosen))
        self._chosen()
        self.loaded.emit(len(rows))

    def _failed_to_read(self, message: str) -> None:
        self._say(message, error=True)
        self.loaded.emit(self.model.rowCount())

    def _chosen(self) -> None:
        row = self.current
        self.answer_button.setEnabled(row is not None and not self._answering)
        if row is None:
            self.chosen_label.setText(self.tr("Choose a rating to answer"))
            return
        self.chosen_label.setText(
            self.tr("{rating} from {patient}: {comment}").format(
                rating="★" * row.rating,
                patient=row.patient or self.tr("a patient"),
                comment=row.comment or self.tr("no comment"),
            )
        )

    def _say(self, text: str, *, error: bool) -> None:
        self.message.setStyleSheet("color: #8e1b1b" if error else "color: #1e6b34")
        self.message.setText(text)
        self.message.show()

    def answer(self) -> None:
        """Record the answer typed to the chosen rating, on the runner."""
        row = self.current
        if row is None or self._answering:
            return
        self._answering = True
        self.answer_button.setEnabled(False)
        self._context.runner.submit(
            ratings.answer, self._context.database.sessions, self._context.actor, row.id,
            self.answer_edit.toPlainText(),
            on_success=self._answered, on_error=self._refused, owner=self,
        )  # fmt: skip

    def _answered(self, row: FeedbackRow) -> None:
        self._answering = False
        self.answer_edit.clear()
        self._say(self.tr("The answer is recorded; the rating left the queue."), error=False)
        self.answered.emit(row)
        self.refresh()

    def _refused(self, error: BaseException, message: str) -> None:
        self._answering = False
        self._chosen()
        self._say(message, error=True)
        if isinstance(error, DomainError) and error.field == "answer":
            self.answer_edit.setFocus()
        self.failed.emit(message)
