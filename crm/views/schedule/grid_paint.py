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
from typing import Any

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPen, QPolygonF

from crm.controllers.day_grid import GridAppointment
from crm.models.enums import AppointmentKind, AppointmentStatus
from crm.views.schedule.layout import Cell, GridColumn, GridLayout, Placement

# The cells are paper: fixed light colours whatever the palette, dark text on them.
OFF_HOURS, WORKING, TRAY = QColor("#e4e8ec"), QColor("#ffffff"), QColor("#7b8794")
LINE, HOUR_LINE = QColor("#e3e7eb"), QColor("#b9c2cc")
HEADER, HEADER_CURRENT = QColor("#f3f5f7"), QColor("#dde9f7")
TEXT, SUBTLE, CURSOR = QColor("#17202a"), QColor("#4d5b69"), QColor("#1565c0")
NOW, OVERDUE = QColor("#e53935"), QColor("#ef6c00")
DROP_OK, DROP_TAKEN, DROP_REFUSED = "#2e7d32", "#f9a825", "#c62828"
STATUS_COLOURS = {
    AppointmentStatus.BOOKED: (QColor("#d9e9fb"), QColor("#3b78b5")),
    AppointmentStatus.ARRIVED: (QColor("#fff0b3"), QColor("#b08900")),
    AppointmentStatus.IN_PROGRESS: (QColor("#ffd9b3"), QColor("#cc5a00")),
    AppointmentStatus.COMPLETED: (QColor("#d6eccf"), QColor("#3f8a3a")),
    AppointmentStatus.NO_SHOW: (QColor("#e6e6e6"), QColor("#8c8c8c")),
}
BORDER_PENS = {status: QPen(border, 1) for status, (_fill, border) in STATUS_COLOURS.items()}
OVERDUE_PEN = QPen(NOW, 1, Qt.PenStyle.DashLine)
SELECTED_PEN = QPen(CURSOR, 2)
TRAY_BRUSH = QBrush(TRAY, Qt.BrushStyle.BDiagPattern)
LEFT_MIDDLE = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
RIGHT_MIDDLE = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
#: Elided labels kept across repaints and reloads (same names, same widths) up to this many.
TEXT_CACHE = 20_000
KIND_COLOURS = {
    AppointmentKind.REFERRAL: QColor("#00897b"),
    AppointmentKind.PAID: QColor("#8e24aa"),
    AppointmentKind.FOLLOW_UP: QColor("#607d8b"),
    AppointmentKind.REMOTE: QColor("#3949ab"),
}


