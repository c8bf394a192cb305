"""The schedule page's data, apart from Qt: loading on the runner, merging a partial
reload into what is shown, the order of the day's columns."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import sessionmaker

from crm.controllers.context import Actor
from crm.controllers.schedule.day_grid import GridAppointment, GridData, GridDoctor, load_grid
from crm.views.schedule.grid_labels import LabelRequest, PreparedLabels, prepare_labels
from crm.views.schedule.layout import GridColumn


def day_doctors(
    doctors: Sequence[GridDoctor],
    appointments: Iterable[GridAppointment],
    own: int | None = None,
    *,
    hide_off: bool = False,
) -> list[GridDoctor]:
    """The day grid's doctors in one order whatever the day: ``doctors``' (the remembered
    one), with ``own`` (a doctor's own column) first of all, so that a column is where
    the desk left it. Doctors off that day keep their place, greyed by the grid; with
    ``hide_off`` they are left out (those with an appointment kept that day stay).
    """
    busy = {a.doctor_id for a in appointments}
    shown = [d for d in doctors if not hide_off or d.periods or d.id in busy or d.id == own]
    return sorted(shown, key=lambda d: d.id != own)


def merge(old: GridData, new: GridData, doctor_ids: Iterable[int]) -> GridData | None:
    """``old`` with the columns and appointments of ``doctor_ids`` taken from ``new``.

    Returns ``None`` when ``new`` brings a doctor ``old`` did not show (a new column:
    reload everything to get the order right).
    """
    ids = set(doctor_ids)
    fresh = {d.id: d for d in new.doctors}
    shown = {d.id for d in old.doctors}
    if not fresh.keys() <= shown:
        return None
    doctors = tuple(fresh.get(d.id, d) for d in old.doctors if d.id not in ids or d.id in fresh)
    kept = tuple(a for a in old.appointments if a.doctor_id not in ids)
    return dataclasses.replace(old, doctors=doctors, appointments=kept + new.appointments)


def day_columns(data: GridData, day: dt.date) -> list[GridColumn]:
    """The day grid's columns for ``data``: one per doctor, in the order loaded."""
    return [GridColumn(d, day) for d in data.doctors]


def load_and_prepare(
    sessions: sessionmaker,
    actor: Actor,
    date_from: dt.date,
    date_to: dt.date,
    *,
    labels: LabelRequest,
    columns_of: Callable[[GridData], list[GridColumn]],
    **options: Any,
) -> tuple[GridData, PreparedLabels]:
    """``load_grid``, then its blocks' labels fitted to their widths (on the runner's
    thread), so that the GUI thread's first repaint only draws (see
    :mod:`crm.views.schedule.grid_labels`).

    Args:
        labels: what the grid showing the data paints with.
        columns_of: the columns that grid will show for the data (a pure function).
        **options: those of :func:`~crm.controllers.schedule.day_grid.load_grid`.
    """
    data = load_grid(sessions, actor, date_from, date_to, **options)
    prepared = prepare_labels(labels, columns_of(data), data.appointments, ZoneInfo(data.timezone))
    return data, prepared


def affected_doctors(
    event: dict, data: GridData, shown_days: tuple[dt.date, dt.date]
) -> set[int] | None:
    """The shown doctors a change notice concerns (``None``: reload everything).

    Args:
        event: the notice (``table``, ``id``, ``doctor_id``, ``old_doctor_id``,
            ``day``, ``old_day``).
        data: what is shown.
        shown_days: the first and last day shown.
    """
    shown = {d.id for d in data.doctors}
    table = event.get("table")
    if table == "doctor":
        return {event["id"]} if event.get("id") in shown else None
    if table == "patient":
        return {a.doctor_id for a in data.appointments if a.patient_id == event.get("id")}
    doctors = {event.get("doctor_id"), event.get("old_doctor_id")} & shown
    if table == "appointment":
        first, last = shown_days
        days = {event.get("day"), event.get("old_day")} - {None}
        if not any(first <= dt.date.fromisoformat(str(day)) <= last for day in days):
            return set()
    return {d for d in doctors if d is not None}
