"""A small top-down layout for the tickets: lines of text, rules, gaps and a QR code.

Items are measured first (so an 80 mm roll page can be exactly as long as its
ticket) and then drawn from a top edge downwards. Coordinates are PDF points.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache

from reportlab.pdfgen.canvas import Canvas

from crm.reports import fonts, qr

LEADING = 1.22  # line height as a multiple of the font size
GREY = (0.35, 0.35, 0.35)


class Align(Enum):
    LEFT = "left"
    CENTRE = "centre"


@dataclass(frozen=True)
class Text:
    """A paragraph wrapped to the width it is given."""

    text: str
    font: str
    size: float
    align: Align = Align.LEFT
    grey: bool = False
    max_lines: int = 0
    space_before: float = 0.0


@dataclass(frozen=True)
class Rule:
    """A thin horizontal line with space around it."""

    space: float = 4.0
    dashed: bool = False


@dataclass(frozen=True)
class Gap:
    height: float


@dataclass(frozen=True)
class Code:
    """A QR code (with its quiet zone) of ``side`` points, centred or at the right.

    Text items in ``beside`` are set to the left of a right-aligned code.
    """

    modules: list[list[bool]]
    side: float
    beside: Sequence[Text] = field(default_factory=tuple)
    caption: Text | None = None


Item = Text | Rule | Gap | Code


@lru_cache(maxsize=512)
def _wrapped(text: str, font: str, size: float, width: float, max_lines: int) -> tuple[str, ...]:
    # A ticket is measured before it is drawn (twice on a sheet that may need
    # shrinking): the same paragraph is wrapped once.
    return tuple(fonts.wrap(text, font, size, width, max_lines))


def _lines(item: Text, width: float) -> tuple[str, ...]:
    return _wrapped(item.text, item.font, item.size, width, item.max_lines)


def _text_height(item: Text, width: float) -> float:
    return item.space_before + len(_lines(item, width)) * item.size * LEADING


def _caption_lift(item: Code) -> float:
    # The caption may sit in the outer half of the quiet zone under the code.
    return qr.QUIET_ZONE / 2 * item.side / (len(item.modules) + 2 * qr.QUIET_ZONE)


def _code_height(item: Code, width: float) -> float:
    caption = 0.0
    if item.caption:
        caption = _text_height(item.caption, item.side) - _caption_lift(item)
    beside_width = width - item.side - 6
    beside = sum(_text_height(t, beside_width) for t in item.beside)
    return max(item.side + caption, beside)


def height(items: Sequence[Item], width: float) -> float:
    """The height the items take at ``width``."""
    total = 0.0
    for item in items:
        if isinstance(item, Text):
            total += _text_height(item, width)
        elif isinstance(item, Rule):
            total += 2 * item.space
        elif isinstance(item, Gap):
            total += item.height
        else:
            total += _code_height(item, width)
    return total


def _draw_text(canvas: Canvas, item: Text, x: float, top: float, width: float) -> float:
    top -= item.space_before
    canvas.setFont(item.font, item.size)
    if item.grey:
        canvas.setFillColorRGB(*GREY)
    line_height = item.size * LEADING
    for line in _lines(item, width):
        # The baseline sits about a fifth of the line height above the line's bottom.
        baseline = top - line_height + item.size * 0.3
        if item.align is Align.CENTRE:
            canvas.drawCentredString(x + width / 2, baseline, line)
        else:
            canvas.drawString(x, baseline, line)
        top -= line_height
    if item.grey:
        canvas.setFillColorRGB(0, 0, 0)
    return top


def draw(canvas: Canvas, items: Sequence[Item], x: float, top: float, width: float) -> float:
    """Draw ``items`` from ``top`` down inside ``[x, x + width]``; the y where they end."""
    for item in items:
        if isinstance(item, Text):
            top = _draw_text(canvas, item, x, top, width)
        elif isinstance(item, Rule):
            top -= item.space
            canvas.saveState()
            canvas.setLineWidth(0.6)
            if item.dashed:
                canvas.setDash(2, 2)
            canvas.line(x, top, x + width, top)
            canvas.restoreState()
            top -= item.space
        elif isinstance(item, Gap):
            top -= item.height
        else:
            block = _code_height(item, width)
            if item.beside:
                code_x = x + width - item.side
                text_top = top
                for text in item.beside:
                    text_top = _draw_text(canvas, text, x, text_top, width - item.side - 6)
            else:
                code_x = x + (width - item.side) / 2
            qr.draw(canvas, item.modules, code_x, top - item.side, item.side)
            if item.caption is not None:
                caption_top = top - item.side + _caption_lift(item)
                _draw_text(canvas, item.caption, code_x, caption_top, item.side)
            top -= block
    return top
