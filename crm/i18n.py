"""Translations for code that runs without Qt (controllers, CLI, reports).

The Russian catalogue is ``resources/translations/crm_ru.ts``, the same file Qt
Linguist tools maintain for the widgets: ``pyside6-lupdate`` picks up calls written
as ``translate("context", "English text")`` here just as it picks up ``tr()`` in
views. The headless side reads the ``.ts`` XML directly, so the CLI speaks Russian
without Qt; the GUI loads the compiled ``.qm``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from functools import cache

from crm.paths import translations_dir

DEFAULT_LANGUAGE = "ru"
SUPPORTED_LANGUAGES = ("ru", "en")

_state = {"lang": DEFAULT_LANGUAGE}


def set_language(lang: str) -> None:
    """Choose the language for :func:`translate` (``ru`` or ``en``)."""
    if lang not in SUPPORTED_LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}; choose one of {SUPPORTED_LANGUAGES}")
    _state["lang"] = lang


def current_language() -> str:
    """The language chosen with :func:`set_language`."""
    return _state["lang"]


@cache
def _catalogue(lang: str) -> dict[tuple[str, str], str]:
    path = translations_dir() / f"crm_{lang}.ts"
    if not path.exists():
        return {}
    entries: dict[tuple[str, str], str] = {}
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            source = message.findtext("source")
            node = message.find("translation")
            if source is None or node is None or node.get("type") in ("unfinished", "obsolete"):
                continue
            if node.text:
                entries[(name, source)] = node.text
    return entries


def translate(context: str, text: str) -> str:
    """``text`` in the current language (English source text when untranslated)."""
    if _state["lang"] == "en":
        return text
    return _catalogue(_state["lang"]).get((context, text), text)
