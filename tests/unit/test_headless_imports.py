"""Models, controllers and reports never import Qt (CLI, tests and benchmarks run headless)."""

from __future__ import annotations

import subprocess
import sys


def test_lower_layers_do_not_import_pyside6():
    code = (
        "import pkgutil, importlib, sys\n"
        "import crm.models, crm.controllers, crm.reports, crm.db, crm.cli\n"
        "for package in (crm.models, crm.controllers, crm.reports, crm.db):\n"
        "    for info in pkgutil.walk_packages(package.__path__, package.__name__ + '.'):\n"
        "        importlib.import_module(info.name)\n"
        "bad = sorted(m for m in sys.modules if m.startswith('PySide6'))\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
