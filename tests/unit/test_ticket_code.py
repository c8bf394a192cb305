"""The ticket's QR text: check digits, a scanner typing in the Russian layout, drawing."""

from __future__ import annotations

import io

import pytest
from reportlab.pdfgen.canvas import Canvas

from crm.reports import qr


def test_code_format_and_round_trip():
    assert qr.ticket_code(123) == "CRM-APPT-123-" + qr.ticket_code(123)[-2:]
    for appointment_id in (1, 7, 99, 123, 100000, 987654321):
        assert qr.parse_code(qr.ticket_code(appointment_id)) == appointment_id
    with pytest.raises(ValueError):
        qr.ticket_code(0)


def test_wrong_check_digits_and_other_texts_are_not_tickets():
    code = qr.ticket_code(4321)
    number, check = code.rsplit("-", 1)
    wrong = f"{number}-{(int(check) + 1) % 100:02d}"
    assert qr.parse_code(wrong) is None
    assert qr.looks_like_code(wrong)
    swapped = code.replace("4321", "3421")
    assert qr.parse_code(swapped) is None  # a swap of neighbours is caught
    for text in ("", "Иванов", "4321", "+79161234567", "CRM-APPT-", "CRM-APPT-12a-00"):
        assert qr.parse_code(text) is None
    assert not qr.looks_like_code("Иванов И И")


def test_scanner_in_the_russian_layout_and_caps_lock():
    code = qr.ticket_code(4321)
    russian = code.translate(str.maketrans("CRMAPT", "СКЬФЗЕ"))
    assert russian.startswith("СКЬ-ФЗЗЕ-")
    assert qr.parse_code(russian) == 4321
    assert qr.parse_code(russian.lower()) == 4321
    assert qr.parse_code(f"  {code.lower()}\n") == 4321


def test_matrix_and_blocks_cover_exactly_the_dark_modules():
    modules = qr.matrix(qr.ticket_code(4321))
    assert len(modules) in (21, 25)
    covered = set()
    for first, last, start, end in qr._blocks(modules):
        for row in range(first, last + 1):
            for column in range(start, end):
                assert (row, column) not in covered
                covered.add((row, column))
    dark = {(r, c) for r, row in enumerate(modules) for c, value in enumerate(row) if value}
    assert covered == dark


def test_draw_is_one_filled_path():
    canvas = Canvas(io.BytesIO())
    qr.draw(canvas, qr.matrix("CRM-APPT-1-01"), 10, 10, 100)
    canvas.showPage()
    canvas.save()
