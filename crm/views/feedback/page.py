"""The «Отзывы» section for managers: the ratings' register and the queue to answer."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from crm.views import AppContext
from crm.views.feedback.queue_tab import QueueTab
from crm.views.feedback.register_tab import RegisterTab

#: Change notices about ratings are gathered this long before the page reads again.
DEBOUNCE_MS = 800


class FeedbackPage(QWidget):
    """Two tabs: «Register» and «To answer (N)». Read when the section comes to the front,
    on F5, and when a rating is recorded or answered on any desk (a notice on
    ``crm_events``: read at once if on screen, else when shown next); an answer
    recorded in the queue refreshes the register too.

    Args:
        context: the logged-in user's context (a manager: the main window shows the
            section only to roles that may read ratings).
        parent: the Qt parent.

    Signals:
        None of its own; see :class:`RegisterTab` and :class:`QueueTab`.
    """

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QCoreApplication.translate("MainWindow", "Feedback")
        self.register = RegisterTab(context)
        self.queue = QueueTab(context)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("feedbackTabs")
        self.tabs.addTab(self.register, self.tr("Register"))
        self.tabs.addTab(self.queue, self.tr("To answer"))
        self.queue.loaded.connect(self._count_waiting)
        self.queue.answered.connect(lambda _row: self.register.refresh())
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        self._read = False
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.refresh)
        if context.events is not None:
            context.events.changed.connect(self._on_change)

    def _on_change(self, notice: dict) -> None:
        if notice.get("table") not in ("feedback", "*"):  # "*": a reconnection's RESYNC
            return
        if self.isVisible():
            self._debounce.start()
        else:
            self._read = False  # stale: read when the section is shown again

    def _count_waiting(self, waiting: int) -> None:
        self.tabs.setTabText(1, self.tr("To answer ({n})").format(n=waiting))

    def activate(self) -> None:
        """The section came to the front: read it the first time."""
        if not self._read:
            self.refresh()

    def refresh(self) -> None:
        """F5: read the register and the queue again (the filters stay)."""
        self._read = True
        self.register.refresh()
        self.queue.refresh()
