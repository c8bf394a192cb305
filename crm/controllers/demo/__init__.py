"""The demo clinic: a realistic, deterministic clinic to try the program on.

Two branches, a dozen and a half doctors with weekly hours, patients with valid
(and encrypted) identity documents, referrals and two weeks of appointments around
today, and a little of everything else (payments, feedback, queues, notices).

Typical use::

    from crm.controllers import demo

    if not demo.is_loaded(db):
        summary = demo.load_demo(db, keyring, patients=2000, seed=1)

Modules: ``names`` (Russian names), ``identity`` (document numbers), ``clinic``
(the fixed structure), ``schedule`` (working hours), ``people``, ``appointments``,
``referrals``, ``extras`` and ``notices`` (the plan), ``structure`` and ``loader``
(writing it).

Sits on top: it fills a clinic through the other domains' rules (``schedule``,
``access``, ``clinic``, the journal, the shared modules); nothing imports it but the
database bootstrap, the command line and the tests.
"""

from crm.controllers.demo.loader import DemoSummary, is_loaded, load_demo
from crm.controllers.demo.users import DEMO_PASSWORD, DEMO_USERS, DemoUser

__all__ = ["DEMO_PASSWORD", "DEMO_USERS", "DemoSummary", "DemoUser", "is_loaded", "load_demo"]
