"""Import patients' cards from a CSV (UTF-8 or cp1251, ``;`` or ``,``) or XLSX file.

The first row names the columns, in Russian or English («Фамилия» or ``last_name``);
each further row is a card checked with :func:`~crm.controllers.patients.form.validate_form`
exactly as the editor checks it. Rejected rows are listed with their row number as in
the file (the header is row 1), the field and the reason; the valid ones are written in
one transaction, so an import adds all its valid rows or nothing.

Importing the same file twice adds nothing the second time: a row whose СНИЛС,
passport or ЕНП — or whose ФИО and birth date — match an existing card is counted as
"already present". The same person twice in the file is an error on the second row.
The journal gets one ``import`` entry (entity ``patient``) with the counts and the
file's name, not one entry per card.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from crm.controllers import journal
from crm.controllers.access.permissions import Permission, require
from crm.controllers.context import Actor
from crm.controllers.errors import DomainError
from crm.controllers.patients.cards import (
    PASSPORT,
    SNILS,
    _encrypt_into,
    _integrity_to_domain,
    _plain_into,
    _today,
)
from crm.controllers.patients.form import CleanPatient, PatientForm, PatientInvalid, validate_form
from crm.controllers.validation import field_label
from crm.crypto import KeyRing
from crm.i18n import translate
from crm.models import Patient
from crm.models.enums import PolicyKind
from crm.reports.excel.rejected_rows import write_rejected_rows

CSV_SUFFIXES = frozenset({".csv", ".txt"})
XLSX_SUFFIXES = frozenset({".xlsx", ".xlsm"})
REQUIRED_COLUMNS = ("last_name", "first_name", "birth_date")
# Rows looked up in the database at once when searching for existing cards.
LOOKUP_CHUNK = 500

# Column titles (normalised by :func:`_normalise_title`) → :class:`PatientForm` fields.
_ALIASES: dict[str, tuple[str, ...]] = {
    "last_name": ("фамилия", "lastname", "surname", "familyname"),
    "first_name": ("имя", "firstname", "name", "givenname"),
    "patronymic": ("отчество", "patronymic", "middlename"),
    "birth_date": ("датарождения", "birthdate", "dateofbirth", "dob", "birthday", "др"),
    "sex": ("пол", "sex", "gender"),
    "phone": ("телефон", "тел", "мобильныйтелефон", "phone", "tel", "mobile"),
    "email": ("email", "электроннаяпочта", "почта", "емейл", "mail"),
    "address": ("адрес", "address"),
    "snils": ("снилс", "snils"),
    "passport": (
        "паспорт",
        "серияиномерпаспорта",
        "паспортсерияиномер",
        "passport",
        "passportnumber",
    ),
    "passport_issued_on": (
        "датавыдачипаспорта",
        "датавыдачи",
        "паспортвыдан",
        "passportissuedon",
        "passportissuedate",
    ),
    "passport_subdivision": (
        "кодподразделения",
        "passportsubdivision",
        "subdivisioncode",
        "subdivision",
    ),
    "passport_issued_by": ("кемвыдан", "кемвыданпаспорт", "passportissuedby", "issuedby"),
    "policy_kind": ("видполиса", "типполиса", "policykind", "policytype"),
    "policy_series": ("серияполиса", "policyseries"),
    "policy_number": ("номерполиса", "полис", "полисомс", "енп", "policynumber", "policy"),
    "policy_ends_on": (
        "полисдо",
        "полисдействуетдо",
        "срокдействияполиса",
        "policyendson",
        "policyexpires",
    ),
    "note": ("примечание", "комментарий", "note", "comment"),
}
_COLUMN_OF = {alias: name for name, aliases in _ALIASES.items() for alias in aliases}

_SEX = {
    "м": "male",
    "муж": "male",
    "мужской": "male",
    "m": "male",
    "male": "male",
    "ж": "female",
    "жен": "female",
    "женский": "female",
    "f": "female",
    "female": "female",
}
_POLICY_KIND = {
    "енп": PolicyKind.UNIFIED,
    "единый": PolicyKind.UNIFIED,
    "единыйномерполиса": PolicyKind.UNIFIED,
    "unified": PolicyKind.UNIFIED,
    "старый": PolicyKind.OLD,
    "старого образца": PolicyKind.OLD,
    "old": PolicyKind.OLD,
    "временный": PolicyKind.TEMPORARY,
    "временное свидетельство": PolicyKind.TEMPORARY,
    "вс": PolicyKind.TEMPORARY,
    "temporary": PolicyKind.TEMPORARY,
}


class ImportFileError(DomainError):
    """The file cannot be imported at all (not found, not CSV/XLSX, no usable header)."""


@dataclass(frozen=True)
class PatientTable:
    """A file's rows as text.

    Attributes:
        header: the column titles as in the file.
        columns: index of a recognised column → :class:`PatientForm` field.
        unknown_columns: titles of the columns that are not imported.
        rows: ``(row number in the file, cell values as text)``, blank rows left out.
    """

    header: list[str]
    columns: dict[int, str]
    unknown_columns: list[str]
    rows: list[tuple[int, list[str]]]

    def values_of(self, cells: list[str]) -> dict[str, str]:
        """The recognised cells of a row by field name."""
        return {
            name: cells[index].strip() if index < len(cells) else ""
            for index, name in self.columns.items()
        }


def _reason(label: str, message: str) -> str:
    """The card's message without the field's name the report already has in its own
    column: «СНИЛС: неверная контрольная сумма» under «СНИЛС» says «неверная …»."""
    head, colon, rest = message.partition(": ")
    if colon and head.strip().lower() == label.strip().lower() and rest:
        return rest
    return message


@dataclass(frozen=True)
class RejectedRow:
    """One problem of a rejected row: its number in the file, the field's label, why."""

    row: int
    field: str
    message: str
    values: tuple[str, ...] = ()


