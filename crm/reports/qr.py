"""The ticket's QR code: what it says, how a scanned text is read back, how it is drawn.

What it says: ``CRM-APPT-<appointment id>-<two check digits>``, e.g. ``CRM-APPT-123-71``.
The check digits are ISO 7064 MOD 97-10 over the id (as in IBANs: every single
wrong digit and every swap of two neighbours is caught), so a random string, a
phone number or a mistyped id is never taken for a ticket. Only capitals, digits
and hyphens are used: the QR is in its compact alphanumeric mode, and a barcode
scanner that "types" the code still gets it across when the workstation's keyboard
is switched to Russian (the scanner sends key positions: ``CRM`` arrives as
``СКЬ``), which :func:`parse_code` maps back.

How it is drawn: as vector shapes — one filled path of rectangles, a rectangle per
run of dark modules in a row — from the ``qrcode`` package's matrix. It stays sharp
at any printer resolution and is several times faster than reportlab's own QR
widget.
"""

from __future__ import annotations

import re

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from reportlab.pdfgen.canvas import FILL_NON_ZERO, Canvas
from stdnum.iso7064 import mod_97_10

PREFIX = "CRM-APPT-"
#: Light modules around the code that a reader needs (the QR standard asks for 4).
QUIET_ZONE = 4
_CODE = re.compile(r"^CRM-APPT-(\d{1,12})-(\d{2})$")

# Russian (ЙЦУКЕН) letters → the Latin letter on the same key (QWERTY).
_RUSSIAN_KEYS = str.maketrans("ЙЦУКЕНГШЩЗФЫВАПРОЛДЯЧСМИТЬ", "QWERTYUIOPASDFGHJKLZXCVBNM")


def ticket_code(appointment_id: int) -> str:
    """The text of ``appointment_id``'s QR code (``CRM-APPT-123-71``)."""
    if appointment_id <= 0:
        raise ValueError("an appointment id is positive")
    number = str(appointment_id)
    return f"{PREFIX}{number}-{mod_97_10.calc_check_digits(number)}"


def parse_code(text: str) -> int | None:
    """The appointment id in a scanned ticket code, or ``None`` if ``text`` is not one.

    Accepts the code as typed by a scanner in either keyboard layout and either
    case, with spaces around it; refuses wrong check digits.
    """
    cleaned = text.strip().upper().translate(_RUSSIAN_KEYS)
    match = _CODE.match(cleaned)
    if match is None:
        return None
    number, check = match.groups()
    if not mod_97_10.is_valid(number + check) or int(number) == 0:
        return None
    return int(number)


def looks_like_code(text: str) -> bool:
    """Whether ``text`` is shaped like a ticket code (even with wrong check digits).

    The search box uses it to say «not a valid ticket» instead of searching
    patients for a garbled scan.
    """
    cleaned = text.strip().upper().translate(_RUSSIAN_KEYS)
    return cleaned.startswith(PREFIX)


def matrix(text: str) -> list[list[bool]]:
    """The dark (``True``) and light modules of ``text``'s QR code, without a border."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    code.add_data(text)
    code.make(fit=True)
    return code.get_matrix()


def _runs(row: list[bool]) -> list[tuple[int, int]]:
    """``(start, end)`` of each run of dark modules in ``row`` (end excluded)."""
    runs = []
    column, count = 0, len(row)
    while column < count:
        if not row[column]:
            column += 1
            continue
        start = column
        while column < count and row[column]:
            column += 1
        runs.append((start, column))
    return runs


def _blocks(modules: list[list[bool]]) -> list[tuple[int, int, int, int]]:
    """Dark areas as ``(first row, last row, start, end)`` rectangles.

    A run repeated exactly in the rows below joins one taller rectangle (the finder
    patterns' sides, for example), so the path has fewer shapes to write and draw.
    """
    blocks: list[tuple[int, int, int, int]] = []
    open_blocks: dict[tuple[int, int], int] = {}  # run → the row it started in
    for row_index, row in enumerate(modules):
        runs = set(_runs(row))
        for run in list(open_blocks):
            if run not in runs:
                blocks.append((open_blocks.pop(run), row_index - 1, *run))
        for run in runs:
            open_blocks.setdefault(run, row_index)
    last = len(modules) - 1
    blocks.extend((first, last, *run) for run, first in open_blocks.items())
    return blocks


def draw(canvas: Canvas, modules: list[list[bool]], x: float, y: float, side: float) -> None:
    """Draw ``modules`` in black with the quiet zone, as a square of ``side`` points.

    ``(x, y)`` is the square's lower left corner (PDF coordinates: y goes up).
    """
    count = len(modules)
    unit = side / (count + 2 * QUIET_ZONE)
    left = x + QUIET_ZONE * unit
    top = y + side - QUIET_ZONE * unit
    # A hair more than a module: neighbouring rectangles overlap, so no light seam
    # shows between them when a viewer antialiases the edges.
    seam = unit * 0.03
    path = canvas.beginPath()
    for first_row, last_row, start, end in _blocks(modules):
        path.rect(
            left + start * unit,
            top - (last_row + 1) * unit - seam,
            (end - start) * unit + seam,
            (last_row - first_row + 1) * unit + seam,
        )
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    canvas.drawPath(path, stroke=0, fill=1, fillMode=FILL_NON_ZERO)
    canvas.restoreState()
