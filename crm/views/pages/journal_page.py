"""The journal page: who did what, where and when, newest first.

Everything in words (:mod:`crm.controllers.journal.words`), times in the clinic's
timezone whatever the workstation's clock says.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from crm.controllers.access.permissions import Permission, allowed
from crm.controllers.journal import words
from crm.controllers.journal.words import JournalSheet
from crm.controllers.vocabulary import role_title
from crm.views import AppContext
from crm.views.itemmodels.journal_model import JournalModel
from crm.views.itemmodels.views import row_table

PAGE_SIZE = 200
# Change notices come in bursts (a booking touches several rows): wait, then load once.
DEBOUNCE_MS = 300


class JournalPage(QWidget):
    """The journal of actions in a table, refreshed on change notices and on F5.

    Roles without the right to read the journal see a sentence saying so and no
    table; the controller would refuse them anyway.

    Args:
        context: the logged-in user's context.
        parent: the Qt parent.

    Signals:
        loaded(int): a refresh finished; carries the number of new rows.
    """

    loaded = Signal(int)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.title = self.tr("Journal")
        self.permitted = allowed(context.actor, Permission.READ_JOURNAL)
        self._loading = False
        self._again = False  # a refresh was asked for while one was running
        self._stale = True  # something may have changed since the last load

        heading = QLabel(self.tr("Journal of actions"))
        heading.setObjectName("pageTitle")
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        heading.setFont(font)

        self.model = JournalModel(self)
        self.table = row_table(self.model, "journalTable")
        self.table.setAlternatingRowColors(True)
        self.model.modelReset.connect(self._fit_columns)

        self.status_label = QLabel()
        self.status_label.setObjectName("journalStatus")
        self.refresh_button = QPushButton(self.tr("Refresh (F5)"))
        self.refresh_button.clicked.connect(self.refresh)

        self.denied_label = QLabel(
            self.tr(
                "Your role ({role}) may not read the journal. The journal is open to "
                "managers and administrators."
            ).format(role=role_title(context.actor.role))
        )
        self.denied_label.setObjectName("journalDenied")
        self.denied_label.setWordWrap(True)
        self.denied_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)

        table_area = QWidget()
        table_layout = QVBoxLayout(table_area)
        table_layout.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        bar.addWidget(self.status_label, 1)
        bar.addWidget(self.refresh_button)
        table_layout.addLayout(bar)
        table_layout.addWidget(self.table, 1)

        self.stack = QStackedWidget()
        self.stack.addWidget(table_area)
        self.stack.addWidget(self.denied_label)
        self.stack.setCurrentWidget(table_area if self.permitted else self.denied_label)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.addWidget(heading)
        layout.addWidget(self.stack, 1)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self._load_if_shown)
        if self.permitted and context.events is not None:
            context.events.changed.connect(self._on_change)

    @property
    def loading(self) -> bool:
        """True while a query is on the runner."""
        return self._loading

    def activate(self) -> None:
        """The page came to the front: load if anything may have changed."""
        if not self.permitted:
            return
        if self._stale:
            self.refresh()

    def refresh(self) -> None:
        """Fetch the newest entries now (a second request during a load is queued)."""
        if not self.permitted:
            return
        if self._loading:
            self._again = True
            return
        self._loading = True
        self._stale = False
        self.status_label.setText(self.tr("Loading…"))
        self._context.runner.submit(
            words.read_journal,
            self._context.database.sessions,
            self._context.actor,
            limit=PAGE_SIZE,
            on_success=self._on_loaded,
            on_failure=self._on_failed,
            owner=self,
        )

    @Slot(dict)
    def _on_change(self, _event: dict) -> None:
        self._stale = True
        if self.isVisible():
            self._debounce.start()

    def _load_if_shown(self) -> None:
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def _on_loaded(self, sheet: JournalSheet) -> None:
        self._loading = False
        self.model.set_context(sheet.timezone, sheet.names)
        added = self.model.merge_newest(sheet.rows)
        self.status_label.setStyleSheet("")
        self.status_label.setText(
            self.tr("{count} entries shown, newest first.").format(count=self.model.rowCount())
        )
        self.loaded.emit(added)
        self._follow_up()

    def _on_failed(self, message: str) -> None:
        self._loading = False
        self._stale = True
        self.status_label.setStyleSheet("color: #c62828;")
        self.status_label.setText(message)
        self.loaded.emit(0)
        self._follow_up()

    def _follow_up(self) -> None:
        if self._again:
            self._again = False
            self.refresh()

    def _fit_columns(self) -> None:
        # Size to the contents once per reset; the details column takes the rest.
        for column in range(self.model.columnCount() - 1):
            self.table.resizeColumnToContents(column)
