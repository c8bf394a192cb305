"""The two forms of the working-hours editor: a weekly template and an exception.

Each form only collects what was typed into a controller's form object and shows
which field a refusal named; the rules live in :mod:`crm.controllers.schedule.working_hours`.
What was typed stays in the form after a refusal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication, QDate, QDateTime, QTime, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QTimeEdit,
    QWidget,
)

from crm.controllers.schedule.working_hours import (
    ExceptionForm,
    ExceptionRow,
    RoomChoice,
    TemplateForm,
    TemplateRow,
    weekday_name,
)
from crm.controllers.vocabulary import exception_title
from crm.models.enums import ExceptionKind

INVALID_STYLE = "border: 2px solid #c62828;"


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _date(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


def _time(value: QTime) -> dt.time:
    return dt.time(value.hour(), value.minute())


def _fill_rooms(
    combo: QComboBox, rooms: Sequence[RoomChoice], default_text: str, default_room: str | None
) -> None:
    combo.clear()
    combo.addItem(f"{default_text} ({default_room})" if default_room else default_text, None)
    for room in rooms:
        label = f"{room.number} — {room.name}" if room.name else room.number
        combo.addItem(label, room.id)


class _Form(QGroupBox):
    """Save / Cancel buttons, and marking the field a refusal named."""

    saved = Signal()
    cancelled = Signal()

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.layout_form = QFormLayout(self)
        self.save_button = QPushButton(QCoreApplication.translate("HoursForm", "Save"))
        self.save_button.setObjectName("hoursSave")
        self.save_button.setDefault(True)
        self.cancel_button = QPushButton(QCoreApplication.translate("HoursForm", "Cancel"))
        self.save_button.clicked.connect(self.saved)
        self.cancel_button.clicked.connect(self.cancelled)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.cancel_button)
        self._buttons = buttons
        self.fields: dict[str, QWidget] = {}

    def finish_layout(self) -> None:
        """Add the buttons under the fields (subclasses call it last)."""
        self.layout_form.addRow(self._buttons)

    def mark_invalid(self, field: str | None) -> QWidget | None:
        """Outline the field a refusal named (and un-outline the others); the widget."""
        for each in self.fields.values():
            each.setStyleSheet("")
        widget = self.fields.get(field or "")
        if widget is not None:
            widget.setStyleSheet(INVALID_STYLE)
            widget.setFocus()
        return widget


class TemplateEditor(_Form):
    """Weekday, start–end, room, valid from/to, works on holidays.

    Signals:
        saved(): Save was pressed (read :meth:`form`).
        cancelled(): Cancel was pressed.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Weekly hours"), parent)
        self.setObjectName("templateEditor")
        self.editing_id: int | None = None
        self.weekday = QComboBox()
        self.weekday.setObjectName("templateWeekday")
        for weekday in range(1, 8):
            self.weekday.addItem(weekday_name(weekday), weekday)
        self.starts = QTimeEdit(QTime(8, 0))
        self.starts.setObjectName("templateStarts")
        self.ends = QTimeEdit(QTime(14, 0))
        self.ends.setObjectName("templateEnds")
        for edit in (self.starts, self.ends):
            edit.setDisplayFormat("HH:mm")
        times = QHBoxLayout()
        times.addWidget(self.starts)
        times.addWidget(self.ends)
        times.addStretch(1)
        self.room = QComboBox()
        self.room.setObjectName("templateRoom")
        self.valid_from = QDateEdit()
        self.valid_from.setObjectName("templateValidFrom")
        self.valid_to = QDateEdit()
        self.valid_to.setObjectName("templateValidTo")
        for date_edit in (self.valid_from, self.valid_to):
            date_edit.setCalendarPopup(True)
            date_edit.setDisplayFormat("dd.MM.yyyy")
        self.open_ended = QCheckBox(self.tr("no end date"))
        self.open_ended.setObjectName("templateOpenEnded")
        self.open_ended.toggled.connect(lambda on: self.valid_to.setEnabled(not on))
        validity = QHBoxLayout()
        validity.addWidget(self.valid_from)
        validity.addWidget(self.valid_to)
        validity.addWidget(self.open_ended)
        validity.addStretch(1)
        self.holidays = QCheckBox(self.tr("works on public holidays too"))
        self.holidays.setObjectName("templateHolidays")
        self.layout_form.addRow(self.tr("Day of the week"), self.weekday)
        self.layout_form.addRow(self.tr("From – to"), times)
        self.layout_form.addRow(self.tr("Room"), self.room)
        self.layout_form.addRow(self.tr("Valid from – to"), validity)
        self.layout_form.addRow("", self.holidays)
        self.finish_layout()
        self.fields = {
            "weekday": self.weekday, "starts": self.starts, "ends": self.ends,
            "room": self.room, "valid_from": self.valid_from, "valid_to": self.valid_to,
        }  # fmt: skip

    def set_rooms(self, rooms: Sequence[RoomChoice], default_room: str | None = None) -> None:
        """The rooms of the doctor's branch (``default_room``: the number of their own)."""
        _fill_rooms(self.room, rooms, self.tr("the doctor's own room"), default_room)

    def start_new(self, today: dt.date) -> None:
        """Empty the form for a new template starting ``today``."""
        self.editing_id = None
        self.setTitle(self.tr("New weekly hours"))
        self.weekday.setCurrentIndex(0)
        self.starts.setTime(QTime(8, 0))
        self.ends.setTime(QTime(14, 0))
        self.room.setCurrentIndex(0)
        self.valid_from.setDate(_qdate(today))
        self.valid_to.setDate(_qdate(today))
        self.open_ended.setChecked(True)
        self.holidays.setChecked(False)
        self.mark_invalid(None)

    def start_edit(self, row: TemplateRow) -> None:
        """Fill the form with ``row`` to change it."""
        self.editing_id = row.id
        self.setTitle(self.tr("Change weekly hours"))
        self.weekday.setCurrentIndex(row.weekday - 1)
        self.starts.setTime(QTime(row.starts.hour, row.starts.minute))
        self.ends.setTime(QTime(row.ends.hour, row.ends.minute))
        self.room.setCurrentIndex(max(0, self.room.findData(row.room_id)))
        self.valid_from.setDate(_qdate(row.valid_from))
        self.valid_to.setDate(_qdate(row.valid_to or row.valid_from))
        self.open_ended.setChecked(row.valid_to is None)
        self.holidays.setChecked(row.works_on_holidays)
        self.mark_invalid(None)

    def form(self) -> TemplateForm:
        """What is typed now."""
        return TemplateForm(
            weekday=int(self.weekday.currentData()),
            starts=_time(self.starts.time()),
            ends=_time(self.ends.time()),
            room_id=self.room.currentData(),
            valid_from=_date(self.valid_from.date()),
            valid_to=None if self.open_ended.isChecked() else _date(self.valid_to.date()),
            works_on_holidays=self.holidays.isChecked(),
        )


