"""Every translation context in crm/ is a string literal.

``pyside6-lupdate`` reads the source text, not the running program: in
``translate(_T, "Doctor")`` it cannot know what ``_T`` holds, so the message never
reaches ``crm_ru.ts`` and the interface stays English (the reports did, once).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "crm"
#: Objects whose ``.translate(context, text, …)`` is Qt's or ours (not ``str.translate``).
TRANSLATING_OWNERS = {"QCoreApplication", "QApplication", "QGuiApplication", "i18n"}


def _dotted(node: ast.expr) -> str:
    """``crm.i18n`` for the attribute chain ``crm.i18n`` (empty for anything else)."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        owner = _dotted(node.value)
        return f"{owner}.{node.attr}" if owner else ""
    return ""


def _is_translation_call(call: ast.Call) -> bool:
    """``translate(ctx, text)``, ``QCoreApplication.translate(…)``, ``crm.i18n.translate(…)``.

    One argument is ``str.translate(table)`` (or ``QPainter.translate(point)``), and a
    ``.translate`` on any other object is not a message either.
    """
    given = len(call.args) + len(call.keywords)
    if given < 2:
        return False
    func = call.func
    if isinstance(func, ast.Name):
        return func.id == "translate"
    if isinstance(func, ast.Attribute) and func.attr == "translate":
        return _dotted(func.value).rsplit(".", 1)[-1] in TRANSLATING_OWNERS
    return False


def _context_argument(call: ast.Call) -> ast.expr | None:
    if call.args and not isinstance(call.args[0], ast.Starred):
        return call.args[0]
    for keyword in call.keywords:
        if keyword.arg == "context":
            return keyword.value
    return None


def non_literal_contexts(source: str, filename: str) -> list[str]:
    """``file:line`` of every translation call in ``source`` whose context is not a literal."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Call) and _is_translation_call(node):
            context = _context_argument(node)
            literal = isinstance(context, ast.Constant) and isinstance(context.value, str)
            if not literal:
                shown = ast.unparse(context) if context is not None else "?"
                found.append(f"{filename}:{node.lineno}: context {shown}")
    return found


def test_every_translation_context_in_crm_is_a_string_literal() -> None:
    files = sorted(SOURCES.rglob("*.py"))
    assert len(files) > 50, "the sources were not found"
    bad = [
        problem
        for path in files
        for problem in non_literal_contexts(
            path.read_text(encoding="utf-8"), str(path.relative_to(ROOT))
        )
    ]
    assert bad == [], "write the context as a string literal (lupdate cannot read variables)"


def test_the_check_flags_variables_and_spares_str_translate() -> None:
    source = (
        "from crm.i18n import translate\n"
        "import crm.i18n\n"
        "from crm import i18n\n"
        "from PySide6.QtCore import QCoreApplication\n"
        "_T = 'reports'\n"
        "translate(_T, 'Doctor')\n"  # line 6
        "QCoreApplication.translate(_T, 'Doctor')\n"  # line 7
        "crm.i18n.translate(_T, 'Doctor')\n"  # line 8
        "i18n.translate(context=_T, text='Doctor')\n"  # line 9
        "translate(f'{_T}', 'Doctor')\n"  # line 10
        "translate('reports', 'Doctor')\n"
        "QCoreApplication.translate('reports', 'Doctor')\n"
        "'abc'.translate(_TABLE)\n"
        "text.translate({1: 2})\n"
        "painter.translate(x, y)\n"
    )
    found = non_literal_contexts(source, "sample.py")
    assert [line.split(":")[1] for line in found] == ["6", "7", "8", "9", "10"]
    assert found[0] == "sample.py:6: context _T"
