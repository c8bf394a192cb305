"""Documents of a patient's medical card: attach, list, open, save a copy, withdraw.

Who sees what (DOMAIN.md): anyone who finds patients sees that a document exists
(kind, title, date, size); only doctors and managers open its contents, and every
opening — in the program, a saved copy, the command line — is journaled
(``document_opened``) in the transaction that reads the bytes. The desk's PostgreSQL
role cannot read them either (:mod:`crm.models.database_roles`).

The bytes are kept once per SHA-256 (``document_content``) in parts of a megabyte
(``document_part``), written and read a part at a time. A document is never deleted,
only withdrawn with a reason. The largest file the card takes is the clinic's setting
``documents.size_limit`` (an administrator's).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session, sessionmaker

from crm.controllers import journal
from crm.controllers.access.permissions import Permission, allowed, require
from crm.controllers.clinic import clock, settings
from crm.controllers.context import Actor
from crm.controllers.errors import DomainError, NotFound, ValidationError
from crm.controllers.medical.files import FileFacts, examine, read_parts
from crm.i18n import translate
from crm.models import (
    Appointment,
    Doctor,
    DocumentContent,
    DocumentPart,
    MedicalDocument,
    Patient,
    User,
)
from crm.models.database_roles import DOCUMENT_COLUMNS
from crm.models.enums import DocumentKind

SIZE_LIMIT = "documents.size_limit"  # {"megabytes": 50}
DEFAULT_LIMIT_MB = 50
MAX_LIMIT_MB = 1024
#: What the card's list reads: a document's description, never what it contains.
_LISTED = frozenset(DOCUMENT_COLUMNS)


@dataclass(frozen=True)
class DocumentRow:
    """A document as the card's list shows it (no contents)."""

    id: int
    patient_id: int
    kind: DocumentKind
    title: str
    file_name: str
    mime_type: str
    size_bytes: int
    document_date: dt.date
    appointment_id: int | None
    author: str | None
    uploaded_by: str | None
    created_at: dt.datetime
    withdrawn_at: dt.datetime | None
    withdraw_reason: str | None

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None


@dataclass(frozen=True)
class OpenedDocument:
    """A document with its contents (read by a doctor or a manager, journaled)."""

    row: DocumentRow
    data: bytes


@dataclass(frozen=True)
class AppointmentChoice:
    """One of the patient's appointments a document may belong to."""

    id: int
    starts_at: dt.datetime
    doctor: str


def may_open(actor: Actor) -> bool:
    """Whether ``actor`` may open documents' contents (doctors and managers)."""
    return allowed(actor, Permission.READ_MEDICAL_DOCUMENTS)


def may_attach(actor: Actor) -> bool:
    """Whether ``actor`` may attach and withdraw documents."""
    return allowed(actor, Permission.WRITE_MEDICAL_DOCUMENTS)


# --- the size limit -----------------------------------------------------------------


def _limit_mb(session: Session) -> int:
    value = settings.get(session, SIZE_LIMIT) or {}
    return int(value.get("megabytes", DEFAULT_LIMIT_MB))


def size_limit_mb(db: sessionmaker[Session], actor: Actor) -> int:
    """The largest file the card takes, in megabytes."""
    with db() as session:
        return _limit_mb(session)


def set_size_limit(db: sessionmaker[Session], actor: Actor, megabytes: int) -> int:
    """Set the largest file the card takes (an administrator's setting), journaled.

    Raises:
        ValidationError: (field ``size_limit``) not between 1 and 1024 MB.
    """
    require(actor, Permission.MANAGE_SETTINGS)
    if not 1 <= megabytes <= MAX_LIMIT_MB:
        raise ValidationError(
            translate("medical", "Largest document: from 1 to {max} MB").format(max=MAX_LIMIT_MB),
            field="size_limit",
        )
    with db() as session, session.begin():
        before = _limit_mb(session)
        settings.put(session, SIZE_LIMIT, {"megabytes": megabytes})
        journal.record(
            session,
            "update",
            actor=actor,
            entity="clinic_setting",
            changes=journal.diff(
                {"document_size_limit": before}, {"document_size_limit": megabytes}
            ),
        )
    return megabytes


# --- attaching ----------------------------------------------------------------------


