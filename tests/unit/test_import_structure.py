"""The shape of the code: imports point one way and no two modules need each other.

The imports are read from the source with ``ast`` — every ``import`` and ``from … import``
anywhere in a module, inside functions and ``TYPE_CHECKING`` blocks too: an import moved
into a function still makes the two modules need each other, it only hides it.

- No circle between modules of ``crm/`` or of ``benchmarks/``.
- Layers (DESIGN.md): ``views → controllers → models``, ``controllers → reports``;
  nothing below ``views/`` imports ``views``, ``commands`` or ``cli``; ``views`` never
  imports ``commands``.
- Inside ``crm/controllers/`` the shared pieces (the context, the refusal types, the
  vocabulary of titles, the checks of typed values, the clinic's settings and clock,
  writing the journal) import no domain: they sit below every domain that uses them.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

#: Small modules every layer may use: the version, paths, language, settings, logs, crypto.
BASE = {"crm", "crm.paths", "crm.i18n", "crm.config", "crm.logs", "crm.crypto"}
#: What each top-level part of ``crm`` may import besides itself.
ALLOWED = {
    **{name: BASE for name in BASE},
    "crm.models": set(),
    "crm.migrations": {"crm.models"},
    "crm.reports": {"crm.i18n", "crm.paths"},
    "crm.controllers": BASE | {"crm.models", "crm.reports"},
    "crm.db": BASE | {"crm.models", "crm.migrations", "crm.controllers"},
    "crm.views": BASE | {"crm.models", "crm.reports", "crm.controllers", "crm.db"},
    "crm.commands": BASE | {"crm.models", "crm.reports", "crm.controllers", "crm.db"},
    "crm.app": BASE | {"crm.views", "crm.db", "crm.controllers", "crm.models"},
    "crm.cli": BASE | {"crm.commands", "crm.app"},
    "crm.__main__": BASE | {"crm.cli"},
}
#: The shared modules below every domain of ``crm/controllers/``.
SHARED_CONTROLLERS = (
    "crm.controllers.context",
    "crm.controllers.errors",
    "crm.controllers.vocabulary",
    "crm.controllers.validation",
    "crm.controllers.clinic.settings",  # not clinic.profile and setup: they check permissions
    "crm.controllers.clinic.clock",
    "crm.controllers.journal",  # the package itself writes entries; journal.words reads them
)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def modules() -> dict[str, Path]:
    """Every module of ``crm`` and ``benchmarks`` by its dotted name."""
    found = {}
    for top in ("crm", "benchmarks"):
        for path in (ROOT / top).rglob("*.py"):
            found[module_name(path)] = path
    return found


def _owner(name: str) -> str | None:
    """The module of ours that ``name`` (a module or a name inside one) belongs to."""
    known = modules()
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name or None


@cache
def imports_of(name: str) -> frozenset[str]:
    """The modules of ours that module ``name`` imports."""
    path = modules()[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(filter(None, (_owner(alias.name) for alias in node.names)))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                # ``from crm.controllers import journal`` imports the submodule.
                target = f"{base}.{alias.name}"
                owner = target if target in modules() else _owner(base)
                if owner:
                    found.add(owner)
    found.discard(name)
    return frozenset(found)


def circles() -> list[list[str]]:
    """Groups of modules that import each other, directly or round a circle (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(imports_of(node)):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for name in sorted(modules()):
        if name not in index:
            visit(name)
    return groups


def layer(name: str) -> str:
    """The top-level part of ``crm`` a module belongs to (``crm.views``, ``crm.cli``…)."""
    parts = name.split(".")
    return ".".join(parts[:2]) if len(parts) > 1 else parts[0]


def test_the_scan_sees_imports_inside_functions_and_submodules() -> None:
    """The scan itself: a lazy import and ``from package import module`` both count."""
    assert "crm.controllers.schedule.booking" in imports_of("crm.controllers.waiting.list_booking")
    assert "crm.controllers.journal" in imports_of("crm.controllers.schedule.booking")
    assert "crm.db.bootstrap" in imports_of("crm.commands.common")  # imported in a function


def test_no_circle_between_modules() -> None:
    found = circles()
    assert not found, "modules that import each other:\n" + "\n".join(
        " ↔ ".join(group) for group in found
    )


@pytest.mark.parametrize("part", sorted(ALLOWED))
def test_imports_point_down(part: str) -> None:
    wrong = sorted(
        f"{name} → {target}"
        for name in modules()
        if layer(name) == part
        for target in imports_of(name)
        if not target.startswith("benchmarks")
        and layer(target) != part
        and layer(target) not in ALLOWED[part]
    )
    assert not wrong, "imports against the layers:\n" + "\n".join(wrong)


def test_every_part_of_crm_has_its_rule() -> None:
    parts = {layer(name) for name in modules() if name.startswith("crm")}
    assert parts <= set(ALLOWED), sorted(parts - set(ALLOWED))


def test_shared_controllers_import_no_domain() -> None:
    def shared(name: str) -> bool:
        return any(name == s or name.startswith(s + ".") for s in SHARED_CONTROLLERS)

    # The journal's words (and their tables, split off for length) name every domain.
    in_words = {"crm.controllers.journal.words", "crm.controllers.journal.titles"}
    below = [name for name in modules() if shared(name) and name not in in_words]
    wrong = sorted(
        f"{name} → {target}"
        for name in below
        for target in imports_of(name)
        if target.startswith("crm.controllers.") and not shared(target)
    )
    assert not wrong, "shared controller modules importing a domain:\n" + "\n".join(wrong)


def test_benchmark_figures_and_their_runner_do_not_import_each_other() -> None:
    assert not {m for m in imports_of("benchmarks.common") if m.startswith("benchmarks")}
    for name in modules():
        if name.startswith("benchmarks.") and name not in ("benchmarks.run", "benchmarks.common"):
            assert "benchmarks.run" not in imports_of(name), name


def test_controllers_top_level_holds_packages_and_a_few_shared_modules() -> None:
    flat = sorted(p.stem for p in (ROOT / "crm" / "controllers").glob("*.py"))
    assert flat == ["__init__", "context", "errors", "vocabulary"]


def test_no_module_over_700_lines() -> None:
    first_migration = ROOT / "crm" / "migrations" / "versions" / "0001_initial_schema.py"
    long = sorted(
        f"{path.relative_to(ROOT)} ({n} lines)"
        for path in (ROOT / "crm").rglob("*.py")
        if path != first_migration
        and (n := len(path.read_text(encoding="utf-8").splitlines())) > 700
    )
    assert not long, long


def test_the_command_line_imports_its_subcommands_only_when_one_is_asked_for() -> None:
    """``clinic-crm --version`` (and the GUI's start) do not load the controllers."""
    import subprocess
    import sys

    probe = (
        "import sys, crm.cli; "
        "print(sorted(m for m in ('crm.commands.common', 'crm.controllers', 'sqlalchemy') "
        "if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout.strip()
    assert loaded == "[]"
