"""A page for a section whose features are not built yet: it says so, plainly."""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget


class PlaceholderPage(QWidget):
    """Tells the user this section does not work yet, and what it will hold.

    Nothing on it pretends to work: no disabled buttons, no sample data.

    Args:
        title: the section's name.
        plans: what the section will hold, one item a line.
        parent: the Qt parent.

    Signals:
        None.
    """

    def __init__(self, title: str, plans: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        heading = QLabel(title)
        heading.setObjectName("pageTitle")
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        heading.setFont(font)

        self.notice = QLabel(self.tr("This section is not built yet."))
        self.notice.setObjectName("notBuilt")
        notice_font = self.notice.font()
        notice_font.setBold(True)
        self.notice.setFont(notice_font)
        # As wide as its text, so a style sheet's box frames the sentence, not the page.
        self.notice.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)

        items = "".join(f"<li>{html.escape(plan)}</li>" for plan in plans)
        self.plans = QLabel(
            self.tr("It will hold:") + f"<ul style='margin-left: -20px'>{items}</ul>"
        )
        self.plans.setObjectName("plans")
        self.plans.setTextFormat(Qt.TextFormat.RichText)
        self.plans.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.addWidget(heading)
        layout.addSpacing(8)
        layout.addWidget(self.notice)
        layout.addWidget(self.plans)
        layout.addStretch(1)