def attach(
    db: sessionmaker[Session],
    actor: Actor,
    patient_id: int,
    path: Path,
    *,
    kind: DocumentKind,
    document_date: dt.date | None = None,
    appointment_id: int | None = None,
    title: str | None = None,
    author: str | None = None,
) -> DocumentRow:
    """Attach the file at ``path`` to ``patient_id``'s card, journaled.

    Identical bytes already in the clinic (same SHA-256) are not stored again; the new
    document names them. All or nothing: an interrupted attach leaves nothing behind.

    Raises:
        PermissionDenied: the role may not attach documents.
        NotFound: no such patient.
        ValidationError: (field ``file``) unreadable, empty, over the limit, unknown type;
            (``document_date``) in the future; (``appointment_id``) not this patient's;
            (``title``) too long.
    """
    require(actor, Permission.WRITE_MEDICAL_DOCUMENTS)
    title = " ".join((title or path.stem).split())[:300] or path.name[:300]
    author = " ".join((author if author is not None else actor.full_name).split())[:200] or None
    with db() as session, session.begin():
        facts = examine(path, _limit_mb(session) * 1024 * 1024)
        if session.scalar(sa.select(Patient.id).where(Patient.id == patient_id)) is None:
            raise NotFound(translate("patients", "The card no longer exists"))
        today = clock.clinic_today(session)
        day = document_date or today
        if day > today:
            raise ValidationError(
                translate("medical", "Document date: cannot be in the future"),
                field="document_date",
            )
        if appointment_id is not None:
            owner = session.scalar(
                sa.select(Appointment.patient_id).where(Appointment.id == appointment_id)
            )
            if owner != patient_id:
                raise ValidationError(
                    translate("medical", "Appointment: not one of this patient's"),
                    field="appointment_id",
                )
        content_id = _store(session, path, facts)
        row = MedicalDocument(
            patient_id=patient_id,
            appointment_id=appointment_id,
            kind=kind,
            title=title,
            file_name=path.name[:300],
            mime_type=facts.mime_type,
            content_id=content_id,
            size_bytes=facts.size_bytes,
            document_date=day,
            author=author,
            uploaded_by_id=actor.user_id,
        )
        session.add(row)
        session.flush()
        journal.record(
            session,
            "create",
            actor=actor,
            entity="medical_document",
            entity_id=row.id,
            changes=journal.diff(
                {},
                {
                    "patient_id": patient_id,
                    "kind": kind,
                    "title": title,
                    "file_name": row.file_name,
                    "document_date": day,
                    "appointment_id": appointment_id,
                    "author": author,
                },
            ),
        )
        return _row(session, row)


def _store(session: Session, path: Path, facts: FileFacts) -> int:
    """The id of ``facts.sha256``'s contents, storing the file's parts if new.

    Two desks storing the same file at once: the second waits on the unique SHA-256
    and then names the first one's contents.
    """
    inserted = session.scalar(
        insert(DocumentContent)
        .values(sha256=facts.sha256, size_bytes=facts.size_bytes)
        .on_conflict_do_nothing(index_elements=[DocumentContent.sha256])
        .returning(DocumentContent.id)
    )
    if inserted is None:
        return session.scalars(
            sa.select(DocumentContent.id).where(DocumentContent.sha256 == facts.sha256)
        ).one()
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as stream:
        for number, part in enumerate(read_parts(stream)):
            digest.update(part)
            size += len(part)
            session.execute(
                sa.insert(DocumentPart).values(content_id=inserted, part_no=number, data=part)
            )
    if digest.hexdigest() != facts.sha256 or size != facts.size_bytes:
        raise ValidationError(
            translate("medical", "File: changed while it was being attached, try again"),
            field="file",
        )
    return inserted


# --- reading ------------------------------------------------------------------------


def list_documents(
    db: sessionmaker[Session], actor: Actor, patient_id: int, *, withdrawn: bool = True
) -> list[DocumentRow]:
    """``patient_id``'s documents, newest first (no contents: the desk may see these)."""
    require(actor, Permission.FIND_PATIENTS)
    columns = [c for c in MedicalDocument.__table__.c if c.name in _LISTED]
    with db() as session:
        # Only the columns the desk's role may read (never ``content_id``).
        query = sa.select(*columns).where(MedicalDocument.patient_id == patient_id)
        if not withdrawn:
            query = query.where(MedicalDocument.withdrawn_at.is_(None))
        rows = session.execute(
            query.order_by(MedicalDocument.document_date.desc(), MedicalDocument.id.desc())
        ).all()
        names = _user_names(session, {r.uploaded_by_id for r in rows})
        return [_plain(r, names) for r in rows]


def appointment_choices(
    db: sessionmaker[Session], actor: Actor, patient_id: int
) -> list[AppointmentChoice]:
    """The patient's appointments (newest first, at most 100) a document may belong to."""
    require(actor, Permission.WRITE_MEDICAL_DOCUMENTS)
    with db() as session:
        rows = session.execute(
            sa.select(
                Appointment.id,
                Appointment.starts_at,
                Doctor.last_name,
                Doctor.first_name,
                Doctor.patronymic,
            )
            .join(Doctor, Doctor.id == Appointment.doctor_id)
            .where(Appointment.patient_id == patient_id)
            .order_by(Appointment.starts_at.desc())
            .limit(100)
        ).all()
        tz = clock.clinic_timezone(session)
        return [
            AppointmentChoice(
                id=i,
                starts_at=s.astimezone(tz),
                doctor=f"{last} {first[:1]}." + (f" {pat[:1]}." if pat else ""),
            )
            for i, s, last, first, pat in rows
        ]


