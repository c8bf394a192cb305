"""The search box over everything (Ctrl+K): a line to type in and the results grouped
by kind beneath it.

Keyboard first: typing searches (after a pause, on the runner: the window never waits
on the database), ↑/↓ and PgUp/PgDn move between results over the group headings,
Enter opens the chosen one (typed fast, a scanned ticket's code with its Enter: the
first result as soon as the answer comes), Esc closes. An answer for text no longer in
the box is dropped; the box asks again for what it holds now.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crm.controllers.search.everything import (
    MIN_TEXT,
    Kind,
    SearchHit,
    SearchResults,
    search_everything,
)
from crm.views import AppContext
from crm.views.serial_read import Query, SerialRead

#: The pause after the last key before the search is asked.
DEBOUNCE_MS = 200
HIT = Qt.ItemDataRole.UserRole
HEADING_BACKGROUND = QColor("#e8eef6")


def _normal(text: str) -> str:
    return " ".join(text.split())


class SearchPopup(QDialog):
    """The Ctrl+K box: not modal, above the main window, hidden again after a choice.

    Args:
        context: the logged-in user's context.
        parent: the main window.

    Signals:
        shown_results(object): the :class:`SearchResults` now listed.
        open_patient(int): Enter on a patient.
        open_appointment(int, object): Enter on an appointment (its id and day).
        open_referral(int, str): Enter on a referral (its id and number).
        open_medical_record(int): Enter on a document (its patient's card, «Медкарта»).
        open_doctor(int): Enter on a doctor.
        open_service(int): Enter on a service.
        open_user(str): Enter on a user (the login).
    """

    shown_results = Signal(object)
    open_patient = Signal(int)
    open_appointment = Signal(int, object)
    open_referral = Signal(int, str)
    open_medical_record = Signal(int)
    open_doctor = Signal(int)
    open_service = Signal(int)
    open_user = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("searchPopup")
        self.setWindowTitle(self.tr("Search"))
        self.setModal(False)
        self._context = context
        self.results: SearchResults | None = None
        self._open_when_answered = False

        self.edit = QLineEdit()
        self.edit.setObjectName("searchText")
        self.edit.setPlaceholderText(
            self.tr("Patient, ticket, referral number, document, service, user…")
        )
        self.edit.setClearButtonEnabled(True)
        self.edit.installEventFilter(self)
        self.list = QListWidget()
        self.list.setObjectName("searchResults")
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.list.setUniformItemSizes(False)
        self.list.itemActivated.connect(lambda _item: self.open_current())
        self.list.itemClicked.connect(lambda _item: self.open_current())
        self.state = QLabel()
        self.state.setObjectName("searchState")
        self.state.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.edit)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.state)
        self.resize(620, 460)

        self._reader = SerialRead(context, self, self._query, self._show, self._failed)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self._ask)
        self.edit.textChanged.connect(self._typed)
        self._say(self.tr("Type a name, a ticket's code, a referral's number…"))

    # --- showing ----------------------------------------------------------------------

    def popup(self) -> None:
        """Ctrl+K: show the box over the top of the parent window, the text selected."""
        parent = self.parentWidget()
        if parent is not None:
            top = parent.mapToGlobal(parent.rect().topLeft())
            self.move(top.x() + (parent.width() - self.width()) // 2, top.y() + 60)
        if self.isVisible():
            self.raise_()  # Ctrl+K again: back on top (a new one opens on top by itself)
        else:
            self.show()
        self.activateWindow()
        self.edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.edit.selectAll()

    @property
    def searching(self) -> bool:
        """True while a search waits for its pause or for its answer."""
        return self._debounce.isActive() or self._reader.loading

    # --- asking -----------------------------------------------------------------------

    def _typed(self, _text: str) -> None:
        self._open_when_answered = False
        self._debounce.start()

    def _ask(self) -> None:
        if len(_normal(self.edit.text())) < MIN_TEXT:
            self._open_when_answered = False
            self.results = None
            self.list.clear()
            self._say(self.tr("Type a name, a ticket's code, a referral's number…"))
            return
        self._say(self.tr("Searching…"))
        self._reader.request()

    def _query(self) -> Query:
        context = self._context
        args = (context.database.sessions, context.actor, context.keyring, self.edit.text())
        return search_everything, args, {}

    def _show(self, results: SearchResults) -> None:
        if results.text != _normal(self.edit.text()):
            return  # typed on meanwhile: the box asks again (its pause is running)
        self.results = results
        self.list.clear()
        bold = QFont(self.list.font())
        bold.setBold(True)
        for group in results.groups:
            heading = QListWidgetItem(group.title + (" …" if group.has_more else ""))
            heading.setFlags(Qt.ItemFlag.ItemIsEnabled)  # read, never chosen
            heading.setFont(bold)
            heading.setBackground(HEADING_BACKGROUND)
            self.list.addItem(heading)
            for hit in group.hits:
                text = f"{hit.title}\n    {hit.detail}" if hit.detail else hit.title
                item = QListWidgetItem(text)
                item.setData(HIT, hit)
                item.setToolTip(f"{hit.title} — {hit.detail}")
                self.list.addItem(item)
        if results.groups:
            self.state.hide()
            self._step(1, from_row=-1)
        else:
            self._say(self.tr("Nothing found for «{text}»").format(text=results.text))
        self.shown_results.emit(results)
        if self._open_when_answered:
            self._open_when_answered = False
            self.open_current()

    def _failed(self, message: str) -> None:
        self._open_when_answered = False
        self._say(message)

    def _say(self, text: str) -> None:
        self.state.setText(text)
        self.state.show()

    # --- moving and choosing ------------------------------------------------------------

    def current_hit(self) -> SearchHit | None:
        """The result chosen now."""
        item = self.list.currentItem()
        hit = item.data(HIT) if item is not None else None
        return hit if isinstance(hit, SearchHit) else None

    def _step(self, step: int, *, from_row: int | None = None) -> None:
        """Move to the next result ``step`` rows on (headings skipped), clamped."""
        row = self.list.currentRow() if from_row is None else from_row
        count = self.list.count()
        direction = 1 if step > 0 else -1
        target = None
        for _ in range(abs(step)):
            probe = row + direction
            while 0 <= probe < count and self.list.item(probe).data(HIT) is None:
                probe += direction
            if not 0 <= probe < count:
                break
            row = target = probe
        if target is not None:
            self.list.setCurrentRow(target)
            self.list.scrollToItem(self.list.item(target))

    def open_current(self) -> None:
        """Open the chosen result's screen and close the box."""
        if self.searching:  # Enter before the answer: open its first result
            self._open_when_answered = True
            if self._debounce.isActive():
                self._debounce.stop()
                self._ask()
            return
        hit = self.current_hit()
        if hit is None:
            return
        self.hide()
        if hit.kind is Kind.PATIENT:
            self.open_patient.emit(hit.id)
        elif hit.kind is Kind.APPOINTMENT:
            self.open_appointment.emit(hit.id, hit.day)
        elif hit.kind is Kind.REFERRAL:
            self.open_referral.emit(hit.id, hit.key or hit.title)
        elif hit.kind is Kind.DOCUMENT and hit.patient_id is not None:
            self.open_medical_record.emit(hit.patient_id)
        elif hit.kind is Kind.DOCTOR:
            self.open_doctor.emit(hit.id)
        elif hit.kind is Kind.SERVICE:
            self.open_service.emit(hit.id)
        elif hit.kind is Kind.USER and hit.key:
            self.open_user.emit(hit.key)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # Qt's name
        if watched is self.edit and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            steps = {
                Qt.Key.Key_Down: 1,
                Qt.Key.Key_Up: -1,
                Qt.Key.Key_PageDown: 5,
                Qt.Key.Key_PageUp: -5,
            }
            if key in steps:
                self._step(steps[Qt.Key(key)])
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.open_current()
                return True
            if key == Qt.Key.Key_Escape:
                self.hide()
                return True
        return super().eventFilter(watched, event)
