"""The card windows the Patients section has open: one per patient, new cards apart.

Opening a card that already has a window brings that window forward rather than
opening a second editor of the same card on the same desk. The insurer list is read
once and handed to every later window.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QWidget

from crm.controllers.patients import history
from crm.controllers.patients.form import PatientForm
from crm.controllers.patients.history import InsurerRow
from crm.views import AppContext
from crm.views.patients.card_editor import CardEditor


class CardWindows(QObject):
    """Opens, tracks and forgets the card editors of one workstation.

    Args:
        context: the logged-in user's context.
        owner: the widget whose window the editors stay above.

    Signals:
        opened(object): a :class:`CardEditor` was opened or brought forward.
        saved(int): a card was saved in one of the windows; carries its id.
        closed(): a card window was closed.
    """

    opened = Signal(object)
    saved = Signal(int)
    closed = Signal()

    def __init__(self, context: AppContext, owner: QWidget) -> None:
        super().__init__(owner)
        self._context = context
        self._owner = owner
        self._by_patient: dict[int, CardEditor] = {}
        self._new: list[CardEditor] = []
        self._insurers: list[InsurerRow] | None = None
        self._asked_insurers = False

    def editor_of(self, patient_id: int) -> CardEditor | None:
        """The open window of ``patient_id``'s card, if any."""
        return self._by_patient.get(patient_id)

    def has_unsaved_changes(self) -> bool:
        """Whether an open card holds typed, unsaved changes."""
        return any(editor.dirty for editor in (*self._by_patient.values(), *self._new))

    def open_card(self, patient_id: int) -> CardEditor:
        """Open ``patient_id``'s card (or bring its window forward)."""
        editor = self._by_patient.get(patient_id)
        if editor is None:
            editor = CardEditor(
                self._context, patient_id, insurers=self._insurers, parent=self._owner.window()
            )
            self._track(editor)
            self._by_patient[patient_id] = editor
        self._present(editor)
        return editor

    def new_card(self, prefill: PatientForm) -> CardEditor:
        """Open a new, empty card filled with ``prefill``."""
        editor = CardEditor(
            self._context, prefill=prefill, insurers=self._insurers, parent=self._owner.window()
        )
        self._track(editor)
        self._new.append(editor)
        self._present(editor)
        return editor

    def _present(self, editor: CardEditor) -> None:
        editor.show()
        editor.activateWindow()
        self.opened.emit(editor)

    def _track(self, editor: CardEditor) -> None:
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        editor.open_requested.connect(self.open_card)
        editor.saved.connect(lambda patient_id, e=editor: self._on_saved(e, patient_id))
        editor.finished.connect(lambda _result: self.closed.emit())
        editor.destroyed.connect(lambda _obj=None, e=editor: self._forget(e))
        if not self._asked_insurers:
            self._load_insurers()

    def _on_saved(self, editor: CardEditor, patient_id: int) -> None:
        if editor in self._new:
            # A new card saved: from now on it is that patient's window.
            self._new.remove(editor)
            self._by_patient.setdefault(patient_id, editor)
        self.saved.emit(patient_id)

    def _forget(self, editor: CardEditor) -> None:
        self._by_patient = {key: e for key, e in self._by_patient.items() if e is not editor}
        if editor in self._new:
            self._new.remove(editor)

    def _load_insurers(self) -> None:
        self._asked_insurers = True
        self._context.runner.submit(
            history.list_insurers,
            self._context.database.sessions,
            self._context.actor,
            on_success=self._remember_insurers,
            on_failure=lambda _message: setattr(self, "_asked_insurers", False),
            owner=self,
        )

    def _remember_insurers(self, insurers: list[InsurerRow]) -> None:
        self._insurers = insurers
