"""The waiting list tab: who waits for which doctor or specialty, and for how long.

The table lists the entries oldest first (the order in which freed time is offered),
with the age of each in days and the time offered, if any (tinted). Filters choose
the status and the specialty. The desk adds an entry (:class:`WaitingEntryDialog`),
takes one off the list (asked first in the message bar), and answers an offer for
the patient: book it, or pass it to the next entry. The list follows every desk's
changes: change notices of the waiting list and of appointments (a cancellation
offers its time) re-read it after a short pause, keeping the selected entry.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from PySide6.QtCore import QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crm.controllers.access.permissions import Permission, allowed
from crm.controllers.directories import pickers
from crm.controllers.directories.pickers import DoctorChoice, SpecialtyChoice
from crm.controllers.vocabulary import role_title
from crm.controllers.waiting import queue
from crm.controllers.waiting.queue import WaitingEntry
from crm.models.enums import WaitingStatus
from crm.views import AppContext
from crm.views.controls import fit_combo_popup, narrow_combo
from crm.views.itemmodels.views import row_table, select_row
from crm.views.patients.message_bar import MessageBar
from crm.views.referrals.offer_prompt import OfferActions
from crm.views.referrals.waiting_form import WaitingEntryDialog
from crm.views.referrals.waiting_models import WaitingTableModel, patient_short
from crm.views.serial_read import Query, SerialRead

W = WaitingStatus
DEBOUNCE_MS = 300
#: Tables whose changes may change the list (``*`` = resynchronise everything).
WATCHED = ("waiting_list_entry", "appointment", "*")


def may_book(context: AppContext) -> bool:
    """Whether the user may put patients on the list and book their offers."""
    actor = context.actor
    return allowed(actor, Permission.BOOK_ANY_DOCTOR) or allowed(
        actor, Permission.BOOK_OWN_SCHEDULE
    )


class WaitingListTab(QWidget):
    """The waiting list with its filters and actions.

    Args:
        context: the logged-in user's context.
        parent: the Qt parent.

    Signals:
        loaded(): the list was (re)read from the database.
        booked(object): an offer was booked from here
            (:class:`~crm.controllers.schedule.booking.BookedAppointment`).
    """

    loaded = Signal()
    booked = Signal(object)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("waitingListTab")
        self._context = context
        self._reader = SerialRead(context, self, self._query, self._on_loaded, self._on_failed)
        self._specialties: list[SpecialtyChoice] = []
        self._doctors: list[DoctorChoice] = []
        self.may_book = may_book(context)
        self.add_dialog: WaitingEntryDialog | None = None
        self._select_next: int | None = None

        self.status_filter = QComboBox()
        self.status_filter.setObjectName("waitingStatusFilter")
        self._status_choices: list[tuple[str, tuple[WaitingStatus, ...]]] = [
            (self.tr("Waiting or offered"), (W.WAITING, W.OFFERED)),
            (self.tr("Waiting"), (W.WAITING,)),
            (self.tr("Time offered"), (W.OFFERED,)),
            (self.tr("Booked"), (W.BOOKED,)),
            (self.tr("Removed"), (W.CANCELLED,)),
            (self.tr("All"), ()),
        ]
        for title, _statuses in self._status_choices:
            self.status_filter.addItem(title)
        self.specialty_filter = QComboBox()
        self.specialty_filter.setObjectName("waitingSpecialtyFilter")
        self.specialty_filter.addItem(self.tr("All specialties"), None)
        narrow_combo(self.specialty_filter)
        for combo in (self.status_filter, self.specialty_filter):
            combo.currentIndexChanged.connect(lambda _i: self.refresh())

        self.add_button = QPushButton(self.tr("Add…"))
        self.add_button.setObjectName("waitingAdd")
        self.add_button.clicked.connect(self.open_add_dialog)
        self.remove_button = QPushButton(self.tr("Remove"))
        self.remove_button.setObjectName("waitingRemove")
        self.remove_button.clicked.connect(self.ask_remove)
        self.accept_button = QPushButton(self.tr("Book the offered time"))
        self.accept_button.setObjectName("waitingAccept")
        self.accept_button.clicked.connect(self.accept_selected)
        self.decline_button = QPushButton(self.tr("Pass to next"))
        self.decline_button.setObjectName("waitingDecline")
        self.decline_button.setToolTip(
            self.tr("The patient does not want the offered time: offer it to the next on the list")
        )
        self.decline_button.clicked.connect(self.decline_selected)
        if not self.may_book:
            why = self.tr("Your role ({role}) may not book appointments").format(
                role=role_title(context.actor.role)
            )
            for button in (self.add_button, self.remove_button, self.accept_button):
                button.setToolTip(why)
        self.count_label = QLabel()
        self.count_label.setObjectName("waitingCount")

        self.model = WaitingTableModel(self)
        self.table = row_table(self.model, "waitingTable")
        self.model.modelReset.connect(self._fit_columns)
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())

        self.messages = MessageBar()
        self.offer_actions = OfferActions(context, self)
        self.offer_actions.said.connect(self._say)
        self.offer_actions.booked.connect(self.booked)
        self.offer_actions.finished.connect(self.refresh)

        filters = QHBoxLayout()
        filters.addWidget(QLabel(self.tr("Status")))
        filters.addWidget(self.status_filter)
        filters.addWidget(QLabel(self.tr("Specialty")))
        filters.addWidget(self.specialty_filter)
        filters.addStretch(1)
        filters.addWidget(self.count_label)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        buttons.addWidget(self.accept_button)
        buttons.addWidget(self.decline_button)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.messages)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.refresh)
        if context.events is not None:
            context.events.changed.connect(self._on_change)
        self._update_buttons()
        self._load_directories()
        self.refresh()

    # --- reading ----------------------------------------------------------------------

    @property
    def loading(self) -> bool:
        """True while the list is being read."""
        return self._reader.loading

    def _load_directories(self) -> None:
        runner, db, actor = (
            self._context.runner,
            self._context.database.sessions,
            self._context.actor,
        )
        runner.submit(pickers.specialties, db, actor, on_success=self._set_specialties,
                      on_failure=self._show_error, owner=self)  # fmt: skip
        runner.submit(pickers.doctors, db, actor, on_success=self._set_doctors,
                      on_failure=self._show_error, owner=self)  # fmt: skip

    def _set_specialties(self, specialties: Sequence[SpecialtyChoice]) -> None:
        self._specialties = list(specialties)
        self.specialty_filter.blockSignals(True)
        for specialty in specialties:
            if specialty.has_doctors:
                self.specialty_filter.addItem(specialty.name, specialty.id)
        self.specialty_filter.blockSignals(False)
        fit_combo_popup(self.specialty_filter)

    def _set_doctors(self, doctors: Sequence[DoctorChoice]) -> None:
        self._doctors = list(doctors)

    def refresh(self) -> None:
        """Read the list again (a second request during a read is queued)."""
        self._reader.request()

    def _query(self) -> Query:
        return (
            queue.list_entries,
            (self._context.database.sessions, self._context.actor),
            {
                "statuses": self._status_choices[max(self.status_filter.currentIndex(), 0)][1],
                "specialty_id": self.specialty_filter.currentData(),
            },
        )

    @Slot(dict)
    def _on_change(self, event: dict) -> None:
        if event.get("table") in WATCHED:
            self._debounce.start()

    def _on_loaded(self, entries: list[WaitingEntry]) -> None:
        selected = self.selected()
        wanted = self._select_next or (selected.id if selected is not None else None)
        self._select_next = None
        self.model.set_rows(entries)
        if wanted is not None and self.select_entry(wanted):
            self.table.scrollTo(self.table.currentIndex())
        offered = sum(1 for e in entries if e.status is W.OFFERED and not e.offer_lapsed)
        text = self.tr("Entries: {n}").format(n=len(entries))
        if offered:
            text += " · " + self.tr("time offered: {n}").format(n=offered)
        self.count_label.setText(text)
        self._update_buttons()
        self.loaded.emit()

    def _on_failed(self, message: str) -> None:
        self._show_error(message)
        self.loaded.emit()

    def _show_error(self, message: str) -> None:
        self.messages.show_message("error", message)

    def _say(self, kind: str, text: str, answers: list | None = None) -> None:
        if answers:
            self.messages.show_question(kind, text, answers)
        else:
            self.messages.show_message(kind, text)

    def _fit_columns(self) -> None:
        self.table.resizeColumnsToContents()
        for column in (WaitingTableModel.NOTE, WaitingTableModel.PATIENT):
            if self.table.columnWidth(column) > 260:
                self.table.setColumnWidth(column, 260)

    # --- selection --------------------------------------------------------------------

    def selected(self) -> WaitingEntry | None:
        """The entry selected in the table."""
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def select_entry(self, entry_id: int) -> bool:
        """Select the row of ``entry_id``; False if it is not shown."""
        row = self.model.row_of(entry_id)
        if row is None:
            return False
        select_row(self.table, row)
        return True

    def _update_buttons(self) -> None:
        entry = self.selected()
        open_entry = entry is not None and entry.status in (W.WAITING, W.OFFERED)
        offered = entry is not None and entry.status is W.OFFERED
        busy = entry is not None and self.offer_actions.busy(entry.id)
        self.add_button.setEnabled(self.may_book)
        self.remove_button.setEnabled(self.may_book and open_entry and not busy)
        self.accept_button.setEnabled(
            self.may_book and offered and entry is not None and not entry.offer_lapsed and not busy
        )
        self.decline_button.setEnabled(offered and not busy)

    # --- actions ----------------------------------------------------------------------

    def open_add_dialog(self) -> WaitingEntryDialog:
        """Open the form of a new entry (non-modal ``open()``); returns it."""
        if self.add_dialog is not None:
            self.add_dialog.raise_()
            self.add_dialog.activateWindow()
            return self.add_dialog
        dialog = WaitingEntryDialog(self._context, self._specialties, self._doctors, self)
        specialty_id = self.specialty_filter.currentData()
        if specialty_id is not None:
            dialog.choose_specialty(specialty_id)
        dialog.saved.connect(self._added)
        dialog.finished.connect(lambda _result: self._dialog_closed(dialog))
        self.add_dialog = dialog
        dialog.open()
        return dialog

    def _dialog_closed(self, dialog: WaitingEntryDialog) -> None:
        if self.add_dialog is dialog:
            self.add_dialog = None
        dialog.deleteLater()

    def _added(self, entry: WaitingEntry) -> None:
        self.messages.show_message(
            "done",
            self.tr("{patient} is on the waiting list").format(
                patient=patient_short(entry.patient_name)
            ),
        )
        # Select the new entry once it is read (it is the newest, at the bottom).
        self._select_next = entry.id
        self.refresh()

    def ask_remove(self) -> None:
        """Ask in the message bar before taking the selected entry off the list."""
        entry = self.selected()
        if entry is None or entry.status not in (W.WAITING, W.OFFERED):
            return
        self.messages.show_message(
            "warning",
            self.tr("Take {patient} ({wanted}) off the waiting list?").format(
                patient=patient_short(entry.patient_name),
                wanted=entry.doctor_name or entry.specialty_name or "—",
            ),
            [
                (self.tr("Remove"), partial(self.remove, entry)),
                (self.tr("Keep"), self.messages.clear),
            ],
        )

    def remove(self, entry: WaitingEntry) -> None:
        """Take ``entry`` off the list (an open offer lapses with it)."""
        self.messages.clear()
        self._context.runner.submit(
            queue.cancel_entry,
            self._context.database.sessions,
            self._context.actor,
            entry.id,
            on_success=self._removed,
            on_failure=self._show_error,
            owner=self,
        )

    def _removed(self, entry: WaitingEntry) -> None:
        self.messages.show_message(
            "done",
            self.tr("{patient} was taken off the waiting list").format(
                patient=patient_short(entry.patient_name)
            ),
        )
        self.refresh()

    def accept_selected(self) -> None:
        """Book the time offered to the selected entry."""
        entry = self.selected()
        if entry is None or entry.status is not W.OFFERED:
            return
        self.messages.clear()
        self.offer_actions.accept(entry)
        self._update_buttons()

    def decline_selected(self) -> None:
        """Pass the time offered to the selected entry to the next one."""
        entry = self.selected()
        if entry is None or entry.status is not W.OFFERED:
            return
        self.messages.clear()
        self.offer_actions.decline(entry)
        self._update_buttons()
