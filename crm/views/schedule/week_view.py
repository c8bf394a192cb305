"""A doctor's week: the schedule grid with one column per day instead of per doctor.

Same painting, keys and drag and drop as the day grid (a block dragged to another
day's column is rescheduled to that day); the headers name the day and say whether
the doctor works then, and the columns cannot be reordered.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, QLocale
from PySide6.QtWidgets import QWidget

from crm.controllers.schedule.day_grid import GridData
from crm.views.schedule.grid import ScheduleGrid, absence_text, hours_text, room_of
from crm.views.schedule.layout import GridColumn


def week_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """The Monday and the Sunday of ``day``'s week."""
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=6)


def week_columns(data: GridData, doctor_id: int) -> list[GridColumn]:
    """One column per day of ``data``'s range for the doctor (none if not in ``data``)."""
    doctor = next((d for d in data.doctors if d.id == doctor_id), None)
    if doctor is None:
        return []
    days = (data.date_to - data.date_from).days + 1
    return [GridColumn(doctor, data.date_from + dt.timedelta(days=n)) for n in range(days)]


class WeekView(ScheduleGrid):
    """One doctor's week, a column per day.

    Args:
        parent: the Qt parent.

    Signals:
        The ones of :class:`ScheduleGrid` (``column_order_changed`` never fires).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, reorderable=False)
        self.setObjectName("weekView")
        self.holidays: frozenset[dt.date] = frozenset()
        self.doctor_id: int | None = None

    def set_week(self, data: GridData, doctor_id: int) -> None:
        """Show ``doctor_id``'s days of ``data`` (keeping the cursor and scroll position)."""
        self.holidays = data.holidays
        self.doctor_id = doctor_id
        columns = week_columns(data, doctor_id)
        appointments = [a for a in data.appointments if a.doctor_id == doctor_id]
        self.set_content(columns, appointments, ZoneInfo(data.timezone))

    def header_lines(self, column: GridColumn) -> tuple[str, ...]:
        """The day, the doctor's hours that day (or why not working), the room."""
        date = QDate(column.day.year, column.day.month, column.day.day)
        title = QLocale().toString(date, "ddd, dd.MM")
        hours = hours_text(column, self.grid_layout.tz)
        if not hours:
            if column.day in self.holidays:
                return title, self.tr("public holiday")
            return title, absence_text(column, self.grid_layout.tz) or self.tr("day off")
        room = room_of(column)
        return title, hours, self.tr("room {room}").format(room=room) if room else ""
