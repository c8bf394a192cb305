"""Notices to patients: the outbox, one row per message and channel, in the caller's transaction.

- :mod:`~crm.controllers.notifications.outbox` — which channels a patient consented to,
  and queuing a notice.

Sits below the schedule and the waiting list (both queue notices); imports only the models.
"""
