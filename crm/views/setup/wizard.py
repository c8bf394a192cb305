"""The setup wizard: a clinic's own, empty database gets its details and first administrator.

Two pages — the clinic, then the administrator; the clinic's page is checked before
«Next» — and «Finish» stores both in one
transaction (:func:`crm.controllers.clinic.setup.set_up`) on the runner. A refusal
brings the wizard back to the page of the first bad field, every bad field named under
itself; nothing typed is lost.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget, QWizard, QWizardPage

from crm.controllers.clinic import profile, setup
from crm.controllers.clinic.setup import AdminForm
from crm.controllers.errors import FormInvalid
from crm.views.directories.fields import FieldForm, FieldSpec
from crm.views.patients.message_bar import MessageBar
from crm.views.runner import DbRunner
from crm.views.setup import profile_fields

ADMIN_FIELDS = ("login", "full_name", "password", "password_again")


class _CheckedPage(QWizardPage):
    """A page whose «Next» first runs ``check`` (it names the bad fields, says whether
    the page may be left)."""

    check: Callable[[], bool] | None = None

    def validatePage(self) -> bool:  # Qt's name
        return self.check() if self.check is not None else True


class SetupWizard(QWizard):
    """Asks for the clinic's details and the first administrator, then stores them.

    Args:
        runner: runs the setup off the GUI thread.
        sessions: the database's session factory.
        parent: the Qt parent.

    Signals:
        set_up(str): the clinic is set up; the administrator's login.
    """

    set_up = Signal(str)

    def __init__(self, runner: DbRunner, sessions: object, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("setupWizard")
        self.setWindowTitle(self.tr("Registratura: setting up the clinic"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self._runner = runner
        self._sessions = sessions
        self.saving = False

        self.clinic_form = profile_fields.profile_form()
        self.clinic_page = self._page(
            self.tr("The clinic"),
            self.tr(
                "The database is empty: this is a new clinic. Its details go on tickets, "
                "day lists and notices; an administrator can change them later under "
                "«Directories»."
            ),
            self.clinic_form,
        )
        self.clinic_page.check = self._check_clinic
        self.admin_form = FieldForm(
            [
                FieldSpec("login", self.tr("Login"), placeholder=self.tr("Latin letters")),
                FieldSpec("full_name", self.tr("Full name")),
                FieldSpec(
                    "password",
                    self.tr("Password"),
                    "password",
                    placeholder=self.tr("at least 8 characters"),
                ),
                FieldSpec("password_again", self.tr("Password again"), "password"),
            ]  # fmt: skip
        )
        self.messages = MessageBar()
        self.admin_page = self._page(
            self.tr("The first administrator"),
            self.tr(
                "The administrator adds the other users (registrars, doctors, managers) "
                "and the clinic's directories."
            ),
            self.admin_form,
            self.messages,
        )
        self.clinic_id = self.addPage(self.clinic_page)
        self.admin_id = self.addPage(self.admin_page)
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("Set up"))
        self.resize(640, 560)

    def _page(self, title: str, text: str, form: FieldForm, *extra: QWidget) -> _CheckedPage:
        page = _CheckedPage()
        page.setTitle(title)
        note = QLabel(text)
        note.setWordWrap(True)
        layout = QVBoxLayout(page)
        layout.addWidget(note)
        layout.addWidget(form)
        for widget in extra:
            layout.addWidget(widget)
        layout.addStretch(1)
        return page

    def _check_clinic(self) -> bool:
        """The clinic's page checked before «Next» (no database: the rules of its fields);
        every bad field named under itself, a good phone shown as it will be stored."""
        try:
            cleaned = profile.clean_profile(profile_fields.typed(self.clinic_form))
        except FormInvalid as exc:
            self.clinic_form.show_problems(exc.problems)
            return False
        self.clinic_form.clear_problems()
        if cleaned.phone:
            self.clinic_form.set_value("phone", cleaned.phone)
        return True

    def admin(self) -> AdminForm:
        """The administrator as typed."""
        values = self.admin_form.values()
        return AdminForm(**{field: values[field] for field in ADMIN_FIELDS})

    def accept(self) -> None:  # Qt's name: «Set up» was pressed
        """Store the clinic and its administrator; the wizard closes once they are."""
        if self.saving:
            return
        self.saving = True
        self.button(QWizard.WizardButton.FinishButton).setEnabled(False)
        self.messages.clear()
        self._runner.submit(
            setup.set_up,
            self._sessions,
            profile_fields.typed(self.clinic_form),
            self.admin(),
            on_success=self._done,
            on_error=self._refused,
            owner=self,
        )

    def _done(self, _stored: profile.ClinicProfile) -> None:
        self.saving = False
        login = self.admin().login.strip()
        super().accept()
        self.set_up.emit(login)

    def _refused(self, error: BaseException, message: str) -> None:
        self.saving = False
        self.button(QWizard.WizardButton.FinishButton).setEnabled(True)
        if not isinstance(error, FormInvalid):
            self.messages.show_message("error", message)
            return
        clinic_problems = [p for p in error.problems if p.field in profile.FIELDS]
        admin_problems = [p for p in error.problems if p.field in ADMIN_FIELDS]
        self.clinic_form.show_problems(clinic_problems)
        self.admin_form.show_problems(admin_problems)
        if clinic_problems:
            while self.currentId() != self.clinic_id:
                self.back()
            self.clinic_form.show_problems(clinic_problems)  # focus the first again
        else:
            self.messages.show_message("error", message)
