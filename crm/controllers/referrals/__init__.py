"""Referrals (направления): their rules, the registry, the form, the wizard, priority requests.

- :mod:`~crm.controllers.referrals.rules` — validity by kind, status as of a day, the
  checks for booking by referral. Pure rules over the models: it sits *below* the
  schedule, which checks a referral with it when booking.
- :mod:`~crm.controllers.referrals.form` — the referral form's field checks.
- :mod:`~crm.controllers.referrals.registry` — reading: the registry, one referral in full.
- :mod:`~crm.controllers.referrals.editing` — register, correct, cancel, extend.
- :mod:`~crm.controllers.referrals.organisations` — the issuing organisations' directory.
- :mod:`~crm.controllers.referrals.wizard` — a number → the checked referral and the
  doctors' nearest slots.
- :mod:`~crm.controllers.referrals.priority` — priority requests queued for a manager.

Apart from ``rules``, these sit above the schedule: they may import ``schedule``
(booking, slots), ``access``, ``clinic``, the journal's writing side and the shared modules.
"""
