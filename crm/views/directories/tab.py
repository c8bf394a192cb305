"""One directory on screen: its table and, beside it, the form of the chosen row.

The same tab serves every directory of :mod:`crm.controllers.directories.catalogue`:
the columns make the table's headers and the form's fields. «New» (Ctrl+N) empties
the form, «Save» (Ctrl+S) adds or changes the row, «Deactivate» takes it out of use
(it leaves the pickers and stays in reports and the journal; «Restore» brings it
back). Every refused field is outlined and named under itself, what was typed stays;
a row changed on another desk meanwhile is shown beside the typed one, and the user
keeps theirs or takes the other.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication, QModelIndex, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QBrush, QColor, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from crm.controllers.directories import records
from crm.controllers.directories.records import Directory, DirectoryConflict, DirectoryRow
from crm.controllers.errors import FormInvalid
from crm.views import AppContext
from crm.views.directories.fields import FieldForm, FieldSpec
from crm.views.itemmodels.table import Index, RowTableModel
from crm.views.itemmodels.views import row_table, select_row
from crm.views.patients.message_bar import MessageBar
from crm.views.serial_read import Query, SerialRead

INACTIVE_COLOUR = QColor("#8a8a8a")
#: Columns whose drop-down lists a fixed vocabulary or a reference's keys.
FLAG_COLUMNS = ("is_service", "offers_remote", "oms", "works_on_holidays")


def read_directory(db: Any, actor: Any, directory: Directory) -> tuple[Any, Any]:
    """The rows and the form's choices in one read (runs on the runner)."""
    return records.list_rows(db, actor, directory), records.choices(db, actor, directory)


class DirectoryModel(RowTableModel):
    """A directory's rows; deactivated ones greyed. The row under ``Qt.UserRole``."""

    def __init__(self, directory: Directory, parent: Any = None) -> None:
        super().__init__(parent)
        self.directory = directory
        self._rows: list[DirectoryRow] = []

    def header_labels(self) -> Sequence[str]:
        return [column.title() for column in self.directory.columns]

    def line_of(self, row_id: int) -> int | None:
        """The line showing ``row_id``, if shown."""
        return next((n for n, row in enumerate(self._rows) if row.id == row_id), None)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            text = row.cells.get(self.directory.columns[index.column()].field, "")
            if role == Qt.ItemDataRole.ToolTipRole and not row.active:
                return QCoreApplication.translate("DirectoryModel", "{text} (deactivated)").format(
                    text=text
                )
            return text
        if role == Qt.ItemDataRole.ForegroundRole and not row.active:
            return QBrush(INACTIVE_COLOUR)
        if role == Qt.ItemDataRole.UserRole:
            return row
        return None


