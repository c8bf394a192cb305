"""The doctors' weekly working hours (the workbook's «Расписание»), one doctor at a time.

The same table and form as every directory (:class:`DirectoryTab`), with a doctor
picker above them: it narrows the table to that doctor's week (weekday, from, to, room,
validity) and a new row starts with the doctor and today's date filled in. Hours are
not deactivated: they end by their «valid to» date. The checks (the end after the
start, whole slots of the doctor's length, a room of the doctor's branch, no overlap
with the doctor's other hours or another doctor's in the same room) are the
directory's own, so the workbook import refuses the same rows with the same words.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QComboBox, QLabel, QWidget

from crm.controllers.directories.records import Directory, DirectoryRow
from crm.views import AppContext
from crm.views.controls import fit_combo_popup
from crm.views.directories.tab import DirectoryTab


class HoursTab(DirectoryTab):
    """The weekly hours of the chosen doctor (or of every doctor).

    Args:
        context: the logged-in user's context (a manager or an administrator).
        directory: the weekly hours' directory.
        parent: the Qt parent.
    """

    def __init__(
        self, context: AppContext, directory: Directory, parent: QWidget | None = None
    ) -> None:
        super().__init__(context, directory, parent)
        self.title = self.tr("Working hours")
        self.doctor = QComboBox()
        self.doctor.setObjectName("hoursDoctor")
        self.doctor.addItem(self.tr("All doctors"), "")
        self.doctor.currentIndexChanged.connect(lambda _i: self._doctor_changed())
        label = QLabel(self.tr("Doctor:"))
        label.setBuddy(self.doctor)
        self.top_bar.insertWidget(0, label)
        self.top_bar.insertWidget(1, self.doctor, 1)

    @property
    def chosen_doctor(self) -> str:
        """The doctor whose week is shown ("" for every doctor)."""
        picker = getattr(self, "doctor", None)  # the base class fills the form before it
        return str(picker.currentData() or "") if picker is not None else ""

    def choose_doctor(self, name: str) -> None:
        """Show ``name``'s week (as the picker does)."""
        index = self.doctor.findData(name)
        if index >= 0:
            self.doctor.setCurrentIndex(index)

    def rows_to_show(
        self, rows: Sequence[DirectoryRow], choices: dict[str, list[str]]
    ) -> Sequence[DirectoryRow]:
        chosen = self.chosen_doctor
        names = choices.get("doctor_id", [])
        self.doctor.blockSignals(True)
        while self.doctor.count() > 1:
            self.doctor.removeItem(1)
        for name in names:
            self.doctor.addItem(name, name)
        self.doctor.setCurrentIndex(max(0, self.doctor.findData(chosen)) if chosen else 0)
        self.doctor.blockSignals(False)
        fit_combo_popup(self.doctor)
        chosen = self.chosen_doctor
        self.table.setColumnHidden(0, bool(chosen))
        if not chosen:
            return rows
        return [row for row in rows if row.cells.get("doctor_id") == chosen]

    def new_row_defaults(self) -> dict[str, str]:
        return {
            "doctor_id": self.chosen_doctor,
            "valid_from": QDate.currentDate().toString("dd.MM.yyyy"),
        }

    def _doctor_changed(self) -> None:
        """Another doctor's week: a form with nothing typed follows the picker."""
        chosen = self.chosen_doctor
        if not self.modified() and (
            self.current is None or (chosen and self.current.cells.get("doctor_id") != chosen)
        ):
            self.table.clearSelection()
            self._fill(None)
        self._show(self._last_read)
