"""The card reports every bad field in one round (issue 19, defect 6)."""

from __future__ import annotations

import datetime as dt

import pytest

from crm.controllers.patients.form import PatientForm, PatientInvalid, validate_form

TODAY = dt.date(2026, 12, 7)


def problems_of(form: PatientForm) -> dict[str, str]:
    with pytest.raises(PatientInvalid) as caught:
        validate_form(form, TODAY)
    return {problem.field: problem.message for problem in caught.value.problems}


def test_phone_snils_enp_and_a_future_passport_date_are_reported_together() -> None:
    form = PatientForm(
        last_name="Иванова",
        first_name="Мария",
        birth_date="01.02.1980",
        phone="12345",
        snils="112-233-445 00",
        passport="45 08 123456",
        passport_issued_on="01.01.2030",
        passport_subdivision="",
        passport_issued_by="",
        policy_kind="unified",
        policy_number="1234567890123456",
    )
    found = problems_of(form)
    assert {
        "phone",
        "snils",
        "policy_number",
        "passport_issued_on",
        "passport_subdivision",
        "passport_issued_by",
    } <= set(found), found
    assert "future" in found["passport_issued_on"] or "будущ" in found["passport_issued_on"]


def test_an_unreadable_issue_date_does_not_hide_the_other_passport_fields() -> None:
    form = PatientForm(
        last_name="Иванова",
        first_name="Мария",
        birth_date="01.02.1980",
        passport="45 08",
        passport_issued_on="31.02.20",
        passport_subdivision="77",
        passport_issued_by="ОВД",
    )
    found = problems_of(form)
    assert {"passport_series", "passport_issued_on", "passport_subdivision"} <= set(found), found
