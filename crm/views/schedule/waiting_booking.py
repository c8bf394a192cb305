"""Booking a waiting patient dropped on a slot of the grid (or of a doctor's week).

The waiting-list controller books and closes the entry. Without a usable referral the
desk is asked first whether to book a paid visit: the patient may not want to pay.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from PySide6.QtCore import QObject, Signal

from crm.controllers.errors import BookingRefused
from crm.controllers.schedule.booking import BookedAppointment
from crm.controllers.schedule.day_grid import GridDoctor
from crm.controllers.waiting import queue
from crm.controllers.waiting.queue import NO_USABLE_REFERRAL
from crm.views import AppContext
from crm.views.patients.labels import appointment_kind_names
from crm.views.patients.message_bar import MessageBar
from crm.views.schedule import service_choice
from crm.views.schedule.grid import ScheduleGrid


class WaitingBooking(QObject):
    """Books waiting-list entries dropped on the schedule's grids.

    Args:
        context: the logged-in user's context.
        message_bar: where the booking or the refusal is told.
        grids: the grids whose pending drop is cleared on a refusal.
        parent: the Qt parent.

    Signals:
        booked(int): an entry was booked with this doctor (the column to reload).
    """

    booked = Signal(int)

    def __init__(
        self,
        context: AppContext,
        message_bar: MessageBar,
        grids: Sequence[ScheduleGrid],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._context = context
        self._message_bar = message_bar
        self._grids = tuple(grids)
        #: The waiting patients' names by entry id (the panel's last reading).
        self.names: dict[int, str] = {}

    def book(
        self, entry_id: int, doctor: GridDoctor, starts_at: dt.datetime, terms: tuple = ()
    ) -> None:
        """A waiting patient was dropped on a slot: book there and close the entry.

        Without a usable referral the desk asks first (the patient may not want to pay),
        then the kind and service (``terms``: ``(kind, service_id)``, asked already)."""
        patient = self.names.get(entry_id, "")
        bar = self._message_bar

        def booked(appointment: BookedAppointment) -> None:
            text = self.tr("Booked from the waiting list: {patient} → {doctor}, {time} ({kind})")
            bar.show_message(
                "done",
                text.format(
                    patient=patient, doctor=doctor.short_name, time=f"{starts_at:%d.%m.%Y %H:%M}",
                    kind=appointment_kind_names()[appointment.kind.value],
                ),
            )  # fmt: skip
            self.booked.emit(doctor.id)

        def refused(error: BaseException, message: str) -> None:
            for grid in self._grids:
                grid.clear_pending()
                grid.viewport().update()
            if not (isinstance(error, BookingRefused) and error.reason_code == NO_USABLE_REFERRAL):
                bar.show_message("error", message)
                return
            question = self.tr("{patient}: {message}. Book a paid visit at {time}?").format(
                patient=patient, message=message, time=f"{starts_at:%d.%m.%Y %H:%M}"
            )
            bar.show_question("warning", question, [
                (self.tr("Book as paid"),
                 lambda: service_choice.ask_terms(
                     self._context, bar.window(), doctor, starts_at,
                     lambda kind, service: self.book(entry_id, doctor, starts_at, (kind, service)),
                 )),
                (self.tr("Do not book"), lambda: None),
            ])  # fmt: skip

        self._context.runner.submit(
            queue.book_entry, self._context.database.sessions, self._context.actor,
            entry_id, doctor_id=doctor.id, starts_at=starts_at, paid_without_referral=False,
            kind=terms[0] if terms else None, service_id=terms[1] if terms else None,
            on_success=booked, on_error=refused, owner=self,
        )  # fmt: skip
