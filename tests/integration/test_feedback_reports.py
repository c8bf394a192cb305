"""Ratings as managers read them: the register's filters, the dashboard's per-doctor
averages and the Excel report with its trend, read back cell by cell."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from openpyxl.chart import LineChart

from crm.controllers.errors import PermissionDenied, ValidationError
from crm.controllers.feedback import ratings, register
from crm.controllers.feedback.register import RegisterFilter
from crm.controllers.reports import ReportParams, export_report, list_reports
from crm.controllers.reports.dashboard import dashboard
from crm.models import Feedback
from crm.models.enums import AppointmentStatus, Role
from tests import booking_factories as bf
from tests import factories as f

MOSCOW = ZoneInfo("Europe/Moscow")
NOW = dt.datetime(2026, 3, 20, 12, 0, tzinfo=MOSCOW)


def _at(day: str, hhmm: str = "12:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hhmm}").replace(tzinfo=MOSCOW)


@pytest.fixture
def rated(db):
    """Two doctors rated over January–March 2026, and the clinic once."""
    with db() as session, session.begin():
        branch, specialty = f.clinic(session)
        alpha = f.doctor(session, branch, specialty, "Альфина")
        beta = f.doctor(session, branch, specialty, "Бетова")
        patient = f.patient(session, "Оценщиков")
        visit = f.appointment(
            session, alpha, patient, _at("2026-01-10", "10:00"), status=AppointmentStatus.COMPLETED
        )
        rows = [
            # Альфина: January 5, 4 (visit), February 2 (answered), March 1 (waiting)
            (alpha.id, visit.id, 5, "2026-01-10", None),
            (alpha.id, None, 4, "2026-01-31", None),
            (alpha.id, None, 2, "2026-02-14", _at("2026-02-15")),
            (alpha.id, None, 1, "2026-03-02", None),
            # Бетова: February 5, March 4 and 5
            (beta.id, None, 5, "2026-02-01", None),
            (beta.id, None, 4, "2026-03-10", None),
            (beta.id, None, 5, "2026-03-11", None),
            # the clinic: March 3
            (None, None, 3, "2026-03-12", None),
        ]
        for doctor_id, appointment_id, rating, day, answered_at in rows:
            session.add(
                Feedback(
                    doctor_id=doctor_id, appointment_id=appointment_id, rating=rating,
                    patient_id=patient.id, comment=f"оценка {rating}",
                    created_at=_at(day), answered_at=answered_at,
                    answer="Ответили" if answered_at else None,
                )
            )  # fmt: skip
        # 00:30 on 1 April in Moscow is still 31 March in UTC: it counts in April.
        session.add(Feedback(doctor_id=beta.id, rating=3, created_at=_at("2026-04-01", "00:30")))
        manager = bf.user(session, Role.MANAGER)
        registrar = bf.user(session, Role.REGISTRAR)
        doctor = bf.user(session, Role.DOCTOR, doctor=alpha)
        return {
            "alpha": alpha.id, "beta": beta.id, "patient": patient.id, "visit": visit.id,
            "manager": manager, "registrar": registrar, "doctor": doctor,
        }  # fmt: skip


def test_the_register_filters_by_period_doctor_rating_subject_and_answer(db, rated):
    manager = rated["manager"]
    march = RegisterFilter(dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert [r.rating for r in register.list_feedback(db, manager, march)] == [3, 5, 4, 1]
    everything = register.list_feedback(db, manager)
    assert len(everything) == 9
    assert everything[0].created_at.month == 4  # 00:30 Moscow on 1 April is April
    alpha = register.list_feedback(db, manager, RegisterFilter(doctor_id=rated["alpha"]))
    assert [r.rating for r in alpha] == [1, 2, 4, 5]
    assert alpha[-1].subject is ratings.Subject.VISIT and alpha[-1].visit_at is not None
    assert alpha[0].doctor.startswith("Альфина ")
    assert alpha[0].patient.startswith("Оценщиков ")
    low = register.list_feedback(db, manager, RegisterFilter(ratings=frozenset({1, 2})))
    assert [(r.rating, r.needs_answer) for r in low] == [(1, True), (2, False)]
    clinic = register.list_feedback(db, manager, RegisterFilter(subject=ratings.Subject.CLINIC))
    assert [(r.rating, r.doctor) for r in clinic] == [(3, "")]
    visits = register.list_feedback(db, manager, RegisterFilter(subject=ratings.Subject.VISIT))
    assert [r.appointment_id for r in visits] == [rated["visit"]]
    answered = register.list_feedback(db, manager, RegisterFilter(answered=True))
    assert [r.answer for r in answered] == ["Ответили"]
    assert len(register.list_feedback(db, manager, RegisterFilter(answered=False))) == 8
    with pytest.raises(ValidationError) as reversed_period:
        register.list_feedback(
            db, manager, RegisterFilter(dt.date(2026, 3, 2), dt.date(2026, 3, 1))
        )
    assert reversed_period.value.field == "date_to"
    queue = register.answer_queue(db, manager)
    assert [r.rating for r in queue] == [1]


def test_registrars_and_doctors_neither_read_the_register_nor_answer(db, rated):
    waiting = register.answer_queue(db, rated["manager"])[0]
    for actor in (rated["registrar"], rated["doctor"]):
        with pytest.raises(PermissionDenied):
            register.list_feedback(db, actor)
        with pytest.raises(PermissionDenied):
            register.answer_queue(db, actor)
        with pytest.raises(PermissionDenied):
            ratings.answer(db, actor, waiting.id, "Извините")
    # Nothing was written by the refused answers.
    assert register.answer_queue(db, rated["manager"])[0].answer is None
    # The desk may still record one, and sees the patient's visits to choose from.
    choices = register.rating_choices(db, rated["registrar"], patient_id=rated["patient"])
    assert [v.id for v in choices.visits] == [rated["visit"]]
    assert {d.id for d in choices.doctors} >= {rated["alpha"], rated["beta"]}
    with pytest.raises(PermissionDenied):
        register.rating_choices(db, rated["doctor"], patient_id=rated["patient"])


def test_dashboard_shows_each_doctors_average_over_ninety_days(db, rated):
    data = dashboard(db, rated["manager"], now=NOW)
    averages = {(r.doctor_id, r.count, r.average, r.low) for r in data.doctor_ratings}
    # 20 March: the 90 days start on 21 December; April's rating is in the future.
    assert averages == {
        (rated["beta"], 3, Decimal("4.67"), 0),
        (rated["alpha"], 4, Decimal("3.00"), 2),
        (None, 1, Decimal("3.00"), 0),
    }
    assert [r.doctor_id for r in data.doctor_ratings] == [rated["beta"], rated["alpha"], None]
    later = dashboard(db, rated["manager"], now=NOW + dt.timedelta(days=75))
    # 3 June: only from 6 March on — Альфина's 1 is gone, Бетова has 4, 5 and 3.
    assert {(r.doctor_id, r.count) for r in later.doctor_ratings} == {
        (rated["beta"], 3), (None, 1),
    }  # fmt: skip


def test_ratings_workbook_per_doctor_and_month_reads_back(db, rated, tmp_path):
    assert "ratings" in {r.name for r in list_reports()}
    path = tmp_path / "ratings.xlsx"
    params = ReportParams(dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    result = export_report(db, rated["manager"], "ratings", params, path, now=NOW)
    assert result.no_data is None
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["По врачам", "По месяцам", "Динамика", "Параметры"]
    by_doctor = book["По врачам"]
    assert [c.value for c in by_doctor[1]] == [
        "Врач", "Специальность", "Оценок", "Баллов", "Средняя", "Низких (≤ 2)",
        "Низких отвечено",
    ]  # fmt: skip
    rows = [[c.value for c in row] for row in by_doctor.iter_rows(min_row=2, max_row=4)]
    assert [r[0].split()[0] for r in rows] == ["Альфина", "Бетова", "Клиника"]
    assert [r[2:] for r in rows] == [[4, 12, 3, 2, 1], [3, 14, 4.67, 0, 0], [1, 3, 3, 0, 0]]
    assert by_doctor["A5"].value == "Итого"
    assert by_doctor["E5"].value == '=IF(SUM(C2:C4)=0,"",SUM(D2:D4)/SUM(C2:C4))'
    by_month = book["По месяцам"]
    months = [
        (r[0].value, r[1].value.split()[0], r[3].value, r[5].value)
        for r in by_month.iter_rows(min_row=2, max_row=6)
    ]
    assert months == [
        ("01.2026", "Альфина", 2, 4.5),
        ("02.2026", "Альфина", 1, 2),
        ("02.2026", "Бетова", 1, 5),
        ("03.2026", "Альфина", 1, 1),
        ("03.2026", "Бетова", 2, 4.5),
    ]
    trend = book["Динамика"]
    header = [c.value for c in trend[1]]
    assert header[:3] == ["Месяц", "Оценок", "Средняя, все"]
    assert [h.split()[0] for h in header[3:]] == ["Альфина", "Бетова", "Клиника"]
    assert [[c.value for c in row] for row in trend.iter_rows(min_row=2, max_row=4)] == [
        ["01.2026", 2, 4.5, 4.5, None, None],
        ["02.2026", 2, 3.5, 2, 5, None],
        ["03.2026", 4, 3.25, 1, 4.5, 3],
    ]
    assert len(trend._charts) == 1 and isinstance(trend._charts[0], LineChart)

    alpha_only = ReportParams(dt.date(2026, 1, 1), dt.date(2026, 3, 31), doctor_id=rated["alpha"])
    export_report(db, rated["manager"], "ratings", alpha_only, path, now=NOW)
    rows = [[c.value for c in r] for r in openpyxl.load_workbook(path)["По врачам"].iter_rows(
        min_row=2)]  # fmt: skip
    assert [r[0].split()[0] for r in rows] == ["Альфина", "Итого"]  # no clinic row

    empty = export_report(
        db, rated["manager"], "ratings", ReportParams(dt.date(2025, 1, 1), dt.date(2025, 1, 31)),
        tmp_path / "empty.xlsx", now=NOW,
    )  # fmt: skip
    assert empty.no_data == "Нет оценок за этот период: в отчёте нет данных"
    with pytest.raises(PermissionDenied):
        export_report(db, rated["registrar"], "ratings", params, tmp_path / "x.xlsx", now=NOW)
