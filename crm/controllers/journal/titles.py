"""The journal's names for its actions, kinds of object, outcomes and fields.

Part of :mod:`crm.controllers.journal.words` (which re-exports them): the long tables of
words live here so that the module that reads the journal stays readable.
"""

from __future__ import annotations

from crm.controllers.printing import formats
from crm.i18n import translate

DASH = "—"


def action_titles() -> dict[str, str]:
    """Every journaled action in words (built per call: the language may change)."""
    return {
        "create": translate("journal", "creation"),
        "update": translate("journal", "change"),
        "delete": translate("journal", "deletion"),
        "status": translate("journal", "status change"),
        "cancel": translate("journal", "cancellation"),
        "call": translate("journal", "call to the patient"),
        "send": translate("journal", "sending a notice"),
        "retry": translate("journal", "notice queued again"),
        "reset": translate("journal", "back to the standard text"),
        "reschedule": translate("journal", "rescheduling"),
        "check_in": translate("journal", "check-in"),
        "hold": translate("journal", "moved to the holding tray"),
        "release": translate("journal", "back from the holding tray"),
        "book": translate("journal", "booking"),
        "offer": translate("journal", "time offered"),
        "accept": translate("journal", "offer accepted"),
        "decline": translate("journal", "offer declined"),
        "offer_expired": translate("journal", "offer unanswered, passed on"),
        "offer_lapsed": translate("journal", "offered time passed"),
        "offer_lost": translate("journal", "offered time taken meanwhile"),
        "offer_withdrawn": translate("journal", "offer withdrawn: the time was overbooked"),
        "approve": translate("journal", "approval"),
        "reject": translate("journal", "rejection"),
        "extend": translate("journal", "extension"),
        "consent_given": translate("journal", "consent given"),
        "consent_revoked": translate("journal", "consent revoked"),
        "read_identity": translate("journal", "identity documents viewed"),
        "document_opened": translate("journal", "medical document opened"),
        "withdraw": translate("journal", "withdrawal"),
        "import": translate("journal", "import"),
        "export": translate("journal", "export"),
        "print": translate("journal", "printing"),
        "login": translate("journal", "log in"),
        "login_failed": translate("journal", "failed login"),
        "logout": translate("journal", "log out"),
        "password_changed": translate("journal", "password change"),
        "role_changed": translate("journal", "role change"),
        "deactivate": translate("journal", "account deactivated"),
        "reactivate": translate("journal", "account reactivated"),
        "unlock": translate("journal", "lockout lifted"),
        "token_issued": translate("journal", "command-line token issued"),
        "token_revoked": translate("journal", "command-line token revoked"),
        "demo_loaded": translate("journal", "demo clinic loaded"),
        "refund": translate("journal", "refund"),
        "answer": translate("journal", "answer to feedback"),
        "bonus_correction": translate("journal", "bonus points corrected"),
        "bonus_expiry": translate("journal", "bonus points expired"),
    }


def action_title(action: str) -> str:
    """``action`` in words (the key itself if unknown)."""
    return action_titles().get(action, action)


def entity_titles() -> dict[str, str]:
    """What a journal entry can be about, in words."""
    return {
        "app_user": translate("journal", "user"),
        "patient": translate("journal", "patient card"),
        "appointment": translate("journal", "appointment"),
        "referral": translate("journal", "referral"),
        "issuing_organisation": translate("journal", "issuing organisation"),
        "doctor": translate("journal", "doctor"),
        "schedule_template": translate("journal", "working hours"),
        "schedule_exception": translate("journal", "schedule exception"),
        "waiting_list_entry": translate("journal", "waiting list"),
        "call_task": translate("journal", "call list"),
        "outbox_message": translate("journal", "notice to a patient"),
        "notice_settings": translate("journal", "notification settings"),
        "notice_template": translate("journal", "text of a notice"),
        "priority_request": translate("journal", "priority request"),
        "report": translate("journal", "report"),
        "clinic_setting": translate("journal", "clinic settings"),
        "payment": translate("journal", "payment"),
        "feedback": translate("journal", "rating"),
        "medical_document": translate("journal", "medical document"),
        "service": translate("journal", "service"),
        "clinic_profile": translate("journal", "clinic details"),
        "backup_schedule": translate("journal", "backup schedule"),
        "notify_channels": translate("journal", "notification channels"),
        "branch": translate("journal", "branch"),
        "room": translate("journal", "room"),
        "specialty": translate("journal", "specialty"),
        "service_price": translate("journal", "price"),
    }


