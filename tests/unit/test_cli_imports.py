"""The command line imports only what a command uses (issue 19, a faster start).

Behaviour, not timing: each check runs a fresh interpreter and looks at
``sys.modules`` after it. The figures themselves are in ``benchmarks/startup.py``.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import subprocess
import sys

import crm.commands
from crm.cli import COMMAND_MODULES
from crm.db import migrate

#: Heavy packages no command loads unless it needs them.
HEAVY = ("sqlalchemy", "psycopg", "PySide6", "reportlab", "openpyxl", "argon2", "alembic")


def _loaded_after(code: str) -> set[str]:
    """The top-level packages imported by a fresh interpreter running ``code``."""
    script = (
        "import sys, json\n"
        f"{code}\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_version_imports_no_database_gui_or_report_library() -> None:
    loaded = _loaded_after(
        "from crm.cli import main\n"
        "try:\n"
        "    main(['--version'], standalone_mode=True)\n"
        "except SystemExit:\n"
        "    pass"
    )
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))
    assert "crm" in loaded


def test_booking_commands_leave_out_reports_spreadsheets_passwords_and_migrations() -> None:
    # What ``slots`` and ``book`` import before they touch the database.
    loaded = _loaded_after(
        "import crm.cli, crm.commands.booking, crm.db.bootstrap\n"
        "import crm.controllers.schedule.slots, crm.controllers.schedule.booking"
    )
    unwanted = {"PySide6", "reportlab", "openpyxl", "argon2", "alembic"}
    assert not loaded & unwanted, sorted(loaded & unwanted)


def test_a_subcommand_imports_its_own_module_only() -> None:
    code = (
        "import sys\nfrom crm.cli import main\n"
        "try:\n    main(['slots', '--help'])\nexcept SystemExit:\n    pass\n"
        "print('MODULES', *[m for m in sys.modules if m.startswith('crm.commands.')])"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    names = set(done.stdout.split("MODULES", 1)[1].split())
    assert names == {"crm.commands.booking", "crm.commands.common"}


def test_the_name_map_lists_every_command_of_every_module() -> None:
    defined: dict[str, str] = {}
    for info in pkgutil.iter_modules(crm.commands.__path__):
        name = f"crm.commands.{info.name}"
        for command in getattr(importlib.import_module(name), "COMMANDS", ()):
            defined[command.name] = name
    assert defined == COMMAND_MODULES


def test_revisions_read_without_alembic_match_alembics_reading() -> None:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrate.alembic_config())
    assert migrate.head_revision() == script.get_current_head()
    alembic_view = {r.revision: tuple(r._all_down_revisions) for r in script.walk_revisions()}
    assert migrate.shipped_revisions() == alembic_view
