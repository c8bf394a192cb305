"""The referral form: what the desk typed, checked field by field, all problems at once.

:func:`clean_form` turns a :class:`ReferralForm` into the referral's columns or raises
:class:`ReferralInvalid` listing every bad field in the form's order; the number is
stored in one standard form and must be new for its issuing organisation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from crm.controllers.errors import FieldProblem, FormInvalid, ValidationError
from crm.controllers.referrals import rules
from crm.controllers.validation import normalize_diagnosis_code
from crm.i18n import translate
from crm.models import IssuingOrganisation, Patient, Referral, Specialty
from crm.models.enums import ReferralKind

ISSUING_DOCTOR_MAX_LENGTH = 200
_FIELD_ORDER = ("number", "organisation_id", "patient_id", "specialty_id", "diagnosis_code",
                "kind", "issued_on", "valid_days", "issuing_doctor")  # fmt: skip


class ReferralInvalid(FormInvalid):
    """The form has bad fields; ``problems`` lists all of them, ``field`` is the first."""


@dataclass(frozen=True)
class ReferralForm:
    """A referral as typed on the form (ids chosen from the directories).

    Attributes:
        number: as on the document; stored canonical (``нп 0012`` → ``НП-0012``).
        organisation_id: the issuing organisation (:mod:`crm.controllers.referrals.organisations`).
        patient_id: the patient it was issued to.
        specialty_id: the target specialty or service.
        diagnosis_code: МКБ-10, e.g. ``I10`` or ``K29.7``.
        kind: standard, therapist, long-term or emergency.
        issued_on: the issue date (not in the future).
        emergency_days: for an emergency referral, the days written on it (7–30).
        issuing_doctor: who signed it (free text).
    """

    number: str
    organisation_id: int | None
    patient_id: int | None
    specialty_id: int | None
    diagnosis_code: str
    kind: ReferralKind | None
    issued_on: dt.date | None
    emergency_days: int | None = None
    issuing_doctor: str | None = None


# --- the form -----------------------------------------------------------------------------


def _labels() -> dict[str, str]:
    return {
        "number": translate("referrals", "Number"),
        "organisation_id": translate("referrals", "Issuing organisation"),
        "patient_id": translate("referrals", "Patient"),
        "specialty_id": translate("referrals", "Specialty"),
        "kind": translate("referrals", "Kind"),
        "issued_on": translate("referrals", "Issue date"),
        "valid_days": translate("referrals", "Days of validity"),
        "issuing_doctor": translate("referrals", "Issuing doctor"),
    }


def _problem(name: str, message: str, **values: object) -> FieldProblem:
    return FieldProblem(name, message.format(field=_labels().get(name, name), **values))


def clean_form(
    session: Session, form: ReferralForm, today: dt.date, *, own_id: int | None = None
) -> dict[str, Any]:
    """The referral's columns from ``form``, every field checked.

    Raises:
        ReferralInvalid: listing every bad field (``number``, ``organisation_id``,
            ``patient_id``, ``specialty_id``, ``diagnosis_code``, ``kind``, ``issued_on``,
            ``valid_days``, ``issuing_doctor``), in the form's order.
    """
    problems: list[FieldProblem] = []
    values: dict[str, Any] = {}
    required = translate("referrals", "{field}: required")

    number = rules.normalize_number(form.number)
    if not form.number.strip():
        problems.append(_problem("number", required))
    elif number is None:
        problems.append(_problem("number", translate(
            "referrals", "{field}: digits, or letters followed by digits (e.g. 0123456 or "
            "НП-001234)")))  # fmt: skip
    values["number"] = number

    for name, model in (("organisation_id", IssuingOrganisation), ("patient_id", Patient),
                        ("specialty_id", Specialty)):  # fmt: skip
        chosen = getattr(form, name)
        if chosen is None:
            problems.append(_problem(name, required))
        elif session.get(model, chosen) is None:
            problems.append(_problem(name, translate("referrals", "{field}: no longer exists")))
        values[name] = chosen

    try:
        values["diagnosis_code"] = normalize_diagnosis_code(form.diagnosis_code)
    except ValidationError as exc:
        problems.append(FieldProblem("diagnosis_code", exc.message))

    if form.kind is None:
        problems.append(_problem("kind", required))
    values["kind"] = form.kind

    if form.issued_on is None:
        problems.append(_problem("issued_on", required))
    elif form.issued_on > today:
        problems.append(
            _problem("issued_on", translate("referrals", "{field}: cannot be in the future"))
        )
    values["issued_on"] = form.issued_on

    if form.kind is not None:
        try:
            standard_days, _limit = rules.specialty_rules(session, form.specialty_id)
            values["valid_days"] = rules.validity_days(
                form.kind, form.emergency_days, standard_days=standard_days
            )
        except ValueError:
            low, high = rules.EMERGENCY_DAYS
            message = (
                translate(
                    "referrals", "{field}: an emergency referral is valid {low} to {high} days"
                )  # fmt: skip
                if form.kind is ReferralKind.EMERGENCY
                else translate(
                    "referrals", "{field}: only an emergency referral has its days set when issued"
                )  # fmt: skip
            )
            problems.append(_problem("valid_days", message, low=low, high=high))

    doctor = " ".join((form.issuing_doctor or "").split()) or None
    if doctor is not None and len(doctor) > ISSUING_DOCTOR_MAX_LENGTH:
        too_long = translate("referrals", "{field}: at most {n} characters")
        problems.append(_problem("issuing_doctor", too_long, n=ISSUING_DOCTOR_MAX_LENGTH))
    values["issuing_doctor"] = doctor

    if number is not None and form.organisation_id is not None:
        taken = sa.select(Referral.id).where(
            Referral.organisation_id == form.organisation_id, Referral.number == number
        )
        if own_id is not None:
            taken = taken.where(Referral.id != own_id)
        if session.scalar(taken) is not None:
            problems.append(number_taken())
    if problems:
        order = {name: i for i, name in enumerate(_FIELD_ORDER)}
        problems.sort(key=lambda p: order.get(p.field, len(order)))
        raise ReferralInvalid(problems)
    return values


def number_taken() -> FieldProblem:
    """The problem of a number its organisation already used (also raised on a lost race)."""
    return _problem(
        "number",
        translate(
            "referrals", "{field}: this organisation already issued a referral with this number"
        ),  # fmt: skip
    )
