"""The schedule: working hours, free slots, booking, the grid, visit statuses, history.

- :mod:`~crm.controllers.schedule.calendar` — working hours = templates + extra work −
  absences, Russian holidays (pure rules, then bulk reads).
- :mod:`~crm.controllers.schedule.slots` — free-slot search, nearest alternatives.
- :mod:`~crm.controllers.schedule.booking` — book and reschedule (the database decides races).
- :mod:`~crm.controllers.schedule.visit_status` — statuses, cancel, undo, overdue visits.
- :mod:`~crm.controllers.schedule.working_hours` — a manager's templates and exceptions;
  :mod:`~crm.controllers.schedule.hours_tray` — appointments into and out of the holding tray.
- :mod:`~crm.controllers.schedule.day_grid` — what the grid shows, in a fixed number of queries.
- :mod:`~crm.controllers.schedule.appointment_history` — an appointment's journal and moves.
- :mod:`~crm.controllers.schedule.freed_time` — the event "a doctor's time freed up",
  which the waiting list reacts to; the schedule never calls the waiting list.

May import ``access``, ``clinic``, ``notifications``, ``referrals.rules``, the journal's
writing side (``journal.words`` for the history's wording) and the shared modules.
"""
