"""The tabs under a card's fields: appointments, referrals, history and consents.

All four are read in one call (:func:`crm.controllers.patients.history.load_history`)
on the runner. The consents tab also records a consent given or revoked on a date.
A fifth tab shows the patient's priority requests and waiting-list entries
(:class:`crm.views.referrals.patient_queues.PatientQueuesPanel`, read on its own);
«Сообщения» the notices written to the patient and their status
(:class:`crm.views.notifications.patient_messages.PatientMessagesTab`, read on its own).
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from crm.controllers.access.permissions import Permission, allowed
from crm.controllers.errors import ValidationError
from crm.controllers.patients import history
from crm.controllers.patients.history import ConsentRow, PatientHistory
from crm.controllers.validation import format_date, parse_date
from crm.models.enums import ConsentKind
from crm.views import AppContext
from crm.views.itemmodels.views import row_table
from crm.views.medical.documents_tab import DocumentsTab
from crm.views.notifications.patient_messages import PatientMessagesTab
from crm.views.patients import labels
from crm.views.patients.fields import DATE_MASK, PROBLEM_COLOUR, MaskedEdit
from crm.views.patients.tab_models import (
    AppointmentsModel,
    ConsentsModel,
    HistoryModel,
    ReferralsModel,
)
from crm.views.payments.bonus_tab import BonusTab
from crm.views.payments.dialog import open_payment_dialog
from crm.views.payments.several import open_several_dialog
from crm.views.referrals.patient_queues import PatientQueuesPanel


class CardTabs(QTabWidget):
    """Appointments, referrals, history, consents, priority and waiting list of one patient.

    Args:
        context: the logged-in user's context.
        parent: the Qt parent.

    Signals:
        loaded(): the tabs were (re)filled from the database.
        consent_changed(): a consent was given or revoked here.
    """

    loaded = Signal()
    consent_changed = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cardTabs")
        self._context = context
        self._patient_id: int | None = None
        self._loading = False
        self._again = False

        self.appointments = AppointmentsModel(self)
        self.referrals = ReferralsModel(self)
        self.history = HistoryModel(self)
        self.consents = ConsentsModel(self)
        self.appointments_table = row_table(
            self.appointments, "appointmentsTable", striped=True, fit_columns=True
        )
        self.referrals_table = row_table(
            self.referrals, "referralsTable", striped=True, fit_columns=True
        )
        self.history_table = row_table(self.history, "historyTable", striped=True, fit_columns=True)
        self.consents_table = row_table(
            self.consents, "consentsTable", striped=True, fit_columns=True
        )

        self.consent_kind = QComboBox()
        self.consent_kind.setObjectName("consentKind")
        for value, name in labels.consent_names().items():
            self.consent_kind.addItem(name, value)
        self.consent_date = MaskedEdit(DATE_MASK, date=True)
        self.consent_date.setObjectName("consentDate")
        self.consent_date.setMaximumWidth(110)
        self.give_button = QPushButton(self.tr("Record consent"))
        self.give_button.setObjectName("giveConsent")
        self.give_button.clicked.connect(self.give_consent)
        self.revoke_button = QPushButton(self.tr("Revoke the selected one"))
        self.revoke_button.setObjectName("revokeConsent")
        self.revoke_button.clicked.connect(self.revoke_selected)
        self.consent_message = QLabel()
        self.consent_message.setObjectName("consentMessage")
        self.consent_message.setStyleSheet(f"color: {PROBLEM_COLOUR};")
        self.consent_message.setWordWrap(True)

        consents_page = QWidget()
        consents_layout = QVBoxLayout(consents_page)
        consents_layout.addWidget(self.consents_table, 1)
        controls = QHBoxLayout()
        controls.addWidget(self.consent_kind)
        controls.addWidget(QLabel(self.tr("on")))
        controls.addWidget(self.consent_date)
        controls.addWidget(self.give_button)
        controls.addWidget(self.revoke_button)
        controls.addStretch(1)
        consents_layout.addLayout(controls)
        consents_layout.addWidget(self.consent_message)
        editable = allowed(context.actor, Permission.EDIT_PATIENTS)
        for widget in (self.consent_kind, self.consent_date, self.give_button, self.revoke_button):
            widget.setVisible(editable)
        self.consents_editable = editable

        appointments_page = QWidget()
        appointments_layout = QVBoxLayout(appointments_page)
        appointments_layout.setContentsMargins(0, 0, 0, 0)
        appointments_layout.addWidget(self.appointments_table, 1)
        self.payment_button = QPushButton(self.tr("Payment for the chosen visit…"))
        self.payment_button.setObjectName("cardPayment")
        self.payment_button.clicked.connect(self.pay_chosen)
        self.appointments_table.doubleClicked.connect(lambda _index: self.pay_chosen())
        self.pay_several_button = QPushButton(self.tr("Pay several unpaid visits…"))
        self.pay_several_button.setObjectName("cardPaySeveral")
        self.pay_several_button.clicked.connect(self.pay_several)
        pay_row = QHBoxLayout()
        pay_row.addStretch(1)
        pay_row.addWidget(self.payment_button)
        pay_row.addWidget(self.pay_several_button)
        appointments_layout.addLayout(pay_row)
        takes_payments = allowed(context.actor, Permission.TAKE_PAYMENTS)
        self.payment_button.setVisible(takes_payments)
        self.pay_several_button.setVisible(takes_payments)
        #: The last payment dialog opened from the card.
        self.payment_dialog: QDialog | None = None
        self.addTab(appointments_page, self.tr("Appointments"))
        self.addTab(self.referrals_table, self.tr("Referrals"))
        self.addTab(self.history_table, self.tr("History"))
        self.addTab(consents_page, self.tr("Consents"))
        self.queues = PatientQueuesPanel(context)
        self.addTab(self.queues, self.tr("Priority and waiting list"))
        self.medical = DocumentsTab(context)  # «Медкарта»: crm/views/medical/
        self.addTab(self.medical, self.tr("Medical record"))
        self.messages = PatientMessagesTab(context)
        self.addTab(self.messages, self.tr("Messages"))
        self.bonus: BonusTab | None = None
        if allowed(context.actor, Permission.TAKE_PAYMENTS):
            self.bonus = BonusTab(context)  # «Бонусы»: crm/views/payments/
            self.addTab(self.bonus, self.tr("Bonus points"))
        self.setEnabled(False)  # until there is a saved card to show

    @property
    def patient_id(self) -> int | None:
        """The patient shown (``None`` for a card not saved yet)."""
        return self._patient_id

    @property
    def loading(self) -> bool:
        """True while the tabs are being read."""
        return self._loading

    def set_insurers(self, names: dict[int, str]) -> None:
        """Insurer names by id, to name a changed insurer in the history."""
        self.history.insurers = dict(names)

    def show_patient(self, patient_id: int) -> None:
        """Show ``patient_id``'s tabs (and read them)."""
        self._patient_id = patient_id
        self.setEnabled(True)
        if not self.consent_date.value():
            self.consent_date.set_value(format_date(self._context.actor.clinic_today()))
        self.refresh()

    def refresh(self) -> None:
        """Read the tabs again (a second request during a read is queued)."""
        if self._patient_id is None:
            return
        self.queues.show_patient(self._patient_id)
        self.medical.show_patient(self._patient_id)
        self.messages.show_patient(self._patient_id)
        if self.bonus is not None:
            self.bonus.show_patient(self._patient_id)
        if self._loading:
            self._again = True
            return
        self._loading = True
        self._context.runner.submit(
            history.load_history,
            self._context.database.sessions,
            self._context.actor,
            self._patient_id,
            on_success=self._on_loaded,
            on_failure=self._on_failed,
            owner=self,
        )

    def _on_loaded(self, tabs: PatientHistory) -> None:
        self._loading = False
        if tabs.patient_id == self._patient_id:
            self.appointments.set_rows(tabs.appointments)
            self.referrals.set_rows(tabs.referrals)
            self.history.set_entries(tabs.history, names=tabs.names)
            self.consents.set_rows(tabs.consents)
            self.setTabText(0, self.tr("Appointments ({n})").format(n=len(tabs.appointments)))
            self.setTabText(1, self.tr("Referrals ({n})").format(n=len(tabs.referrals)))
            self.loaded.emit()
        self._follow_up()

    def _on_failed(self, message: str) -> None:
        self._loading = False
        self.consent_message.setText(message)
        self.loaded.emit()
        self._follow_up()

    def _follow_up(self) -> None:
        if self._again:
            self._again = False
            self.refresh()

    # --- payments -----------------------------------------------------------------

    def pay_chosen(self) -> None:
        """«Payment» for the visit chosen in the appointments tab."""
        rows = self.appointments_table.selectionModel().selectedRows()
        if not rows or not allowed(self._context.actor, Permission.TAKE_PAYMENTS):
            return
        visit = self.appointments.row_at(rows[0].row())
        dialog = open_payment_dialog(self._context, visit.id, self)
        dialog.changed.connect(lambda _id: self.refresh())
        self.payment_dialog = dialog

    def pay_several(self) -> None:
        """Pay several of the patient's unpaid visits at once."""
        if self._patient_id is None:
            return
        dialog = open_several_dialog(self._context, self._patient_id, self)
        dialog.paid.connect(self.refresh)
        self.payment_dialog = dialog

    # --- consents -----------------------------------------------------------------

    def _typed_date(self) -> dt.date | None:
        try:
            return parse_date(self.consent_date.value(), "issued_on", label=self.tr("Date"))
        except ValidationError as exc:
            self.consent_message.setText(exc.message)
            self.consent_date.setFocus()
            return None

    def give_consent(self) -> None:
        """Record the consent chosen below the table on the date typed there."""
        if self._patient_id is None:
            return
        day = self._typed_date()
        if day is None:
            return
        self.consent_message.clear()
        self._context.runner.submit(
            history.give_consent,
            self._context.database.sessions,
            self._context.actor,
            self._patient_id,
            ConsentKind(self.consent_kind.currentData()),
            day,
            on_success=self._on_consent_saved,
            on_failure=self.consent_message.setText,
            owner=self,
        )

    def revoke_selected(self) -> None:
        """Revoke the consent selected in the table on the date typed below it."""
        rows = self.consents_table.selectionModel().selectedRows()
        if not rows:
            self.consent_message.setText(self.tr("Select the consent to revoke"))
            return
        consent: ConsentRow = self.consents.row_at(rows[0].row())
        day = self._typed_date()
        if day is None:
            return
        self.consent_message.clear()
        self._context.runner.submit(
            history.revoke_consent,
            self._context.database.sessions,
            self._context.actor,
            consent.id,
            day,
            on_success=self._on_consent_saved,
            on_failure=self.consent_message.setText,
            owner=self,
        )

    def _on_consent_saved(self, _row: ConsentRow) -> None:
        self.consent_changed.emit()
        self.refresh()
