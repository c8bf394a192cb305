"""Choosing the issuing organisation: autocomplete from the directory, or add a new one.

Typing searches the directory on the runner (by the start of the name, a word in it,
or the first digits of the ОГРН) 200 ms after the last key; picking a suggestion
chooses it. «New…» opens a small inline form (name exactly as on the document, ОГРН,
address) that registers the organisation and chooses it.
"""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCompleter,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crm.controllers.access.permissions import Permission, allowed
from crm.controllers.errors import DomainError
from crm.controllers.referrals import organisations
from crm.controllers.referrals.organisations import Organisation
from crm.views import AppContext

INVALID_STYLE = "border: 2px solid #c62828;"


class OrganisationPicker(QWidget):
    """The organisation field of the referral form.

    Args:
        context: the logged-in user's context.
        parent: the Qt parent.

    Signals:
        chosen(int): an organisation was chosen (its id).
        failed(str): a search or the registration failed (message to show).
    """

    chosen = Signal(int)
    failed = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.organisation: Organisation | None = None
        self._found: dict[str, Organisation] = {}
        self.edit = QLineEdit()
        self.edit.setObjectName("organisationSearch")
        self.edit.setPlaceholderText(self.tr("Name or ОГРН of the issuing organisation"))
        self.suggestions = QStringListModel(self)
        self.completer = QCompleter(self.suggestions, self)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.completer.activated.connect(self._picked)
        self.edit.setCompleter(self.completer)
        self.edit.textEdited.connect(self._typed)
        self.new_button = QPushButton(self.tr("New…"))
        self.new_button.setObjectName("newOrganisation")
        self.new_button.setAutoDefault(False)
        self.new_button.setCheckable(True)
        self.new_button.setVisible(allowed(context.actor, Permission.REGISTER_REFERRALS))
        self.new_button.toggled.connect(self._show_new)
        self.chosen_label = QLabel()
        self.chosen_label.setObjectName("organisationChosen")

        self.new_box = QFrame()
        self.new_box.setObjectName("newOrganisationBox")
        self.new_box.setFrameShape(QFrame.Shape.StyledPanel)
        self.new_name = QLineEdit()
        self.new_name.setObjectName("newOrganisationName")
        self.new_name.setPlaceholderText(self.tr("exactly as on the document"))
        self.new_ogrn = QLineEdit()
        self.new_ogrn.setObjectName("newOrganisationOgrn")
        self.new_ogrn.setPlaceholderText(self.tr("13 digits"))
        self.new_address = QLineEdit()
        self.new_address.setObjectName("newOrganisationAddress")
        self.add_button = QPushButton(self.tr("Add to the directory"))
        self.add_button.setObjectName("addOrganisation")
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(self.register)
        form = QFormLayout(self.new_box)
        form.addRow(self.tr("Name"), self.new_name)
        form.addRow(self.tr("ОГРН"), self.new_ogrn)
        form.addRow(self.tr("Address"), self.new_address)
        form.addRow("", self.add_button)
        self.new_box.hide()
        self._new_fields = {"name": self.new_name, "ogrn": self.new_ogrn,
                            "address": self.new_address}  # fmt: skip

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(200)
        self._timer.timeout.connect(self._search)
        row = QHBoxLayout()
        row.addWidget(self.edit, 1)
        row.addWidget(self.new_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.chosen_label)
        layout.addWidget(self.new_box)

    @property
    def organisation_id(self) -> int | None:
        """The chosen organisation's id."""
        return self.organisation.id if self.organisation else None

    def choose(self, organisation: Organisation) -> None:
        """Make ``organisation`` the chosen one."""
        self.organisation = organisation
        self.edit.setText(organisation.name)
        self.chosen_label.setText(
            self.tr("ОГРН {ogrn}{address}").format(
                ogrn=organisation.ogrn,
                address=f", {organisation.address}" if organisation.address else "",
            )
        )
        self.edit.setStyleSheet("")
        self.chosen.emit(organisation.id)

    def _typed(self, _text: str) -> None:
        self.organisation = None
        self.chosen_label.setText(self.tr("Not chosen: pick one from the list"))
        self._timer.start()

    def _search(self) -> None:
        text = self.edit.text()
        self._context.runner.submit(
            organisations.search_organisations, self._context.database.sessions,
            self._context.actor, text,
            on_success=lambda found: self._show_found(text, found),
            on_failure=self.failed.emit, owner=self,
        )  # fmt: skip

    def _show_found(self, text: str, found: list[Organisation]) -> None:
        if text != self.edit.text():
            return  # typed on meanwhile: a newer search is coming
        self._found = {self._label(o): o for o in found}
        self.suggestions.setStringList(list(self._found))
        exact = [o for o in found if o.name.lower() == text.strip().lower() or o.ogrn == text]
        if len(exact) == 1:
            self.choose(exact[0])
        elif found and self.edit.hasFocus():
            self.completer.complete()

    @staticmethod
    def _label(organisation: Organisation) -> str:
        return f"{organisation.name} — {organisation.ogrn}"

    def _picked(self, label: str) -> None:
        organisation = self._found.get(label)
        if organisation is not None:
            self.choose(organisation)

    def _show_new(self, shown: bool) -> None:
        self.new_box.setVisible(shown)
        if shown:
            if not self.new_name.text():
                self.new_name.setText(self.edit.text())
            self.new_name.setFocus()

    def register(self) -> None:
        """Add the organisation typed in the inline form, then choose it."""
        for widget in self._new_fields.values():
            widget.setStyleSheet("")

        def failed(error: BaseException, message: str) -> None:
            field = error.field if isinstance(error, DomainError) else None
            widget = self._new_fields.get(field or "")
            if widget is not None:
                widget.setStyleSheet(INVALID_STYLE)
                widget.setFocus()
            self.failed.emit(message)

        def added(organisation: Organisation) -> None:
            self.new_button.setChecked(False)
            self.choose(organisation)

        self._context.runner.submit(
            organisations.create_organisation, self._context.database.sessions,
            self._context.actor, name=self.new_name.text(), ogrn=self.new_ogrn.text(),
            address=self.new_address.text() or None,
            on_success=added, on_error=failed, owner=self,
        )  # fmt: skip
