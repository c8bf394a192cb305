"""Where the program finds its database and its key.

Precedence for the database: ``--database`` flag > ``CRM_DATABASE_URL`` >
``database_url`` in ``config.toml`` (user config dir) > the embedded server in the
user data dir. The identity-document key file: ``--key-file`` > ``CRM_KEY_FILE`` >
``key_file`` in ``config.toml`` > ``key.bin`` in the user config dir.
"""

from __future__ import annotations

import os
import socket
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import platformdirs
import tomli_w

APP_NAME = "registratura"
LANGUAGES = ("ru", "en")
WORKSTATION_MAX = 100  # journal_entry.workstation
EMBEDDED = "embedded"


def config_dir() -> Path:
    """The user's configuration directory (``CRM_CONFIG_DIR`` overrides it, e.g. in tests)."""
    override = os.environ.get("CRM_CONFIG_DIR")
    return Path(override) if override else Path(platformdirs.user_config_dir(APP_NAME))


def data_dir() -> Path:
    """The user's data directory, home of the embedded server (``CRM_DATA_DIR`` overrides)."""
    override = os.environ.get("CRM_DATA_DIR")
    return Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME))


def config_file() -> Path:
    """Path of ``config.toml``."""
    return config_dir() / "config.toml"


class ConfigError(Exception):
    """The configuration cannot be read; the message says which file and why."""


def read_config_file(path: Path | None = None) -> dict[str, object]:
    """Read ``config.toml``; a missing file is an empty configuration."""
    path = path or config_file()
    if not path.exists():
        return {}
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from exc


@dataclass(frozen=True)
class Settings:
    """Resolved settings of this workstation.

    Attributes:
        database_url: a SQLAlchemy URL, or ``None`` for the embedded server.
        database_source: which setting won: ``flag``, ``env``, ``config`` or ``embedded``.
        key_file: path of the identity-document key file.
        workstation: this workstation's name, written to the journal.
        lang: UI language code (``ru`` or ``en``).
        demo: on the embedded server, open the demo clinic (``demo = false`` in
            ``config.toml``, written by the first ``--no-demo`` start: the clinic's own).
    """

    database_url: str | None
    database_source: str
    key_file: Path
    workstation: str
    lang: str = "ru"
    demo: bool = True

    @property
    def embedded(self) -> bool:
        """True when the program runs on its own embedded PostgreSQL server."""
        return self.database_url is None


def normalise_url(url: str) -> str:
    """Use the psycopg 3 driver for plain ``postgresql://`` URLs, and move a libpq
    host list (``postgresql://u@a:5432,b:5433/db``) into the query
    (``?host=a,b&port=5432,5433``), the form both SQLAlchemy and libpq read.

    A clinic with a standby server names both, with
    ``target_session_attrs=read-write`` so libpq connects to whichever is the primary.
    """
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            url = "postgresql+psycopg://" + url[len(prefix) :]
            break
    return _hosts_into_query(url)


def _hosts_into_query(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    authority, slash, tail = rest.partition("/")
    userinfo, at, hostlist = authority.rpartition("@")
    if "," not in hostlist:
        return url
    hosts, ports = [], []
    for entry in hostlist.split(","):
        if entry.startswith("["):  # an IPv6 address: [::1]:5432
            address, _, port = entry[1:].partition("]")
            port = port.lstrip(":")
        else:
            address, _, port = entry.partition(":")
        hosts.append(address)
        ports.append(port or "5432")
    database, question, query = tail.partition("?")
    params = [f"host={quote(','.join(hosts), safe=',:')}", f"port={','.join(ports)}"]
    if query:
        params.append(query)
    return f"{scheme}://{userinfo}{at}/{database}?{'&'.join(params)}"


def resolve(
    database: str | None = None,
    key_file: str | Path | None = None,
    lang: str | None = None,
    config_path: Path | None = None,
) -> Settings:
    """Resolve the settings from flags, environment and ``config.toml``."""
    cfg = read_config_file(config_path)
    if database:
        url, source = database, "flag"
    elif os.environ.get("CRM_DATABASE_URL"):
        url, source = os.environ["CRM_DATABASE_URL"], "env"
    elif cfg.get("database_url"):
        url, source = str(cfg["database_url"]), "config"
    else:
        url, source = None, EMBEDDED
    if url == EMBEDDED:
        url, source = None, EMBEDDED

    if key_file:
        key = Path(key_file)
    elif os.environ.get("CRM_KEY_FILE"):
        key = Path(os.environ["CRM_KEY_FILE"])
    elif cfg.get("key_file"):
        key = Path(str(cfg["key_file"]))
    else:
        key = config_dir() / "key.bin"

    # Same order as for the database: the environment before the file.
    workstation = (
        str(
            os.environ.get("CRM_WORKSTATION") or cfg.get("workstation") or socket.gethostname()
        ).strip()[:WORKSTATION_MAX]
        or "?"
    )
    language = lang or str(os.environ.get("CRM_LANG") or cfg.get("lang") or "ru")
    if language not in LANGUAGES:
        origin = "--lang" if lang else f"CRM_LANG or {config_path or config_file()}"
        raise ConfigError(f"{origin}: unsupported language {language!r}; choose ru or en")
    demo = cfg.get("demo", True)
    if not isinstance(demo, bool):
        raise ConfigError(f"{config_path or config_file()}: demo must be true or false")
    if url:
        _check_scheme(url, source, config_path)
    return Settings(
        database_url=normalise_url(url) if url else None,
        database_source=source,
        key_file=key.expanduser(),
        workstation=workstation,
        lang=language,
        demo=demo,
    )


def _check_scheme(url: str, source: str, config_path: Path | None) -> None:
    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme.split("+", 1)[0] not in ("postgresql", "postgres"):
        where = {
            "flag": "--database",
            "env": "CRM_DATABASE_URL",
            "config": str(config_path or config_file()),
        }[source]
        raise ConfigError(
            f"{where}: not a PostgreSQL URL: {url!r} (expected postgresql://user@host/database)"
        )


def write_config(changes: Mapping[str, object | None], path: Path | None = None) -> Path:
    """Set top-level keys of ``config.toml`` (``None`` removes one), keeping all others.

    Keys and tables this program does not know are written back as they were read
    (comments are not: ``tomllib`` does not keep them). The file is replaced in one
    step, so a crash mid-write never leaves half a configuration behind.

    Raises:
        ConfigError: the existing file cannot be read, or the new one cannot be written.
    """
    path = path or config_file()
    cfg = read_config_file(path)
    for key, value in changes.items():
        if value is None:
            cfg.pop(key, None)
        else:
            cfg[key] = value
    text = tomli_w.dumps(cfg)
    partial = path.with_name(path.name + ".new")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, path)
    except OSError as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    return path


def save_database_url(url: str, path: Path | None = None) -> Path:
    """Write ``database_url`` into ``config.toml`` (first-run dialog), keeping other keys."""
    return write_config({"database_url": url}, path)


def remember_own_clinic(path: Path | None = None) -> Path:
    """Write ``demo = false`` (``--no-demo``): later plain starts open the clinic's own
    database, never the demo's."""
    return write_config({"demo": False}, path)
