"""Update the Russian catalogue from the sources and compile it.

    uv run python tools/translations.py            # lupdate crm/ → crm_ru.ts, lrelease → crm_ru.qm
    uv run python tools/translations.py --check    # also fail if a message is untranslated
    uv run python tools/translations.py --fill FILE.tsv …   # take translations from TSV files

``pyside6-lupdate`` collects ``self.tr("…")`` and ``QCoreApplication.translate(…)``
in the widgets and ``translate("context", "…")`` in the headless code (controllers,
CLI, reports), and merges them into ``resources/translations/crm_ru.ts`` keeping
the existing translations; strings that disappeared from the code are dropped.
Translate the new ``type="unfinished"`` entries (Qt Linguist: ``pyside6-linguist``)
and run this again to compile ``crm_ru.qm``.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "crm"
TRANSLATIONS = ROOT / "resources" / "translations"
LANGUAGES = ("ru",)


def find_tool(name: str) -> str:
    """The path of a Qt Linguist tool (``pyside6-lupdate``, ``pyside6-lrelease``).

    Looks beside the running interpreter first (the project's venv), then on PATH.

    Raises:
        FileNotFoundError: the tool is not installed.
    """
    for candidate in (
        Path(sys.executable).parent / name,
        Path(sys.executable).parent / f"{name}.exe",
    ):
        if candidate.exists():
            return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise FileNotFoundError(f"{name} not found: install PySide6 (uv sync)")
    return found


def lupdate(ts_file: Path, *, sources: Path = SOURCES, language: str = "ru") -> None:
    """Extract the messages of ``sources`` into ``ts_file`` (merging if it exists)."""
    subprocess.run(
        [
            find_tool("pyside6-lupdate"),
            "-extensions",
            "py",
            "-no-obsolete",
            "-locations",
            "none",
            "-source-language",
            "en",
            "-target-language",
            language,
            "-silent",
            str(sources),
            "-ts",
            str(ts_file),
        ],
        check=True,
    )


def lrelease(ts_file: Path, qm_file: Path) -> None:
    """Compile ``ts_file`` into ``qm_file``."""
    subprocess.run(
        [find_tool("pyside6-lrelease"), "-silent", str(ts_file), "-qm", str(qm_file)],
        check=True,
    )


def unfinished(ts_file: Path) -> list[tuple[str, str]]:
    """``(context, source)`` of every message without a finished translation."""
    missing: list[tuple[str, str]] = []
    for context in ET.parse(ts_file).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            node = message.find("translation")
            if node is None or node.get("type") == "unfinished" or not (node.text or "").strip():
                missing.append((name, message.findtext("source") or ""))
    return missing


def read_fills(paths: list[Path]) -> dict[tuple[str, str], str]:
    """``(context, source) → translation`` from TSV files (context, source, translation).

    A backslash-n in a cell stands for a line break, so one message is one line.
    """
    fills: dict[tuple[str, str], str] = {}
    for path in paths:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip() or line.startswith("#"):
                continue
            cells = line.split("\t")
            if len(cells) != 3:
                raise SystemExit(f"{path}:{number}: expected context<TAB>source<TAB>translation")
            context, source, translation = (cell.replace("\\n", "\n") for cell in cells)
            fills[(context, source)] = translation
    return fills


def fill(ts_file: Path, fills: dict[tuple[str, str], str]) -> int:
    """Write ``fills`` into the messages of ``ts_file``; returns how many were filled."""
    tree = ET.parse(ts_file)
    filled = 0
    for context in tree.getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            key = (name, message.findtext("source") or "")
            if key not in fills:
                continue
            node = message.find("translation")
            if node is None:
                node = ET.SubElement(message, "translation")
            node.text = fills[key]
            node.attrib.pop("type", None)
            filled += 1
    ET.indent(tree)
    tree.write(ts_file, encoding="utf-8", xml_declaration=True)
    return filled


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail on untranslated messages")
    parser.add_argument(
        "--fill",
        nargs="+",
        type=Path,
        default=[],
        metavar="TSV",
        help="translations to write in: context<TAB>source<TAB>translation per line",
    )
    args = parser.parse_args(argv)
    fills = read_fills(args.fill)
    status = 0
    for language in LANGUAGES:
        ts_file = TRANSLATIONS / f"crm_{language}.ts"
        lupdate(ts_file, language=language)
        if fills:
            print(f"{ts_file.relative_to(ROOT)}: {fill(ts_file, fills)} filled from TSV")
            # lupdate again: it restores its own layout of the file.
            lupdate(ts_file, language=language)
        lrelease(ts_file, ts_file.with_suffix(".qm"))
        missing = unfinished(ts_file)
        print(f"{ts_file.relative_to(ROOT)}: {len(missing)} untranslated")
        for context, source in missing:
            print(f"  [{context}] {source}")
        if missing and args.check:
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
