"""The schedule grid's look: colours, pens and fonts, shared by its painters.

The cells are paper: fixed light colours whatever the palette, dark text on them.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPen

from crm.controllers.payments.status import PaymentStatus
from crm.models.enums import AppointmentKind, AppointmentStatus

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
KIND_COLOURS = {
    AppointmentKind.REFERRAL: QColor("#00897b"),
    AppointmentKind.PAID: QColor("#8e24aa"),
    AppointmentKind.FOLLOW_UP: QColor("#607d8b"),
    AppointmentKind.REMOTE: QColor("#3949ab"),
}

#: The small square at a block's lower right: where the visit stands with its money.
PAYMENT_COLOURS = {
    PaymentStatus.PAID: QColor("#2e7d32"),
    PaymentStatus.PARTLY_PAID: QColor("#f9a825"),
    PaymentStatus.UNPAID: QColor("#c62828"),
    PaymentStatus.REFUNDED: QColor("#6d4c9f"),
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
