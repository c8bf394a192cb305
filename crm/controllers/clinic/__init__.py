"""The clinic itself: its settings in the database, its clock, its details and setup.

- :mod:`~crm.controllers.clinic.settings` — ``clinic_setting`` rows (profile, timezone…).
- :mod:`~crm.controllers.clinic.clock` — the clinic's timezone and today, the database
  server's now, and a session to read with.
- :mod:`~crm.controllers.clinic.profile` — the clinic's name, address, ОГРН, licence,
  timezone and ticket paper: checked, stored, journaled.
- :mod:`~crm.controllers.clinic.setup` — the first start on an empty database: the
  clinic's details and the first administrator, once.

``settings`` and ``clock`` sit below every domain and import only the context and the
models; ``profile`` and ``setup`` also use the permissions, the journal and the checks.
"""
