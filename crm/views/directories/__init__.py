"""«Справочники»: the clinic's details and its directories, for managers and administrators.

- :mod:`~crm.views.directories.page` — the section: a tab per directory.
- :mod:`~crm.views.directories.tab` — one directory's table and form.
- :mod:`~crm.views.directories.clinic_tab` — the clinic's own details.
- :mod:`~crm.views.directories.fields` — a form of text fields with a refusal line each.
"""
