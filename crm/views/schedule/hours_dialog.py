"""The working-hours editor: a doctor's weekly templates and exceptions (managers).

Registrars open it too, to look; only a manager's role may change anything (the
controller checks; the buttons say so in advance). Before a change that would take
the doctor away from booked appointments, the editor asks the controller for a
preview and shows whom it would move, asking to confirm; after the change it says
which booked appointments went to the holding tray and which patients could not be
sent a notice, so the desk knows whom to call. Everything runs on the runner.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from crm.controllers.access.permissions import Permission, allowed
from crm.controllers.clinic import clock
from crm.controllers.errors import DomainError
from crm.controllers.schedule import working_hours
from crm.controllers.schedule.hours_tray import AffectedAppointment
from crm.controllers.schedule.working_hours import (
    DoctorHours,
    ExceptionRow,
    HoursChange,
    HoursPreview,
    TemplateRow,
)
from crm.views import AppContext
from crm.views.itemmodels.table import Index, RowTableModel
from crm.views.itemmodels.views import row_table
from crm.views.patients.message_bar import MessageBar
from crm.views.referrals.waiting_models import phone_text
from crm.views.schedule.hours_forms import (
    ExceptionEditor,
    TemplateEditor,
    exception_cells,
    template_cells,
)

#: How many of the appointments a change would move the confirmation lists by name.
LISTED = 5


class CellsModel(RowTableModel):
    """Read-only rows shown through a function that gives each row's cells.

    Args:
        headers: the column titles.
        cells: a row's cells, left to right.
        header_tips: the columns' header tooltips (``None``: none), left to right.
    """

    def __init__(
        self,
        headers: Sequence[str],
        cells: Callable[[Any], list[str]],
        header_tips: Sequence[str | None] = (),
    ) -> None:
        super().__init__()
        self._headers = list(headers)
        self._tips = list(header_tips)
        self._cells = cells
        self._rows: list[Any] = []

    def header_labels(self) -> Sequence[str]:
        return self._headers

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.ToolTipRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self._tips)
        ):
            return self._tips[section]
        return super().headerData(section, orientation, role)

    def set_rows(self, rows: Sequence[Any]) -> None:
        """Show ``rows``."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row(self, number: int) -> Any:
        """The record on row ``number``."""
        return self._rows[number]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        return self._cells(self._rows[index.row()])[index.column()]


def _table(model: CellsModel, name: str) -> QTableView:
    view = row_table(model, name)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)
    return view


