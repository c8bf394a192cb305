"""Day lists from real schedules: one doctor or every doctor of the day, one section each."""

from __future__ import annotations

import datetime as dt

import pypdfium2 as pdfium
import pytest

from crm.controllers.clinic import settings
from crm.controllers.errors import NotFound, PermissionDenied
from crm.controllers.printing import tickets
from crm.models.enums import AppointmentStatus, Role
from tests import booking_factories as bf
from tests import factories as f

DAY = dt.date(2026, 11, 24)  # a Tuesday


def texts(pdf: bytes) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    try:
        return [" ".join(page.get_textpage().get_text_range().split()) for page in document]
    finally:
        document.close()


@pytest.fixture
def day(db):
    with db() as session, session.begin():
        branch, specialty = f.clinic(session)
        specialty.name = "Невролог"
        room = bf.room(session, branch, "305")
        first = f.doctor(session, branch, specialty, "Алексеева")
        second = f.doctor(session, branch, specialty, "Борисов")
        idle = f.doctor(session, branch, specialty, "Свободный")
        bf.hours(session, first, "09:00-13:00", room_row=room)
        bf.hours(session, second, "14:00-18:00")
        patients = [f.patient(session, name) for name in ("Ёжикова", "Жуков", "Зайцева")]
        patients[0].note = "не выводится"
        a = f.appointment(session, first, patients[0], f.at(DAY, "09:30"))
        a.note = "Плохо слышит, говорить громко"
        f.appointment(session, first, patients[1], f.at(DAY, "09:00"))
        f.appointment(
            session, first, patients[2], f.at(DAY, "10:00"), status=AppointmentStatus.NO_SHOW
        )
        f.appointment(session, second, patients[2], f.at(DAY, "15:00"))
        f.appointment(session, second, patients[1], f.at(DAY + dt.timedelta(days=1), "15:00"))
        cancelled = f.appointment(session, second, patients[0], f.at(DAY, "16:00"))
        cancelled.status = AppointmentStatus.CANCELLED
        settings.put(session, settings.CLINIC_PROFILE, {"name": "Клиника «Здоровье»"})
        session.flush()
        return {
            "registrar": bf.user(session, Role.REGISTRAR),
            "doctor_user": bf.user(session, Role.DOCTOR, doctor=first),
            "admin": bf.user(session, Role.ADMIN),
            "first": first.id,
            "second": second.id,
            "idle": idle.id,
            "held": a.id,
        }


def test_one_doctor_rows_in_time_order_with_phone_and_notes(db, day):
    data = tickets.day_list_data(db, day["registrar"], DAY, day["first"])
    (section,) = data.sections
    assert section.doctor_name == "Алексеева Пётр Петрович"
    assert section.room == "305" and section.hours == "09:00–13:00"
    assert [r.patient_name for r in section.rows] == ["Жуков Иван", "Ёжикова Иван", "Зайцева Иван"]
    assert section.rows[2].inactive  # the no-show is printed grey
    assert section.rows[0].phone is not None and section.rows[0].phone.startswith("+7 (916)")
    document = tickets.day_list_document(db, day["registrar"], DAY, day["first"])
    (text,) = texts(document.pdf)
    for expected in (
        "24.11.2026",
        "Алексеева Пётр Петрович",
        "Невролог",
        "305",
        "09:00–09:15",
        "Ёжикова Иван",
        "17.05.1980",
        "Плохо слышит, говорить громко",
        "Клиника «Здоровье»",
    ):
        assert expected in text, expected
    assert "Борисов" not in text
    assert document.entity_ids == (day["first"],)


def test_all_doctors_of_the_day_one_section_each(db, day):
    document = tickets.day_list_document(db, day["doctor_user"], DAY, portrait=True)
    pages = texts(document.pdf)
    assert len(pages) == 2
    assert "Алексеева" in pages[0] and "Борисов" in pages[1]
    assert "Зайцева Иван" in pages[1]
    # The cancelled one and tomorrow's are not on the list; the idle doctor has no section.
    assert pages[1].count("Ёжикова") == 0 and "Жуков" not in pages[1]
    assert all("Свободный" not in page for page in pages)
    assert set(document.entity_ids) == {day["first"], day["second"]}


def test_an_idle_doctor_asked_for_gets_a_page_saying_so(db, day):
    data = tickets.day_list_data(db, day["registrar"], DAY, day["idle"])
    assert data.sections[0].rows == () and data.sections[0].hours is None
    assert len(texts(tickets.day_list_document(db, day["registrar"], DAY, day["idle"]).pdf)) == 1


def test_refusals(db, day):
    with pytest.raises(NotFound):
        tickets.day_list_data(db, day["registrar"], DAY, 10**9)
    with pytest.raises(PermissionDenied):
        tickets.day_list_data(db, day["admin"], DAY)


def test_a_vacation_day_list_marks_the_patients_in_the_holding_tray(db, day):
    # Issue 19, defect 14: on a doctor's vacation day the list showed the booked
    # patients as if they were coming; those in the holding tray must be moved.
    with db() as session, session.begin():
        from crm.models import Appointment

        held = session.get(Appointment, day["held"])
        held.in_holding_tray = True
    data = tickets.day_list_data(db, day["registrar"], DAY, day["first"])
    rows = {r.patient_name: r for r in data.sections[0].rows}
    assert rows["Ёжикова Иван"].held and not rows["Жуков Иван"].held
    (text,) = texts(tickets.day_list_document(db, day["registrar"], DAY, day["first"]).pdf)
    marker = "листе переноса" if "листе переноса" in text else "holding tray"
    assert text.count(marker) == 1
