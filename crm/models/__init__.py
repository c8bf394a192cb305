"""SQLAlchemy ORM models of the whole domain (no Qt, no business rules beyond constraints)."""

from crm.models.appointments import Appointment, PriorityRequest, WaitingListEntry
from crm.models.base import Base
from crm.models.clinic import (
    BackupRun,
    Branch,
    ClinicSetting,
    Doctor,
    Room,
    ScheduleException,
    ScheduleTemplate,
    Specialty,
    SpecialtyAlternative,
)
from crm.models.finance import BonusLedgerEntry, Feedback, Payment
from crm.models.journal import CallTask, JournalEntry, NoticeTemplate, OutboxMessage
from crm.models.medical import (
    DocumentContent,
    DocumentPart,
    EducationalMaterial,
    MedicalDocument,
    PatientMessage,
    TreatmentPlan,
    TreatmentTask,
)
from crm.models.patients import Insurer, Patient, PatientConsent, PatientSurname
from crm.models.referrals import IssuingOrganisation, Referral, ReferralExtension
from crm.models.services import Service, ServicePrice
from crm.models.users import User

__all__ = [
    "Appointment",
    "BackupRun",
    "Base",
    "BonusLedgerEntry",
    "Branch",
    "ClinicSetting",
    "Doctor",
    "EducationalMaterial",
    "Feedback",
    "Insurer",
    "IssuingOrganisation",
    "JournalEntry",
    "DocumentContent",
    "DocumentPart",
    "MedicalDocument",
    "NoticeTemplate",
    "OutboxMessage",
    "CallTask",
    "Patient",
    "PatientConsent",
    "PatientMessage",
    "PatientSurname",
    "Payment",
    "PriorityRequest",
    "Referral",
    "ReferralExtension",
    "Room",
    "ScheduleException",
    "ScheduleTemplate",
    "Service",
    "ServicePrice",
    "Specialty",
    "SpecialtyAlternative",
    "TreatmentPlan",
    "TreatmentTask",
    "User",
    "WaitingListEntry",
]
