"""The Reports section: the dashboard and the Excel reports, for managers; the shift
report (what the desk took today) for the desk too.

Other roles see a sentence saying the section is for managers (the controllers
refuse them anyway: permissions are enforced there, not by hiding widgets).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from crm.controllers.access.permissions import Permission, allowed
from crm.views import AppContext
from crm.views.reports.dashboard import DashboardView
from crm.views.reports.reports_tab import ReportsTab
from crm.views.reports.shift_tab import ShiftTab


class ReportsPage(QWidget):
    """Dashboard, Reports and Shift (for the desk without reports: the notice and Shift).

    Args:
        context: the logged-in user's context.
        parent: the Qt parent.

    Signals:
        None of its own; see :class:`DashboardView` and :class:`ReportsTab`.
    """

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QCoreApplication.translate("MainWindow", "Reports")
        self.dashboard: DashboardView | None = None
        self.reports: ReportsTab | None = None
        self.tabs: QTabWidget | None = None
        #: The desk's shift report (registrars and managers).
        self.shift: ShiftTab | None = None
        layout = QVBoxLayout(self)
        if not allowed(context.actor, Permission.REPORTS):
            notice = QLabel(self.tr("Reports and the dashboard are available to managers."))
            notice.setObjectName("reportsNotAllowed")
            layout.addWidget(notice)
            if allowed(context.actor, Permission.TAKE_PAYMENTS):
                self.shift = ShiftTab(context)
                self.tabs = QTabWidget()
                self.tabs.addTab(self.shift, self.tr("Shift"))
                layout.addWidget(self.tabs, 1)
            else:
                layout.addStretch(1)
            return
        self.dashboard = DashboardView(context)
        self.reports = ReportsTab(context)
        self.shift = ShiftTab(context)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.dashboard, self.tr("Dashboard"))
        self.tabs.addTab(self.reports, self.tr("Reports"))
        self.tabs.addTab(self.shift, self.tr("Shift"))
        layout.addWidget(self.tabs)

    def activate(self) -> None:
        """The section came to the front (the dashboard reloads itself when shown stale)."""

    def refresh(self) -> None:
        """F5: reload the dashboard."""
        if self.dashboard is not None:
            self.dashboard.refresh()
        if self.shift is not None and self.shift.isVisible():
            self.shift.refresh()


def reports_page(context: AppContext, parent: QWidget | None = None) -> QWidget:
    """The page shown for the Reports section."""
    return ReportsPage(context, parent)
