"""Recording a patient's rating and answering the low ones.

A rating is about a visit (its doctor and patient follow from the appointment), a
doctor, or the clinic (neither given). A rating of 2 or less goes to the manager's
queue: :func:`manager_queue` lists those not answered yet, :func:`answer` closes one.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from crm.controllers import journal
from crm.controllers.access.permissions import Permission, require
from crm.controllers.context import Actor
from crm.controllers.errors import NotFound, ValidationError
from crm.i18n import translate
from crm.models import Appointment, Doctor, Feedback, Patient

#: Ratings at or below this wait for a manager's answer.
LOW_RATING = 2
COMMENT_MAX = 2000


class Subject(enum.StrEnum):
    """What a rating is about."""

    VISIT = "visit"
    DOCTOR = "doctor"
    CLINIC = "clinic"


@dataclass(frozen=True)
class FeedbackRow:
    """A rating as the register and the queue show it."""

    id: int
    subject: Subject
    rating: int
    comment: str | None
    patient_id: int | None
    doctor_id: int | None
    appointment_id: int | None
    created_at: dt.datetime
    needs_answer: bool
    answer: str | None


def _field(field: str, message: str) -> ValidationError:
    titles = {
        "rating": translate("feedback", "Rating"),
        "comment": translate("feedback", "Comment"),
        "answer": translate("feedback", "Answer"),
        "doctor_id": translate("feedback", "Doctor"),
        "patient_id": translate("feedback", "Patient"),
        "appointment_id": translate("feedback", "Appointment"),
    }
    return ValidationError(f"{titles[field]}: {message}", field=field)


def clean_rating(value: int | str) -> int:
    """A whole rating from 1 to 5, or a refusal naming the field."""
    text = str(value).strip()
    if isinstance(value, bool) or not text.isdigit() or not 1 <= int(text) <= 5:  # noqa: PLR2004
        raise _field("rating", translate("feedback", "a whole number from 1 to 5"))
    return int(text)


def subject_of(appointment_id: int | None, doctor_id: int | None) -> Subject:
    """What a rating with this visit and doctor is about."""
    if appointment_id is not None:
        return Subject.VISIT
    return Subject.DOCTOR if doctor_id is not None else Subject.CLINIC


def _row(row: Feedback) -> FeedbackRow:
    subject = subject_of(row.appointment_id, row.doctor_id)
    return FeedbackRow(
        row.id, subject, row.rating, row.comment, row.patient_id, row.doctor_id,
        row.appointment_id, row.created_at,
        row.rating <= LOW_RATING and row.answered_at is None, row.answer,
    )  # fmt: skip


def record_feedback(
    db: sessionmaker[Session],
    actor: Actor,
    *,
    rating: int | str,
    comment: str | None = None,
    appointment_id: int | None = None,
    doctor_id: int | None = None,
    patient_id: int | None = None,
) -> FeedbackRow:
    """Record a rating from the desk; journaled.

    Raises:
        PermissionDenied: the role records no feedback.
        ValidationError: naming the field: the rating, a long comment, a doctor or
            patient other than the visit's, or unknown ones.
    """
    require(actor, Permission.RECORD_FEEDBACK)
    score = clean_rating(rating)
    text = (comment or "").strip() or None
    if text and len(text) > COMMENT_MAX:
        raise _field(
            "comment", translate("feedback", "at most {n} characters").format(n=COMMENT_MAX)
        )
    with db() as session, session.begin():
        if appointment_id is not None:
            visit = session.get(Appointment, appointment_id)
            if visit is None:
                raise NotFound(translate("feedback", "No such appointment"), field="appointment_id")
            if doctor_id is not None and doctor_id != visit.doctor_id:
                raise _field("doctor_id", translate("feedback", "not the visit's doctor"))
            if patient_id is not None and patient_id != visit.patient_id:
                raise _field("patient_id", translate("feedback", "not the visit's patient"))
            doctor_id, patient_id = visit.doctor_id, visit.patient_id
        if doctor_id is not None and session.get(Doctor, doctor_id) is None:
            raise NotFound(translate("feedback", "No such doctor"), field="doctor_id")
        if patient_id is not None and session.get(Patient, patient_id) is None:
            raise NotFound(translate("feedback", "No such patient"), field="patient_id")
        row = Feedback(
            rating=score, comment=text, appointment_id=appointment_id, doctor_id=doctor_id,
            patient_id=patient_id,
        )  # fmt: skip
        session.add(row)
        session.flush()
        journal.record(
            session, "create", actor=actor, entity="feedback", entity_id=row.id,
            changes=journal.diff({}, {"rating": score, "comment": text}),
        )  # fmt: skip
        return _row(row)


def manager_queue(db: sessionmaker[Session], actor: Actor) -> tuple[FeedbackRow, ...]:
    """Low ratings not answered yet, oldest first (manager)."""
    require(actor, Permission.MANAGE_FEEDBACK)
    with db() as session:
        rows = session.scalars(
            sa.select(Feedback)
            .where(Feedback.rating <= LOW_RATING, Feedback.answered_at.is_(None))
            .order_by(Feedback.created_at, Feedback.id)
        )
        return tuple(_row(r) for r in rows)


def answer(db: sessionmaker[Session], actor: Actor, feedback_id: int, text: str) -> FeedbackRow:
    """A manager's answer to a rating; it leaves the queue. Journaled."""
    require(actor, Permission.MANAGE_FEEDBACK)
    reply = " ".join(text.split())
    if not reply:
        raise _field("answer", translate("feedback", "write the answer"))
    with db() as session, session.begin():
        row = session.get(Feedback, feedback_id, with_for_update=True)
        if row is None:
            raise NotFound(translate("feedback", "No such feedback"), field="feedback_id")
        before = {"answer": row.answer}
        row.answer = reply
        row.answered_at = session.scalar(sa.select(sa.func.now()))
        journal.record(
            session, "answer", actor=actor, entity="feedback", entity_id=row.id,
            changes=journal.diff(before, {"answer": reply}),
        )  # fmt: skip
        return _row(row)
