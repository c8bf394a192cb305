"""The schedule's legend: what the colours and marks of the grid's blocks mean."""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor

from crm.controllers.vocabulary import appointment_status_title as status_title
from crm.models.enums import AppointmentKind
from crm.views.schedule.grid import KIND_COLOURS, NOW, OVERDUE, STATUS_COLOURS

# The schedule page's context: the legend is part of that page.
translate = QCoreApplication.translate


def legend_html(kind_label_of: Callable[[AppointmentKind], str]) -> str:
    """What the grid's colours mean, as rich text: the fill is the visit's status, the
    stripe its kind (named by ``kind_label_of``), and the marks."""

    def unbroken(text: str) -> str:
        return html.escape(text).replace(" ", "&nbsp;")  # an item never wraps inside

    def swatch(colour: QColor, text: str) -> str:
        return f"<span style='color:{colour.name()}'>■</span>&nbsp;{unbroken(text)}"

    def badge(fill: QColor, border: QColor, text: str) -> str:
        return (
            f"<span style='background-color:{fill.name()}; color:{border.darker(160).name()}'>"
            f"&nbsp;{unbroken(text)}&nbsp;</span>"
        )

    statuses = [badge(fill, border, status_title(status)) for status, (fill, border) in
                STATUS_COLOURS.items()]  # fmt: skip
    kinds = [swatch(KIND_COLOURS[kind], kind_label_of(kind)) for kind in
             KIND_COLOURS]  # fmt: skip
    marks = [
        swatch(OVERDUE, translate("SchedulePage", "? the time has passed: no-show?")),
        swatch(NOW, translate("SchedulePage", "◥ overbooked")),
    ]
    # No-break spaces inside an item, a plain one between items: the legend wraps
    # on a narrow window instead of setting the window's minimum width.
    gap = "&nbsp;&nbsp; "
    divider = gap + "│" + gap
    status = translate("SchedulePage", "Status:") + " " + gap.join(statuses)
    stripe = translate("SchedulePage", "Stripe:") + " " + gap.join(kinds)
    return status + divider + stripe + divider + gap.join(marks)
