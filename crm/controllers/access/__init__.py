"""Who may do what: roles and their permissions, users and login, the identity-document key.

- :mod:`~crm.controllers.access.permissions` — role → capabilities, checked in every
  controller (``require``), and whose schedule a doctor works in.
- :mod:`~crm.controllers.access.auth` — users, argon2id passwords, login with lockout.
- :mod:`~crm.controllers.access.keys` — the key file checked against the fingerprint
  kept in the database.

Sits below every domain. May import the shared modules (``context``, ``errors``,
``vocabulary``), ``clinic`` and the journal's writing side (``crm.controllers.journal``).
"""
