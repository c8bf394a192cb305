"""A doctor extends a long-term referral: the new last day and a written reason."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from crm.controllers.referrals.editing import ReferralDetails


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


class ExtendDialog(QDialog):
    """Asks for the new last valid day (at most 90 days from issue) and the reason.

    Open it with ``open()``; when accepted read :meth:`until` and :meth:`reason`.
    The controller checks the limits and the free slots again.

    Args:
        details: the referral to extend.
        parent: the Qt parent.
    """

    def __init__(self, details: ReferralDetails, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("extendDialog")
        row = details.row
        self.setWindowTitle(self.tr("Extend referral {number}").format(number=row.number))
        about = QLabel(
            self.tr(
                "Valid now until {last}. It can be extended until {limit} at most "
                "(90 days from the issue date)."
            ).format(
                last=f"{row.last_valid_day:%d.%m.%Y}", limit=f"{details.max_last_day:%d.%m.%Y}"
            )
        )
        about.setWordWrap(True)
        self.until_edit = QDateEdit(_qdate(details.max_last_day))
        self.until_edit.setObjectName("extendUntil")
        self.until_edit.setCalendarPopup(True)
        self.until_edit.setDisplayFormat("dd.MM.yyyy")
        self.until_edit.setDateRange(
            _qdate(row.last_valid_day + dt.timedelta(days=1)), _qdate(details.max_last_day)
        )
        self.reason_edit = QLineEdit()
        self.reason_edit.setObjectName("extendReason")
        self.reason_edit.setPlaceholderText(self.tr("why the treatment needs more time (required)"))
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Extend"))
        self.ok_button.setEnabled(False)
        self.reason_edit.textChanged.connect(
            lambda text: self.ok_button.setEnabled(bool(text.strip()))
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.tr("Valid until"), self.until_edit)
        form.addRow(self.tr("Reason"), self.reason_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)

    def until(self) -> dt.date:
        """The new last valid day."""
        value = self.until_edit.date()
        return dt.date(value.year(), value.month(), value.day())

    def reason(self) -> str:
        """The reason, trimmed."""
        return self.reason_edit.text().strip()
