"""The top of a card window: whose card it is, its warnings, and the two buttons."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from crm.controllers.patients.cards import PatientCard
from crm.views.patients.fields import WARNING_COLOUR


class CardHeader(QWidget):
    """The patient's name, the card's number and dates, warnings, «Rating…»,
    «Show documents» and «Save».

    The editor connects the buttons; this widget only shows things.

    Args:
        parent: the Qt parent.

    Signals:
        None of its own; use ``rate_button.clicked``, ``reveal_button.clicked`` and
        ``save_button.clicked``.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel()
        self.title.setObjectName("cardTitle")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.title.setFont(font)
        self.subtitle = QLabel()
        self.subtitle.setObjectName("cardSubtitle")
        self.warnings = QLabel()
        self.warnings.setObjectName("cardWarnings")
        self.warnings.setStyleSheet(f"color: {WARNING_COLOUR}; font-weight: bold;")
        self.warnings.setWordWrap(True)
        self.warnings.hide()
        self.reveal_button = QPushButton(self.tr("Show documents"))
        self.reveal_button.setObjectName("revealButton")
        self.reveal_button.setToolTip(self.tr("Viewing the documents is recorded in the journal"))
        self.save_button = QPushButton()
        self.save_button.setObjectName("saveButton")
        self.rate_button = QPushButton(self.tr("Rating…"))
        self.rate_button.setObjectName("rateButton")
        self.rate_button.setToolTip(
            self.tr("Record the patient's rating of a visit, a doctor or the clinic")
        )
        self.rate_button.setVisible(False)
        for button in (self.rate_button, self.reveal_button, self.save_button):
            button.setAutoDefault(False)  # Enter in a field must not press a button
        self.reveal_button.setVisible(False)
        self.set_saving(False)

        names = QVBoxLayout()
        names.setContentsMargins(0, 0, 0, 0)
        names.addWidget(self.title)
        names.addWidget(self.subtitle)
        names.addWidget(self.warnings)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(names, 1)
        layout.addWidget(self.rate_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.reveal_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignTop)

    def set_saving(self, saving: bool) -> None:
        """«Saving…» on a disabled button while a save runs, «Save (Ctrl+S)» otherwise."""
        self.save_button.setEnabled(not saving)
        self.save_button.setText(self.tr("Saving…") if saving else self.tr("Save (Ctrl+S)"))

    def show_loading(self) -> None:
        """The card is being read."""
        self.title.setText(self.tr("Opening the card…"))
        self.save_button.setEnabled(False)

    def show_failed(self) -> None:
        """The card could not be read."""
        self.title.setText(self.tr("The card could not be opened"))

    def show_new(self) -> None:
        """A new card, not saved yet."""
        self.title.setText(self.tr("New patient"))
        self.subtitle.setText(
            self.tr("Last name, first name, birth date and phone are enough to book by phone.")
        )

    def show_card(self, card: PatientCard) -> None:
        """``card``'s name, number, birth date, last change and warnings."""
        self.title.setText(card.full_name)
        self.subtitle.setText(
            self.tr("Card No. {id} · born {birth} · changed {changed}").format(
                id=card.id,
                birth=card.form.birth_date,
                changed=card.updated_at.strftime("%d.%m.%Y %H:%M"),
            )
        )
        self.warnings.setText("; ".join(card.warnings))
        self.warnings.setVisible(bool(card.warnings))
        self.save_button.setEnabled(True)
