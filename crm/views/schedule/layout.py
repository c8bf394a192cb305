"""The schedule grid's geometry: rows, columns, hit testing and block rectangles.

Pure Python (no Qt) so it can be unit-tested without a display and measured apart
from painting. Coordinates here are those of the *cell area*: x = 0 is the left edge
of the first doctor's column and y = 0 the top of the first slot row; the widget adds
its frozen header row and time column and the scroll offsets.

Rows are 15-minute slots over the union of the shown columns' working hours (and the
appointments shown, so nothing falls off the grid), widened by an hour each side and
rounded out to whole hours. A column is one doctor on one day: the day grid has one
per doctor, the week view one per day of a single doctor.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from crm.controllers.schedule.day_grid import GridAppointment, GridDoctor

SLOT_MINUTES = 15
DAY_MINUTES = 24 * 60
#: Hours shown when nothing on the grid says otherwise (a day off for everyone).
DEFAULT_HOURS = (8, 20)


@dataclass(frozen=True)
class Metrics:
    """Sizes in pixels (the widget derives them from its font)."""

    header_height: int = 60
    time_width: int = 58
    row_height: int = 24
    min_column_width: int = 150


@dataclass(frozen=True)
class Rect:
    """An axis-aligned rectangle (cell-area coordinates)."""

    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        """The x just past the rectangle."""
        return self.x + self.width

    @property
    def bottom(self) -> float:
        """The y just past the rectangle."""
        return self.y + self.height

    def contains(self, x: float, y: float) -> bool:
        """True if the point lies inside (left/top edges included)."""
        return self.x <= x < self.right and self.y <= y < self.bottom


@dataclass(frozen=True)
class GridColumn:
    """One column of the grid: a doctor on a day."""

    doctor: GridDoctor
    day: dt.date

    @property
    def key(self) -> tuple[int, dt.date]:
        """What identifies the column across reloads."""
        return (self.doctor.id, self.day)


@dataclass(frozen=True)
class Cell:
    """A slot of the grid: column index and row index."""

    column: int
    row: int


@dataclass(frozen=True)
class Placement:
    """Where an appointment block sits: its column, rows and lane among overlaps.

    ``first_row`` and ``end_row`` are fractional for appointments off the 15-minute
    grid; overlapping blocks (overbooking) share the column in ``lanes`` lanes.
    """

    appointment: GridAppointment
    column: int
    first_row: float
    end_row: float
    lane: int = 0
    lanes: int = 1

    def covers(self, row: int) -> bool:
        """True if the block overlaps slot row ``row``."""
        return self.first_row < row + 1 and self.end_row > row


@dataclass
class _ColumnInfo:
    working: list[tuple[int, int]] = field(default_factory=list)  # row spans [a, b)
    blocks: list[Placement] = field(default_factory=list)  # by first_row


def local_minutes(moment: dt.datetime, day: dt.date, tz: dt.tzinfo) -> float:
    """Minutes from ``day``'s midnight to ``moment`` on the wall clock of ``tz``."""
    # The controllers already give times in the clinic's zone: skip the conversion then.
    local = moment if moment.tzinfo is tz else moment.astimezone(tz)
    minutes = local.hour * 60 + local.minute + local.second / 60
    if local.day != day.day or local.month != day.month or local.year != day.year:
        minutes += (local.date() - day).days * DAY_MINUTES
    return minutes


