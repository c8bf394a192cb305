"""The directory of issuing organisations: browse, correct, add and remove.

The search box filters the table 250 ms after the last key (the start of the name, a
word in it, or the first digits of the ОГРН). The form beside the table shows the
chosen organisation; «Save» (Ctrl+S) corrects it or, after «New», registers a new
one. A refused field is outlined and named in the message bar, and what was typed
stays. «Delete» (the Delete key on the table) asks first in a non-blocking box; an
organisation that referrals name is refused by the controller, which says why.
Roles that may not register referrals see the directory read-only.

Keyboard: Enter in the search moves to the table, Enter on a row to the form.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication, QModelIndex, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from crm.controllers.access.permissions import Permission, allowed
from crm.controllers.errors import DomainError
from crm.controllers.referrals import organisations
from crm.controllers.referrals.organisations import Organisation
from crm.controllers.vocabulary import role_title
from crm.views import AppContext
from crm.views.itemmodels.table import Index, RowTableModel
from crm.views.itemmodels.views import row_table, select_row
from crm.views.patients.message_bar import MessageBar
from crm.views.referrals.organisation_picker import INVALID_STYLE
from crm.views.serial_read import Query, SerialRead

DEBOUNCE_MS = 250
#: How many organisations the table shows at most (the search narrows the rest).
LIST_LIMIT = 200
#: Tables whose changes may change the directory (``*`` = resynchronise everything).
WATCHED = ("issuing_organisation", "*")


class OrganisationsModel(RowTableModel):
    """Organisations as the directory lists them; the record under ``Qt.UserRole``.

    Signals:
        The standard ones of :class:`QAbstractTableModel`.
    """

    NAME, OGRN, ADDRESS = range(3)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[Organisation] = []

    def header_labels(self) -> Sequence[str]:
        return [
            QCoreApplication.translate("OrganisationsModel", "Name"),
            QCoreApplication.translate("OrganisationsModel", "ОГРН"),
            QCoreApplication.translate("OrganisationsModel", "Address"),
        ]

    def row_of(self, organisation_id: int) -> int | None:
        """The row showing ``organisation_id``, if shown."""
        return next((n for n, o in enumerate(self._rows) if o.id == organisation_id), None)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        organisation = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return (organisation.name, organisation.ogrn, organisation.address or "")[
                index.column()
            ]
        if role == Qt.ItemDataRole.UserRole:
            return organisation
        return None


class OrganisationsTab(QWidget):
    """The issuing organisations' directory with its edit form.

    Args:
        context: the logged-in user's context.
        parent: the Qt parent.

    Signals:
        loaded(): the table was (re)read from the database.
        saved(object): an organisation was registered or corrected (:class:`Organisation`).
        removed(int): an organisation was removed (its id).
    """

    loaded = Signal()
    saved = Signal(object)
    removed = Signal(int)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("organisationsTab")
        self._context = context
        self._reader = SerialRead(context, self, self._query, self._show, self._failed)
        self.may_edit = allowed(context.actor, Permission.REGISTER_REFERRALS)
        #: The organisation in the form; ``None`` while a new one is typed.
        self.current: Organisation | None = None
        self._select_next: int | None = None
        self.confirm_box: QMessageBox | None = None
        #: True while a save is on the runner (a second Ctrl+S waits for it).
        self.saving = False

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.refresh)
        self.search = QLineEdit()
        self.search.setObjectName("organisationsSearch")
        self.search.setPlaceholderText(self.tr("Name, a word of it, or the first digits of ОГРН"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._search_changed)
        self.search.returnPressed.connect(self.focus_table)
        self.count_label = QLabel()
        self.count_label.setObjectName("organisationsCount")

        self.model = OrganisationsModel(self)
        self.table = row_table(self.model, "organisationsTable")
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.table.doubleClicked.connect(lambda _i: self.focus_form())
        self._table_action(("Return", "Enter"), self.focus_form)
        self._table_action(("Delete",), self.ask_delete)

        self.name = QLineEdit()
        self.name.setObjectName("organisationName")
        self.name.setPlaceholderText(self.tr("exactly as on the document"))
        self.ogrn = QLineEdit()
        self.ogrn.setObjectName("organisationOgrn")
        self.ogrn.setPlaceholderText(self.tr("13 digits"))
        self.address = QLineEdit()
        self.address.setObjectName("organisationAddress")
        self.fields = {"name": self.name, "ogrn": self.ogrn, "address": self.address}
        for field in self.fields.values():
            field.returnPressed.connect(self.save)
        self.new_button = self._button(self.tr("New"), "organisationNew", self.new)
        self.save_button = self._button(self.tr("Save (Ctrl+S)"), "organisationSave", self.save)
        self.delete_button = self._button(self.tr("Delete"), "organisationDelete", self.ask_delete)
        save_action = QAction(self)
        save_action.setShortcut(QKeySequence("Ctrl+S"))
        save_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        save_action.triggered.connect(self.save)
        self.addAction(save_action)
        self.form_title = QLabel()
        self.form_title.setObjectName("organisationFormTitle")
        if not self.may_edit:
            why = self.tr("Your role ({role}) may not change the directory").format(
                role=role_title(context.actor.role)
            )
            for field in self.fields.values():
                field.setReadOnly(True)
            for button in (self.new_button, self.save_button, self.delete_button):
                button.setToolTip(why)

        box = QGroupBox(self.tr("Organisation"))
        form = QFormLayout(box)
        form.addRow(self.form_title)
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("ОГРН"), self.ogrn)
        form.addRow(self.tr("Address"), self.address)
        buttons = QHBoxLayout()
        for button in (self.new_button, self.save_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        form.addRow(buttons)
        self.messages = MessageBar()
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.count_label)
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

        if context.events is not None:
            context.events.changed.connect(self._on_change)
        self._fill_form(None)

    def _button(self, text: str, name: str, slot: Any) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        return button

    def _table_action(self, keys: Sequence[str], slot: Any) -> None:
        action = QAction(self.table)
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        action.triggered.connect(slot)
        self.table.addAction(action)

    # --- reading ----------------------------------------------------------------------

    @property
    def loading(self) -> bool:
        """True while the table is being read."""
        return self._reader.loading

    def activate(self) -> None:
        """The tab came to the front: read the directory (the desk may have added to it)."""
        self.refresh()

    def _search_changed(self, _text: str) -> None:
        # «Saved» was about the list before the search: it goes with it.
        if self.messages.kind == "done":
            self.messages.clear()
        self._debounce.start()

    def refresh(self) -> None:
        """Read the table again with the search as typed (one read at a time)."""
        self._debounce.stop()
        self._reader.request()

    def _query(self) -> Query:
        context = self._context
        return (
            organisations.search_organisations,
            (context.database.sessions, context.actor, self.search.text()),
            {"limit": LIST_LIMIT},
        )

    def _show(self, rows: list[Organisation]) -> None:
        wanted = self._select_next or (self.current.id if self.current else None)
        self._select_next = None
        self.model.set_rows(rows)
        self.table.resizeColumnToContents(OrganisationsModel.OGRN)
        if self.table.columnWidth(OrganisationsModel.NAME) < 320:
            self.table.setColumnWidth(OrganisationsModel.NAME, 320)
        row = self.model.row_of(wanted) if wanted is not None else None
        if row is not None:
            select_row(self.table, row)
            self.table.scrollTo(self.table.currentIndex())
        text = self.tr("Organisations: {n}").format(n=len(rows))
        if len(rows) >= LIST_LIMIT:
            text = self.tr("First {n} shown: type to narrow").format(n=LIST_LIMIT)
        self.count_label.setText(text)
        self.loaded.emit()

    def _failed(self, message: str) -> None:
        self.messages.show_message("error", message)
        self.loaded.emit()

    @Slot(dict)
    def _on_change(self, event: dict) -> None:
        if event.get("table") in WATCHED:
            self._debounce.start()

    # --- the form ---------------------------------------------------------------------

    def selected(self) -> Organisation | None:
        """The organisation of the current row."""
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return  # the table was re-read: the form keeps what it shows
        organisation = self.model.row_at(current.row())
        if self.current is None or organisation.id != self.current.id or not self.modified():
            if self.messages.kind == "error" and organisation != self.current:
                self.messages.clear()  # the refusal was about the form just left
            self._fill_form(organisation)

    def modified(self) -> bool:
        """Whether the form differs from the organisation it shows (or a new one is typed)."""
        shown = self.current
        if shown is None:
            return any(field.text().strip() for field in self.fields.values())
        return (self.name.text(), self.ogrn.text(), self.address.text()) != (
            shown.name, shown.ogrn, shown.address or "",
        )  # fmt: skip

    def _fill_form(self, organisation: Organisation | None) -> None:
        self.current = organisation
        self._clear_outlines()
        self.name.setText(organisation.name if organisation else "")
        self.ogrn.setText(organisation.ogrn if organisation else "")
        self.address.setText((organisation.address or "") if organisation else "")
        self.form_title.setText(
            self.tr("New organisation") if organisation is None else self.tr("Correcting")
        )
        self.new_button.setEnabled(self.may_edit)
        self.save_button.setEnabled(self.may_edit and not self.saving)
        self.delete_button.setEnabled(self.may_edit and organisation is not None)

    def _clear_outlines(self) -> None:
        for field in self.fields.values():
            field.setStyleSheet("")

    def focus_table(self) -> None:
        """Move to the table, on its first row when none is chosen."""
        if self.model.rowCount() and not self.table.currentIndex().isValid():
            select_row(self.table, 0)
        self.table.setFocus()

    def focus_form(self) -> None:
        """Move to the form's first field (Enter on a row)."""
        self.name.setFocus()
        self.name.selectAll()

    # --- actions ----------------------------------------------------------------------

    def new(self) -> None:
        """Empty the form for a new organisation."""
        if not self.may_edit:
            return
        self.table.clearSelection()
        self.table.setCurrentIndex(QModelIndex())
        self._fill_form(None)
        self.messages.clear()
        self.name.setFocus()

    def save(self) -> None:
        """Register the new organisation, or correct the one in the form."""
        if not self.may_edit or self.saving:
            return
        self._clear_outlines()
        context = self._context
        name, ogrn, address = self.name.text(), self.ogrn.text(), self.address.text() or None
        created = self.current is None
        args: tuple[Any, ...] = (context.database.sessions, context.actor)
        if self.current is None:
            function: Any = organisations.create_organisation
        else:
            function, args = organisations.update_organisation, (*args, self.current.id)
        self.saving = True
        self.save_button.setEnabled(False)
        context.runner.submit(
            function, *args, name=name, ogrn=ogrn, address=address,
            on_success=lambda organisation: self._saved(organisation, created),
            on_error=self._save_refused, owner=self,
        )  # fmt: skip

    def _saved(self, organisation: Organisation, created: bool) -> None:
        self.saving = False
        self._fill_form(organisation)
        text = self.tr("«{name}» added to the directory") if created else self.tr("«{name}» saved")
        self.messages.show_message("done", text.format(name=organisation.name))
        self._select_next = organisation.id
        self.saved.emit(organisation)
        self.refresh()

    def _save_refused(self, error: BaseException, message: str) -> None:
        self.saving = False
        self.save_button.setEnabled(self.may_edit)
        field = self.fields.get(error.field or "") if isinstance(error, DomainError) else None
        if field is not None:
            field.setStyleSheet(INVALID_STYLE)
            field.setFocus()
        self.messages.show_message("error", message)

    def ask_delete(self) -> None:
        """Ask (non-blocking) before removing the organisation in the form."""
        organisation = self.current
        if not self.may_edit or organisation is None:
            return
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("Remove the organisation"))
        box.setText(
            self.tr("Remove «{name}» (ОГРН {ogrn}) from the directory?").format(
                name=organisation.name, ogrn=organisation.ogrn
            )
        )
        remove = box.addButton(self.tr("Remove"), QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton(self.tr("Keep"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        box.finished.connect(lambda _r: self._answered(box, remove, organisation))
        self.confirm_box = box
        box.open()

    def _answered(self, box: QMessageBox, remove: QPushButton, organisation: Organisation) -> None:
        confirmed = box.clickedButton() is remove
        if self.confirm_box is box:
            self.confirm_box = None
        box.deleteLater()
        if confirmed:
            self.delete(organisation)

    def delete(self, organisation: Organisation) -> None:
        """Remove ``organisation`` (refused when referrals name it)."""
        context = self._context
        context.runner.submit(
            organisations.delete_organisation, context.database.sessions, context.actor,
            organisation.id, on_success=lambda _r: self._deleted(organisation),
            on_failure=lambda message: self.messages.show_message("error", message), owner=self,
        )  # fmt: skip

    def _deleted(self, organisation: Organisation) -> None:
        if self.current is not None and self.current.id == organisation.id:
            self._fill_form(None)
        self.messages.show_message(
            "done", self.tr("«{name}» removed from the directory").format(name=organisation.name)
        )
        self.removed.emit(organisation.id)
        self.refresh()
