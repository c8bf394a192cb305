"""Painting appointment blocks: the visible ones a layer at a time, or one alone.

A full-HD grid shows some 450 blocks. Painting them one by one costs a dozen Python
calls into Qt each (pen, brush, rectangle, stripe, font, text…); most of that is the
crossing, not the drawing. :class:`BlockPainter` instead paints all frames of one
status with a single ``drawRects``, all kind stripes of one kind with another, then
every first line in one font and colour, every second line in another, and last the
rare marks (holding tray, selection, overbooking corner, overdue badge). Blocks never
overlap (overlaps get lanes), so the layers give the same picture as block by block.

The geometry of each block (its frame, stripe and text positions) is kept per layout
and column width, and rebuilt when either changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import NamedTuple

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPolygonF

from crm.controllers.payments.status import PaymentStatus
from crm.controllers.schedule.day_grid import GridAppointment
from crm.models.enums import AppointmentKind, AppointmentStatus
from crm.views.schedule.grid_labels import Labels, text_room
from crm.views.schedule.grid_style import (
    BORDER_PENS,
    KIND_COLOURS,
    NOW,
    OVERDUE,
    OVERDUE_PEN,
    PAYMENT_COLOURS,
    SELECTED_PEN,
    STATUS_COLOURS,
    SUBTLE,
    TEXT,
    TRAY_BRUSH,
)
from crm.views.schedule.layout import GridLayout, Placement

#: Room kept at a block's right for the overdue badge.
BADGE = 14
#: The payment mark's side, and the room kept for it at a block's right.
MARK = 7
MARK_ROOM = MARK + 3


def payment_mark_rect(shape: BlockShape, overdue: bool) -> QRectF:
    """Where a block's payment mark is drawn: its lower right corner (left of the
    overdue badge when there is one)."""
    r = shape.rect
    right = r.x() + r.width() - 3 - (BADGE if overdue else 0)
    return QRectF(right - MARK, r.y() + r.height() - MARK - 3, MARK, MARK)


def _text_width(shape: BlockShape, a: GridAppointment, overdue: bool) -> float:
    width = shape.text_width - BADGE if overdue else shape.text_width
    return width - MARK_ROOM if a.payment is not None else width


class BlockShape(NamedTuple):
    """Where a block's parts are drawn (cell-area coordinates)."""

    rect: QRectF
    frame: QRectF
    stripe: QRectF
    two: bool  # tall enough for two lines
    first: QPointF  # baseline of the first (or only) line
    second: QPointF  # baseline of the second line
    text_width: float  # room for the text without the badge


def block_shape(labels: Labels, x: float, y: float, w: float, h: float) -> BlockShape:
    """The shape of a block drawn in the rectangle ``x, y, w, h``."""
    fonts = labels.fonts
    line, centre = fonts.line, fonts.centre
    text_width, two = text_room(fonts, w, h)
    middle = (line if two else h - 2) + centre
    return BlockShape(
        QRectF(x, y, w, h),
        QRectF(x + 0.5, y + 0.5, w - 1, h - 1),
        QRectF(x + 1, y + 1, 4, h - 1),
        two,
        QPointF(x + 8, y + 1 + middle / 2),
        QPointF(x + 8, y + 1 + line + (line + centre) / 2) if two else QPointF(),
        text_width,
    )


