"""The Patients section: one search box, the results below it, cards in their own windows.

The registrar types; 250 ms after the last key the search runs on the runner (never
on the GUI thread). Only one search is on the runner at a time: keys typed meanwhile
wait for it and then the latest text is searched, and results of a text that is no
longer in the box are dropped. Down goes from the box into the results, Enter opens
the chosen card (in the box: the first one), Ctrl+N a new card with the typed name,
Ctrl+F the nearest free time of a specialty for the chosen patient.
"""

from __future__ import annotations

from pathlib import Path

import shiboken6
from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from crm.controllers.access.permissions import Permission, allowed
from crm.controllers.patients.search import SearchPage, search_patients
from crm.views import AppContext
from crm.views.patients.card_editor import CardEditor
from crm.views.patients.card_windows import CardWindows
from crm.views.patients.form_rules import name_prefill
from crm.views.patients.import_dialog import ImportDialog
from crm.views.patients.search_model import PatientSearchModel
from crm.views.printing.scan import TicketScanner
from crm.views.schedule.next_free import (
    NEXT_FREE_KEYS,
    NextFreeDialog,
    booked_text,
    may_search,
    open_next_free,
)

PAGE_SIZE = 50
DEBOUNCE_MS = 250


class PatientsPage(QWidget):
    """Search for patients and open their cards.

    Args:
        context: the logged-in user's context.
        parent: the Qt parent.

    Signals:
        searched(int): a search's first page arrived and is shown; carries the rows shown.
        editor_opened(CardEditor): a card window was opened (or brought to the front).
        import_opened(ImportDialog): an import dialog was opened for a chosen file.
    """

    searched = Signal(int)
    editor_opened = Signal(object)
    import_opened = Signal(object)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.title = self.tr("Patients")
        self.may_create = allowed(context.actor, Permission.EDIT_PATIENTS)
        self.windows = CardWindows(context, self)
        self.windows.opened.connect(self.editor_opened)
        self.windows.saved.connect(self._on_saved)
        self.windows.closed.connect(self._editor_closed)
        self._generation = 0
        self._in_flight = False
        self._pending = False  # the text changed while a search was running
        self._stale = False
        self._keep_id: int | None = None  # the row to select again after a re-query
        self._searched_text = ""
        self._open_first = False  # Enter was pressed before the results came
        # A barcode scanner types a ticket's code and Enter into the search box.
        self.scanner = TicketScanner(context, self)
        self.scanner.open_patient.connect(self.open_card)

        heading = QLabel(self.title)
        heading.setObjectName("pageTitle")
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        heading.setFont(font)

        self.search_box = QLineEdit()
        self.search_box.setObjectName("patientSearch")
        self.search_box.setPlaceholderText(
            self.tr("Last name, «Ivanov I P», birth date, phone, SNILS, ENP")
        )
        self.search_box.setClearButtonEnabled(True)
        box_font = self.search_box.font()
        box_font.setPointSizeF(box_font.pointSizeF() * 1.25)
        self.search_box.setFont(box_font)
        self.search_box.setMinimumHeight(34)
        self.search_box.textChanged.connect(self._on_text_changed)
        self.search_box.installEventFilter(self)
        self.new_button = QPushButton(self.tr("New patient (Ctrl+N)"))
        self.new_button.setObjectName("newPatient")
        self.new_button.clicked.connect(self.new_patient)
        self.new_button.setVisible(self.may_create)
        self.import_button = QPushButton(self.tr("Import…"))
        self.import_button.setObjectName("importPatients")
        self.import_button.setToolTip(self.tr("Import patients' cards from a CSV or XLSX file"))
        self.import_button.clicked.connect(self.import_from_file)
        self.import_button.setVisible(self.may_create)
        self.import_dialog: ImportDialog | None = None

        self.model = PatientSearchModel(self)
        self.model.more_wanted.connect(self._fetch_more)
        self.table = QTableView()
        self.table.setObjectName("patientResults")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((340, 120, 170, 140)):
            self.table.setColumnWidth(column, width)
        self.table.doubleClicked.connect(lambda index: self.open_row(index.row()))
        self.table.installEventFilter(self)

        self.empty_label = QLabel()
        self.empty_label.setObjectName("emptyResults")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.empty_label.setWordWrap(True)
        self.empty_label.setTextFormat(Qt.TextFormat.RichText)
        self.results = QStackedWidget()
        self.results.addWidget(self.table)
        self.results.addWidget(self.empty_label)
        self.status_label = QLabel()
        self.status_label.setObjectName("searchStatus")

        bar = QHBoxLayout()
        bar.addWidget(self.search_box, 1)
        bar.addWidget(self.new_button)
        bar.addWidget(self.import_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.addWidget(heading)
        layout.addLayout(bar)
        layout.addWidget(self.status_label)
        layout.addWidget(self.results, 1)
        self._show_hint()

        new_action = QAction(self.tr("New patient"), self)
        new_action.setShortcut(QKeySequence.StandardKey.New)
        new_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        new_action.triggered.connect(self.new_patient)
        self.addAction(new_action)
        if may_search(context):
            free_action = QAction(self.tr("Nearest free time"), self)
            free_action.setShortcut(QKeySequence(NEXT_FREE_KEYS))
            free_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            free_action.triggered.connect(self.next_free)
            self.addAction(free_action)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.search_now)
        if context.events is not None:
            context.events.changed.connect(self._on_change)

    # --- page hooks ---------------------------------------------------------------

    @property
    def searching(self) -> bool:
        """True while a search waits for its debounce or runs on the runner."""
        return self._in_flight or self._pending or self._debounce.isActive()

    def activate(self) -> None:
        """The section came to the front: the keyboard goes to the search box."""
        self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_box.selectAll()
        if self._stale:
            self.refresh()

    def refresh(self) -> None:
        """Search the typed text again, keeping the selected patient selected (F5)."""
        self._stale = False
        self._keep_id = self.selected_id()
        self.search_now()

    # --- searching ----------------------------------------------------------------

    def _on_text_changed(self, _text: str) -> None:
        self._keep_id = None
        self._open_first = False
        self._debounce.start()

    def search_now(self) -> None:
        """Run the search for the text in the box now (or after the one running)."""
        self._debounce.stop()
        if self._in_flight:
            self._pending = True
            return
        text = self.search_box.text().strip()
        if self.scanner.is_code(text):
            return  # a scanned ticket: Enter opens its appointment, nothing to search
        self._generation += 1
        generation = self._generation
        if not text:
            self.model.clear(generation)
            self._searched_text = ""
            self._show_hint()
            self.searched.emit(0)
            return
        self._in_flight = True
        limit = max(PAGE_SIZE, self.model.rowCount()) if self._keep_id else PAGE_SIZE
        self._context.runner.submit(
            search_patients,
            self._context.database.sessions,
            self._context.actor,
            self._context.keyring,
            text,
            limit=limit,
            offset=0,
            on_success=lambda page: self._on_first_page(generation, text, page),
            on_failure=lambda message: self._on_search_failed(generation, message),
            owner=self,
        )

    def _follow_up(self) -> bool:
        self._in_flight = False
        if self._pending:
            self._pending = False
            self.search_now()
            return True
        return False

    def _on_first_page(self, generation: int, text: str, page: SearchPage) -> None:
        if self._follow_up() or generation != self._generation:
            return  # the box says something else by now
        self._searched_text = text
        keep = self._keep_id
        self.model.start(generation, page.hits, page.has_more)
        self.status_label.setStyleSheet("")
        if page.hits:
            self.results.setCurrentWidget(self.table)
            row = self.model.row_of(keep) if keep is not None else -1
            self._select(max(row, 0), scroll=row >= 0)
            more = self.tr(", more below") if page.has_more else ""
            self.status_label.setText(
                self.tr("Found: {count}{more}. Enter opens the card, ↓ goes to the list.").format(
                    count=len(page.hits), more=more
                )
            )
        else:
            self._show_nobody()
        self.searched.emit(len(page.hits))
        if self._open_first:
            self._open_first = False
            if page.hits:
                self.open_selected()

    def _on_search_failed(self, generation: int, message: str) -> None:
        if self._follow_up() or generation != self._generation:
            return
        self.status_label.setStyleSheet("color: #c62828;")
        self.status_label.setText(message)
        self.searched.emit(0)

    @Slot(int, int)
    def _fetch_more(self, generation: int, offset: int) -> None:
        text = self._searched_text
        self._context.runner.submit(
            search_patients,
            self._context.database.sessions,
            self._context.actor,
            self._context.keyring,
            text,
            limit=PAGE_SIZE,
            offset=offset,
            on_success=lambda page: self.model.append_page(generation, page.hits, page.has_more),
            on_failure=lambda _message: self.model.fetch_failed(generation),
            owner=self,
        )

    def _show_hint(self) -> None:
        self.status_label.setText("")
        self.empty_label.setText(
            self.tr(
                "Type a last name (typos are forgiven), «Ivanov I P», a birth date "
                "DD.MM.YYYY, a part of the phone number, a SNILS or an ENP."
            )
        )
        self.results.setCurrentWidget(self.empty_label)

    def _show_nobody(self) -> None:
        self.status_label.setText("")
        hint = (
            self.tr("Check the spelling, or create a new card: Ctrl+N.")
            if self.may_create
            else self.tr("Check the spelling.")
        )
        nobody = self.tr("Nobody found")
        self.empty_label.setText(f"<p style='font-size: 14pt'><b>{nobody}</b></p><p>{hint}</p>")
        self.results.setCurrentWidget(self.empty_label)

    @Slot(dict)
    def _on_change(self, event: dict) -> None:
        if event.get("table") != "patient" or not self._searched_text:
            return
        if self.isVisible():
            self._keep_id = self.selected_id()
            self._debounce.start()
        else:
            self._stale = True

    # --- selection and cards ------------------------------------------------------

    def selected_id(self) -> int | None:
        """The patient selected in the results, if any."""
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()).id if rows else None

    def _select(self, row: int, *, scroll: bool = True) -> None:
        if not 0 <= row < self.model.rowCount():
            return
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        if scroll:
            self.table.scrollTo(index)

    def open_row(self, row: int) -> CardEditor | None:
        """Open the card of the patient in results row ``row``."""
        if not 0 <= row < self.model.rowCount():
            return None
        return self.open_card(self.model.row_at(row).id)

    def open_selected(self) -> CardEditor | None:
        """Enter: open the selected card, or the first one when none is selected."""
        rows = self.table.selectionModel().selectedRows()
        return self.open_row(rows[0].row() if rows else 0)

    def open_card(self, patient_id: int) -> CardEditor:
        """Open the card of ``patient_id`` in its window (or bring that window forward)."""
        return self.windows.open_card(patient_id)

    def next_free(self) -> NextFreeDialog | None:
        """Ctrl+F: «Ближайшее свободное» for the selected patient (the first one found)."""
        rows = self.table.selectionModel().selectedRows()
        row = rows[0].row() if rows else 0
        if not 0 <= row < self.model.rowCount():
            self.status_label.setText(self.tr("Find the patient first, then Ctrl+F"))
            return None
        hit = self.model.row_at(row)
        dialog = open_next_free(self._context, hit.id, hit.full_name, self)
        dialog.booked.connect(lambda booked: self.status_label.setText(booked_text(booked)))
        return dialog

    def open_medical_record(self, patient_id: int) -> CardEditor:
        """Open the card of ``patient_id`` on its «Медкарта» tab (a document found)."""
        editor = self.open_card(patient_id)
        editor.tabs.setCurrentWidget(editor.tabs.medical)
        return editor

    def new_patient(self) -> CardEditor | None:
        """Ctrl+N: an empty card, with the name typed in the box if it looks like one."""
        if not self.may_create:
            return None
        return self.windows.new_card(name_prefill(self.search_box.text()))

    def import_from_file(self) -> ImportDialog | None:
        """«Import…»: choose a CSV or XLSX file, check it, then import it in a dialog."""
        if not self.may_create:
            return None
        chosen, _filter = QFileDialog.getOpenFileName(
            self, self.tr("Import patients"), "", self.tr("Tables (*.csv *.xlsx)")
        )
        if not chosen:
            return None
        if self.import_dialog is not None and shiboken6.isValid(self.import_dialog):
            self.import_dialog.close()
        dialog = ImportDialog(self._context, Path(chosen), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.imported.connect(lambda _result: self.refresh())
        self.import_dialog = dialog
        dialog.open()
        dialog.start()
        self.import_opened.emit(dialog)
        return dialog

    def has_unsaved_changes(self) -> bool:
        """Whether a card window holds unsaved changes (asked before logging out)."""
        return self.windows.has_unsaved_changes()

    def _on_saved(self, _patient_id: int) -> None:
        if self._context.events is None and self._searched_text:
            self._keep_id = self.selected_id()
            self.search_now()  # no change notices: show the change ourselves

    def _editor_closed(self) -> None:
        # Back from a card: the next thing typed is the next patient's name. The window
        # is activated explicitly: without a window manager nothing else would, and
        # shortcuts (Ctrl+N, Ctrl+1…6) only work in the active window.
        if self.isVisible():
            self.window().activateWindow()
            self.activate()

    # --- keyboard -----------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # Qt's name
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if watched is self.search_box:
                return self._box_key(event)
            if watched is self.table:
                return self._table_key(event)
        return super().eventFilter(watched, event)

    def _box_key(self, event: QKeyEvent) -> bool:
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.scanner.take(self.search_box.text()):
                self._debounce.stop()
                self.search_box.clear()
                return True
            if self.searching:
                # Enter right after typing: open the first row once it is found.
                self._open_first = True
                if self._debounce.isActive():
                    self.search_now()
                return True
            if self.model.rowCount():
                self.open_selected()
            return True
        if key in (Qt.Key.Key_Down, Qt.Key.Key_PageDown) and self.model.rowCount():
            self.table.setFocus(Qt.FocusReason.TabFocusReason)
            if not self.table.selectionModel().selectedRows():
                self._select(0)
            return True
        return False

    def _back_to_box(self) -> None:
        # Not a tab focus reason: that would select the text and the next key replace it.
        self.search_box.setFocus(Qt.FocusReason.OtherFocusReason)
        self.search_box.deselect()
        self.search_box.end(False)

    def _table_key(self, event: QKeyEvent) -> bool:
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.open_selected()
            return True
        if key == Qt.Key.Key_Escape or (
            key == Qt.Key.Key_Up and self.table.currentIndex().row() <= 0
        ):
            self.search_box.setFocus(Qt.FocusReason.TabFocusReason)
            return True
        text = event.text()
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.ShiftModifier
        if text and text.isprintable() and modifiers == Qt.KeyboardModifier.NoModifier:
            # Typing in the list goes on at the end of the box.
            self._back_to_box()
            self.search_box.insert(text)
            return True
        if key == Qt.Key.Key_Backspace:
            self._back_to_box()
            self.search_box.backspace()
            return True
        return False
