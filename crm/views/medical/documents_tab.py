"""The card's «Медкарта» tab: the patient's documents, attaching, preview, copy, withdrawal.

Everyone who finds patients sees the list (kind, date, title, size, who attached it);
a doctor or a manager selects a row to see the contents beside it (each opening is
journaled by the controller), opens it in the system's viewer, saves a copy, or
withdraws it with a reason. Files come by the file dialog (opened with ``open()``,
never blocking) or dropped onto the tab; :meth:`DocumentsTab.attach_file` is what
both call. Every database call goes through the runner.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from crm.controllers.errors import ValidationError
from crm.controllers.medical import documents
from crm.controllers.medical.documents import AppointmentChoice, DocumentRow, OpenedDocument
from crm.controllers.validation import format_date, parse_date
from crm.controllers.vocabulary import document_kind_title
from crm.models.enums import DocumentKind
from crm.views import AppContext
from crm.views.medical.documents_model import DocumentsModel
from crm.views.medical.preview import DocumentPreview
from crm.views.patients.fields import DATE_MASK, PROBLEM_COLOUR, MaskedEdit


class DocumentsTab(QWidget):
    """One patient's medical documents.

    Args:
        context: the logged-in user's context.
        parent: the Qt parent.

    Signals:
        loaded(): the list was (re)read.
        attached(int): a document was attached (its id).
        previewed(int): a document's contents are shown (its id).
        saved(str): a copy was written (its path).
        withdrawn(int): a document was withdrawn (its id).
    """

    loaded = Signal()
    attached = Signal(int)
    previewed = Signal(int)
    saved = Signal(str)
    withdrawn = Signal(int)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("documentsTab")
        self._context = context
        self._patient_id: int | None = None
        self._opened: OpenedDocument | None = None
        self._busy = False
        self.may_open = documents.may_open(context.actor)
        self.may_attach = documents.may_attach(context.actor)

        self.model = DocumentsModel(self)
        self.table = QTableView()
        self.table.setObjectName("documentsTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.model.modelReset.connect(self.table.resizeColumnsToContents)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)

        self.preview = DocumentPreview()
        self.preview.open_requested.connect(self.open_outside)
        if not self.may_open:
            self.preview.show_message(
                self.tr("Only doctors and managers see the contents of medical documents"),
                can_open=False,
            )

        # Attaching (doctors and managers).
        self.kind = QComboBox()
        self.kind.setObjectName("documentKind")
        for kind in DocumentKind:
            self.kind.addItem(document_kind_title(kind), kind.value)
        self.date = MaskedEdit(DATE_MASK, date=True)
        self.date.setObjectName("documentDate")
        self.date.setMaximumWidth(110)
        self.appointment = QComboBox()
        self.appointment.setObjectName("documentAppointment")
        self.appointment.addItem(self.tr("no appointment"), None)
        self.attach_button = QPushButton(self.tr("Attach a file…"))
        self.attach_button.setObjectName("attachDocument")
        self.attach_button.clicked.connect(self.choose_file)
        self.drop_hint = QLabel(self.tr("or drop files here"))

        # Acting on the selected document.
        self.open_button = QPushButton(self.tr("Open"))
        self.open_button.setObjectName("openDocument")
        self.open_button.clicked.connect(self.open_outside)
        self.save_button = QPushButton(self.tr("Save a copy…"))
        self.save_button.setObjectName("saveDocument")
        self.save_button.clicked.connect(self.choose_copy_path)
        self.reason = QLineEdit()
        self.reason.setObjectName("withdrawReason")
        self.reason.setPlaceholderText(self.tr("Reason for withdrawal"))
        self.withdraw_button = QPushButton(self.tr("Withdraw"))
        self.withdraw_button.setObjectName("withdrawDocument")
        self.withdraw_button.clicked.connect(self.withdraw_selected)

        self.message = QLabel()
        self.message.setObjectName("documentsMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(f"color: {PROBLEM_COLOUR};")

        splitter = QSplitter()
        splitter.addWidget(self.table)
        splitter.addWidget(self.preview)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        attach_row = QHBoxLayout()
        for widget in (self.kind, self.date, self.appointment, self.attach_button, self.drop_hint):
            attach_row.addWidget(widget)
        attach_row.addStretch(1)
        layout.addLayout(attach_row)
        act_row = QHBoxLayout()
        acting: tuple[QWidget, ...] = (
            self.open_button,
            self.save_button,
            self.reason,
            self.withdraw_button,
        )
        for action in acting:
            act_row.addWidget(action)
        layout.addLayout(act_row)
        layout.addWidget(self.message)

        attaching: tuple[QWidget, ...] = (
            self.kind,
            self.date,
            self.appointment,
            self.attach_button,
            self.drop_hint,
        )
        for control in attaching:
            control.setVisible(self.may_attach)
        self.reason.setVisible(self.may_attach)
        self.withdraw_button.setVisible(self.may_attach)
        self.open_button.setVisible(self.may_open)
        self.save_button.setVisible(self.may_open)
        self.setAcceptDrops(self.may_attach)
        self._update_buttons()
        if context.events is not None:
            context.events.changed.connect(self._on_change)

    def _on_change(self, event: dict[str, Any]) -> None:
        """Another desk attached or withdrew one of this patient's documents."""
        if (
            self._patient_id is not None
            and event.get("table") == "medical_document"
            and event.get("patient_id") == self._patient_id
        ):
            self.refresh()

    # --- reading ------------------------------------------------------------------

    @property
    def patient_id(self) -> int | None:
        return self._patient_id

    def show_patient(self, patient_id: int) -> None:
        """Show ``patient_id``'s documents (and read them)."""
        changed = patient_id != self._patient_id
        self._patient_id = patient_id
        if changed:
            self._opened = None
            if self.may_open:
                self.preview.show_message(
                    self.tr("Select a document to see it here"), can_open=False
                )
            if not self.date.value():
                self.date.set_value(format_date(self._context.actor.clinic_today()))
            if self.may_attach:
                self._submit(
                    documents.appointment_choices, patient_id, on_success=self._set_choices
                )
        self.refresh()

    def refresh(self) -> None:
        """Read the list again."""
        if self._patient_id is None:
            return
        self._submit(documents.list_documents, self._patient_id, on_success=self._on_listed)

    def _submit(
        self, fn: Callable[..., Any], *args: Any, on_success: Callable[[Any], None], **kwargs: Any
    ) -> None:
        self._context.runner.submit(
            fn,
            self._context.database.sessions,
            self._context.actor,
            *args,
            on_success=on_success,
            on_failure=self._on_failed,
            owner=self,
            **kwargs,
        )

    def _on_listed(self, rows: list[DocumentRow]) -> None:
        if rows and rows[0].patient_id != self._patient_id:
            return
        selected = self.selected()
        self.model.set_rows(rows)
        if selected is not None:
            for position, row in enumerate(rows):
                if row.id == selected.id:
                    self.table.selectRow(position)
        self._update_buttons()
        self.loaded.emit()

    def _set_choices(self, choices: list[AppointmentChoice]) -> None:
        self.appointment.clear()
        self.appointment.addItem(self.tr("no appointment"), None)
        for choice in choices:
            label = f"{choice.starts_at:%d.%m.%Y %H:%M} {choice.doctor}"
            self.appointment.addItem(label, choice.id)

    def _on_failed(self, message: str) -> None:
        self._busy = False
        self.message.setText(message)
        self._update_buttons()
        self.loaded.emit()

    def selected(self) -> DocumentRow | None:
        """The document selected in the list."""
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _update_buttons(self) -> None:
        row = self.selected()
        self.open_button.setEnabled(row is not None and not self._busy)
        self.save_button.setEnabled(row is not None and not self._busy)
        live = row is not None and not row.withdrawn
        self.withdraw_button.setEnabled(live and not self._busy)
        self.reason.setEnabled(live)

    def _selection_changed(self) -> None:
        self._update_buttons()
        row = self.selected()
        if row is None or not self.may_open:
            return
        if self._opened is not None and self._opened.row.id == row.id:
            return
        self.preview.show_message(self.tr("Reading…"), can_open=False)
        self._submit(documents.open_document, row.id, on_success=self._on_opened)

    def _on_opened(self, opened: OpenedDocument) -> None:
        current = self.selected()
        if current is None or current.id != opened.row.id:
            return
        self._opened = opened
        self.preview.show_contents(opened.row.mime_type, opened.data)
        self.previewed.emit(opened.row.id)

    # --- attaching ----------------------------------------------------------------

    def choose_file(self) -> None:
        """The file dialog (not blocking); the chosen file is attached."""
        dialog = QFileDialog(self, self.tr("Attach a file"))
        dialog.setObjectName("attachDialog")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
        dialog.setNameFilters(
            [
                self.tr("Documents (*.pdf *.jpg *.jpeg *.png *.dcm *.doc *.docx *.xls *.xlsx "
                        "*.odt *.ods *.rtf)"),
                self.tr("All files (*)"),
            ]
        )  # fmt: skip
        dialog.filesSelected.connect(self._attach_files)
        dialog.open()

    def _attach_files(self, paths: list[str]) -> None:
        for path in paths:
            self.attach_file(Path(path))

    def attach_file(self, path: Path) -> None:
        """Attach ``path`` with the kind, date and appointment chosen below the list."""
        if self._patient_id is None or not self.may_attach:
            return
        try:
            day = parse_date(self.date.value(), "document_date", label=self.tr("Document date"))
        except ValidationError as exc:
            self.message.setText(exc.message)
            self.date.setFocus()
            return
        self.message.clear()
        self._submit(
            documents.attach,
            self._patient_id,
            path,
            kind=DocumentKind(self.kind.currentData()),
            document_date=day,
            appointment_id=self.appointment.currentData(),
            on_success=self._on_attached,
        )

    def _on_attached(self, row: DocumentRow) -> None:
        self.attached.emit(row.id)
        self.refresh()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # Qt's name
        if self.may_attach and event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # Qt's name
        for url in event.mimeData().urls():
            if url.isLocalFile():
                self.attach_file(Path(url.toLocalFile()))
        event.acceptProposedAction()

    # --- the selected document ----------------------------------------------------

    def choose_copy_path(self) -> None:
        """The save dialog (not blocking); a copy is written where chosen."""
        row = self.selected()
        if row is None:
            return
        dialog = QFileDialog(self, self.tr("Save a copy"))
        dialog.setObjectName("saveCopyDialog")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.selectFile(row.file_name)
        dialog.fileSelected.connect(lambda path: self.save_copy(Path(path)))
        dialog.open()

    def save_copy(self, target: Path) -> None:
        """Write the selected document's contents to ``target`` (on the runner)."""
        row = self.selected()
        if row is None:
            return
        self._busy = True
        self._update_buttons()
        self._submit(
            documents.save_copy,
            row.id,
            target,
            on_success=lambda _row: self._on_saved(str(target)),
        )

    def _on_saved(self, path: str) -> None:
        self._busy = False
        self._update_buttons()
        self.message.clear()
        self.saved.emit(path)

    def open_outside(self) -> None:
        """Open the selected document in the system's viewer (a copy in a temporary folder)."""
        row = self.selected()
        if row is None or not self.may_open:
            return
        target = Path(tempfile.mkdtemp(prefix="crm-document-")) / row.file_name
        self._busy = True
        self._update_buttons()
        self._submit(
            documents.save_copy,
            row.id,
            target,
            on_success=lambda _row: self._open_saved(target),
        )

    def _open_saved(self, target: Path) -> None:
        self._on_saved(str(target))
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(target)))

    def withdraw_selected(self) -> None:
        """Withdraw the selected document with the reason typed beside the button."""
        row = self.selected()
        if row is None:
            return
        if not self.reason.text().strip():
            self.message.setText(self.tr("Reason: say why the document is withdrawn"))
            self.reason.setFocus()
            return
        self._submit(documents.withdraw, row.id, self.reason.text(), on_success=self._on_withdrawn)

    def _on_withdrawn(self, row: DocumentRow) -> None:
        self.reason.clear()
        self.message.clear()
        self.withdrawn.emit(row.id)
        self.refresh()
