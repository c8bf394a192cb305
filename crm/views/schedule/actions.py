"""What the schedule grid does with appointments: book, move, cancel, statuses, history,
printing tickets and day lists.

The grid hands a slot or a block to :class:`ScheduleActions` and listens to its
three signals; everything here runs its controller on the runner, and every dialog
opens with ``open()`` (never ``exec()``, which would stall the qasync loop). The
controllers are the referee: the menu offers only what the role and the status
allow, but a refusal from the database side is always shown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QMenu, QMessageBox, QWidget

from crm.controllers import vocabulary
from crm.controllers.access.permissions import Permission, allowed, in_own_schedule
from crm.controllers.errors import BookingRefused
from crm.controllers.feedback.register import RATED_STATUSES
from crm.controllers.printing.tickets import NO_TICKET
from crm.controllers.schedule import booking, visit_status
from crm.controllers.schedule.booking import BookedAppointment
from crm.controllers.schedule.day_grid import GridAppointment, GridDoctor
from crm.models.enums import AppointmentStatus
from crm.views import AppContext
from crm.views.feedback.rating_dialog import RatingDialog
from crm.views.payments.dialog import PaymentDialog, open_payment_dialog
from crm.views.printing import (
    PrintDialog,
    PrintRequest,
    day_list_request,
    day_tickets_request,
    open_print_dialog,
    tickets_request,
)
from crm.views.schedule.booking_dialog import BookingDialog
from crm.views.schedule.cancel_dialog import CancelDialog, ReasonDialog
from crm.views.schedule.grid_input import STATUS_KEYS
from crm.views.schedule.history_dialog import HistoryDialog

S = AppointmentStatus
#: The keys of the block's menu items as the menu names them (the grid sends the keys
#: to :meth:`ScheduleActions.run_shortcut`).
SHORTCUT_KEYS = {name: QKeySequence(key).toString() for key, name in STATUS_KEYS.items()}
SHORTCUT_KEYS["actionReschedule"] = QKeySequence("Ctrl+X").toString()
#: Where «undo a mistaken status» steps back to (visit_status.UNDO, read forwards).
UNDO_TO = {before: after for before, after in visit_status.UNDO}


class ScheduleActions(QObject):
    """Booking, moving, cancelling and visit statuses for the schedule grid.

    Args:
        context: the logged-in user's context.
        parent: the widget the dialogs belong to (the grid's page).

    Signals:
        changed(object): something changed; carries a set of the affected doctors' ids.
        refused(int, str): an action was refused: the appointment's id (0 for a new
            booking) and the message to show ("" when the user said no). A dragged
            block goes back.
        open_patient(int): the user asked to open this patient's card.
        told(str): a shortcut that cannot act now, and why (the menu's greyed reason).
        done(str): what a status change, an undo or a cancel did, in one line (emitted
            just after ``changed``).
        move_requested(object): «Move» was chosen for the ``GridAppointment``: the grid
            takes it to move by keyboard.
    """

    changed = Signal(object)
    refused = Signal(int, str)
    open_patient = Signal(int)
    told = Signal(str)
    done = Signal(str)
    move_requested = Signal(object)

    def __init__(self, context: AppContext, parent: QWidget) -> None:
        super().__init__(parent)
        self._context = context
        self._parent = parent
        self.booking_dialog: BookingDialog | None = None
        self.cancel_dialog: CancelDialog | None = None
        self.history_dialog: HistoryDialog | None = None
        #: The open question (another doctor? a reason?), for tests and for closing.
        self.question: QDialog | None = None
        #: The last print dialog opened (tickets or a day list).
        self.print_dialog: PrintDialog | None = None
        #: The last «Payment» dialog opened.
        self.payment_dialog: PaymentDialog | None = None
        #: The last rating dialog opened from a visit.
        self.rating_dialog: RatingDialog | None = None

    # --- booking and moving ---------------------------------------------------------------

    def booking_refusal(self, doctor_id: int) -> str | None:
        """Why the user may not book into ``doctor_id``'s schedule (the controller's rule
        and words); ``None``: they may."""
        return booking.schedule_access_refusal(self._context.actor, doctor_id)

    def book(
        self, doctor: GridDoctor, starts_at: dt.datetime, slots: int = 1
    ) -> BookingDialog | None:
        """Open the booking dialog at ``doctor``'s slot ``starts_at``; ``None`` (and
        :attr:`told` why) when the user may not book there — before a form is filled
        in vain."""
        refusal = self.booking_refusal(doctor.id)
        if refusal is not None:
            self.told.emit(refusal)
            return None
        dialog = BookingDialog(self._context, doctor, starts_at, slots, self._parent)
        dialog.booked.connect(lambda booked: self.changed.emit({doctor.id, booked.doctor_id}))
        self._open(dialog)
        self.booking_dialog = dialog
        return dialog

    def reschedule(
        self, appointment: GridAppointment, doctor: GridDoctor, starts_at: dt.datetime
    ) -> None:
        """Move ``appointment`` to ``doctor`` at ``starts_at`` (after a drop).

        To another doctor only after a confirmation — asked only once a trial of the
        move (rolled back) went through, so that a move the rules refuse (the
        referral's specialty, say) is refused at once, not after «Move»; less than 24
        hours before the start a manager is asked for a reason, anyone else gets the
        refusal.
        """
        if doctor.id == appointment.doctor_id:
            self._move(appointment, doctor, starts_at, None)
            return

        def tried(error: BaseException | None, message: str = "") -> None:
            late = isinstance(error, BookingRefused) and error.reason_code == "too_late_to_change"
            if error is None or (late and allowed(self._context.actor, Permission.OVERRIDE_RULES)):
                self._confirm_other_doctor(appointment, doctor, starts_at)
            else:
                self.refused.emit(appointment.id, self._with_alternative(error, message))

        self._context.runner.submit(
            booking.reschedule, self._context.database.sessions, self._context.actor,
            appointment.id, starts_at=starts_at, doctor_id=doctor.id,
            expected_version=appointment.version, check_only=True,
            on_success=lambda _trial: tried(None), on_error=tried, owner=self,
        )  # fmt: skip

    def _confirm_other_doctor(
        self, appointment: GridAppointment, doctor: GridDoctor, starts_at: dt.datetime
    ) -> None:
        box = QMessageBox(self._parent)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("Move to another doctor?"))
        box.setText(
            self.tr("Move {patient} to {doctor} ({specialty}) at {time}?").format(
                patient=appointment.patient_full, doctor=doctor.short_name,
                specialty=doctor.specialty_name, time=f"{starts_at:%d.%m.%Y %H:%M}",
            )
        )  # fmt: skip
        yes = box.addButton(self.tr("Move"), QMessageBox.ButtonRole.AcceptRole)
        no = box.addButton(self.tr("Do not move"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(yes)
        box.setEscapeButton(no)

        def answered(_result: int) -> None:
            if box.clickedButton() is yes:
                self._move(appointment, doctor, starts_at, None)
            else:
                self.refused.emit(appointment.id, "")  # «Do not move»: back, nothing to say

        box.finished.connect(answered)
        self._ask(box)

    def _move(
        self,
        appointment: GridAppointment,
        doctor: GridDoctor,
        starts_at: dt.datetime,
        reason: str | None,
    ) -> None:
        def done(moved: BookedAppointment) -> None:
            self.changed.emit({appointment.doctor_id, moved.doctor_id})

        def failed(error: BaseException, message: str) -> None:
            if (
                isinstance(error, BookingRefused)
                and error.reason_code == "too_late_to_change"
                and reason is None
                and allowed(self._context.actor, Permission.OVERRIDE_RULES)
            ):
                self._ask_reason(
                    self.tr("Less than 24 hours before the appointment"),
                    self.tr(
                        "The appointment starts in less than 24 hours. As a manager you may "
                        "still move it: why?"
                    ),
                    lambda why: self._move(appointment, doctor, starts_at, why),
                    lambda: self.refused.emit(appointment.id, message),
                )
                return
            self.refused.emit(appointment.id, self._with_alternative(error, message))

        self._context.runner.submit(
            booking.reschedule,
            self._context.database.sessions,
            self._context.actor,
            appointment.id,
            starts_at=starts_at,
            doctor_id=doctor.id,
            reason=reason,
            expected_version=appointment.version,
            on_success=done,
            on_error=failed,
            owner=self,
        )

    def _with_alternative(self, error: BaseException, message: str) -> str:
        if not isinstance(error, BookingRefused) or not error.alternatives:
            return message
        slot = error.alternatives[0]
        return self.tr("{message}. Nearest free: {doctor}, {time}").format(
            message=message.rstrip("."), doctor=slot.doctor_name,
            time=f"{slot.starts_at:%d.%m.%Y %H:%M}",
        )  # fmt: skip

    # --- cancelling, statuses, history ----------------------------------------------------

    def cancel(self, appointment: GridAppointment) -> CancelDialog:
        """Open the cancel dialog for ``appointment``."""
        dialog = CancelDialog(self._context, appointment, self._parent)
        dialog.cancelled.connect(
            lambda _row: self._did(
                appointment, self.tr("{patient}, {time}: the appointment is cancelled")
            )
        )
        self._open(dialog)
        self.cancel_dialog = dialog
        return dialog

    def set_status(
        self, appointment: GridAppointment, status: AppointmentStatus, reason: str | None = None
    ) -> None:
        """Move the visit to ``status`` (a manager's undo needs ``reason``)."""
        title = vocabulary.appointment_status_title(status)
        old = vocabulary.appointment_status_title(appointment.status)
        if reason is None:
            done = self.tr("{patient}, {time}: marked «{status}»").replace("{status}", title)
        else:
            done = (
                self.tr("{patient}, {time}: «{old}» undone, back to «{status}»")
                .replace("{old}", old)
                .replace("{status}", title)
            )
        self._context.runner.submit(
            visit_status.set_status,
            self._context.database.sessions,
            self._context.actor,
            appointment.id,
            status,
            reason=reason,
            expected_version=appointment.version,
            on_success=lambda _row: self._did(appointment, done),
            on_failure=lambda message: self.refused.emit(appointment.id, message),
            owner=self,
        )

    def _did(self, appointment: GridAppointment, text: str) -> None:
        """Say that ``appointment``'s doctor changed, then what was done, in one line."""
        self.changed.emit({appointment.doctor_id})
        when = f"{appointment.starts_at:%d.%m %H:%M}"
        self.done.emit(text.format(patient=appointment.patient_short, time=when))

    def undo_status(self, appointment: GridAppointment) -> None:
        """Ask a manager why, then step the visit's status back."""
        previous = UNDO_TO.get(appointment.status)
        if previous is None:
            return
        if not allowed(self._context.actor, Permission.UNDO_STATUS):
            self.set_status(appointment, previous)  # her own mark: no reason asked
            return
        self._ask_reason(
            self.tr("Undo a mistaken status"),
            self.tr("Set «{old}» back to «{new}»: why?").format(
                old=vocabulary.appointment_status_title(appointment.status),
                new=vocabulary.appointment_status_title(previous),
            ),
            lambda why: self.set_status(appointment, previous, why),
            None,
        )

    def take_payment(self, appointment: GridAppointment) -> PaymentDialog:
        """Open «Payment» for ``appointment``; the grid repaints its mark after a change."""
        dialog = open_payment_dialog(self._context, appointment.id, self._parent)
        dialog.changed.connect(lambda _id: self.changed.emit({appointment.doctor_id}))
        self.payment_dialog = dialog
        return dialog

    def rate_visit(self, appointment: GridAppointment) -> RatingDialog:
        """Open the rating dialog for ``appointment`` (the visit chosen in it)."""
        dialog = RatingDialog(self._context, appointment_id=appointment.id, parent=self._parent)
        self.rating_dialog = dialog
        self._open(dialog)
        return dialog

    def show_history(self, appointment: GridAppointment) -> HistoryDialog:
        """Open the history of ``appointment`` (non-modal, beside the grid)."""
        dialog = HistoryDialog(self._context, appointment, self._parent)
        dialog.show()
        dialog.load()
        self.history_dialog = dialog
        return dialog

    # --- the context menu -----------------------------------------------------------------

    def fill_context_menu(self, menu: QMenu, appointment: GridAppointment) -> None:
        """Add the actions the block's status and the user's role allow to ``menu``.

        A block still ``booked`` after its end offers «No-show» first, in bold (the
        menu's default action). Actions that do not exist yet are shown disabled
        with a tooltip saying why.
        """
        actor = self._context.actor
        status = appointment.status
        may = {p: allowed(actor, p) for p in Permission}
        own = in_own_schedule(actor, appointment.doctor_id)
        may_book = self.booking_refusal(appointment.doctor_id) is None
        now = dt.datetime.now(dt.UTC)
        menu.setToolTipsVisible(True)

        def step(new: AppointmentStatus) -> Callable[[], None]:
            return lambda: self.set_status(appointment, new)

        if (
            status is S.BOOKED
            and own
            and appointment.starts_at <= now
            and (may[Permission.MARK_VISITS] or may[Permission.CHECK_IN])
        ):
            no_show = self._action(
                menu, "actionNoShow", self.tr("No-show") + "\t" + SHORTCUT_KEYS["actionNoShow"],
                step(S.NO_SHOW),
            )  # fmt: skip
            if appointment.ends_at <= now:
                menu.setDefaultAction(no_show)
                menu.addSeparator()
        # Arriving and seeing the doctor happen on the visit's own day (the controller
        # refuses other days); the menu says so instead of failing after a click.
        clinic_today = now.astimezone(appointment.starts_at.tzinfo).date()
        other_day = appointment.starts_at.date() != clinic_today
        not_today = self.tr("Only on the day of the visit, {date}").format(
            date=f"{appointment.starts_at:%d.%m.%Y}"
        )
        same_day_steps: list[QAction] = []
        if status is S.BOOKED and own and may[Permission.CHECK_IN]:
            same_day_steps.append(
                self._action(
                    menu,
                    "actionArrived",
                    self.tr("Arrived (check in)") + "\t" + SHORTCUT_KEYS["actionArrived"],
                    step(S.ARRIVED),
                )  # fmt: skip
            )
        if status is S.ARRIVED and own and may[Permission.MARK_VISITS]:
            same_day_steps.append(
                self._action(
                    menu,
                    "actionInProgress",
                    self.tr("At the doctor's") + "\t" + SHORTCUT_KEYS["actionInProgress"],
                    step(S.IN_PROGRESS),
                )  # fmt: skip
            )
        if other_day:
            for same_day in same_day_steps:
                same_day.setEnabled(False)
                same_day.setToolTip(not_today)
        if status is S.IN_PROGRESS and own and may[Permission.MARK_VISITS]:
            self._action(
                menu, "actionCompleted",
                self.tr("Visit completed") + "\t" + SHORTCUT_KEYS["actionCompleted"],
                step(S.COMPLETED),
            )  # fmt: skip
        if status is S.BOOKED and may_book:
            menu.addSeparator()
            cancel = self._action(
                menu, "actionCancel", self.tr("Cancel…") + "\t" + SHORTCUT_KEYS["actionCancel"],
                lambda: self.cancel(appointment),
            )  # fmt: skip
            move = self._action(
                menu, "actionReschedule",
                self.tr("Move…") + "\t" + SHORTCUT_KEYS["actionReschedule"],
                lambda: self.move_requested.emit(appointment),
            )  # fmt: skip
            late = appointment.starts_at - now < booking.CHANGE_NOTICE
            correcting = booking.own_correction(
                actor, appointment.created_by_id, appointment.created_at, now
            )
            if late and not may[Permission.OVERRIDE_RULES] and not correcting:
                # A held appointment is moved whatever its time: the clinic moved it.
                changes = [cancel] if appointment.in_holding_tray else [cancel, move]
                for change in changes:
                    change.setEnabled(False)
                    change.setToolTip(booking.too_late_message())
        if status in UNDO_TO and own:
            undo = self._action(
                menu, "actionUndoStatus", self.tr("Undo a mistaken status…"),
                lambda: self.undo_status(appointment),
            )  # fmt: skip
            if not may[Permission.UNDO_STATUS]:
                # Her own mark (a mis-pressed F2) she undoes herself; the controller
                # knows whose mark it is and refuses anyone else's.
                undo.setToolTip(self.tr("Your own mark only; otherwise ask a manager"))
        menu.addSeparator()
        if may[Permission.TAKE_PAYMENTS]:
            self._action(
                menu, "actionPayment", self.tr("Payment…") + "\t" + SHORTCUT_KEYS["actionPayment"],
                lambda: self.take_payment(appointment),
            )  # fmt: skip
        self._action(
            menu, "actionHistory", self.tr("Appointment history…"),
            lambda: self.show_history(appointment),
        )  # fmt: skip
        self._action(
            menu, "actionOpenPatient", self.tr("Open the patient's card"),
            lambda: self.open_patient.emit(appointment.patient_id),
        )  # fmt: skip
        if may[Permission.RECORD_FEEDBACK] and status in RATED_STATUSES:
            self._action(
                menu, "actionRate", self.tr("Record the patient's rating…"),
                lambda: self.rate_visit(appointment),
            )  # fmt: skip
        if may[Permission.PRINT]:
            self._print_actions(menu, appointment)

    def run_shortcut(self, appointment: GridAppointment, name: str) -> None:
        """Do what the block's menu item ``name`` (see :data:`SHORTCUT_KEYS`) would do,
        under the same rules: the menu is built (not shown) and its item triggered if
        it is there and enabled; otherwise :attr:`told` says why."""
        menu = QMenu()
        try:
            self.fill_context_menu(menu, appointment)
            action = next((a for a in menu.actions() if a.objectName() == name), None)
            if action is None:
                self.told.emit(self.why_not(appointment, name))
            elif not action.isEnabled():
                self.told.emit(action.toolTip())
            else:
                action.trigger()
        finally:
            menu.deleteLater()

    def why_not(self, appointment: GridAppointment, name: str) -> str:
        """Why the block's menu has no item ``name``: the step, the role or the schedule."""
        actor = self._context.actor
        status = appointment.status
        needs = {
            "actionArrived": Permission.CHECK_IN, "actionInProgress": Permission.MARK_VISITS,
            "actionCompleted": Permission.MARK_VISITS,
        }  # fmt: skip
        if name == "actionPayment":
            return self.tr("The registry and managers take payments")
        if name in needs and not allowed(actor, needs[name]):
            return (
                self.tr("The registry checks patients in")
                if name == "actionArrived"
                else self.tr("The doctor marks this")
            )
        if not in_own_schedule(actor, appointment.doctor_id):
            return self.tr("Only in your own schedule")
        title = vocabulary.appointment_status_title(status)
        if name == "actionNoShow" and status is S.BOOKED:
            return self.tr("A no-show can be marked once the visit has begun ({time})").format(
                time=f"{appointment.starts_at:%d.%m.%Y %H:%M}"
            )
        if name == "actionInProgress" and status is S.BOOKED:
            return self.tr("Check the patient in first (F2)")
        if name == "actionCompleted" and status in (S.BOOKED, S.ARRIVED):
            return self.tr("Mark «At the doctor's» first (F3)")
        if name == "actionCancel" and status is not S.BOOKED:
            return self.tr("Only a booked visit can be cancelled; this one is «{status}»").format(
                status=title
            )
        return self.tr("Not possible for this appointment ({status})").format(status=title)

    # --- printing -------------------------------------------------------------------------

    def print_ticket(self, appointment: GridAppointment) -> PrintDialog:
        """Open the print dialog with ``appointment``'s ticket."""
        title = self.tr("Ticket: {patient}").format(patient=appointment.patient_full)
        return self._print(tickets_request([appointment.id], title))

    def print_day_tickets(self, doctor_id: int, day: dt.date) -> PrintDialog:
        """Open the print dialog with the tickets of everyone booked with the doctor that day."""
        title = self.tr("Tickets for {day}").format(day=f"{day:%d.%m.%Y}")
        return self._print(day_tickets_request(day, doctor_id, title))

    def print_day_list(self, day: dt.date, doctor_id: int | None = None) -> PrintDialog:
        """Open the print dialog with a doctor's day list, or every doctor's (``None``)."""
        title = self.tr("Day list for {day}").format(day=f"{day:%d.%m.%Y}")
        return self._print(day_list_request(day, doctor_id, title))

    def _print(self, request: PrintRequest) -> PrintDialog:
        dialog = open_print_dialog(self._context, request, self._parent)
        self.print_dialog = dialog
        return dialog

    def _print_actions(self, menu: QMenu, appointment: GridAppointment) -> None:
        day = appointment.starts_at.date()
        menu.addSeparator()
        ticket = self._action(
            menu, "actionPrintTicket", self.tr("Print ticket…"),
            lambda: self.print_ticket(appointment),
        )  # fmt: skip
        if appointment.status in NO_TICKET:
            ticket.setEnabled(False)
            ticket.setToolTip(
                self.tr("A cancelled, moved or missed appointment has no ticket to print.")
            )
        self._action(
            menu, "actionPrintDayTickets", self.tr("Print the doctor's tickets for the day…"),
            lambda: self.print_day_tickets(appointment.doctor_id, day),
        )  # fmt: skip
        self._action(
            menu, "actionPrintDayList", self.tr("Print the doctor's day list…"),
            lambda: self.print_day_list(day, appointment.doctor_id),
        )  # fmt: skip
        self._action(
            menu, "actionPrintAllDayLists", self.tr("Print the day list of all doctors…"),
            lambda: self.print_day_list(day),
        )  # fmt: skip

    # --- helpers --------------------------------------------------------------------------

    def _open(self, dialog: QDialog) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def _ask(self, box: QDialog) -> None:
        self.question = box
        box.finished.connect(box.deleteLater)
        box.open()

    def _ask_reason(
        self,
        title: str,
        prompt: str,
        then: Callable[[str], None],
        otherwise: Callable[[], None] | None,
    ) -> None:
        dialog = ReasonDialog(title, prompt, self._parent)

        def answered(result: int) -> None:
            if result == QDialog.DialogCode.Accepted.value and dialog.reason():
                then(dialog.reason())
            elif otherwise is not None:
                otherwise()

        dialog.finished.connect(answered)
        self._ask(dialog)

    def _action(self, menu: QMenu, name: str, text: str, slot: Callable[[], object]) -> QAction:
        action = menu.addAction(text)
        action.setObjectName(name)
        action.triggered.connect(slot)
        return action
