"""Patients' cards: open, create, update — with duplicates, masking and conflicts.

Passport, СНИЛС and other identity documents are encrypted with the workstation's
key before they reach the database, and found by a keyed hash. Roles that may not
read them get masked values; reading a full number is journaled. Two desks editing
one card: the second save is refused with both versions, field by field.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from crm.controllers import journal
from crm.controllers.access.permissions import Permission, allowed, require
from crm.controllers.clinic import clock
from crm.controllers.context import Actor
from crm.controllers.errors import DomainError, NotFound, StaleRecord
from crm.controllers.patients.form import CleanPatient, PatientForm, validate_form
from crm.controllers.validation import (
    Passport,
    format_date,
    format_passport,
    format_phone,
    format_snils,
    mask_passport,
    mask_snils,
    replacement_age,
)
from crm.crypto import KeyRing
from crm.i18n import translate
from crm.models import Patient
from crm.models.enums import PolicyKind

SNILS, PASSPORT, OTHER = "snils", "passport", "other_document"


class DuplicatePatient(DomainError):
    """A card with the same СНИЛС, ЕНП or passport exists: open it instead."""

    def __init__(self, message: str, *, existing_id: int, field: str) -> None:
        super().__init__(message, field=field)
        self.existing_id = existing_id


class PossibleDuplicate(DomainError):
    """A card with the same ФИО and birth date exists; saving needs a confirmation."""

    def __init__(self, message: str, *, existing_ids: tuple[int, ...]) -> None:
        super().__init__(message, field="last_name")
        self.existing_ids = existing_ids


class PatientConflict(StaleRecord):
    """The card changed on another workstation since it was opened.

    Attributes:
        theirs: the card as it is now in the database.
        yours: what this desk tried to save (nothing typed is lost).
        fields: the fields where the two differ.
    """

    def __init__(self, theirs: PatientCard, yours: PatientForm) -> None:
        super().__init__(
            translate(
                "patients",
                "The card was changed on another workstation. Compare and choose the values "
                "to keep.",
            )
        )
        self.theirs = theirs
        self.yours = yours
        # A field the desk left masked (None) was not edited there: not a difference.
        self.fields = [
            name for name in theirs.form.differing_fields(yours) if getattr(yours, name) is not None
        ]


@dataclass(frozen=True)
class PatientCard:
    """A card as the editor shows it.

    Attributes:
        id: the patient's id.
        version: for optimistic locking: pass it back to :func:`update_patient`.
        form: the fields as text to edit (identity documents ``None`` when masked).
        revealed: whether identity documents are shown in full.
        snils_display: formatted or masked СНИЛС ("" if none).
        passport_display: formatted or masked series and number ("" if none).
        policy_display: kind and number as shown on the card.
        warnings: e.g. «паспорт подлежит замене».
        full_name: «Иванов Иван Иванович».
    """

    id: int
    version: int
    form: PatientForm
    revealed: bool
    snils_display: str
    passport_display: str
    policy_display: str
    warnings: tuple[str, ...]
    full_name: str
    created_at: dt.datetime
    updated_at: dt.datetime


def _today(session: Session) -> dt.date:
    return clock.clinic_today(session)


def _encrypt_into(row: Patient, clean: CleanPatient, keyring: KeyRing) -> None:
    if not clean.keep_snils:
        if clean.snils:
            row.snils_enc = keyring.encrypt(clean.snils, SNILS)
            row.snils_hash = keyring.lookup_hash(clean.snils, SNILS)
            row.snils_tail = clean.snils[-5:]
        else:
            row.snils_enc = row.snils_hash = row.snils_tail = None
    if not clean.keep_passport:
        if clean.passport:
            document = json.dumps(clean.passport.as_json(), ensure_ascii=False)
            row.passport_enc = keyring.encrypt(document, PASSPORT)
            row.passport_hash = keyring.lookup_hash(
                clean.passport.series + clean.passport.number, PASSPORT
            )
            row.passport_tail = clean.passport.number[-4:]
        else:
            row.passport_enc = row.passport_hash = row.passport_tail = None
    if not clean.keep_other_document:
        if clean.other_document_number:
            row.other_document_kind = clean.other_document_kind
            row.other_document_enc = keyring.encrypt(clean.other_document_number, OTHER)
        else:
            row.other_document_kind = None
            row.other_document_enc = None


def _plain_into(row: Patient, clean: CleanPatient) -> None:
    row.last_name = clean.last_name
    row.first_name = clean.first_name
    row.patronymic = clean.patronymic
    row.birth_date = clean.birth_date
    row.sex = clean.sex
    row.phone = clean.phone
    row.email = clean.email
    row.address = clean.address
    policy = clean.policy
    row.policy_kind = policy.kind if policy else None
    row.policy_series = policy.series if policy else None
    row.policy_number = policy.number if policy else None
    row.policy_ends_on = policy.ends_on if policy else None
    row.insurer_id = clean.insurer_id
    row.note = clean.note


def _audit_view(row: Patient) -> dict[str, Any]:
    """What the journal records of a card: plain fields, and for identity documents
    only whether they are present (never the numbers themselves)."""
    return {
        "last_name": row.last_name,
        "first_name": row.first_name,
        "patronymic": row.patronymic,
        "birth_date": row.birth_date,
        "sex": row.sex,
        "phone": row.phone,
        "email": row.email,
        "address": row.address,
        "policy_kind": row.policy_kind,
        "policy_number": row.policy_number,
        "policy_ends_on": row.policy_ends_on,
        "insurer_id": row.insurer_id,
        "note": row.note,
        "snils": "•••" + (row.snils_tail or "")[-2:] if row.snils_hash else None,
        "passport": "•••" + (row.passport_tail or "") if row.passport_hash else None,
        "other_document": "•••" if row.other_document_enc else None,
    }


def _check_duplicates(
    session: Session, clean: CleanPatient, keyring: KeyRing, own_id: int | None
) -> None:
    """Same СНИЛС, ЕНП or passport → the existing card is offered instead."""
    checks: list[tuple[str, Any, str]] = []
    if clean.snils and not clean.keep_snils:
        checks.append(
            (
                "snils",
                Patient.snils_hash == keyring.lookup_hash(clean.snils, SNILS),
                translate("patients", "SNILS: a card with this number exists"),
            )
        )
    if clean.passport and not clean.keep_passport:
        checks.append(
            (
                "passport",
                Patient.passport_hash
                == keyring.lookup_hash(clean.passport.series + clean.passport.number, PASSPORT),
                translate("patients", "Passport: a card with this passport exists"),
            )
        )
    if clean.policy and clean.policy.kind is PolicyKind.UNIFIED:
        checks.append(
            (
                "policy_number",
                sa.and_(
                    Patient.policy_kind == PolicyKind.UNIFIED,
                    Patient.policy_number == clean.policy.number,
                ),
                translate("patients", "OMS policy: a card with this policy number exists"),
            )
        )
    for field_name, condition, message in checks:
        query = sa.select(Patient.id).where(condition)
        if own_id is not None:
            query = query.where(Patient.id != own_id)
        existing = session.scalar(query.limit(1))
        if existing is not None:
            raise DuplicatePatient(message, existing_id=existing, field=field_name)


def _same_person(session: Session, clean: CleanPatient, own_id: int | None) -> tuple[int, ...]:
    query = sa.select(Patient.id).where(
        sa.func.lower(Patient.last_name) == clean.last_name.lower(),
        sa.func.lower(Patient.first_name) == clean.first_name.lower(),
        sa.func.lower(sa.func.coalesce(Patient.patronymic, "")) == (clean.patronymic or "").lower(),
        Patient.birth_date == clean.birth_date,
    )
    if own_id is not None:
        query = query.where(Patient.id != own_id)
    return tuple(session.scalars(query.limit(10)))


def _integrity_to_domain(error: IntegrityError, session: Session) -> DomainError:
    """A unique index lost a race with another desk: name the field."""
    text = str(error.orig)
    for index, field_name, message in (
        (
            "uq_patient_snils_hash",
            "snils",
            translate("patients", "SNILS: a card with this number exists"),
        ),
        (
            "uq_patient_passport_hash",
            "passport",
            translate("patients", "Passport: a card with this passport exists"),
        ),
        (
            "uq_patient_policy_unified",
            "policy_number",
            translate("patients", "OMS policy: a card with this policy number exists"),
        ),
    ):
        if index in text:
            return DomainError(message, field=field_name)
    return DomainError(
        translate("patients", "The card could not be saved: {error}").format(error=text)
    )


def create_patient(
    db: sessionmaker[Session],
    actor: Actor,
    keyring: KeyRing,
    form: PatientForm,
    *,
    allow_same_name: bool = False,
) -> PatientCard:
    """Create a card from the form.

    Raises:
        PatientInvalid: bad fields (all of them listed).
        DuplicatePatient: same СНИЛС, ЕНП or passport as an existing card.
        PossibleDuplicate: same ФИО and birth date, unless ``allow_same_name``.
    """
    require(actor, Permission.EDIT_PATIENTS)
    with db() as session, session.begin():
        clean = validate_form(form, _today(session))
        _check_duplicates(session, clean, keyring, None)
        if not allow_same_name:
            same = _same_person(session, clean, None)
            if same:
                raise PossibleDuplicate(
                    translate(
                        "patients",
                        "A patient with the same name and birth date already exists",
                    ),
                    existing_ids=same,
                )
        row = Patient()
        _plain_into(row, clean)
        _encrypt_into(row, clean, keyring)
        session.add(row)
        try:
            with session.begin_nested():
                session.flush()
        except IntegrityError as exc:
            raise _integrity_to_domain(exc, session) from exc
        journal.record(
            session,
            "create",
            actor=actor,
            entity="patient",
            entity_id=row.id,
            changes=journal.diff({}, _audit_view(row)),
        )
        return _card(
            session,
            row,
            keyring,
            reveal=allowed(actor, Permission.READ_IDENTITY_DOCUMENTS),
            today=_today(session),
        )


def update_patient(
    db: sessionmaker[Session],
    actor: Actor,
    keyring: KeyRing,
    patient_id: int,
    form: PatientForm,
    *,
    expected_version: int,
    allow_same_name: bool = False,
) -> PatientCard:
    """Save the form over the card opened at ``expected_version``.

    Raises:
        PatientConflict: another desk saved the card meanwhile (both versions inside).
        PatientInvalid, DuplicatePatient, PossibleDuplicate: as for :func:`create_patient`.
    """
    require(actor, Permission.EDIT_PATIENTS)
    reveal = allowed(actor, Permission.READ_IDENTITY_DOCUMENTS)
    with db() as session, session.begin():
        row = session.get(Patient, patient_id, with_for_update=True)
        if row is None:
            raise NotFound(translate("patients", "The card no longer exists"))
        today = _today(session)
        if row.version != expected_version:
            # Show their identity documents only if this desk had them revealed already.
            shown = reveal and form.snils is not None
            raise PatientConflict(_card(session, row, keyring, reveal=shown, today=today), form)
        clean = validate_form(form, today)
        _check_duplicates(session, clean, keyring, patient_id)
        if not allow_same_name:
            same = _same_person(session, clean, patient_id)
            if same:
                raise PossibleDuplicate(
                    translate(
                        "patients",
                        "A patient with the same name and birth date already exists",
                    ),
                    existing_ids=same,
                )
        before = _audit_view(row)
        _plain_into(row, clean)
        _encrypt_into(row, clean, keyring)
        try:
            with session.begin_nested():
                session.flush()
        except IntegrityError as exc:
            raise _integrity_to_domain(exc, session) from exc
        changes = journal.diff(before, _audit_view(row))
        if changes:
            journal.record(
                session, "update", actor=actor, entity="patient", entity_id=row.id, changes=changes
            )
        return _card(session, row, keyring, reveal=reveal, today=today)


def open_card(
    db: sessionmaker[Session],
    actor: Actor,
    keyring: KeyRing,
    patient_id: int,
    *,
    reveal: bool = False,
) -> PatientCard:
    """The card of ``patient_id``; identity documents in full only with ``reveal`` and the
    permission to read them — and then the reading is journaled."""
    require(actor, Permission.FIND_PATIENTS)
    if reveal:
        require(actor, Permission.READ_IDENTITY_DOCUMENTS)
    with db() as session, session.begin():
        row = session.get(Patient, patient_id)
        if row is None:
            raise NotFound(translate("patients", "The card no longer exists"))
        card = _card(session, row, keyring, reveal=reveal, today=_today(session))
        if reveal and (row.snils_enc or row.passport_enc or row.other_document_enc):
            journal.record(
                session, "read_identity", actor=actor, entity="patient", entity_id=row.id
            )
        return card


def _card(
    session: Session, row: Patient, keyring: KeyRing, *, reveal: bool, today: dt.date
) -> PatientCard:
    snils = other = None
    stored_passport: Passport | None = None
    if row.passport_enc:
        # Decrypted even for a masked card: the replacement warning needs the dates.
        stored_passport = Passport.from_json(
            json.loads(keyring.decrypt(row.passport_enc, PASSPORT))
        )
    passport = stored_passport if reveal else None
    if reveal:
        if row.snils_enc:
            snils = keyring.decrypt(row.snils_enc, SNILS)
        if row.other_document_enc:
            other = keyring.decrypt(row.other_document_enc, OTHER)
    warnings: list[str] = []
    if stored_passport is not None:
        age = replacement_age(stored_passport.issued_on, row.birth_date, today)
        if age is not None:
            warnings.append(
                translate(
                    "validation", "Passport due for replacement: the holder turned {age}"
                ).format(age=age)
            )
    form = PatientForm(
        last_name=row.last_name,
        first_name=row.first_name,
        patronymic=row.patronymic or "",
        birth_date=format_date(row.birth_date),
        sex=row.sex.value if row.sex else "",
        phone=format_phone(row.phone) if row.phone else "",
        email=row.email or "",
        address=row.address or "",
        snils=(format_snils(snils) if snils else "") if reveal else None,
        passport=(format_passport(passport) if passport else "") if reveal else None,
        passport_issued_on=(format_date(passport.issued_on) if passport else "")
        if reveal
        else None,
        passport_subdivision=(passport.subdivision if passport else "") if reveal else None,
        passport_issued_by=(passport.issued_by if passport else "") if reveal else None,
        other_document_kind=row.other_document_kind.value if row.other_document_kind else "",
        other_document_number=(other or "") if reveal else None,
        policy_kind=row.policy_kind.value if row.policy_kind else "",
        policy_series=row.policy_series or "",
        policy_number=row.policy_number or "",
        policy_ends_on=format_date(row.policy_ends_on) if row.policy_ends_on else "",
        insurer_id=row.insurer_id,
        note=row.note or "",
    )
    if snils:
        snils_display = format_snils(snils)
    else:
        snils_display = mask_snils(row.snils_tail) if row.snils_tail else ""
    if passport:
        passport_display = format_passport(passport)
    else:
        passport_display = mask_passport(row.passport_tail) if row.passport_tail else ""
    policy_display = " ".join(
        part for part in (row.policy_series or "", row.policy_number or "") if part
    )
    full_name = " ".join(p for p in (row.last_name, row.first_name, row.patronymic) if p)
    return PatientCard(
        id=row.id,
        version=row.version,
        form=form,
        revealed=reveal,
        snils_display=snils_display,
        passport_display=passport_display,
        policy_display=policy_display,
        warnings=tuple(warnings),
        full_name=full_name,
        # In the clinic's time, as every time on the desk (not the workstation's).
        created_at=row.created_at.astimezone(clock.clinic_timezone(session)),
        updated_at=row.updated_at.astimezone(clock.clinic_timezone(session)),
    )