def open_document(db: sessionmaker[Session], actor: Actor, document_id: int) -> OpenedDocument:
    """The document with its contents, for a preview or the system viewer; journaled.

    Raises:
        PermissionDenied: the role may not open documents (the desk).
        NotFound: no such document.
        DomainError: the stored bytes no longer match their SHA-256.
    """
    chunks: list[bytes] = []
    row = _read(db, actor, document_id, chunks.append, how="view")
    return OpenedDocument(row=row, data=b"".join(chunks))


def save_copy(
    db: sessionmaker[Session], actor: Actor, document_id: int, target: Path | BinaryIO
) -> DocumentRow:
    """Write the document's contents to ``target`` (a path or a binary stream) a part at
    a time; journaled as an opening. A path is written beside itself and renamed, so an
    interrupted copy leaves no half-written file."""
    if not isinstance(target, Path):
        return _read(db, actor, document_id, target.write, how="copy")
    partial = target.with_name(target.name + ".part")
    try:
        with partial.open("wb") as stream:
            row = _read(db, actor, document_id, stream.write, how="copy")
        partial.replace(target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return row


def _read(
    db: sessionmaker[Session], actor: Actor, document_id: int, write: object, *, how: str
) -> DocumentRow:
    require(actor, Permission.READ_MEDICAL_DOCUMENTS)
    with db() as session, session.begin():
        document = session.get(MedicalDocument, document_id)
        if document is None:
            raise NotFound(translate("medical", "The document no longer exists"))
        content = session.get(DocumentContent, document.content_id)
        assert content is not None
        digest = hashlib.sha256()
        for part in _parts(session, document.content_id):
            digest.update(part)
            write(part)  # type: ignore[operator]
        if digest.hexdigest() != content.sha256:
            raise DomainError(
                translate("medical", "The document's stored contents are damaged (SHA-256)")
            )
        journal.record(
            session,
            "document_opened",
            actor=actor,
            entity="medical_document",
            entity_id=document_id,
            details=how,
        )
        return _row(session, document)


def _parts(session: Session, content_id: int) -> Iterator[bytes]:
    """The parts of ``content_id`` in order, one row in memory at a time."""
    numbers = session.scalars(
        sa.select(DocumentPart.part_no)
        .where(DocumentPart.content_id == content_id)
        .order_by(DocumentPart.part_no)
    ).all()
    for number in numbers:
        yield session.scalars(
            sa.select(DocumentPart.data).where(
                DocumentPart.content_id == content_id, DocumentPart.part_no == number
            )
        ).one()


# --- withdrawing --------------------------------------------------------------------


def withdraw(db: sessionmaker[Session], actor: Actor, document_id: int, reason: str) -> DocumentRow:
    """Withdraw a document (it stays, marked, with the reason); journaled.

    Raises:
        PermissionDenied: the role may not withdraw documents.
        NotFound: no such document.
        ValidationError: (field ``reason``) no reason given.
        DomainError: withdrawn already.
    """
    require(actor, Permission.WRITE_MEDICAL_DOCUMENTS)
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError(
            translate("medical", "Reason: say why the document is withdrawn"), field="reason"
        )
    with db() as session, session.begin():
        document = session.get(MedicalDocument, document_id, with_for_update=True)
        if document is None:
            raise NotFound(translate("medical", "The document no longer exists"))
        if document.withdrawn_at is not None:
            raise DomainError(translate("medical", "The document is withdrawn already"))
        document.withdrawn_at = session.scalar(sa.select(sa.func.now()))
        document.withdrawn_by_id = actor.user_id
        document.withdraw_reason = reason
        journal.record(
            session,
            "withdraw",
            actor=actor,
            entity="medical_document",
            entity_id=document_id,
            changes={"withdraw_reason": [None, reason]},
        )
        return _row(session, document)


# --- rows ---------------------------------------------------------------------------


def _user_names(session: Session, ids: set[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.execute(sa.select(User.id, User.full_name).where(User.id.in_(wanted)))
    return {user_id: name for user_id, name in rows}


def _row(session: Session, document: MedicalDocument) -> DocumentRow:
    session.flush()
    session.refresh(document)
    return _plain(document, _user_names(session, {document.uploaded_by_id}))


def _plain(document: Any, names: dict[int, str]) -> DocumentRow:
    return DocumentRow(
        id=document.id,
        patient_id=document.patient_id,
        kind=document.kind,
        title=document.title,
        file_name=document.file_name,
        mime_type=document.mime_type,
        size_bytes=document.size_bytes,
        document_date=document.document_date,
        appointment_id=document.appointment_id,
        author=document.author,
        uploaded_by=names.get(document.uploaded_by_id) if document.uploaded_by_id else None,
        created_at=document.created_at,
        withdrawn_at=document.withdrawn_at,
        withdraw_reason=document.withdraw_reason,
    )
