"""A patient's card as typed, and its validation into values to store.

The form keeps every field as the text the registrar typed, so nothing is lost when a
save is refused; :func:`validate_form` checks all fields at once and returns every
problem with its field, so the editor can mark each one and focus the first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, fields

from crm.controllers.errors import FieldProblem, FormInvalid, ValidationError
from crm.controllers.validation import (
    Passport,
    Policy,
    check_birth_date,
    check_other_document,
    check_policy,
    check_typed_passport,
    normalize_person_name,
    normalize_phone,
    normalize_snils,
    parse_date,
)
from crm.i18n import translate
from crm.models.enums import OtherDocumentKind, PolicyKind, Sex

#: Field order of the editor: the first bad one in this order gets the focus.
FIELD_ORDER = (
    "last_name",
    "first_name",
    "patronymic",
    "birth_date",
    "sex",
    "phone",
    "email",
    "address",
    "snils",
    "passport_series",
    "passport_number",
    "passport_issued_on",
    "passport_subdivision",
    "passport_issued_by",
    "other_document_kind",
    "other_document_number",
    "policy_kind",
    "policy_series",
    "policy_number",
    "policy_ends_on",
    "insurer_id",
    "note",
)


@dataclass(frozen=True)
class PatientForm:
    """The card's fields as typed.

    Identity documents are ``None`` when the card was opened without revealing them
    (masked): ``None`` means "leave the stored value as it is", ``""`` means "clear it".
    """

    last_name: str = ""
    first_name: str = ""
    patronymic: str = ""
    birth_date: str = ""  # ДД.ММ.ГГГГ
    sex: str = ""  # "male", "female" or ""
    phone: str = ""
    email: str = ""
    address: str = ""
    snils: str | None = ""
    passport: str | None = ""  # series and number in one box: "45 08 123456"
    passport_issued_on: str | None = ""
    passport_subdivision: str | None = ""
    passport_issued_by: str | None = ""
    other_document_kind: str = ""
    other_document_number: str | None = ""
    policy_kind: str = ""
    policy_series: str = ""
    policy_number: str = ""
    policy_ends_on: str = ""
    insurer_id: int | None = None
    note: str = ""

    def differing_fields(self, other: PatientForm) -> list[str]:
        """Names of the fields whose values differ from ``other``'s."""
        return [f.name for f in fields(self) if getattr(self, f.name) != getattr(other, f.name)]


class PatientInvalid(FormInvalid):
    """The form has bad fields; ``problems`` lists all of them, ``field`` is the first."""


@dataclass(frozen=True)
class CleanPatient:
    """Validated, canonical values ready to store (identity documents unencrypted)."""

    last_name: str
    first_name: str
    patronymic: str | None
    birth_date: dt.date
    sex: Sex | None
    phone: str | None
    email: str | None
    address: str | None
    snils: str | None
    passport: Passport | None
    other_document_kind: OtherDocumentKind | None
    other_document_number: str | None
    policy: Policy | None
    insurer_id: int | None
    note: str | None
    #: Which identity documents the form leaves untouched (opened masked).
    keep_snils: bool = False
    keep_passport: bool = False
    keep_other_document: bool = False
    warnings: tuple[str, ...] = field(default=())


def _blank(value: str | None) -> bool:
    return value is not None and not value.strip()