def entity_title(entity: str | None) -> str:
    """``entity`` in words (``—`` for none, the key itself if unknown)."""
    if not entity:
        return DASH
    return entity_titles().get(entity, entity)


def outcome_title(outcome: str) -> str:
    """Whether the action went through, in words."""
    titles = {
        "ok": translate("journal", "done"),
        "refused": translate("journal", "refused"),
        "failed": translate("journal", "failed"),
    }
    return titles.get(outcome, outcome)


def field_titles() -> dict[str, str]:
    """Every journaled field in words, in the order an entry's changes are listed."""
    return {
        # Appointments (and the filters of an exported report).
        "status": translate("journal", "Status"),
        "attempts": translate("journal", "Attempts"),
        "reminders": translate("journal", "Reminders"),
        "quiet_from": translate("journal", "No SMS from"),
        "quiet_to": translate("journal", "No SMS until"),
        "max_attempts": translate("journal", "Tries before «not delivered»"),
        # The notification channels (secrets appear only as «***»).
        "smtp_host": translate("journal", "SMTP server"),
        "smtp_port": translate("journal", "SMTP port"),
        "smtp_security": translate("journal", "SMTP security"),
        "smtp_username": translate("journal", "SMTP login"),
        "smtp_password": translate("journal", "SMTP password"),
        "smtp_sender": translate("journal", "E-mail from"),
        "sms_provider": translate("journal", "SMS provider"),
        "sms_url": translate("journal", "SMS gateway address"),
        "sms_token": translate("journal", "SMS gateway token"),
        "sms_sender": translate("journal", "SMS sender name"),
        "email_per_minute": translate("journal", "E-mails per minute"),
        "sms_per_minute": translate("journal", "SMS per minute"),
        "subject": translate("journal", "Subject"),
        "body": translate("journal", "Text"),
        "kind": translate("journal", "Kind"),
        "starts_at": translate("journal", "Start"),
        "ends_at": translate("journal", "End"),
        "doctor_id": translate("journal", "Doctor"),
        "patient_id": translate("journal", "Patient"),
        "room_id": translate("journal", "Room"),
        "referral_id": translate("journal", "Referral"),
        "service_id": translate("journal", "Service"),
        "in_holding_tray": translate("journal", "In the holding tray"),
        "overbooked": translate("journal", "Over the schedule"),
        "overbook_reason": translate("journal", "Reason for overbooking"),
        "rescheduled_from_id": translate("journal", "Moved from"),
        "replaced_by": translate("journal", "Moved to"),
        "cancelled_by": translate("journal", "Cancelled by"),
        "cancel_reason": translate("journal", "Reason for cancelling"),
        "video_link": translate("journal", "Video link"),
        # Working hours.
        "weekday": translate("journal", "Weekday"),
        "starts": translate("journal", "From"),
        "ends": translate("journal", "To"),
        "valid_from": translate("journal", "Valid from"),
        "valid_to": translate("journal", "Valid to"),
        "works_on_holidays": translate("journal", "Works on holidays"),
        "doctor_specialty": translate("journal", "Doctor's specialty"),
        "reason": translate("journal", "Reason"),
        # Referrals and their organisations.
        "number": translate("journal", "Number"),
        "organisation_id": translate("journal", "Issued by"),
        "specialty_id": translate("journal", "Specialty"),
        "diagnosis_code": translate("journal", "Diagnosis (ICD-10)"),
        "issued_on": translate("journal", "Issued on"),
        "valid_days": translate("journal", "Valid, days"),
        "issuing_doctor": translate("journal", "Referring doctor"),
        "name": translate("journal", "Name"),
        "ogrn": translate("journal", "OGRN"),
        # The waiting list and priority requests.
        "wished_from": translate("journal", "Wished from"),
        "wished_to": translate("journal", "Wished to"),
        "channel": translate("journal", "Contact by"),
        "offered_doctor_id": translate("journal", "Doctor offered"),
        "offered_starts_at": translate("journal", "Time offered"),
        "appointment_id": translate("journal", "Appointment"),
        # Payments and bonus points.
        "method": translate("journal", "Payment method"),
        "refund_of_id": translate("journal", "Refund of payment"),
        "rating": translate("journal", "Rating"),
        "comment": translate("journal", "Comment"),
        "answer": translate("journal", "Answer"),
        "points": translate("journal", "Bonus points"),
        "accrual_percent": translate("journal", "Points accrued, %"),
        "max_share_percent": translate("journal", "Largest share in points, %"),
        "expiry_days": translate("journal", "Points expire after, days"),
        "decision_reason": translate("journal", "Reason for the decision"),
        # The patient's card.
        "last_name": translate("journal", "Last name"),
        "first_name": translate("journal", "First name"),
        "patronymic": translate("journal", "Patronymic"),
        "birth_date": translate("journal", "Birth date"),
        "sex": translate("journal", "Sex"),
        "phone": translate("journal", "Phone"),
        "email": translate("journal", "E-mail"),
        "address": translate("journal", "Address"),
        "snils": translate("journal", "SNILS"),
        "passport": translate("journal", "Passport"),
        "other_document": translate("journal", "Other document"),
        "policy_kind": translate("journal", "Policy kind"),
        "policy_series": translate("journal", "Policy series"),
        "policy_number": translate("journal", "Policy number"),
        "policy_ends_on": translate("journal", "Policy valid until"),
        "insurer_id": translate("journal", "Insurer"),
        "consent_personal_data": translate("journal", "Consent to personal data processing"),
        "consent_sms": translate("journal", "Consent to SMS"),
        "consent_email": translate("journal", "Consent to e-mail"),
        "note": translate("journal", "Note"),
        # Users, settings, exports.
        "login": translate("journal", "Login"),
        "role": translate("journal", "Role"),
        "full_name": translate("journal", "Full name"),
        "active": translate("journal", "Active"),
        "locked_until": translate("journal", "Locked until"),
        "failed_attempts": translate("journal", "Failed login attempts"),
        formats.TICKET_FORMAT: translate("journal", "Ticket format"),
        "report": translate("journal", "Report"),
        "from": translate("journal", "Period from"),
        "to": translate("journal", "Period to"),
        "branch_id": translate("journal", "Branch"),
        "rows": translate("journal", "Rows"),
        # The clinic's details and its directories.
        "short_name": translate("journal", "Short name"),
        "licence": translate("journal", "Licence"),
        "timezone": translate("journal", "Timezone"),
        "ticket_format": translate("journal", "Ticket paper"),
        # The backup schedule.
        "enabled": translate("journal", "Daily backup on"),
        "time": translate("journal", "Backup time"),
        "keep": translate("journal", "Backups kept"),
        "folder": translate("journal", "Backup folder"),
        "code": translate("journal", "Code"),
        "is_service": translate("journal", "Diagnostic service"),
        "alternatives": translate("journal", "Alternatives"),
        "referral_days": translate("journal", "Referral valid, days"),
        "referral_max_days": translate("journal", "Longest extension, days"),
        "category": translate("journal", "Qualification category"),
        "degree": translate("journal", "Academic degree"),
        "licence_number": translate("journal", "Licence number"),
        "default_room_id": translate("journal", "Default room"),
        "offers_remote": translate("journal", "Remote consultations"),
        "slot_minutes": translate("journal", "Slot length, minutes"),
        "user_id": translate("journal", "Program login"),
        "duration_slots": translate("journal", "Duration, slots"),
        "description": translate("journal", "Description"),
        "oms": translate("journal", "Under OMS"),
        "nomenclature_code": translate("journal", "Nomenclature code"),
        "amount": translate("journal", "Price"),
        # Medical documents.
        "title": translate("journal", "Title"),
        "file_name": translate("journal", "File"),
        "document_date": translate("journal", "Document date"),
        "author": translate("journal", "Author"),
        "withdraw_reason": translate("journal", "Reason for withdrawal"),
        "document_size_limit": translate("journal", "Largest document, MB"),
        "video_link_template": translate("journal", "Video link template"),
    }


def field_title(name: str) -> str:
    """A journaled field's name in words (the key itself if unknown)."""
    return field_titles().get(name, name)
