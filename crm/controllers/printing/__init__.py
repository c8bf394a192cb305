"""What goes on paper: tickets, day lists, the print journal, the scanned ticket code.

- :mod:`~crm.controllers.printing.tickets` — ticket and day-list data and PDFs, check-in by scan.
- :mod:`~crm.controllers.printing.formats` — the clinic's default ticket paper.

May import ``schedule`` (the day's grid and times), ``access``, ``clinic``, the journal's
writing side, the shared modules and ``crm.reports`` (the PDF writers).
"""
