"""The «Уведомления» section: tabs over the notices to patients.

The queue («Очередь», :class:`~crm.views.notifications.outbox_tab.OutboxTab`) is a
manager's (it names patients and their contacts); the templates' and the channels'
tabs are added with :meth:`NotificationsPage.add_tab` by whoever builds them, each for
the roles that may use it. The main window lists the section only when the user has
at least one tab.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from crm.controllers.access.permissions import Permission, allowed
from crm.views import AppContext
from crm.views.notifications.channels_tab import ChannelsTab
from crm.views.notifications.outbox_tab import OutboxTab
from crm.views.notifications.templates_tab import TemplatesTab


class NotificationsPage(QWidget):
    """The section: a title over a tab per part of the notifications.

    Args:
        context: the logged-in user's context.
        parent: the Qt parent.

    Signals:
        None of its own.
    """

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("notificationsPage")
        self._context = context
        self.title = self.tr("Notifications")
        heading = QLabel(self.title)
        heading.setObjectName("pageTitle")
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        heading.setFont(font)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("notificationTabs")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 8)
        layout.addWidget(heading)
        layout.addWidget(self.tabs, 1)

        self.outbox: OutboxTab | None = None
        if allowed(context.actor, Permission.MANAGE_NOTIFICATIONS):
            self.outbox = OutboxTab(context)
            self.add_tab(self.outbox, self.tr("Queue"))
        self.templates: TemplatesTab | None = None
        if allowed(context.actor, Permission.MANAGE_NOTIFICATIONS):  # managers edit the texts
            self.templates = TemplatesTab(context)
            self.add_tab(self.templates, self.tr("Texts"))
        self.channels: ChannelsTab | None = None
        if allowed(context.actor, Permission.MANAGE_SETTINGS):  # administrators
            self.channels = ChannelsTab(context)
            self.add_tab(self.channels, self.channels.title)

    def add_tab(self, widget: QWidget, title: str) -> int:
        """Add a tab (templates, channels…); its index."""
        return self.tabs.addTab(widget, title)

    def has_tabs(self) -> bool:
        """Whether the user has anything to see here."""
        return self.tabs.count() > 0

    def refresh(self) -> None:
        """F5: the current tab reads again, if it can."""
        refresh = getattr(self.tabs.currentWidget(), "refresh", None)
        if callable(refresh):
            refresh()
