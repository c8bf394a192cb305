"""A payment's receipt: its data gathered for :mod:`crm.reports.receipt`, journaled as printed."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from crm.controllers import journal
from crm.controllers.access.permissions import Permission, require
from crm.controllers.clinic.profile import read_profile
from crm.controllers.context import Actor
from crm.controllers.errors import NotFound
from crm.controllers.payments import fiscal
from crm.controllers.payments.taking import method_title
from crm.controllers.validation.phones import format_phone
from crm.i18n import translate
from crm.models import Appointment, Doctor, Patient, Payment, Service, User
from crm.reports.receipt import ReceiptData, ReceiptLine, render_receipt


def _name(last: str, first: str, patronymic: str | None) -> str:
    return " ".join(p for p in (last, first, patronymic) if p)


def receipt_data(session: Session, actor: Actor, payment_id: int) -> ReceiptData:
    """What the receipt of payment ``payment_id`` says.

    Raises:
        NotFound: no such payment.
    """
    payment = session.get(Payment, payment_id)
    if payment is None:
        raise NotFound(translate("payments", "No such payment"), field="payment_id")
    zone = ZoneInfo(actor.clinic_timezone)
    profile = read_profile(session)
    patient = session.get(Patient, payment.patient_id)
    amount = abs(payment.amount)
    service = session.get(Service, payment.service_id) if payment.service_id else None
    detail = ""
    if payment.appointment_id is not None:
        appointment = session.get(Appointment, payment.appointment_id)
        if appointment is not None:
            doctor = session.get(Doctor, appointment.doctor_id)
            when = appointment.starts_at.astimezone(zone)
            detail = translate("payments", "visit on {day} at {time}, doctor {doctor}").format(
                day=f"{when:%d.%m.%Y}",
                time=f"{when:%H:%M}",
                doctor=_name(doctor.last_name, doctor.first_name, doctor.patronymic)
                if doctor
                else "—",
            )
    cashier = session.get(User, payment.received_by_id) if payment.received_by_id else None
    return ReceiptData(
        number=str(payment.id),
        is_refund=payment.refund_of_id is not None,
        clinic_name=profile.name if profile else translate("payments", "Clinic"),
        clinic_address=profile.address if profile else None,
        clinic_phone=format_phone(profile.phone) if profile and profile.phone else None,
        clinic_ogrn=profile.ogrn if profile else None,
        clinic_licence=profile.licence if profile else None,
        patient_name=_name(patient.last_name, patient.first_name, patient.patronymic)
        if patient
        else "—",
        lines=(
            ReceiptLine(
                service.name if service else translate("payments", "Medical services"),
                detail,
                amount,
            ),
        ),
        amount=amount,
        method_title=method_title(payment.method),
        paid_at=payment.paid_at.astimezone(zone),
        cashier=cashier.full_name if cashier else None,
        fiscal_status=fiscal.register().status(),
        reason=payment.reason,
    )


def receipt_pdf(db: sessionmaker[Session], actor: Actor, payment_id: int) -> bytes:
    """The receipt of ``payment_id`` as a PDF; the printing is journaled."""
    require(actor, Permission.TAKE_PAYMENTS)
    with db() as session, session.begin():
        data = receipt_data(session, actor, payment_id)
        journal.record(
            session, "print", actor=actor, entity="payment", entity_id=payment_id,
            details="receipt",
        )  # fmt: skip
    return render_receipt(data)