class GridLayout:
    """Rows, columns and blocks of one grid, and the arithmetic between them.

    Args:
        columns: the columns in display order.
        appointments: the appointments to place (those of other days or doctors
            than the columns' are left out).
        tz: the clinic's timezone (wall-clock rows).
        metrics: pixel sizes.
        margin_minutes: shown before the earliest and after the latest working time
            (then rounded out to whole hours). None by default: on a laptop's screen
            every row is worth more than a shaded hour before the doctors come in.
    """

    def __init__(
        self,
        columns: Sequence[GridColumn],
        appointments: Iterable[GridAppointment],
        tz: dt.tzinfo,
        metrics: Metrics | None = None,
        *,
        margin_minutes: int = 0,
    ) -> None:
        self.columns = tuple(columns)
        self.tz = tz
        self.metrics = metrics or Metrics()
        self.column_width = float(self.metrics.min_column_width)
        self._index = {column.key: i for i, column in enumerate(self.columns)}
        spans = self._working_minutes()
        placed = self._place_minutes(appointments)
        minutes = [m for span in spans for pair in span for m in pair]
        minutes += [m for _, _, start, end in placed for m in (start, end)]
        if minutes:
            first = max(0, math.floor((min(minutes) - margin_minutes) / 60) * 60)
            last = min(DAY_MINUTES, math.ceil((max(minutes) + margin_minutes) / 60) * 60)
        else:
            first, last = DEFAULT_HOURS[0] * 60, DEFAULT_HOURS[1] * 60
        self.first_minute = int(first)
        self.rows = max(1, int((last - first) // SLOT_MINUTES))
        self._info = [_ColumnInfo() for _ in self.columns]
        for info, span in zip(self._info, spans, strict=True):
            for start, end in span:
                a = max(0, math.ceil((start - self.first_minute) / SLOT_MINUTES))
                b = min(self.rows, math.floor((end - self.first_minute) / SLOT_MINUTES))
                if b > a:
                    info.working.append((a, b))
        self._place(placed)

    # --- building -------------------------------------------------------------------

    def _working_minutes(self) -> list[list[tuple[float, float]]]:
        result = []
        for column in self.columns:
            own = []
            for period in column.doctor.periods:
                start = local_minutes(period.starts_at, column.day, self.tz)
                end = local_minutes(period.ends_at, column.day, self.tz)
                start, end = max(0.0, start), min(float(DAY_MINUTES), end)
                if end > start:
                    own.append((start, end))
            result.append(own)
        return result

    def _place_minutes(
        self, appointments: Iterable[GridAppointment]
    ) -> list[tuple[int, GridAppointment, float, float]]:
        placed = []
        tz = self.tz
        for appointment in appointments:
            starts = appointment.starts_at
            day = (starts if starts.tzinfo is tz else starts.astimezone(tz)).date()
            column = self._index.get((appointment.doctor_id, day))
            if column is None:
                continue
            start = local_minutes(appointment.starts_at, day, self.tz)
            end = min(float(DAY_MINUTES), local_minutes(appointment.ends_at, day, self.tz))
            placed.append((column, appointment, start, max(end, start + 1)))
        return placed

    def _place(self, placed: list[tuple[int, GridAppointment, float, float]]) -> None:
        by_column: dict[int, list[tuple[GridAppointment, float, float]]] = {}
        for column, appointment, top, bottom in placed:
            by_column.setdefault(column, []).append((appointment, top, bottom))
        self.placements: list[Placement] = []
        self._by_id: dict[int, Placement] = {}
        for column, items in by_column.items():
            items.sort(key=lambda item: (item[1], item[2], item[0].id))
            blocks = self._lanes(column, items)
            self._info[column].blocks = blocks
            self.placements.extend(blocks)
            self._by_id.update((p.appointment.id, p) for p in blocks)

    def _lanes(
        self, column: int, items: list[tuple[GridAppointment, float, float]]
    ) -> list[Placement]:
        """Side-by-side lanes for overlapping blocks (the usual calendar layout)."""
        first = self.first_minute
        if all(items[n][1] >= items[n - 1][2] for n in range(1, len(items))):
            # No overlap in the column (no overbooking): one lane each, quickly.
            return [
                Placement(a, column, (start - first) / SLOT_MINUTES, (end - first) / SLOT_MINUTES)
                for a, start, end in items
            ]
        result: list[Placement] = []
        cluster: list[tuple[GridAppointment, float, float, int]] = []
        lane_ends: list[float] = []
        cluster_end = -1.0

        def close() -> None:
            for appointment, start, end, lane in cluster:
                result.append(
                    Placement(
                        appointment,
                        column,
                        (start - self.first_minute) / SLOT_MINUTES,
                        (end - self.first_minute) / SLOT_MINUTES,
                        lane,
                        len(lane_ends),
                    )
                )

        for appointment, start, end in items:
            if cluster and start >= cluster_end:
                close()
                cluster, lane_ends = [], []
            lane = next((i for i, e in enumerate(lane_ends) if e <= start), len(lane_ends))
            if lane == len(lane_ends):
                lane_ends.append(end)
            else:
                lane_ends[lane] = end
            cluster.append((appointment, start, end, lane))
            cluster_end = max(cluster_end, end) if len(cluster) > 1 else end
        if cluster:
            close()
        return result

    # --- sizes ----------------------------------------------------------------------

    def fit(self, viewport_width: float, columns: int | None = None) -> None:
        """Stretch columns to fill ``viewport_width`` (never below the minimum width).

        ``columns``: how many share the width, when not those of this layout (labels
        prepared for a reload of a few of the columns shown).
        """
        count = len(self.columns) if columns is None else columns
        cells = viewport_width - self.metrics.time_width
        share = cells / count if count else cells
        self.column_width = float(max(self.metrics.min_column_width, math.floor(share)))

    @property
    def content_width(self) -> float:
        """Width of the cell area."""
        return self.column_width * len(self.columns)

    @property
    def content_height(self) -> float:
        """Height of the cell area."""
        return float(self.metrics.row_height * self.rows)

    def column_x(self, column: int) -> float:
        """Left edge of ``column``."""
        return column * self.column_width

    def row_y(self, row: float) -> float:
        """Top edge of (fractional) ``row``."""
        return row * self.metrics.row_height

    def column_range(self, x0: float, x1: float) -> range:
        """Indices of the columns that meet ``[x0, x1)``."""
        if not self.columns:
            return range(0)
        first = max(0, int(x0 // self.column_width))
        last = min(len(self.columns), int(math.ceil(x1 / self.column_width)))
        return range(first, max(first, last))

    def row_range(self, y0: float, y1: float) -> range:
        """Indices of the rows that meet ``[y0, y1)``."""
        height = self.metrics.row_height
        first = max(0, int(y0 // height))
        last = min(self.rows, int(math.ceil(y1 / height)))
        return range(first, max(first, last))

    # --- time -----------------------------------------------------------------------

    def minute_of_row(self, row: int) -> int:
        """Minutes from midnight at the top of ``row``."""
        return self.first_minute + row * SLOT_MINUTES

    def slot_start(self, cell: Cell) -> dt.datetime:
        """The aware start of ``cell``'s slot."""
        day = self.columns[cell.column].day
        minute = self.minute_of_row(cell.row)
        naive = dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minute)
        return naive.replace(tzinfo=self.tz)

    def row_of(self, moment: dt.datetime, day: dt.date) -> float:
        """The fractional row of ``moment`` in a column of ``day``."""
        return (local_minutes(moment, day, self.tz) - self.first_minute) / SLOT_MINUTES

    def cell_of(self, key: tuple[int, dt.date], moment: dt.datetime) -> Cell | None:
        """The cell of column ``key`` holding ``moment``, if shown."""
        column = self._index.get(key)
        if column is None:
            return None
        row = math.floor(self.row_of(moment, key[1]))
        return Cell(column, row) if 0 <= row < self.rows else None

    def index_of(self, key: tuple[int, dt.date]) -> int | None:
        """The column index of ``key``, if shown."""
        return self._index.get(key)

    # --- hit testing ----------------------------------------------------------------

    def cell_at(self, x: float, y: float) -> Cell | None:
        """The cell under a cell-area point, or ``None`` outside the cells."""
        if x < 0 or y < 0 or x >= self.content_width or y >= self.content_height:
            return None
        return Cell(int(x // self.column_width), int(y // self.metrics.row_height))

    def block_at(self, x: float, y: float) -> Placement | None:
        """The block under a cell-area point (its exact lane), if any."""
        cell = self.cell_at(x, y)
        if cell is None:
            return None
        for placement in self.blocks_in(cell.column):
            if self.block_rect(placement).contains(x, y):
                return placement
        return None

    def blocks_in(self, column: int) -> list[Placement]:
        """Blocks of ``column`` in time order."""
        return self._info[column].blocks

    def blocks_at(self, cell: Cell) -> list[Placement]:
        """Blocks over ``cell`` (several when overbooked), by lane."""
        found = [p for p in self._info[cell.column].blocks if p.covers(cell.row)]
        return sorted(found, key=lambda p: p.lane)

    def placement(self, appointment_id: int) -> Placement | None:
        """Where appointment ``appointment_id`` is drawn, if it is."""
        return self._by_id.get(appointment_id)

    def working_spans(self, column: int) -> list[tuple[int, int]]:
        """Row spans ``[first, end)`` inside ``column``'s working hours."""
        return self._info[column].working

    def is_working(self, column: int, row: int, slots: int = 1) -> bool:
        """True if rows ``row … row+slots-1`` of ``column`` all lie in one working period."""
        spans = self._info[column].working
        i = bisect.bisect_right(spans, (row, self.rows + 1)) - 1
        return i >= 0 and spans[i][0] <= row and row + slots <= spans[i][1]

    def is_free(self, column: int, row: int, slots: int = 1, *, ignore: int | None = None) -> bool:
        """True if no block (other than appointment ``ignore``) overlaps those rows."""
        return not any(
            p.first_row < row + slots and p.end_row > row and p.appointment.id != ignore
            for p in self._info[column].blocks
        )

    def block_rect(self, placement: Placement, inset: float = 2.0) -> Rect:
        """The rectangle a block is drawn in (inset from its cells)."""
        lane_width = (self.column_width - 2 * inset) / placement.lanes
        x = self.column_x(placement.column) + inset + placement.lane * lane_width
        top = self.row_y(max(0.0, placement.first_row))
        bottom = self.row_y(min(float(self.rows), placement.end_row))
        gap = 1.0 if placement.lanes > 1 else 0.0
        return Rect(x, top + 1, lane_width - gap, max(4.0, bottom - top - 2))

    def span_rect(self, column: int, row: int, slots: int) -> Rect:
        """The rectangle of ``slots`` rows from ``row`` in ``column`` (a drop target)."""
        return Rect(
            self.column_x(column),
            self.row_y(row),
            self.column_width,
            float(self.metrics.row_height * slots),
        )
