"""Ticket and day-list benchmarks, each beside a bare reportlab baseline in the same run.

Registered in :mod:`benchmarks.run` as ``tickets`` (``--only tickets``):

- ticket: one A6 ticket with its QR code (:func:`crm.reports.ticket.render_tickets`)
  against a bare reportlab canvas that draws the same texts at fixed places and the
  same QR code the same way (matrix from ``qrcode``, one vector path) — the cost of
  the layout (measuring, wrapping) on top of drawing; target ≤ 12 ms median;
- ticket from the database: :func:`crm.controllers.printing.tickets.tickets_document` (the
  query, the clinic's profile, the PDF) against the render alone;
- day list: 40 doctors × 30 patients through the controller (the day's grid query,
  measured and paginated rows, headers and page numbers) against a bare SQL query
  of the same rows and a bare canvas writing each row's cells, 30 to a page;
  target ≤ 2 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import statistics
import time
from collections.abc import Callable
from functools import partial
from zoneinfo import ZoneInfo

import psycopg
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from benchmarks.common import Figure, median_ms, migrated
from crm.controllers.access import auth
from crm.controllers.printing import tickets
from crm.db.engine import make_engine, make_session_factory
from crm.db.listener import conninfo_from_url
from crm.i18n import translate
from crm.models.enums import Role
from crm.reports import fonts, qr
from crm.reports.ticket import TicketData, TicketFormat, date_with_weekday, render_tickets
from tests.pg import TestServer

DOCTORS, PATIENTS_EACH = 40, 30
MOSCOW = ZoneInfo("Europe/Moscow")


def _sample_ticket(appointment_id: int) -> TicketData:
    return TicketData(
        appointment_id=appointment_id,
        number=f"{appointment_id:06d}",
        clinic_name="Клиника «Здоровье»",
        clinic_address="Москва, ул. Ленина, д. 1",
        clinic_phone="+7 (495) 123-45-67",
        branch_name="Филиал на Тверской",
        branch_address="Москва, ул. Тверская, д. 10",
        patient_name="Константинопольская Анна-Мария Владиславовна",
        patient_birth_date=dt.date(1980, 5, 17),
        starts_at=dt.datetime(2026, 11, 24, 10, 15, tzinfo=MOSCOW),
        ends_at=dt.datetime(2026, 11, 24, 10, 45, tzinfo=MOSCOW),
        doctor_name="Петров Пётр Петрович",
        specialty="Врач-терапевт участковый",
        room="203",
        kind_title="по направлению (ОМС)",
        referral_number="N000123",
        service_name=None,
        video_link=None,
        bring=("паспорт", "полис ОМС", "направление"),
        printed_at=dt.datetime(2026, 11, 20, 9, 0, tzinfo=MOSCOW),
    )


def _bare_ticket(ticket: TicketData) -> bytes:
    """The same texts (same labels, same language) at fixed places and the same QR code,
    drawn the same way; no measuring, no wrapping."""
    f = fonts.register()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(105 * mm, 148 * mm), pageCompression=1)
    t = partial(translate, "tickets")
    lines = [
        (f.bold, 10, ticket.clinic_name),
        (f.regular, 8, f"{ticket.clinic_address}, {ticket.clinic_phone}"),
        (f.bold, 10, t("APPOINTMENT TICKET No. {number}").format(number=ticket.number)),
        (f.regular, 8, t("Patient")),
        (f.bold, 10, ticket.patient_name),
        (f.regular, 9, t("born {date}").format(date=f"{ticket.patient_birth_date:%d.%m.%Y}")),
        (f.bold, 10, date_with_weekday(ticket.starts_at.date())),
        (f.bold, 20, f"{ticket.starts_at:%H:%M}–{ticket.ends_at:%H:%M}"),
        (f.regular, 8, t("Doctor")),
        (f.bold, 9, ticket.doctor_name),
        (f.regular, 9, ticket.specialty),
        (f.bold, 12, t("Room {number}").format(number=ticket.room)),
        (f.regular, 8, f"{ticket.branch_name}, {ticket.branch_address}"),
        (f.regular, 8, ticket.kind_title),
        (f.regular, 9, t("Referral No. {number}").format(number=ticket.referral_number)),
        (f.bold, 8, t("Please bring:")),
        (f.regular, 8, ", ".join(ticket.bring)),
        (f.regular, 7, t("Show this code at the front desk to check in.")),
        (f.regular, 7, t("Printed {moment}").format(moment=f"{ticket.printed_at:%d.%m.%Y %H:%M}")),
    ]
    y = 140 * mm
    for font, size, text in lines:
        canvas.setFont(font, size)
        canvas.drawString(7 * mm, y, text)
        y -= size * 1.25
    code = qr.ticket_code(ticket.appointment_id)
    qr.draw(canvas, qr.matrix(code), 68 * mm, 8 * mm, 32 * mm)
    canvas.setFont(f.regular, 6)
    canvas.drawString(70 * mm, 6 * mm, code)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _median_s(action: Callable[[], object], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def _clinic(server: TestServer) -> tuple[str, dt.date]:
    """40 doctors with 30 patients each on one day, written with plain SQL."""
    url = migrated(server)
    day = dt.date(2026, 11, 24)
    start = dt.datetime.combine(day, dt.time(9), tzinfo=MOSCOW)
    with psycopg.connect(conninfo_from_url(url)) as conn, conn.cursor() as cur:
        cur.execute("INSERT INTO branch (id, name, address) VALUES (1, 'Центр', 'Москва')")
        cur.execute("INSERT INTO specialty (id, code, name) VALUES (1, 't', 'Терапевт')")
        cur.executemany(
            "INSERT INTO room (id, branch_id, number) VALUES (%s, 1, %s)",
            [(n, str(100 + n)) for n in range(1, DOCTORS + 1)],
        )
        cur.executemany(
            "INSERT INTO doctor (id, last_name, first_name, patronymic, specialty_id, branch_id,"
            " default_room_id) VALUES (%s, %s, 'Анна', 'Петровна', 1, 1, %s)",
            [(n, f"Врачова{n:02d}", n) for n in range(1, DOCTORS + 1)],
        )
        cur.executemany(
            "INSERT INTO schedule_template (doctor_id, weekday, starts, ends, valid_from,"
            " works_on_holidays) VALUES (%s, %s, '09:00', '17:00', '2020-01-01', true)",
            [(n, weekday) for n in range(1, DOCTORS + 1) for weekday in range(1, 8)],
        )
        total = DOCTORS * PATIENTS_EACH
        cur.executemany(
            "INSERT INTO patient (id, last_name, first_name, patronymic, birth_date, phone)"
            " VALUES (%s, %s, 'Иван', 'Сергеевич', '1980-05-17', %s)",
            [(n, f"Пациентов{n}", f"+7916{n:07d}") for n in range(1, total + 1)],
        )
        cur.executemany(
            "INSERT INTO appointment (doctor_id, patient_id, room_id, starts_at, ends_at, kind,"
            " note) VALUES (%s, %s, %s, %s, %s, 'paid', %s)",
            [
                (d, (d - 1) * PATIENTS_EACH + s + 1, d,
                 start + dt.timedelta(minutes=15 * s), start + dt.timedelta(minutes=15 * s + 15),
                 "Просит перезвонить накануне" if s % 4 == 0 else None)
                for d in range(1, DOCTORS + 1)
                for s in range(PATIENTS_EACH)
            ],
        )  # fmt: skip
        cur.execute(
            "INSERT INTO clinic_setting (key, value) VALUES ('clinic.profile', %s)",
            ('{"name": "Клиника «Здоровье»", "address": "Москва"}',),
        )
        conn.commit()
    return url, day


_BARE_ROWS = """
SELECT d.last_name, d.first_name, d.patronymic, a.starts_at, a.ends_at,
       p.last_name, p.first_name, p.patronymic, p.birth_date, p.phone, a.kind, a.status, a.note
  FROM appointment a JOIN doctor d ON d.id = a.doctor_id JOIN patient p ON p.id = a.patient_id
 WHERE a.starts_at >= %s AND a.starts_at < %s
 ORDER BY d.id, a.starts_at
