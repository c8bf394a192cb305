"""The Russian catalogue is complete, in step with the code, and compiled.

Nothing here is skipped: when the Qt Linguist tools are missing the tests fail,
since an untranslated interface would otherwise ship unnoticed.
"""

from __future__ import annotations

import importlib.util
import string
import xml.etree.ElementTree as ET
from pathlib import Path
from types import ModuleType

import pytest
from PySide6.QtCore import QTranslator

ROOT = Path(__file__).resolve().parents[2]
TS_FILE = ROOT / "resources" / "translations" / "crm_ru.ts"
QM_FILE = TS_FILE.with_suffix(".qm")


@pytest.fixture(scope="module")
def tool() -> ModuleType:
    """``tools/translations.py``, the script that maintains the catalogue."""
    spec = importlib.util.spec_from_file_location(
        "crm_translation_tool", ROOT / "tools" / "translations.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def messages(ts_file: Path) -> dict[tuple[str, str], ET.Element]:
    """``(context, source)`` → the ``<translation>`` element, obsolete entries left out."""
    found: dict[tuple[str, str], ET.Element] = {}
    for context in ET.parse(ts_file).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            node = message.find("translation")
            assert node is not None
            if node.get("type") in ("obsolete", "vanished"):
                continue
            found[(name, message.findtext("source") or "")] = node
    return found


def fields(text: str) -> set[str]:
    """The ``str.format`` fields in ``text`` (``{{`` escapes are not fields)."""
    return {
        name for _literal, name, _spec, _conv in string.Formatter().parse(text) if name is not None
    }


def test_every_message_is_translated() -> None:
    missing = [
        key
        for key, node in messages(TS_FILE).items()
        if node.get("type") == "unfinished" or not (node.text or "").strip()
    ]
    assert missing == [], "translate these in resources/translations/crm_ru.ts"


def test_every_string_in_the_code_is_in_the_catalogue(tool: ModuleType, tmp_path: Path) -> None:
    fresh = tmp_path / "fresh_ru.ts"
    tool.lupdate(fresh)  # raises if pyside6-lupdate is missing: a failure, not a skip
    in_code = set(messages(fresh))
    assert in_code, "lupdate found no messages at all"
    missing = sorted(in_code - set(messages(TS_FILE)))
    assert missing == [], "run `uv run python tools/translations.py` and translate the new strings"


def test_placeholders_match() -> None:
    wrong = [
        (context, source, node.text)
        for (context, source), node in messages(TS_FILE).items()
        if node.text and fields(source) != fields(node.text)
    ]
    assert wrong == []


def test_compiled_catalogue_matches_the_source(tool: ModuleType, tmp_path: Path) -> None:
    compiled = tmp_path / "crm_ru.qm"
    tool.lrelease(TS_FILE, compiled)
    assert QM_FILE.read_bytes() == compiled.read_bytes(), (
        "crm_ru.qm is stale: run `uv run python tools/translations.py`"
    )


def test_both_sides_speak_russian() -> None:
    from crm.i18n import set_language, translate

    set_language("ru")
    assert translate("auth", "Wrong login or password") == "Неверный логин или пароль"
    translator = QTranslator()
    assert translator.load(str(QM_FILE))
    assert translator.translate("LoginDialog", "Log in") == "Войти"
    assert translator.translate("MainWindow", "Referrals") == "Направления"
