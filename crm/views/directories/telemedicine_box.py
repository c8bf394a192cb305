"""«Видеосвязь» on the clinic's tab: the link template remote visits get their room from.

An administrator sets it (checked and journaled by the controller); others read it.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from crm.controllers.access.permissions import Permission, allowed
from crm.controllers.schedule import telemedicine
from crm.views import AppContext
from crm.views.patients.fields import PROBLEM_COLOUR


class TelemedicineBox(QGroupBox):
    """The video provider's link template, with «Save» for administrators.

    Signals:
        loaded(str): the template was read ("" when none is set).
        saved(str): the template was stored.
    """

    loaded = Signal(str)
    saved = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Video consultations"), parent)
        self.setObjectName("telemedicineBox")
        self._context = context
        self.may_edit = allowed(context.actor, Permission.MANAGE_SETTINGS)
        self.template = QLineEdit()
        self.template.setObjectName("telemedicineTemplate")
        self.template.setPlaceholderText("https://meet.clinic.ru/{room}")
        self.template.setToolTip(
            self.tr(
                "Each remote visit booked without a typed link gets its own room: {room} "
                "becomes a random name. Leave empty to type links by hand."
            )
        )
        self.template.setReadOnly(not self.may_edit)
        self.template.returnPressed.connect(self.save)
        self.save_button = QPushButton(self.tr("Save the link"))
        self.save_button.setObjectName("telemedicineSave")
        self.save_button.setAutoDefault(False)
        self.save_button.setVisible(self.may_edit)
        self.save_button.clicked.connect(self.save)
        self.message = QLabel()
        self.message.setObjectName("telemedicineMessage")
        self.message.setStyleSheet(f"color: {PROBLEM_COLOUR};")
        layout = QHBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Video link of remote visits:")))
        layout.addWidget(self.template, 2)
        layout.addWidget(self.save_button)
        layout.addWidget(self.message, 1)

    def refresh(self) -> None:
        """Read the template."""
        self._context.runner.submit(
            telemedicine.link_template, self._context.database.sessions,
            on_success=self._show, on_failure=self.message.setText, owner=self,
        )  # fmt: skip

    def _show(self, template: str) -> None:
        self.template.setText(template)
        self.loaded.emit(template)

    def save(self) -> None:
        """Store the template as typed (what was typed stays if it is refused)."""
        if not self.may_edit:
            return
        self.message.clear()
        self._context.runner.submit(
            telemedicine.set_link_template, self._context.database.sessions,
            self._context.actor, self.template.text(),
            on_success=self._saved, on_failure=self.message.setText, owner=self,
        )  # fmt: skip

    def _saved(self, template: str) -> None:
        self.template.setText(template)
        self.saved.emit(template)