class ExceptionEditor(_Form):
    """Kind, from, to, room (for extra work) and the reason.

    Signals:
        saved(): Save was pressed (read :meth:`form`).
        cancelled(): Cancel was pressed.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Exception"), parent)
        self.setObjectName("exceptionEditor")
        self.kind = QComboBox()
        self.kind.setObjectName("exceptionKind")
        for kind in ExceptionKind:
            self.kind.addItem(exception_title(kind), kind.value)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        # Absences are thought of in whole days, «с 03.12 по 05.12» with the last day
        # in; unticked, the times are exact («blocked 14:00–15:30»).
        self.whole_days = QCheckBox(self.tr("whole days (the last day included)"))
        self.whole_days.setObjectName("exceptionWholeDays")
        self.whole_days.setChecked(True)
        self.whole_days.toggled.connect(self._whole_days_toggled)
        self.starts_at = QDateTimeEdit()
        self.starts_at.setObjectName("exceptionStarts")
        self.ends_at = QDateTimeEdit()
        self.ends_at.setObjectName("exceptionEnds")
        for edit in (self.starts_at, self.ends_at):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd.MM.yyyy")
        self.starts_at.dateTimeChanged.connect(self._starts_changed)
        self.room = QComboBox()
        self.room.setObjectName("exceptionRoom")
        self.reason = QLineEdit()
        self.reason.setObjectName("exceptionReason")
        self.reason.setPlaceholderText(self.tr("e.g. annual leave; courses in the city hospital"))
        self.layout_form.addRow(self.tr("What"), self.kind)
        self.layout_form.addRow("", self.whole_days)
        self.layout_form.addRow(self.tr("From"), self.starts_at)
        self.layout_form.addRow(self.tr("To"), self.ends_at)
        self.layout_form.addRow(self.tr("Room"), self.room)
        self.layout_form.addRow(self.tr("Reason"), self.reason)
        self.finish_layout()
        self.fields = {
            "kind": self.kind, "starts_at": self.starts_at, "ends_at": self.ends_at,
            "room": self.room, "reason": self.reason,
        }  # fmt: skip
        self._kind_changed()

    def set_rooms(self, rooms: Sequence[RoomChoice], default_room: str | None = None) -> None:
        """The rooms of the doctor's branch (``default_room``: the number of their own)."""
        _fill_rooms(self.room, rooms, self.tr("the doctor's own room"), default_room)

    def _kind_changed(self) -> None:
        # Only extra work happens somewhere; an absence has no room.
        self.room.setEnabled(self.current_kind() is ExceptionKind.EXTRA_WORK)

    def current_kind(self) -> ExceptionKind:
        """The kind chosen (a combo box keeps the enum's plain value)."""
        return ExceptionKind(self.kind.currentData())

    def _whole_days_toggled(self, whole: bool) -> None:
        # The same period either way: «по 05.12» (whole days) is «до 06.12 00:00».
        ends = self.ends_at.dateTime()
        if whole:
            start = self.starts_at.dateTime()
            self.starts_at.setDateTime(QDateTime(start.date(), QTime(0, 0)))
            last = ends.date().addDays(-1) if ends.time() == QTime(0, 0) else ends.date()
            self.ends_at.setDateTime(QDateTime(last, QTime(0, 0)))
        else:
            self.ends_at.setDateTime(QDateTime(ends.date().addDays(1), QTime(0, 0)))
        for edit in (self.starts_at, self.ends_at):
            edit.setDisplayFormat("dd.MM.yyyy" if whole else "dd.MM.yyyy HH:mm")

    def _starts_changed(self, starts: QDateTime) -> None:
        # «С» moved past «По»: «По» comes along (the same day, or an hour later).
        whole = self.whole_days.isChecked()
        earliest = starts if whole else starts.addSecs(3600)
        if self.ends_at.dateTime() < earliest:
            self.ends_at.setDateTime(earliest)

    def start_new(self, day: dt.date) -> None:
        """Empty the form for a whole-day exception on ``day``."""
        self.kind.setCurrentIndex(0)
        self.whole_days.setChecked(True)
        start = QDateTime(_qdate(day), QTime(0, 0))
        self.starts_at.setDateTime(start)
        self.ends_at.setDateTime(start)  # the same day, included
        self.room.setCurrentIndex(0)
        self.reason.clear()
        self.mark_invalid(None)

    def form(self, tz: ZoneInfo) -> ExceptionForm:
        """What is typed now, as times in the clinic's timezone ``tz`` (whole days: from
        the first day's midnight to the midnight after the last)."""
        whole = self.whole_days.isChecked()

        def aware(value: QDateTime, days_after: int = 0) -> dt.datetime:
            time = QTime(0, 0) if whole else value.time()
            return dt.datetime.combine(_date(value.date().addDays(days_after)), _time(time), tz)

        kind = self.current_kind()
        return ExceptionForm(
            kind=kind,
            starts_at=aware(self.starts_at.dateTime()),
            ends_at=aware(self.ends_at.dateTime(), 1 if whole else 0),
            reason=self.reason.text(),
            room_id=self.room.currentData() if kind is ExceptionKind.EXTRA_WORK else None,
        )


