"""The order of the doctors' columns in the day grid, remembered per workstation
(beside config.toml, not in the database: each desk arranges its own screen)."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QSettings

from crm.config import config_dir
from crm.controllers.schedule.day_grid import GridDoctor

ORDER_KEY = "schedule/column_order"


def _settings() -> QSettings:
    return QSettings(str(config_dir() / "workstation.ini"), QSettings.Format.IniFormat)


def saved_order() -> list[int]:
    """The doctors' ids in the order remembered (doctors never arranged: none)."""
    text = str(_settings().value(ORDER_KEY, "") or "")
    return [int(part) for part in text.split(",") if part.strip().isdigit()]


def ordered(doctors: Iterable[GridDoctor]) -> list[GridDoctor]:
    """``doctors`` in the remembered order; those never arranged after, as given."""
    saved = saved_order()
    place = {doctor_id: n for n, doctor_id in enumerate(saved)}
    return sorted(doctors, key=lambda d: place.get(d.id, len(saved)))


def save_order(shown: list[int]) -> None:
    """Remember ``shown`` (the columns now on screen, in order). Filtered columns take
    the places they held in the whole order, so the columns not shown keep theirs."""
    order = saved_order()
    order += [i for i in shown if i not in order]
    places = [n for n, doctor_id in enumerate(order) if doctor_id in set(shown)]
    for n, doctor_id in zip(places, shown, strict=True):
        order[n] = doctor_id
    settings = _settings()
    settings.setValue(ORDER_KEY, ",".join(map(str, order)))
    settings.sync()
