"""The «Clinic» tab: the clinic's own details, printed on tickets, day lists and notices.

An administrator changes them; a manager sees them read-only.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from crm.controllers.access.permissions import Permission, allowed
from crm.controllers.clinic import profile
from crm.controllers.clinic.profile import ClinicProfile
from crm.controllers.errors import FormInvalid
from crm.views import AppContext
from crm.views.controls import save_row
from crm.views.directories.telemedicine_box import TelemedicineBox
from crm.views.medical.limit_box import DocumentLimitBox
from crm.views.patients.message_bar import MessageBar
from crm.views.setup import profile_fields


class ClinicTab(QWidget):
    """The clinic's details with «Save» for administrators.

    Args:
        context: the logged-in user's context.
        parent: the Qt parent.

    Signals:
        loaded(): the details were read.
        saved(object): they were saved (:class:`ClinicProfile`).
    """

    loaded = Signal()
    saved = Signal(object)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("clinicTab")
        self.title = self.tr("Clinic")
        self._context = context
        self.may_edit = allowed(context.actor, Permission.MANAGE_SETTINGS)
        self.stored: ClinicProfile | None = None
        self.form = profile_fields.profile_form()
        self.form.set_read_only(not self.may_edit)
        self.form.submitted.connect(self.save)
        self.messages = MessageBar()
        note = QLabel(
            self.tr("Tickets, day lists, receipts and notices print these details.")
            if self.may_edit
            else self.tr("Only an administrator changes the clinic's details.")
        )
        note.setWordWrap(True)
        self.save_button, buttons = save_row(self, "clinicSave", self.save, visible=self.may_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.messages)
        layout.addWidget(self.form)
        layout.addLayout(buttons)
        self.documents_limit = DocumentLimitBox(context)  # crm/views/medical/
        layout.addWidget(self.documents_limit)
        self.telemedicine = TelemedicineBox(context)
        layout.addWidget(self.telemedicine)
        layout.addStretch(1)

    def activate(self) -> None:
        """The tab came to the front: read the details."""
        self.refresh()

    def refresh(self) -> None:
        """Read the clinic's details."""
        self.documents_limit.refresh()
        self.telemedicine.refresh()
        self._context.runner.submit(
            profile.read_profile,
            self._context.database.sessions,
            on_success=self._show,
            on_failure=lambda m: self.messages.show_message("error", m),
            owner=self,
        )

    def _show(self, stored: ClinicProfile | None) -> None:
        if not self.has_unsaved_changes():
            self.stored = stored
            profile_fields.show(self.form, stored)
        self.loaded.emit()

    def has_unsaved_changes(self) -> bool:
        """Whether the form differs from what is stored."""
        if self.stored is None:
            return False
        shown = profile_fields.typed(self.form)
        return shown != profile_fields.typed_of(self.stored)

    def save(self) -> None:
        """Store the details as typed."""
        if not self.may_edit:
            return
        self.save_button.setEnabled(False)
        self._context.runner.submit(
            profile.save_profile, self._context.database.sessions, self._context.actor,
            profile_fields.typed(self.form),
            on_success=self._saved, on_error=self._refused, owner=self,
        )  # fmt: skip

    def _saved(self, stored: ClinicProfile) -> None:
        self.save_button.setEnabled(True)
        self.stored = stored
        profile_fields.show(self.form, stored)
        self.messages.show_message("done", self.tr("The clinic's details are saved"))
        self.saved.emit(stored)

    def _refused(self, error: BaseException, message: str) -> None:
        self.save_button.setEnabled(True)
        if isinstance(error, FormInvalid):
            self.form.show_problems(error.problems)
        self.messages.show_message("error", message)
