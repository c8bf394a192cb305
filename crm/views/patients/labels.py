"""The words of the Patients section shared by the card, the conflict dialog and the tabs:
field names, and the names of stored values (sex, policy kinds, statuses, actions).

Built on each call, so a language switched after import is honoured; all in the
translation context ``CardLabels``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from PySide6.QtCore import QCoreApplication

from crm.controllers.validation import format_date, format_phone

DASH = "—"
translate = QCoreApplication.translate
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_E164 = re.compile(r"\+7[0-9]{10}")


def field_titles() -> dict[str, str]:
    """The card's field names by ``PatientForm`` attribute (and journal keys)."""
    return {
        "last_name": translate("CardLabels", "Last name"),
        "first_name": translate("CardLabels", "First name"),
        "patronymic": translate("CardLabels", "Patronymic"),
        "birth_date": translate("CardLabels", "Birth date"),
        "sex": translate("CardLabels", "Sex"),
        "phone": translate("CardLabels", "Phone"),
        "email": translate("CardLabels", "E-mail"),
        "address": translate("CardLabels", "Address"),
        "snils": translate("CardLabels", "SNILS"),
        "passport": translate("CardLabels", "Passport"),
        "passport_issued_on": translate("CardLabels", "Issue date"),
        "passport_subdivision": translate("CardLabels", "Subdivision code"),
        "passport_issued_by": translate("CardLabels", "Issued by"),
        "other_document_kind": translate("CardLabels", "Other document"),
        "other_document_number": translate("CardLabels", "Document number"),
        "other_document": translate("CardLabels", "Other document"),
        "policy_kind": translate("CardLabels", "Policy kind"),
        "policy_series": translate("CardLabels", "Policy series"),
        "policy_number": translate("CardLabels", "Policy number"),
        "policy_ends_on": translate("CardLabels", "Policy valid until"),
        "insurer_id": translate("CardLabels", "Insurer"),
        "note": translate("CardLabels", "Note"),
        "consent_personal_data": translate("CardLabels", "Consent to personal data processing"),
        "consent_sms": translate("CardLabels", "Consent to SMS"),
        "consent_email": translate("CardLabels", "Consent to e-mail"),
    }


def sex_names() -> dict[str, str]:
    """``male``/``female`` in words."""
    return {"male": translate("CardLabels", "male"), "female": translate("CardLabels", "female")}


def policy_kind_names() -> dict[str, str]:
    """Kinds of ОМС policy in words."""
    return {
        "unified": translate("CardLabels", "unified number (ENP)"),
        "old": translate("CardLabels", "old-style policy"),
        "temporary": translate("CardLabels", "temporary certificate"),
    }


def other_document_names() -> dict[str, str]:
    """Kinds of other identity documents in words."""
    return {
        "birth_certificate": translate("CardLabels", "birth certificate"),
        "foreign_passport": translate("CardLabels", "foreign passport"),
        "other": translate("CardLabels", "other document"),
    }


def consent_names() -> dict[str, str]:
    """Kinds of consent in words."""
    return {
        "personal_data": translate("CardLabels", "personal data processing"),
        "sms": translate("CardLabels", "SMS messages"),
        "email": translate("CardLabels", "e-mail messages"),
    }


def appointment_status_names() -> dict[str, str]:
    """Appointment statuses in words."""
    return {
        "booked": translate("CardLabels", "booked"),
        "arrived": translate("CardLabels", "arrived"),
        "in_progress": translate("CardLabels", "at the doctor's"),
        "completed": translate("CardLabels", "completed"),
        "no_show": translate("CardLabels", "did not come"),
        "cancelled": translate("CardLabels", "cancelled"),
        "rescheduled": translate("CardLabels", "rescheduled"),
    }


def appointment_kind_names() -> dict[str, str]:
    """Kinds of appointment in words."""
    return {
        "referral": translate("CardLabels", "OMS, by referral"),
        "paid": translate("CardLabels", "paid"),
        "follow_up": translate("CardLabels", "follow-up"),
        "remote": translate("CardLabels", "telemedicine"),
    }


def referral_status_names() -> dict[str, str]:
    """Referral statuses in words."""
    return {
        "active": translate("CardLabels", "active"),
        "used": translate("CardLabels", "used"),
        "closed": translate("CardLabels", "closed"),
        "expired": translate("CardLabels", "expired"),
        "cancelled": translate("CardLabels", "cancelled"),
    }


def show_value(field: str, value: Any, insurers: dict[int, str] | None = None) -> str:
    """A stored or typed value of ``field`` as the desk reads it (``—`` when empty).

    Dates in ISO become ``ДД.ММ.ГГГГ``, E.164 phones are grouped, enumerations are
    named in words, an insurer id becomes the insurer's name.
    """
    if value is None or value == "":
        return DASH
    if field == "insurer_id":
        return (insurers or {}).get(int(value), f"№ {value}")
    names: dict[str, str] = {}
    if field == "sex":
        names = sex_names()
    elif field == "policy_kind":
        names = policy_kind_names()
    elif field == "other_document_kind":
        names = other_document_names()
    if names:
        return names.get(str(value), str(value))
    if isinstance(value, dt.date):
        return format_date(value)
    text = str(value)
    if _ISO_DATE.fullmatch(text):
        return format_date(dt.date.fromisoformat(text))
    if _E164.fullmatch(text):
        return format_phone(text)
    return text
