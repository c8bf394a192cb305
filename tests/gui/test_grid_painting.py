"""The grid's block painting: layers give the block-by-block picture; labels measured
on another thread are the ones the UI thread would measure."""

from __future__ import annotations

import concurrent.futures
import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QFont, QImage, QPainter

from crm.controllers.schedule.day_grid import GridAppointment, GridDoctor, WorkingPeriod
from crm.models.enums import AppointmentKind, AppointmentStatus
from crm.views.schedule.grid import ScheduleGrid
from crm.views.schedule.grid_blocks import BlockPainter
from crm.views.schedule.grid_labels import Labels, prepare_labels, text_room
from crm.views.schedule.grid_style import Fonts
from crm.views.schedule.layout import GridColumn, GridLayout, Metrics

MOSCOW = ZoneInfo("Europe/Moscow")
DAY = dt.date(2026, 11, 20)
KINDS = {
    AppointmentKind.REFERRAL: "ОМС",
    AppointmentKind.PAID: "платно",
    AppointmentKind.FOLLOW_UP: "повт.",
    AppointmentKind.REMOTE: "телемед.",
}


def at(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(DAY, dt.time(hour, minute), tzinfo=MOSCOW)


def doctor(doctor_id: int) -> GridDoctor:
    return GridDoctor(
        doctor_id, f"Врачова{doctor_id} А. П.", "", 1, "Терапевт", 1, "Центр", "101", False,
        15, (WorkingPeriod(at(9), at(18), "101"),),
    )  # fmt: skip


def appointment(
    n: int, doctor_id: int, start: dt.datetime, slots: int, **changes
) -> GridAppointment:
    fields = dict(
        id=n, doctor_id=doctor_id, patient_id=n,
        patient_short=("Константинопольская" if n % 3 == 0 else "Ли") + f" {n} А. Б.",
        patient_full="", patient_birth_date=dt.date(1980, 1, 1), patient_phone=None,
        starts_at=start, ends_at=start + dt.timedelta(minutes=15 * slots),
        kind=list(AppointmentKind)[n % 4], status=list(AppointmentStatus)[n % 5],
        referral_id=None, referral_number=None, referral_specialty_id=None, overbooked=False,
        in_holding_tray=False, room_number="101", note=None, version=1,
    )  # fmt: skip
    fields.update(changes)
    return GridAppointment(**fields)  # type: ignore[arg-type]


def every_kind_of_block() -> list[GridAppointment]:
    """Every status and kind, one and several slots, overdue, held, overbooked in lanes."""
    blocks = []
    n = 0
    for doctor_id in (1, 2, 3):
        for slot in range(0, 32, 3):
            n += 1
            blocks.append(appointment(n, doctor_id, at(9) + dt.timedelta(minutes=15 * slot),
                                      1 + n % 3, in_holding_tray=n % 7 == 0))  # fmt: skip
    booked = AppointmentStatus.BOOKED
    blocks += [
        appointment(100, 1, at(9, 15), 2, status=booked, overbooked=True),  # a second lane
        appointment(101, 2, at(9, 15), 1, status=booked),  # overdue (ended before "now")
        appointment(102, 3, at(9, 15), 2, status=booked),  # overdue, two lines
    ]
    return blocks


def painted(layout: GridLayout, paint) -> QImage:  # noqa: ANN001
    image = QImage(900, 1000, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor("white"))
    with QPainter(image) as p:
        paint(p)
    return image


def test_layers_paint_what_block_by_block_painting_does(qtbot) -> None:
    fonts = Fonts(QFont(ScheduleGrid().font()))
    columns = [GridColumn(doctor(n), DAY) for n in (1, 2, 3)]
    layout = GridLayout(columns, every_kind_of_block(), MOSCOW, Metrics())
    layout.fit(900)
    now = at(12)
    selected, dragging = 4, 5
    assert {p.lanes for p in layout.placements} == {1, 2}
    blocks = BlockPainter(Labels(fonts, KINDS))

    def layered(p: QPainter) -> None:
        blocks.paint_visible(p, layout, layout.placements, now, selected=selected,
                             dragging=dragging)  # fmt: skip

    def one_by_one(p: QPainter) -> None:
        for placement in layout.placements:
            r = layout.block_rect(placement)
            BlockPainter(Labels(fonts, KINDS)).paint_one(
                p, placement.appointment, QRectF(r.x, r.y, r.width, r.height), now,
                selected=selected, dragging=dragging,
            )  # fmt: skip

    first = painted(layout, layered)
    assert first == painted(layout, one_by_one)
    assert first == painted(layout, layered)  # again, from the kept shapes
    assert first != painted(layout, lambda p: None)


def test_labels_prepared_on_another_thread_are_the_ones_painted(qtbot) -> None:
    grid = ScheduleGrid()
    grid.resize(900, 700)
    columns = [GridColumn(doctor(n), DAY) for n in (1, 2, 3)]
    appointments = every_kind_of_block()
    request = grid.label_request()
    with concurrent.futures.ThreadPoolExecutor(1) as worker:
        prepared = worker.submit(prepare_labels, request, columns, appointments, MOSCOW).result()
    grid.set_content(columns, appointments, MOSCOW)
    labels = grid._painter.labels
    labels.learn(prepared)
    assert all(labels.has_lines(a.id) for a in appointments)

    # Painting now fits nothing: every line it needs was prepared, and prepared right.
    def no_fitting(*args: object) -> str:
        raise AssertionError("measured on the GUI thread")

    cold = Labels(labels.fonts, dict(labels.kinds))
    labels.fit = no_fitting  # type: ignore[method-assign]
    image = QImage(900, 700, QImage.Format.Format_ARGB32_Premultiplied)
    now = at(8)  # nothing overdue: overdue blocks keep room for a badge, fitted then
    layout = grid.grid_layout
    with QPainter(image) as p:
        grid._painter.blocks.paint_visible(
            p, layout, layout.placements, now, selected=None, dragging=None
        )
    for placement in layout.placements:
        r = layout.block_rect(placement)
        width, two = text_room(cold.fonts, r.width, r.height)
        a = placement.appointment
        assert labels.block_lines(a, width, two) == cold.block_lines(a, width, two)


def test_labels_prepared_for_another_font_or_language_are_not_taken(qtbot) -> None:
    grid = ScheduleGrid()
    columns = [GridColumn(doctor(1), DAY)]
    appointments = every_kind_of_block()[:3]
    request = grid.label_request()
    bigger = QFont(request.font)
    bigger.setPointSizeF(request.font.pointSizeF() + 3)
    labels = grid._painter.labels
    for other in (
        dataclasses.replace(request, font=bigger),
        dataclasses.replace(request, kinds={**request.kinds, AppointmentKind.PAID: "paid"}),
    ):
        labels.learn(prepare_labels(other, columns, appointments, MOSCOW))
        assert not any(labels.has_lines(a.id) for a in appointments)
    labels.learn(prepare_labels(request, columns, appointments, MOSCOW))
    assert all(labels.has_lines(a.id) for a in appointments)
    labels.forget()
    assert not labels.has_lines(appointments[0].id)
