"""Booking by a referral, from the keyboard: number → checked → doctor and time → booked.

1. Type the referral number and press Enter. The referral is found and checked;
   a refusal names its reason (unknown, cancelled, used, expired, no policy…). When
   several organisations issued the same number, choose which.
2. The doctors of the referral's specialty (or of its configured alternatives, said
   plainly) are listed with their nearest free slots inside the validity period;
   narrow the days, ask for longer visits, or only doctors who consult remotely.
3. Down moves into the list; Enter on a time books it. If the time was taken
   meanwhile, the nearest free alternative is offered. The ticket is offered after.
"""

from __future__ import annotations

import datetime as dt
from html import escape

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crm.controllers.errors import BookingRefused, FreeSlot
from crm.controllers.referrals import wizard
from crm.controllers.referrals.rules import normalize_number
from crm.controllers.referrals.wizard import BookingOptions, DoctorChoice
from crm.controllers.schedule import booking
from crm.controllers.schedule.booking import MAX_SLOTS, BookedAppointment
from crm.models.enums import AcademicDegree, QualificationCategory
from crm.views import AppContext
from crm.views.patients.message_bar import MessageBar

SLOT_ROLE = Qt.ItemDataRole.UserRole


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _canonical(number: str) -> str:
    """The referral number as the registry keeps it (``нп 052848`` → ``НП-052848``)."""
    typed = number.strip()
    return normalize_number(typed) or typed


