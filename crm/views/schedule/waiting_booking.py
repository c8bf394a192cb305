"""Booking a waiting patient dropped on a slot of the schedule page (moved out of the
page, which is at its size limit).

Without a usable referral the desk is asked first whether to book a paid visit: the
patient may not want to pay.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QCoreApplication

from crm.controllers.errors import BookingRefused
from crm.controllers.schedule.booking import BookedAppointment
from crm.controllers.schedule.day_grid import GridDoctor
from crm.controllers.waiting import queue
from crm.controllers.waiting.queue import NO_USABLE_REFERRAL
from crm.views.patients.labels import appointment_kind_names


def book_waiting(
    page: Any, entry_id: int, doctor: GridDoctor, starts_at: dt.datetime, paid: bool = False
) -> None:
    """Book waiting-list entry ``entry_id`` at ``doctor``'s ``starts_at`` and close the
    entry; ``page`` (the schedule page) says what happened and reloads the column.

    ``paid``: the desk was asked already and books a paid visit without a referral.
    """
    patient = page._waiting_names.get(entry_id, "")
    when = f"{starts_at:%d.%m.%Y %H:%M}"

    def booked(appointment: BookedAppointment) -> None:
        text = QCoreApplication.translate(
            "SchedulePage", "Booked from the waiting list: {patient} → {doctor}, {time} ({kind})"
        )
        page.message_bar.show_message("done", text.format(
            patient=patient, doctor=doctor.short_name, time=when,
            kind=appointment_kind_names()[appointment.kind.value],
        ))  # fmt: skip
        page._want_ids.add(doctor.id)
        page._load_next()

    def refused(error: BaseException, message: str) -> None:
        page.grid.clear_pending()
        page.week.clear_pending()
        page.current_grid.viewport().update()
        if not (isinstance(error, BookingRefused) and error.reason_code == NO_USABLE_REFERRAL):
            page.message_bar.show_message("error", message)
            return
        question = QCoreApplication.translate(
            "SchedulePage", "{patient}: {message}. Book a paid visit at {time}?"
        ).format(patient=patient, message=message, time=when)
        page.message_bar.show_question("warning", question, [
            (QCoreApplication.translate("SchedulePage", "Book as paid"),
             lambda: book_waiting(page, entry_id, doctor, starts_at, paid=True)),
            (QCoreApplication.translate("SchedulePage", "Do not book"), lambda: None),
        ])  # fmt: skip

    page._context.runner.submit(
        queue.book_entry, page._context.database.sessions, page._context.actor,
        entry_id, doctor_id=doctor.id, starts_at=starts_at, paid_without_referral=paid,
        on_success=booked, on_error=refused, owner=page,
    )  # fmt: skip
