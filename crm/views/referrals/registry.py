"""The referral registry: find, register, correct, cancel, extend, and book by a referral.

Filters (number, status, specialty, organisation, issue period, "≤ 5 days left and no
appointment") reload the table on the runner; referrals about to expire are
highlighted. The panel under the table shows the chosen referral in full, with its
extensions and every appointment made on it. Changes from other desks arrive through
the change listener and reload the table (debounced).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from html import escape
from typing import Any

from PySide6.QtCore import QDate, QItemSelection, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from crm.controllers.access.permissions import Permission, allowed
from crm.controllers.directories import pickers
from crm.controllers.directories.pickers import SpecialtyChoice
from crm.controllers.referrals import editing
from crm.controllers.referrals.editing import (
    ReferralDetails,
    ReferralRow,
    RegistryFilter,
)
from crm.controllers.referrals.registry import REGISTRY_LIMIT
from crm.controllers.vocabulary import appointment_status_title as visit_status_title
from crm.controllers.vocabulary import referral_status_title
from crm.models.enums import ReferralStatus
from crm.views import AppContext
from crm.views.itemmodels.views import row_table
from crm.views.patients.message_bar import MessageBar
from crm.views.referrals.extend_dialog import ExtendDialog
from crm.views.referrals.organisation_picker import OrganisationPicker
from crm.views.referrals.referral_form import ReferralDialog
from crm.views.referrals.registry_model import ReferralTableModel
from crm.views.schedule.cancel_dialog import ReasonDialog
from crm.views.serial_read import Query, SerialRead

WATCHED = frozenset({"referral", "referral_extension", "appointment", "issuing_organisation"})
DEBOUNCE_MS = 300


class RegistryTab(QWidget):
    """The registry table with its filters, details and actions.

    Args:
        context: the logged-in user's context.
        parent: the Qt parent.

    Signals:
        loaded(): the table was filled.
        book_requested(str, int): book by this referral (number, id) in the wizard.
    """

    loaded = Signal()
    book_requested = Signal(str, int)

    #: The most rows shown; past it a hint asks for a narrower filter.
    limit = REGISTRY_LIMIT

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._specialties: tuple[SpecialtyChoice, ...] = ()
        self._reader = SerialRead(context, self, self._query, self._show, self._failed)
        self._stale = True
        #: The referral to choose when the table is next read (one the search found).
        self._show_next: int | None = None
        self.details: ReferralDetails | None = None
        self._dialog: QDialog | None = None
        actor = context.actor

        self.number_filter = QLineEdit()
        self.number_filter.setObjectName("registryNumber")
        self.number_filter.setPlaceholderText(self.tr("Number…"))
        self.number_filter.setClearButtonEnabled(True)
        self.status_filter = QComboBox()
        self.status_filter.setObjectName("registryStatus")
        self.status_filter.addItem(self.tr("Any status"), None)
        for status in ReferralStatus:
            self.status_filter.addItem(referral_status_title(status), status.value)
        self.specialty_filter = QComboBox()
        self.specialty_filter.setObjectName("registrySpecialty")
        self.specialty_filter.addItem(self.tr("All specialties"), None)
        self.organisation_filter = OrganisationPicker(context)
        self.organisation_filter.new_button.hide()
        self.organisation_filter.chosen_label.hide()
        self.organisation_filter.edit.setPlaceholderText(self.tr("Organisation…"))
        self.period = QCheckBox(self.tr("Issued"))
        self.period.setObjectName("registryPeriod")
        today = QDate.currentDate()
        self.issued_from = QDateEdit(today.addMonths(-1))
        self.issued_to = QDateEdit(today)
        for edit in (self.issued_from, self.issued_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd.MM.yyyy")
            edit.setEnabled(False)
            edit.dateChanged.connect(self._filters_changed)
        self.period.toggled.connect(self._period_toggled)
        self.expiring = QCheckBox(self.tr("≤ 5 days left, no appointment"))
        self.expiring.setObjectName("registryExpiring")

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.reload)
        self.number_filter.textChanged.connect(self._filters_changed)
        self.status_filter.currentIndexChanged.connect(self._filters_changed)
        self.specialty_filter.currentIndexChanged.connect(self._filters_changed)
        self.organisation_filter.chosen.connect(self._filters_changed)
        self.organisation_filter.edit.textChanged.connect(self._organisation_typed)
        self.expiring.toggled.connect(self._filters_changed)

        self.model = ReferralTableModel()
        self.table = row_table(self.model, "registryTable")
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(lambda _i: self.book_selected())
        self.count_label = QLabel()
        self.count_label.setObjectName("registryCount")
        self.limit_label = QLabel()
        self.limit_label.setObjectName("registryLimit")
        self.limit_label.setStyleSheet("color: #8a5a00; font-weight: bold;")
        self.limit_label.hide()
        self.detail_label = QLabel()
        self.detail_label.setObjectName("registryDetails")
        self.detail_label.setTextFormat(Qt.TextFormat.RichText)
        self.detail_label.setWordWrap(True)
        self.detail_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.detail_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message_bar = MessageBar()

        self.new_button = self._button(self.tr("New referral (Ctrl+N)"), "registryNew",
                                       self.new_referral, "Ctrl+N")  # fmt: skip
        self.edit_button = self._button(self.tr("Correct (F2)"), "registryEdit",
                                        self.edit_selected, "F2")  # fmt: skip
        self.book_button = self._button(self.tr("Book by it (Enter)"), "registryBook",
                                        self.book_selected, None)  # fmt: skip
        self.extend_button = self._button(self.tr("Extend…"), "registryExtend",
                                          self.extend_selected, None)  # fmt: skip
        self.cancel_button = self._button(self.tr("Cancel referral…"), "registryCancel",
                                          self.cancel_selected, None)  # fmt: skip
        may_register = allowed(actor, Permission.REGISTER_REFERRALS)
        for button in (self.new_button, self.edit_button, self.cancel_button):
            button.setVisible(may_register)
        self.extend_button.setVisible(allowed(actor, Permission.EXTEND_REFERRALS))
        self.book_button.setVisible(allowed(actor, Permission.BOOK_ANY_DOCTOR))
        book_action = QAction(self)
        book_action.setShortcuts([QKeySequence("Return"), QKeySequence("Enter")])
        book_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        book_action.triggered.connect(self.book_selected)
        self.table.addAction(book_action)

        filters = QHBoxLayout()
        for widget in (self.number_filter, self.status_filter, self.specialty_filter):
            filters.addWidget(widget)
        filters.addWidget(self.organisation_filter, 1)
        for period_widget in (self.period, self.issued_from, self.issued_to, self.expiring):
            filters.addWidget(period_widget)
        actions = QHBoxLayout()
        for button in (self.new_button, self.edit_button, self.book_button, self.extend_button,
                       self.cancel_button):  # fmt: skip
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.limit_label)
        actions.addWidget(self.count_label)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail_label)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(filters)
        layout.addWidget(self.message_bar)
        layout.addLayout(actions)
        layout.addWidget(splitter, 1)
        self._update_buttons()
        if context.events is not None:
            context.events.changed.connect(self._on_change)

    def _button(self, text: str, name: str, slot: Any, keys: str | None) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        if keys:
            action = QAction(self)
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(slot)
            self.addAction(action)
        return button

    # --- loading --------------------------------------------------------------------------

    def activate(self) -> None:
        """The tab came to the front: load the specialties once, and the table if stale."""
        if not self._specialties:
            self._context.runner.submit(
                pickers.specialties, self._context.database.sessions, self._context.actor,
                on_success=self._on_specialties, on_failure=self._failed, owner=self,
            )  # fmt: skip
        if self._stale:
            self.reload()

    def _on_specialties(self, choices: tuple[SpecialtyChoice, ...]) -> None:
        self._specialties = choices
        self.specialty_filter.blockSignals(True)
        for choice in choices:
            self.specialty_filter.addItem(choice.name, choice.id)
        self.specialty_filter.blockSignals(False)

    def filters(self) -> RegistryFilter:
        """The filters as set now."""
        status = self.status_filter.currentData()

        def day(edit: QDateEdit) -> dt.date:
            value = edit.date()
            return dt.date(value.year(), value.month(), value.day())

        return RegistryFilter(
            statuses=frozenset({ReferralStatus(status)}) if status else frozenset(),
            specialty_id=self.specialty_filter.currentData(),
            organisation_id=self.organisation_filter.organisation_id,
            issued_from=day(self.issued_from) if self.period.isChecked() else None,
            issued_to=day(self.issued_to) if self.period.isChecked() else None,
            expiring_only=self.expiring.isChecked(),
            number=self.number_filter.text().strip() or None,
        )

    def _filters_changed(self, *_args: object) -> None:
        self._debounce.start()

    def _organisation_typed(self, text: str) -> None:
        if not text.strip():
            self._debounce.start()  # cleared: every organisation again

    def _period_toggled(self, on: bool) -> None:
        self.issued_from.setEnabled(on)
        self.issued_to.setEnabled(on)
        self._debounce.start()

    def reload(self) -> None:
        """Read the table again with the current filters (one read at a time)."""
        self._stale = False
        self._reader.request()

    def _query(self) -> Query:
        context = self._context
        # One row past the limit tells whether there are more than the table shows.
        wanted = dataclasses.replace(self.filters(), limit=self.limit + 1)
        return editing.registry, (context.database.sessions, context.actor, wanted), {}

    @property
    def truncated(self) -> bool:
        """More referrals match the filters than the table shows."""
        return not self.limit_label.isHidden()

    def _show(self, rows: list[ReferralRow]) -> None:
        chosen = self.selected()
        more = len(rows) > self.limit
        rows = rows[: self.limit]
        self.model.set_rows(rows)
        self._fit_columns()
        self.count_label.setText(self.tr("Referrals: {count}").format(count=len(rows)))
        self.limit_label.setText(
            self.tr("Showing the first {count} — narrow the filter").format(count=self.limit)
            if more
            else ""
        )
        self.limit_label.setVisible(more)
        wanted, self._show_next = self._show_next or (chosen.id if chosen else None), None
        if wanted is not None:
            row = self.model.row_of(wanted)
            if row is not None:
                self.table.selectRow(row)
        if self.table.currentIndex().isValid() is False and rows:
            self.table.selectRow(0)
        self._update_buttons()
        self.loaded.emit()

    def _fit_columns(self) -> None:
        # Wide enough for the contents, but no column takes the whole width: the
        # full text of a long name is in the tooltip.
        self.table.resizeColumnsToContents()
        for column in range(self.model.columnCount()):
            if self.table.columnWidth(column) > 240:
                self.table.setColumnWidth(column, 240)

    def _failed(self, message: str) -> None:
        self.message_bar.show_message("error", message)

    def _on_change(self, event: dict) -> None:
        if event.get("table") in WATCHED or event.get("table") == "*":
            if self.isVisible():
                self._debounce.start()
            else:
                self._stale = True

    # --- the chosen referral --------------------------------------------------------------

    def selected(self) -> ReferralRow | None:
        """The referral of the current row."""
        index = self.table.currentIndex()
        return self.model.row(index.row()) if index.isValid() else None

    def show_referral(self, referral_id: int, number: str) -> None:
        """Show the referral numbered ``number`` whatever the filters were, and choose it
        once the table has it."""
        self._show_next = referral_id
        for combo in (self.status_filter, self.specialty_filter):
            combo.setCurrentIndex(0)
        self.period.setChecked(False)
        self.expiring.setChecked(False)
        if self.organisation_filter.organisation_id is not None:
            self.organisation_filter.organisation = None
            self.organisation_filter.edit.clear()
        self.number_filter.setText(number)
        self._debounce.stop()
        self.reload()

    def select_referral(self, referral_id: int) -> bool:
        """Make ``referral_id`` the current row, if shown."""
        row = self.model.row_of(referral_id)
        if row is None:
            return False
        self.table.selectRow(row)
        return True

    def _selection_changed(self, _new: QItemSelection, _old: QItemSelection) -> None:
        self._update_buttons()
        referral = self.selected()
        if referral is None:
            self.details = None
            self.detail_label.clear()
            return
        self._context.runner.submit(
            editing.get_referral, self._context.database.sessions, self._context.actor,
            referral.id, on_success=self._show_details, on_failure=self._failed, owner=self,
        )  # fmt: skip

    def _show_details(self, details: ReferralDetails) -> None:
        current = self.selected()
        if current is None or current.id != details.row.id:
            return
        self.details = details
        self.detail_label.setText(self.describe(details))
        self._update_buttons()

    def describe(self, details: ReferralDetails) -> str:
        """The details panel's text (rich text)."""
        row = details.row
        lines = [
            self.tr("<b>№ {number}</b> — {patient}; to {specialty}, diagnosis {diagnosis}").format(
                number=escape(row.number), patient=escape(row.patient_name),
                specialty=escape(row.specialty_name), diagnosis=escape(row.diagnosis_code)),
            self.tr("Issued {issued} by {organisation} (ОГРН {ogrn}){doctor}; valid until "
                    "{last}, {status}").format(
                issued=f"{row.issued_on:%d.%m.%Y}", organisation=escape(row.organisation_name),
                ogrn=details.organisation_ogrn,
                doctor=f", {escape(details.issuing_doctor)}" if details.issuing_doctor else "",
                last=f"{row.last_valid_day:%d.%m.%Y}",
                status=escape(referral_status_title(row.status))),
        ]  # fmt: skip
        if details.cancel_reason:
            lines.append(
                self.tr("Cancelled: {reason}").format(reason=escape(details.cancel_reason))
            )
        for extension in details.extensions:
            lines.append(
                self.tr("Extended {when} by {who}: {old} → {new}. Reason: {reason}").format(
                    when=f"{extension.created_at:%d.%m.%Y}", who=escape(extension.extended_by),
                    old=f"{extension.old_last_day:%d.%m.%Y}",
                    new=f"{extension.new_last_day:%d.%m.%Y}", reason=escape(extension.reason))
            )  # fmt: skip
        for visit in details.appointments:
            lines.append(
                self.tr("Appointment {when}, {doctor}: {status}").format(
                    when=f"{visit.starts_at:%d.%m.%Y %H:%M}", doctor=escape(visit.doctor_name),
                    status=escape(visit_status_title(visit.status)))
            )  # fmt: skip
        if not details.appointments:
            lines.append(self.tr("No appointment made on it yet."))
        return "<br>".join(lines)

    def _update_buttons(self) -> None:
        referral = self.selected()
        usable = referral is not None and referral.status is ReferralStatus.ACTIVE
        self.book_button.setEnabled(usable)
        self.edit_button.setEnabled(referral is not None)
        self.cancel_button.setEnabled(
            referral is not None
            and referral.status not in (ReferralStatus.CANCELLED, ReferralStatus.CLOSED)
        )
        self.extend_button.setEnabled(self.details is not None and self.details.extendable
                                      and referral is not None
                                      and self.details.row.id == referral.id)  # fmt: skip

    # --- actions --------------------------------------------------------------------------

    def new_referral(self) -> None:
        """Open the form for a new referral."""
        if not allowed(self._context.actor, Permission.REGISTER_REFERRALS):
            return
        self._open_form(None)

    def edit_selected(self) -> None:
        """Open the form on the chosen referral."""
        if self.details is not None and allowed(self._context.actor, Permission.REGISTER_REFERRALS):
            self._open_form(self.details)

    def _open_form(self, details: ReferralDetails | None) -> None:
        dialog = ReferralDialog(self._context, self._specialties, details, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._saved)
        self._dialog = dialog
        dialog.open()

    def _saved(self, details: ReferralDetails) -> None:
        self.message_bar.show_message(
            "done",
            self.tr("Referral {number} saved: valid until {last}").format(
                number=details.row.number, last=f"{details.row.last_valid_day:%d.%m.%Y}"
            ),
            [(self.tr("Book by it"), lambda: self.book_requested.emit(details.row.number,
                                                                       details.row.id))],
        )  # fmt: skip
        self.number_filter.setText(details.row.number)
        self.reload()

    def book_selected(self) -> None:
        """Book by the chosen referral (in the wizard)."""
        referral = self.selected()
        if referral is not None and self.book_button.isVisible():
            self.book_requested.emit(referral.number, referral.id)

    def cancel_selected(self) -> None:
        """Ask for the reason, then cancel the chosen referral."""
        referral = self.selected()
        if referral is None:
            return
        dialog = ReasonDialog(
            self.tr("Cancel referral {number}").format(number=referral.number),
            self.tr("The referral cannot be used after this. Why is it cancelled?"),
            self,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def finished(result: int) -> None:
            if result == QDialog.DialogCode.Accepted:
                self._context.runner.submit(
                    editing.cancel_referral, self._context.database.sessions,
                    self._context.actor, referral.id, reason=dialog.reason(),
                    expected_version=referral.version,
                    on_success=lambda d: self._done(self.tr("Referral {number} cancelled").format(
                        number=d.row.number)),
                    on_failure=self._failed, owner=self,
                )  # fmt: skip

        dialog.finished.connect(finished)
        self._dialog = dialog
        dialog.open()

    def extend_selected(self) -> None:
        """Ask for the new last day and the reason, then extend (doctors)."""
        details = self.details
        if details is None or not details.extendable:
            return
        dialog = ExtendDialog(details, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def finished(result: int) -> None:
            if result == QDialog.DialogCode.Accepted:
                self._context.runner.submit(
                    editing.extend_referral, self._context.database.sessions,
                    self._context.actor, details.row.id, reason=dialog.reason(),
                    until=dialog.until(), expected_version=details.row.version,
                    on_success=lambda d: self._done(
                        self.tr("Referral {number} extended until {last}").format(
                            number=d.row.number, last=f"{d.row.last_valid_day:%d.%m.%Y}")),
                    on_failure=self._failed, owner=self,
                )  # fmt: skip

        dialog.finished.connect(finished)
        self._dialog = dialog
        dialog.open()

    def _done(self, text: str) -> None:
        self.message_bar.show_message("done", text)
        self.reload()
