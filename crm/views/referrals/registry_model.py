"""The referral registry's table: one row a referral, those about to expire highlighted."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QBrush, QColor

from crm.controllers.referrals.editing import ReferralRow
from crm.controllers.vocabulary import referral_kind_title, referral_status_title
from crm.models.enums import ReferralStatus
from crm.views.itemmodels.table import Index, RowTableModel

#: Background of a referral with ≤ 5 days left and no appointment.
EXPIRING = QColor("#ffe0b2")
#: Text of a referral that can no longer be used.
SPENT = QColor("#8a8a8a")
SPENT_STATUSES = (ReferralStatus.EXPIRED, ReferralStatus.CANCELLED, ReferralStatus.CLOSED)


class ReferralTableModel(RowTableModel):
    """Referrals as the registry lists them; the row's record under ``Qt.UserRole``.

    Signals:
        The standard ones of :class:`QAbstractTableModel`.
    """

    (NUMBER, PATIENT, ORGANISATION, SPECIALTY, DIAGNOSIS, KIND, ISSUED, LAST_DAY, DAYS_LEFT,
     STATUS, APPOINTMENT) = range(11)  # fmt: skip

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[ReferralRow] = []

    def header_labels(self) -> Sequence[str]:
        return [
            QCoreApplication.translate("ReferralTableModel", "Number"),
            QCoreApplication.translate("ReferralTableModel", "Patient"),
            QCoreApplication.translate("ReferralTableModel", "Issued by"),
            QCoreApplication.translate("ReferralTableModel", "Specialty"),
            QCoreApplication.translate("ReferralTableModel", "Diagnosis"),
            QCoreApplication.translate("ReferralTableModel", "Kind"),
            QCoreApplication.translate("ReferralTableModel", "Issued"),
            QCoreApplication.translate("ReferralTableModel", "Valid to"),
            QCoreApplication.translate("ReferralTableModel", "Days left"),
            QCoreApplication.translate("ReferralTableModel", "Status"),
            QCoreApplication.translate("ReferralTableModel", "Appointment"),
        ]

    def set_rows(self, rows: Sequence[ReferralRow]) -> None:
        """Show ``rows``."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row(self, number: int) -> ReferralRow:
        """The referral on row ``number``."""
        return self._rows[number]

    def row_of(self, referral_id: int) -> int | None:
        """The row showing ``referral_id``, if shown."""
        return next((n for n, r in enumerate(self._rows) if r.id == referral_id), None)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        referral = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(referral, column)
        if role == Qt.ItemDataRole.UserRole:
            return referral
        if role == Qt.ItemDataRole.BackgroundRole and referral.expiring:
            return QBrush(EXPIRING)
        if role == Qt.ItemDataRole.ForegroundRole and referral.status in SPENT_STATUSES:
            return QBrush(SPENT)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.DAYS_LEFT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            if referral.expiring:
                return QCoreApplication.translate(
                    "ReferralTableModel", "{days} days left and no appointment yet"
                ).format(days=referral.days_left)
            return self._text(referral, column)
        return None

    def _text(self, r: ReferralRow, column: int) -> str:
        if column == self.NUMBER:
            return r.number
        if column == self.PATIENT:
            return r.patient_name
        if column == self.ORGANISATION:
            return r.organisation_name
        if column == self.SPECIALTY:
            return r.specialty_name
        if column == self.DIAGNOSIS:
            return r.diagnosis_code
        if column == self.KIND:
            return referral_kind_title(r.kind)
        if column == self.ISSUED:
            return f"{r.issued_on:%d.%m.%Y}"
        if column == self.LAST_DAY:
            return f"{r.last_valid_day:%d.%m.%Y}"
        if column == self.DAYS_LEFT:
            return str(max(r.days_left, 0)) if r.status is ReferralStatus.ACTIVE else "—"
        if column == self.STATUS:
            return referral_status_title(r.status)
        if column == self.APPOINTMENT:
            if r.appointment_starts_at is None:
                return ""
            return f"{r.appointment_starts_at:%d.%m.%Y %H:%M} {r.appointment_doctor_name or ''}"
        return ""
