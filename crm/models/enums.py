"""Enumerations shared by models, controllers and views (values are stored as text)."""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    """What a user may do (DOMAIN.md, People who use it)."""

    REGISTRAR = "registrar"
    DOCTOR = "doctor"
    MANAGER = "manager"
    ADMIN = "admin"


class Sex(enum.StrEnum):
    MALE = "male"
    FEMALE = "female"


class PolicyKind(enum.StrEnum):
    """Kinds of ОМС policy."""

    UNIFIED = "unified"  # ЕНП, 16 digits with a Luhn check digit
    OLD = "old"  # series + number
    TEMPORARY = "temporary"  # временное свидетельство, 9 digits, with an end date


class OtherDocumentKind(enum.StrEnum):
    BIRTH_CERTIFICATE = "birth_certificate"
    FOREIGN_PASSPORT = "foreign_passport"
    OTHER = "other"


class ConsentKind(enum.StrEnum):
    PERSONAL_DATA = "personal_data"
    SMS = "sms"
    EMAIL = "email"


class QualificationCategory(enum.StrEnum):
    HIGHEST = "highest"
    FIRST = "first"
    SECOND = "second"
    NONE = "none"


class AcademicDegree(enum.StrEnum):
    CANDIDATE = "candidate"  # к.м.н.
    DOCTOR = "doctor"  # д.м.н.
    NONE = "none"


class ExceptionKind(enum.StrEnum):
    """Why a doctor is not available (schedule exceptions)."""

    VACATION = "vacation"
    SICK_LEAVE = "sick_leave"
    TRAINING = "training"
    BLOCKED = "blocked"
    EXTRA_WORK = "extra_work"  # works on a day the template or calendar says is off


class ReferralKind(enum.StrEnum):
    STANDARD = "standard"
    THERAPIST = "therapist"
    LONG_TERM = "long_term"
    EMERGENCY = "emergency"


class ReferralStatus(enum.StrEnum):
    ACTIVE = "active"
    USED = "used"
    CLOSED = "closed"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


class AppointmentKind(enum.StrEnum):
    REFERRAL = "referral"  # ОМС, by referral
    PAID = "paid"
    FOLLOW_UP = "follow_up"
    REMOTE = "remote"  # телемедицина


class AppointmentStatus(enum.StrEnum):
    BOOKED = "booked"
    ARRIVED = "arrived"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"
    RESCHEDULED = "rescheduled"  # replaced by the appointment that links back to it


#: Statuses that no longer hold a slot; the exclusion constraints ignore them.
RELEASED_STATUSES = (AppointmentStatus.CANCELLED, AppointmentStatus.RESCHEDULED)


class CancelledBy(enum.StrEnum):
    PATIENT = "patient"
    CLINIC = "clinic"


class WaitingStatus(enum.StrEnum):
    WAITING = "waiting"
    OFFERED = "offered"
    BOOKED = "booked"
    CANCELLED = "cancelled"


class ContactChannel(enum.StrEnum):
    PHONE = "phone"
    SMS = "sms"
    EMAIL = "email"


class PriorityStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    BOOKED = "booked"


class NotificationChannel(enum.StrEnum):
    EMAIL = "email"
    SMS = "sms"


class NotificationStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # gave up after the last retry («не доставлено»)
    CANCELLED = "cancelled"  # not sent: no longer true (a reminder of a cancelled visit)
    WITHDRAWN = "withdrawn"  # taken back before it was sent (an offer of time since taken)


class CallStatus(enum.StrEnum):
    """A task on the registrar's call list (a patient who asked to be phoned)."""

    OPEN = "open"
    REACHED = "reached"  # «позвонил»
    NO_ANSWER = "no_answer"  # «не дозвонился»
    WITHDRAWN = "withdrawn"  # not to be made: the offer it was about has ended


class DocumentKind(enum.StrEnum):
    EXAMINATION = "examination"  # результат обследования
    ANALYSIS = "analysis"  # анализ
    IMAGE = "image"  # снимок
    CONCLUSION = "conclusion"  # заключение
    DISCHARGE = "discharge"  # выписка
    OTHER = "other"


class TaskStatus(enum.StrEnum):
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


class PaymentMethod(enum.StrEnum):
    CASH = "cash"
    CARD = "card"
    TRANSFER = "transfer"
    BONUS = "bonus"


class MessageDirection(enum.StrEnum):
    FROM_PATIENT = "from_patient"
    TO_PATIENT = "to_patient"


class JournalOutcome(enum.StrEnum):
    OK = "ok"
    REFUSED = "refused"
    FAILED = "failed"
