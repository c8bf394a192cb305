"""The shared vocabulary: kinds, statuses and roles in words, said once for every domain.

The schedule, the referrals, the journal, the printouts and the reports all name an
appointment's kind or a referral's status; each title lives here, below all of them,
so that the same thing reads the same everywhere. Pure functions over the enums of
:mod:`crm.models.enums`; imports nothing of the controllers.
"""

from __future__ import annotations

from crm.i18n import translate
from crm.models.enums import (
    AcademicDegree,
    AppointmentKind,
    AppointmentStatus,
    DocumentKind,
    ExceptionKind,
    PriorityStatus,
    QualificationCategory,
    ReferralKind,
    ReferralStatus,
    Role,
    WaitingStatus,
)
from crm.reports.paper import TicketFormat

P = PriorityStatus
RS = ReferralStatus
S = AppointmentStatus
W = WaitingStatus


def appointment_kind_title(kind: AppointmentKind) -> str:
    """A kind of appointment in words."""
    titles = {
        AppointmentKind.REFERRAL: translate("appointment_history", "by referral (OMS)"),
        AppointmentKind.PAID: translate("appointment_history", "paid"),
        AppointmentKind.FOLLOW_UP: translate("appointment_history", "follow-up"),
        AppointmentKind.REMOTE: translate("appointment_history", "telemedicine"),
    }
    return titles[kind]


def appointment_status_title(status: AppointmentStatus) -> str:
    """The status's name in the current language."""
    titles = {
        S.BOOKED: translate("booking", "booked"),
        S.ARRIVED: translate("booking", "arrived"),
        S.IN_PROGRESS: translate("booking", "in progress"),
        S.COMPLETED: translate("booking", "completed"),
        S.NO_SHOW: translate("booking", "no-show"),
        S.CANCELLED: translate("booking", "cancelled"),
        S.RESCHEDULED: translate("booking", "rescheduled"),
    }
    return titles[status]


def referral_kind_title(kind: ReferralKind) -> str:
    """The kind's name in the current language."""
    titles = {
        ReferralKind.STANDARD: translate("referrals", "standard"),
        ReferralKind.THERAPIST: translate("referrals", "from a therapist"),
        ReferralKind.LONG_TERM: translate("referrals", "long-term treatment"),
        ReferralKind.EMERGENCY: translate("referrals", "emergency"),
    }
    return titles[kind]


def document_kind_title(kind: DocumentKind) -> str:
    """A medical document's kind in the current language."""
    titles = {
        DocumentKind.EXAMINATION: translate("medical", "examination result"),
        DocumentKind.ANALYSIS: translate("medical", "analysis"),
        DocumentKind.IMAGE: translate("medical", "image"),
        DocumentKind.CONCLUSION: translate("medical", "conclusion"),
        DocumentKind.DISCHARGE: translate("medical", "discharge summary"),
        DocumentKind.OTHER: translate("medical", "other"),
    }
    return titles[kind]


def referral_status_title(status: ReferralStatus) -> str:
    """The status's name in the current language."""
    titles = {
        RS.ACTIVE: translate("referrals", "active"),
        RS.USED: translate("referrals", "used"),
        RS.CLOSED: translate("referrals", "closed"),
        RS.EXPIRED: translate("referrals", "expired"),
        RS.CANCELLED: translate("referrals", "cancelled"),
    }
    return titles[status]


def priority_status_title(status: PriorityStatus) -> str:
    """The status's name in the current language."""
    titles = {
        P.PENDING: translate("priority", "awaiting a manager's decision"),
        P.APPROVED: translate("priority", "approved, to be booked"),
        P.REJECTED: translate("priority", "rejected"),
        P.BOOKED: translate("priority", "booked"),
    }
    return titles[status]


def waiting_status_title(status: WaitingStatus | str) -> str:
    """A waiting-list entry's status in the current language."""
    titles = {
        W.WAITING: translate("WaitingLabels", "waiting"),
        W.OFFERED: translate("WaitingLabels", "time offered"),
        W.BOOKED: translate("WaitingLabels", "booked"),
        W.CANCELLED: translate("WaitingLabels", "removed"),
    }
    return titles.get(WaitingStatus(status), str(status))


def exception_title(kind: ExceptionKind) -> str:
    """What an exception's kind is called on screen."""
    return {
        ExceptionKind.VACATION: translate("hours", "Vacation"),
        ExceptionKind.SICK_LEAVE: translate("hours", "Sick leave"),
        ExceptionKind.TRAINING: translate("hours", "Training"),
        ExceptionKind.BLOCKED: translate("hours", "Blocked hours"),
        ExceptionKind.EXTRA_WORK: translate("hours", "Extra work"),
    }[kind]


