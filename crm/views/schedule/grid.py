"""The schedule grid: doctors' columns of 15-minute slots, painted by hand.

A :class:`QAbstractScrollArea` rather than a ``QTableView``: a table of 3,000 cells
took 34 ms per repaint here, and the grid must repaint a full-HD screen of 60 doctors
within a frame. Only what is visible is painted, from the geometry in
:mod:`crm.views.schedule.layout`; the header row (doctors) and the time column stay
put while the cells scroll.

The grid never changes data itself. It calls the page's actions object
(``book``, ``reschedule``, ``cancel``, ``fill_context_menu``) and waits for the
page to hand it fresh content; until then a dropped block stays where it was, with a
dashed outline where it is going.

Keys: arrows move the cell cursor, Page Up/Down by a screen, Home/End to the first or
last slot; Enter books a free slot or opens the menu of a block; Delete cancels the
block; Menu or Shift+F10 opens the context menu; Ctrl+Shift+Left/Right move the
current doctor's column.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Sequence
from typing import Any

import shiboken6
from PySide6.QtCore import (
    QEvent,
    QLineF,
    QMimeData,
    QPoint,
    QPointF,
    QRect,
    QRectF,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QBrush,
    QColor,
    QContextMenuEvent,
    QDrag,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QFocusEvent,
    QFont,
    QFontMetricsF,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPixmap,
    QPolygonF,
    QResizeEvent,
)
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QMenu, QToolTip, QWidget

from crm.controllers.day_grid import GridAppointment
from crm.controllers.validation.dates import format_date
from crm.controllers.validation.phones import format_phone
from crm.controllers.visit_status import status_title
from crm.models.enums import AppointmentKind, AppointmentStatus
from crm.views.patients.labels import appointment_kind_names
from crm.views.schedule.layout import Cell, GridColumn, GridLayout, Metrics, Placement

MIME_TYPE = "application/x-registratura-appointment"
#: How often the red "now" line and the no-show markers move on.
CLOCK_MS = 60_000

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


class _Fonts:
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


def room_of(column: GridColumn) -> str | None:
    """The room a column's doctor works in that day (the default room if not working)."""
    rooms = [p.room_number for p in column.doctor.periods if p.starts_at.date() == column.day]
    return next((r for r in rooms if r), column.doctor.room_number)


def hours_text(column: GridColumn, tz: dt.tzinfo) -> str:
    """The doctor's working hours on the column's day, e.g. ``09:00–13:00, 14:00–18:00``."""
    spans = []
    for period in column.doctor.periods:
        start, end = period.starts_at.astimezone(tz), period.ends_at.astimezone(tz)
        if start.date() == column.day:
            spans.append(
                f"{start:%H:%M}–{end:%H:%M}"
                if end.date() == start.date()
                else f"{start:%H:%M}–24:00"
            )
    return ", ".join(spans)


def appointment_mime(appointment: GridAppointment) -> QMimeData:
    """A drag's payload: the appointment's id and the version it was dragged at."""
    mime = QMimeData()
    payload = {"id": appointment.id, "version": appointment.version}
    mime.setData(MIME_TYPE, json.dumps(payload).encode())
    return mime


def read_mime(mime: QMimeData | None) -> tuple[int, int] | None:
    """``(id, version)`` from a drag's payload, or ``None`` if it carries none."""
    if mime is None or not mime.hasFormat(MIME_TYPE):
        return None
    try:
        payload = json.loads(bytes(mime.data(MIME_TYPE).data()).decode())
        return int(payload["id"]), int(payload["version"])
    except (ValueError, KeyError, TypeError):
        return None


