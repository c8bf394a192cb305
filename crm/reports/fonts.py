"""The fonts of the printed documents: DejaVu Sans, shipped in ``resources/fonts/``.

The 14 standard PDF fonts have no Cyrillic, so every PDF embeds (a subset of) a
TrueType font. Registering a font parses the whole file, which takes tens of
milliseconds: it is done once per process, on first use, under a lock (the PDFs are
built on worker threads).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from crm.paths import resources_dir

#: reportlab names → files in ``resources/fonts``.
FILES = {
    "CrmSans": "DejaVuSans.ttf",
    "CrmSans-Bold": "DejaVuSans-Bold.ttf",
    "CrmSansCondensed": "DejaVuSansCondensed.ttf",
    "CrmSansCondensed-Bold": "DejaVuSansCondensed-Bold.ttf",
}

_lock = threading.Lock()
_registered = False


@dataclass(frozen=True)
class FontSet:
    """The names to pass to ``canvas.setFont``."""

    regular: str = "CrmSans"
    bold: str = "CrmSans-Bold"
    condensed: str = "CrmSansCondensed"
    condensed_bold: str = "CrmSansCondensed-Bold"


def register() -> FontSet:
    """Register the shipped fonts with reportlab (once) and return their names.

    Raises:
        FileNotFoundError: a font file is missing from this installation.
    """
    global _registered  # noqa: PLW0603 - a process-wide, once-only registration
    if not _registered:
        with _lock:
            if not _registered:
                folder = resources_dir() / "fonts"
                for name, file in FILES.items():
                    pdfmetrics.registerFont(TTFont(name, str(folder / file)))
                pdfmetrics.registerFontFamily("CrmSans", normal="CrmSans", bold="CrmSans-Bold")
                # Binary streams: ASCII85 makes them a quarter larger and, without
                # reportlab's optional C accelerator, costs about a millisecond a page.
                rl_config.useA85 = 0
                _registered = True
    return FontSet()


def text_width(text: str, font: str, size: float) -> float:
    """Width of ``text`` in points (the font must be registered)."""
    return float(pdfmetrics.stringWidth(text, font, size))


def fit(text: str, font: str, size: float, width: float) -> str:
    """``text`` cut with «…» so that it fits ``width`` points."""
    if text_width(text, font, size) <= width:
        return text
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if text_width(text[:middle].rstrip() + "…", font, size) <= width:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + "…"


def wrap(text: str, font: str, size: float, width: float, max_lines: int = 0) -> list[str]:
    """``text`` broken into lines at spaces to fit ``width`` points.

    A word longer than a line is cut. With ``max_lines`` the last line kept ends
    with «…» when text was left over.
    """
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        current = ""
        for whole_word in paragraph.split():
            word = whole_word
            candidate = f"{current} {word}" if current else word
            if text_width(candidate, font, size) <= width:
                current = candidate
                continue
            if current:
                lines.append(current)
            while text_width(word, font, size) > width and len(word) > 1:
                cut = len(fit(word, font, size, width)) - 1  # the «…» is not kept here
                cut = max(cut, 1)
                lines.append(word[:cut])
                word = word[cut:]
            current = word
        lines.append(current)
    if max_lines and len(lines) > max_lines:
        kept = lines[:max_lines]
        kept[-1] = fit(kept[-1] + " " + " ".join(lines[max_lines:]), font, size, width)
        if not kept[-1].endswith("…"):
            kept[-1] = fit(kept[-1] + "…", font, size, width)
        return kept
    return lines
