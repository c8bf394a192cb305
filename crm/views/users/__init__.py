"""The administrator's Users section: the accounts in a table and the dialogs that change them.

- :mod:`~crm.views.users.model` — :class:`UsersModel`, the table of plain
  :class:`~crm.controllers.access.users.UserRow` objects;
- :mod:`~crm.views.users.dialogs` — the new account, the role and the password dialogs:
  they run their controller on the runner and show a refusal under the field it names,
  keeping what was typed;
- :mod:`~crm.views.users.page` — :class:`UsersPage`, the section itself.

Every change goes through :mod:`crm.controllers.access.users`, which checks the
administrator's permission, keeps the last active administrator and journals it.
"""
