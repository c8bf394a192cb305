"""Tickets from real appointments: contents, the QR read back, refusals, the print journal,
and a scanned ticket: check-in offered once, a second scan says the ticket was used."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pypdfium2 as pdfium
import pytest
import sqlalchemy as sa
import zxingcpp

from crm.controllers.clinic import settings
from crm.controllers.context import Actor
from crm.controllers.errors import NotFound, PermissionDenied, ValidationError
from crm.controllers.printing import formats, tickets
from crm.controllers.schedule import visit_status
from crm.models import Appointment, JournalEntry
from crm.models.enums import AppointmentKind, AppointmentStatus, Role
from crm.reports import qr
from crm.reports.ticket import TicketFormat
from tests import booking_factories as bf
from tests import factories as f

DAY = dt.date(2026, 11, 24)
MORNING = f.at(DAY, "08:00")
S = AppointmentStatus


@dataclass(frozen=True)
class Desk:
    registrar: Actor
    manager: Actor
    admin: Actor
    booked: int  # by referral, room 203, today 10:15
    paid: int  # paid, tomorrow
    doctor: int
    patient: int


@pytest.fixture
def desk(db) -> Desk:
    with db() as session, session.begin():
        branch, specialty = f.clinic(session)
        specialty.name = "Кардиолог"
        branch.name, branch.address = "Филиал на Тверской", "Москва, ул. Тверская, д. 10"
        doctor = f.doctor(session, branch, specialty, "Сергеева")
        doctor.first_name, doctor.patronymic = "Ольга", "Юрьевна"
        room = bf.room(session, branch, "203")
        patient = f.patient(session, "Щукина")
        patient.first_name, patient.patronymic = "Анна-Мария", "Владиславовна"
        bf.insure(session, patient)
        referral = bf.referral(
            session, patient, specialty, issued_on=DAY - dt.timedelta(days=3), number="N000777"
        )
        booked = f.appointment(session, doctor, patient, f.at(DAY, "10:15"), 30)
        booked.kind, booked.referral_id, booked.room_id = (
            AppointmentKind.REFERRAL,
            referral.id,
            room.id,
        )
        paid = f.appointment(session, doctor, patient, f.at(DAY + dt.timedelta(days=1), "11:00"))
        settings.put(
            session,
            settings.CLINIC_PROFILE,
            {"name": "Клиника «Здоровье»", "address": "Москва, ул. Ленина, д. 1", "phone": ""},
        )
        session.flush()
        return Desk(
            registrar=bf.user(session, Role.REGISTRAR),
            manager=bf.user(session, Role.MANAGER),
            admin=bf.user(session, Role.ADMIN),
            booked=booked.id,
            paid=paid.id,
            doctor=doctor.id,
            patient=patient.id,
        )


def page_text(pdf: bytes, page: int = 0) -> str:
    document = pdfium.PdfDocument(pdf)
    try:
        return " ".join(document[page].get_textpage().get_text_range().split())
    finally:
        document.close()


def page_codes(pdf: bytes, page: int = 0) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    try:
        image = document[page].render(scale=2).to_pil()
    finally:
        document.close()
    return [found.text for found in zxingcpp.read_barcodes(image)]


def test_ticket_pdf_names_patient_time_room_specialty_and_its_qr_gives_the_id(db, desk):
    document = tickets.tickets_document(db, desk.registrar, [desk.booked], now=MORNING)
    assert document.entity_ids == (desk.booked,)
    assert document.ticket_format is TicketFormat.A6  # nobody chose: the default
    text = page_text(document.pdf)
    for expected in (
        "Щукина Анна-Мария Владиславовна",
        "17.05.1980",
        "24.11.2026",
        "10:15–10:45",
        "Сергеева Ольга Юрьевна",
        "Кардиолог",
        "203",
        "N000777",
        "Клиника «Здоровье»",
        "Москва, ул. Тверская, д. 10",
        tickets.ticket_number(desk.booked),
    ):
        assert expected in text, expected
    (code,) = page_codes(document.pdf)
    assert qr.parse_code(code) == desk.booked
    assert tickets.read_code(code) == desk.booked


def test_what_to_bring_follows_the_kind(db, desk):
    by_referral, paid = tickets.ticket_data(db, desk.registrar, [desk.booked, desk.paid])
    assert by_referral.bring == tickets.what_to_bring(AppointmentKind.REFERRAL, True)
    assert len(by_referral.bring) == 3  # passport, policy, referral
    assert len(paid.bring) == 1
    assert paid.referral_number is None and by_referral.referral_number == "N000777"
    assert tickets.what_to_bring(AppointmentKind.REMOTE, False) == ()


def test_clinic_default_format_is_chosen_by_a_manager_and_journaled(db, desk):
    with pytest.raises(PermissionDenied):
        formats.set_ticket_format(db, desk.registrar, TicketFormat.ROLL80)
    formats.set_ticket_format(db, desk.manager, TicketFormat.ROLL80)
    assert formats.ticket_format(db) is TicketFormat.ROLL80
    document = tickets.tickets_document(db, desk.registrar, [desk.booked, desk.paid])
    assert document.ticket_format is TicketFormat.ROLL80
    assert pdfium.PdfDocument(document.pdf).__len__() == 2
    explicit = tickets.tickets_document(db, desk.registrar, [desk.booked], TicketFormat.A5)
    assert explicit.ticket_format is TicketFormat.A5
    with db() as session:
        entry = session.scalars(
            sa.select(JournalEntry).where(JournalEntry.entity == "clinic_setting")
        ).one()
        assert entry.changes == {formats.TICKET_FORMAT: ["a6", "roll80"]}


def test_no_ticket_for_a_cancelled_appointment_or_an_unknown_one_or_an_admin(db, desk):
    visit_status.cancel(db, desk.manager, desk.paid, reason="передумал", now=MORNING)
    with pytest.raises(ValidationError) as refused:
        tickets.tickets_document(db, desk.registrar, [desk.paid])
    assert refused.value.field == "appointment"
    with pytest.raises(NotFound):
        tickets.tickets_document(db, desk.registrar, [10**9])
    with pytest.raises(PermissionDenied):
        tickets.tickets_document(db, desk.admin, [desk.booked])
    with pytest.raises(ValidationError):
        tickets.tickets_document(db, desk.registrar, [])


def test_every_print_is_journaled_against_its_appointment(db, desk):
    document = tickets.tickets_document(db, desk.registrar, [desk.booked, desk.paid])
    tickets.record_print(db, desk.registrar, document, "Kitchen-Printer")
    with db() as session:
        entries = session.scalars(
            sa.select(JournalEntry)
            .where(JournalEntry.action == "print")
            .order_by(JournalEntry.entity_id)
        ).all()
    assert [(e.entity, e.entity_id) for e in entries] == [
        ("appointment", desk.booked),
        ("appointment", desk.paid),
    ]
    assert all("Kitchen-Printer" in (e.details or "") for e in entries)
    assert entries[0].login == desk.registrar.login


def test_scan_offers_check_in_once_then_says_the_ticket_was_used(db, desk):
    code = qr.ticket_code(desk.booked)
    first = tickets.scan_text(db, desk.registrar, code, now=MORNING)
    assert first is not None
    assert first.state is tickets.ScanState.READY and first.may_check_in
    assert first.patient_name == "Щукина Анна-Мария Владиславовна" and first.room == "203"
    visit_status.set_status(
        db,
        desk.registrar,
        first.appointment_id,
        S.ARRIVED,
        expected_version=first.version,
        now=MORNING,
    )
    second = tickets.scan_text(db, desk.registrar, code, now=MORNING)
    assert second is not None
    assert second.state is tickets.ScanState.USED and not second.may_check_in
    assert second.checked_in_at is not None
    assert desk.registrar.login in (second.checked_in_by or "")
    assert desk.registrar.login in second.message


def test_scan_of_other_days_moved_and_cancelled_tickets(db, desk):
    tomorrow = tickets.scan(db, desk.registrar, desk.paid, now=MORNING)
    assert tomorrow.state is tickets.ScanState.NOT_TODAY and not tomorrow.may_check_in
    assert tickets.scan(db, desk.manager, desk.booked, now=MORNING).may_check_in
    with db() as session, session.begin():
        old = session.get(Appointment, desk.booked)
        old.status = S.RESCHEDULED
        session.flush()
        new = Appointment(
            doctor_id=old.doctor_id, patient_id=old.patient_id, kind=AppointmentKind.PAID,
            starts_at=old.starts_at + dt.timedelta(hours=3),
            ends_at=old.ends_at + dt.timedelta(hours=3), rescheduled_from_id=old.id,
        )  # fmt: skip
        session.add(new)
        session.flush()
        new_id = new.id
    moved = tickets.scan(db, desk.registrar, desk.booked, now=MORNING)
    assert moved.state is tickets.ScanState.MOVED and moved.replaced_by_id == new_id
    assert "13:15" in moved.message
    visit_status.cancel(db, desk.manager, desk.paid, reason="болеет", now=MORNING)
    cancelled = tickets.scan(db, desk.registrar, desk.paid, now=MORNING)
    assert cancelled.state is tickets.ScanState.CANCELLED and "болеет" in cancelled.message


def test_garbled_and_unknown_codes(db, desk):
    assert tickets.scan_text(db, desk.registrar, "Щукина") is None
    code = qr.ticket_code(desk.booked)
    with pytest.raises(ValidationError) as garbled:
        tickets.scan_text(db, desk.registrar, code[:-1] + str((int(code[-1]) + 1) % 10))
    assert garbled.value.field == "code"
    with pytest.raises(NotFound):
        tickets.scan_text(db, desk.registrar, qr.ticket_code(10**9))
