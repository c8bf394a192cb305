"""The Referrals section's page (not built yet: it says so)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from crm.views import AppContext
from crm.views.pages.placeholder import PlaceholderPage


def referrals_page(context: AppContext, parent: QWidget | None = None) -> QWidget:
    """The page shown for the Referrals section."""
    return PlaceholderPage(
        QCoreApplication.translate("MainWindow", "Referrals"),
        [
            QCoreApplication.translate(
                "MainWindow", "registering referrals with their validity and days left"
            ),
            QCoreApplication.translate(
                "MainWindow", "extensions by a doctor, with the reason kept"
            ),
            QCoreApplication.translate("MainWindow", "booking by a referral"),
        ],
        parent,
    )
