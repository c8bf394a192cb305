"""Input widgets of the card: masked numbers that accept pasted text of any shape, and a
box that puts a field's message (red problem, amber warning) right under it.

Input masks (``999-999-999 99``) make typing a number quick, but Qt places pasted
characters position by position, so ``112 233 445 95`` pasted into a СНИЛС mask would
come out as ``112-- 23``. :class:`MaskedEdit` cleans pasted and dropped text first
(digits only; a date in ``ГГГГ-ММ-ДД`` or ``Д.М.ГГГГ`` turned into ``ДД.ММ.ГГГГ``).
A masked edit with nothing typed returns ``""``, not its separators.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import (
    QContextMenuEvent,
    QDropEvent,
    QFocusEvent,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPalette,
)
from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout, QWidget

from crm.views.controls import OneLineLabel, keep_height

SNILS_MASK = "999-999-999 99;_"
DATE_MASK = "99.99.9999;_"
PASSPORT_MASK = "99 99 999999;_"
SUBDIVISION_MASK = "999-999;_"

PROBLEM_COLOUR = "#c62828"
WARNING_COLOUR = "#9a6700"
_DIGIT = re.compile(r"[0-9]")
_ISO_DATE = re.compile(r"\s*([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})\s*")
_SHORT_DATE = re.compile(r"\s*([0-9]{1,2})[./]([0-9]{1,2})[./]([0-9]{4})\s*")


def set_read_only(edit: QLineEdit, read_only: bool) -> None:
    """Make ``edit`` read-only (or not) and look it: a read-only field takes the
    window's colour instead of the white of a field waiting for typing. It still
    takes focus, so that its text can be selected and copied."""
    edit.setReadOnly(read_only)
    palette = QApplication.palette(edit)
    if read_only:
        palette.setColor(QPalette.ColorRole.Base, palette.color(QPalette.ColorRole.Window))
    edit.setPalette(palette)


def clean_pasted(text: str, *, date: bool = False) -> str:
    """What a masked edit should insert for pasted ``text``: its digits, in mask order.

    Args:
        text: the clipboard's text.
        date: the edit holds a ``ДД.ММ.ГГГГ`` date (ISO and one-digit days are reordered).
    """
    if date:
        if match := _ISO_DATE.fullmatch(text):
            year, month, day = match.groups()
            return f"{int(day):02d}{int(month):02d}{year}"
        if match := _SHORT_DATE.fullmatch(text):
            day, month, year = match.groups()
            return f"{int(day):02d}{int(month):02d}{year}"
    return "".join(_DIGIT.findall(text))


class MaskedEdit(QLineEdit):
    """A line edit with an input mask that pastes any shape of number correctly.

    While it shows a masked value (``***-***-445 95`` for a role that may not read the
    number) it has no mask and is read-only.

    Args:
        mask: the Qt input mask, e.g. :data:`SNILS_MASK`.
        date: the mask is a ``ДД.ММ.ГГГГ`` date.
        parent: the Qt parent.

    Signals:
        The standard ones of :class:`QLineEdit` only.
    """

    def __init__(self, mask: str, *, date: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._mask = mask
        self._date = date
        self._showing_masked = False
        self.setInputMask(mask)

    def value(self) -> str:
        """What was typed (with the mask's separators), or ``""`` when nothing was."""
        if self._showing_masked:
            return ""
        text = self.text()
        return text.strip() if _DIGIT.search(text) else ""

    def set_value(self, text: str) -> None:
        """Show ``text`` for editing (the mask comes back if a masked value was shown)."""
        if self._showing_masked:
            self._showing_masked = False
            self.setInputMask(self._mask)
        if self._date or not text:
            self.setText(text)
        else:
            self.setText(clean_pasted(text))

    def show_masked(self, text: str) -> None:
        """Show ``text`` (a masked number) as it is, read-only."""
        self._showing_masked = True
        self.setInputMask("")
        self.setText(text)
        set_read_only(self, True)

    @property
    def showing_masked(self) -> bool:
        """True while a masked value is shown."""
        return self._showing_masked

    def paste_text(self, text: str) -> None:
        """Insert ``text`` as pasted: cleaned, replacing the selection or everything
        when the edit is empty."""
        if self.isReadOnly():
            return
        digits = clean_pasted(text, date=self._date)
        if not digits:
            return
        if not self.value() or len(self.selectedText()) == len(self.text()):
            self.setText(digits)
        else:
            if self.hasSelectedText():
                self.del_()
            self.insert(digits)

    # --- Qt overrides -------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:  # Qt's name
        if event.matches(QKeySequence.StandardKey.Paste) and not self._showing_masked:
            self.paste_text(QApplication.clipboard().text())
            event.accept()
            return
        super().keyPressEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # Qt's name
        menu = self.createStandardContextMenu()
        paste = next((a for a in menu.actions() if a.objectName() == "edit-paste"), None)
        if paste is not None and not self._showing_masked:
            paste.triggered.disconnect()
            paste.triggered.connect(lambda: self.paste_text(QApplication.clipboard().text()))
        # popup(), not exec(): no nested event loop under qasync.
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(event.globalPos())

    def dropEvent(self, event: QDropEvent) -> None:  # Qt's name
        if event.mimeData().hasText() and not self.isReadOnly():
            self.setFocus()
            self.paste_text(event.mimeData().text())
            event.acceptProposedAction()
            return
        super().dropEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:  # Qt's name
        super().focusInEvent(event)
        if not self.value() and not self._showing_masked:
            # The mask's blanks would otherwise take the caret wherever the click landed.
            QTimer.singleShot(0, self, self._caret_home)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # Qt's name
        super().mousePressEvent(event)
        if not self.value() and not self._showing_masked:
            self._caret_home()

    def _caret_home(self) -> None:
        if not self.value():
            self.setCursorPosition(0)


class FieldBox(QWidget):
    """One field of the card: its input with the field's message right under it, on one
    line reserved for it (a longer message is cut, whole in the tooltip).

    Args:
        editor: the input widget (kept as :attr:`editor`).
        parent: the Qt parent.

    Signals:
        left(): the input lost the keyboard focus (time to check it).
    """

    left = Signal()

    def __init__(self, editor: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        # One line, always there: a message appearing never moves the fields below.
        self.message = OneLineLabel()
        self.message.setObjectName("fieldMessage")
        font = self.message.font()
        font.setPointSizeF(font.pointSizeF() * 0.9)
        self.message.setFont(font)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(1)
        keep_height(editor)
        layout.addWidget(editor)
        layout.addWidget(self.message)
        self.setFocusProxy(editor)
        editor.installEventFilter(self)
        self._kind = ""

    @property
    def kind(self) -> str:
        """``"problem"``, ``"warning"`` or ``""`` (nothing shown)."""
        return self._kind

    def show_problem(self, text: str) -> None:
        """Show ``text`` in red under the input and outline the input."""
        self._show("problem", text, PROBLEM_COLOUR)
        self.editor.setStyleSheet(f"border: 1px solid {PROBLEM_COLOUR};")

    def show_warning(self, text: str) -> None:
        """Show ``text`` in amber under the input (it does not stop saving)."""
        self._show("warning", text, WARNING_COLOUR)
        self.editor.setStyleSheet("")

    def clear_message(self) -> None:
        """Nothing to say about this field."""
        if not self._kind:
            return
        self._kind = ""
        self.message.clear()
        self.editor.setStyleSheet("")

    def _show(self, kind: str, text: str, colour: str) -> None:
        self._kind = kind
        self.message.setText(text)
        self.message.setStyleSheet(f"color: {colour};")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # Qt's name
        if watched is self.editor and event.type() == QEvent.Type.FocusOut:
            reason = getattr(event, "reason", lambda: None)()
            # A popup (the combo's list, a context menu) is not leaving the field.
            if reason != Qt.FocusReason.PopupFocusReason:
                self.left.emit()
        return super().eventFilter(watched, event)