def _date(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


class SlotTree(QTreeWidget):
    """Doctors and their free times; Enter on a time asks to book it.

    Signals:
        slot_chosen(object): a :class:`FreeSlot` was chosen (Enter or double-click).
        up_from_top(): Up was pressed on the first row (back to the number).
    """

    slot_chosen = Signal(object)
    up_from_top = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # Qt's name
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            item = self.currentItem()
            slot = item.data(0, SLOT_ROLE) if item is not None else None
            if slot is not None:
                self.slot_chosen.emit(slot)
                return
        if event.key() == Qt.Key.Key_Up and self.currentItem() is self.topLevelItem(0):
            self.up_from_top.emit()
            return
        super().keyPressEvent(event)


class BookingWizard(QWidget):
    """The booking-by-referral page.

    Args:
        context: the logged-in user's context.
        parent: the Qt parent.

    Signals:
        options_shown(): the referral was checked and the choices shown (for tests).
        booked(object): an appointment was made (:class:`BookedAppointment`).
        ticket_requested(int): the registrar asked for the ticket of this appointment.
        open_patient(int): open this patient's card (a referral refused for want of a
            policy on the card).
    """

    options_shown = Signal()
    booked = Signal(object)
    ticket_requested = Signal(int)
    open_patient = Signal(int)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.options: BookingOptions | None = None
        self._busy = False
        # The referral chosen and the number it was checked as: a number typed after it is
        # looked up afresh (issue 19: the previous referral's id hid the next number).
        self._referral_id: int | None = None
        self._checked_number: str | None = None

        self.number = QLineEdit()
        self.number.setObjectName("wizardNumber")
        self.number.setPlaceholderText(self.tr("Referral number, then Enter"))
        self.number.setClearButtonEnabled(True)
        self.number.returnPressed.connect(self.check)
        self.number.installEventFilter(self)
        self.check_button = QPushButton(self.tr("Check"))
        self.check_button.setObjectName("wizardCheck")
        self.check_button.setAutoDefault(False)
        self.check_button.clicked.connect(self.check)
        self.organisation = QComboBox()
        self.organisation.setObjectName("wizardOrganisation")
        self.organisation.setToolTip(self.tr("Several organisations issued this number"))
        self.organisation.activated.connect(lambda _i: self.check())
        self.organisation.hide()
        self.summary = QLabel()
        self.summary.setObjectName("wizardSummary")
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setWordWrap(True)
        self.message_bar = MessageBar()

        self.date_from = QDateEdit()
        self.date_from.setObjectName("wizardFrom")
        self.date_to = QDateEdit()
        self.date_to.setObjectName("wizardTo")
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd.MM.yyyy")
            edit.setDate(QDate.currentDate())
        self.slots = QSpinBox()
        self.slots.setObjectName("wizardSlots")
        self.slots.setRange(1, MAX_SLOTS)
        self.slots.setSuffix(self.tr(" × 15 min"))
        self.remote_only = QCheckBox(self.tr("remote consultation only"))
        self.remote_only.setObjectName("wizardRemote")
        self.remote_only.toggled.connect(self._fill_tree)
        self.search_button = QPushButton(self.tr("Find times"))
        self.search_button.setObjectName("wizardSearch")
        self.search_button.setAutoDefault(False)
        self.search_button.clicked.connect(self.check)
        self.tree = SlotTree()
        self.tree.setObjectName("wizardSlotsTree")
        self.tree.setHeaderLabels(
            [self.tr("Doctor / time"), self.tr("Qualification"), self.tr("Branch, room")]
        )
        self.tree.setColumnWidth(0, 300)
        self.tree.setColumnWidth(1, 220)
        self.tree.slot_chosen.connect(self.book)
        self.tree.itemDoubleClicked.connect(self._double_clicked)
        self.tree.up_from_top.connect(self.number.setFocus)

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("№")))
        top.addWidget(self.number, 1)
        top.addWidget(self.organisation, 1)
        top.addWidget(self.check_button)
        narrowing = QHBoxLayout()
        narrowing.addWidget(QLabel(self.tr("Days")))
        narrowing.addWidget(self.date_from)
        narrowing.addWidget(self.date_to)
        narrowing.addWidget(QLabel(self.tr("Length")))
        narrowing.addWidget(self.slots)
        narrowing.addWidget(self.remote_only)
        narrowing.addWidget(self.search_button)
        narrowing.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.message_bar)
        layout.addWidget(self.summary)
        layout.addLayout(narrowing)
        layout.addWidget(self.tree, 1)
        self._set_choosing(False)

    def eventFilter(self, watched: object, event: object) -> bool:  # Qt's name
        # Down from the number goes into the list of times.
        if (
            watched is self.number
            and isinstance(event, QKeyEvent)
            and event.type() == QKeyEvent.Type.KeyPress
            and event.key() == Qt.Key.Key_Down
            and self.tree.topLevelItemCount()
        ):
            self.tree.setFocus()
            if self.tree.currentItem() is None:
                self._choose_first_slot()
            return True
        return False

    def _set_choosing(self, on: bool) -> None:
        for widget in (self.date_from, self.date_to, self.slots, self.remote_only,
                       self.search_button, self.tree):  # fmt: skip
            widget.setEnabled(on)

    # --- step 1: the referral -------------------------------------------------------------

    def start(self, number: str = "", referral_id: int | None = None) -> None:
        """Begin with ``number`` typed (and checked at once when given)."""
        self.number.setText(number)
        self.organisation.clear()
        self.organisation.hide()
        # The referral chosen, with the number it was chosen for: a number typed after
        # it is looked up afresh (issue 19: the old id hid every next referral).
        self._referral_id = referral_id
        self._checked_number = _canonical(number)
        self.options = None
        self.message_bar.clear()
        self.summary.clear()
        self.tree.clear()
        self._set_choosing(False)
        self.number.setFocus()
        if number:
            self.check(keep_range=False)

    def check(self, *, keep_range: bool = True) -> None:
        """Find and check the referral, and list where it can be booked."""
        number = self.number.text().strip()
        if not number or self._busy:
            return
        same_number = self._checked_number == _canonical(number)
        chosen_id = self._referral_id if same_number else None
        if not same_number:
            self.organisation.hide()  # the organisations of another number
        elif self.organisation.isVisible() and self.organisation.currentData() is not None:
            chosen_id = self.organisation.currentData()
        options = self.options
        same = options is not None and options.referral is not None and (
            _canonical(options.referral.number) == _canonical(number))  # fmt: skip
        kwargs: dict = {"referral_id": chosen_id, "slots": self.slots.value()}
        if keep_range and same:
            kwargs["date_from"] = _date(self.date_from.date())
            kwargs["date_to"] = _date(self.date_to.date())
        self._busy = True
        self._checked_number = _canonical(number)
        self.message_bar.show_message("info", self.tr("Checking the referral…"))
        self._context.runner.submit(
            wizard.booking_options, self._context.database.sessions,
            self._context.actor, number, **kwargs,
            on_success=self._show_options, on_failure=self._failed, owner=self,
        )  # fmt: skip

    def _failed(self, message: str) -> None:
        self._busy = False
        self.message_bar.show_message("error", message)

    def _show_options(self, options: BookingOptions) -> None:
        self._busy = False
        self.options = options
        self._referral_id = options.referral.id if options.referral else None
        if len(options.matches) > 1:
            self.organisation.blockSignals(True)
            self.organisation.clear()
            self.organisation.addItem(self.tr("— which organisation? —"), None)
            for match in options.matches:
                self.organisation.addItem(
                    f"{match.organisation_name} ({match.patient_name})", match.id
                )
            if options.referral is not None:
                self.organisation.setCurrentIndex(self.organisation.findData(options.referral.id))
            self.organisation.blockSignals(False)
            self.organisation.show()
        else:
            self.organisation.hide()
        referral = options.referral
        if referral is not None:
            # An expired referral says so, not «0 days left» beside the refusal.
            validity = (
                self.tr("valid until <b>{last}</b> ({days} days left)")
                if referral.days_left > 0
                else self.tr("valid until <b>{last}</b>, expired")
            ).format(last=f"{referral.last_valid_day:%d.%m.%Y}", days=referral.days_left)
            self.summary.setText(
                self.tr("<b>{patient}</b> → {specialty}; issued {issued} by {organisation}; "
                        "{validity}").format(
                    patient=escape(referral.patient_name),
                    specialty=escape(referral.specialty_name),
                    issued=f"{referral.issued_on:%d.%m.%Y}",
                    organisation=escape(referral.organisation_name),
                    validity=validity)
            )  # fmt: skip
        else:
            self.summary.clear()
        if options.refusal:
            self.tree.clear()
            self._set_choosing(False)
            referral_row = options.referral
            if options.refusal_code == "no_policy" and referral_row is not None:
                # The desk fixes it on the card: one button there, the wizard keeps its place.
                patient_id = referral_row.patient_id
                self.message_bar.show_message(
                    "error",
                    options.refusal,
                    actions=[
                        (self.tr("Open the card"), lambda: self.open_patient.emit(patient_id))
                    ],
                )
            else:
                self.message_bar.show_message("error", options.refusal)
            if options.refusal_code == "referral_ambiguous":
                self.organisation.setFocus()
            else:
                self.number.selectAll()
                self.number.setFocus()
            self.options_shown.emit()
            return
        if options.notice:
            self.message_bar.show_message("warning", options.notice)
        else:
            self.message_bar.clear()
        if options.date_from and options.date_to:
            for edit in (self.date_from, self.date_to):
                edit.blockSignals(True)
                edit.setDateRange(_qdate(options.date_from), _qdate(referral.last_valid_day)
                                  if referral else _qdate(options.date_to))  # fmt: skip
            self.date_from.setDate(_qdate(options.date_from))
            self.date_to.setDate(_qdate(options.date_to))
            for edit in (self.date_from, self.date_to):
                edit.blockSignals(False)
        self._set_choosing(True)
        self._fill_tree()
        if not any(d.slots for d in options.doctors):
            self.message_bar.show_message(
                "warning",
                (options.notice + " " if options.notice else "")
                + self.tr("No free time before the referral's last valid day in the days chosen."),
            )
        else:
            self.tree.setFocus()
            self._choose_first_slot()
        self.options_shown.emit()

    # --- step 2: doctor and time ----------------------------------------------------------

    def _fill_tree(self, *_args: object) -> None:
        self.tree.clear()
        if self.options is None:
            return
        for doctor in self.options.doctors:
            if self.remote_only.isChecked() and not doctor.offers_remote:
                continue
            parent = QTreeWidgetItem(
                [
                    self._doctor_title(doctor),
                    self._qualification(doctor),
                    self._where(doctor),
                ]  # fmt: skip
            )
            font = parent.font(0)
            font.setBold(True)
            parent.setFont(0, font)
            parent.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.tree.addTopLevelItem(parent)
            if not doctor.slots:
                parent.addChild(QTreeWidgetItem([self.tr("no free time in these days")]))
            for slot in doctor.slots:
                item = QTreeWidgetItem(
                    [
                        self._slot_title(slot),
                        "",
                        self.tr("room {room}").format(room=slot.room_number)
                        if slot.room_number
                        else "",
                    ]  # fmt: skip
                )
                item.setData(0, SLOT_ROLE, slot)
                parent.addChild(item)
            parent.setExpanded(True)

    def _first_slot_item(self) -> QTreeWidgetItem | None:
        for n in range(self.tree.topLevelItemCount()):
            parent = self.tree.topLevelItem(n)
            if parent is None:
                continue
            for m in range(parent.childCount()):
                child = parent.child(m)
                if child is not None and child.data(0, SLOT_ROLE) is not None:
                    return child
        return None

    def _choose_first_slot(self) -> None:
        first = self._first_slot_item()
        if first is not None:
            self.tree.setCurrentItem(first)

    def _doctor_title(self, doctor: DoctorChoice) -> str:
        remote = self.tr(", remote") if doctor.offers_remote else ""
        return f"{doctor.name} — {doctor.specialty_name}{remote}"

    def _qualification(self, doctor: DoctorChoice) -> str:
        category = {
            QualificationCategory.HIGHEST: self.tr("highest category"),
            QualificationCategory.FIRST: self.tr("first category"),
            QualificationCategory.SECOND: self.tr("second category"),
        }.get(doctor.category, "")
        degree = {
            AcademicDegree.CANDIDATE: self.tr("Cand. Med. Sci."),
            AcademicDegree.DOCTOR: self.tr("Dr. Med. Sci."),
        }.get(doctor.degree, "")
        return ", ".join(part for part in (category, degree) if part)

    def _where(self, doctor: DoctorChoice) -> str:
        room = (
            self.tr(", room {room}").format(room=doctor.room_number) if doctor.room_number else ""
        )
        return f"{doctor.branch_name}{room}"

    def _slot_title(self, slot: FreeSlot) -> str:
        weekday = QDate(slot.starts_at.year, slot.starts_at.month, slot.starts_at.day)
        name = self.locale().toString(weekday, "ddd")
        return f"{slot.starts_at:%d.%m.%Y} {name} {slot.starts_at:%H:%M}–{slot.ends_at:%H:%M}"

    def _double_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        slot = item.data(0, SLOT_ROLE)
        if slot is not None:
            self.book(slot)

    # --- step 3: book ---------------------------------------------------------------------

    def book(self, slot: FreeSlot) -> None:
        """Book the referral's patient at ``slot``."""
        options = self.options
        if options is None or options.referral is None or self._busy:
            return
        referral = options.referral
        self._busy = True
        self.message_bar.show_message("info", self.tr("Booking…"))
        self._context.runner.submit(
            booking.book, self._context.database.sessions, self._context.actor,
            patient_id=referral.patient_id, doctor_id=slot.doctor_id,
            starts_at=slot.starts_at, slots=self.slots.value(), referral_id=referral.id,
            on_success=self._booked, on_error=self._refused, owner=self,
        )  # fmt: skip

    def _booked(self, appointment: BookedAppointment) -> None:
        self._busy = False
        self._set_choosing(False)
        self.tree.clear()
        referral = self.options.referral if self.options else None
        self.message_bar.show_message(
            "done",
            self.tr("Booked: {patient}, {when}. Ticket?").format(
                patient=escape(referral.patient_name) if referral else "",
                when=f"{appointment.starts_at:%d.%m.%Y %H:%M}",
            ),
            [(self.tr("Print ticket"), lambda: self.ticket_requested.emit(appointment.id)),
             (self.tr("Next referral"), self.start)],
        )  # fmt: skip
        self.message_bar.first_button.setFocus()
        self.booked.emit(appointment)

    def _refused(self, error: BaseException, message: str) -> None:
        self._busy = False
        if isinstance(error, BookingRefused) and error.alternatives:
            nearest = error.alternatives[0]
            self.message_bar.show_message(
                "error",
                self.tr("{reason}. Nearest free time: {doctor}, {when}").format(
                    reason=escape(message), doctor=escape(nearest.doctor_name),
                    when=f"{nearest.starts_at:%d.%m.%Y %H:%M}"),
                [(self.tr("Book at {when}").format(when=f"{nearest.starts_at:%d.%m %H:%M}"),
                  lambda: self.book(nearest)),
                 (self.tr("Show times again"), self.check)],
            )  # fmt: skip
            self.message_bar.first_button.setFocus()
            return
        self.message_bar.show_message("error", escape(message))
