"""Getting a workstation's database ready: used by the GUI's start and by the CLI.

Embedded default: start the private server, create the database, migrate, create the
key, and load the demo clinic the first time. A configured server is only checked:
migrating a shared clinic database is an administrator's deliberate
``clinic-crm db upgrade``, never a side effect of opening the program.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from crm.config import Settings, data_dir
from crm.controllers.access.database_login import is_gate
from crm.controllers.access.keys import KeyProblem, check_key, ensure_key
from crm.controllers.clinic.setup import needs_setup
from crm.crypto import KeyRing
from crm.db import migrate
from crm.db.checks import CheckResult, run_checks
from crm.db.database import Database, open_database
from crm.db.embedded import server_running
from crm.db.engine import describe_server
from crm.i18n import translate

log = logging.getLogger(__name__)

Progress = Callable[[str], None]

DEMO_PATIENTS_DEFAULT = 2000
DEMO_SEED_DEFAULT = 1
#: The embedded server's database for a clinic's own data (``--no-demo``), beside the demo's.
OWN_CLINIC_DATABASE = "registratura_clinic"


class StartupProblem(Exception):
    """The database cannot be used; the message says what to do."""


@dataclass
class Ready:
    """A database ready for work, with this workstation's key."""

    database: Database
    keyring: KeyRing
    demo_loaded_now: bool
    #: No user exists yet: the setup wizard comes before the login.
    needs_setup: bool = False
    #: The database holds the demo clinic (the login lists its users).
    demo_clinic: bool = False


def first_step(settings: Settings, pgdata: Path | None = None) -> str:
    """What the start says first: starting the built-in server, joining it when another
    desk or command already runs it, or connecting to the configured server."""
    if not settings.embedded:
        return translate("startup", "Connecting to {where}…").format(
            where=describe_server(settings.database_url or "")
        )
    if server_running(pgdata or data_dir() / "pgdata"):
        return translate("startup", "Connecting to the running built-in PostgreSQL server…")
    return translate("startup", "Starting the built-in PostgreSQL server…")


def prepare(
    settings: Settings,
    progress: Progress | None = None,
    *,
    seed_demo: bool = True,
    own_clinic: bool = False,
) -> Ready:
    """Open, (for the embedded default) migrate and seed, check, and load the key.

    Args:
        settings: where the database and the key are.
        progress: called with a line of text before each slow step.
        seed_demo: load the demo clinic into an empty embedded database.
        own_clinic: ``--no-demo``: on the embedded server, use the clinic's own database
            (never the demo's) and load no demo into it.
    """
    from crm.controllers import demo  # the demo's modules load only when a database opens

    seed_demo = seed_demo and not own_clinic
    say = progress or (lambda message: None)
    say(first_step(settings))
    try:
        database = (
            open_database(settings, embedded_database=OWN_CLINIC_DATABASE)
            if own_clinic
            else open_database(settings)
        )
    except Exception as exc:
        raise StartupProblem(
            translate("startup", "Cannot open the database: {error}").format(error=exc)
        ) from exc
    demo_loaded_now = False
    try:
        if database.embedded_server is not None:
            say(translate("startup", "Updating the database structure…"))
            migrate.upgrade(database.engine)
            ensure_key(database.sessions, settings.key_file)
        problems = [r for r in run_checks(database.engine) if not r.ok]
        if problems:
            raise StartupProblem(format_problems(problems))
        setup_needed = needs_setup(database.sessions)
        if setup_needed and database.embedded_server is None and is_gate(database.engine):
            raise StartupProblem(
                translate(
                    "startup",
                    "The clinic is not set up yet (it has no users), and this workstation "
                    "connects as a desk role, which may not set it up. On the server, as the "
                    "database's owner, run `clinic-crm clinic set …` and `clinic-crm user add "
                    "LOGIN --role admin`, or start the program once with the owner's address.",
                )
            )
        keyring = check_key(database.sessions, settings.key_file)
        if database.embedded_server is not None and seed_demo:
            if not demo.is_loaded(database.sessions):
                say(translate("startup", "Creating the demo clinic…"))
                demo.load_demo(
                    database.sessions,
                    keyring,
                    patients=DEMO_PATIENTS_DEFAULT,
                    seed=DEMO_SEED_DEFAULT,
                )
                demo_loaded_now = True
                setup_needed = False  # the demo brought its users
    except KeyProblem as exc:
        database.dispose()
        raise StartupProblem(str(exc)) from exc
    except migrate.NewerDatabase as exc:
        database.dispose()
        raise StartupProblem(
            translate(
                "startup",
                "The database is at revision {rev}, newer than this program: update the "
                "program on this workstation.",
            ).format(rev=exc)
        ) from exc
    except StartupProblem:
        database.dispose()
        raise
    return Ready(
        database=database,
        keyring=keyring,
        demo_loaded_now=demo_loaded_now,
        needs_setup=setup_needed,
        demo_clinic=database.embedded_server is not None and demo.is_loaded(database.sessions),
    )


def format_problems(problems: list[CheckResult]) -> str:
    """One line per failed check."""
    return "\n".join(f"{p.name}: {p.detail}" for p in problems)
