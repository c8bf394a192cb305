"""The Schedule section: the day grid of all doctors, a doctor's week, the side panels
(the holding tray, the waiting list, the registrar's call list).

Loading runs on the runner; the GUI thread never waits. Change notices from any
workstation re-query only the doctors they concern for the days shown (``load_grid``
with ``doctor_ids``) and merge them in, 100 ms after the last notice of a burst; after
a reconnection (``RESYNC``) everything is reloaded. The grid keeps its cursor, the
chosen block and the scroll position across both.

Keys: Alt+Left/Right the previous/next day, Alt+Page Up/Page Down the previous/next
week, Alt+Home today, F5 (the main window's) reloads.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, QLocale, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from crm.controllers.access.permissions import schedule_limited_to
from crm.controllers.schedule.day_grid import (
    GridAppointment,
    GridData,
    GridDoctor,
    HeldAppointments,
    held_appointments,
    list_filters,
)
from crm.controllers.waiting import queue
from crm.views import AppContext
from crm.views.controls import fit_combo_popup, narrow_combo, tool_button
from crm.views.notifications.call_list import CallListPanel
from crm.views.patients.message_bar import MessageBar
from crm.views.referrals.offer_prompt import OfferPrompt
from crm.views.schedule import column_order
from crm.views.schedule.actions import ScheduleActions
from crm.views.schedule.grid import ScheduleGrid
from crm.views.schedule.grid_labels import PreparedLabels
from crm.views.schedule.holding_tray import HoldingTray
from crm.views.schedule.hours_dialog import WorkingHoursDialog
from crm.views.schedule.layout import GridColumn
from crm.views.schedule.legend import legend_html
from crm.views.schedule.page_data import (
    affected_doctors,
    day_columns,
    day_doctors,
    load_and_prepare,
    merge,
)
from crm.views.schedule.waiting_booking import WaitingBooking
from crm.views.schedule.waiting_panel import WaitingPanel
from crm.views.schedule.week_view import WeekView, week_columns, week_of

DEBOUNCE_MS = 100
#: Tables whose notices may change what the grid shows.
WATCHED = frozenset({"appointment", "schedule_template", "schedule_exception", "doctor", "patient"})
DAY, WEEK = 0, 1


class SchedulePage(QWidget):
    """The day grid (or a doctor's week) with date navigation, filters and the tray.

    Args:
        context: the logged-in user's context.
        parent: the Qt parent.

    Signals:
        loaded(): new data is shown (after a full or a partial reload).
        tray_loaded(): the holding tray was read again.
        open_patient(int): show this patient's card.
    """

    loaded = Signal()
    tray_loaded = Signal()
    open_patient = Signal(int)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.title = self.tr("Schedule")
        self.day = context.actor.clinic_today()
        self.mode = DAY
        self.week_doctor: int | None = None
        self.data: GridData | None = None
        self._generation = 0
        self._loading = False
        self._want_full = True
        self._want_ids: set[int] = set()
        self._stale = True
        self._filters_loaded = False
        self._filters_asked = False
        self._moved_to: tuple[str, GridDoctor, dt.datetime] | None = None
        self._moving_text = ""
        self._told_text = ""
        self._combo_entries: list[tuple[int, str]] = []

        heading = QLabel(self.title)
        heading.setObjectName("pageTitle")
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        heading.setFont(font)

        self.grid = ScheduleGrid()
        self.week = WeekView()
        self.tray = HoldingTray()
        self.waiting_panel = WaitingPanel()
        self.call_list = CallListPanel(context)
        self.message_bar = MessageBar(one_line=True)  # one line: the grid never shifts
        self.status_label = QLabel()
        self.status_label.setObjectName("scheduleStatus")
        self.views = QStackedWidget()
        self.views.addWidget(self.grid)
        self.views.addWidget(self.week)

        body = QHBoxLayout()
        body.addWidget(self.views, 1)
        side = QVBoxLayout()
        side.addWidget(self.tray, 1)
        side.addWidget(self.waiting_panel, 1)
        side.addWidget(self.call_list, 1)
        body.addLayout(side)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 8)
        layout.setSpacing(8)
        toolbar = self._build_toolbar()
        # The day's figures and the two dialogs sit on the title's line: the toolbar
        # below keeps to the navigation and the filters, and fits a 1280-pixel screen.
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addStretch(1)
        top.addWidget(self.status_label)
        top.addSpacing(12)
        top.addWidget(self.off_button)
        top.addWidget(self.hours_button)
        top.addWidget(self.day_list_button)
        layout.addLayout(top)
        layout.addLayout(toolbar)
        layout.addWidget(self.message_bar)
        # Waiting-list offers of freed time, for the desk to book or pass on.
        self.offers = OfferPrompt(context)
        layout.addWidget(self.offers)
        layout.addLayout(body, 1)
        self.legend = QLabel(legend_html(self.grid.kind_label_of))
        self.legend.setObjectName("scheduleLegend")
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setWordWrap(True)
        layout.addWidget(self.legend)

        self.schedule_actions = ScheduleActions(context, self)
        grids = (self.grid, self.week)
        self.waiting_booking = WaitingBooking(context, self.message_bar, grids, self)
        self.waiting_booking.booked.connect(self._reload_doctor)
        for grid in (self.grid, self.week):
            grid.set_actions(self.schedule_actions)
            grid.patient_requested.connect(self.open_patient)
            grid.drop_requested.connect(self._remember_drop)
            grid.waiting_dropped.connect(self.waiting_booking.book)
            grid.moving_changed.connect(self._moving_changed)
            grid.cursor_moved.connect(self._forget_told)
        self.grid.week_requested.connect(self.show_week_of)
        self.grid.column_order_changed.connect(column_order.save_order)
        self.tray.chosen.connect(self._show_in_grid)
        actions = self.schedule_actions
        actions.changed.connect(self._on_actions_changed)
        actions.refused.connect(self._on_refused)
        actions.told.connect(self._tell)
        actions.done.connect(lambda text: self.message_bar.show_message("done", text))
        actions.open_patient.connect(self.open_patient)
        actions.move_requested.connect(self._start_move)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self._load_next)
        if context.events is not None:
            context.events.changed.connect(self._on_change)
        self._show_date()

    # --- toolbar --------------------------------------------------------------------

    def _build_toolbar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        bar.setSpacing(6)

        def go(days: int) -> Callable[[], None]:
            return lambda: self.set_day(self.day + dt.timedelta(days=days))

        today = self._context.actor.clinic_today
        self.today_button = tool_button(self, self.tr("Today"), self.tr("Today (Alt+Home)"),
                                        "Alt+Home", lambda: self.set_day(today()))  # fmt: skip
        week_back = tool_button(self, "«", self.tr("A week back (Alt+Page Up)"), "Alt+PgUp",
                                go(-7))  # fmt: skip
        day_back = tool_button(self, "‹", self.tr("The day before (Alt+Left)"), "Alt+Left",
                               go(-1))  # fmt: skip
        day_on = tool_button(self, "›", self.tr("The day after (Alt+Right)"), "Alt+Right",
                             go(1))  # fmt: skip
        week_on = tool_button(self, "»", self.tr("A week ahead (Alt+Page Down)"), "Alt+PgDown",
                              go(7))  # fmt: skip
        self.date_edit = QDateEdit()
        self.date_edit.setObjectName("scheduleDate")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("dd.MM.yyyy")
        self.date_edit.setToolTip(self.tr("The day shown: type it or pick it in the calendar"))
        self.date_edit.dateChanged.connect(
            lambda d: self.set_day(dt.date(d.year(), d.month(), d.day()))
        )
        self.weekday_label = QLabel()
        self.weekday_label.setObjectName("scheduleWeekday")
        self.weekday_label.setMinimumWidth(self.fontMetrics().horizontalAdvance("Воскресенье ") + 8)
        self.branch_combo = QComboBox()
        self.branch_combo.setObjectName("branchFilter")
        self.branch_combo.addItem(self.tr("All branches"), None)
        self.branch_combo.setToolTip(self.tr("Show the doctors of one branch"))
        self.specialty_combo = QComboBox()
        self.specialty_combo.setObjectName("specialtyFilter")
        self.specialty_combo.addItem(self.tr("All specialties"), None)
        self.specialty_combo.setToolTip(self.tr("Show the doctors of one specialty"))
        for combo in (self.branch_combo, self.specialty_combo):
            narrow_combo(combo)
            combo.currentIndexChanged.connect(self._filters_changed)
        self.day_button = tool_button(self, self.tr("Day"), self.tr("All doctors on one day"),
                                      None, lambda: self.set_mode(DAY))  # fmt: skip
        self.week_button = tool_button(self, self.tr("Week"), self.tr("One doctor's week"), None,
                                       lambda: self.set_mode(WEEK))  # fmt: skip
        modes = QButtonGroup(self)
        modes.setExclusive(True)
        for button in (self.day_button, self.week_button):
            button.setCheckable(True)
            modes.addButton(button)
        self.day_button.setChecked(True)
        self.doctor_combo = QComboBox()
        self.doctor_combo.setObjectName("weekDoctor")
        self.doctor_combo.setToolTip(self.tr("Whose week is shown"))
        narrow_combo(self.doctor_combo)
        self.doctor_combo.activated.connect(
            lambda _i: self.show_week_of(self.doctor_combo.currentData())
        )
        self.doctor_combo.hide()
        self.off_button = tool_button(self, self.tr("Working only"),
            self.tr("Hide the doctors who do not work this day (the order stays)"), None,
            self._show_again)  # fmt: skip
        self.off_button.setCheckable(True)
        self.hours_button = tool_button(self,
            self.tr("Hours…"), self.tr("The doctor's working hours and exceptions (Ctrl+H)"),
            "Ctrl+H", self.open_hours,
        )  # fmt: skip
        self.hours_button.setObjectName("hoursButton")
        self.day_list_button = tool_button(self,
            self.tr("Day list…"),
            self.tr("Print the day list: the chosen doctor's, or every doctor's (Ctrl+P)"),
            "Ctrl+P", self.print_day_list,
        )  # fmt: skip
        self.day_list_button.setObjectName("dayListButton")
        for widget in (self.today_button, week_back, day_back, self.date_edit, day_on, week_on,
                       self.weekday_label):  # fmt: skip
            bar.addWidget(widget)
        bar.addSpacing(12)
        bar.addWidget(self.branch_combo)
        bar.addWidget(self.specialty_combo)
        bar.addStretch(1)
        bar.addWidget(self.doctor_combo)
        bar.addWidget(self.day_button)
        bar.addWidget(self.week_button)
        return bar

    def _show_date(self) -> None:
        self.date_edit.blockSignals(True)
        self.date_edit.setDate(QDate(self.day.year, self.day.month, self.day.day))
        self.date_edit.blockSignals(False)
        date = QDate(self.day.year, self.day.month, self.day.day)
        self.weekday_label.setText(QLocale().toString(date, "dddd"))

    # --- what is shown --------------------------------------------------------------

    @property
    def current_grid(self) -> ScheduleGrid:
        """The grid on screen (the day grid or the week view)."""
        return self.week if self.mode == WEEK else self.grid

    @property
    def loading(self) -> bool:
        """True while a load is on the runner or waiting for its debounce."""
        return self._loading or self._debounce.isActive()

    def date_range(self) -> tuple[dt.date, dt.date]:
        """The days shown."""
        return week_of(self.day) if self.mode == WEEK else (self.day, self.day)

    def set_day(self, day: dt.date) -> None:
        """Show ``day`` (in the week view: its week)."""
        if day == self.day:
            return
        same_week = self.mode == WEEK and week_of(day) == week_of(self.day)
        self.day = day
        self._show_date()
        if not same_week:
            self._reload_all()

    def set_mode(self, mode: int) -> None:
        """``DAY`` (all doctors) or ``WEEK`` (one doctor)."""
        if mode == WEEK and self.week_doctor is None:
            column = self.grid.current_column()
            doctors = self.data.doctors if self.data and self.mode == DAY else ()
            self.week_doctor = column.doctor.id if column else (doctors[0].id if doctors else None)
            if self.week_doctor is None:
                self.day_button.setChecked(True)
                return
        if mode == self.mode:
            return
        self.mode = mode
        (self.week_button if mode == WEEK else self.day_button).setChecked(True)
        self.views.setCurrentWidget(self.current_grid)
        # The filters choose the day's doctors; one doctor's week has the doctor's box
        # instead (hidden first: never all three at once, which would widen the window).
        self.branch_combo.setVisible(mode == DAY)
        self.specialty_combo.setVisible(mode == DAY)
        self.doctor_combo.setVisible(mode == WEEK)
        self._select_week_doctor()
        self._reload_all()

    def show_week_of(self, doctor_id: int | None) -> None:
        """Show the week of ``doctor_id``."""
        if doctor_id is None:
            return
        changed = doctor_id != self.week_doctor
        self.week_doctor = doctor_id
        if self.mode != WEEK:
            self.set_mode(WEEK)
        elif changed:
            self._select_week_doctor()
            self._reload_all()

    def _select_week_doctor(self) -> None:
        index = self.doctor_combo.findData(self.week_doctor)
        if index < 0 and self.week_doctor is not None:
            self.doctor_combo.addItem(str(self.week_doctor), self.week_doctor)
            index = self.doctor_combo.count() - 1
        self.doctor_combo.setCurrentIndex(index)

    def _filters_changed(self) -> None:
        if self._filters_loaded:
            self._reload_all()

    # --- loading --------------------------------------------------------------------

    def activate(self) -> None:
        """The section came to the front: load what may have changed; keys to the grid."""
        if not self._filters_asked and not self._context.runner.closed:
            self._filters_asked = True
            self._context.runner.submit(
                list_filters, self._context.database.sessions, self._context.actor,
                on_success=self._on_filters, on_failure=self._filters_failed, owner=self,
            )  # fmt: skip
        if self._stale or self.data is None:
            self.refresh()
        self.current_grid.setFocus(Qt.FocusReason.OtherFocusReason)

    def refresh(self) -> None:
        """Reload everything shown (F5)."""
        self._stale = False
        self._want_full = True
        self._load_next()
        self.call_list.refresh()

    def _reload_all(self) -> None:
        self._generation += 1  # whatever is on its way is for another view
        # Another day, doctor or filter: what was said was about the view left behind
        # (but for a block being moved by keyboard: it goes along to the new day).
        self.message_bar.clear()
        self._moving_changed(self.current_grid.moving)
        # Until the chosen day arrives the old one is shown greyed, closed to booking.
        self.current_grid.set_outdated()
        self.refresh()

    def _load_next(self) -> None:
        if self._loading or not (self._want_full or self._want_ids):
            return
        if self._context.runner.closed:
            return  # the program is closing: a notice arrived after the runner stopped
        full, ids = self._want_full or self.mode == WEEK, set(self._want_ids)
        self._want_full, self._want_ids = False, set()
        date_from, date_to = self.date_range()
        options: dict = {}
        week_doctor = self.week_doctor
        if self.mode == WEEK:
            if week_doctor is None:
                return
            options["doctor_ids"] = [week_doctor]
        else:
            options["branch_id"] = self.branch_combo.currentData()
            options["specialty_id"] = self.specialty_combo.currentData()
            if not full:
                options["doctor_ids"] = sorted(ids)
        self._loading = True
        self.status_label.setText(self.tr("Loading…"))
        generation = self._generation
        labels = self.current_grid.label_request(None if full else len(self.grid.columns))
        if week_doctor is not None and self.mode == WEEK:
            columns_of = functools.partial(week_columns, doctor_id=week_doctor)
        else:
            columns_of = functools.partial(day_columns, day=self.day)
        self._context.runner.submit(
            load_and_prepare, self._context.database.sessions, self._context.actor, date_from,
            date_to, labels=labels, columns_of=columns_of, owner=self,
            on_failure=self._on_failed,
            on_success=lambda loaded: self._on_loaded(generation, None if full else ids, *loaded),
            **options,
        )  # fmt: skip

    def _on_loaded(
        self, generation: int, ids: set[int] | None, data: GridData, labels: PreparedLabels
    ) -> None:
        self._loading = False
        self.current_grid.learn_labels(labels)
        if generation == self._generation:
            if ids is not None and self.data is not None:
                merged = merge(self.data, data, ids)
                if merged is None:
                    self._want_full = True
                else:
                    self._show(merged)
            else:
                self._show(data)
        self._load_next()

    def _on_failed(self, message: str) -> None:
        self._loading = False
        self._stale = True
        self.status_label.setText("")
        self.message_bar.show_message("error", message)
        self.loaded.emit()

    def _filters_failed(self, message: str) -> None:
        self._filters_asked = False  # asked again the next time the page is shown
        self.message_bar.show_message("error", message)

    def _on_filters(self, filters: tuple) -> None:
        branches, specialties = filters
        for combo, choices in ((self.branch_combo, branches), (self.specialty_combo, specialties)):
            combo.blockSignals(True)
            for choice in choices:
                combo.addItem(choice.name, choice.id)
            combo.blockSignals(False)
            fit_combo_popup(combo)
        self._filters_loaded = True

    def _show(self, data: GridData) -> None:
        self.data = data
        tz = ZoneInfo(data.timezone)
        if self.mode == WEEK and self.week_doctor is not None:
            self.week.set_week(data, self.week_doctor)
            names = {d.id: d.short_name for d in data.doctors}
        else:
            own = self._context.actor.doctor_id
            doctors = day_doctors(column_order.ordered(data.doctors), data.appointments, own,
                                  hide_off=self.off_button.isChecked())  # fmt: skip
            self.grid.set_content([GridColumn(d, self.day) for d in doctors], data.appointments, tz)
            if own is not None and self.grid.cursor_cell is None:
                self.grid.start_at_column_of(own)  # a doctor's own day in view
            names = {d.id: f"{d.short_name} ({d.specialty_name})" for d in doctors}
            self._fill_doctor_combo(doctors)
        self._refresh_tray()
        shown = [a for a in data.appointments if a.doctor_id in names]
        held = sum(a.in_holding_tray for a in shown)
        text = self.tr("Doctors: {doctors}, appointments: {appointments}").format(
            doctors=len(data.doctors), appointments=len(shown) - held
        )
        if held:
            # Held ones wait in the tray for a new time: not counted as the day's visits.
            text += self.tr(", in the holding tray: {count}").format(count=held)
        self.status_label.setText(text)
        self.loaded.emit()

    def _show_again(self) -> None:
        if self.data is not None:
            self._show(self.data)  # the same data, with or without the doctors off

    def _refresh_tray(self) -> None:
        # Held appointments of every day and doctor: the tray must not forget one
        # because the grid shows another day.
        self._context.runner.submit(
            held_appointments, self._context.database.sessions, self._context.actor,
            since=dt.datetime.now(dt.UTC), on_success=self._show_tray, owner=self,
            on_failure=lambda message: self.message_bar.show_message("error", message),
        )  # fmt: skip

    def _show_tray(self, held: HeldAppointments) -> None:
        self.tray.set_appointments(held.appointments, held.doctor_names)
        # Held appointments of days not shown can still be dropped into the grid.
        foreign = {a.id: a for a in held.appointments}
        self.grid.foreign = foreign
        self.week.foreign = foreign
        actor = self._context.actor
        # A doctor booking only the own schedule sees the patients the doctor could take.
        own = schedule_limited_to(actor)
        self._context.runner.submit(
            queue.list_entries, self._context.database.sessions, actor, for_doctor=own,
            on_success=self._show_waiting, owner=self,
            on_failure=lambda message: self.message_bar.show_message("error", message),
        )  # fmt: skip

    def _show_waiting(self, entries: list) -> None:
        self.waiting_booking.names = {e.id: e.patient_name for e in entries}
        self.waiting_panel.set_entries(entries)
        self.tray_loaded.emit()

    def _reload_doctor(self, doctor_id: int) -> None:
        self._want_ids.add(doctor_id)
        self._load_next()

    # --- working hours ----------------------------------------------------------------

    def open_hours(self) -> WorkingHoursDialog | None:
        """Open the working-hours editor on the doctor of the current column (or week)."""
        if self.data is None or not self.data.doctors:
            return None
        doctors = column_order.ordered(self.data.doctors)
        current: int | None = self.week_doctor if self.mode == WEEK else None
        column = self.grid.current_column() if self.mode == DAY else None
        if column is not None:
            current = column.doctor.id
        dialog = WorkingHoursDialog(
            self._context, [(d.id, f"{d.short_name} — {d.specialty_name}") for d in doctors],
            current if current is not None else doctors[0].id, self,
        )  # fmt: skip
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.hours_changed.connect(self._hours_changed)
        dialog.show()  # not modal: the grid stays usable beside it
        return dialog

    def print_day_list(self) -> None:
        """The day list of the week's doctor (week view), of a doctor's own day, or of
        every doctor shown (the desk's day view)."""
        # A doctor prints the own list by default; the desk prints everyone's.
        doctor = self.week_doctor if self.mode == WEEK else self._context.actor.doctor_id
        self.schedule_actions.print_day_list(self.day, doctor)

    def _hours_changed(self, doctor_id: int) -> None:
        if self.data is not None and doctor_id in {d.id for d in self.data.doctors}:
            self._want_ids.add(doctor_id)
        self._load_next()
        self._refresh_tray()

    def _fill_doctor_combo(self, doctors: list[GridDoctor]) -> None:
        entries = [(d.id, f"{d.short_name} — {d.specialty_name}") for d in doctors]
        if entries == self._combo_entries:
            return  # a reload of a column rarely changes the list: keep the combo box as it is
        self._combo_entries = entries
        self.doctor_combo.blockSignals(True)
        self.doctor_combo.clear()
        for doctor_id, text in entries:
            self.doctor_combo.addItem(text, doctor_id)
        self.doctor_combo.blockSignals(False)
        fit_combo_popup(self.doctor_combo)
        self._select_week_doctor()

    # --- column order (per workstation) ---------------------------------------------

    # --- live updates ---------------------------------------------------------------

    def _on_change(self, event: dict) -> None:
        if self.data is None:
            return
        if event.get("table") == "waiting_list_entry" and not self._context.runner.closed:
            self._refresh_tray()  # the waiting panel beside the grid
            return
        if event.get("op") == "RESYNC" or event.get("table") == "*":
            self._want_full = True
        elif event.get("table") in WATCHED:
            ids = affected_doctors(event, self.data, self.date_range())
            if ids is None:
                self._want_full = True
            elif not ids:
                return
            self._want_ids |= ids or set()
        else:
            return
        if self.isVisible():
            self._debounce.start()
        else:
            self._stale = True

    def _on_actions_changed(self, doctor_ids: Iterable[int]) -> None:
        self.current_grid.last_moved = None
        shown = {d.id for d in self.data.doctors} if self.data else set()
        self._want_ids |= set(doctor_ids) & shown
        if self._moved_to is not None:
            patient, doctor, when = self._moved_to
            self._moved_to = None
            self.message_bar.show_message(
                "done",
                self.tr("Moved: {patient} → {doctor}, {time}").format(
                    patient=patient, doctor=doctor.short_name, time=f"{when:%d.%m.%Y %H:%M}"
                ),
            )
        else:
            self.message_bar.clear()
        self._load_next()

    def _on_refused(self, appointment_id: int, message: str) -> None:
        self._moved_to = None
        self.grid.clear_pending()
        self.week.clear_pending()
        grid = self.current_grid
        retake, grid.last_moved = grid.last_moved, None
        if retake is not None and retake.id == appointment_id and message:
            # Moved by keyboard and refused: still taken, another time may be chosen.
            grid.start_move(retake)
            message += "\n" + self.tr("Choose another time and press Enter, or Esc to leave it")
        if message:
            self.message_bar.show_message("error", message)
            self._moving_text = message if grid.moving else self._moving_text  # goes with it
        else:
            self.message_bar.clear()  # the user said no: nothing went wrong
        appointment = self.current_grid.appointment(appointment_id) if appointment_id else None
        if appointment is not None and self.mode == DAY:
            self._want_ids.add(appointment.doctor_id)
        else:
            self._want_full = True
        self._load_next()

    def _remember_drop(self, moved: GridAppointment) -> None:
        # The block itself: moved by keyboard from another day, it is not on the grid.
        grid = self.current_grid
        column, start = grid.current_column(), grid.current_start()
        self._moved_to = (moved.patient_short, column.doctor, start) if column and start else None

    def _show_in_grid(self, appointment_id: int) -> None:
        """Enter (or a double click) in the holding tray: show the appointment if its
        day is shown, and take it to move by keyboard — to any day and doctor."""
        grid = self.current_grid
        grid.select_appointment(appointment_id)
        held = self.tray.list.appointments.get(appointment_id)
        if held is not None:
            grid.start_move(held)
        grid.setFocus(Qt.FocusReason.OtherFocusReason)

    def _tell(self, text: str) -> None:
        """Why a key or a menu item cannot act here («…only a manager», «check in first»)."""
        self._told_text = text
        self.message_bar.show_message("warning", text)

    def _forget_told(self, _where: object) -> None:
        # Said about the cell the cursor has left: it goes with it (a refusal of a
        # change made stays until the next view).
        self.message_bar.withdraw(self._told_text)

    def _start_move(self, appointment: GridAppointment) -> None:
        self.current_grid.start_move(appointment)

    def _moving_changed(self, appointment: GridAppointment | None) -> None:
        if appointment is None:
            self.message_bar.withdraw(self._moving_text)
            return
        self._moving_text = self.tr(
            "Moving {patient} ({time}): arrows — the new time, Alt+←/→ — another day, "
            "Enter — move, Esc — leave it"
        ).format(patient=appointment.patient_short, time=f"{appointment.starts_at:%d.%m %H:%M}")
        self.message_bar.show_message("info", self._moving_text)
