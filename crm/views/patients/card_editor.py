"""A patient's card in its own non-modal window: the fields, saving, and the tabs below.

Saving runs :func:`~crm.controllers.patients.cards.create_patient` or
:func:`~crm.controllers.patients.cards.update_patient` on the runner and reacts to every
refusal without losing what was typed: bad fields are marked (the first gets the
keyboard), a duplicate offers the existing card, the same name and birth date asks
for a confirmation, a save from another desk opens the :class:`ConflictDialog`, and
an unreachable server is said so — the next Ctrl+S tries again.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QMessageBox,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from crm.controllers.access.permissions import Permission, allowed
from crm.controllers.errors import FieldProblem
from crm.controllers.patients import cards, history
from crm.controllers.patients.cards import (
    DuplicatePatient,
    PatientCard,
    PatientConflict,
    PossibleDuplicate,
)
from crm.controllers.patients.form import PatientForm, PatientInvalid
from crm.controllers.patients.history import InsurerRow
from crm.views import AppContext
from crm.views.feedback.rating_dialog import RatingDialog
from crm.views.patients.card_form import PatientFormWidget
from crm.views.patients.card_header import CardHeader
from crm.views.patients.card_tabs import CardTabs
from crm.views.patients.conflict_dialog import ConflictDialog
from crm.views.patients.form_rules import IDENTITY_FIELDS, shown_form
from crm.views.patients.message_bar import MessageBar, UnsavedChangesBox
from crm.views.schedule.next_free import NEXT_FREE_KEYS, NextFreeDialog, may_search, open_next_free

# Change notices come in bursts (a booking touches several rows): wait, then read once.
DEBOUNCE_MS = 300


class CardEditor(QDialog):
    """One patient's card (or a new one), opened with ``show()``, never ``exec()``.

    Args:
        context: the logged-in user's context (its ``keyring`` encrypts documents).
        patient_id: the card to open, or ``None`` for a new card.
        prefill: what a new card starts with (e.g. the name typed in the search box).
        insurers: the insurer list if the caller has it (read here otherwise).
        parent: the Qt parent.

    Signals:
        loaded(int): the card was read (or, for a new card, is ready); carries its id (0 if new).
        saved(int): the card was saved; carries its id.
        save_failed(str): a save was refused or failed; carries the message shown.
        open_requested(int): the user asked to open another card (a duplicate).
    """

    loaded = Signal(int)
    saved = Signal(int)
    save_failed = Signal(str)
    open_requested = Signal(int)

    def __init__(
        self,
        context: AppContext,
        patient_id: int | None = None,
        *,
        prefill: PatientForm | None = None,
        insurers: Sequence[InsurerRow] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("cardEditor")
        self.setModal(False)
        self.setWindowFlag(Qt.WindowType.WindowMinMaxButtonsHint, True)
        self._context = context
        self._patient_id = patient_id
        self._card: PatientCard | None = None
        self._opened = prefill or PatientForm()
        self._expected_version: int | None = None
        self._masked: dict[str, str] = {}
        self._saving = False
        self._closing_confirmed = False
        self.conflict_dialog: ConflictDialog | None = None
        self.close_box: QMessageBox | None = None
        self.rating_dialog: RatingDialog | None = None
        actor = context.actor
        self.may_edit = allowed(actor, Permission.EDIT_PATIENTS)
        self.may_reveal = allowed(actor, Permission.READ_IDENTITY_DOCUMENTS)
        self.may_rate = allowed(actor, Permission.RECORD_FEEDBACK)

        self.header = CardHeader()
        # Short names for what callers and tests reach for most.
        self.title = self.header.title
        self.subtitle = self.header.subtitle
        self.reveal_button = self.header.reveal_button
        self.save_button = self.header.save_button
        self.reveal_button.clicked.connect(self.reveal_documents)
        self.header.rate_button.clicked.connect(self.record_rating)
        self.save_button.clicked.connect(self.save)
        self.save_button.setVisible(self.may_edit)

        # One line, its place kept: a message never shifts the fields below it.
        self.bar = MessageBar(one_line=True)
        self.form = PatientFormWidget()
        self.form.set_read_only(not self.may_edit)
        self._marked_text = ""  # the «check the marked fields» banner while it shows
        self.form.problems_shown.connect(self._marked_changed)
        self.tabs = CardTabs(context)

        # No splitter: the fields take the height they need (more while messages show
        # under them) and the tabs get the rest, so nothing is ever squeezed.
        self.tabs.setMinimumHeight(160)
        self.form.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.addWidget(self.header)
        layout.addWidget(self.bar)
        layout.addWidget(self.form)
        layout.addWidget(self.tabs, 1)

        QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self).activated.connect(self.save)
        if may_search(context):
            QShortcut(QKeySequence(NEXT_FREE_KEYS), self).activated.connect(self.next_free)
        self._notices = QTimer(self)
        self._notices.setSingleShot(True)
        self._notices.setInterval(DEBOUNCE_MS)
        self._notices.timeout.connect(self.tabs.refresh)
        if context.events is not None:
            context.events.changed.connect(self._on_change)
        self.resize(1200, 800)

        if insurers is not None:
            self._set_insurers(insurers)
        else:
            context.runner.submit(
                history.list_insurers,
                context.database.sessions,
                actor,
                on_success=self._set_insurers,
                on_failure=lambda _message: None,  # the list stays empty; the card still works
                owner=self,
            )
        if patient_id is None:
            self._show_new(prefill or PatientForm())
        else:
            self._show_loading()
            self._submit(
                cards.open_card, patient_id, on_success=self._on_opened, on_error=self._on_error
            )

    # --- state --------------------------------------------------------------------

    @property
    def patient_id(self) -> int | None:
        """The card's id (``None`` until a new card is saved)."""
        return self._patient_id

    @property
    def card(self) -> PatientCard | None:
        """The card as last read or saved."""
        return self._card

    @property
    def saving(self) -> bool:
        """True while a save is on the runner."""
        return self._saving

    @property
    def dirty(self) -> bool:
        """Whether something was typed since the card was opened or saved."""
        return self.may_edit and self.form.to_form() != self._opened

    def _submit(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        context = self._context
        if context.keyring is None:
            self.bar.show_message("error", self.tr("The identity-document key is not loaded."))
            return
        context.runner.submit(
            fn,
            context.database.sessions,
            context.actor,
            context.keyring,
            *args,
            owner=self,
            **kwargs,
        )

    def _set_insurers(self, insurers: Sequence[InsurerRow]) -> None:
        self.form.set_insurers(insurers)
        self.tabs.set_insurers(self.form.insurer_names)

    # --- showing ------------------------------------------------------------------

    def _show_loading(self) -> None:
        self.header.show_loading()
        self.setWindowTitle(self.tr("Patient's card"))
        self.form.setEnabled(False)

    def _show_new(self, form: PatientForm) -> None:
        self.header.show_new()
        self.setWindowTitle(self.tr("New patient"))
        if not self.may_reveal:
            hidden: dict[str, Any] = dict.fromkeys(IDENTITY_FIELDS)
            form = dataclasses.replace(form, **hidden)
        self.form.set_form(form, {})
        self._opened = self.form.to_form()
        # Later, like an opened card's: callers connect after constructing the editor.
        QTimer.singleShot(0, self, self._new_ready)  # not after the window is gone

    def _new_ready(self) -> None:
        self.form.focus_field(self._first_empty_name())
        self.loaded.emit(0)

    def _first_empty_name(self) -> str:
        form = self.form.to_form()
        for name in ("last_name", "first_name", "birth_date", "phone"):
            if not getattr(form, name).strip():
                return name
        return "patronymic" if not form.patronymic else "last_name"

    def _show_card(self, card: PatientCard) -> None:
        self._card = card
        self._patient_id = card.id
        self._expected_version = card.version
        form, self._masked = shown_form(card, may_reveal=self.may_reveal)
        self.form.setEnabled(True)
        self.form.set_form(form, self._masked)
        self.form.reset_checks()
        self._opened = self.form.to_form()
        self.header.show_card(card)
        self.setWindowTitle(self.tr("{name} — patient's card").format(name=card.full_name))
        self.reveal_button.setVisible(self.may_reveal and not self.form.documents_editable)
        self.header.rate_button.setVisible(self.may_rate)
        if self.tabs.patient_id != card.id:
            self.tabs.show_patient(card.id)
        else:
            self.tabs.refresh()

    @Slot(object)
    def _on_opened(self, card: PatientCard) -> None:
        self._show_card(card)
        self.loaded.emit(card.id)
        QTimer.singleShot(0, self.form, lambda: self.form.focus_field("phone"))

    def record_rating(self) -> RatingDialog | None:
        """Open the rating dialog for this patient (a saved card only)."""
        if self._patient_id is None or not self.may_rate:
            return None
        dialog = RatingDialog(self._context, patient_id=self._patient_id, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.rating_dialog = dialog
        dialog.open()
        return dialog

    # --- documents ----------------------------------------------------------------

    def reveal_documents(self) -> None:
        """Re-read the card with its documents in full (the controller journals it)."""
        if self._patient_id is None or not self.may_reveal:
            return
        self.reveal_button.setEnabled(False)
        self._submit(
            cards.open_card,
            self._patient_id,
            reveal=True,
            on_success=self._on_revealed,
            on_error=self._on_reveal_error,
        )

    def _on_revealed(self, card: PatientCard) -> None:
        self.reveal_button.setEnabled(True)
        if not self.dirty:
            self._show_card(card)
            return
        # Keep everything typed; only the documents come from the card.
        typed = self.form.to_form()
        documents = {name: getattr(card.form, name) for name in IDENTITY_FIELDS}
        documents["other_document_kind"] = card.form.other_document_kind
        self.form.set_form(dataclasses.replace(typed, **documents), self._masked)
        self._opened = dataclasses.replace(self._opened, **documents)
        self.reveal_button.setVisible(False)

    def _on_reveal_error(self, _error: BaseException, message: str) -> None:
        self.reveal_button.setEnabled(True)
        self.bar.show_message("error", message)

    def next_free(self) -> NextFreeDialog | None:
        """Ctrl+F: «Ближайшее свободное» for this patient (once the card is saved)."""
        card = self.card
        if card is None:
            self.bar.show_message("error", self.tr("Save the card first, then Ctrl+F"))
            return None
        return open_next_free(self._context, card.id, card.full_name, self)

    # --- saving -------------------------------------------------------------------

    def save(self, *, allow_same_name: bool = False, form: PatientForm | None = None) -> None:
        """Save what is typed (Ctrl+S); refusals are shown, nothing typed is lost."""
        if self._saving or not self.may_edit or not self.form.isEnabled():
            return
        form = form or self.form.to_form()
        self._saving = True
        self.header.set_saving(True)
        if self._patient_id is None:
            self._submit(
                cards.create_patient,
                form,
                allow_same_name=allow_same_name,
                on_success=self._on_saved,
                on_error=self._on_error,
            )
        else:
            self._submit(
                cards.update_patient,
                self._patient_id,
                form,
                expected_version=self._expected_version,
                allow_same_name=allow_same_name,
                on_success=self._on_saved,
                on_error=self._on_error,
            )

    def _saving_done(self) -> None:
        self._saving = False
        self.header.set_saving(False)

    def _on_saved(self, card: PatientCard) -> None:
        self._saving_done()
        self._show_card(card)
        self.bar.show_message("done", self.tr("Saved."))
        self.saved.emit(card.id)

    def _on_error(self, error: BaseException, message: str) -> None:
        self._saving_done()
        if self._card is None and self._patient_id is not None:
            self.header.show_failed()
        if isinstance(error, PatientInvalid):
            self.form.show_problems(error.problems)
            self._say_marked(len(error.problems))
        elif isinstance(error, DuplicatePatient):
            self.form.show_problems([FieldProblem(error.field or "last_name", message)])
            self.bar.show_message(
                "warning",
                message,
                [(self.tr("Open the card"), lambda: self.open_requested.emit(error.existing_id))],
            )
        elif isinstance(error, PossibleDuplicate):
            existing = error.existing_ids[0]
            self.bar.show_message(
                "warning",
                self.tr("{message}. Is it the same person?").format(message=message),
                [
                    (self.tr("Save anyway"), lambda: self.save(allow_same_name=True)),
                    (self.tr("Open the card"), lambda: self.open_requested.emit(existing)),
                ],
            )
        elif isinstance(error, PatientConflict):
            self.bar.show_message("warning", message)
            self._resolve(error)
        else:
            self.bar.show_message("error", message)
        self.save_failed.emit(message)

    def _say_marked(self, count: int) -> None:
        self._marked_text = self.tr("Check the marked fields: {count}").format(count=count)
        self.bar.show_message("error", self._marked_text)

    def _marked_changed(self, count: int) -> None:
        """Keep the banner's count true while the registrar corrects the fields; it
        goes once none is marked (a different message on the bar is left alone)."""
        if not self._marked_text or self.bar.text() != self._marked_text:
            return
        if count:
            self._say_marked(count)
        else:
            self._marked_text = ""
            self.bar.clear()

    def _resolve(self, conflict: PatientConflict) -> None:
        dialog = ConflictDialog(conflict, self._opened, self.form.insurer_names, self)
        self.conflict_dialog = dialog
        dialog.accepted.connect(lambda: self._save_merged(dialog))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def _save_merged(self, dialog: ConflictDialog) -> None:
        conflict = dialog.conflict
        merged = dialog.merged_form()
        # From now on the card as the other desk left it is what this desk "opened".
        self._expected_version = conflict.theirs.version
        self._opened = conflict.theirs.form
        self.form.set_form(merged, self._masked)
        self.save(form=merged)

    # --- notices and closing ------------------------------------------------------

    @Slot(dict)
    def _on_change(self, event: dict) -> None:
        if self._patient_id is None:
            return
        table = event.get("table")
        mine = event.get("patient_id") == self._patient_id or (
            table == "patient" and event.get("id") == self._patient_id
        )
        if mine and table in ("patient", "appointment", "referral"):
            self._notices.start()

    def reject(self) -> None:  # Esc and the close button
        if self.dirty and not self._closing_confirmed:
            self._ask_to_close()
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:  # Qt's name
        if self.dirty and not self._closing_confirmed:
            event.ignore()
            self._ask_to_close()
            return
        super().closeEvent(event)

    def _ask_to_close(self) -> None:
        box = UnsavedChangesBox(self)
        box.finished.connect(lambda _result: self._closed_box(box))
        self.close_box = box
        box.open()

    def _closed_box(self, box: UnsavedChangesBox) -> None:
        box.deleteLater()
        self.close_box = None
        if box.clickedButton() is box.discard_button:
            self._closing_confirmed = True
            self.reject()
