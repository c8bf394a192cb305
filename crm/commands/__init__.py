"""The subcommands of ``clinic-crm``, a module per feature.

Each module lists its click commands in ``COMMANDS``; ``crm/cli.py`` (the top of the
command line) adds them to the ``clinic-crm`` group. :mod:`crm.commands.common` holds
what they share. A command module may import ``crm.commands.common``, the controllers,
the database layer and the reports, never ``crm.cli`` or the views.
"""
