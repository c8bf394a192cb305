"""An appointment found by the search box, shown in the schedule on its day.

The schedule page is left as it is (it already knows its day, its mode and its
filters); this asks it for the day view of that day with every doctor, and once the
day is loaded puts the grid's cursor on the appointment.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QObject, Qt

from crm.views.schedule.page import DAY, SchedulePage


class AppointmentFocus(QObject):
    """Shows one appointment in the schedule, waiting for its day to load.

    Args:
        page: the schedule page.

    Signals:
        None of its own: ``page.loaded`` tells when the grid holds the day.
    """

    def __init__(self, page: SchedulePage) -> None:
        super().__init__(page)
        self._page = page
        self._wanted: tuple[int, dt.date] | None = None
        page.loaded.connect(self._loaded)

    def show(self, appointment_id: int, day: dt.date | None) -> None:
        """Show ``appointment_id`` on ``day`` (the day view, all branches and specialties)."""
        page = self._page
        if day is None:
            return
        self._wanted = (appointment_id, day)
        if page.mode != DAY:
            page.set_mode(DAY)
        for combo in (page.branch_combo, page.specialty_combo):
            if combo.currentIndex() > 0:
                combo.setCurrentIndex(0)  # «all»: the appointment's doctor may be filtered out
        page.set_day(day)
        self._loaded()

    def _loaded(self) -> None:
        if self._wanted is None:
            return
        page = self._page
        appointment_id, day = self._wanted
        if page.day != day or page.loading or page.data is None:
            return  # its day is on the way
        self._wanted = None
        page.grid.select_appointment(appointment_id)
        page.grid.setFocus(Qt.FocusReason.OtherFocusReason)
