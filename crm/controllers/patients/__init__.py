"""Patients' cards: the form, create/update/open, search, the card's tabs, import.

- :mod:`~crm.controllers.patients.form` — the card as typed → canonical values, all
  problems at once.
- :mod:`~crm.controllers.patients.cards` — create, update, open (encryption, masking,
  duplicates, conflicts between desks).
- :mod:`~crm.controllers.patients.search` — one search box over a million cards.
- :mod:`~crm.controllers.patients.history` — the card's tabs (visits, referrals, history, consents).
- :mod:`~crm.controllers.patients.importing` — cards from CSV/XLSX.

May import ``access``, ``clinic``, the journal's writing side, the shared modules and
``referrals.rules`` (a referral's status on the card).
"""