class BlockPainter:
    """Paints blocks with the grid's labels; keeps their shapes per layout.

    Args:
        labels: the texts' cache (its fonts are the ones painted with).
    """

    def __init__(self, labels: Labels) -> None:
        self.labels = labels
        self._shapes: dict[int, BlockShape] = {}
        self._shaped_for: tuple[GridLayout | None, float, float] = (None, 0.0, 0.0)

    def forget(self) -> None:
        """Drop the kept shapes (the fonts changed)."""
        self._shapes.clear()
        self._shaped_for = (None, 0.0, 0.0)

    def _shape(self, layout: GridLayout, placement: Placement) -> BlockShape:
        shape = self._shapes.get(placement.appointment.id)
        if shape is None:
            r = layout.block_rect(placement)
            shape = block_shape(self.labels, r.x, r.y, r.width, r.height)
            self._shapes[placement.appointment.id] = shape
        return shape

    def paint_visible(
        self,
        p: QPainter,
        layout: GridLayout,
        placements: Iterable[Placement],
        now: dt.datetime,
        *,
        selected: int | None,
        dragging: int | None,
    ) -> None:
        """Paint ``placements`` of ``layout`` a layer at a time (cell-area coordinates)."""
        shaped_for = (layout, layout.column_width, self.labels.fonts.line)
        if self._shaped_for[0] is not layout or self._shaped_for[1:] != shaped_for[1:]:
            self._shapes.clear()
            self._shaped_for = shaped_for
        frames: dict[tuple[bool, AppointmentStatus], list[QRectF]] = {}
        stripes: dict[AppointmentKind, list[QRectF]] = {}
        bold_lines: list[tuple[QPointF, str]] = []
        plain_lines: list[tuple[QPointF, str]] = []
        second_lines: list[tuple[QPointF, str]] = []
        marked: list[tuple[GridAppointment, BlockShape, bool]] = []
        faded: list[Placement] = []
        money: dict[PaymentStatus, list[QRectF]] = {}
        block_lines = self.labels.block_lines
        booked = AppointmentStatus.BOOKED
        for placement in placements:
            a = placement.appointment
            if a.id == dragging:
                faded.append(placement)
                continue
            shape = self._shape(layout, placement)
            overdue = a.status is booked and a.ends_at <= now
            frames.setdefault((overdue, a.status), []).append(shape.frame)
            stripes.setdefault(a.kind, []).append(shape.stripe)
            first, second = block_lines(a, _text_width(shape, a, overdue), shape.two)
            if shape.two:
                bold_lines.append((shape.first, first))
                second_lines.append((shape.second, second))
            else:
                plain_lines.append((shape.first, first))
            if overdue or a.overbooked or a.in_holding_tray or a.id == selected:
                marked.append((a, shape, overdue))
            if a.payment is not None:
                money.setdefault(a.payment, []).append(payment_mark_rect(shape, overdue))
        for (overdue, status), rects in frames.items():
            p.setPen(OVERDUE_PEN if overdue else BORDER_PENS[status])
            p.setBrush(STATUS_COLOURS[status][0])
            p.drawRects(rects)
        p.setPen(Qt.PenStyle.NoPen)
        for kind, rects in stripes.items():
            p.setBrush(KIND_COLOURS[kind])
            p.drawRects(rects)
        for a, shape, _overdue in marked:
            if a.in_holding_tray:
                p.fillRect(shape.rect, TRAY_BRUSH)
        if selected is not None:
            for a, shape, _overdue in marked:
                if a.id == selected:
                    self._paint_selection(p, shape)
        fonts = self.labels.fonts
        p.setPen(TEXT)
        p.setFont(fonts.bold)
        for point, text in bold_lines:
            p.drawText(point, text)
        p.setFont(fonts.normal)
        for point, text in plain_lines:
            p.drawText(point, text)
        p.setPen(SUBTLE)
        for point, text in second_lines:
            p.drawText(point, text)
        for a, shape, overdue in marked:
            self._paint_corner_and_badge(p, a, shape, overdue)
        p.setPen(Qt.PenStyle.NoPen)
        for mark, rects in money.items():
            p.setBrush(PAYMENT_COLOURS[mark])
            p.drawRects(rects)
        for placement in faded:
            r = layout.block_rect(placement)
            self.paint_one(
                p, placement.appointment, QRectF(r.x, r.y, r.width, r.height), now,
                selected=selected, dragging=dragging,
            )  # fmt: skip

    def paint_one(
        self,
        p: QPainter,
        a: GridAppointment,
        r: QRectF,
        now: dt.datetime,
        *,
        selected: int | None,
        dragging: int | None,
    ) -> None:
        """One appointment's block in ``r`` (the drag's picture, a faded block)."""
        shape = block_shape(self.labels, r.x(), r.y(), r.width(), r.height())
        overdue = a.status is AppointmentStatus.BOOKED and a.ends_at <= now
        dragged = a.id == dragging
        if dragged:
            p.setOpacity(0.35)
        p.setPen(OVERDUE_PEN if overdue else BORDER_PENS[a.status])
        p.setBrush(STATUS_COLOURS[a.status][0])
        p.drawRect(shape.frame)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(KIND_COLOURS[a.kind])
        p.drawRect(shape.stripe)
        if a.in_holding_tray:
            p.fillRect(r, TRAY_BRUSH)
        if a.id == selected:
            self._paint_selection(p, shape)
        first, second = self.labels.block_lines(a, _text_width(shape, a, overdue), shape.two)
        p.setPen(TEXT)
        fonts = self.labels.fonts
        if shape.two:
            p.setFont(fonts.bold)
            p.drawText(shape.first, first)
            p.setFont(fonts.normal)
            p.setPen(SUBTLE)
            p.drawText(shape.second, second)
        else:
            p.setFont(fonts.normal)
            p.drawText(shape.first, first)
        self._paint_corner_and_badge(p, a, shape, overdue)
        if a.payment is not None:
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(PAYMENT_COLOURS[a.payment])
            p.drawRect(payment_mark_rect(shape, overdue))
        if dragged:
            p.setOpacity(1.0)

    @staticmethod
    def _paint_selection(p: QPainter, shape: BlockShape) -> None:
        r = shape.rect
        p.setPen(SELECTED_PEN)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRect(QRectF(r.x() + 1, r.y() + 1, r.width() - 2, r.height() - 2))

    def _paint_corner_and_badge(
        self, p: QPainter, a: GridAppointment, shape: BlockShape, overdue: bool
    ) -> None:
        """The overbooking corner and the overdue "?" badge, where they apply."""
        x, y, w, h = shape.rect.x(), shape.rect.y(), shape.rect.width(), shape.rect.height()
        if a.overbooked:
            right = x + w
            corner = QPolygonF(
                [QPointF(right - 9, y + 1), QPointF(right - 1, y + 1), QPointF(right - 1, y + 9)]
            )
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(NOW)
            p.drawPolygon(corner)
        if overdue:
            fonts = self.labels.fonts
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(OVERDUE)
            circle = QRectF(x + w - BADGE - 2, y + (min(h, 2 * fonts.line) - 13) / 2, 13, 13)
            p.drawEllipse(circle)
            p.setPen(QColor("white"))
            p.setFont(fonts.bold)
            p.drawText(circle, Qt.AlignmentFlag.AlignCenter, "?")
            p.setFont(fonts.normal)