class WorkingHoursDialog(QDialog):
    """A doctor's weekly hours and exceptions, with forms to add and change them.

    Args:
        context: the application context.
        doctors: ``(id, name)`` of the doctors to choose from.
        doctor_id: the doctor shown first.
        parent: the Qt parent.

    Signals:
        hours_changed(int): a doctor's hours were changed (reload the grid and tray).
        loaded(): the shown doctor's hours arrived (for tests and the status line).
    """

    hours_changed = Signal(int)
    loaded = Signal()

    def __init__(
        self,
        context: AppContext,
        doctors: Sequence[tuple[int, str]],
        doctor_id: int | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("workingHoursDialog")
        self.setWindowTitle(self.tr("Working hours"))
        self._context = context
        self.hours: DoctorHours | None = None
        self._tz: ZoneInfo | None = None
        self.can_edit = allowed(context.actor, Permission.MANAGE_SCHEDULES)

        self.doctor_combo = QComboBox()
        self.doctor_combo.setObjectName("hoursDoctor")
        for doctor, name in doctors:
            self.doctor_combo.addItem(name, doctor)
        if doctor_id is not None:
            self.doctor_combo.setCurrentIndex(max(0, self.doctor_combo.findData(doctor_id)))
        self.doctor_combo.currentIndexChanged.connect(self._doctor_changed)
        self.summary = QLabel()
        self.summary.setObjectName("hoursSummary")
        self.message_bar = MessageBar()

        self.templates = CellsModel(
            [self.tr("Day"), self.tr("Hours"), self.tr("Room"), self.tr("From"),
             self.tr("To"), self.tr("Holidays")],
            lambda row: template_cells(row, self._own_room()),
            [None, None, self.tr("Without a room of its own the doctor receives in their own "
                                 "room"), None, None,
             self.tr("✓ — works on public holidays; without it a public holiday is a day off")],
        )  # fmt: skip
        self.exceptions = CellsModel(
            [self.tr("What"), self.tr("From"), self.tr("To"), self.tr("Room"),
             self.tr("Reason"), self.tr("Entered by")],
            lambda row: exception_cells(row, self._own_room()),
        )  # fmt: skip
        self.template_view = _table(self.templates, "templateTable")
        self.exception_view = _table(self.exceptions, "exceptionTable")
        # The reason is the long text: it takes the spare width, not the last column.
        reasons = self.exception_view.horizontalHeader()
        reasons.setStretchLastSection(False)
        reasons.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        reasons.setMinimumSectionSize(70)
        self.template_view.doubleClicked.connect(lambda _i: self.edit_template())
        self.template_editor = TemplateEditor()
        self.template_editor.hide()
        self.template_editor.saved.connect(self.save_template)
        self.template_editor.cancelled.connect(lambda: self._close_form(self.template_editor))
        self.exception_editor = ExceptionEditor()
        self.exception_editor.hide()
        self.exception_editor.saved.connect(self.save_exception)
        self.exception_editor.cancelled.connect(lambda: self._close_form(self.exception_editor))
        #: The open «these appointments will be moved — save?» question, if any.
        self.confirm_box: QMessageBox | None = None
        # Bumped by every preview asked for, by Cancel and by another doctor: a preview
        # answering with an older number is no longer wanted.
        self._check = 0

        self.add_template_button = QPushButton(self.tr("Add hours"))
        self.add_template_button.setObjectName("addTemplate")
        self.add_template_button.clicked.connect(self.new_template)
        self.edit_template_button = QPushButton(self.tr("Change"))
        self.edit_template_button.setObjectName("editTemplate")
        self.edit_template_button.clicked.connect(self.edit_template)
        self.remove_template_button = QPushButton(self.tr("Remove"))
        self.remove_template_button.setObjectName("removeTemplate")
        self.remove_template_button.clicked.connect(self.ask_remove_template)
        self.add_exception_button = QPushButton(self.tr("Add exception"))
        self.add_exception_button.setObjectName("addException")
        self.add_exception_button.clicked.connect(self.new_exception)
        self.remove_exception_button = QPushButton(self.tr("Remove"))
        self.remove_exception_button.setObjectName("removeException")
        self.remove_exception_button.clicked.connect(self.ask_remove_exception)
        editing = (
            self.add_template_button, self.edit_template_button, self.remove_template_button,
            self.add_exception_button, self.remove_exception_button,
        )  # fmt: skip
        for button in editing:
            button.setAutoDefault(False)
            button.setEnabled(self.can_edit)
            if not self.can_edit:
                button.setToolTip(self.tr("Only a manager changes working hours"))

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Doctor")))
        top.addWidget(self.doctor_combo, 1)
        top.addWidget(self.summary)
        template_box = self._section(
            self.tr("Weekly hours"), self.template_view, self.template_editor,
            [self.add_template_button, self.edit_template_button, self.remove_template_button],
        )  # fmt: skip
        exception_box = self._section(
            self.tr("Vacations, sick leave, training, blocked hours, extra work"),
            self.exception_view, self.exception_editor,
            [self.add_exception_button, self.remove_exception_button],
        )  # fmt: skip
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        # Said once, in plain sight: the greyed buttons are not a fault.
        self.read_only_note = QLabel(
            self.tr("View only: a manager changes working hours and absences")
        )
        self.read_only_note.setObjectName("hoursReadOnly")
        self.read_only_note.setVisible(not self.can_edit)
        layout.addWidget(self.read_only_note)
        layout.addWidget(self.message_bar)
        layout.addWidget(template_box, 1)
        layout.addWidget(exception_box, 1)
        close = QPushButton(self.tr("Close"))
        close.setAutoDefault(False)
        close.clicked.connect(self.close)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(close)
        layout.addLayout(bottom)
        QShortcut(QKeySequence("Insert"), self.template_view, self.new_template)
        QShortcut(QKeySequence("Delete"), self.template_view, self.ask_remove_template)
        QShortcut(QKeySequence("Insert"), self.exception_view, self.new_exception)
        QShortcut(QKeySequence("Delete"), self.exception_view, self.ask_remove_exception)
        self.resize(860, 640)
        self.reload()

    def _section(
        self, title: str, view: QTableView, editor: QWidget, buttons: list[QPushButton]
    ) -> QGroupBox:
        box = QGroupBox(title)
        row = QHBoxLayout()
        for button in buttons:
            row.addWidget(button)
        row.addStretch(1)
        layout = QVBoxLayout(box)
        layout.addWidget(view, 1)
        layout.addLayout(row)
        layout.addWidget(editor)
        return box

    # --- loading --------------------------------------------------------------------------

    @property
    def doctor_id(self) -> int | None:
        """The doctor shown."""
        value = self.doctor_combo.currentData()
        return int(value) if value is not None else None

    def _today(self) -> dt.date:
        return dt.datetime.now(self._tz).date() if self._tz else self._context.actor.clinic_today()

    def _own_room(self) -> str | None:
        return self.hours.default_room_number if self.hours is not None else None

    def _doctor_changed(self) -> None:
        # What was said and typed was about the other doctor: forms, refusals and a
        # pending question go; the new doctor's hours are read.
        self._forget_pending()
        for editor in (self.template_editor, self.exception_editor):
            editor.hide()
            editor.mark_invalid(None)
        self.message_bar.clear()
        self.hours = None
        self.reload()

    def _forget_pending(self) -> None:
        """Drop the preview awaited and the confirmation open, if any."""
        self._check += 1
        box, self.confirm_box = self.confirm_box, None
        if box is not None:
            box.close()
            box.deleteLater()

    def _clear_refusal(self) -> None:
        """Take away a refusal of the form (a result of a change stays to be read)."""
        if self.message_bar.kind == "error":
            self.message_bar.clear()

    def _close_form(self, editor: TemplateEditor | ExceptionEditor) -> None:
        """Cancel: the form goes, and with it what was said about it."""
        self._forget_pending()
        editor.hide()
        editor.mark_invalid(None)
        self.message_bar.clear()

    def reload(self) -> None:
        """Read the shown doctor's hours again."""
        doctor = self.doctor_id
        if doctor is None:
            return
        self._context.runner.submit(
            self._read, doctor, self._today(),
            on_success=self._show, on_failure=self._failed, owner=self,
        )  # fmt: skip

    def _read(self, doctor_id: int, today: dt.date) -> tuple[DoctorHours, ZoneInfo]:
        db, actor = self._context.database.sessions, self._context.actor
        return (
            working_hours.doctor_hours(db, actor, doctor_id, since=today),
            clock.clinic_timezone(db),
        )

    def _show(self, result: tuple[DoctorHours, ZoneInfo]) -> None:
        hours, self._tz = result
        if hours.doctor_id != self.doctor_id:
            return  # another doctor was chosen meanwhile
        self.hours = hours
        self.templates.set_rows(hours.templates)
        self.exceptions.set_rows(hours.exceptions)
        self.template_editor.set_rooms(hours.rooms, hours.default_room_number)
        self.exception_editor.set_rooms(hours.rooms, hours.default_room_number)
        self.summary.setText(
            self.tr("{specialty}, slot {minutes} min").format(
                specialty=hours.specialty, minutes=hours.slot_minutes
            )
        )
        self.loaded.emit()

    def _failed(self, message: str) -> None:
        self.message_bar.show_message("error", message)

    # --- templates ------------------------------------------------------------------------

    def _selected(self, view: QTableView, model: CellsModel) -> Any | None:
        index: QModelIndex = view.currentIndex()
        return model.row(index.row()) if index.isValid() else None

    def new_template(self) -> None:
        """Open the form for new weekly hours."""
        if not self.can_edit or self.hours is None:
            return
        self._forget_pending()
        self._clear_refusal()
        self.template_editor.start_new(self._today())
        self.template_editor.show()
        self.template_editor.weekday.setFocus()

    def edit_template(self) -> None:
        """Open the form on the selected weekly hours."""
        row: TemplateRow | None = self._selected(self.template_view, self.templates)
        if not self.can_edit or row is None:
            return
        self._forget_pending()
        self._clear_refusal()
        self.template_editor.start_edit(row)
        self.template_editor.show()
        self.template_editor.weekday.setFocus()

    def save_template(self) -> None:
        """Check what the template form would move, then save it (asking first if any)."""
        doctor = self.doctor_id
        if doctor is None:
            return
        editor = self.template_editor
        self._check_then_change(
            working_hours.preview_template, working_hours.save_template, doctor,
            editor.form(), editor, template_id=editor.editing_id,
        )  # fmt: skip

    def ask_remove_template(self) -> None:
        """Ask, in the message bar, whether to remove the selected weekly hours."""
        row: TemplateRow | None = self._selected(self.template_view, self.templates)
        if not self.can_edit or row is None:
            return
        cells = template_cells(row)
        self._ask_remove(
            self.tr("Remove the hours {day} {hours}?").format(day=cells[0], hours=cells[1]),
            working_hours.preview_delete_template, working_hours.delete_template, row.id,
        )  # fmt: skip

    # --- exceptions -----------------------------------------------------------------------

    def new_exception(self) -> None:
        """Open the form for a new exception (a whole day tomorrow to start with)."""
        if not self.can_edit or self.hours is None:
            return
        self._forget_pending()
        self._clear_refusal()
        self.exception_editor.start_new(self._today() + dt.timedelta(days=1))
        self.exception_editor.show()
        self.exception_editor.kind.setFocus()

    def save_exception(self) -> None:
        """Check what the exception would move, then save it (asking first if any)."""
        doctor = self.doctor_id
        if doctor is None or self._tz is None:
            return
        editor = self.exception_editor
        self._check_then_change(
            working_hours.preview_exception, working_hours.add_exception, doctor,
            editor.form(self._tz), editor,
        )  # fmt: skip

    def ask_remove_exception(self) -> None:
        """Ask, in the message bar, whether to remove the selected exception."""
        row: ExceptionRow | None = self._selected(self.exception_view, self.exceptions)
        if not self.can_edit or row is None:
            return
        cells = exception_cells(row)
        self._ask_remove(
            self.tr("Remove «{what}» {starts} – {ends}?").format(
                what=cells[0], starts=cells[1], ends=cells[2]),
            working_hours.preview_delete_exception, working_hours.delete_exception, row.id,
        )  # fmt: skip

    # --- asking first ---------------------------------------------------------------------

    def _ask_remove(
        self,
        question: str,
        preview: Callable[..., HoursPreview],
        remove: Callable[..., HoursChange],
        row_id: int,
    ) -> None:
        """Count what removing the row would move (on the runner), then ask in the bar
        with the count: «Remove» or «Keep». The removal checks again under the lock."""
        self._forget_pending()
        serial = self._check
        doctor = self.doctor_id
        self.message_bar.show_message("info", self.tr("Checking the booked appointments…"))

        def checked(result: HoursPreview) -> None:
            if serial != self._check or doctor != self.doctor_id:
                return  # cancelled, asked again, or another doctor meanwhile
            lines = [escape(question)]
            if result.held:
                lines.append(
                    escape(
                        self.tr(
                            "Affected appointments: {count} — they will go to the holding tray, "
                            "the patients will be sent notices"
                        ).format(count=len(result.held))
                    )
                )
                lines += [escape(line) for line in self.moved_lines(result)]
            if result.released:
                lines.append(
                    escape(
                        self.tr("Back from the holding tray: {count}").format(
                            count=len(result.released)
                        )
                    )
                )
            lines += [escape(line) for line in self.present_lines(result.present)]
            if not result.held and not result.released and not result.present:
                lines.append(escape(self.tr("No booked appointment is affected.")))
            self.message_bar.show_message(
                "warning" if result.held else "info", "<br>".join(lines),
                [(self.tr("Remove"), lambda: self._change(remove, row_id)),
                 (self.tr("Keep"), self.message_bar.clear)],
            )  # fmt: skip

        def failed(error: BaseException, message: str) -> None:
            if serial == self._check:
                self._refused(None, error, message)

        self._context.runner.submit(
            preview, self._context.database.sessions, self._context.actor, row_id,
            on_success=checked, on_error=failed, owner=self,
        )  # fmt: skip

    def _check_then_change(
        self,
        preview: Callable[..., HoursPreview],
        save: Callable[..., HoursChange],
        doctor: int,
        form: Any,
        editor: TemplateEditor | ExceptionEditor,
        **kwargs: Any,
    ) -> None:
        """Preview ``form``; save it at once if it moves nobody, else ask first.

        The preview is advice: the save checks again under the doctor's booking lock.
        """
        self._forget_pending()
        serial = self._check
        self.message_bar.show_message("info", self.tr("Checking the booked appointments…"))

        def go() -> None:
            self._change(save, doctor, form, on_done=lambda: self._saved(editor),
                         editor=editor, **kwargs)  # fmt: skip

        def checked(result: HoursPreview) -> None:
            if serial != self._check or doctor != self.doctor_id:
                return  # cancelled, asked again, or another doctor meanwhile
            editor.mark_invalid(None)  # the form passed the checks
            if result.held or result.present:
                self.ask_to_move(result, go)
            else:
                go()

        def failed(error: BaseException, message: str) -> None:
            if serial == self._check:
                self._refused(editor, error, message)

        self._context.runner.submit(
            preview, self._context.database.sessions, self._context.actor, doctor, form,
            on_success=checked, on_error=failed, owner=self, **kwargs,
        )  # fmt: skip

    def moved_lines(self, preview: HoursPreview) -> list[str]:
        """The first appointments a change would move, one line each (plain text)."""
        return self._listed(preview.held, self._call_if_no_notice)

    def present_lines(self, present: Sequence[AffectedAppointment]) -> list[str]:
        """Visits of patients already in the clinic a change leaves outside the hours:
        the heading and the first of them (plain text); none: no lines."""
        if not present:
            return []
        heading = self.tr(
            "Patients already in the clinic: {count} — their visits are not moved, "
            "settle them in person"
        ).format(count=len(present))
        return [heading, *self._listed(present)]

    def _notice_word(self, appointment: AffectedAppointment) -> str:
        """«notice queued», or whom to call."""
        return self._call_if_no_notice(appointment) or self.tr("notice queued")

    def _call_if_no_notice(self, appointment: AffectedAppointment) -> str:
        if appointment.notices_queued:
            return ""
        return self.tr("no notice possible: call {phone}").format(
            phone=phone_text(appointment.patient_phone)
        )

    def _listed(
        self,
        appointments: Sequence[AffectedAppointment],
        note: Callable[[AffectedAppointment], str] | None = None,
    ) -> list[str]:
        """One line per appointment (with its ``note``, if any), the first ``LISTED`` of
        them, then how many more."""
        lines = []
        for a in appointments[:LISTED]:
            line = f"• {a.starts_at:%d.%m.%Y %H:%M} {a.patient_short}"
            text = note(a) if note is not None else ""
            lines.append(f"{line} — {text}" if text else line)
        if len(appointments) > LISTED:
            more = len(appointments) - LISTED
            lines.append(self.tr("…and {count} more").format(count=more))
        return lines

    def ask_to_move(self, preview: HoursPreview, save: Callable[[], None]) -> None:
        """Ask (non-blocking) before a change that moves booked appointments to the tray.

        Args:
            preview: what the change would move.
            save: what «Save» does; «Back» (the default) leaves the form as typed.
        """
        box = QMessageBox(self)
        box.setObjectName("hoursConfirm")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("Booked appointments are affected"))
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(
            self.tr(
                "Affected appointments: {count} — they will go to the holding tray, "
                "the patients will be sent notices"
            ).format(count=len(preview.held))
        )
        lines = self.moved_lines(preview) + self.present_lines(preview.present)
        box.setInformativeText("\n".join(lines))
        confirm = box.addButton(self.tr("Save and move"), QMessageBox.ButtonRole.AcceptRole)
        back = box.addButton(self.tr("Back to the form"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(back)
        box.setEscapeButton(back)
        box.finished.connect(lambda _result: self._answered(box, confirm, save))
        self.message_bar.clear()
        self.confirm_box = box
        box.open()

    def _answered(self, box: QMessageBox, confirm: QPushButton, save: Callable[[], None]) -> None:
        if self.confirm_box is not box:
            return  # dropped: cancelled or another doctor
        self.confirm_box = None
        confirmed = box.clickedButton() is confirm
        box.deleteLater()
        if confirmed:
            save()
        # «Back»: nothing saved, the form stays open with what was typed.

    def _saved(self, editor: TemplateEditor | ExceptionEditor) -> None:
        editor.hide()
        editor.mark_invalid(None)

    def _refused(
        self, editor: TemplateEditor | ExceptionEditor | None, error: BaseException, message: str
    ) -> None:
        # The form stays open with what was typed; the named field is outlined.
        if editor is not None and isinstance(error, DomainError):
            editor.mark_invalid(error.field)
        self.message_bar.show_message("error", message)

    # --- changing -------------------------------------------------------------------------

    def describe_change(self, change: HoursChange) -> tuple[str, str]:
        """The message kind and text telling what a change did to booked appointments."""
        offered = (
            [self.tr("Free times offered to the waiting list: {count}").format(count=change.offers)]
            if change.offers
            else []
        )
        present = [escape(line) for line in self.present_lines(change.present)]
        if not change.held and not change.released:
            text = self.tr("Saved. No booked appointment is affected.")
            return ("warning" if present else "done"), "<br>".join([text, *present, *offered])
        lines = []
        if change.held:
            lines.append(self.tr("Moved to the holding tray (not cancelled): {count}").format(
                count=len(change.held)))  # fmt: skip
            lines += [escape(line) for line in self._listed(change.held, self._notice_word)]
        if change.released:
            told = sum(1 for a in change.released if a.notices_queued)
            lines.append(self.tr(
                "Back in the doctor's hours, out of the tray: {count} (told the visit stands: "
                "{told})").format(count=len(change.released), told=told))  # fmt: skip
            lines += [escape(line) for line in self._listed(change.released,
                                                            self._call_if_no_notice)]  # fmt: skip
        kind = "warning" if change.held or present else "done"
        return kind, "<br>".join(lines + present + offered)

    def _change(
        self,
        function: Callable[..., HoursChange],
        *args: Any,
        on_done: Callable[[], None] | None = None,
        editor: TemplateEditor | ExceptionEditor | None = None,
        **kwargs: Any,
    ) -> None:
        doctor = self.doctor_id
        self.message_bar.show_message("info", self.tr("Saving…"))

        def done(change: HoursChange) -> None:
            if on_done is not None:
                on_done()
            kind, text = self.describe_change(change)
            self.message_bar.show_message(kind, text)
            if doctor is not None:
                self.hours_changed.emit(doctor)
            self.reload()

        def failed(error: BaseException, message: str) -> None:
            self._refused(editor, error, message)

        self._context.runner.submit(
            function, self._context.database.sessions, self._context.actor, *args,
            on_success=done, on_error=failed, owner=self, **kwargs,
        )  # fmt: skip
