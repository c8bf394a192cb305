"""The desk's prompt for waiting-list offers, and the two answers to an offer.

When time frees up, :func:`crm.controllers.waiting.queue.offer_freed_time` offers it
to the first matching entry of the waiting list. Every desk then shows a compact
bar — «Free time for Иванов И. И.: Петров П. П., 24.11 10:15 [Book] [Pass to
next]» — so whoever reaches the patient first answers for them. The bar re-reads
the offers (debounced) on every change notice of the waiting list and hides while
there is nothing to answer. An offer whose time has already passed is not shown.
Each line says until when the patient may answer; once a minute the bar asks the
controller to pass on offers left unanswered longer (``expire_offers``).

:class:`OfferActions` holds the two answers (book / pass to the next entry) on the
runner; the waiting-list tab uses it too.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from crm.controllers.errors import BookingRefused
from crm.controllers.schedule import booking
from crm.controllers.schedule.booking import KINDS_WITH_SERVICE, BookedAppointment
from crm.controllers.waiting import queue
from crm.controllers.waiting.queue import NO_USABLE_REFERRAL, WaitingEntry, WaitingOffer
from crm.models.enums import AppointmentKind
from crm.views import AppContext
from crm.views.patients.labels import appointment_kind_names
from crm.views.patients.message_bar import MessageBar
from crm.views.referrals.waiting_models import (
    channel_title,
    offer_text,
    patient_short,
    phone_text,
)
from crm.views.schedule.service_choice import ServiceChoiceDialog
from crm.views.serial_read import Query, SerialRead

log = logging.getLogger(__name__)

#: Change notices are gathered this long before the offers are read again.
DEBOUNCE_MS = 300
#: Offers shown at once; the rest are counted («and 2 more»).
SHOWN = 3
#: How often this desk passes on offers left unanswered too long.
EXPIRY_CHECK_MS = 60_000
#: Tables whose change may change the offers (``*`` = resynchronise everything).
WATCHED = ("waiting_list_entry", "*")


class OfferActions(QObject):
    """Book an offered time, or pass it to the next entry, on the runner.

    Args:
        context: the logged-in user's context.
        parent: the Qt parent.

    Signals:
        said(str, str, object): something to tell the desk: a :class:`MessageBar` kind
            (``done``, ``info``, ``warning``, ``error``), the text and the answers to
            offer (``(caption, call)`` pairs, or ``None``).
        booked(object): the offer was accepted; carries the
            :class:`~crm.controllers.schedule.booking.BookedAppointment`.
        passed(int, int): an offer was declined: the entry's id and how many new
            offers that made (0 or 1).
        finished(): an answer came back (whatever it was).
    """

    said = Signal(str, str, object)
    booked = Signal(object)
    passed = Signal(int, int)
    finished = Signal()

    def __init__(self, context: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._busy: set[int] = set()
        #: The last «which service?» dialog opened (a paid or follow-up answer).
        self.service_dialog: ServiceChoiceDialog | None = None

    def busy(self, entry_id: int | None = None) -> bool:
        """True while an answer (for ``entry_id``, or any) is on the runner."""
        return bool(self._busy) if entry_id is None else entry_id in self._busy

    def accept(
        self,
        entry: WaitingEntry,
        kind: AppointmentKind | None = None,
        service_id: int | None = None,
    ) -> None:
        """Book the time offered to ``entry`` (every booking rule applies): as ``kind``,
        or (``None``) on the patient's usable referral if there is one; without one the
        desk is asked before a paid visit is booked (the patient may not want to pay).
        A paid or follow-up visit is of a service: with none given, it is asked first
        (:attr:`service_dialog`)."""
        if entry.id in self._busy:
            return
        if kind in KINDS_WITH_SERVICE and service_id is None:
            self._ask_service(entry, kind)
            return
        self._busy.add(entry.id)
        self._context.runner.submit(
            queue.accept_offer,
            self._context.database.sessions,
            self._context.actor,
            entry.id,
            kind=kind,
            service_id=service_id,
            paid_without_referral=kind is not None,
            on_success=lambda made: self._accepted(entry, made),
            on_error=lambda error, message: self._failed(entry, error, message),
            owner=self,
        )

    def _ask_service(self, entry: WaitingEntry, kind: AppointmentKind) -> None:
        if entry.offered_doctor_id is None or entry.offered_starts_at is None:
            return
        owner = self.parent()
        dialog = ServiceChoiceDialog(
            self._context, entry.offered_doctor_id, entry.offered_starts_at.date(), kind,
            owner if isinstance(owner, QWidget) else None,
        )  # fmt: skip
        dialog.chosen.connect(lambda chosen, service: self.accept(entry, chosen, service))
        self.service_dialog = dialog
        dialog.open()

    def decline(self, entry: WaitingEntry) -> None:
        """The patient does not want it: pass the time to the next matching entry."""
        if entry.id in self._busy:
            return
        self._busy.add(entry.id)
        self._context.runner.submit(
            queue.decline_offer,
            self._context.database.sessions,
            self._context.actor,
            entry.id,
            on_success=lambda offers: self._declined(entry, offers),
            on_error=lambda error, message: self._failed(entry, error, message),
            owner=self,
        )

    def _accepted(self, entry: WaitingEntry, made: BookedAppointment) -> None:
        self._busy.discard(entry.id)
        self.said.emit(
            "done",
            self.tr("Booked: {patient} to {doctor}, {day} at {time} ({kind})").format(
                patient=patient_short(entry.patient_name),
                doctor=entry.offered_doctor_name or "—",
                day=made.starts_at.strftime("%d.%m.%Y"),
                time=made.starts_at.strftime("%H:%M"),
                kind=appointment_kind_names()[made.kind.value],
            ),
            None,
        )
        self.booked.emit(made)
        self.finished.emit()

    def _declined(self, entry: WaitingEntry, offers: Sequence[WaitingOffer]) -> None:
        self._busy.discard(entry.id)
        patient = patient_short(entry.patient_name)
        if offers:
            text = self.tr(
                "{patient} keeps their place on the list; the time was offered to the next patient"
            ).format(patient=patient)
        else:
            text = self.tr(
                "{patient} keeps their place on the list; nobody else on the list fits this time"
            ).format(patient=patient)
        self.said.emit("info", text, None)
        self.passed.emit(entry.id, len(offers))
        self.finished.emit()

    def _failed(self, entry: WaitingEntry, error: BaseException, message: str) -> None:
        self._busy.discard(entry.id)
        if isinstance(error, BookingRefused) and error.reason_code == NO_USABLE_REFERRAL:
            question = self.tr("{patient}: {message}. Book a paid visit?").format(
                patient=patient_short(entry.patient_name), message=message
            )
            answers = [
                (self.tr("Book as paid"), lambda: self.accept(entry, AppointmentKind.PAID)),
                (self.tr("Do not book"), lambda: None),
            ]
            self.said.emit("warning", question, answers)
            self.finished.emit()
            return
        if isinstance(error, BookingRefused) and error.alternatives:
            first = error.alternatives[0]
            message = self.tr("{message}. Nearest free: {doctor}, {when}").format(
                message=message.rstrip("."),
                doctor=first.doctor_name,
                when=first.starts_at.strftime("%d.%m %H:%M"),
            )
        self.said.emit("error", message, None)
        self.finished.emit()


class OfferLine(QWidget):
    """One offer: what is offered to whom, and the two answers.

    Args:
        entry: the offered entry.
        parent: the Qt parent.

    Signals:
        The standard ones of :class:`QWidget`; the buttons are wired by the prompt.
    """

    def __init__(self, entry: WaitingEntry, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entry = entry
        self.setObjectName("offerLine")
        text = self.tr("Free time for {patient}: {offer}").format(
            patient=patient_short(entry.patient_name), offer=offer_text(entry)
        )
        if entry.offered_at is not None and entry.offered_starts_at is not None:
            deadline = queue.answer_deadline(entry.offered_at, entry.offered_starts_at)
            local = deadline.astimezone(entry.offered_starts_at.tzinfo)
            # A deadline on another day than today names its day: «до 02:39» alone
            # past midnight reads as a time long gone.
            today = dt.datetime.now(local.tzinfo).date()
            when = f"{local:%H:%M}" if local.date() == today else f"{local:%d.%m %H:%M}"
            text += " · " + self.tr("answer by {time}, then it passes to the next").format(
                time=when
            )
        self.label = QLabel(text)
        self.label.setObjectName("offerText")
        self.label.setToolTip(
            self.tr("{patient}, {phone}; contact by {channel}").format(
                patient=entry.patient_name,
                phone=phone_text(entry.patient_phone),
                channel=channel_title(entry.channel),
            )
        )
        self.book_button = QPushButton(self.tr("Book"))
        self.book_button.setObjectName("offerBook")
        self.book_button.setAutoDefault(False)
        self.book_button.setToolTip(
            self.tr("The patient takes this time: book it (on the patient's referral if one "
                    "is usable, otherwise paid)")
        )  # fmt: skip
        # The patient may want it otherwise: paid although a referral exists, or as a
        # follow-up visit. The prompt connects the menu's actions (their data: the kind).
        self.kind_button = QToolButton()
        self.kind_button.setObjectName("offerBookAs")
        self.kind_button.setText("▾")
        self.kind_button.setToolTip(self.tr("Book as…"))
        self.kind_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.kind_menu = QMenu(self.kind_button)
        for kind, text in (
            (AppointmentKind.PAID, self.tr("Book as a paid visit")),
            (AppointmentKind.FOLLOW_UP, self.tr("Book as a follow-up visit")),
        ):
            self.kind_menu.addAction(text).setData(kind.value)
        self.kind_button.setMenu(self.kind_menu)
        self.pass_button = QPushButton(self.tr("Pass to next"))
        self.pass_button.setObjectName("offerPass")
        self.pass_button.setAutoDefault(False)
        self.pass_button.setToolTip(
            self.tr("The patient does not want this time: offer it to the next on the list")
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.book_button)
        layout.addWidget(self.kind_button)
        layout.addWidget(self.pass_button)


class OfferPrompt(QFrame):
    """A compact bar of the waiting-list offers awaiting the patient's answer.

    Non-modal; hidden while there is no offer and no message to show. Reads the
    offers on creation and again (debounced) on every change notice of the waiting
    list.

    Args:
        context: the logged-in user's context.
        parent: the Qt parent.

    Signals:
        loaded(int): the offers were read; carries how many are shown.
        booked(object): an offer was booked here
            (:class:`~crm.controllers.schedule.booking.BookedAppointment`).
    """

    loaded = Signal(int)
    booked = Signal(object)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._reader = SerialRead(context, self, self._query, self._on_loaded, self._on_failed)
        self._entries: list[WaitingEntry] = []
        self.lines: list[OfferLine] = []
        self.setObjectName("offerPrompt")
        self.setStyleSheet(
            "QFrame#offerPrompt { background: #e3f2fd; border: 1px solid #8ab4e0;"
            " border-radius: 4px; }"
        )
        self.title = QLabel(self.tr("<b>Waiting list</b>: a time has become free"))
        self.title.setObjectName("offerTitle")
        # Folded, the bar keeps one line and leaves the grid its room.
        self.fold_button = QToolButton()
        self.fold_button.setObjectName("offerFold")
        self.fold_button.setCheckable(True)
        self.fold_button.setAutoRaise(True)
        self.fold_button.toggled.connect(self._fold)
        self._fold(False)
        title_row = QHBoxLayout()
        title_row.setContentsMargins(0, 0, 0, 0)
        title_row.addWidget(self.title, 1)
        title_row.addWidget(self.fold_button)
        self.more = QLabel()
        self.more.setObjectName("offerMore")
        self.more.hide()
        self.messages = MessageBar()
        self.offer_actions = OfferActions(context, self)
        self.offer_actions.said.connect(self._say)
        self.offer_actions.booked.connect(self.booked)
        self.offer_actions.finished.connect(self.refresh)
        self._lines = QVBoxLayout()
        self._lines.setContentsMargins(0, 0, 0, 0)
        self._lines.setSpacing(2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.setSpacing(3)
        layout.addLayout(title_row)
        layout.addLayout(self._lines)
        layout.addWidget(self.more)
        layout.addWidget(self.messages)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.refresh)
        if context.events is not None:
            context.events.changed.connect(self._on_change)
        # Offers left unanswered pass on by themselves; every desk looks now and then
        # (the controller skips what another desk is handling).
        self._expiry = QTimer(self)
        self._expiry.setInterval(EXPIRY_CHECK_MS)
        self._expiry.timeout.connect(self.expire_unanswered)
        self._expiry.start()
        self.hide()
        self.refresh()

    def expire_unanswered(self) -> None:
        """Pass on the offers left unanswered too long (on the runner)."""
        context = self._context
        if context.runner.closed:
            # The window is closing (or a test's runner is gone): nothing to look at.
            self._expiry.stop()
            return
        context.runner.submit(
            queue.expire_offers, context.database.sessions, context.actor,
            on_success=self._expired, on_failure=self._expiry_failed, owner=self,
        )  # fmt: skip

    def _expired(self, offers: list[WaitingOffer]) -> None:
        if offers or self._entries:
            self.refresh()  # also done on the change notice; harmless twice

    def _expiry_failed(self, message: str) -> None:
        # Housekeeping: the next tick tries again; the desk is not interrupted.
        log.warning("passing on unanswered offers failed: %s", message)

    @property
    def loading(self) -> bool:
        """True while the offers are being read."""
        return self._reader.loading

    def entries(self) -> list[WaitingEntry]:
        """The offers known (the shown ones first)."""
        return list(self._entries)

    def refresh(self) -> None:
        """Read the offers again (a second request during a read is queued)."""
        self._reader.request()

    def _query(self) -> Query:
        context = self._context
        return queue.pending_offers, (context.database.sessions, context.actor), {}

    @Slot(dict)
    def _on_change(self, event: dict) -> None:
        if event.get("table") in WATCHED:
            self._debounce.start()

    def _on_loaded(self, entries: list[WaitingEntry]) -> None:
        self._entries = [e for e in entries if not e.offer_lapsed and self._may_book(e)]
        self._show_lines()
        self.loaded.emit(len(self.lines))

    def _may_book(self, entry: WaitingEntry) -> bool:
        """Whether this desk may book the offered time (a doctor: in the own schedule
        only); an offer the user could only fail to book is not shown."""
        doctor_id = entry.offered_doctor_id
        return doctor_id is not None and (
            booking.schedule_access_refusal(self._context.actor, doctor_id) is None
        )

    def _on_failed(self, message: str) -> None:
        self._say("error", message)
        self.loaded.emit(len(self.lines))

    def _show_lines(self) -> None:
        for line in self.lines:
            self._lines.removeWidget(line)
            line.deleteLater()
        self.lines = []
        for entry in self._entries[:SHOWN]:
            line = OfferLine(entry)
            line.book_button.clicked.connect(lambda _c=False, e=entry: self.accept(e))
            line.kind_menu.triggered.connect(
                lambda action, e=entry: self.accept(e, AppointmentKind(action.data()))
            )
            line.pass_button.clicked.connect(lambda _c=False, e=entry: self.decline(e))
            self._lines.addWidget(line)
            self.lines.append(line)
        hidden = len(self._entries) - len(self.lines)
        self.more.setText(self.tr("…and {n} more on the Waiting list tab").format(n=hidden))
        self._show_folding()
        self._update_visibility()

    def _say(self, kind: str, text: str, answers: list | None = None) -> None:
        if answers:
            # After an answer the bar may have nothing left to show: it hides then.
            self.messages.show_question(
                kind, text, [(caption, self._then_tidy(call)) for caption, call in answers]
            )
        else:
            self.messages.show_message(kind, text, [(self.tr("Close"), self.dismiss)])
        self._update_visibility()

    def _then_tidy(self, call: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            call()
            self._update_visibility()

        return run

    def dismiss(self) -> None:
        """Hide the last message (the bar hides too when no offer is left)."""
        self.messages.clear()
        self._update_visibility()

    @property
    def folded(self) -> bool:
        """Whether the bar shows its title line only."""
        return self.fold_button.isChecked()

    def _fold(self, folded: bool) -> None:
        self.fold_button.setText(self.tr("Show") if folded else self.tr("Hide"))
        self.fold_button.setToolTip(
            self.tr("Show the offers") if folded else self.tr("Fold the offers into one line")
        )
        if hasattr(self, "more"):
            self._show_folding()

    def _show_folding(self) -> None:
        folded = self.folded
        for line in self.lines:
            line.setVisible(not folded)
        hidden = len(self._entries) - (0 if folded else len(self.lines))
        self.more.setVisible(hidden > 0 and not folded)
        count = len(self._entries)
        if folded:
            self.title.setText(
                self.tr("<b>Waiting list</b>: times offered, awaiting an answer: {n}").format(
                    n=count
                )
            )
        else:
            self.title.setText(self.tr("<b>Waiting list</b>: a time has become free"))

    def _update_visibility(self) -> None:
        self.title.setVisible(bool(self.lines))
        self.fold_button.setVisible(bool(self.lines))
        self.setVisible(bool(self.lines) or bool(self.messages.kind))

    def accept(self, entry: WaitingEntry, kind: AppointmentKind | None = None) -> None:
        """Book the time offered to ``entry`` (as ``kind``, or the usual choice)."""
        self._disable(entry.id)
        self.offer_actions.accept(entry, kind)

    def decline(self, entry: WaitingEntry) -> None:
        """Pass the time offered to ``entry`` to the next entry."""
        self._disable(entry.id)
        self.offer_actions.decline(entry)

    def _disable(self, entry_id: int) -> None:
        self.messages.clear()
        for line in self.lines:
            if line.entry.id == entry_id:
                line.book_button.setEnabled(False)
                line.kind_button.setEnabled(False)
                line.pass_button.setEnabled(False)