def validate_form(form: PatientForm, today: dt.date) -> CleanPatient:
    """Check every field; raise :class:`PatientInvalid` listing all problems.

    A card can be created with last name, first name, birth date and phone alone
    (a booking by phone); documents come at the first visit.
    """
    problems: list[FieldProblem] = []
    values: dict[str, object] = {}

    def attempt(name: str, check: Callable[[], object]) -> None:
        try:
            values[name] = check()
        except FormInvalid as exc:
            problems.extend(exc.problems)
        except ValidationError as exc:
            problems.append(FieldProblem(exc.field or name, exc.message))

    attempt("last_name", lambda: normalize_person_name(form.last_name, "last_name"))
    attempt("first_name", lambda: normalize_person_name(form.first_name, "first_name"))
    attempt(
        "patronymic",
        lambda: normalize_person_name(form.patronymic, "patronymic", required=False),
    )
    attempt(
        "birth_date",
        lambda: check_birth_date(parse_date(form.birth_date, "birth_date"), today),
    )
    attempt("sex", lambda: _sex(form.sex))
    attempt("phone", lambda: normalize_phone(form.phone) if form.phone.strip() else None)
    attempt("email", lambda: _email(form.email))
    birth = values.get("birth_date")
    birth_date = birth if isinstance(birth, dt.date) else None

    if form.snils is not None:
        attempt(
            "snils", lambda: normalize_snils(form.snils or "") if not _blank(form.snils) else None
        )
    warnings: list[str] = []
    if form.passport is not None:
        attempt("passport", lambda: _passport(form, birth_date, today, warnings))
    if form.other_document_number is not None:
        attempt("other_document", lambda: _other_document(form))
    attempt("policy", lambda: _policy(form))

    if problems:
        order = {name: index for index, name in enumerate(FIELD_ORDER)}
        problems.sort(key=lambda p: order.get(p.field, len(order)))
        raise PatientInvalid(problems)

    other = values.get("other_document")
    other_kind, other_number = other if isinstance(other, tuple) else (None, None)
    return CleanPatient(
        last_name=str(values["last_name"]),
        first_name=str(values["first_name"]),
        patronymic=values["patronymic"],  # type: ignore[arg-type]
        birth_date=values["birth_date"],  # type: ignore[arg-type]
        sex=values["sex"],  # type: ignore[arg-type]
        phone=values["phone"],  # type: ignore[arg-type]
        email=values["email"],  # type: ignore[arg-type]
        address=" ".join(form.address.split()) or None,
        snils=values.get("snils"),  # type: ignore[arg-type]
        passport=values.get("passport"),  # type: ignore[arg-type]
        other_document_kind=other_kind,
        other_document_number=other_number,
        policy=values["policy"],  # type: ignore[arg-type]
        insurer_id=form.insurer_id,
        note=form.note.strip() or None,
        keep_snils=form.snils is None,
        keep_passport=form.passport is None,
        keep_other_document=form.other_document_number is None,
        warnings=tuple(warnings),
    )


def _sex(value: str) -> Sex | None:
    value = value.strip()
    if not value:
        return None
    try:
        return Sex(value)
    except ValueError:
        raise ValidationError(
            translate("patients", "Sex: choose male or female"), field="sex"
        ) from None


def _email(value: str) -> str | None:
    value = value.strip()
    if not value:
        return None
    local, _, domain = value.partition("@")
    if not local or "." not in domain or " " in value or len(value) > 200:
        raise ValidationError(
            translate("patients", "E-mail: an address like name@example.ru"), field="email"
        )
    return value


def _passport(
    form: PatientForm, birth_date: dt.date | None, today: dt.date, warnings: list[str]
) -> Passport | None:
    parts = (
        form.passport,
        form.passport_issued_on,
        form.passport_subdivision,
        form.passport_issued_by,
    )
    if all(_blank(part) or part is None for part in parts):
        return None
    passport, found = check_typed_passport(
        form.passport or "",
        form.passport_issued_on or "",
        form.passport_subdivision or "",
        form.passport_issued_by or "",
        birth_date=birth_date,
        today=today,
    )
    warnings.extend(found)
    return passport


def _other_document(form: PatientForm) -> tuple[OtherDocumentKind, str] | None:
    if _blank(form.other_document_number):
        return None
    try:
        kind = OtherDocumentKind(form.other_document_kind)
    except ValueError:
        raise ValidationError(
            translate("patients", "Other document: choose its kind"),
            field="other_document_kind",
        ) from None
    return kind, check_other_document(kind, form.other_document_number or "")


def _policy(form: PatientForm) -> Policy | None:
    if not form.policy_number.strip() and not form.policy_kind.strip():
        return None
    try:
        kind = PolicyKind(form.policy_kind)
    except ValueError:
        raise ValidationError(
            translate("patients", "OMS policy: choose its kind"), field="policy_kind"
        ) from None
    ends_on = (
        parse_date(form.policy_ends_on, "policy_ends_on") if form.policy_ends_on.strip() else None
    )
    return check_policy(
        kind, form.policy_number, series=form.policy_series.strip() or None, ends_on=ends_on
    )
