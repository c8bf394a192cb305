"""Where the program's bundled resources are (source tree or installed wheel)."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def resources_dir() -> Path:
    """The ``resources/`` tree: inside the package when installed, beside it in a checkout."""
    for candidate in (_PACKAGE / "resources", _PACKAGE.parent / "resources"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("the resources directory is missing from this installation")


def translations_dir() -> Path:
    """Folder of ``crm_<lang>.ts`` and the compiled ``.qm`` files."""
    return resources_dir() / "translations"
