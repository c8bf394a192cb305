"""The grid's texts fitted to their widths, and prepared off the UI thread.

Measuring text is the costly part of a first repaint after a load: about a thousand
``horizontalAdvance`` and a few hundred ``elidedText`` calls for a full-HD screen.
:func:`prepare_labels` does that work on the runner's thread, beside the query: it
places the blocks as the grid will (the same :class:`GridLayout`, fitted to the
viewport's width) and fits every block's lines to its width; :meth:`Labels.learn`
then takes the results in two C-level dictionary updates, so that the GUI thread's
first repaint only draws. What was prepared for another width (the window was
resized meanwhile) is simply not used: the repaint measures it then.

Qt supports text measurement outside the GUI thread since Qt 5; the worker makes
its own fonts and :class:`QFontMetricsF`, which are reentrant, not thread-safe.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont

from crm.controllers.schedule.day_grid import GridAppointment
from crm.models.enums import AppointmentKind
from crm.views.schedule.grid_style import Fonts
from crm.views.schedule.layout import GridColumn, GridLayout, Metrics

#: Texts and lines kept across repaints and reloads (same names, same widths) up to this many.
TEXT_CACHE = 20_000
#: A block's text starts this far from its left edge and keeps this much room on the right.
TEXT_MARGINS = 11


def second_line(a: GridAppointment, kind: str) -> str:
    """A tall block's second line: its kind and times."""
    return f"{kind} · {a.starts_at:%H:%M}–{a.ends_at:%H:%M}"


def single_line(a: GridAppointment, kind: str) -> str:
    """A short block's line when it fits whole: name and kind."""
    return f"{a.patient_short} · {kind}"


def text_room(fonts: Fonts, width: float, height: float) -> tuple[float, bool]:
    """How wide a block of ``width`` × ``height`` has room for text (before any overdue
    badge), and whether it is tall enough for two lines."""
    return width - TEXT_MARGINS, height - 2 >= 2 * fonts.line


@dataclass(frozen=True)
class LabelRequest:
    """What preparing labels on another thread needs to know of the grid (copies).

    Attributes:
        font: the grid's font.
        kinds: the short labels of the kinds, as the grid shows them.
        metrics: the grid's sizes.
        viewport_width: the width the columns are fitted to.
        column_count: how many columns share that width (``None``: the loaded ones;
            a reload of a few doctors passes the number shown).
    """

    font: QFont
    kinds: dict[AppointmentKind, str]
    metrics: Metrics
    viewport_width: int
    column_count: int | None = None


@dataclass(frozen=True)
class PreparedLabels:
    """Texts measured and lines fitted on another thread, in ``font`` with ``kinds``."""

    font: QFont
    kinds: dict[AppointmentKind, str]
    texts: dict[tuple[str, int, bool], Any]
    lines: dict[tuple, tuple[str, str]]


def prepare_labels(
    request: LabelRequest,
    columns: Sequence[GridColumn],
    appointments: Sequence[GridAppointment],
    tz: dt.tzinfo,
) -> PreparedLabels:
    """Every block's lines, fitted to the width the grid will give it (any thread)."""
    labels = Labels(Fonts(QFont(request.font)), dict(request.kinds))
    layout = GridLayout(columns, appointments, tz, request.metrics)
    layout.fit(request.viewport_width, request.column_count)
    for placement in layout.placements:
        r = layout.block_rect(placement)
        width, two = text_room(labels.fonts, r.width, r.height)
        labels.block_lines(placement.appointment, width, two)
    texts, lines = labels.cached()
    return PreparedLabels(request.font, labels.kinds, texts, lines)


class Labels:
    """Texts fitted to widths in the grid's fonts, cached across repaints and reloads.

    Args:
        fonts: the fonts to measure with.
        kinds: the short labels of the kinds of appointment.
    """

    def __init__(self, fonts: Fonts, kinds: dict[AppointmentKind, str]) -> None:
        self.fonts = fonts
        self.kinds = kinds
        self._texts: dict[tuple[str, int, bool], Any] = {}  # elided texts and widths
        self._lines: dict[tuple, tuple[str, str]] = {}

    def reset(self, fonts: Fonts, kinds: dict[AppointmentKind, str]) -> None:
        """Use new fonts or kind labels (a font or language change): forget everything."""
        self.fonts, self.kinds = fonts, kinds
        self.forget()

    def forget(self) -> None:
        """Empty the caches."""
        self._texts.clear()
        self._lines.clear()

    def cached(self) -> tuple[dict[tuple[str, int, bool], Any], dict[tuple, tuple[str, str]]]:
        """The caches themselves: measured texts and fitted lines."""
        return self._texts, self._lines

    def learn(self, prepared: PreparedLabels) -> None:
        """Take texts and lines prepared elsewhere (:func:`prepare_labels`).

        What was prepared in another font or with other kind labels (the language
        changed meanwhile) than the ones painted with is ignored.
        """
        if prepared.font != self.fonts.normal or prepared.kinds != self.kinds:
            return
        for cache, new in ((self._texts, prepared.texts), (self._lines, prepared.lines)):
            if len(cache) + len(new) > TEXT_CACHE:
                cache.clear()
            cache.update(new)  # one C-level call: the GUI thread stays free

    def has_lines(self, appointment_id: int) -> bool:
        """Whether lines of ``appointment_id`` are known (at any width)."""
        return any(key[0] == appointment_id for key in self._lines)

    def elide(self, text: str, width: float, bold: bool = False) -> str:
        """``text`` elided to ``width`` (cached)."""
        key = (text, int(width), bold)
        found = self._texts.get(key)
        if found is None:
            if len(self._texts) > TEXT_CACHE:
                self._texts.clear()
            metrics = self.fonts.bold_metrics if bold else self.fonts.metrics
            found = metrics.elidedText(text, Qt.TextElideMode.ElideRight, int(width))
            self._texts[key] = found
        return found

    def width(self, text: str, bold: bool = False) -> float:
        """How wide ``text`` is drawn (cached per text)."""
        key = (text, -1, bold)
        advance = self._texts.get(key)
        if advance is None:
            metrics = self.fonts.bold_metrics if bold else self.fonts.metrics
            advance = self._texts[key] = metrics.horizontalAdvance(text)
        return float(advance)

    def fit(self, text: str, width: float, bold: bool = False) -> str:
        """``text`` if it fits in ``width``, else elided."""
        return text if self.width(text, bold) <= width else self.elide(text, width, bold)

    def block_lines(self, a: GridAppointment, width: float, two: bool) -> tuple[str, str]:
        """A block's one or two lines, elided to ``width`` (cached: painting is hot)."""
        key = (a.id, a.version, a.patient_short, int(width), two)
        found = self._lines.get(key)
        if found is None:
            if len(self._lines) > TEXT_CACHE:
                self._lines.clear()
            kind = self.kinds[a.kind]
            if two:
                name = self.fit(a.patient_short, width, True)
                found = (name, self.fit(second_line(a, kind), width))
            else:
                # Narrow blocks keep the name whole rather than a bit of the kind.
                name = self.fit(a.patient_short, width)
                full = single_line(a, kind)
                fits = name == a.patient_short and self.width(full) <= width
                found = (full if fits else name, "")
            self._lines[key] = found
        return found