class ScheduleGrid(QAbstractScrollArea):
    """Doctors' columns of slots with the appointments in them.

    Args:
        parent: the Qt parent.
        reorderable: whether columns may be moved (by dragging a header or with
            Ctrl+Shift+Left/Right).

    Signals:
        cursor_moved(object): the cell cursor moved; carries ``(GridColumn, start)``.
        selection_changed(object): the chosen block changed (a ``GridAppointment``
            or ``None``).
        patient_requested(int): a block was double-clicked: open that patient's card.
        column_order_changed(list): columns were reordered; the doctor ids in order.
        week_requested(int): "the week of this doctor" was chosen in a header menu.
        context_menu_shown(QMenu): a context menu was opened (for tests and help).
        drop_requested(int): a block was dropped on a slot and handed to the actions.
    """

    cursor_moved = Signal(object)
    selection_changed = Signal(object)
    patient_requested = Signal(int)
    column_order_changed = Signal(list)
    week_requested = Signal(int)
    context_menu_shown = Signal(object)
    drop_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None, *, reorderable: bool = True) -> None:
        super().__init__(parent)
        self.setObjectName("scheduleGrid")
        self.reorderable = reorderable
        self.actions: Any = None
        self.now: Callable[[], dt.datetime] = lambda: dt.datetime.now(self.grid_layout.tz)
        self.grid_layout = GridLayout((), (), dt.UTC, self._metrics())
        self._texts: dict[tuple[str, int, bool], Any] = {}  # elided texts and widths
        self._lines: dict[tuple, tuple[str, str]] = {}
        self._fonts = _Fonts(self.font())
        self._kinds = self._kind_labels()
        self.cursor: Cell | None = None
        self._selected: int | None = None
        self._press: tuple[QPoint, Placement | None, int] | None = None
        self._header_press: tuple[int, QPoint] | None = None
        self.header_insert: int | None = None  # where a dragged header would go
        self._dragging: int | None = None  # the appointment this grid is dragging
        self._drag: tuple[int, int, int] | None = None  # id, version, grab offset (rows)
        self.indicator: tuple[Cell, int, bool] | None = None  # target, slots, acceptable
        self.pending: tuple[Cell, int] | None = None  # a drop on its way to the database
        self.menu: QMenu | None = None
        self.setAcceptDrops(True)
        self.viewport().setAcceptDrops(True)
        # Every pixel is painted by hand: skip Qt's background fill of the viewport.
        self.viewport().setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.viewport().setAutoFillBackground(False)
        self.viewport().setMouseTracking(False)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self._clock = QTimer(self)
        self._clock.setInterval(CLOCK_MS)
        self._clock.timeout.connect(self.viewport().update)
        self._clock.start()

    def _metrics(self) -> Metrics:
        line = self.fontMetrics().height()
        return Metrics(
            header_height=4 * line + 12,
            time_width=self.fontMetrics().horizontalAdvance("00:00") + 22,
            row_height=max(22, line + 8),
            min_column_width=max(128, self.fontMetrics().horizontalAdvance("М") * 11),
        )

    # --- content --------------------------------------------------------------------

    def set_actions(self, actions: Any) -> None:
        """The object that books, moves and cancels (see ``ScheduleActions``)."""
        self.actions = actions

    @property
    def columns(self) -> tuple[GridColumn, ...]:
        """The columns shown, in order."""
        return self.grid_layout.columns

    def set_content(
        self,
        columns: Sequence[GridColumn],
        appointments: Sequence[GridAppointment],
        tz: dt.tzinfo,
    ) -> None:
        """Show new data, keeping the cursor, the chosen block and the scroll position."""
        old = self.grid_layout
        cursor_key = None
        if self.cursor is not None and self.cursor.column < len(old.columns):
            cursor_key = (old.columns[self.cursor.column].key, old.minute_of_row(self.cursor.row))
        top_minute = (
            old.first_minute + self.verticalScrollBar().value() / old.metrics.row_height * 15
        )
        left = old.column_range(self.horizontalScrollBar().value(), old.content_width)
        left_key = old.columns[left.start].key if len(left) else None
        left_offset = (
            self.horizontalScrollBar().value() - old.column_x(left.start) if left_key else 0
        )

        self.grid_layout = GridLayout(columns, appointments, tz, self._metrics())
        self.grid_layout.fit(self.viewport().width())
        self.pending = None
        self._update_scrollbars()
        new = self.grid_layout
        if old.columns:  # the first content starts at the top
            rows = (top_minute - new.first_minute) / 15
            self.verticalScrollBar().setValue(round(rows * new.metrics.row_height))
        if left_key is not None and (index := new.index_of(left_key)) is not None:
            self.horizontalScrollBar().setValue(round(new.column_x(index) + left_offset))
        self.cursor = None
        if cursor_key is not None and (index := self._same_column(cursor_key[0])) is not None:
            row = int((cursor_key[1] - new.first_minute) // 15)
            self.cursor = Cell(index, min(max(0, row), new.rows - 1))
        if self._selected is not None and new.placement(self._selected) is None:
            self._selected = None
            if self.cursor is not None and (blocks := new.blocks_at(self.cursor)):
                self._selected = blocks[0].appointment.id
            self.selection_changed.emit(self.selected_appointment())
        self.viewport().update()

    def _same_column(self, key: tuple[int, dt.date]) -> int | None:
        """The column of ``key``, or else the same doctor's (on another day shown)."""
        index = self.grid_layout.index_of(key)
        if index is None:
            index = next((n for n, c in enumerate(self.columns) if c.doctor.id == key[0]), None)
        return index

    def selected_appointment(self) -> GridAppointment | None:
        """The chosen block's appointment, if any."""
        placement = self.grid_layout.placement(self._selected) if self._selected else None
        return placement.appointment if placement else None

    def appointment(self, appointment_id: int) -> GridAppointment | None:
        """An appointment shown in the grid, by id."""
        placement = self.grid_layout.placement(appointment_id)
        return placement.appointment if placement else None

    def select_appointment(self, appointment_id: int) -> bool:
        """Put the cursor on a block and choose it; false if it is not shown."""
        placement = self.grid_layout.placement(appointment_id)
        if placement is None:
            return False
        self.set_cursor(Cell(placement.column, int(placement.first_row)), select=False)
        self._choose(appointment_id)
        self.viewport().update()
        return True

    def current_column(self) -> GridColumn | None:
        """The column of the cell cursor."""
        return self.columns[self.cursor.column] if self.cursor else None

    def current_start(self) -> dt.datetime | None:
        """The start of the slot under the cell cursor."""
        return self.grid_layout.slot_start(self.cursor) if self.cursor else None

    # --- geometry between the viewport and the cells ---------------------------------

    def _origin(self) -> QPointF:
        """Where the cell area's (0, 0) is in viewport coordinates."""
        m = self.grid_layout.metrics
        return QPointF(
            m.time_width - self.horizontalScrollBar().value(),
            m.header_height - self.verticalScrollBar().value(),
        )

    def to_cells(self, point: QPoint | QPointF) -> tuple[float, float] | None:
        """A viewport point in cell-area coordinates, or ``None`` over the frozen parts."""
        m = self.grid_layout.metrics
        if point.x() < m.time_width or point.y() < m.header_height:
            return None
        origin = self._origin()
        return point.x() - origin.x(), point.y() - origin.y()

    def cell_center(self, cell: Cell) -> QPoint:
        """The viewport point in the middle of ``cell`` (scrolls it into view first)."""
        self.ensure_visible(cell)
        rect = self.grid_layout.span_rect(cell.column, cell.row, 1)
        origin = self._origin()
        return QPoint(
            round(origin.x() + rect.x + rect.width / 2),
            round(origin.y() + rect.y + rect.height / 2),
        )

    def block_viewport_rect(self, appointment_id: int) -> QRect | None:
        """Where a block is drawn in the viewport (``None`` if not shown)."""
        placement = self.grid_layout.placement(appointment_id)
        if placement is None:
            return None
        rect = self.grid_layout.block_rect(placement)
        origin = self._origin()
        return QRectF(origin.x() + rect.x, origin.y() + rect.y, rect.width, rect.height).toRect()

    def ensure_visible(self, cell: Cell) -> None:
        """Scroll so that ``cell`` is fully in view."""
        m, layout = self.grid_layout.metrics, self.grid_layout
        rect = layout.span_rect(cell.column, cell.row, 1)
        width = self.viewport().width() - m.time_width
        height = self.viewport().height() - m.header_height
        for bar, start, size, room in (
            (self.horizontalScrollBar(), rect.x, rect.width, width),
            (self.verticalScrollBar(), rect.y, rect.height, height),
        ):
            if start < bar.value():
                bar.setValue(int(start))
            elif start + size > bar.value() + room:
                bar.setValue(int(start + size - room))

    def _update_scrollbars(self) -> None:
        m, layout = self.grid_layout.metrics, self.grid_layout
        width = max(0, self.viewport().width() - m.time_width)
        height = max(0, self.viewport().height() - m.header_height)
        h, v = self.horizontalScrollBar(), self.verticalScrollBar()
        h.setRange(0, max(0, int(layout.content_width - width)))
        h.setPageStep(width)
        h.setSingleStep(int(layout.column_width // 4) or 1)
        v.setRange(0, max(0, int(layout.content_height - height)))
        v.setPageStep(height)
        v.setSingleStep(m.row_height)

    def resizeEvent(self, event: QResizeEvent) -> None:  # Qt's name
        super().resizeEvent(event)
        self.grid_layout.fit(self.viewport().width())
        self._update_scrollbars()

    def changeEvent(self, event: QEvent) -> None:  # Qt's name
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.LanguageChange):
            self._fonts = _Fonts(self.font())
            self._kinds = self._kind_labels()
            self._texts.clear()
            self._lines.clear()

    # --- painting -------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:  # Qt's name
        painter = QPainter(self.viewport())
        try:
            self._paint(painter)
        finally:
            painter.end()

    def _paint(self, p: QPainter) -> None:
        layout, m = self.grid_layout, self.grid_layout.metrics
        width, height = self.viewport().width(), self.viewport().height()
        hx, vy = self.horizontalScrollBar().value(), self.verticalScrollBar().value()
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
        now = self.now()
        p.setFont(self._fonts.normal)
        for c in columns:
            for placement in layout.blocks_in(c):
                if placement.end_row > rows.start and placement.first_row < rows.stop:
                    rect = layout.block_rect(placement)
                    self._paint_block(
                        p, placement, QRectF(rect.x, rect.y, rect.width, rect.height), now
                    )
        self._paint_marks(p, columns, now)
        p.restore()
        self._paint_header(p, columns, hx)
        self._paint_times(p, rows, vy)
        p.fillRect(0, 0, m.time_width, m.header_height, HEADER)
        p.setPen(QPen(HOUR_LINE, 1))
        p.drawLine(0, m.header_height - 1, width, m.header_height - 1)
        p.drawLine(m.time_width - 1, 0, m.time_width - 1, height)

    def _paint_marks(self, p: QPainter, columns: range, now: dt.datetime) -> None:
        """The now line, the drop outline, the cell cursor (cell-area coordinates)."""
        layout = self.grid_layout
        today = now.astimezone(layout.tz).date()
        p.setPen(QPen(NOW, 2))
        for c in columns:
            if layout.columns[c].day == today:
                y = layout.row_y(layout.row_of(now, today))
                if 0 <= y <= layout.content_height:
                    x = layout.column_x(c)
                    p.drawLine(QPointF(x, y), QPointF(x + layout.column_width, y))
        if self.indicator is not None:
            cell, slots, working = self.indicator
            r = layout.span_rect(cell.column, cell.row, slots)
            free = layout.is_free(
                cell.column, cell.row, slots, ignore=self._drag[0] if self._drag else None
            )
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
        if self.pending is not None:
            cell, slots = self.pending
            r = layout.span_rect(cell.column, cell.row, slots)
            p.setPen(QPen(CURSOR, 2, Qt.PenStyle.DashLine))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(QRectF(r.x + 2, r.y + 1, r.width - 4, r.height - 2))
        if self.cursor is not None:
            r = layout.span_rect(self.cursor.column, self.cursor.row, 1)
            p.setPen(QPen(CURSOR if self.hasFocus() else SUBTLE, 2))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(QRectF(r.x + 1, r.y + 1, r.width - 2, r.height - 2))

    def _elide(self, text: str, width: float, bold: bool = False) -> str:
        key = (text, int(width), bold)
        found = self._texts.get(key)
        if found is None:
            if len(self._texts) > TEXT_CACHE:
                self._texts.clear()
            metrics = self._fonts.bold_metrics if bold else self._fonts.metrics
            found = metrics.elidedText(text, Qt.TextElideMode.ElideRight, int(width))
            self._texts[key] = found
        return found

    def _width(self, text: str, bold: bool = False) -> float:
        """How wide ``text`` is drawn (cached per text)."""
        key = (text, -1, bold)
        advance = self._texts.get(key)
        if advance is None:
            metrics = self._fonts.bold_metrics if bold else self._fonts.metrics
            advance = self._texts[key] = metrics.horizontalAdvance(text)
        return float(advance)

    def _fit(self, text: str, width: float, bold: bool = False) -> str:
        """``text`` if it fits in ``width``, else elided."""
        return text if self._width(text, bold) <= width else self._elide(text, width, bold)

    def _block_lines(self, a: GridAppointment, width: float, two: bool) -> tuple[str, str]:
        """A block's one or two lines, elided to ``width`` (cached: painting is hot)."""
        key = (a.id, a.version, a.patient_short, int(width), two)
        found = self._lines.get(key)
        if found is None:
            if len(self._lines) > TEXT_CACHE:
                self._lines.clear()
            kind = self._kinds[a.kind]
            if two:
                second = f"{kind} · {a.starts_at:%H:%M}–{a.ends_at:%H:%M}"
                found = (self._fit(a.patient_short, width, True), self._fit(second, width))
            else:
                # Narrow blocks keep the name whole rather than a bit of the kind.
                name = self._fit(a.patient_short, width)
                full = f"{a.patient_short} · {kind}"
                fits = name == a.patient_short and self._width(full) <= width
                found = (full if fits else name, "")
            self._lines[key] = found
        return found

    def _paint_block(self, p: QPainter, placement: Placement, r: QRectF, now: dt.datetime) -> None:
        a = placement.appointment
        overdue = a.status is AppointmentStatus.BOOKED and a.ends_at <= now
        dragged = a.id == self._dragging
        if dragged:
            p.setOpacity(0.35)
        x, y, w, h = r.x(), r.y(), r.width(), r.height()
        p.setPen(OVERDUE_PEN if overdue else BORDER_PENS[a.status])
        p.setBrush(STATUS_COLOURS[a.status][0])
        p.drawRect(QRectF(x + 0.5, y + 0.5, w - 1, h - 1))
        p.fillRect(QRectF(x + 1, y + 1, 4, h - 1), KIND_COLOURS[a.kind])
        if a.in_holding_tray:
            p.fillRect(r, TRAY_BRUSH)
        if a.id == self._selected:
            p.setPen(SELECTED_PEN)
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(QRectF(x + 1, y + 1, w - 2, h - 2))
        badge = 14 if overdue else 0
        line = self._fonts.line
        width = w - 11 - badge
        two = h - 2 >= 2 * line
        first, second = self._block_lines(a, width, two)
        p.setPen(TEXT)
        if two:
            p.setFont(self._fonts.bold)
            p.drawText(QRectF(x + 8, y + 1, width, line), LEFT_MIDDLE, first)
            p.setFont(self._fonts.normal)
            p.setPen(SUBTLE)
            p.drawText(QRectF(x + 8, y + 1 + line, width, line), LEFT_MIDDLE, second)
        else:
            p.drawText(QRectF(x + 8, y + 1, width, h - 2), LEFT_MIDDLE, first)
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
            p.setFont(self._fonts.bold)
            p.drawText(circle, Qt.AlignmentFlag.AlignCenter, "?")
            p.setFont(self._fonts.normal)
        if dragged:
            p.setOpacity(1.0)

    def _kind_labels(self) -> dict[AppointmentKind, str]:
        return {
            AppointmentKind.REFERRAL: self.tr("OMS"),
            AppointmentKind.PAID: self.tr("paid"),
            AppointmentKind.FOLLOW_UP: self.tr("follow-up"),
            AppointmentKind.REMOTE: self.tr("telemed."),
        }

    def kind_label(self, appointment: GridAppointment) -> str:
        """The kind of an appointment in a block's few letters."""
        return self._kinds[appointment.kind]

    def kind_label_of(self, kind: AppointmentKind) -> str:
        """A kind of appointment in a block's few letters."""
        return self._kinds[kind]

    def _paint_header(self, p: QPainter, columns: range, hx: int) -> None:
        layout, m = self.grid_layout, self.grid_layout.metrics
        cw = layout.column_width
        p.fillRect(QRectF(m.time_width, 0, self.viewport().width(), m.header_height), HEADER)
        p.save()
        p.setClipRect(m.time_width, 0, self.viewport().width() - m.time_width, m.header_height)
        line = self._fonts.metrics.height()
        today = self.now().astimezone(layout.tz).date()
        several_days = bool(layout.columns) and layout.columns[0].day != layout.columns[-1].day
        for c in columns:
            x = m.time_width + layout.column_x(c) - hx
            if self.cursor is not None and self.cursor.column == c:
                p.fillRect(QRectF(x, 0, cw, m.header_height), HEADER_CURRENT)
            first, *others = self.header_lines(layout.columns[c])
            width = cw - 12
            p.setPen(CURSOR if several_days and layout.columns[c].day == today else TEXT)
            p.setFont(self._fonts.bold)
            p.drawText(
                QRectF(x + 6, 5, width, line),
                Qt.AlignmentFlag.AlignVCenter,
                self._elide(first, width, True),
            )
            p.setFont(self._fonts.normal)
            p.setPen(SUBTLE)
            for n, text in enumerate(others, start=1):
                p.drawText(
                    QRectF(x + 6, 5 + n * line, width, line),
                    Qt.AlignmentFlag.AlignVCenter,
                    self._elide(text, width),
                )
            p.setPen(QPen(HOUR_LINE, 1))
            p.drawLine(QPointF(x + cw - 0.5, 0), QPointF(x + cw - 0.5, m.header_height))
        if self.header_insert is not None:
            x = m.time_width + self.header_insert * cw - hx
            p.fillRect(QRectF(x - 2, 0, 4, self.viewport().height()), CURSOR)
        p.restore()

    def _paint_times(self, p: QPainter, rows: range, vy: int) -> None:
        layout, m = self.grid_layout, self.grid_layout.metrics
        p.fillRect(QRectF(0, m.header_height, m.time_width, self.viewport().height()), HEADER)
        p.save()
        p.setClipRect(0, m.header_height, m.time_width, self.viewport().height() - m.header_height)
        for r in rows:
            y = m.header_height + layout.row_y(r) - vy
            minute = layout.minute_of_row(r)
            if self.cursor is not None and self.cursor.row == r:
                p.fillRect(QRectF(0, y, m.time_width, m.row_height), HEADER_CURRENT)
            on_hour = minute % 60 == 0
            p.setFont(self._fonts.bold if on_hour else self._fonts.small)
            p.setPen(TEXT if on_hour else SUBTLE)
            p.drawText(
                QRectF(0, y, m.time_width - 8, m.row_height),
                RIGHT_MIDDLE,
                f"{minute // 60:02d}:{minute % 60:02d}",
            )
        p.restore()

    def header_lines(self, column: GridColumn) -> tuple[str, ...]:
        """The lines of a column's header: doctor, specialty, room, working hours."""
        doctor = column.doctor
        hours = hours_text(column, self.grid_layout.tz)
        room = room_of(column)
        if not hours:
            return doctor.short_name, doctor.specialty_name, self.tr("not working")
        place = self.tr("room {room}").format(room=room) if room else ""
        return doctor.short_name, doctor.specialty_name, place, hours

    def tooltip_text(self, a: GridAppointment) -> str:
        """What hovering over a block tells: the patient, the time, the kind, the status."""
        kinds = appointment_kind_names()
        lines = [
            a.patient_full,
            self.tr("born {date}").format(date=format_date(a.patient_birth_date))
            + (f" · {format_phone(a.patient_phone)}" if a.patient_phone else ""),
            f"{format_date(a.starts_at.date())} {a.starts_at:%H:%M}–{a.ends_at:%H:%M}"
            + (" · " + self.tr("room {room}").format(room=a.room_number) if a.room_number else ""),
            kinds.get(a.kind.value, a.kind.value)
            + (
                " · " + self.tr("referral № {number}").format(number=a.referral_number)
                if a.referral_number
                else ""
            ),
            self.tr("Status: {status}").format(status=status_title(a.status)),
        ]
        if a.status is AppointmentStatus.BOOKED and a.ends_at <= self.now():
            lines.append(self.tr("The time has passed: mark as a no-show?"))
        if a.overbooked:
            lines.append(self.tr("Overbooked (over a taken slot)"))
        if a.in_holding_tray:
            lines.append(self.tr("In the holding tray: the doctor is not available, move it"))
        if a.note:
            lines.append(a.note)
        return "\n".join(lines)

    # --- cursor and keys ------------------------------------------------------------

    def set_cursor(self, cell: Cell | None, *, select: bool = True) -> None:
        """Put the cell cursor on ``cell`` (and choose the block there)."""
        layout = self.grid_layout
        if cell is not None:
            if not layout.columns:
                cell = None
            else:
                cell = Cell(
                    min(max(0, cell.column), len(layout.columns) - 1),
                    min(max(0, cell.row), layout.rows - 1),
                )
        self.cursor = cell
        if cell is not None:
            self.ensure_visible(cell)
            if select:
                blocks = layout.blocks_at(cell)
                self._choose(blocks[0].appointment.id if blocks else None)
            self.cursor_moved.emit((layout.columns[cell.column], layout.slot_start(cell)))
        self.viewport().update()

    def _choose(self, appointment_id: int | None) -> None:
        if appointment_id != self._selected:
            self._selected = appointment_id
            self.selection_changed.emit(self.selected_appointment())

    def move_cursor(self, columns: int, rows: int) -> None:
        """Move the cell cursor by ``columns`` and ``rows`` (from the top-left if none)."""
        if self.cursor is None:
            first = self.grid_layout.working_spans(0) if self.columns else []
            self.set_cursor(Cell(0, first[0][0] if first else 0))
            return
        self.set_cursor(Cell(self.cursor.column + columns, self.cursor.row + rows))

    def keyPressEvent(self, event: QKeyEvent) -> None:  # Qt's name
        key, mods = event.key(), event.modifiers()
        K, M = Qt.Key, Qt.KeyboardModifier
        page = max(
            1,
            (self.viewport().height() - self.grid_layout.metrics.header_height)
            // self.grid_layout.metrics.row_height
            - 1,
        )
        if mods & M.ControlModifier and mods & M.ShiftModifier and key in (K.Key_Left, K.Key_Right):
            self.move_current_column(-1 if key == K.Key_Left else 1)
        elif key in (K.Key_Left, K.Key_Right, K.Key_Up, K.Key_Down) and not mods & M.AltModifier:
            steps = {
                K.Key_Left: (-1, 0),
                K.Key_Right: (1, 0),
                K.Key_Up: (0, -1),
                K.Key_Down: (0, 1),
            }
            self.move_cursor(*steps[K(key)])
        elif key in (K.Key_PageUp, K.Key_PageDown) and not mods:
            self.move_cursor(0, -page if key == K.Key_PageUp else page)
        elif key in (K.Key_Home, K.Key_End) and not mods:
            self.move_cursor(0, -10_000 if key == K.Key_Home else 10_000)
        elif key in (K.Key_Return, K.Key_Enter):
            self.activate_cursor()
        elif key == K.Key_Delete:
            chosen = self.selected_appointment()
            if chosen is not None and self.actions is not None:
                self.actions.cancel(chosen)
        elif key == K.Key_Menu or (key == K.Key_F10 and mods & M.ShiftModifier):
            self.show_context_menu()
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def activate_cursor(self) -> None:
        """Enter: book the free slot under the cursor, or open the menu of its block."""
        if self.cursor is None:
            self.move_cursor(0, 0)
            return
        if self.selected_appointment() is not None:
            self.show_context_menu()
        elif self.actions is not None:
            column = self.columns[self.cursor.column]
            self.actions.book(column.doctor, self.grid_layout.slot_start(self.cursor))

    def move_current_column(self, step: int) -> None:
        """Move the cursor's column ``step`` places (if columns may be reordered)."""
        if not self.reorderable or self.cursor is None:
            return
        self.move_column(self.cursor.column, self.cursor.column + step + (1 if step > 0 else 0))

    def move_column(self, column: int, insert_at: int) -> None:
        """Move ``column`` so that it stands before the column now at ``insert_at``."""
        columns = list(self.columns)
        if not 0 <= column < len(columns):
            return
        insert_at = min(max(0, insert_at), len(columns))
        if insert_at in (column, column + 1):
            return
        moved = columns.pop(column)
        target = insert_at - 1 if insert_at > column else insert_at
        columns.insert(target, moved)
        cursor_row = self.cursor.row if self.cursor else None
        appointments = [p.appointment for p in self.grid_layout.placements]
        self.set_content(columns, appointments, self.grid_layout.tz)
        if cursor_row is not None:
            self.set_cursor(Cell(target, cursor_row), select=False)
        self.column_order_changed.emit([c.doctor.id for c in columns])

    # --- context menu ---------------------------------------------------------------

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # Qt's name
        if event.reason() == QContextMenuEvent.Reason.Keyboard:
            # The Menu key may come as a key press and as this event: one menu only.
            if self.menu is None or not shiboken6.isValid(self.menu) or not self.menu.isVisible():
                self.show_context_menu()
            return
        position = event.pos()  # viewport coordinates (forwarded by the scroll area)
        m = self.grid_layout.metrics
        if position.y() < m.header_height and position.x() >= m.time_width:
            x = position.x() - self._origin().x()
            found = self.grid_layout.column_range(x, x + 1)
            if len(found):
                self.show_header_menu(found.start, event.globalPos())
            return
        cells = self.to_cells(position)
        cell = self.grid_layout.cell_at(*cells) if cells else None
        if cell is None:
            return
        block = self.grid_layout.block_at(*cells) if cells else None
        self.set_cursor(cell, select=block is None)
        if block is not None:
            self._choose(block.appointment.id)
        self.show_context_menu(event.globalPos())

    def show_context_menu(self, global_pos: QPoint | None = None) -> QMenu | None:
        """The menu of the chosen block, or of the free slot under the cursor."""
        if self.cursor is None:
            return None
        column = self.columns[self.cursor.column]
        start = self.grid_layout.slot_start(self.cursor)
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        chosen = self.selected_appointment()
        if chosen is not None:
            if self.actions is not None:
                self.actions.fill_context_menu(menu, chosen)
            anchor = self.block_viewport_rect(chosen.id)
        else:
            book = menu.addAction(self.tr("Book at {time}…").format(time=f"{start:%H:%M}"))
            book.setShortcut(Qt.Key.Key_Return)
            book.setEnabled(self.actions is not None)
            book.triggered.connect(lambda: self.actions.book(column.doctor, start))
            anchor = None
        if self.reorderable:
            self._add_column_actions(menu, self.cursor.column)
        if global_pos is None:
            rect = anchor or QRect(self.cell_center(self.cursor), self.cell_center(self.cursor))
            global_pos = self.viewport().mapToGlobal(rect.center())
        self.menu = menu
        menu.popup(global_pos)
        self.context_menu_shown.emit(menu)
        return menu

    def show_header_menu(self, column: int, global_pos: QPoint) -> QMenu:
        """The menu of a doctor's header: the week view, moving the column."""
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        doctor = self.columns[column].doctor
        week = menu.addAction(self.tr("Week of {doctor}").format(doctor=doctor.short_name))
        week.triggered.connect(lambda: self.week_requested.emit(doctor.id))
        if self.reorderable:
            self._add_column_actions(menu, column)
        self.menu = menu
        menu.popup(global_pos)
        self.context_menu_shown.emit(menu)
        return menu

    def _add_column_actions(self, menu: QMenu, column: int) -> None:
        menu.addSeparator()
        left = menu.addAction(self.tr("Move column left"))
        left.setShortcut("Ctrl+Shift+Left")
        left.setEnabled(column > 0)
        left.triggered.connect(lambda: self.move_column(column, column - 1))
        right = menu.addAction(self.tr("Move column right"))
        right.setShortcut("Ctrl+Shift+Right")
        right.setEnabled(column < len(self.columns) - 1)
        right.triggered.connect(lambda: self.move_column(column, column + 2))

    # --- mouse ----------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:  # Qt's name
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        if event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        position = event.position().toPoint()
        m = self.grid_layout.metrics
        if position.y() < m.header_height and position.x() >= m.time_width:
            x = position.x() - self._origin().x()
            found = self.grid_layout.column_range(x, x + 1)
            if len(found) and self.reorderable:
                self._header_press = (found.start, position)
            return
        cells = self.to_cells(position)
        cell = self.grid_layout.cell_at(*cells) if cells else None
        if cell is None:
            return
        block = self.grid_layout.block_at(*cells) if cells else None
        self.set_cursor(cell, select=False)
        self._choose(block.appointment.id if block else None)
        offset = cell.row - int(block.first_row) if block else 0
        self._press = (position, block, offset)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # Qt's name
        position = event.position().toPoint()
        distance = QApplication.startDragDistance()
        if self._header_press is not None:
            if (position - self._header_press[1]).manhattanLength() >= distance:
                x = position.x() - self._origin().x()
                self.header_insert = round(x / self.grid_layout.column_width)
                self.viewport().update()
            return
        if self._press is None:
            return
        start, block, offset = self._press
        if block is None or (position - start).manhattanLength() < distance:
            return
        self._press = None
        if block.appointment.status is AppointmentStatus.BOOKED:
            self.start_drag(block, offset)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # Qt's name
        if self._header_press is not None:
            column, _ = self._header_press
            self._header_press = None
            if self.header_insert is not None:
                insert_at, self.header_insert = self.header_insert, None
                self.move_column(column, insert_at)
            self.viewport().update()
        self._press = None
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # Qt's name
        cells = self.to_cells(event.position().toPoint())
        cell = self.grid_layout.cell_at(*cells) if cells else None
        if cell is None or event.button() != Qt.MouseButton.LeftButton:
            return
        block = self.grid_layout.block_at(*cells) if cells else None
        if block is not None:
            self.patient_requested.emit(block.appointment.patient_id)
        elif self.actions is not None:
            self.set_cursor(cell)
            self.actions.book(self.columns[cell.column].doctor, self.grid_layout.slot_start(cell))

    def start_drag(self, block: Placement, offset: int) -> None:
        """Drag ``block`` (grabbed ``offset`` slots below its top) to another slot."""
        rect = self.block_viewport_rect(block.appointment.id) or QRect()
        pixmap = QPixmap(max(1, rect.width()), max(1, rect.height()))
        pixmap.fill(Qt.GlobalColor.transparent)
        with QPainter(pixmap) as painter:
            painter.setFont(self._fonts.normal)
            self._paint_block(painter, block, QRectF(0, 0, rect.width(), rect.height()), self.now())
        drag = QDrag(self)
        drag.setMimeData(appointment_mime(block.appointment))
        drag.setPixmap(pixmap)
        drag.setHotSpot(QPoint(rect.width() // 2, offset * self.grid_layout.metrics.row_height + 4))
        self._dragging = block.appointment.id
        self.viewport().update()
        try:
            drag.exec(Qt.DropAction.MoveAction)
        finally:
            self._dragging = None
            self.indicator = None
            self.viewport().update()

    # --- dropping -------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # Qt's name
        payload = read_mime(event.mimeData())
        if payload is None or self.appointment(payload[0]) is None:
            event.ignore()
            return
        offset = self._press_offset(payload[0])
        self._drag = (payload[0], payload[1], offset)
        event.setDropAction(Qt.DropAction.MoveAction)
        event.accept()

    def _press_offset(self, appointment_id: int) -> int:
        if self._dragging != appointment_id or self.cursor is None:
            return 0
        placement = self.grid_layout.placement(appointment_id)
        if placement is None or placement.column != self.cursor.column:
            return 0
        return max(0, self.cursor.row - int(placement.first_row))

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # Qt's name
        self._autoscroll(event.position().toPoint())
        target = self._drop_target(event.position().toPoint())
        if target is None:
            self.indicator = None
            event.ignore()
        else:
            cell, slots, working, _free = target
            self.indicator = (cell, slots, working)
            if working:
                event.setDropAction(Qt.DropAction.MoveAction)
                event.accept()
            else:
                event.ignore()  # the forbidden cursor: outside the doctor's hours
        self.viewport().update()

    def dragLeaveEvent(self, event: Any) -> None:  # Qt's name
        self.indicator = None
        self.viewport().update()
        super().dragLeaveEvent(event)

    def _drop_target(self, point: QPoint) -> tuple[Cell, int, bool, bool] | None:
        if self._drag is None:
            return None
        appointment = self.appointment(self._drag[0])
        cells = self.to_cells(point)
        cell = self.grid_layout.cell_at(*cells) if cells else None
        if cell is None or appointment is None:
            return None
        layout = self.grid_layout
        slots = min(appointment.slots, layout.rows)
        row = min(max(0, cell.row - self._drag[2]), layout.rows - slots)
        target = Cell(cell.column, row)
        working = layout.is_working(target.column, target.row, slots)
        free = layout.is_free(target.column, target.row, slots, ignore=appointment.id)
        return target, slots, working, free

    def _autoscroll(self, point: QPoint) -> None:
        m, margin = self.grid_layout.metrics, 10
        bar = self.verticalScrollBar()
        if m.header_height <= point.y() < m.header_height + margin:
            bar.setValue(bar.value() - m.row_height)
        elif point.y() > self.viewport().height() - margin:
            bar.setValue(bar.value() + m.row_height)

    def dropEvent(self, event: QDropEvent) -> None:  # Qt's name
        payload = read_mime(event.mimeData())
        if payload is not None and (self._drag is None or self._drag[0] != payload[0]):
            self._drag = (payload[0], payload[1], self._press_offset(payload[0]))
        target = self._drop_target(event.position().toPoint()) if payload else None
        self.indicator = None
        self._drag = None
        self.viewport().update()
        if payload is None or target is None:
            event.ignore()
            return
        appointment = self.appointment(payload[0])
        assert appointment is not None  # _drop_target checked it
        cell, slots, _working, _free = target
        column = self.columns[cell.column]
        starts_at = self.grid_layout.slot_start(cell)
        if column.doctor.id == appointment.doctor_id and starts_at == appointment.starts_at:
            event.ignore()  # put back where it was
            return
        event.setDropAction(Qt.DropAction.MoveAction)
        event.accept()
        self.pending = (cell, slots)
        self.set_cursor(cell, select=False)
        self._choose(appointment.id)  # after the reload, the block at the cursor
        if appointment.version != payload[1]:
            # Changed while it was being dragged: let the controller say so.
            appointment = dataclasses.replace(appointment, version=payload[1])
        self.drop_requested.emit(appointment.id)
        if self.actions is not None:
            self.actions.reschedule(appointment, column.doctor, starts_at)

    def clear_pending(self) -> None:
        """Forget the outline of a drop that was refused."""
        self.pending = None
        self.viewport().update()

    # --- tooltips and focus ---------------------------------------------------------

    def viewportEvent(self, event: QEvent) -> bool:  # Qt's name
        if event.type() == QEvent.Type.ToolTip:
            assert isinstance(event, QHelpEvent)
            cells = self.to_cells(event.pos())
            block = self.grid_layout.block_at(*cells) if cells else None
            if block is None:
                QToolTip.hideText()
            else:
                text = self.tooltip_text(block.appointment)
                QToolTip.showText(event.globalPos(), text, self.viewport())
            return True
        return super().viewportEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:  # Qt's name
        super().focusInEvent(event)
        self.viewport().update()

    def focusOutEvent(self, event: QFocusEvent) -> None:  # Qt's name
        super().focusOutEvent(event)
        self.viewport().update()
