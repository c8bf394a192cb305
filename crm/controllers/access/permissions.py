"""What each role may do (DOMAIN.md, People who use it), checked in every controller."""

from __future__ import annotations

import enum

from crm.controllers.context import Actor
from crm.controllers.errors import PermissionDenied
from crm.controllers.vocabulary import permission_title, role_title
from crm.i18n import translate
from crm.models.enums import Role


class Permission(enum.StrEnum):
    """A capability a controller checks before acting."""

    FIND_PATIENTS = "find_patients"
    EDIT_PATIENTS = "edit_patients"
    READ_IDENTITY_DOCUMENTS = "read_identity_documents"
    READ_MEDICAL_DOCUMENTS = "read_medical_documents"
    WRITE_MEDICAL_DOCUMENTS = "write_medical_documents"
    REGISTER_REFERRALS = "register_referrals"
    EXTEND_REFERRALS = "extend_referrals"
    BOOK_ANY_DOCTOR = "book_any_doctor"
    BOOK_OWN_SCHEDULE = "book_own_schedule"
    CHECK_IN = "check_in"
    MARK_VISITS = "mark_visits"
    PRINT = "print"
    OVERRIDE_RULES = "override_rules"  # 24 h rule, overbooking, back-dated records
    UNDO_STATUS = "undo_status"
    MANAGE_SCHEDULES = "manage_schedules"
    MANAGE_SERVICES = "manage_services"
    REPORTS = "reports"
    READ_JOURNAL = "read_journal"
    MANAGE_USERS = "manage_users"
    MANAGE_SETTINGS = "manage_settings"
    MANAGE_DIRECTORIES = "manage_directories"  # branches, rooms, specialties, doctors, prices
    TAKE_PAYMENTS = "take_payments"  # payments, bonus spends, receipts at the desk
    REFUND_PAYMENTS = "refund_payments"
    RECORD_FEEDBACK = "record_feedback"
    MANAGE_BONUS = "manage_bonus"  # the bonus rules, manual corrections
    MANAGE_NOTIFICATIONS = "manage_notifications"  # the outbox: retry, cancel
    MANAGE_FEEDBACK = "manage_feedback"  # the ratings' register, answering low ratings


_REGISTRAR = {
    Permission.FIND_PATIENTS,
    Permission.EDIT_PATIENTS,
    Permission.READ_IDENTITY_DOCUMENTS,
    Permission.REGISTER_REFERRALS,
    Permission.BOOK_ANY_DOCTOR,
    Permission.CHECK_IN,
    Permission.PRINT,
    Permission.TAKE_PAYMENTS,
    Permission.RECORD_FEEDBACK,
}
_DOCTOR = {
    Permission.FIND_PATIENTS,
    Permission.READ_MEDICAL_DOCUMENTS,
    Permission.WRITE_MEDICAL_DOCUMENTS,
    Permission.EXTEND_REFERRALS,
    Permission.BOOK_OWN_SCHEDULE,
    Permission.MARK_VISITS,
    Permission.PRINT,
}
_MANAGER = _REGISTRAR | {
    Permission.READ_MEDICAL_DOCUMENTS,
    Permission.WRITE_MEDICAL_DOCUMENTS,
    Permission.MARK_VISITS,
    Permission.OVERRIDE_RULES,
    Permission.UNDO_STATUS,
    Permission.MANAGE_SCHEDULES,
    Permission.MANAGE_SERVICES,
    Permission.REPORTS,
    Permission.READ_JOURNAL,
    Permission.MANAGE_DIRECTORIES,
    Permission.REFUND_PAYMENTS,
    Permission.MANAGE_BONUS,
    Permission.MANAGE_NOTIFICATIONS,
    Permission.MANAGE_FEEDBACK,
}
_ADMIN = {
    Permission.MANAGE_USERS,
    Permission.MANAGE_SETTINGS,
    Permission.MANAGE_DIRECTORIES,
    Permission.READ_JOURNAL,
}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.REGISTRAR: frozenset(_REGISTRAR),
    Role.DOCTOR: frozenset(_DOCTOR),
    Role.MANAGER: frozenset(_MANAGER),
    Role.ADMIN: frozenset(_ADMIN),
}


def allowed(actor: Actor, permission: Permission) -> bool:
    """Whether ``actor``'s role grants ``permission``."""
    return permission in ROLE_PERMISSIONS[actor.role]


def in_own_schedule(actor: Actor, doctor_id: int | None) -> bool:
    """Whether ``doctor_id``'s schedule is one ``actor`` works in: any doctor's for the
    desk and managers, the own for a doctor."""
    return allowed(actor, Permission.BOOK_ANY_DOCTOR) or (
        actor.doctor_id is not None and actor.doctor_id == doctor_id
    )


def schedule_limited_to(actor: Actor) -> int | None:
    """The one doctor whose schedule ``actor`` works in (a doctor without the desk's
    rights), or ``None``: not limited to one."""
    return None if allowed(actor, Permission.BOOK_ANY_DOCTOR) else actor.doctor_id


def require(actor: Actor, permission: Permission) -> None:
    """Raise :class:`PermissionDenied` unless ``actor`` has ``permission``."""
    if not allowed(actor, permission):
        raise PermissionDenied(
            translate("permissions", "Your role ({role}) may not do this: {permission}").format(
                role=role_title(actor.role), permission=permission_title(permission)
            )
        )
