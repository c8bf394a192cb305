"""One search box over everything (Ctrl+K): patients, appointments by ticket, referrals
by number, medical documents by title, services, users and doctors.

:func:`~crm.controllers.search.everything.search_everything` answers with the results
grouped by kind; each kind is one query on an index and is asked only when the
actor's role may see it.
"""
