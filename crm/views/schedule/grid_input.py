"""The schedule grid's keys, mouse, drag and drop, tooltips and focus.

:class:`GridInput` is a mixin of :class:`crm.views.schedule.grid.ScheduleGrid`: the
event handlers turn input into the grid's own moves (cursor, choice, column order)
and into calls of the page's actions object. Strings shown to the user (menus,
tooltips) stay in ``ScheduleGrid`` so that they keep their translation context.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QEvent, QMimeData, QPoint, QRect, QRectF, Qt
from PySide6.QtGui import (
    QContextMenuEvent,
    QDrag,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QFocusEvent,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPixmap,
)
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QMenu, QToolTip

from crm.controllers.schedule import booking
from crm.controllers.schedule.day_grid import GridAppointment
from crm.models.enums import AppointmentStatus
from crm.views.schedule.grid_paint import GridPainter
from crm.views.schedule.layout import Cell, GridColumn, GridLayout, Placement

MIME_TYPE = "application/x-registratura-appointment"


def appointment_mime(appointment: GridAppointment) -> QMimeData:
    """A drag's payload: the appointment's id and the version it was dragged at."""
    mime = QMimeData()
    payload = {"id": appointment.id, "version": appointment.version}
    mime.setData(MIME_TYPE, json.dumps(payload).encode())
    return mime


WAITING_MIME_TYPE = "application/x-registratura-waiting-entry"


def waiting_mime(entry_id: int) -> QMimeData:
    """A drag's payload for a waiting-list entry: book its patient where it is dropped."""
    mime = QMimeData()
    mime.setData(WAITING_MIME_TYPE, str(entry_id).encode())
    return mime


def read_waiting_mime(mime: QMimeData | None) -> int | None:
    """The waiting-list entry's id a drag carries, or ``None``."""
    if mime is None or not mime.hasFormat(WAITING_MIME_TYPE):
        return None
    text = bytes(mime.data(WAITING_MIME_TYPE).data()).decode()
    return int(text) if text.isdigit() else None


def read_mime(mime: QMimeData | None) -> tuple[int, int] | None:
    """``(id, version)`` from a drag's payload, or ``None`` if it carries none."""
    if mime is None or not mime.hasFormat(MIME_TYPE):
        return None
    try:
        payload = json.loads(bytes(mime.data(MIME_TYPE).data()).decode())
        return int(payload["id"]), int(payload["version"])
    except (ValueError, KeyError, TypeError):
        return None


#: Keys for the chosen block's menu items (their names in ``ScheduleActions``' menu).
STATUS_KEYS = {
    Qt.Key.Key_F2: "actionArrived",
    Qt.Key.Key_F3: "actionInProgress",
    Qt.Key.Key_F4: "actionCompleted",
    Qt.Key.Key_F8: "actionNoShow",
    Qt.Key.Key_Delete: "actionCancel",
    Qt.Key.Key_F9: "actionPayment",
}


