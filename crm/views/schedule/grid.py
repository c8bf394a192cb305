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
last slot; Enter books a free slot or opens the menu of a block; on a block F2 checks
in, F3 sends to the doctor, F4 completes, F8 marks a no-show and Delete cancels (each
under the rules of the block's menu); Menu or Shift+F10 opens the context menu;
Ctrl+Shift+Left/Right move the current doctor's column. Ctrl+X takes the chosen block
to move it by keyboard: the arrows (and other days) pick the new time, shown as a drop
target; Enter moves it there, Esc leaves it where it was.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QPoint,
    QPointF,
    QRect,
    QRectF,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFont, QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QMenu, QWidget

from crm.controllers.payments.status import status_title as payment_title
from crm.controllers.schedule.day_grid import GridAppointment
from crm.controllers.validation.dates import format_date
from crm.controllers.validation.phones import format_phone
from crm.controllers.vocabulary import appointment_status_title as status_title
from crm.controllers.vocabulary import exception_title
from crm.models.enums import AppointmentKind, AppointmentStatus
from crm.views.patients.labels import appointment_kind_names
from crm.views.schedule.grid_input import (
    MIME_TYPE,
    WAITING_MIME_TYPE,
    GridInput,
    appointment_mime,
    read_mime,
    waiting_mime,
)
from crm.views.schedule.grid_labels import LabelRequest, PreparedLabels
from crm.views.schedule.grid_paint import GridPainter, PaintState, paint_outdated
from crm.views.schedule.grid_style import KIND_COLOURS, NOW, OVERDUE, STATUS_COLOURS, Fonts
from crm.views.schedule.layout import Cell, GridColumn, GridLayout, Metrics, Placement

# Re-exported: the page, the holding tray, the week view and the tests import them here.
__all__ = [
    "KIND_COLOURS",
    "MIME_TYPE",
    "WAITING_MIME_TYPE",
    "waiting_mime",
    "NOW",
    "OVERDUE",
    "STATUS_COLOURS",
    "ScheduleGrid",
    "appointment_mime",
    "hours_text",
    "read_mime",
    "room_of",
]

#: How often the red "now" line and the no-show markers move on.
CLOCK_MS = 60_000


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


def absence_text(column: GridColumn, tz: dt.tzinfo) -> str | None:
    """Why the column's doctor is away that day and until when («Отпуск до 05.12»), if
    an absence takes in the day; ``None`` otherwise."""
    for absence in column.doctor.absences:
        if absence.covers(column.day, tz):
            return QCoreApplication.translate("ScheduleGrid", "{absence} until {date}").format(
                absence=exception_title(absence.kind), date=f"{absence.last_day(tz):%d.%m}"
            )
    return None


class ScheduleGrid(GridInput):
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
        drop_requested(object): a block (the ``GridAppointment``) was dropped on a slot,
            or moved there by keyboard, and handed to the actions.
        moving_changed(object): a block was taken to move by keyboard (the
            ``GridAppointment``), or ``None``: moved, or left where it was.
        waiting_dropped(int, object, object): a waiting-list entry was dropped on a
            slot: the entry's id, the ``GridDoctor`` and the aware start.
    """

    cursor_moved = Signal(object)
    selection_changed = Signal(object)
    patient_requested = Signal(int)
    column_order_changed = Signal(list)
    week_requested = Signal(int)
    context_menu_shown = Signal(object)
    drop_requested = Signal(object)
    waiting_dropped = Signal(int, object, object)
    moving_changed = Signal(object)

    def __init__(self, parent: QWidget | None = None, *, reorderable: bool = True) -> None:
        super().__init__(parent)
        self.setObjectName("scheduleGrid")
        self.reorderable = reorderable
        self.schedule_actions: Any = None
        self.now: Callable[[], dt.datetime] = lambda: dt.datetime.now(self.grid_layout.tz)
        self.grid_layout = GridLayout((), (), dt.UTC, self._metrics())
        self._kinds = self._kind_labels()
        self._painter = GridPainter(Fonts(self.font()), self._kinds)
        self.cursor_cell: Cell | None = None
        self._selected: int | None = None
        self._press: tuple[QPoint, Placement | None, int] | None = None
        self._header_press: tuple[int, QPoint] | None = None
        self.header_insert: int | None = None  # where a dragged header would go
        self._dragging: int | None = None  # the appointment this grid is dragging
        self._drag: tuple[int, int, int] | None = None  # id, version, grab offset (rows)
        self._waiting_drag: int | None = None  # a waiting-list entry being dragged in
        # Appointments dragged in from the holding tray that this grid does not show
        # (another day): known by id so that they can be dropped here.
        self.foreign: dict[int, GridAppointment] = {}
        self.indicator: tuple[Cell, int, bool] | None = None  # target, slots, acceptable
        self.moving: GridAppointment | None = None  # taken to move by keyboard
        self.last_moved: GridAppointment | None = None  # its move is on the runner
        self.pending: tuple[Cell, int] | None = None  # a drop on its way to the database
        self.menu: QMenu | None = None
        # True while another day (or filter) is loading: what is shown is not what the
        # user chose, so nothing may be booked or dropped into it.
        self.outdated = False
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
        self.schedule_actions = actions

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
        cell = self.cursor_cell
        if cell is not None and cell.column < len(old.columns):
            cursor_key = (old.columns[cell.column].key, old.minute_of_row(cell.row))
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
        self.outdated = False
        self._update_scrollbars()
        new = self.grid_layout
        if old.columns:  # the first content starts at the top
            rows = (top_minute - new.first_minute) / 15
            self.verticalScrollBar().setValue(round(rows * new.metrics.row_height))
        if left_key is not None and (index := new.index_of(left_key)) is not None:
            self.horizontalScrollBar().setValue(round(new.column_x(index) + left_offset))
        self.cursor_cell = None
        if cursor_key is not None and (index := self._same_column(cursor_key[0])) is not None:
            row = int((cursor_key[1] - new.first_minute) // 15)
            self.cursor_cell = Cell(index, min(max(0, row), new.rows - 1))
        if self._selected is None or new.placement(self._selected) is None:
            # The chosen block is gone, or the free cell under the cursor was just
            # booked (here or at another desk): the block under the cursor is chosen,
            # so that Enter and the menu act on what the registrar sees there.
            under = new.blocks_at(self.cursor_cell) if self.cursor_cell is not None else ()
            self._choose(under[0].appointment.id if under else None)
        if self.moving is not None:
            self.show_move_target()  # another day shown: the target follows the cursor
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
        return placement.appointment if placement else self.foreign.get(appointment_id)

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
        return self.columns[self.cursor_cell.column] if self.cursor_cell else None

    def current_start(self) -> dt.datetime | None:
        """The start of the slot under the cell cursor."""
        return self.grid_layout.slot_start(self.cursor_cell) if self.cursor_cell else None

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
            self._kinds = self._kind_labels()
            self._painter.reset(Fonts(self.font()), self._kinds)

    # --- painting -------------------------------------------------------------------

    def set_outdated(self, outdated: bool = True) -> None:
        """Grey the grid out (and refuse booking into it) until new content arrives."""
        if outdated != self.outdated:
            self.outdated = outdated
            self.viewport().update()

    def paintEvent(self, event: QPaintEvent) -> None:  # Qt's name
        painter = QPainter(self.viewport())
        try:
            self._painter.paint(painter, self._paint_state())
            if self.outdated:
                below_header = self.viewport().rect()
                below_header.setTop(self.grid_layout.metrics.header_height)
                paint_outdated(painter, below_header, self.tr("Loading the chosen day…"))
        finally:
            painter.end()

    def _paint_state(self) -> PaintState:
        """What the painter needs of the grid for one repaint."""
        return PaintState(
            layout=self.grid_layout,
            width=self.viewport().width(),
            height=self.viewport().height(),
            hx=self.horizontalScrollBar().value(),
            vy=self.verticalScrollBar().value(),
            now=self.now(),
            cursor=self.cursor_cell,
            focused=self.hasFocus(),
            selected=self._selected,
            dragging=self._dragging,
            drag_ignore=self._drag[0] if self._drag else self.moving.id if self.moving else None,
            indicator=self.indicator,
            pending=self.pending,
            header_insert=self.header_insert,
            header_lines=self.header_lines,
        )

    def _kind_labels(self) -> dict[AppointmentKind, str]:
        return {
            AppointmentKind.REFERRAL: self.tr("OMS"),
            AppointmentKind.PAID: self.tr("paid"),
            AppointmentKind.FOLLOW_UP: self.tr("follow-up"),
            AppointmentKind.REMOTE: self.tr("telemed."),
        }

    def label_request(self, column_count: int | None = None) -> LabelRequest:
        """What :func:`~crm.views.schedule.grid_labels.prepare_labels` needs to prepare
        this grid's labels on another thread (copies)."""
        return LabelRequest(
            QFont(self.font()), dict(self._kinds), self._metrics(), self.viewport().width(),
            column_count,
        )  # fmt: skip

    def learn_labels(self, prepared: PreparedLabels) -> None:
        """Take block labels prepared on the runner's thread."""
        self._painter.labels.learn(prepared)

    def kind_label(self, appointment: GridAppointment) -> str:
        """The kind of an appointment in a block's few letters."""
        return self._kinds[appointment.kind]

    def kind_label_of(self, kind: AppointmentKind) -> str:
        """A kind of appointment in a block's few letters."""
        return self._kinds[kind]

    def header_lines(self, column: GridColumn) -> tuple[str, ...]:
        """The lines of a column's header: doctor, specialty, room, working hours."""
        doctor = column.doctor
        hours = hours_text(column, self.grid_layout.tz)
        room = room_of(column)
        if not hours:
            away = absence_text(column, self.grid_layout.tz)
            return doctor.short_name, doctor.specialty_name, away or self.tr("not working")
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
        if a.payment is not None:
            lines.append(self.tr("Payment: {status}").format(status=payment_title(a.payment)))
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
        self.cursor_cell = cell
        if cell is not None:
            self.ensure_visible(cell)
            if select:
                blocks = layout.blocks_at(cell)
                self._choose(blocks[0].appointment.id if blocks else None)
            self.cursor_moved.emit((layout.columns[cell.column], layout.slot_start(cell)))
        if self.moving is not None:
            self.show_move_target()
        self.viewport().update()

    def start_at_column_of(self, doctor_id: int) -> None:
        """Put the cursor in ``doctor_id``'s column at the first working slot."""
        index = next((n for n, c in enumerate(self.columns) if c.doctor.id == doctor_id), None)
        if index is not None:
            spans = self.grid_layout.working_spans(index)
            self.set_cursor(Cell(index, spans[0][0] if spans else 0))

    def _choose(self, appointment_id: int | None) -> None:
        if appointment_id != self._selected:
            self._selected = appointment_id
            self.selection_changed.emit(self.selected_appointment())

    def move_cursor(self, columns: int, rows: int) -> None:
        """Move the cell cursor by ``columns`` and ``rows`` (from the top-left if none)."""
        if self.cursor_cell is None:
            first = self.grid_layout.working_spans(0) if self.columns else []
            self.set_cursor(Cell(0, first[0][0] if first else 0))
            return
        self.set_cursor(Cell(self.cursor_cell.column + columns, self.cursor_cell.row + rows))

    def move_current_column(self, step: int) -> None:
        """Move the cursor's column ``step`` places (if columns may be reordered)."""
        if not self.reorderable or self.cursor_cell is None:
            return
        column = self.cursor_cell.column
        self.move_column(column, column + step + (1 if step > 0 else 0))

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
        cursor_row = self.cursor_cell.row if self.cursor_cell else None
        appointments = [p.appointment for p in self.grid_layout.placements]
        self.set_content(columns, appointments, self.grid_layout.tz)
        if cursor_row is not None:
            self.set_cursor(Cell(target, cursor_row), select=False)
        self.column_order_changed.emit([c.doctor.id for c in columns])

    # --- context menu ---------------------------------------------------------------

    def show_context_menu(self, global_pos: QPoint | None = None) -> QMenu | None:
        """The menu of the chosen block, or of the free slot under the cursor."""
        if self.cursor_cell is None:
            return None
        column = self.columns[self.cursor_cell.column]
        start = self.grid_layout.slot_start(self.cursor_cell)
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        chosen = self.selected_appointment()
        if chosen is not None:
            if self.schedule_actions is not None:
                self.schedule_actions.fill_context_menu(menu, chosen)
            anchor = self.block_viewport_rect(chosen.id)
        else:
            # The key is named in the text (after a tab, the menu's shortcut column):
            # as a real shortcut Qt would call it «Return», a key the keyboard does not name.
            book = menu.addAction(
                self.tr("Book at {time}…").format(time=f"{start:%H:%M}") + "\tEnter"
            )
            actions = self.schedule_actions
            refusal = actions.booking_refusal(column.doctor.id) if actions is not None else ""
            book.setEnabled(refusal is None and not self.outdated)
            if refusal:
                menu.setToolTipsVisible(True)
                book.setToolTip(refusal)
            book.triggered.connect(lambda: self.schedule_actions.book(column.doctor, start))
            anchor = None
        if self.reorderable:
            self._add_column_actions(menu, self.cursor_cell.column)
        if global_pos is None:
            centre = self.cell_center(self.cursor_cell)
            rect = anchor or QRect(centre, centre)
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
