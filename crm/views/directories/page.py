"""The «Directories» section: the clinic's details and a tab per directory."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from crm.controllers.directories.catalogue import DIRECTORIES, ON_SCREEN
from crm.views import AppContext
from crm.views.directories.bonus_rules_tab import BonusRulesTab
from crm.views.directories.clinic_tab import ClinicTab
from crm.views.directories.hours_tab import HoursTab
from crm.views.directories.tab import DirectoryTab
from crm.views.directories.workbook_bar import WorkbookBar
from crm.views.patients.message_bar import MessageBar


class DirectoriesPage(QWidget):
    """Tabs: the clinic, branches, rooms, specialties, doctors, working hours, services,
    prices, the bonus rules.

    Args:
        context: the logged-in user's context (a manager or an administrator).
        parent: the Qt parent.

    Signals:
        None of its own; each tab has its own.
    """

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("directoriesPage")
        self.title = self.tr("Directories")
        self.clinic = ClinicTab(context)
        self.tabs: dict[str, DirectoryTab] = {
            key: (HoursTab if key == "hours" else DirectoryTab)(context, DIRECTORIES[key])
            for key in ON_SCREEN
        }
        self.tab_widget = QTabWidget()
        self.tab_widget.setObjectName("directoryTabs")
        self.tab_widget.addTab(self.clinic, self.clinic.title)
        for tab in self.tabs.values():
            self.tab_widget.addTab(tab, tab.title)
        self.bonus_rules = BonusRulesTab(context)  # the manager's rules of bonus points
        self.tab_widget.addTab(self.bonus_rules, self.bonus_rules.title)
        self.tab_widget.currentChanged.connect(lambda _i: self.activate())
        self.messages = MessageBar()
        self.workbook = WorkbookBar(context, self.messages)
        self.workbook.imported.connect(lambda _report: self.activate())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addWidget(self.workbook)
        layout.addWidget(self.messages)
        layout.addWidget(self.tab_widget)

    def activate(self) -> None:
        """The section or a tab came to the front: read what it shows."""
        current = self.tab_widget.currentWidget()
        activate = getattr(current, "activate", None)
        if callable(activate):
            activate()

    def show_row(self, key: str, row_id: int) -> None:
        """The tab of directory ``key`` with row ``row_id`` chosen (found by the search)."""
        tab = self.tabs[key]
        tab.show_row(row_id)
        if self.tab_widget.currentWidget() is tab:
            tab.refresh()
        else:
            self.tab_widget.setCurrentWidget(tab)  # its activation reads it

    def refresh(self) -> None:
        """F5: read the current tab again."""
        self.activate()

    def has_unsaved_changes(self) -> bool:
        """Whether any tab holds typed, unsaved values."""
        return (
            self.clinic.has_unsaved_changes()
            or self.bonus_rules.has_unsaved_changes()
            or any(tab.has_unsaved_changes() for tab in self.tabs.values())
        )
