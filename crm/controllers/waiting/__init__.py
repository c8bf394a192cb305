"""The waiting list (лист ожидания): entries, offers of freed time, booking from the list.

- :mod:`~crm.controllers.waiting.queue` — add and remove entries, offer freed time in
  queue order (it subscribes to :mod:`crm.controllers.schedule.freed_time`), decline,
  pass unanswered offers on.
- :mod:`~crm.controllers.waiting.list_booking` — the patient takes the offered time, or
  the desk drags a waiting patient into the grid.
- :mod:`~crm.controllers.waiting.rows` — reading the list in queue order;
  :mod:`~crm.controllers.waiting.common` — what the parts share (lock, snapshot, refusals).

Sits above the schedule: may import ``schedule`` (booking, slots), ``referrals.rules``,
``notifications``, ``access``, ``clinic``, the journal's writing side and the shared modules.
"""
