"""The rules of DOMAIN.md; the only code that opens a Session. No Qt here.

One package per domain, mirroring ``crm/views/``; each package's docstring says what it
holds and what it may import. Below every domain, shared by all (they import no domain):

- :mod:`~crm.controllers.context` (who acts), :mod:`~crm.controllers.errors` (every
  refusal type), :mod:`~crm.controllers.vocabulary` (titles of kinds, statuses, roles),
  :mod:`~crm.controllers.validation` (pure checks of what people type);
- :mod:`~crm.controllers.clinic` (the clinic's settings and clock) and
  :mod:`crm.controllers.journal` itself (writing entries);
- :mod:`~crm.controllers.access` (permissions, users and login, the key).

Then the domains: ``notifications`` (the outbox) → ``schedule`` (hours, slots, booking,
the grid, statuses; it checks referrals with ``referrals.rules``) → ``referrals``,
``waiting``, ``patients``, ``directories``, ``printing`` → ``reports`` →
``journal.words`` (the journal read in words names everything) → ``demo``.
No two modules import each other (``tests/unit/test_import_structure.py``).

When a lower domain has news for a higher one it announces an event instead of calling
it: the schedule announces freed time (:mod:`crm.controllers.schedule.freed_time`) and
the waiting list offers it. The import below subscribes the waiting list for every
program that uses the controllers (the GUI, the command line, the tests).
"""

from crm.controllers.waiting import queue as _waiting_queue  # noqa: F401  (subscribes)