def role_title(role: Role) -> str:
    """The role's name in the current language."""
    titles = {
        Role.REGISTRAR: translate("roles", "registrar"),
        Role.DOCTOR: translate("roles", "doctor"),
        Role.MANAGER: translate("roles", "manager"),
        Role.ADMIN: translate("roles", "administrator"),
    }
    return titles[role]


def category_title(category: QualificationCategory) -> str:
    """A doctor's qualification category in words."""
    titles = {
        QualificationCategory.HIGHEST: translate("vocabulary", "highest"),
        QualificationCategory.FIRST: translate("vocabulary", "first"),
        QualificationCategory.SECOND: translate("vocabulary", "second"),
        QualificationCategory.NONE: translate("vocabulary", "none"),
    }
    return titles[QualificationCategory(category)]


def degree_title(degree: AcademicDegree) -> str:
    """A doctor's academic degree in words."""
    titles = {
        AcademicDegree.CANDIDATE: translate("vocabulary", "Candidate of Medical Sciences"),
        AcademicDegree.DOCTOR: translate("vocabulary", "Doctor of Medical Sciences"),
        AcademicDegree.NONE: translate("vocabulary", "none"),
    }
    return titles[AcademicDegree(degree)]


def ticket_format_title(fmt: TicketFormat) -> str:
    """A ticket paper's name in words."""
    titles = {
        TicketFormat.ROLL80: translate("tickets", "80 mm receipt roll"),
        TicketFormat.A6: translate("tickets", "A6 sheet"),
        TicketFormat.A5: translate("tickets", "A5 sheet"),
    }
    return titles[TicketFormat(fmt)]


def permission_title(permission: str) -> str:
    """What a capability (``crm.controllers.access.permissions.Permission``, by its
    value) allows, in words that finish «… не разрешено: …»; never the code itself."""
    titles = {
        "find_patients": translate("permissions", "finding patients"),
        "edit_patients": translate("permissions", "editing patient cards"),
        "read_identity_documents": translate("permissions", "viewing identity documents"),
        "read_medical_documents": translate("permissions", "reading medical documents"),
        "write_medical_documents": translate("permissions", "adding medical documents"),
        "register_referrals": translate("permissions", "registering referrals"),
        "extend_referrals": translate("permissions", "extending referrals"),
        "book_any_doctor": translate("permissions", "booking appointments"),
        "book_own_schedule": translate("permissions", "working in one's own schedule"),
        "check_in": translate("permissions", "checking patients in"),
        "mark_visits": translate("permissions", "marking visits"),
        "print": translate("permissions", "printing"),
        "override_rules": translate("permissions", "overriding the booking rules"),
        "undo_status": translate("permissions", "undoing a visit's status"),
        "manage_schedules": translate("permissions", "managing working hours"),
        "manage_services": translate("permissions", "managing services and prices"),
        "reports": translate("permissions", "reports"),
        "read_journal": translate("permissions", "reading the journal"),
        "manage_users": translate("permissions", "managing users"),
        "manage_settings": translate("permissions", "changing the clinic's settings"),
        "manage_directories": translate("permissions", "editing the clinic's directories"),
        "take_payments": translate("permissions", "taking payments"),
        "refund_payments": translate("permissions", "refunding payments"),
        "record_feedback": translate("permissions", "recording patients' ratings"),
        "manage_bonus": translate("permissions", "managing bonus points and feedback"),
        "manage_notifications": translate("permissions", "managing notices to patients"),
        "manage_feedback": translate("permissions", "reading and answering patients' ratings"),
    }
    return titles.get(str(permission), translate("permissions", "this action"))


def what_to_bring(kind: AppointmentKind, has_referral: bool) -> tuple[str, ...]:
    """What the patient brings to the visit, in words (nothing for a remote one)."""
    if kind is AppointmentKind.REMOTE:
        return ()
    bring = [translate("tickets", "passport")]
    if kind is AppointmentKind.REFERRAL:
        bring.append(translate("tickets", "OMS policy"))
    if has_referral:
        bring.append(translate("tickets", "the referral"))
    if kind is AppointmentKind.FOLLOW_UP:
        bring.append(translate("tickets", "results of earlier examinations"))
    return tuple(bring)