def own_room_text(default_room: str | None) -> str:
    """What a row without a room of its own says: the doctor's own room (its number)."""
    if default_room:
        return QCoreApplication.translate("HoursForm", "own room ({number})").format(
            number=default_room
        )
    return QCoreApplication.translate("HoursForm", "own room")


def template_cells(row: TemplateRow, default_room: str | None = None) -> list[str]:
    """The table's cells for a template (``default_room``: the doctor's own room's number)."""
    return [
        weekday_name(row.weekday),
        f"{row.starts:%H:%M}–{row.ends:%H:%M}",
        row.room_number or own_room_text(default_room),
        f"{row.valid_from:%d.%m.%Y}",
        f"{row.valid_to:%d.%m.%Y}" if row.valid_to else "—",
        "✓" if row.works_on_holidays else "",
    ]


def exception_cells(row: ExceptionRow, default_room: str | None = None) -> list[str]:
    """The table's cells for an exception (an absence has no room; extra work has one)."""
    if row.room_number:
        room = row.room_number
    elif row.kind is ExceptionKind.EXTRA_WORK:
        room = own_room_text(default_room)
    else:
        room = ""
    midnight = dt.time(0, 0)
    if row.starts_at.time() == midnight and row.ends_at.time() == midnight:
        # Whole days, as entered: «с 07.12 по 13.12», the last day included.
        starts = f"{row.starts_at:%d.%m.%Y}"
        ends = f"{row.ends_at - dt.timedelta(days=1):%d.%m.%Y}"
    else:
        starts, ends = f"{row.starts_at:%d.%m.%Y %H:%M}", f"{row.ends_at:%d.%m.%Y %H:%M}"
    return [
        exception_title(row.kind),
        starts,
        ends,
        room,
        row.reason,
        row.created_by or "",
    ]
