"""The program's log: a rotating file in the user's data directory.

Errors the user is shown in one line ("details are in the program's log") land here
with their tracebacks; a program started from a desktop icon has no terminal.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
from pathlib import Path

from crm.config import data_dir

LOG_NAME = "registratura.log"
FORMAT = "%(asctime)s %(levelname)s %(process)d %(threadName)s %(name)s: %(message)s"


def log_file() -> Path:
    """Where the log is written."""
    return data_dir() / "logs" / LOG_NAME


def setup_logging() -> Path | None:
    """Log INFO and above to the rotating file (and to stderr with ``CRM_DEBUG``).

    Returns the log file, or ``None`` when it cannot be written (the program then
    runs without a file log rather than not at all).
    """
    root = logging.getLogger()
    if any(getattr(h, "_crm", False) for h in root.handlers):
        return log_file()
    root.setLevel(logging.INFO)
    path: Path | None = log_file()
    try:
        assert path is not None
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=2_000_000, backupCount=3, encoding="utf-8"
        )
    except OSError:
        path = None
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter(FORMAT))
    handler._crm = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    if os.environ.get("CRM_DEBUG"):
        console = logging.StreamHandler(sys.stderr)
        console.setFormatter(logging.Formatter(FORMAT))
        root.addHandler(console)
    return path
