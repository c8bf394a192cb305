"""Tickets and day lists as PDFs, without a database: text, Cyrillic, the QR code, pages."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pypdfium2 as pdfium
import pytest
import zxingcpp

from crm.reports import fonts, qr
from crm.reports.daylist import DayListData, DayListRow, DayListSection, render_day_list
from crm.reports.ticket import PAPER, TicketData, TicketFormat, render_tickets

MOSCOW = ZoneInfo("Europe/Moscow")
MM = 72 / 25.4


def pdf_pages_text(pdf: bytes) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    try:
        return [page.get_textpage().get_text_range() for page in document]
    finally:
        document.close()


def decoded_codes(pdf: bytes, page: int = 0, scale: float = 2.0) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    try:
        image = document[page].render(scale=scale).to_pil()
    finally:
        document.close()
    return [found.text for found in zxingcpp.read_barcodes(image)]


def sample(appointment_id: int = 4321, **changes) -> TicketData:
    values = dict(
        appointment_id=appointment_id,
        number=f"{appointment_id:06d}",
        clinic_name="Клиника «Здоровье»",
        clinic_address="Москва, ул. Ленина, д. 1",
        clinic_phone="+7 (495) 123-45-67",
        branch_name="Филиал на Тверской",
        branch_address="Москва, ул. Тверская, д. 10",
        patient_name="Щукина Анна-Мария Владиславовна",
        patient_birth_date=dt.date(1980, 5, 17),
        starts_at=dt.datetime(2026, 11, 24, 10, 15, tzinfo=MOSCOW),
        ends_at=dt.datetime(2026, 11, 24, 10, 45, tzinfo=MOSCOW),
        doctor_name="Петров Пётр Петрович",
        specialty="Кардиолог",
        room="203",
        kind_title="по направлению (ОМС)",
        referral_number="N000123",
        service_name=None,
        video_link=None,
        bring=("паспорт", "полис ОМС", "направление"),
        printed_at=dt.datetime(2026, 11, 20, 9, 0, tzinfo=MOSCOW),
    )
    values.update(changes)
    return TicketData(**values)


@pytest.mark.parametrize("fmt", list(TicketFormat))
def test_every_format_carries_the_cyrillic_text_and_a_readable_qr(fmt):
    pdf = render_tickets([sample()], fmt)
    (text,) = pdf_pages_text(pdf)
    flat = " ".join(text.split())
    for expected in (
        "Щукина Анна-Мария Владиславовна",
        "17.05.1980",
        "24.11.2026",
        "10:15–10:45",
        "Петров Пётр Петрович",
        "Кардиолог",
        "203",
        "N000123",
        "Филиал на Тверской",
        "Клиника «Здоровье»",
        "паспорт, полис ОМС, направление",
    ):
        assert expected in flat, (fmt, expected)
    assert decoded_codes(pdf) == [qr.ticket_code(4321)]
    assert qr.parse_code(decoded_codes(pdf)[0]) == 4321


def test_page_sizes_match_the_paper():
    for fmt, (width, height) in {
        TicketFormat.A6: (105, 148),
        TicketFormat.A5: (148, 210),
    }.items():
        document = pdfium.PdfDocument(render_tickets([sample()], fmt))
        page_width, page_height = document[0].get_size()
        assert round(page_width / MM) == width and round(page_height / MM) == height
        document.close()
    document = pdfium.PdfDocument(render_tickets([sample()], TicketFormat.ROLL80))
    page_width, page_height = document[0].get_size()
    document.close()
    assert round(page_width / MM) == 80
    assert 100 < page_height / MM < 220  # as long as the ticket, not a sheet


def test_several_tickets_one_page_each_with_their_own_codes():
    pdf = render_tickets([sample(11), sample(12), sample(13)], TicketFormat.A6)
    texts = pdf_pages_text(pdf)
    assert len(texts) == 3
    assert [decoded_codes(pdf, page) for page in range(3)] == [
        [qr.ticket_code(11)],
        [qr.ticket_code(12)],
        [qr.ticket_code(13)],
    ]


def test_remote_consultation_prints_the_link_instead_of_the_room():
    link = "https://video.clinic.example/room/abc-123"
    pdf = render_tickets(
        [sample(room=None, video_link=link, bring=(), kind_title="телемедицина")],
        TicketFormat.ROLL80,
    )
    (text,) = pdf_pages_text(pdf)
    flat = " ".join(text.split())
    assert link in text.replace("\r\n", "").replace("\n", "")
    # Joined from home: the ticket does not send the patient to the front desk.
    assert "регистратур" not in flat
    assert "приходить в клинику не нужно" in flat


def test_a_crowded_ticket_still_fits_its_sheet():
    long_name = "Константинопольская-Оглы Анна-Мария-Луиза Владиславовна"
    ticket = sample(
        patient_name=long_name,
        doctor_name="Римский-Корсаков Никодим Афанасьевич",
        specialty="Врач функциональной диагностики и ультразвуковых исследований",
        service_name="Ультразвуковое исследование органов брюшной полости и почек",
        video_link=None,
        clinic_address="Москва, Большая Тульская улица, дом 10, строение 5, подъезд 3, этаж 2",
    )
    pdf = render_tickets([ticket], TicketFormat.A6)
    assert len(pdf_pages_text(pdf)) == 1
    assert decoded_codes(pdf, scale=3) == [qr.ticket_code(4321)]


def test_day_list_has_a_header_and_page_numbers_on_every_page():
    start = dt.datetime(2026, 11, 24, 9, 0, tzinfo=MOSCOW)
    rows = tuple(
        DayListRow(
            starts_at=start + dt.timedelta(minutes=15 * i),
            ends_at=start + dt.timedelta(minutes=15 * (i + 1)),
            patient_name=f"Ёлкина Пациентка {i}",
            birth_date=dt.date(1990, 1, 1),
            phone="+7 (916) 123-45-67",
            kind_title="платно",
            referral_number=None,
            status_title="отменено" if i == 1 else "записан",
            note="Просит перезвонить" if i % 3 == 0 else None,
            inactive=i == 1,
        )
        for i in range(45)
    )
    section = DayListSection("Петров Пётр Петрович", "Кардиолог", "203", "09:00–18:00", None, rows)
    other = DayListSection("Сидорова Анна", "Терапевт", None, None, None, ())
    data = DayListData("Клиника", dt.date(2026, 11, 24), (section, other), start)
    for portrait in (False, True):
        texts = pdf_pages_text(render_day_list(data, portrait=portrait))
        assert len(texts) >= 3  # 45 rows take two pages; the other doctor starts a new one
        total = len(texts)
        for number, text in enumerate(texts, start=1):
            assert "24.11.2026" in text
            assert f"{number}" in text and f"{total}" in text
        flat = " ".join(" ".join(texts).split())
        assert "Ёлкина Пациентка 44" in flat
        # 45 rows, one of them cancelled (printed grey): the header adds up.
        assert "пациентов: 44" in flat and "отменено, перенесено или неявка: 1" in flat
        assert "Петров Пётр Петрович" in texts[1]  # the doctor is named on the next page too
        assert "Сидорова Анна" in texts[-1]


def test_wrapping_keeps_words_and_marks_what_was_cut():
    fonts.register()
    lines = fonts.wrap("один два три четыре пять шесть", "CrmSans", 10, 60, max_lines=2)
    assert len(lines) == 2 and lines[-1].endswith("…")
    assert fonts.fit("короткий", "CrmSans", 10, 500) == "короткий"
    long = fonts.wrap("Ааааааааааааааааааааааааааааааааааа", "CrmSans", 10, 50)
    assert all(fonts.text_width(line, "CrmSans", 10) <= 50 for line in long)


def test_paper_table_is_complete():
    assert set(PAPER) == set(TicketFormat)
