"""«Шаблоны»: a manager edits the texts of the notices, one per purpose and channel.

The list on the left is every purpose × channel (the clinic's own text or the standard
one); on the right the subject (e-mail) and the text, a menu that inserts a placeholder
where the cursor is, the SMS length as it is typed (characters, GSM-7 or UCS-2, parts),
and a preview filled with a real appointment — the next one booked, or one chosen. The
preview is filled on the GUI thread from the appointment's values read once
(:func:`~crm.controllers.notifications.templates.render` is pure); saving, «Вернуть
стандартный» and reading go through the runner. What was typed into a text and not saved
stays while another one is looked at, and when another desk saves one (the list is read
again); a refusal names the field and keeps the text.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from crm.controllers.errors import ValidationError
from crm.controllers.notifications import template_editing as editing
from crm.controllers.notifications.template_editing import (
    PreviewVisit,
    TemplateConflict,
    TemplateRow,
    VisitChoice,
)
from crm.controllers.notifications.templates import (
    Template,
    check_text,
    placeholders,
    purpose_title,
    render,
    sms_segments,
)
from crm.models.enums import NotificationChannel
from crm.views import AppContext
from crm.views.patients.fields import PROBLEM_COLOUR

Key = tuple[str, NotificationChannel]
ROLE_KEY = Qt.ItemDataRole.UserRole


class _SubjectEdit(QLineEdit):
    """The subject line; tells the tab it was the last field typed in."""

    focused = Signal()

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt's name
        super().focusInEvent(event)
        self.focused.emit()


class TemplatesTab(QWidget):
    """The editor of the notices' texts.

    Args:
        context: the logged-in user's context (a manager or an administrator).
        parent: the Qt parent.

    Signals:
        loaded(): the texts were (re)read.
        previewed(int): the preview is filled with appointment ``id``.
        saved(str, str): a text was saved (purpose, channel).
        failed(str): a refusal or an error, ready to show.
    """

    loaded = Signal()
    previewed = Signal(int)
    saved = Signal(str, str)
    failed = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("templatesTab")
        self._context = context
        self._rows: dict[Key, TemplateRow] = {}
        #: What was typed and not saved: subject, body and the version it was typed over
        #: (a text another desk saves meanwhile is not overwritten unasked).
        self._drafts: dict[Key, tuple[str, str, int]] = {}
        self._current: Key | None = None
        self._visit: PreviewVisit | None = None
        self._filling = False
        self._insert_into_subject = False
        self.may_edit = editing.may_edit(context.actor)

        self.list = QListWidget()
        self.list.setObjectName("templateList")
        self.list.currentItemChanged.connect(self._chosen)

        self.title = QLabel()
        self.title.setObjectName("templateTitle")
        self.title.setStyleSheet("font-weight: bold;")
        self.state = QLabel()
        self.state.setObjectName("templateState")
        self.subject = _SubjectEdit()
        self.subject.setObjectName("templateSubject")
        self.subject.setMaxLength(editing.SUBJECT_LIMIT)
        self.subject.textEdited.connect(self._edited)
        self.subject.focused.connect(lambda: self._remember_field(subject=True))
        self.subject_label = QLabel(self.tr("Subject"))
        self.body = QPlainTextEdit()
        self.body.setObjectName("templateBody")
        self.body.textChanged.connect(self._edited)
        self.body.cursorPositionChanged.connect(lambda: self._remember_field(subject=False))

        self.insert_button = QToolButton()
        self.insert_button.setObjectName("insertPlaceholder")
        self.insert_button.setText(self.tr("Insert a placeholder"))
        self.insert_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.insert_menu = QMenu(self.insert_button)
        self.insert_button.setMenu(self.insert_menu)
        self.length = QLabel()
        self.length.setObjectName("smsLength")

        self.visits = QComboBox()
        self.visits.setObjectName("previewVisit")
        self.visits.addItem(self.tr("the next appointment"), None)
        self.visits.activated.connect(self._visit_chosen)
        self.preview = QPlainTextEdit()
        self.preview.setObjectName("templatePreview")
        self.preview.setReadOnly(True)

        self.message = QLabel()
        self.message.setObjectName("templateMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(f"color: {PROBLEM_COLOUR};")
        self.save_button = QPushButton(self.tr("Save"))
        self.save_button.setObjectName("saveTemplate")
        self.save_button.clicked.connect(self.save)
        self.reset_button = QPushButton(self.tr("Restore the standard text"))
        self.reset_button.setObjectName("resetTemplate")
        self.reset_button.clicked.connect(self.reset)
        self._layout()
        self._update_buttons()
        if context.events is not None:
            context.events.changed.connect(self._on_change)
        self.refresh()
        self.choose_visit(None)
        self._submit(editing.upcoming_visits, on_success=self._set_visits)

    def _layout(self) -> None:
        form = QFormLayout()
        form.addRow(self.subject_label, self.subject)
        form.addRow(self.tr("Text"), self.body)
        tools = QHBoxLayout()
        tools.addWidget(self.insert_button)
        tools.addStretch(1)
        tools.addWidget(self.length)
        preview_row = QHBoxLayout()
        preview_row.addWidget(QLabel(self.tr("Preview with")))
        preview_row.addWidget(self.visits, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.reset_button)
        buttons.addWidget(self.save_button)
        editor = QWidget()
        right = QVBoxLayout(editor)
        right.addWidget(self.title)
        right.addWidget(self.state)
        right.addLayout(form, 3)
        right.addLayout(tools)
        right.addLayout(preview_row)
        right.addWidget(self.preview, 2)
        right.addWidget(self.message)
        right.addLayout(buttons)
        splitter = QSplitter()
        splitter.addWidget(self.list)
        splitter.addWidget(editor)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([250, 750])
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(splitter)

    # --- reading ------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the texts again (what is typed and not saved stays)."""
        self._submit(editing.list_templates, on_success=self._on_listed)

    def _on_change(self, change: dict[str, Any]) -> None:
        if change.get("table") == "notice_template":
            self.refresh()

    def choose_visit(self, appointment_id: int | None) -> None:
        """Fill the preview with appointment ``appointment_id`` (``None``: the next one)."""
        self._submit(editing.preview_visit, appointment_id, on_success=self._on_visit)

    def _submit(
        self, fn: Callable[..., Any], *args: Any, on_success: Callable[[Any], None]
    ) -> None:
        self._context.runner.submit(
            fn, self._context.database.sessions, self._context.actor, *args,
            on_success=on_success, on_failure=self._on_failed, owner=self,
        )  # fmt: skip

    def _item_title(self, row: TemplateRow) -> str:
        channel = self.tr("e-mail") if row.channel is NotificationChannel.EMAIL else self.tr("SMS")
        return f"{purpose_title(row.purpose)} — {channel}"

    def _show_item(self, item: QListWidgetItem, row: TemplateRow) -> None:
        """The clinic's own texts in bold, one typed and not saved marked with •."""
        edited = " •" if (row.purpose, row.channel) in self._drafts else ""
        item.setText(self._item_title(row) + edited)
        font = item.font()
        font.setBold(row.custom)
        item.setFont(font)
        item.setToolTip(self.tr("own text") if row.custom else self.tr("standard"))

    def _on_listed(self, rows: list[TemplateRow]) -> None:
        self._rows = {(r.purpose, r.channel): r for r in rows}
        current = self._current
        self.list.blockSignals(True)
        self.list.clear()
        for row in rows:
            item = QListWidgetItem()
            item.setData(ROLE_KEY, (row.purpose, row.channel.value))
            self._show_item(item, row)
            self.list.addItem(item)
        self.list.blockSignals(False)
        keys = list(self._rows)
        self.list.setCurrentRow(keys.index(current) if current in keys else 0)
        self.loaded.emit()

    def _set_visits(self, choices: list[VisitChoice]) -> None:
        for choice in choices:
            self.visits.addItem(choice.title, choice.id)

    def _visit_chosen(self, index: int) -> None:
        self.choose_visit(self.visits.itemData(index))

    def _on_visit(self, visit: PreviewVisit | None) -> None:
        self._visit = visit
        self._show_preview()
        if visit is not None and self.visits.currentData() is None:
            self.visits.setItemText(0, self.tr("the next appointment: {visit}").format(
                visit=visit.title))  # fmt: skip
        if visit is not None:
            self.previewed.emit(visit.id)

    # --- editing ------------------------------------------------------------------------

    def _chosen(self, item: QListWidgetItem | None, _previous: object = None) -> None:
        if item is None:
            return
        purpose, channel = item.data(ROLE_KEY)
        key = (purpose, NotificationChannel(channel))
        self._current = key
        row = self._rows[key]
        subject, body, _ = self._drafts.get(key, (row.subject or "", row.body, row.version))
        email = row.channel is NotificationChannel.EMAIL
        self._filling = True
        self.subject.setText(subject)
        self.body.setPlainText(body)
        self._filling = False
        self.subject.setVisible(email)
        self.subject_label.setVisible(email)
        self.title.setText(self._item_title(row))
        self.state.setText(self._state_text(row))
        self.insert_menu.clear()
        for name, meaning in placeholders(purpose).items():
            action = self.insert_menu.addAction(f"{{{name}}} — {meaning}")
            action.setData(name)
            action.triggered.connect(lambda _=False, n=name: self.insert_placeholder(n))
        self.message.clear()
        self._insert_into_subject = False
        self._show_preview()
        self._update_buttons()

    def _state_text(self, row: TemplateRow) -> str:
        if not row.custom:
            return self.tr("The standard text is sent")
        zone = ZoneInfo(self._context.actor.clinic_timezone)
        when = row.updated_at.astimezone(zone) if row.updated_at else None
        return self.tr("The clinic's own text, changed {when}").format(
            when=f"{when:%d.%m.%Y %H:%M}" if when else "—"
        )

    def _remember_field(self, *, subject: bool) -> None:
        if subject or self.body.hasFocus():
            self._insert_into_subject = subject

    def insert_placeholder(self, name: str) -> None:
        """Put ``{name}`` where the cursor is (the subject if it was typed in last)."""
        text = "{" + name + "}"
        if self._insert_into_subject and self.subject.isVisible():
            self.subject.insert(text)
            self._edited()
            self.subject.setFocus()
        else:
            self.body.insertPlainText(text)
            self.body.setFocus()

    def _edited(self, *_: object) -> None:
        if self._filling or self._current is None:
            return
        row = self._rows[self._current]
        typed = (self.subject.text(), self.body.toPlainText())
        if typed == (row.subject or "", row.body):
            self._drafts.pop(self._current, None)
        else:
            draft = self._drafts.get(self._current)
            self._drafts[self._current] = (*typed, draft[2] if draft else row.version)
        item = self.list.currentItem()
        if item is not None:
            self._show_item(item, row)
        self.message.clear()
        self._show_preview()
        self._update_buttons()

    def _typed(self) -> Template:
        email = self._current is not None and self._current[1] is NotificationChannel.EMAIL
        return Template(self.subject.text() if email else None, self.body.toPlainText())

    def _show_preview(self) -> None:
        if self._current is None:
            return
        purpose, channel = self._current
        typed = self._typed()
        try:
            check_text(typed.body, purpose, "body")
            if typed.subject is not None:
                check_text(typed.subject, purpose, "subject")
        except ValidationError as problem:
            self.preview.setPlainText(problem.message)
            self._show_length(typed.body)
            return
        if self._visit is None:
            self.preview.setPlainText(self.tr("No appointment ahead to show the text with"))
            self._show_length(typed.body)
            return
        subject, body = render(typed, self._visit.values)
        shown = body if subject is None else self.tr("Subject: {subject}").format(
            subject=subject) + "\n\n" + body  # fmt: skip
        self.preview.setPlainText(shown)
        self._show_length(body)

    def _show_length(self, text: str) -> None:
        if self._current is None or self._current[1] is not NotificationChannel.SMS:
            self.length.clear()
            return
        length = sms_segments(text)
        encoding = "GSM-7" if length.encoding == "gsm7" else self.tr("UCS-2 (Cyrillic)")
        self.length.setText(self.tr("{count} characters · {encoding} · {parts} SMS").format(
            count=length.units, encoding=encoding, parts=length.segments))  # fmt: skip

    def sms_length_text(self) -> str:
        """What the SMS length label says now."""
        return self.length.text()

    def _update_buttons(self) -> None:
        row = self._rows.get(self._current) if self._current else None
        self.save_button.setEnabled(self.may_edit and self._current in self._drafts)
        self.reset_button.setEnabled(
            self.may_edit and row is not None and (row.custom or self._current in self._drafts)
        )

    # --- saving -------------------------------------------------------------------------

    def save(self) -> None:
        """Save the text shown (refused: the message names the field, the text stays)."""
        if self._current is None:
            return
        key, typed = self._current, self._typed()
        version = self._drafts.get(key, ("", "", self._rows[key].version))[2]
        self.save_button.setEnabled(False)
        self._context.runner.submit(
            editing.save_template, self._context.database.sessions, self._context.actor,
            key[0], key[1], subject=typed.subject, body=typed.body, version=version,
            on_success=lambda saved: self._on_saved(key, saved),
            on_error=lambda error, text: self._on_refused(key, error, text), owner=self,
        )  # fmt: skip

    def reset(self) -> None:
        """«Вернуть стандартный»: the standard text is sent again (a text typed and not
        saved over the standard one is just dropped)."""
        if self._current is None:
            return
        key, row = self._current, self._rows[self._current]
        if not row.custom:
            self._drafts.pop(key, None)
            self._chosen(self.list.currentItem())
            self._refresh_item(row)
            return
        self._context.runner.submit(
            editing.reset_template, self._context.database.sessions, self._context.actor,
            key[0], key[1], version=row.version,
            on_success=lambda saved: self._on_saved(key, saved),
            on_error=lambda error, text: self._on_refused(key, error, text), owner=self,
        )  # fmt: skip

    def _refresh_item(self, row: TemplateRow) -> None:
        keys = list(self._rows)
        item = self.list.item(keys.index((row.purpose, row.channel)))
        if item is not None:
            self._show_item(item, row)

    def _on_saved(self, key: Key, saved: TemplateRow) -> None:
        self._rows[key] = saved
        self._drafts.pop(key, None)
        self._refresh_item(saved)
        if self._current == key:
            self._chosen(self.list.currentItem())
        self.saved.emit(key[0], key[1].value)

    def _on_refused(self, key: Key, error: BaseException, text: str) -> None:
        if isinstance(error, TemplateConflict):
            # Theirs is known now: saving again overwrites it, on purpose.
            self._rows[key] = error.theirs
            draft = self._drafts.get(key)
            if draft is not None:
                self._drafts[key] = (draft[0], draft[1], error.theirs.version)
            theirs = error.theirs.body if error.theirs.custom else self.tr("the standard text")
            text = self.tr("{message}. Their text now: «{theirs}». Save again to keep yours."
                           ).format(message=text.rstrip("."), theirs=theirs)  # fmt: skip
        if isinstance(error, ValidationError):
            (self.subject if error.field == "subject" else self.body).setFocus()
        self.message.setText(text)
        self._update_buttons()
        self.failed.emit(text)

    def _on_failed(self, text: str) -> None:
        self.message.setText(text)
        self.failed.emit(text)