@dataclass
class ImportResult:
    """What an import did (or, for a dry run, would do)."""

    file_name: str
    total: int = 0
    imported: int = 0
    already_present: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def rejected_rows(self) -> int:
        """How many rows were rejected (a row may have several problems)."""
        return len({problem.row for problem in self.rejected})


# --- reading --------------------------------------------------------------------------------


def _normalise_title(title: str) -> str:
    return re.sub(r"[^0-9a-zа-я]", "", title.lower().replace("ё", "е"))


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1251")


def _csv_rows(text: str) -> Iterator[list[str]]:
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    if "\t" in first_line and first_line.count("\t") > first_line.count(delimiter):
        delimiter = "\t"
    yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _xlsx_rows(path: Path) -> Iterator[list[str]]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise ImportFileError(
            translate("import", "{file}: not a readable XLSX workbook ({error})").format(
                file=path.name, error=exc
            )
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield [_cell_text(value) for value in row]
    finally:
        workbook.close()


def _raw_rows(path: Path) -> Iterable[list[str]]:
    if not path.is_file():
        raise ImportFileError(translate("import", "{file}: file not found").format(file=path))
    suffix = path.suffix.lower()
    if suffix in XLSX_SUFFIXES:
        return _xlsx_rows(path)
    if suffix in CSV_SUFFIXES:
        data = path.read_bytes()
        if data.startswith(b"PK\x03\x04"):
            raise ImportFileError(
                translate("import", "{file}: a workbook saved as .csv: rename it to .xlsx").format(
                    file=path.name
                )
            )
        return _csv_rows(_decode(data))
    raise ImportFileError(
        translate("import", "{file}: not a CSV or XLSX file").format(file=path.name)
    )


def read_patient_table(path: Path) -> PatientTable:
    """Read ``path`` (CSV or XLSX by its extension) and map its columns.

    Raises:
        ImportFileError: the file is missing, of another kind, has no header row or
            lacks a required column (last name, first name, birth date).
    """
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    for number, cells in enumerate(_raw_rows(path), start=1):
        if header is None:
            header = [cell.strip() for cell in cells]
            while header and not header[-1]:
                header.pop()
            continue
        if any(cell.strip() for cell in cells):
            rows.append((number, cells))
    if not header:
        raise ImportFileError(
            translate("import", "{file}: no header row with the column names").format(
                file=path.name
            )
        )
    columns: dict[int, str] = {}
    unknown: list[str] = []
    for index, title in enumerate(header):
        name = _COLUMN_OF.get(_normalise_title(title))
        if name is None or name in columns.values():
            if title:
                unknown.append(title)
            continue
        columns[index] = name
    if not columns:
        raise ImportFileError(
            translate("import", "{file}: no header row with the column names").format(
                file=path.name
            )
        )
    missing = [name for name in REQUIRED_COLUMNS if name not in columns.values()]
    if missing:
        raise ImportFileError(
            translate("import", "{file}: required columns missing: {columns}").format(
                file=path.name, columns=", ".join(column_label(name) for name in missing)
            )
        )
    return PatientTable(header=header, columns=columns, unknown_columns=unknown, rows=rows)


def column_label(name: str) -> str:
    """The user-facing name of a field of the card, as in the editor and the file."""
    labels = {
        "sex": translate("import", "Sex"),
        "email": translate("import", "E-mail"),
        "address": translate("import", "Address"),
        "passport": translate("import", "Passport"),
        "policy": translate("import", "OMS policy"),
        "policy_kind": translate("import", "Policy kind"),
        "other_document": translate("import", "Other document"),
        "other_document_kind": translate("import", "Other document kind"),
        "note": translate("import", "Note"),
        "row": translate("import", "Row"),
    }
    return labels.get(name) or field_label(name)


def form_of(values: dict[str, str]) -> PatientForm:
    """The card typed from one row's recognised cells."""
    sex = values.get("sex", "")
    kind_text = values.get("policy_kind", "").strip().lower().replace("ё", "е")
    kind = _POLICY_KIND.get(kind_text) or _POLICY_KIND.get(_normalise_title(kind_text))
    number = re.sub(r"\D", "", values.get("policy_number", ""))
    if kind is None and not kind_text and number:
        # No kind given: the number's length tells ЕНП (16) from a temporary one (9).
        kind = {16: PolicyKind.UNIFIED, 9: PolicyKind.TEMPORARY}.get(len(number))
    return PatientForm(
        last_name=values.get("last_name", ""),
        first_name=values.get("first_name", ""),
        patronymic=values.get("patronymic", ""),
        birth_date=values.get("birth_date", ""),
        sex=_SEX.get(sex.strip().lower().rstrip("."), sex),
        phone=values.get("phone", ""),
        email=values.get("email", ""),
        address=values.get("address", ""),
        snils=values.get("snils", ""),
        passport=values.get("passport", ""),
        passport_issued_on=values.get("passport_issued_on", ""),
        passport_subdivision=values.get("passport_subdivision", ""),
        passport_issued_by=values.get("passport_issued_by", ""),
        policy_kind=kind.value if kind else kind_text,
        policy_series=values.get("policy_series", ""),
        policy_number=values.get("policy_number", ""),
        policy_ends_on=values.get("policy_ends_on", ""),
        note=values.get("note", ""),
    )


# --- importing ------------------------------------------------------------------------------


def _person_key(clean: CleanPatient) -> tuple[str, str, str, dt.date]:
    return (
        clean.last_name.lower(),
        clean.first_name.lower(),
        (clean.patronymic or "").lower(),
        clean.birth_date,
    )


def _document_keys(clean: CleanPatient) -> list[tuple[str, str]]:
    """(field, value) of the identity documents that identify a person."""
    keys: list[tuple[str, str]] = []
    if clean.snils:
        keys.append(("snils", clean.snils))
    if clean.passport:
        keys.append(("passport", clean.passport.series + clean.passport.number))
    if clean.policy and clean.policy.kind is PolicyKind.UNIFIED:
        keys.append(("policy_number", clean.policy.number))
    return keys


def _existing(
    session: Session, keyring: KeyRing, cleans: list[CleanPatient]
) -> set[tuple[str, Any]]:
    """The documents and persons of ``cleans`` that some card in the database has."""
    found: set[tuple[str, Any]] = set()
    for start in range(0, len(cleans), LOOKUP_CHUNK):
        chunk = cleans[start : start + LOOKUP_CHUNK]
        snils = {keyring.lookup_hash(c.snils, SNILS): c.snils for c in chunk if c.snils}
        passports = {
            keyring.lookup_hash(c.passport.series + c.passport.number, PASSPORT): (
                c.passport.series + c.passport.number
            )
            for c in chunk
            if c.passport
        }
        enps = {c.policy.number for c in chunk if c.policy and c.policy.kind is PolicyKind.UNIFIED}
        persons = {_person_key(c) for c in chunk}
        if snils:
            for digest in session.scalars(
                sa.select(Patient.snils_hash).where(Patient.snils_hash.in_(list(snils)))
            ):
                if digest is not None:
                    found.add(("snils", snils[digest]))
        if passports:
            for digest in session.scalars(
                sa.select(Patient.passport_hash).where(Patient.passport_hash.in_(list(passports)))
            ):
                if digest is not None:
                    found.add(("passport", passports[digest]))
        if enps:
            for number in session.scalars(
                sa.select(Patient.policy_number).where(
                    Patient.policy_kind == PolicyKind.UNIFIED, Patient.policy_number.in_(enps)
                )
            ):
                found.add(("policy_number", number))
        person = sa.tuple_(
            sa.func.lower(Patient.last_name),
            sa.func.lower(Patient.first_name),
            sa.func.lower(sa.func.coalesce(Patient.patronymic, "")),
            Patient.birth_date,
        )
        for last, first, patronymic, birth in session.execute(
            sa.select(
                sa.func.lower(Patient.last_name),
                sa.func.lower(Patient.first_name),
                sa.func.lower(sa.func.coalesce(Patient.patronymic, "")),
                Patient.birth_date,
            ).where(person.in_(list(persons)))
        ):
            found.add(("person", (last, first, patronymic, birth)))
    return found


def _duplicate_message(field_name: str, first_row: int) -> str:
    if field_name == "person":
        return translate("import", "the same name and birth date as row {row} of this file").format(
            row=first_row
        )
    return translate("import", "the same document as row {row} of this file").format(row=first_row)


def import_patients(
    db: sessionmaker[Session],
    actor: Actor,
    keyring: KeyRing,
    path: Path,
    *,
    dry_run: bool = False,
) -> ImportResult:
    """Import the cards of ``path``; with ``dry_run`` check and count, write nothing.

    Raises:
        PermissionDenied: the actor may not edit patients' cards.
        ImportFileError: the file is unreadable (see :func:`read_patient_table`).
        DomainError: a card could not be written (nothing is written then).
    """
    require(actor, Permission.EDIT_PATIENTS)
    table = read_patient_table(path)
    return import_table(db, actor, keyring, table, file_name=path.name, dry_run=dry_run)


def import_table(
    db: sessionmaker[Session],
    actor: Actor,
    keyring: KeyRing,
    table: PatientTable,
    *,
    file_name: str,
    dry_run: bool = False,
) -> ImportResult:
    """Import an already read :class:`PatientTable` (see :func:`import_patients`)."""
    require(actor, Permission.EDIT_PATIENTS)
    result = ImportResult(
        file_name=file_name,
        total=len(table.rows),
        unknown_columns=list(table.unknown_columns),
        header=list(table.header),
        dry_run=dry_run,
    )
    with db() as session, session.begin():
        today = _today(session)
        valid: list[tuple[int, list[str], CleanPatient]] = []
        for number, cells in table.rows:
            try:
                clean = validate_form(form_of(table.values_of(cells)), today)
            except PatientInvalid as invalid:
                for problem in invalid.problems:
                    label = column_label(problem.field)
                    result.rejected.append(
                        RejectedRow(number, label, _reason(label, problem.message), tuple(cells))
                    )
                continue
            valid.append((number, cells, clean))

        existing = _existing(session, keyring, [clean for _, _, clean in valid])
        seen: dict[tuple[str, Any], int] = {}
        new_rows: list[Patient] = []
        for number, cells, clean in valid:
            keys: list[tuple[str, Any]] = [*_document_keys(clean), ("person", _person_key(clean))]
            twice = next((key for key in keys if key in seen), None)
            if twice is not None:
                result.rejected.append(
                    RejectedRow(
                        number,
                        column_label("last_name" if twice[0] == "person" else twice[0]),
                        _duplicate_message(twice[0], seen[twice]),
                        tuple(cells),
                    )
                )
                continue
            for key in keys:
                seen[key] = number
            if any(key in existing for key in keys):
                result.already_present += 1
                continue
            row = Patient()
            _plain_into(row, clean)
            _encrypt_into(row, clean, keyring)
            new_rows.append(row)
        result.rejected.sort(key=lambda problem: problem.row)
        result.imported = len(new_rows)
        if dry_run:
            return result  # nothing was added to the session: the transaction is empty
        session.add_all(new_rows)
        try:
            with session.begin_nested():
                session.flush()
        except IntegrityError as exc:
            raise _integrity_to_domain(exc, session) from exc
        journal.record(
            session,
            "import",
            actor=actor,
            entity="patient",
            details=json.dumps(
                {
                    "file": file_name,
                    "total": result.total,
                    "imported": result.imported,
                    "already_present": result.already_present,
                    "rejected": result.rejected_rows,
                },
                ensure_ascii=False,
            ),
        )
    return result


def write_rejected_workbook(result: ImportResult, path: Path) -> None:
    """The rejected rows of ``result`` as a workbook: row, field, reason, the row's cells."""
    write_rejected_rows(path, result.header, result.rejected)
