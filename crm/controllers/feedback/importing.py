"""Import patients' ratings from a CSV or XLSX file (e.g. the patients' app's export).

The first row names the columns, in Russian or English: the date (``ДД.ММ.ГГГГ``, with
``ЧЧ:ММ`` after it or in a column of its own), the rating (1–5), and optionally the
comment, the appointment's number, the doctor (her number, or «Фамилия И. О.»), the
patient's phone and the rating's own number in the source. A rating with an
appointment takes its doctor and patient from it, as at the desk.

Importing the same file twice adds nothing the second time: each rating is keyed by
its number in the source or, without one, by a digest of its row, and the key is
unique in PostgreSQL. Rejected rows are listed with their row number, field and
reason; the valid ones are written in one transaction with one journal entry.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from crm.controllers import journal
from crm.controllers.access.permissions import Permission, require
from crm.controllers.clinic.clock import clinic_timezone
from crm.controllers.context import Actor
from crm.controllers.errors import DomainError
from crm.controllers.feedback.ratings import COMMENT_MAX, clean_rating
from crm.controllers.patients.importing import (
    ImportFileError,
    ImportResult,
    RejectedRow,
    _normalise_title,
    _raw_rows,
)
from crm.controllers.schedule.slots import short_name
from crm.controllers.validation.dates import parse_date
from crm.controllers.validation.phones import normalize_phone
from crm.i18n import translate
from crm.models import Appointment, Doctor, Feedback, Patient

__all__ = ["ImportFileError", "import_ratings"]

_ALIASES: dict[str, tuple[str, ...]] = {
    "date": ("дата", "датаотзыва", "датаоценки", "когда", "date", "created", "createdat"),
    "time": ("время", "time"),
    "rating": ("оценка", "балл", "баллы", "звезды", "rating", "score", "stars"),
    "comment": ("комментарий", "отзыв", "текст", "comment", "text", "review"),
    "appointment": ("прием", "номерприема", "приемномер", "визит", "appointment",
                    "appointmentid", "visit"),
    "doctor": ("врач", "номерврача", "doctor", "doctorid"),
    "phone": ("телефон", "телефонпациента", "phone", "patientphone"),
    "ref": ("номеротзыва", "идентификатор", "id", "externalid", "ref", "reviewid"),
}  # fmt: skip
_COLUMN_OF = {alias: name for name, aliases in _ALIASES.items() for alias in aliases}
REQUIRED = ("date", "rating")
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::\d{2})?")


def column_label(name: str) -> str:
    """A column's name in words, for the rejected rows' list."""
    labels = {
        "date": translate("feedback", "Date"),
        "time": translate("feedback", "Time"),
        "rating": translate("feedback", "Rating"),
        "comment": translate("feedback", "Comment"),
        "appointment": translate("feedback", "Appointment"),
        "doctor": translate("feedback", "Doctor"),
        "phone": translate("feedback", "Phone"),
        "ref": translate("feedback", "Rating's number"),
    }
    return labels[name]


class _Bad(Exception):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column
        # «Дата: нет такой даты» under the column «Дата» says «нет такой даты».
        self.message = message.partition(": ")[2] or message


def _read(path: Path) -> tuple[list[str], dict[str, int], list[str], list[tuple[int, list[str]]]]:
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    for number, cells in enumerate(_raw_rows(path), start=1):
        if header is None:
            header = [cell.strip() for cell in cells]
        elif any(cell.strip() for cell in cells):
            rows.append((number, cells))
    columns: dict[str, int] = {}
    unknown: list[str] = []
    for index, title in enumerate(header or []):
        name = _COLUMN_OF.get(_normalise_title(title))
        if name is None or name in columns:
            if title:
                unknown.append(title)
            continue
        columns[name] = index
    missing = [name for name in REQUIRED if name not in columns]
    if not header or missing:
        raise ImportFileError(
            translate("import", "{file}: required columns missing: {columns}").format(
                file=path.name, columns=", ".join(column_label(n) for n in missing or REQUIRED)
            )
        )
    return header, columns, unknown, rows


def _moment(date_text: str, time_text: str, tz: dt.tzinfo) -> dt.datetime:
    day_part, _space, rest = date_text.strip().partition(" ")
    day = parse_date(day_part, "date", label=column_label("date"))
    clock = (time_text or rest).strip()
    hour = minute = 0
    if clock:
        match = _TIME.fullmatch(clock)
        if match is None or int(match[1]) > 23 or int(match[2]) > 59:  # noqa: PLR2004
            raise _Bad("time", translate("feedback", "enter the time as HH:MM"))
        hour, minute = int(match[1]), int(match[2])
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=tz)


class _Directory:
    """The doctors, and the appointments and patients the file names, read once."""

    def __init__(self, session: Session, rows: list[dict[str, str]]) -> None:
        self.doctors: dict[int, Doctor] = {d.id: d for d in session.scalars(sa.select(Doctor))}
        self.by_name: dict[str, list[int]] = {}
        for doctor in self.doctors.values():
            for key in (short_name(doctor.last_name, doctor.first_name, doctor.patronymic),
                        doctor.last_name):  # fmt: skip
                self.by_name.setdefault(_normalise_title(key), []).append(doctor.id)
        ids = {int(r["appointment"]) for r in rows if r.get("appointment", "").isdigit()}
        self.visits = {
            a.id: (a.doctor_id, a.patient_id)
            for a in session.execute(
                sa.select(Appointment.id, Appointment.doctor_id, Appointment.patient_id).where(
                    Appointment.id.in_(ids)
                )
            )
        }
        phones = set()
        for r in rows:
            try:
                phones.add(normalize_phone(r.get("phone", "")))
            except DomainError:
                pass
        self.by_phone: dict[str, list[int]] = {}
        for patient_id, phone in session.execute(
            sa.select(Patient.id, Patient.phone).where(Patient.phone.in_(phones))
        ):
            self.by_phone.setdefault(phone, []).append(patient_id)

    def doctor(self, text: str) -> int | None:
        if not text:
            return None
        if text.isdigit():
            if int(text) not in self.doctors:
                raise _Bad("doctor", translate("feedback", "no doctor with this number"))
            return int(text)
        found = self.by_name.get(_normalise_title(text), [])
        if len(set(found)) != 1:
            raise _Bad(
                "doctor",
                translate("feedback", "no such doctor")
                if not found
                else translate("feedback", "several doctors by this name: give her number"),
            )
        return found[0]

    def patient(self, text: str) -> int | None:
        if not text:
            return None
        try:
            phone = normalize_phone(text)
        except DomainError as bad:
            raise _Bad("phone", bad.message) from None
        found = self.by_phone.get(phone, [])
        if len(found) != 1:
            raise _Bad(
                "phone",
                translate("feedback", "no card with this phone")
                if not found
                else translate("feedback", "several cards with this phone"),
            )
        return found[0]


def _feedback_of(values: dict[str, str], known: _Directory, tz: dt.tzinfo,
                 now: dt.datetime) -> Feedback:  # fmt: skip
    try:
        created = _moment(values.get("date", ""), values.get("time", ""), tz)
    except DomainError as bad:
        raise _Bad("date", bad.message) from None
    if created > now:
        raise _Bad("date", translate("feedback", "in the future"))
    try:
        rating = clean_rating(values.get("rating", ""))
    except DomainError:
        raise _Bad("rating", translate("feedback", "a whole number from 1 to 5")) from None
    comment = values.get("comment", "").strip() or None
    if comment and len(comment) > COMMENT_MAX:
        raise _Bad("comment", translate("feedback", "at most {n} characters").format(n=COMMENT_MAX))
    doctor_id = known.doctor(values.get("doctor", "").strip())
    patient_id = known.patient(values.get("phone", "").strip())
    appointment_id = None
    visit_text = values.get("appointment", "").strip()
    if visit_text:
        if not visit_text.isdigit() or int(visit_text) not in known.visits:
            raise _Bad("appointment", translate("feedback", "no appointment with this number"))
        appointment_id = int(visit_text)
        visit_doctor, visit_patient = known.visits[appointment_id]
        if doctor_id is not None and doctor_id != visit_doctor:
            raise _Bad("doctor", translate("feedback", "not the visit's doctor"))
        if patient_id is not None and patient_id != visit_patient:
            raise _Bad("phone", translate("feedback", "not the visit's patient"))
        doctor_id, patient_id = visit_doctor, visit_patient
    ref = values.get("ref", "").strip()
    if ref:
        key = f"ref:{ref}"[:120]
    else:
        digest = hashlib.sha256(
            json.dumps([created.isoformat(), rating, comment, appointment_id, doctor_id,
                        patient_id], ensure_ascii=False).encode()
        ).hexdigest()  # fmt: skip
        key = f"row:{digest[:64]}"
    return Feedback(
        rating=rating, comment=comment, appointment_id=appointment_id, doctor_id=doctor_id,
        patient_id=patient_id, created_at=created, source="import", external_ref=key,
    )  # fmt: skip


def import_ratings(
    db: sessionmaker[Session], actor: Actor, path: Path, *, dry_run: bool = False
) -> ImportResult:
    """Import the ratings of ``path``; with ``dry_run`` check and count, write nothing.

    Raises:
        PermissionDenied: the role does not manage ratings (managers do).
        ImportFileError: the file is unreadable or lacks the date or rating column.
        DomainError: the same ratings were imported on another desk at that moment
            (nothing is written then; importing again adds what is missing).
    """
    require(actor, Permission.MANAGE_FEEDBACK)
    header, columns, unknown, rows = _read(Path(path))
    result = ImportResult(
        file_name=Path(path).name, total=len(rows), unknown_columns=unknown,
        header=header, dry_run=dry_run,
    )  # fmt: skip
    values = [
        {name: (cells[i].strip() if i < len(cells) else "") for name, i in columns.items()}
        for _number, cells in rows
    ]
    with db() as session, session.begin():
        tz = clinic_timezone(session)
        now = session.execute(sa.select(sa.func.now())).scalar_one()
        known = _Directory(session, values)
        fresh: list[Feedback] = []
        seen: dict[str, int] = {}
        for (number, cells), row_values in zip(rows, values, strict=True):
            try:
                row = _feedback_of(row_values, known, tz, now)
            except _Bad as bad:
                label = column_label(bad.column)
                result.rejected.append(RejectedRow(number, label, bad.message, tuple(cells)))
                continue
            key = row.external_ref or ""
            if key in seen:
                result.rejected.append(
                    RejectedRow(
                        number, column_label("ref" if key.startswith("ref:") else "rating"),
                        translate("feedback", "the same rating as row {row}").format(
                            row=seen[key]), tuple(cells),
                    )
                )  # fmt: skip
                continue
            seen[key] = number
            fresh.append(row)
        present = set(
            session.scalars(
                sa.select(Feedback.external_ref).where(Feedback.external_ref.in_(list(seen)))
            )
        )
        new_rows = [row for row in fresh if row.external_ref not in present]
        result.already_present = len(fresh) - len(new_rows)
        result.imported = len(new_rows)
        if dry_run:
            return result
        session.add_all(new_rows)
        try:
            with session.begin_nested():
                session.flush()
        except IntegrityError as exc:
            raise DomainError(
                translate(
                    "feedback",
                    "These ratings were being imported on another desk at the same time: "
                    "nothing was written; import the file again to add what is missing",
                )
            ) from exc
        journal.record(
            session, "import", actor=actor, entity="feedback",
            details=json.dumps(
                {"file": result.file_name, "total": result.total, "imported": result.imported,
                 "already_present": result.already_present, "rejected": result.rejected_rows},
                ensure_ascii=False,
            ),
        )  # fmt: skip
    result.rejected.sort(key=lambda problem: problem.row)
    return result
