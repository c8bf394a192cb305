"""The Referrals section: the registry, booking by a referral, the waiting list, priority,
and the directory of issuing organisations.

Alt+1…Alt+5 switch the tabs; from the registry, Enter on a referral opens the wizard
with its number checked.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from crm.views import AppContext
from crm.views.printing import open_print_dialog, tickets_request
from crm.views.referrals.organisations_tab import OrganisationsTab
from crm.views.referrals.priority_booking import PriorityBookingDialog
from crm.views.referrals.priority_tab import PriorityTab
from crm.views.referrals.registry import RegistryTab
from crm.views.referrals.waiting_tab import WaitingListTab
from crm.views.referrals.wizard import BookingWizard

REGISTRY, WIZARD, WAITING, PRIORITY, ORGANISATIONS = range(5)


class ReferralsPage(QWidget):
    """The Referrals section's page.

    Args:
        context: the logged-in user's context.
        parent: the Qt parent.

    Signals:
        open_patient(int): open this patient's card (the main window opens it).
    """

    open_patient = Signal(int)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QCoreApplication.translate("MainWindow", "Referrals")
        heading = QLabel(self.title)
        heading.setObjectName("pageTitle")
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        heading.setFont(font)
        self.registry = RegistryTab(context)
        self.wizard = BookingWizard(context)
        self.waiting = WaitingListTab(context)
        self.priority = PriorityTab(context)
        self.organisations = OrganisationsTab(context)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("referralTabs")
        self.tabs.addTab(self.registry, self.tr("Registry"))
        self.tabs.addTab(self.wizard, self.tr("Book by referral"))
        self.tabs.addTab(self.waiting, self.tr("Waiting list"))
        self.tabs.addTab(self.priority, self.tr("Priority requests"))
        self.tabs.addTab(self.organisations, self.tr("Organisations"))
        self.tabs.currentChanged.connect(self._tab_changed)
        for number in range(self.tabs.count()):
            action = QAction(self)
            action.setShortcut(QKeySequence(f"Alt+{number + 1}"))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(lambda _c=False, n=number: self.tabs.setCurrentIndex(n))
            self.addAction(action)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 8)
        layout.addWidget(heading)
        layout.addWidget(self.tabs, 1)
        self.registry.book_requested.connect(self.book_by)
        self.wizard.ticket_requested.connect(self.print_ticket)
        self.wizard.open_patient.connect(self.open_patient)
        self.priority.book_requested.connect(self.book_priority)
        self._context = context

    def activate(self) -> None:
        """The section came to the front."""
        self._tab_changed(self.tabs.currentIndex())

    def refresh(self) -> None:
        """F5: reload the current tab."""
        current = self.tabs.currentWidget()
        for name in ("reload", "refresh"):
            method = getattr(current, name, None)
            if callable(method):
                method()
                return

    def _tab_changed(self, index: int) -> None:
        widget = self.tabs.widget(index)
        activate = getattr(widget, "activate", None)
        if callable(activate):
            activate()
        if index == WIZARD:
            self.wizard.number.setFocus()
        elif index == REGISTRY:
            self.registry.table.setFocus()
        elif index == ORGANISATIONS:
            self.organisations.search.setFocus()

    def show_referral(self, referral_id: int, number: str) -> None:
        """The registry with ``referral_id`` chosen (found by its number)."""
        self.tabs.setCurrentIndex(REGISTRY)
        self.registry.show_referral(referral_id, number)

    def print_ticket(self, appointment_id: int) -> None:
        """Open the print dialog with the ticket of ``appointment_id``."""
        title = self.tr("Ticket")
        open_print_dialog(self._context, tickets_request([appointment_id], title), self)

    def book_priority(self, patient_id: int, specialty_id: int, request_id: int) -> None:
        """Choose a free time for an approved priority request and book it."""
        dialog = PriorityBookingDialog(self._context, patient_id, specialty_id, request_id, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.booked.connect(lambda _request, _appointment: self.priority.refresh())
        dialog.open()

    def book_by(self, number: str, referral_id: int) -> None:
        """Open the wizard on this referral, checked at once."""
        self.tabs.setCurrentIndex(WIZARD)
        self.wizard.start(number, referral_id)


def referrals_page(context: AppContext, parent: QWidget | None = None) -> ReferralsPage:
    """The page shown for the Referrals section."""
    page = ReferralsPage(context, parent)
    return page
