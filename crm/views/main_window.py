"""The main window: section list on the left, the chosen page on the right.

Only the sections the user's role works in are listed: the administrator, who
neither finds patients nor books, sees Users, the journal and the settings, and
starts on Users; everyone else starts on the schedule. «Log out» (Ctrl+L) closes the
window without quitting, so that another user can log in at this desk; leaving asks
first when a page (``has_unsaved_changes()``) holds unsaved input.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from crm.controllers.access.permissions import Permission, allowed
from crm.controllers.vocabulary import role_title
from crm.db import logins
from crm.views import AppContext
from crm.views.backups.page import BackupsPage
from crm.views.backups.status import BackupWarning
from crm.views.directories.page import DirectoriesPage
from crm.views.feedback.page import FeedbackPage
from crm.views.notifications.page import NotificationsPage
from crm.views.pages.journal_page import JournalPage
from crm.views.pages.settings_page import SettingsPage
from crm.views.patients.page import PatientsPage
from crm.views.referrals.page import referrals_page
from crm.views.reports.page import reports_page
from crm.views.schedule.page import SchedulePage
from crm.views.search.popup import SearchPopup
from crm.views.search.schedule_focus import AppointmentFocus
from crm.views.status import StatusPanel, describe_database
from crm.views.users.page import UsersPage

(SCHEDULE, PATIENTS, REFERRALS, REPORTS, JOURNAL, SETTINGS, USERS, DIRECTORIES, BACKUPS,
 NOTIFICATIONS, FEEDBACK) = range(11)  # fmt: skip
#: The order of the list; Ctrl+1… number the sections shown, top to bottom.
ORDER = (SCHEDULE, PATIENTS, REFERRALS, REPORTS, FEEDBACK, NOTIFICATIONS, USERS, DIRECTORIES,
         BACKUPS, JOURNAL, SETTINGS)  # fmt: skip


class MainWindow(QMainWindow):
    """The workstation's window for the logged-in user.

    Ctrl+1… switch sections, F5 refreshes the current one, Ctrl+L logs out, Ctrl+Q quits.

    Args:
        context: the logged-in user's context.
        parent: the Qt parent.

    Signals:
        page_changed(int): the section shown now (``SCHEDULE`` … ``USERS``).
        closed(): the window was closed (the application quits on it).
        logged_out(): the user logged out; the window closed, the program goes on.
    """

    page_changed = Signal(int)
    closed = Signal()
    logged_out = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        actor = context.actor
        self.setObjectName("MainWindow")
        self.setWindowTitle(
            self.tr("{name} ({role})").format(name=actor.full_name, role=role_title(actor.role))
        )

        self._leave_confirmed = False
        self._logging_out = False
        self.leave_box: QMessageBox | None = None
        #: The sections shown, by their numbers (``SCHEDULE`` …), in the list's order.
        self.pages: dict[int, QWidget] = self._build_pages(context)
        self.sections = list(self.pages)

        self.navigation = QListWidget()
        self.navigation.setObjectName("navigation")
        self.navigation.setIconSize(QSize(0, 0))
        self.stack = QStackedWidget()
        for number, page in enumerate(self.pages.values(), start=1):
            item = QListWidgetItem(str(getattr(page, "title", "")))
            item.setToolTip(self.tr("Ctrl+{number}").format(number=number))
            item.setSizeHint(QSize(0, 34))
            self.navigation.addItem(item)
            self.stack.addWidget(page)
        # Wide enough for the longest title in the style's font (a style sheet may
        # enlarge it, hence the polish first); sizeHintForColumn is 0 before showing.
        self.navigation.ensurePolished()
        metrics = self.navigation.fontMetrics()
        longest = max(
            metrics.horizontalAdvance(str(getattr(p, "title", ""))) for p in self.pages.values()
        )
        self.navigation.setFixedWidth(max(170, longest + 64))
        self.navigation.currentRowChanged.connect(self._show_page)

        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.navigation)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        #: The search box over everything (Ctrl+K).
        self.search = SearchPopup(context, self)
        self._wire_search()
        self._build_actions()
        self.status = StatusPanel(
            self.statusBar(), describe_database(context.database), actor, context.events
        )
        #: The warning about an old backup, for those who answer for it.
        self.backup_warning: BackupWarning | None = None
        if allowed(actor, Permission.MANAGE_SETTINGS) or allowed(actor, Permission.REPORTS):
            self.backup_warning = BackupWarning(self.statusBar(), context)
        context.runner.unhandled_failure.connect(self._show_failure)
        self.resize(1180, 760)
        self.navigation.setCurrentRow(self.sections.index(self.landing_page))

    @staticmethod
    def _build_pages(context: AppContext) -> dict[int, QWidget]:
        actor = context.actor
        pages: dict[int, QWidget] = {}
        if allowed(actor, Permission.FIND_PATIENTS):  # the desk, managers and doctors
            schedule = SchedulePage(context)
            patients = PatientsPage(context)
            # A patient's card opens from a block in the schedule as from the search.
            schedule.open_patient.connect(patients.open_card)
            referrals = referrals_page(context)
            referrals.open_patient.connect(patients.open_card)
            pages |= {
                SCHEDULE: schedule,
                PATIENTS: patients,
                REFERRALS: referrals,
                REPORTS: reports_page(context),
            }
        if allowed(actor, Permission.MANAGE_FEEDBACK):  # managers
            pages[FEEDBACK] = FeedbackPage(context)
        if allowed(actor, Permission.MANAGE_NOTIFICATIONS) or allowed(
            actor, Permission.MANAGE_SETTINGS
        ):  # managers (the queue) and administrators (the channels)
            notifications = NotificationsPage(context)
            if notifications.has_tabs():
                pages[NOTIFICATIONS] = notifications
            else:
                notifications.deleteLater()
        if allowed(actor, Permission.MANAGE_USERS):
            pages[USERS] = UsersPage(context)
        if allowed(actor, Permission.MANAGE_DIRECTORIES):  # managers and administrators
            pages[DIRECTORIES] = DirectoriesPage(context)
        if allowed(actor, Permission.MANAGE_SETTINGS):  # administrators
            pages[BACKUPS] = BackupsPage(context)
        pages |= {JOURNAL: JournalPage(context), SETTINGS: SettingsPage(context)}
        return {section: pages[section] for section in ORDER if section in pages}

    def _wire_search(self) -> None:
        """Each kind of result opens its screen, as a block's patient opens the card."""
        search, pages = self.search, self.pages

        def showing(section: int, method: str) -> Callable[..., None]:
            def show(*args: object) -> None:
                self.show_page(section)
                getattr(pages[section], method)(*args)

            return show

        if PATIENTS in pages:
            patients = pages[PATIENTS]
            search.open_patient.connect(patients.open_card)  # type: ignore[attr-defined]
            search.open_medical_record.connect(patients.open_medical_record)  # type: ignore[attr-defined]
        if SCHEDULE in pages:
            schedule = pages[SCHEDULE]
            assert isinstance(schedule, SchedulePage)
            self.appointment_focus = AppointmentFocus(schedule)
            search.open_appointment.connect(self._show_appointment)
            search.open_doctor.connect(showing(SCHEDULE, "show_week_of"))
        elif DIRECTORIES in pages:  # the administrator: the doctor in the directories
            search.open_doctor.connect(lambda doctor_id: self._show_row("doctors", doctor_id))
        if REFERRALS in pages:
            search.open_referral.connect(showing(REFERRALS, "show_referral"))
        if DIRECTORIES in pages:
            search.open_service.connect(lambda service_id: self._show_row("services", service_id))
        if USERS in pages:
            search.open_user.connect(showing(USERS, "show_user"))

    def _show_appointment(self, appointment_id: int, day: object) -> None:
        self.show_page(SCHEDULE)
        self.appointment_focus.show(appointment_id, day)  # type: ignore[arg-type]

    def _show_row(self, directory: str, row_id: int) -> None:
        self.show_page(DIRECTORIES)
        page = self.pages[DIRECTORIES]
        assert isinstance(page, DirectoriesPage)
        page.show_row(directory, row_id)

    @property
    def landing_page(self) -> int:
        """The section the window opens on: Users for the administrator, else the first."""
        return USERS if USERS in self.pages else self.sections[0]

    def _build_actions(self) -> None:
        program = self.menuBar().addMenu(self.tr("&Program"))
        refresh = QAction(self.tr("&Refresh"), self)
        refresh.setShortcut(QKeySequence(Qt.Key.Key_F5))
        refresh.triggered.connect(self.refresh_current)
        program.addAction(refresh)
        program.addSeparator()
        self.logout_action = QAction(self.tr("&Log out (switch user)"), self)
        self.logout_action.setShortcut(QKeySequence("Ctrl+L"))
        self.logout_action.triggered.connect(self.log_out)
        program.addAction(self.logout_action)
        self.quit_action = QAction(self.tr("&Quit"), self)
        # Explicit Ctrl+Q: QKeySequence.Quit is empty on Windows.
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.triggered.connect(self.close)
        program.addAction(self.quit_action)

        go = self.menuBar().addMenu(self.tr("&Go"))
        self.search_action = QAction(self.tr("&Search everything…"), self)
        self.search_action.setShortcut(QKeySequence("Ctrl+K"))
        self.search_action.triggered.connect(self.search.popup)
        go.addAction(self.search_action)
        go.addSeparator()
        self.page_actions: list[QAction] = []
        for position, (section, page) in enumerate(self.pages.items()):
            action = QAction(str(getattr(page, "title", "")), self)
            action.setShortcut(QKeySequence(f"Ctrl+{position + 1}"))
            action.triggered.connect(lambda _checked=False, s=section: self.show_page(s))
            go.addAction(action)
            self.page_actions.append(action)

    @property
    def current_page(self) -> int:
        """The section shown now."""
        return self.sections[self.stack.currentIndex()]

    def show_page(self, section: int) -> None:
        """Bring ``section`` to the front (``SCHEDULE`` … ``USERS``; ignored if not shown)."""
        if section not in self.pages:
            return
        if section == self.current_page:
            # Chosen again (Ctrl+2 while on Patients): the page takes the keyboard back.
            activate = getattr(self.pages[section], "activate", None)
            if callable(activate):
                activate()
            return
        self.navigation.setCurrentRow(self.sections.index(section))

    def refresh_current(self) -> None:
        """F5: ask the current page for fresh data, if it has any."""
        refresh = getattr(self.stack.currentWidget(), "refresh", None)
        if callable(refresh):
            refresh()

    def _show_page(self, row: int) -> None:
        if row < 0:
            return
        self.stack.setCurrentIndex(row)
        section = self.sections[row]
        activate = getattr(self.pages[section], "activate", None)
        if callable(activate):
            activate()
        self.page_changed.emit(section)

    def _show_failure(self, message: str) -> None:
        self.statusBar().showMessage(message, 15_000)

    # --- leaving ------------------------------------------------------------------

    def unsaved_sections(self) -> list[str]:
        """The titles of the sections holding unsaved input."""
        return [
            str(getattr(page, "title", ""))
            for page in self.pages.values()
            if callable(getattr(page, "has_unsaved_changes", None)) and page.has_unsaved_changes()  # type: ignore[attr-defined]
        ]

    def log_out(self) -> None:
        """Ctrl+L: close the window (asking first about unsaved input) without quitting."""
        self._logging_out = True
        self.close()

    def confirm_leaving(self) -> None:
        """Let the next close through without asking (the program is shutting down)."""
        self._leave_confirmed = True

    def _ask_to_leave(self, unsaved: list[str]) -> None:
        box = QMessageBox(self)
        box.setObjectName("leaveBox")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("Unsaved changes"))
        box.setText(
            self.tr("Unsaved changes in: {sections}. Leave and lose them?").format(
                sections=", ".join(unsaved)
            )
        )
        leave = box.addButton(
            self.tr("Leave without saving"), QMessageBox.ButtonRole.DestructiveRole
        )
        stay = box.addButton(self.tr("Stay"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(stay)
        box.setEscapeButton(stay)
        box.finished.connect(lambda _result: self._left_box(box, box.clickedButton() is leave))
        self.leave_box = box
        box.open()

    def _left_box(self, box: QMessageBox, leave: bool) -> None:
        self.leave_box = None
        box.deleteLater()
        if leave:
            self._leave_confirmed = True
            self.close()
        else:
            self._logging_out = False

    def closeEvent(self, event: QCloseEvent) -> None:  # Qt's name
        if not self._leave_confirmed:
            unsaved = self.unsaved_sections()
            if unsaved:
                event.ignore()
                if self.leave_box is None:
                    self._ask_to_leave(unsaved)
                return
        self._leave_confirmed = True
        if self._logging_out:
            context = self.context
            # Journaled on the runner; the window does not wait for it.
            context.runner.submit(logins.logout, context.database.sessions, context.actor)
            self.logged_out.emit()
        else:
            self.closed.emit()
        super().closeEvent(event)
