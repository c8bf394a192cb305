"""Two desks saved one card: show both values of every field that differs, choose per field.

The dialog never saves anything itself: the editor opens it (with ``open()``, never
``exec()``), and when it is accepted builds the merged form with
:meth:`ConflictDialog.merged_form` and saves that against the card's new version.
"""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from crm.controllers.patients.cards import PatientConflict
from crm.controllers.patients.form import PatientForm
from crm.views.patients import labels


class ConflictDialog(QDialog):
    """Their value beside yours for each differing field, with a choice per field.

    A field you changed defaults to your value. A field you did not touch (yours is
    still what the card held when you opened it) defaults to theirs: otherwise
    saving would quietly undo the other desk's correction of a field you never saw.

    Args:
        conflict: the refusal, with both versions.
        original: the card as this desk opened it (to tell your changes from theirs).
        insurers: insurer names by id, to show an insurer by name.
        parent: the Qt parent.

    Signals:
        The standard ones of :class:`QDialog` only (``accepted``, ``rejected``, ``finished``).
    """

    def __init__(
        self,
        conflict: PatientConflict,
        original: PatientForm | None = None,
        insurers: dict[int, str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("conflictDialog")
        self.setWindowTitle(self.tr("The card was changed on another workstation"))
        self.setModal(True)
        self._conflict = conflict
        self._groups: dict[str, QButtonGroup] = {}
        self.theirs_buttons: dict[str, QRadioButton] = {}
        self.yours_buttons: dict[str, QRadioButton] = {}
        titles = labels.field_titles()

        saved_at = conflict.theirs.updated_at.strftime("%d.%m.%Y %H:%M")
        intro = QLabel(
            self.tr(
                "Another workstation saved this card at {time} while you were editing it. "
                "Nothing you typed is lost: choose which value to keep in each field, "
                "then save."
            ).format(time=saved_at)
        )
        intro.setObjectName("conflictIntro")
        intro.setWordWrap(True)

        grid_widget = QWidget()
        grid = QGridLayout(grid_widget)
        grid.setHorizontalSpacing(18)
        bold = self.font()
        bold.setBold(True)
        for column, text in enumerate(
            (self.tr("Field"), self.tr("Their value"), self.tr("Your value"))
        ):
            header = QLabel(text)
            header.setFont(bold)
            grid.addWidget(header, 0, column)
        theirs_form, yours_form = conflict.theirs.form, conflict.yours
        for row, name in enumerate(conflict.fields, start=1):
            theirs_value = getattr(theirs_form, name)
            yours_value = getattr(yours_form, name)
            theirs = QRadioButton(self._show(name, theirs_value, insurers))
            theirs.setObjectName(f"theirs_{name}")
            yours = QRadioButton(self._show(name, yours_value, insurers))
            yours.setObjectName(f"yours_{name}")
            group = QButtonGroup(self)
            group.addButton(theirs)
            group.addButton(yours)
            untouched = original is not None and getattr(original, name) == yours_value
            (theirs if untouched else yours).setChecked(True)
            title = titles.get(name, name)
            if untouched:
                title += "\n" + self.tr("(you did not change it)")
            grid.addWidget(QLabel(title), row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(theirs, row, 1)
            grid.addWidget(yours, row, 2)
            self._groups[name] = group
            self.theirs_buttons[name] = theirs
            self.yours_buttons[name] = yours
        grid.setRowStretch(len(conflict.fields) + 1, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(grid_widget)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)

        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton(
            self.tr("Save the chosen values"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.save_button.setObjectName("saveMerged")
        self.buttons.addButton(self.tr("Back to the card"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.buttons)
        self.resize(720, min(560, 190 + 44 * len(conflict.fields)))

    @property
    def conflict(self) -> PatientConflict:
        """The refusal this dialog resolves."""
        return self._conflict

    def choose(self, field: str, *, theirs: bool) -> None:
        """Keep their value of ``field`` (``theirs=True``) or yours."""
        (self.theirs_buttons if theirs else self.yours_buttons)[field].setChecked(True)

    def keeps_theirs(self, field: str) -> bool:
        """Whether their value of ``field`` is chosen now."""
        return self.theirs_buttons[field].isChecked()

    def merged_form(self) -> PatientForm:
        """Your form with their value in every field where theirs was chosen."""
        theirs = self._conflict.theirs.form
        taken = {
            name: getattr(theirs, name)
            for name in self._conflict.fields
            if self.theirs_buttons[name].isChecked()
        }
        return dataclasses.replace(self._conflict.yours, **taken)

    def _show(self, field: str, value: object, insurers: dict[int, str] | None) -> str:
        if value is None and field in (
            "snils",
            "passport",
            "passport_issued_on",
            "passport_subdivision",
            "passport_issued_by",
            "other_document_number",
        ):
            return self.tr("(hidden)")
        return labels.show_value(field, value, insurers)