class Fonts:
    """The fonts the grid paints with, and their metrics."""

    def __init__(self, base: QFont) -> None:
        self.normal = QFont(base)
        self.bold = QFont(base)
        self.bold.setBold(True)
        self.small = QFont(base)
        self.small.setPointSizeF(max(6.0, base.pointSizeF() * 0.85))
        self.metrics = QFontMetricsF(self.normal)
        self.bold_metrics = QFontMetricsF(self.bold)
        self.line = self.metrics.height()
        # Drawing at a baseline skips the text layout QPainter does for a rectangle and
        # alignment flags (the labels are already elided to fit): a block's text centred
        # in a band of height h starting at y sits at y + (h + centre) / 2.
        self.centre = self.metrics.ascent() - self.metrics.descent()


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
        fonts: the fonts to paint with (replace :attr:`fonts` when the font changes).
        kinds: the short labels of the kinds of appointment (replace on a new language).
        texts: the cache of elided texts and widths (the caller may clear it).
        lines: the cache of blocks' lines (the caller may clear it).
    """

    def __init__(
        self,
        fonts: Fonts,
        kinds: dict[AppointmentKind, str],
        texts: dict[tuple[str, int, bool], Any],
        lines: dict[tuple, tuple[str, str]],
    ) -> None:
        self.fonts = fonts
        self.kinds = kinds
        self.texts = texts
        self.lines = lines

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
        quarters, hours = [], []
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
        now = s.now
        p.setFont(self.fonts.normal)
        for c in columns:
            for placement in layout.blocks_in(c):
                if placement.end_row > rows.start and placement.first_row < rows.stop:
                    rect = layout.block_rect(placement)
                    self.paint_block(
                        p,
                        placement,
                        QRectF(rect.x, rect.y, rect.width, rect.height),
                        now,
                        selected=s.selected,
                        dragging=s.dragging,
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

    def elide(self, text: str, width: float, bold: bool = False) -> str:
        """``text`` elided to ``width`` (cached)."""
        key = (text, int(width), bold)
        found = self.texts.get(key)
        if found is None:
            if len(self.texts) > TEXT_CACHE:
                self.texts.clear()
            metrics = self.fonts.bold_metrics if bold else self.fonts.metrics
            found = metrics.elidedText(text, Qt.TextElideMode.ElideRight, int(width))
            self.texts[key] = found
        return found

    def width(self, text: str, bold: bool = False) -> float:
        """How wide ``text`` is drawn (cached per text)."""
        key = (text, -1, bold)
        advance = self.texts.get(key)
        if advance is None:
            metrics = self.fonts.bold_metrics if bold else self.fonts.metrics
            advance = self.texts[key] = metrics.horizontalAdvance(text)
        return float(advance)

    def fit(self, text: str, width: float, bold: bool = False) -> str:
        """``text`` if it fits in ``width``, else elided."""
        return text if self.width(text, bold) <= width else self.elide(text, width, bold)

    def block_lines(self, a: GridAppointment, width: float, two: bool) -> tuple[str, str]:
        """A block's one or two lines, elided to ``width`` (cached: painting is hot)."""
        key = (a.id, a.version, a.patient_short, int(width), two)
        found = self.lines.get(key)
        if found is None:
            if len(self.lines) > TEXT_CACHE:
                self.lines.clear()
            kind = self.kinds[a.kind]
            if two:
                second = f"{kind} · {a.starts_at:%H:%M}–{a.ends_at:%H:%M}"
                found = (self.fit(a.patient_short, width, True), self.fit(second, width))
            else:
                # Narrow blocks keep the name whole rather than a bit of the kind.
                name = self.fit(a.patient_short, width)
                full = f"{a.patient_short} · {kind}"
                fits = name == a.patient_short and self.width(full) <= width
                found = (full if fits else name, "")
            self.lines[key] = found
        return found

    def paint_block(
        self,
        p: QPainter,
        placement: Placement,
        r: QRectF,
        now: dt.datetime,
        *,
        selected: int | None,
        dragging: int | None,
    ) -> None:
        """One appointment's block in ``r``."""
        a = placement.appointment
        overdue = a.status is AppointmentStatus.BOOKED and a.ends_at <= now
        dragged = a.id == dragging
        if dragged:
            p.setOpacity(0.35)
        x, y, w, h = r.x(), r.y(), r.width(), r.height()
        p.setPen(OVERDUE_PEN if overdue else BORDER_PENS[a.status])
        p.setBrush(STATUS_COLOURS[a.status][0])
        p.drawRect(QRectF(x + 0.5, y + 0.5, w - 1, h - 1))
        p.fillRect(QRectF(x + 1, y + 1, 4, h - 1), KIND_COLOURS[a.kind])
        if a.in_holding_tray:
            p.fillRect(r, TRAY_BRUSH)
        if a.id == selected:
            p.setPen(SELECTED_PEN)
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(QRectF(x + 1, y + 1, w - 2, h - 2))
        badge = 14 if overdue else 0
        line = self.fonts.line
        width = w - 11 - badge
        two = h - 2 >= 2 * line
        first, second = self.block_lines(a, width, two)
        p.setPen(TEXT)
        centre = self.fonts.centre
        if two:
            p.setFont(self.fonts.bold)
            p.drawText(QPointF(x + 8, y + 1 + (line + centre) / 2), first)
            p.setFont(self.fonts.normal)
            p.setPen(SUBTLE)
            p.drawText(QPointF(x + 8, y + 1 + line + (line + centre) / 2), second)
        else:
            p.drawText(QPointF(x + 8, y + 1 + (h - 2 + centre) / 2), first)
        if a.overbooked:
            right = x + w
            corner = QPolygonF(
                [QPointF(right - 9, y + 1), QPointF(right - 1, y + 1), QPointF(right - 1, y + 9)]
            )
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(NOW)
            p.drawPolygon(corner)
        if overdue:
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(OVERDUE)
            circle = QRectF(x + w - badge - 2, y + (min(h, 2 * line) - 13) / 2, 13, 13)
            p.drawEllipse(circle)
            p.setPen(QColor("white"))
            p.setFont(self.fonts.bold)
            p.drawText(circle, Qt.AlignmentFlag.AlignCenter, "?")
            p.setFont(self.fonts.normal)
        if dragged:
            p.setOpacity(1.0)

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
            p.drawText(QPointF(x + 6, 5 + (line + centre) / 2), self.elide(first, width, True))
            p.setFont(self.fonts.normal)
            p.setPen(SUBTLE)
            for n, text in enumerate(others, start=1):
                baseline = 5 + n * line + (line + centre) / 2
                p.drawText(QPointF(x + 6, baseline), self.elide(text, width))
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