class GridInput(QAbstractScrollArea):
    """Input handling of :class:`~crm.views.schedule.grid.ScheduleGrid` (a mixin).

    Relies on the grid's state and methods declared below; it has no state of its own.
    """

    # Provided by ScheduleGrid.
    grid_layout: GridLayout
    schedule_actions: Any
    reorderable: bool
    now: Callable[[], dt.datetime]
    cursor_cell: Cell | None
    indicator: tuple[Cell, int, bool] | None
    moving: GridAppointment | None
    last_moved: GridAppointment | None
    moving_changed: Any
    pending: tuple[Cell, int] | None
    outdated: bool
    header_insert: int | None
    menu: QMenu | None
    _painter: GridPainter
    _selected: int | None
    _press: tuple[QPoint, Placement | None, int] | None
    _waiting_drag: int | None
    waiting_dropped: Any
    _header_press: tuple[int, QPoint] | None
    _dragging: int | None
    _drag: tuple[int, int, int] | None
    if TYPE_CHECKING:

        @property
        def columns(self) -> tuple[GridColumn, ...]:
            """The columns shown (the grid's property)."""
            ...

    patient_requested: Any
    drop_requested: Any
    set_cursor: Callable[..., None]
    _choose: Callable[[int | None], None]
    move_cursor: Callable[[int, int], None]
    move_current_column: Callable[[int], None]
    move_column: Callable[[int, int], None]
    selected_appointment: Callable[[], GridAppointment | None]
    appointment: Callable[[int], GridAppointment | None]
    show_context_menu: Callable[..., QMenu | None]
    show_header_menu: Callable[[int, QPoint], QMenu]
    tooltip_text: Callable[[GridAppointment], str]
    header_lines: Callable[[GridColumn], tuple[str, ...]]
    to_cells: Callable[[QPoint], tuple[float, float] | None]
    block_viewport_rect: Callable[[int], QRect | None]
    _origin: Callable[[], Any]

    def keyPressEvent(self, event: QKeyEvent) -> None:  # Qt's name
        key, mods = event.key(), event.modifiers()
        K, M = Qt.Key, Qt.KeyboardModifier
        page = max(
            1,
            (self.viewport().height() - self.grid_layout.metrics.header_height)
            // self.grid_layout.metrics.row_height
            - 1,
        )
        if self.moving is not None and key == K.Key_Escape:
            self.cancel_move()
        elif key == K.Key_X and mods & M.ControlModifier and not mods & M.ShiftModifier:
            chosen = self.selected_appointment()
            if chosen is not None and self.schedule_actions is not None:
                # Under the rules of the block's «Move» item (the 24-hour rule greys it).
                self.schedule_actions.run_shortcut(chosen, "actionReschedule")
        elif (
            mods & M.ControlModifier and mods & M.ShiftModifier
            and key in (K.Key_Left, K.Key_Right)
        ):  # fmt: skip
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
        elif key in STATUS_KEYS and not mods:
            # The block's menu items by key, under the menu's rules (greyed: said why).
            chosen = self.selected_appointment()
            if chosen is not None and self.schedule_actions is not None:
                self.schedule_actions.run_shortcut(chosen, STATUS_KEYS[K(key)])
        elif key == K.Key_Menu or (key == K.Key_F10 and mods & M.ShiftModifier):
            self.show_context_menu()
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def activate_cursor(self) -> None:
        """Enter: move the block taken to move here, book the free slot under the
        cursor, or open the menu of its block."""
        if self.outdated:
            return  # the day shown is not the one chosen: booking would go to the wrong day
        if self.cursor_cell is None:
            self.move_cursor(0, 0)
            return
        if self.moving is not None:
            self.finish_move()
        elif self.selected_appointment() is not None:
            self.show_context_menu()
        elif self.schedule_actions is not None:
            column = self.columns[self.cursor_cell.column]
            self.schedule_actions.book(column.doctor, self.grid_layout.slot_start(self.cursor_cell))

    # --- moving by keyboard -----------------------------------------------------------

    def start_move(self, appointment: GridAppointment) -> None:
        """Take ``appointment`` to move it by keyboard (Ctrl+X, or Enter in the holding
        tray): the cursor — on any day shown later too — picks the new time, shown as a
        drop target; Enter moves it there (:meth:`finish_move`), Esc leaves it."""
        self.moving = appointment
        self.moving_changed.emit(appointment)
        if self.cursor_cell is None:
            self.move_cursor(0, 0)
        self.show_move_target()
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def cancel_move(self) -> None:
        """Leave the block taken to move where it is."""
        if self.moving is None:
            return
        self.moving = None
        self.indicator = None
        self.moving_changed.emit(None)
        self.viewport().update()

    def _move_target(self) -> tuple[Cell, int] | None:
        cell, moving, layout = self.cursor_cell, self.moving, self.grid_layout
        if cell is None or moving is None or not layout.columns:
            return None
        slots = min(moving.slots, layout.rows)
        return Cell(cell.column, min(cell.row, layout.rows - slots)), slots

    def show_move_target(self) -> None:
        """Show where the block taken to move would go: the drop target's colours."""
        target = self._move_target()
        if target is None:
            self.indicator = None
        else:
            cell, slots = target
            working = self.grid_layout.is_working(cell.column, cell.row, slots)
            self.indicator = (cell, slots, working)
        self.viewport().update()

    def finish_move(self) -> None:
        """Move the block taken to move to the cursor (the actions decide, as for a drop)."""
        moving, target = self.moving, self._move_target()
        if moving is None or target is None or self.outdated:
            return
        self.cancel_move()
        cell, slots = target
        if not self._where_it_is(moving, cell):
            self.last_moved = moving  # taken again if the move is refused
            self._hand_over_move(moving, cell, slots)

    def _where_it_is(self, appointment: GridAppointment, cell: Cell) -> bool:
        column = self.columns[cell.column]
        return (
            column.doctor.id == appointment.doctor_id
            and self.grid_layout.slot_start(cell) == appointment.starts_at
        )

    def _hand_over_move(self, appointment: GridAppointment, cell: Cell, slots: int) -> None:
        """Show the block as going to ``cell`` (dashed) and hand the move to the actions,
        which decide; after the reload the block at the cursor is the one chosen."""
        self.pending = (cell, slots)
        self._choose(appointment.id)
        self.drop_requested.emit(appointment)
        if self.schedule_actions is not None:
            doctor = self.columns[cell.column].doctor
            self.schedule_actions.reschedule(appointment, doctor, self.grid_layout.slot_start(cell))

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
        if cell is None or event.button() != Qt.MouseButton.LeftButton or self.outdated:
            return
        block = self.grid_layout.block_at(*cells) if cells else None
        if block is not None:
            self.patient_requested.emit(block.appointment.patient_id)
        elif self.schedule_actions is not None:
            self.set_cursor(cell)
            doctor = self.columns[cell.column].doctor
            self.schedule_actions.book(doctor, self.grid_layout.slot_start(cell))

    def start_drag(self, block: Placement, offset: int) -> None:
        """Drag ``block`` (grabbed ``offset`` slots below its top) to another slot."""
        rect = self.block_viewport_rect(block.appointment.id) or QRect()
        pixmap = QPixmap(max(1, rect.width()), max(1, rect.height()))
        pixmap.fill(Qt.GlobalColor.transparent)
        with QPainter(pixmap) as painter:
            self._painter.blocks.paint_one(
                painter,
                block.appointment,
                QRectF(0, 0, rect.width(), rect.height()),
                self.now(),
                selected=self._selected,
                dragging=self._dragging,
            )
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
        entry = read_waiting_mime(event.mimeData())
        if entry is not None:
            self._waiting_drag, self._drag = entry, None
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
            return
        self._waiting_drag = None
        payload = read_mime(event.mimeData())
        if payload is None or self.appointment(payload[0]) is None:
            event.ignore()
            return
        offset = self._press_offset(payload[0])
        self._drag = (payload[0], payload[1], offset)
        event.setDropAction(Qt.DropAction.MoveAction)
        event.accept()

    def _press_offset(self, appointment_id: int) -> int:
        if self._dragging != appointment_id or self.cursor_cell is None:
            return 0
        placement = self.grid_layout.placement(appointment_id)
        if placement is None or placement.column != self.cursor_cell.column:
            return 0
        return max(0, self.cursor_cell.row - int(placement.first_row))

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # Qt's name
        self._autoscroll(event.position().toPoint())
        target = None if self.outdated else self._drop_target(event.position().toPoint())
        if target is None:
            self.indicator = None
            event.ignore()
        else:
            cell, slots, working, _free = target
            # Outside the doctor's hours the target is shown red but the drop is still
            # taken, so that it is explained as the keyboard's Enter is (issue 19): an
            # ignored move makes Qt end the drag silently, with no drop at all.
            self.indicator = (cell, slots, working)
            event.setDropAction(
                Qt.DropAction.CopyAction if self._waiting_drag else Qt.DropAction.MoveAction
            )
            event.accept()
        self.viewport().update()

    def dragLeaveEvent(self, event: Any) -> None:  # Qt's name
        self.indicator = None
        self.viewport().update()
        super().dragLeaveEvent(event)

    def _drop_target(self, point: QPoint) -> tuple[Cell, int, bool, bool] | None:
        if self._waiting_drag is not None:
            cells = self.to_cells(point)
            cell = self.grid_layout.cell_at(*cells) if cells else None
            if cell is None:
                return None
            working = self.grid_layout.is_working(cell.column, cell.row, 1)
            return cell, 1, working, self.grid_layout.is_free(cell.column, cell.row, 1)
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
        if self.outdated:
            # Not the chosen day: the drag source keeps what was dragged.
            self.indicator, self._drag = None, None
            event.ignore()
            self.viewport().update()
            return
        entry = read_waiting_mime(event.mimeData())
        if entry is not None:
            self._waiting_drag = entry
            self._drop_waiting(event, entry)
            return
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
        if self._where_it_is(appointment, cell):
            event.ignore()  # put back where it was
            return
        event.setDropAction(Qt.DropAction.MoveAction)
        event.accept()
        self.set_cursor(cell, select=False)
        if appointment.version != payload[1]:
            # Changed while it was being dragged: let the controller say so.
            appointment = dataclasses.replace(appointment, version=payload[1])
        self._hand_over_move(appointment, cell, slots)

    def _drop_waiting(self, event: QDropEvent, entry_id: int) -> None:
        target = self._drop_target(event.position().toPoint())
        self._waiting_drag = None
        self.indicator = None
        self.viewport().update()
        if target is None:
            event.ignore()
            return
        cell, slots, working, _free = target
        if not working:
            event.ignore()
            if self.schedule_actions is not None:  # the booking's own words for it
                self.schedule_actions.told.emit(booking.refusal("outside_hours").message)
            return
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()
        self.pending = (cell, slots)
        self.set_cursor(cell, select=False)
        column = self.columns[cell.column]
        self.waiting_dropped.emit(entry_id, column.doctor, self.grid_layout.slot_start(cell))

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
            text = self.tooltip_text(block.appointment) if block is not None else None
            text = text or self.header_tooltip(event.pos())
            if text is None:
                QToolTip.hideText()
            else:
                QToolTip.showText(event.globalPos(), text, self.viewport())
            return True
        return super().viewportEvent(event)

    def header_tooltip(self, point: QPoint) -> str | None:
        """A column header's lines in full (a narrow window elides them), at ``point``."""
        m, layout = self.grid_layout.metrics, self.grid_layout
        if point.y() >= m.header_height or point.x() < m.time_width or not layout.columns:
            return None
        column = int((point.x() - m.time_width + self.horizontalScrollBar().value())
                     // layout.column_width)  # fmt: skip
        if not 0 <= column < len(layout.columns):
            return None
        return "\n".join(line for line in self.header_lines(layout.columns[column]) if line)

    def focusInEvent(self, event: QFocusEvent) -> None:  # Qt's name
        super().focusInEvent(event)
        self.viewport().update()

    def focusOutEvent(self, event: QFocusEvent) -> None:  # Qt's name
        super().focusOutEvent(event)
        self.viewport().update()