class DirectoryTab(QWidget):
    """A directory's table and form.

    Args:
        context: the logged-in user's context (a manager or an administrator).
        directory: which directory.
        parent: the Qt parent.

    Signals:
        loaded(): the table was read.
        saved(object): a row was saved (:class:`DirectoryRow`).
    """

    loaded = Signal()
    saved = Signal(object)

    def __init__(
        self, context: AppContext, directory: Directory, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName(f"directory_{directory.key}")
        self.title = directory.title()
        self._context = context
        self.directory = directory
        self._reader = SerialRead(context, self, self._query, self._show, self._failed)
        #: The row in the form; ``None`` while a new one is typed.
        self.current: DirectoryRow | None = None
        self.saving = False
        self._select_next: int | None = None
        self._refresh_soon = QTimer(self)
        self._refresh_soon.setSingleShot(True)
        self._refresh_soon.setInterval(300)
        self._refresh_soon.timeout.connect(self.refresh)

        self.model = DirectoryModel(directory, self)
        self.table = row_table(self.model, f"table_{directory.key}")
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.table.doubleClicked.connect(lambda _i: self.focus_form())
        self.show_inactive = QCheckBox(self.tr("Show deactivated"))
        self.show_inactive.setChecked(True)
        self.show_inactive.toggled.connect(lambda _on: self._filter_changed())
        self.show_inactive.setVisible(directory.deactivatable)
        self.count = QLabel()

        specs = [
            FieldSpec(
                c.field,
                c.title(),
                "flag" if c.field in FLAG_COLUMNS else ("choice" if c.choices else "text"),
                read_only=not c.editable,
            )
            for c in directory.columns
        ]
        self.form = FieldForm(specs)
        self.form.submitted.connect(self.save)
        self.form_title = QLabel()
        self.form_title.setObjectName("directoryFormTitle")
        self.new_button = self._button(self.tr("New (Ctrl+N)"), "directoryNew", self.new)
        self.save_button = self._button(self.tr("Save (Ctrl+S)"), "directorySave", self.save)
        self.active_button = self._button(self.tr("Deactivate"), "directoryActive", self.toggle)
        self.active_button.setVisible(directory.deactivatable)
        for keys, slot in (("Ctrl+S", self.save), ("Ctrl+N", self.new)):
            action = QAction(self)
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(slot)
            self.addAction(action)

        box = QGroupBox()
        inner = QVBoxLayout(box)
        inner.addWidget(self.form_title)
        scroll = QScrollArea()
        scroll.setWidget(self.form)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        inner.addWidget(scroll, 1)
        buttons = QHBoxLayout()
        for button in (self.new_button, self.save_button, self.active_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        inner.addLayout(buttons)

        self.messages = MessageBar()
        top = self.top_bar = QHBoxLayout()
        top.addWidget(self.show_inactive)
        top.addStretch(1)
        top.addWidget(self.count)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(box)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.messages)
        layout.addWidget(splitter, 1)
        self._last_read: tuple[Sequence[DirectoryRow], dict[str, list[str]]] = ((), {})
        if context.events is not None:
            context.events.changed.connect(self._on_change)
        self._fill(None)

    def _button(self, text: str, name: str, slot: Any) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        return button

    # --- reading ----------------------------------------------------------------------

    @property
    def loading(self) -> bool:
        """True while the table is being read."""
        return self._reader.loading

    def activate(self) -> None:
        """The tab came to the front: read it again."""
        self.refresh()

    def show_row(self, row_id: int) -> None:
        """Choose row ``row_id`` when the table is next read (deactivated ones shown)."""
        self.show_inactive.setChecked(True)  # (shows the last read again: first)
        self._select_next = row_id

    def _filter_changed(self) -> None:
        # «Saved» was about the list before the filter: it goes with it.
        if self.messages.kind == "done":
            self.messages.clear()
        self._show(self._last_read)

    def refresh(self) -> None:
        """Read the directory (one read at a time)."""
        self._reader.request()

    def _query(self) -> Query:
        context = self._context
        return read_directory, (context.database.sessions, context.actor, self.directory), {}

    def _show(self, answer: tuple[Sequence[DirectoryRow], dict[str, list[str]]]) -> None:
        self._last_read = answer
        rows, choices = answer
        self.form.set_choices(choices)
        rows = self.rows_to_show(rows, choices)
        shown = [r for r in rows if r.active or self.show_inactive.isChecked()]
        wanted = self._select_next or (self.current.id if self.current else None)
        self._select_next = None
        self.model.set_rows(shown)
        self.table.resizeColumnsToContents()
        line = self.model.line_of(wanted) if wanted is not None else None
        if line is not None:
            select_row(self.table, line)
        inactive = sum(not r.active for r in rows)
        text = self.tr("Rows: {n}").format(n=len(rows))
        if inactive:
            text += " " + self.tr("({n} deactivated)").format(n=inactive)
        self.count.setText(text)
        self.loaded.emit()

    def rows_to_show(
        self, rows: Sequence[DirectoryRow], _choices: dict[str, list[str]]
    ) -> Sequence[DirectoryRow]:
        """Which of the rows read the table shows (all; a tab may narrow them)."""
        return rows

    def new_row_defaults(self) -> dict[str, str]:
        """What a new row's form starts with (nothing; a tab may prefill fields)."""
        return {}

    def _failed(self, message: str) -> None:
        self.messages.show_message("error", message)
        self.loaded.emit()

    @Slot(dict)
    def _on_change(self, event: dict) -> None:
        if event.get("table") in (self.directory.entity, "*"):
            self._refresh_soon.start()

    # --- the form ---------------------------------------------------------------------

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        row = self.model.row_at(current.row())
        if self.current is None or row.id != self.current.id or not self.modified():
            if self.messages.kind == "error" and row != self.current:
                self.messages.clear()
            self._fill(row)

    def modified(self) -> bool:
        """Whether the form differs from the row it shows (or a new row is typed)."""
        typed = self.form.values()
        if self.current is None:
            defaults = self.new_row_defaults()
            return any(
                v.strip() and v != "нет" and v != defaults.get(field) for field, v in typed.items()
            )
        return any(
            typed.get(field, "") != self.current.cells.get(field, "")
            for field, spec in self.form.specs.items()
            if not spec.read_only
        )

    def has_unsaved_changes(self) -> bool:
        """What the user would lose by leaving (the switch-user guard asks)."""
        return self.modified()

    def _fill(self, row: DirectoryRow | None) -> None:
        self.current = row
        self.form.set_values(row.cells if row is not None else self.new_row_defaults())
        if row is None:
            self.form_title.setText(self.tr("New row"))
        elif row.active:
            self.form_title.setText(self.tr("Editing"))
        else:
            self.form_title.setText(self.tr("Editing a deactivated row"))
        self.active_button.setText(
            self.tr("Restore") if row is not None and not row.active else self.tr("Deactivate")
        )
        self.active_button.setEnabled(row is not None)
        self.save_button.setEnabled(not self.saving)

    def focus_form(self) -> None:
        """Move to the form's first field."""
        next(iter(self.form.inputs.values())).setFocus()

    def new(self) -> None:
        """Empty the form for a new row."""
        self.table.clearSelection()
        self.table.setCurrentIndex(QModelIndex())
        self._fill(None)
        self.messages.clear()
        self.focus_form()

    def save(self, *, version: int | None = None) -> None:
        """Add the typed row, or change the one in the form."""
        if self.saving:
            return
        context = self._context
        row = self.current
        self.saving = True
        self.save_button.setEnabled(False)
        context.runner.submit(
            records.save, context.database.sessions, context.actor, self.directory,
            self.form.values(),
            row_id=row.id if row else None,
            version=version if version is not None else (row.version if row else None),
            on_success=lambda saved: self._saved(saved, row is None),
            on_error=self._refused, owner=self,
        )  # fmt: skip

    def _saved(self, row: DirectoryRow, created: bool) -> None:
        self.saving = False
        self._fill(row)
        text = self.tr("Added to the directory") if created else self.tr("Saved")
        if row.note:  # what followed: visits moved to the holding tray
            text = f"{text}; {row.note}"
        self.messages.show_message("done", text)
        self._select_next = row.id
        self.saved.emit(row)
        self.refresh()

    def _refused(self, error: BaseException, message: str) -> None:
        self.saving = False
        self.save_button.setEnabled(True)
        if isinstance(error, FormInvalid):
            self.form.show_problems(error.problems)
            count = len(error.problems)
            self.messages.show_message(
                "error",
                message
                if count == 1
                else self.tr("{n} fields to correct; the first: {message}").format(
                    n=count, message=message
                ),
            )
        elif isinstance(error, DirectoryConflict) and error.theirs is not None:
            self._show_conflict(error.theirs, message)
        else:
            self.messages.show_message("error", message)

    def _show_conflict(self, theirs: DirectoryRow, message: str) -> None:
        typed = self.form.values()
        differ = [
            self.tr("{field}: there «{theirs}», here «{mine}»").format(
                field=spec.title, theirs=theirs.cells.get(field, ""), mine=typed.get(field, "")
            )
            for field, spec in self.form.specs.items()
            if not spec.read_only and theirs.cells.get(field, "") != typed.get(field, "")
        ]
        self.messages.show_question(
            "warning",
            message + "\n" + "\n".join(differ),
            [
                (self.tr("Save mine"), lambda: self.save(version=theirs.version)),
                (self.tr("Take theirs"), lambda: self._fill(theirs)),
            ],
        )

    def toggle(self) -> None:
        """Deactivate the row in the form, or bring a deactivated one back."""
        row = self.current
        if row is None:
            return
        context = self._context
        context.runner.submit(
            records.set_active, context.database.sessions, context.actor, self.directory,
            row.id, not row.active, version=row.version,
            on_success=self._toggled, on_failure=lambda m: self.messages.show_message("error", m),
            owner=self,
        )  # fmt: skip

    def _toggled(self, row: DirectoryRow) -> None:
        self._fill(row)
        self.messages.show_message(
            "done",
            self.tr("Deactivated: it is no longer offered, history keeps it")
            if not row.active
            else self.tr("Back in use"),
        )
        self._select_next = row.id
        self.refresh()
