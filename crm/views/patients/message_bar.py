"""A strip across the card that says what happened, with up to two buttons to act on it;
and the question asked before a card with unsaved changes is closed."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QToolButton,
    QWidget,
)

from crm.views.controls import OneLineLabel

STYLES = {
    "error": ("#fdecea", "#c62828", "#8e1b1b"),
    "warning": ("#fff4e0", "#f0c36d", "#5c3d00"),
    "info": ("#e8f1fb", "#8ab4e0", "#0d3c61"),
    "done": ("#e8f5e9", "#81c784", "#1b5e20"),
}


class MessageBar(QFrame):
    """A coloured message with optional buttons; hidden while there is nothing to say.

    Args:
        parent: the Qt parent.
        one_line: keep to one line and keep the place while hidden, so a message
            appearing or going never moves what is below (a longer text is cut, whole
            in the tooltip). For bars above fields or the schedule grid.

    Signals:
        The standard ones of :class:`QFrame` only; the buttons call what they are given.
    """

    def __init__(self, parent: QWidget | None = None, *, one_line: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("messageBar")
        self.label: QLabel = OneLineLabel() if one_line else QLabel()
        self.label.setObjectName("messageText")
        self.label.setWordWrap(not one_line)
        self.first_button = QPushButton()
        self.first_button.setObjectName("messageAction1")
        self.second_button = QPushButton()
        self.second_button.setObjectName("messageAction2")
        # Read it, then put it away: a message stays until something replaces it.
        self.close_button = QToolButton()
        self.close_button.setObjectName("messageClose")
        self.close_button.setText("✕")
        self.close_button.setAutoRaise(True)
        self.close_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.close_button.setToolTip(self.tr("Hide the message"))
        self.close_button.clicked.connect(self.clear)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.first_button)
        layout.addWidget(self.second_button)
        layout.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self._calls: list[Callable[[], None] | None] = [None, None]
        for position, button in enumerate((self.first_button, self.second_button)):
            button.setAutoDefault(False)
            button.hide()
            button.clicked.connect(lambda _checked=False, p=position: self._clicked(p))
        self._kind = ""
        if one_line:
            policy = self.sizePolicy()
            policy.setRetainSizeWhenHidden(True)
            self.setSizePolicy(policy)
            inner = max(self.label.sizeHint().height(), self.first_button.sizeHint().height())
            self.setFixedHeight(inner + 12 + 2 * self.frameWidth() + 2)
        self.hide()

    @property
    def kind(self) -> str:
        """``error``, ``warning``, ``info``, ``done`` or ``""`` when hidden."""
        return self._kind

    def text(self) -> str:
        """The message shown ("" when hidden)."""
        return self.label.text() if self._kind else ""

    def show_message(
        self,
        kind: str,
        text: str,
        actions: list[tuple[str, Callable[[], None]]] | None = None,
    ) -> None:
        """Show ``text`` in the colours of ``kind`` with up to two ``(caption, call)`` buttons."""
        background, border, colour = STYLES[kind]
        self._kind = kind
        self.setStyleSheet(
            f"QFrame#messageBar {{ background: {background}; border: 1px solid {border};"
            f" border-radius: 4px; }} QLabel#messageText {{ color: {colour}; }}"
        )
        self.label.setText(text)
        buttons = (self.first_button, self.second_button)
        actions = list(actions or [])[: len(buttons)]
        self._calls = [None, None]
        for button in buttons:
            button.hide()
        for position, (caption, call) in enumerate(actions):
            buttons[position].setText(caption)
            self._calls[position] = call
            buttons[position].show()
        self.show()

    def show_question(
        self, kind: str, text: str, answers: list[tuple[str, Callable[[], None]]]
    ) -> None:
        """Like :meth:`show_message`, but any answer clicked puts the question away
        before its call runs (which may say something new)."""

        def answered(call: Callable[[], None]) -> Callable[[], None]:
            def run() -> None:
                self.clear()
                call()

            return run

        self.show_message(kind, text, [(caption, answered(call)) for caption, call in answers])

    def _clicked(self, position: int) -> None:
        call = self._calls[position]
        if call is not None:
            call()

    def withdraw(self, text: str) -> None:
        """Hide the message if it is still ``text`` (a newer one stays)."""
        if self._kind and self.label.text() == text:
            self.clear()

    def clear(self) -> None:
        """Hide the message."""
        self._kind = ""
        self.label.clear()
        self.hide()


class UnsavedChangesBox(QMessageBox):
    """«Close the card and lose the changes?» — open it with ``open()``.

    Args:
        parent: the card window.

    Signals:
        The standard ones of :class:`QMessageBox`; compare ``clickedButton()`` with
        :attr:`discard_button` in a slot of ``finished``.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setIcon(QMessageBox.Icon.Question)
        self.setWindowTitle(self.tr("Unsaved changes"))
        self.setText(self.tr("The card has unsaved changes. Close it and lose them?"))
        self.discard_button = self.addButton(
            self.tr("Close without saving"), QMessageBox.ButtonRole.DestructiveRole
        )
        self.stay_button = self.addButton(
            self.tr("Back to the card"), QMessageBox.ButtonRole.RejectRole
        )
        self.setDefaultButton(self.stay_button)
        self.setEscapeButton(self.stay_button)
