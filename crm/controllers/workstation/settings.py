"""Reading, checking and saving this workstation's ``config.toml``.

The settings belong to the workstation, not to the clinic's database: they are
read before any database is open. Changing the server address or the key file
decides which patients' data this desk sees, so it needs an administrator
(:data:`Permission.MANAGE_SETTINGS`); the language is anybody's choice. When no
database can be reached nobody can log in, and the start-up error screen saves
without an actor (``actor=None``): a wrong address must never lock the desk out.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from crm.config import (
    EMBEDDED,
    LANGUAGES,
    ConfigError,
    config_dir,
    config_file,
    read_config_file,
    write_config,
)
from crm.controllers.access.permissions import Permission, allowed
from crm.controllers.context import Actor
from crm.controllers.errors import FieldProblem, PermissionDenied, ValidationError
from crm.i18n import translate

#: The fields, as :class:`FieldProblem` names them.
DATABASE_URL = "database_url"
KEY_FILE = "key_file"
LANG = "lang"


@dataclass(frozen=True)
class WorkstationConfig:
    """What ``config.toml`` says (defaults for what it does not).

    Attributes:
        database_url: the clinic server's URL as typed, or ``None`` for the built-in server.
        key_file: the identity-document key file.
        lang: ``ru`` or ``en``.
    """

    database_url: str | None
    key_file: str
    lang: str


@dataclass(frozen=True)
class SaveOutcome:
    """What saving did.

    Attributes:
        path: the file written.
        changed: the fields whose value changed; every one of them takes effect at
            the next start of the program.
    """

    path: Path
    changed: tuple[str, ...]

    @property
    def restart_needed(self) -> bool:
        """True when the program must be restarted for the change to take effect."""
        return bool(self.changed)


def default_key_file() -> Path:
    """The key file used when none is configured."""
    return config_dir() / "key.bin"


def read_workstation_config(path: Path | None = None) -> WorkstationConfig:
    """The configuration file's values (not the command line's or the environment's).

    Raises:
        ConfigError: the file cannot be read.
    """
    cfg = read_config_file(path)
    url = str(cfg.get("database_url") or "").strip() or None
    if url == EMBEDDED:
        url = None
    lang = str(cfg.get("lang") or "ru")
    return WorkstationConfig(
        database_url=url,
        key_file=str(cfg.get("key_file") or default_key_file()),
        lang=lang if lang in LANGUAGES else "ru",
    )


def database_url_problem(url: str | None) -> str | None:
    """What is wrong with a server address (``None``: the built-in server, or fine)."""
    if url is None:
        return None
    text = url.strip()
    if not text:
        return translate("workstation", "type the address of the clinic's server")
    try:
        parsed = make_url(text)
    except ArgumentError:
        return translate("workstation", "not an address; expected postgresql://user@host/database")
    except ValueError:  # the port is not a number
        return translate(
            "workstation", "the port must be a number, e.g. postgresql://user@host:5432/database"
        )
    if parsed.get_backend_name() not in ("postgresql", "postgres"):
        return translate(
            "workstation",
            "not a PostgreSQL address ({scheme}); expected postgresql://user@host/database",
        ).format(scheme=parsed.drivername)
    if not parsed.database:
        return translate(
            "workstation", "the database name is missing; expected postgresql://user@host/database"
        )
    return None


def problems(config: WorkstationConfig) -> list[FieldProblem]:
    """Every bad field at once, each message naming what is wrong."""
    found = []
    url_problem = database_url_problem(config.database_url)
    if url_problem:
        found.append(FieldProblem(DATABASE_URL, url_problem))
    key = config.key_file.strip()
    if not key:
        found.append(FieldProblem(KEY_FILE, translate("workstation", "choose the key file")))
    elif Path(key).expanduser().is_dir():
        found.append(
            FieldProblem(
                KEY_FILE,
                translate("workstation", "{path} is a folder, not a file").format(path=key),
            )
        )
    if config.lang not in LANGUAGES:
        found.append(FieldProblem(LANG, translate("workstation", "choose Russian or English")))
    return found


def may_change_connection(actor: Actor | None) -> bool:
    """Whether ``actor`` may change the server address and the key file.

    ``None`` is the start-up error screen, where no database answers and so nobody
    can log in.
    """
    return actor is None or allowed(actor, Permission.MANAGE_SETTINGS)


def save_workstation_config(
    actor: Actor | None,
    before: WorkstationConfig,
    after: WorkstationConfig,
    path: Path | None = None,
) -> SaveOutcome:
    """Write the changed fields of ``after`` into ``config.toml``, keeping every other key.

    Args:
        actor: who saves; ``None`` on the start-up error screen (no database to log in to).
        before: the values shown when editing began (what counts as a change).
        after: the values to save.
        path: the configuration file (``config.toml`` of this user when not given).

    Raises:
        ValidationError: a field is wrong; ``field`` names the first, the message
            lists every problem.
        PermissionDenied: the server address or key file changed and ``actor`` is not
            an administrator.
        ConfigError: the file cannot be read or written.
    """
    after = WorkstationConfig(
        database_url=after.database_url.strip() if after.database_url is not None else None,
        key_file=after.key_file.strip(),
        lang=after.lang,
    )
    found = problems(after)
    if found:
        raise ValidationError(
            "\n".join(f"{field_title(p.field)}: {p.message}" for p in found),
            field=found[0].field,
        )
    changed = tuple(
        name
        for name, old, new in (
            (DATABASE_URL, before.database_url, after.database_url),
            (KEY_FILE, before.key_file, after.key_file),
            (LANG, before.lang, after.lang),
        )
        if old != new
    )
    if {DATABASE_URL, KEY_FILE} & set(changed) and not may_change_connection(actor):
        raise PermissionDenied(
            translate(
                "workstation",
                "Only an administrator changes the server address and the key file",
            )
        )
    target = path or config_file()
    if changed:
        values: dict[str, object | None] = {}
        if DATABASE_URL in changed:
            values["database_url"] = after.database_url  # None: back to the built-in server
        if KEY_FILE in changed:
            values["key_file"] = after.key_file
        if LANG in changed:
            values["lang"] = after.lang
        write_config(values, target)
    return SaveOutcome(path=target, changed=changed)


def field_title(field: str) -> str:
    """The field's name as the settings page labels it."""
    titles = {
        DATABASE_URL: translate("workstation", "Server address"),
        KEY_FILE: translate("workstation", "Key file"),
        LANG: translate("workstation", "Language"),
    }
    return titles.get(field, field)


__all__ = [
    "DATABASE_URL",
    "KEY_FILE",
    "LANG",
    "ConfigError",
    "SaveOutcome",
    "WorkstationConfig",
    "database_url_problem",
    "field_title",
    "may_change_connection",
    "problems",
    "read_workstation_config",
    "save_workstation_config",
]