"""


def _bare_day_list(url: str, day: dt.date) -> bytes:
    """The same rows by plain SQL, each cell written at a fixed place, 30 rows a page."""
    start = dt.datetime.combine(day, dt.time(0), tzinfo=MOSCOW)
    with psycopg.connect(conninfo_from_url(url)) as conn:
        rows = conn.execute(_BARE_ROWS, (start, start + dt.timedelta(days=1))).fetchall()
    f = fonts.register()
    width, height = landscape(A4)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(width, height), pageCompression=1)
    columns = (12, 40, 90, 300, 360, 460, 540, 620, 700)
    for number, row in enumerate(rows):
        if number % PATIENTS_EACH == 0:
            if number:
                canvas.showPage()
            canvas.setFont(f.bold, 12)
            canvas.drawString(34, height - 40, f"{row[0]} {row[1]} {row[2]} — {day:%d.%m.%Y}")
            canvas.setFont(f.condensed, 8.6)
        y = height - 80 - (number % PATIENTS_EACH) * 15
        local = row[3].astimezone(MOSCOW)
        cells = (
            str(number % PATIENTS_EACH + 1), f"{local:%H:%M}", f"{row[5]} {row[6]} {row[7]}",
            f"{row[8]:%d.%m.%Y}", row[9] or "", row[10], "", row[11], row[12] or "",
        )  # fmt: skip
        for x, text in zip(columns, cells, strict=True):
            canvas.drawString(34 + x, y, text)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def bench_tickets(server: TestServer, options: argparse.Namespace) -> list[Figure]:
    """The ticket and day-list figures (see the module's docstring)."""
    fonts.register()  # once per process, as in the program (parsing the TTFs)
    ticket = _sample_ticket(123456)
    render_tickets([ticket], TicketFormat.A6)  # warm up
    _bare_ticket(ticket)
    ticket_ms = median_ms(lambda: render_tickets([ticket], TicketFormat.A6), 60)
    bare_ms = median_ms(lambda: _bare_ticket(ticket), 60)

    url, day = _clinic(server)
    engine = make_engine(url, pool_size=2)
    db = make_session_factory(engine)
    auth.add_user(db, "bench", "bench-password", Role.REGISTRAR, "Бенчмарк")
    actor = auth.login(db, "bench", "bench-password", "bench")
    tickets.tickets_document(db, actor, [1])
    from_db_ms = median_ms(lambda: tickets.tickets_document(db, actor, [1]), 40)
    tickets.day_list_document(db, actor, day)
    day_list_s = _median_s(lambda: tickets.day_list_document(db, actor, day), 5)
    bare_list_s = _median_s(lambda: _bare_day_list(url, day), 5)
    engine.dispose()
    return [
        Figure(
            "ticket A6 with QR (render, median)",
            ticket_ms,
            bare_ms,
            "bare canvas, same texts and QR",
            "ms",
        ),
        Figure(
            "ticket A6 from the database (median)",
            from_db_ms,
            ticket_ms,
            "render alone",
            "ms",
        ),
        Figure(
            f"day list {DOCTORS} doctors × {PATIENTS_EACH} (median)",
            day_list_s,
            bare_list_s,
            "bare SQL + canvas, same rows",
            "s",
        ),
    ]
