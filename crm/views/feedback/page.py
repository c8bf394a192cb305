"""The «Отзывы» section for managers: the ratings' register and the queue to answer."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from crm.views import AppContext
from crm.views.feedback.queue_tab import QueueTab
from crm.views.feedback.register_tab import RegisterTab


class FeedbackPage(QWidget):
    """Two tabs: «Register» and «To answer (N)». Read when the section comes to the front
    and on F5; an answer recorded in the queue refreshes the register too.

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
