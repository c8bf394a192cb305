"""«Медицинские документы» on the clinic's tab: the largest file a card takes (MB).

An administrator changes it (journaled by the controller); others see it read-only.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QPushButton, QSpinBox, QWidget

from crm.controllers.access.permissions import Permission, allowed
from crm.controllers.medical import documents
from crm.views import AppContext
from crm.views.patients.fields import PROBLEM_COLOUR


class DocumentLimitBox(QGroupBox):
    """The size limit of medical documents, with «Save» for administrators.

    Signals:
        loaded(int): the limit was read (megabytes).
        saved(int): the limit was stored (megabytes).
    """

    loaded = Signal(int)
    saved = Signal(int)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Medical documents"), parent)
        self.setObjectName("documentLimitBox")
        self._context = context
        self.may_edit = allowed(context.actor, Permission.MANAGE_SETTINGS)
        self.megabytes = QSpinBox()
        self.megabytes.setObjectName("documentLimit")
        self.megabytes.setRange(1, documents.MAX_LIMIT_MB)
        self.megabytes.setValue(documents.DEFAULT_LIMIT_MB)
        self.megabytes.setSuffix(self.tr(" MB"))
        self.megabytes.setReadOnly(not self.may_edit)
        self.save_button = QPushButton(self.tr("Save the limit"))
        self.save_button.setObjectName("documentLimitSave")
        self.save_button.setAutoDefault(False)
        self.save_button.setVisible(self.may_edit)
        self.save_button.clicked.connect(self.save)
        self.message = QLabel()
        self.message.setObjectName("documentLimitMessage")
        self.message.setStyleSheet(f"color: {PROBLEM_COLOUR};")
        layout = QHBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Largest file attached to a card:")))
        layout.addWidget(self.megabytes)
        layout.addWidget(self.save_button)
        layout.addWidget(self.message, 1)

    def refresh(self) -> None:
        """Read the limit."""
        self._context.runner.submit(
            documents.size_limit_mb, self._context.database.sessions, self._context.actor,
            on_success=self._show, on_failure=self.message.setText, owner=self,
        )  # fmt: skip

    def _show(self, megabytes: int) -> None:
        self.megabytes.setValue(megabytes)
        self.loaded.emit(megabytes)

    def save(self) -> None:
        """Store the limit as set."""
        if not self.may_edit:
            return
        self.message.clear()
        self._context.runner.submit(
            documents.set_size_limit, self._context.database.sessions, self._context.actor,
            self.megabytes.value(),
            on_success=self._saved, on_failure=self.message.setText, owner=self,
        )  # fmt: skip

    def _saved(self, megabytes: int) -> None:
        self.megabytes.setValue(megabytes)
        self.saved.emit(megabytes)
