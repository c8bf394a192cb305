"""The payment status of the grid's blocks and the card's visits: read with the visits, in
the same number of queries whatever the number of blocks; none for a doctor's role."""

from __future__ import annotations

import sqlalchemy as sa

from crm.controllers.patients import history
from crm.controllers.payments import taking
from crm.controllers.payments.status import PaymentStatus
from crm.controllers.schedule import day_grid
from crm.models import Appointment, Doctor, Patient
from crm.models.enums import AppointmentStatus, Role
from tests import booking_factories as bf
from tests import factories as f
from tests.integration.test_payments import visit


def statements(db, work) -> int:
    connection = db.kw["bind"]
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:  # noqa: ANN001
        seen.append(statement)

    sa.event.listen(connection, "before_cursor_execute", count)
    try:
        work()
    finally:
        sa.event.remove(connection, "before_cursor_execute", count)
    return len(seen)


def test_grid_and_card_show_the_status_in_one_query_of_the_visits(db):
    with db() as session, session.begin():
        registrar = bf.user(session, Role.REGISTRAR)
        doctor_user = bf.user(session, Role.DOCTOR)
        paid, patient = visit(session, status=AppointmentStatus.BOOKED)
        doctor_id, day = paid.doctor_id, f.clinic_today()
        free = f.appointment(session, session.get(Doctor, doctor_id), patient, f.at(day, "11:00"))
        ids = paid.id, free.id
    taking.take_payment(db, registrar, appointment_id=ids[0], amount="1000", method="cash")
    grid = day_grid.load_grid(db, registrar, day, doctor_ids=[doctor_id])
    marks = {a.id: a.payment for a in grid.appointments}
    # The other visit is of the tests' priced service (a paid visit always has one), unpaid.
    assert marks == {ids[0]: PaymentStatus.PARTLY_PAID, ids[1]: PaymentStatus.UNPAID}
    card = {r.id: r.payment for r in history.list_appointments(db, registrar, patient.id)}
    assert card == marks
    # A doctor's role has no grant on payments: the grid opens for them without the marks.
    assert {a.payment for a in day_grid.load_grid(db, doctor_user, day).appointments} == {None}

    few = statements(db, lambda: day_grid.load_grid(db, registrar, day, doctor_ids=[doctor_id]))
    with db() as session, session.begin():
        row = session.get(Appointment, ids[0])
        doctor, someone = session.get(Doctor, doctor_id), session.get(Patient, patient.id)
        for hhmm in ("12:00", "12:15", "12:30", "12:45", "13:00"):
            extra = f.appointment(session, doctor, someone, f.at(day, hhmm))
            extra.service_id = row.service_id
    many = statements(db, lambda: day_grid.load_grid(db, registrar, day, doctor_ids=[doctor_id]))
    assert many == few
