"""Painting the schedule grid: the header, the time column, the cells, the blocks.

:class:`GridPainter` draws what :class:`crm.views.schedule.grid.ScheduleGrid` shows
from a :class:`PaintState` the grid hands it on every repaint; it keeps the fonts and
the caches of elided texts (shared with the grid, which clears them when the font or
the language changes) but no reference to the widget.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QLineF, QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPen

from crm.models.enums import AppointmentKind
from crm.views.schedule.grid_blocks import BlockPainter
from crm.views.schedule.grid_labels import Labels
from crm.views.schedule.grid_style import (
    CURSOR,
    DROP_OK,
    DROP_REFUSED,
    DROP_TAKEN,
    HEADER,
    HEADER_CURRENT,
    HOUR_LINE,
    LINE,
    NOW,
    OFF_HOURS,
    RIGHT_MIDDLE,
    SUBTLE,
    TEXT,
    WORKING,
    Fonts,
)
from crm.views.schedule.layout import Cell, GridColumn, GridLayout

OUTDATED_VEIL = QColor(236, 239, 242, 190)


def paint_outdated(painter: QPainter, area: QRect, text: str) -> None:
    """Veil ``area`` of a grid whose content is not the chosen day's yet, with ``text``
    in the middle: the old day stays readable but plainly is not the one to book in."""
    painter.fillRect(area, OUTDATED_VEIL)
    painter.setPen(TEXT)
    painter.drawText(area, Qt.AlignmentFlag.AlignCenter, text)


@dataclasses.dataclass(frozen=True, slots=True)
class PaintState:
    """What one repaint of the grid needs to know about the widget.

    Attributes:
        layout: the grid's geometry and content.
        width, height: the viewport's size.
        hx, vy: the horizontal and vertical scroll positions.
        now: the current time (the "now" line, overdue blocks).
        cursor: the cell cursor, if any.
        focused: whether the grid has the keyboard focus (the cursor's colour).
        selected: the chosen block's appointment id.
        dragging: the appointment this grid is dragging (drawn faded).
        drag_ignore: the appointment being dropped (not counted as taking its slots).
        indicator: the drop target: cell, slots, whether the doctor works then.
        pending: the outline of a drop on its way to the database: cell, slots.
        header_insert: where a dragged header would go.
        header_lines: the lines of a column's header.
    """

    layout: GridLayout
    width: int
    height: int
    hx: int
    vy: int
    now: dt.datetime
    cursor: Cell | None
    focused: bool
    selected: int | None
    dragging: int | None
    drag_ignore: int | None
    indicator: tuple[Cell, int, bool] | None
    pending: tuple[Cell, int] | None
    header_insert: int | None
    header_lines: Callable[[GridColumn], tuple[str, ...]]


class GridPainter:
    """Paints the grid's viewport from a :class:`PaintState`.

    Args:
        fonts: the fonts to paint with.
        kinds: the short labels of the kinds of appointment.
    """

    def __init__(self, fonts: Fonts, kinds: dict[AppointmentKind, str]) -> None:
        self.labels = Labels(fonts, kinds)
        self.blocks = BlockPainter(self.labels)

    @property
    def fonts(self) -> Fonts:
        """The fonts painted with."""
        return self.labels.fonts

    def reset(self, fonts: Fonts, kinds: dict[AppointmentKind, str]) -> None:
        """Paint with new fonts or kind labels (a font or language change)."""
        self.labels.reset(fonts, kinds)
        self.blocks.forget()

    def forget(self) -> None:
        """Forget every measured text and block shape (as right after a start)."""
        self.labels.forget()
        self.blocks.forget()

    def paint(self, p: QPainter, s: PaintState) -> None:
        """The whole viewport."""
        layout, m = s.layout, s.layout.metrics
        width, height = s.width, s.height
        hx, vy = s.hx, s.vy
        cw = layout.column_width
        p.fillRect(0, 0, width, height, OFF_HOURS)
        columns = layout.column_range(hx, hx + width - m.time_width)
        rows = layout.row_range(vy, vy + height - m.header_height)
        p.save()
        p.setClipRect(m.time_width, m.header_height, width - m.time_width, height - m.header_height)
        p.translate(m.time_width - hx, m.header_height - vy)
        for c in columns:
            x = layout.column_x(c)
            for a, b in layout.working_spans(c):
                if b > rows.start and a < rows.stop:
                    p.fillRect(
                        QRectF(x, layout.row_y(a), cw, layout.row_y(b) - layout.row_y(a)), WORKING
                    )
        x0, x1 = layout.column_x(columns.start), layout.column_x(columns.stop)
        y0, y1 = layout.row_y(rows.start), layout.row_y(rows.stop)
        quarters: list[QLineF] = []
        hours: list[QLineF] = []
        for r in rows:
            y = layout.row_y(r) - 0.5
            (hours if layout.minute_of_row(r) % 60 == 0 else quarters).append(QLineF(x0, y, x1, y))
        p.setPen(QPen(LINE, 1))
        p.drawLines(quarters)
        p.drawLines(
            [QLineF(layout.column_x(c) - 0.5, y0, layout.column_x(c) - 0.5, y1) for c in columns]
        )
        p.setPen(QPen(HOUR_LINE, 1))
        p.drawLines(hours)
        first, stop = rows.start, rows.stop
        visible = [
            placement
            for c in columns
            for placement in layout.blocks_in(c)
            if placement.end_row > first and placement.first_row < stop
        ]
        self.blocks.paint_visible(
            p, layout, visible, s.now, selected=s.selected, dragging=s.dragging
        )
        self.paint_marks(p, s, columns)
        p.restore()
        self.paint_header(p, s, columns)
        self.paint_times(p, s, rows)
        p.fillRect(0, 0, m.time_width, m.header_height, HEADER)
        p.setPen(QPen(HOUR_LINE, 1))
        p.drawLine(0, m.header_height - 1, width, m.header_height - 1)
        p.drawLine(m.time_width - 1, 0, m.time_width - 1, height)

    def paint_marks(self, p: QPainter, s: PaintState, columns: range) -> None:
        """The now line, the drop outline, the cell cursor (cell-area coordinates)."""
        layout, now = s.layout, s.now
        today = now.astimezone(layout.tz).date()
        p.setPen(QPen(NOW, 2))
        for c in columns:
            if layout.columns[c].day == today:
                y = layout.row_y(layout.row_of(now, today))
                if 0 <= y <= layout.content_height:
                    x = layout.column_x(c)
                    p.drawLine(QPointF(x, y), QPointF(x + layout.column_width, y))
        if s.indicator is not None:
            cell, slots, working = s.indicator
            r = layout.span_rect(cell.column, cell.row, slots)
            free = layout.is_free(cell.column, cell.row, slots, ignore=s.drag_ignore)
            colour = DROP_OK if working and free else DROP_TAKEN if working else DROP_REFUSED
            fill = QColor(colour)
            fill.setAlpha(70)
            p.fillRect(QRectF(r.x, r.y, r.width, r.height), fill)
            if not working:
                p.fillRect(
                    QRectF(r.x, r.y, r.width, r.height),
                    QBrush(QColor(colour), Qt.BrushStyle.BDiagPattern),
                )
            p.setPen(QPen(QColor(colour), 2))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(QRectF(r.x + 1, r.y + 1, r.width - 2, r.height - 2))
        if s.pending is not None:
            cell, slots = s.pending
            r = layout.span_rect(cell.column, cell.row, slots)
            p.setPen(QPen(CURSOR, 2, Qt.PenStyle.DashLine))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(QRectF(r.x + 2, r.y + 1, r.width - 4, r.height - 2))
        if s.cursor is not None:
            r = layout.span_rect(s.cursor.column, s.cursor.row, 1)
            p.setPen(QPen(CURSOR if s.focused else SUBTLE, 2))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(QRectF(r.x + 1, r.y + 1, r.width - 2, r.height - 2))

    def paint_header(self, p: QPainter, s: PaintState, columns: range) -> None:
        """The frozen row of column headers (doctors or days)."""
        layout, m, hx = s.layout, s.layout.metrics, s.hx
        cw = layout.column_width
        p.fillRect(QRectF(m.time_width, 0, s.width, m.header_height), HEADER)
        p.save()
        p.setClipRect(m.time_width, 0, s.width - m.time_width, m.header_height)
        line = self.fonts.metrics.height()
        today = s.now.astimezone(layout.tz).date()
        several_days = bool(layout.columns) and layout.columns[0].day != layout.columns[-1].day
        for c in columns:
            x = m.time_width + layout.column_x(c) - hx
            if s.cursor is not None and s.cursor.column == c:
                p.fillRect(QRectF(x, 0, cw, m.header_height), HEADER_CURRENT)
            first, *others = s.header_lines(layout.columns[c])
            width = cw - 12
            p.setPen(CURSOR if several_days and layout.columns[c].day == today else TEXT)
            centre = self.fonts.centre
            p.setFont(self.fonts.bold)
            title = self.labels.elide(first, width, True)
            p.drawText(QPointF(x + 6, 5 + (line + centre) / 2), title)
            p.setFont(self.fonts.normal)
            p.setPen(SUBTLE)
            for n, text in enumerate(others, start=1):
                baseline = 5 + n * line + (line + centre) / 2
                p.drawText(QPointF(x + 6, baseline), self.labels.elide(text, width))
            p.setPen(QPen(HOUR_LINE, 1))
            p.drawLine(QPointF(x + cw - 0.5, 0), QPointF(x + cw - 0.5, m.header_height))
        if s.header_insert is not None:
            x = m.time_width + s.header_insert * cw - hx
            p.fillRect(QRectF(x - 2, 0, 4, s.height), CURSOR)
        p.restore()

    def paint_times(self, p: QPainter, s: PaintState, rows: range) -> None:
        """The frozen column of slot times."""
        layout, m, vy = s.layout, s.layout.metrics, s.vy
        p.fillRect(QRectF(0, m.header_height, m.time_width, s.height), HEADER)
        p.save()
        p.setClipRect(0, m.header_height, m.time_width, s.height - m.header_height)
        for r in rows:
            y = m.header_height + layout.row_y(r) - vy
            minute = layout.minute_of_row(r)
            if s.cursor is not None and s.cursor.row == r:
                p.fillRect(QRectF(0, y, m.time_width, m.row_height), HEADER_CURRENT)
            on_hour = minute % 60 == 0
            p.setFont(self.fonts.bold if on_hour else self.fonts.small)
            p.setPen(TEXT if on_hour else SUBTLE)
            p.drawText(
                QRectF(0, y, m.time_width - 8, m.row_height),
                RIGHT_MIDDLE,
                f"{minute // 60:02d}:{minute % 60:02d}",
            )
        p.restore()
