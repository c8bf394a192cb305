"""The clinic itself: its settings in the database and its clock.

- :mod:`~crm.controllers.clinic.settings` — ``clinic_setting`` rows (profile, timezone…).
- :mod:`~crm.controllers.clinic.clock` — the clinic's timezone and today, the database
  server's now, and a session to read with.

Sits below every domain; imports only :mod:`crm.controllers.context` and the models.
"""
