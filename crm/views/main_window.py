"""The main window: section list on the left, the chosen page on the right."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QWidget,
)

from crm.controllers.vocabulary import role_title
from crm.views import AppContext
from crm.views.pages.journal_page import JournalPage
from crm.views.pages.settings_page import SettingsPage
from crm.views.patients.page import PatientsPage
from crm.views.referrals.page import referrals_page
from crm.views.reports.page import reports_page
from crm.views.schedule.page import SchedulePage
from crm.views.status import StatusPanel, describe_database

SCHEDULE, PATIENTS, REFERRALS, REPORTS, JOURNAL, SETTINGS = range(6)


class MainWindow(QMainWindow):
    """The workstation's window for the logged-in user.

    Ctrl+1…Ctrl+6 switch sections, F5 refreshes the current one, Ctrl+Q quits.

    Args:
        context: the logged-in user's context.
        parent: the Qt parent.

    Signals:
        page_changed(int): the section shown now (``SCHEDULE`` … ``SETTINGS``).
        closed(): the window was closed (the application quits on it).
    """

    page_changed = Signal(int)
    closed = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        actor = context.actor
        self.setObjectName("MainWindow")
        self.setWindowTitle(
            self.tr("{name} ({role})").format(name=actor.full_name, role=role_title(actor.role))
        )

        schedule = SchedulePage(context)
        patients = PatientsPage(context)
        # A patient's card opens from a block in the schedule as from the search.
        schedule.open_patient.connect(patients.open_card)
        self.pages: list[QWidget] = [
            schedule,
            patients,
            referrals_page(context),
            reports_page(context),
            JournalPage(context),
            SettingsPage(context),
        ]

        self.navigation = QListWidget()
        self.navigation.setObjectName("navigation")
        self.navigation.setIconSize(QSize(0, 0))
        self.stack = QStackedWidget()
        for number, page in enumerate(self.pages, start=1):
            item = QListWidgetItem(str(getattr(page, "title", "")))
            item.setToolTip(self.tr("Ctrl+{number}").format(number=number))
            item.setSizeHint(QSize(0, 34))
            self.navigation.addItem(item)
            self.stack.addWidget(page)
        # Wide enough for the longest title in the style's font (a style sheet may
        # enlarge it, hence the polish first); sizeHintForColumn is 0 before showing.
        self.navigation.ensurePolished()
        metrics = self.navigation.fontMetrics()
        longest = max(metrics.horizontalAdvance(str(getattr(p, "title", ""))) for p in self.pages)
        self.navigation.setFixedWidth(max(170, longest + 64))
        self.navigation.currentRowChanged.connect(self._show_page)

        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.navigation)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self._build_actions()
        self.status = StatusPanel(
            self.statusBar(), describe_database(context.database), actor, context.events
        )
        context.runner.unhandled_failure.connect(self._show_failure)
        self.resize(1180, 760)
        self.navigation.setCurrentRow(SCHEDULE)

    def _build_actions(self) -> None:
        program = self.menuBar().addMenu(self.tr("&Program"))
        refresh = QAction(self.tr("&Refresh"), self)
        refresh.setShortcut(QKeySequence(Qt.Key.Key_F5))
        refresh.triggered.connect(self.refresh_current)
        program.addAction(refresh)
        program.addSeparator()
        self.quit_action = QAction(self.tr("&Quit"), self)
        # Explicit Ctrl+Q: QKeySequence.Quit is empty on Windows.
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.triggered.connect(self.close)
        program.addAction(self.quit_action)

        go = self.menuBar().addMenu(self.tr("&Go"))
        self.page_actions: list[QAction] = []
        for index, page in enumerate(self.pages):
            action = QAction(str(getattr(page, "title", "")), self)
            action.setShortcut(QKeySequence(f"Ctrl+{index + 1}"))
            action.triggered.connect(lambda _checked=False, i=index: self.show_page(i))
            go.addAction(action)
            self.page_actions.append(action)

    @property
    def current_page(self) -> int:
        """The section shown now."""
        return self.stack.currentIndex()

    def show_page(self, index: int) -> None:
        """Bring section ``index`` to the front (``SCHEDULE`` … ``SETTINGS``)."""
        if index == self.stack.currentIndex():
            # Chosen again (Ctrl+2 while on Patients): the page takes the keyboard back.
            activate = getattr(self.pages[index], "activate", None)
            if callable(activate):
                activate()
            return
        self.navigation.setCurrentRow(index)

    def refresh_current(self) -> None:
        """F5: ask the current page for fresh data, if it has any."""
        refresh = getattr(self.stack.currentWidget(), "refresh", None)
        if callable(refresh):
            refresh()

    def _show_page(self, index: int) -> None:
        if index < 0:
            return
        self.stack.setCurrentIndex(index)
        activate = getattr(self.pages[index], "activate", None)
        if callable(activate):
            activate()
        self.page_changed.emit(index)

    def _show_failure(self, message: str) -> None:
        self.statusBar().showMessage(message, 15_000)

    def closeEvent(self, event: QCloseEvent) -> None:  # Qt's name
        self.closed.emit()
        super().closeEvent(event)
