"""The Reports section's page (not built yet: it says so)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from crm.views import AppContext
from crm.views.pages.placeholder import PlaceholderPage


def reports_page(context: AppContext, parent: QWidget | None = None) -> QWidget:
    """The page shown for the Reports section."""
    return PlaceholderPage(
        QCoreApplication.translate("MainWindow", "Reports"),
        [
            QCoreApplication.translate(
                "MainWindow", "visits, no-shows and referrals over a period"
            ),
            QCoreApplication.translate("MainWindow", "export to Excel (for managers)"),
        ],
        parent,
    )
