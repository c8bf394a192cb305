"""What a workbook holds, as plain data: tables of typed columns, charts, parameters.

The controllers compute a report into these records; :mod:`crm.reports.excel.writer`
turns them into an ``.xlsx`` file. Nothing here knows the database or Qt, so the
same records feed the workbook, the preview on the reports page and the tests.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

#: One cell's value as a report computes it (``None`` leaves the cell empty).
Value = str | int | float | Decimal | dt.date | dt.datetime | None


class Kind(enum.StrEnum):
    """How a column's values are shown (its Excel number format)."""

    TEXT = "text"
    INTEGER = "integer"
    NUMBER = "number"  # one decimal place
    MONEY = "money"  # roubles, two decimal places
    PERCENT = "percent"  # a fraction shown as 12.5 %
    DATE = "date"  # ДД.ММ.ГГГГ
    DATETIME = "datetime"  # ДД.ММ.ГГГГ ЧЧ:ММ


class Total(enum.StrEnum):
    """What the totals row holds under a column (always an Excel formula)."""

    NONE = "none"
    SUM = "sum"
    COUNT = "count"  # non-empty cells
    AVERAGE = "average"
    MEDIAN = "median"
    RATIO = "ratio"  # SUM(numerator) / SUM(denominator), see :attr:`Column.ratio`
    LABEL = "label"  # the word «Итого»


@dataclass(frozen=True)
class Column:
    """One column of a table.

    Attributes:
        key: a name the controller and the charts refer to the column by.
        title: the header, in the user's language.
        kind: the number format.
        total: what the totals row holds under it.
        ratio: for :attr:`Total.RATIO`, the keys of the numerator and denominator columns.
        width: the width in characters (default: by kind and title).
        wrap: long values wrap onto more lines of the row instead of being cut at the
            column's edge (a service's full name on a printed page).
    """

    key: str
    title: str
    kind: Kind = Kind.TEXT
    total: Total = Total.NONE
    ratio: tuple[str, str] | None = None
    width: float | None = None
    wrap: bool = False


@dataclass(frozen=True)
class Chart:
    """A native Excel chart drawn from a table's own columns.

    Attributes:
        title: the chart's title.
        category: the key of the column along the x axis.
        series: the keys of the columns drawn, one series each.
        line: a line chart (trends) rather than clustered bars.
        y_title: the y axis title.
        percent: the values are fractions (the axis shows per cent).
    """

    title: str
    category: str
    series: tuple[str, ...]
    line: bool = True
    y_title: str = ""
    percent: bool = False


@dataclass
class Table:
    """One sheet: a header row, the rows, and a totals row written as formulas.

    Attributes:
        sheet: the sheet's name (at most 31 characters; shortened if longer).
        columns: left to right.
        rows: the values, one sequence per row in column order; may be a generator
            that streams from a server-side cursor (it is consumed once).
        expected_rows: how many rows ``rows`` yields, when known (for progress).
        totals: write the totals row.
        total_formulas: explicit totals-row formulas by column key (``"=MEDIAN(…)"``),
            for totals that are not a function of the column itself.
        chart: a chart drawn beside the table.
        empty_message: written instead of the totals when there are no rows.
    """

    sheet: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Value]]
    expected_rows: int | None = None
    totals: bool = True
    total_formulas: dict[str, str] = field(default_factory=dict)
    chart: Chart | None = None
    empty_message: str | None = None

    def index_of(self, key: str) -> int:
        """The 0-based position of the column ``key``."""
        for position, column in enumerate(self.columns):
            if column.key == key:
                return position
        raise KeyError(key)


@dataclass
class ReportDocument:
    """A whole workbook: its tables, then a sheet of parameters and notes.

    Attributes:
        title: the report's title (first line of the parameters sheet).
        tables: the data sheets, in order.
        parameters: (label, value) pairs: period, filters, who generated it and when.
        notes: how the figures are counted, one sentence a line.
        parameters_sheet: the name of the parameters sheet.
        no_data: set when the report has nothing to show (a sentence saying so).
        period: the report's days (first, last), printed in every page's header
            beside the title.
    """

    title: str
    tables: list[Table]
    parameters: list[tuple[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    parameters_sheet: str = "Parameters"
    no_data: str | None = None
    period: tuple[dt.date, dt.date] | None = None

    def page_header(self) -> str:
        """``Title, 01.12.2026–07.12.2026``: what a printed page's header says."""
        if self.period is None:
            return self.title
        first, last = (day.strftime("%d.%m.%Y") for day in self.period)
        return f"{self.title}, {first}–{last}" if first != last else f"{self.title}, {first}"
