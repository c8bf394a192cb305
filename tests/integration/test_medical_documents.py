"""Medical documents: stored once per SHA-256 in parts, the size limit, who opens them
(the controller and PostgreSQL's grants), every opening journaled, withdrawal."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa

from crm.controllers.access import auth
from crm.controllers.context import Actor
from crm.controllers.errors import DomainError, PermissionDenied, ValidationError
from crm.controllers.medical import documents
from crm.models import DocumentContent, DocumentPart, JournalEntry, MedicalDocument, User
from crm.models.enums import DocumentKind, Role
from tests import factories

PDF = b"%PDF-1.4\n" + b"1 0 obj << >> endobj\n" * 10 + b"%%EOF\n"


@pytest.fixture
def actors(db):
    def make(login: str, role: Role) -> Actor:
        user_id = auth.add_user(db, login, "password-123", role, f"{login.title()} Тестов")
        return Actor(
            user_id=user_id, login=login, full_name=f"{login} Т.", role=role, workstation="desk-3"
        )

    return {
        "registrar": make("reg", Role.REGISTRAR),
        "doctor": make("doc", Role.DOCTOR),
        "manager": make("man", Role.MANAGER),
        "admin": make("adm", Role.ADMIN),
    }


@pytest.fixture
def patient_id(db) -> int:
    with db() as session, session.begin():
        return factories.patient(session).id


def _file(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@contextmanager
def as_role(db, actor: Actor) -> Iterator[None]:
    """Everything inside runs as ``actor``'s own PostgreSQL role, then is undone."""
    connection: sa.Connection = db.kw["bind"]
    role = connection.scalar(sa.select(User.db_role).where(User.id == actor.user_id))
    assert role
    savepoint = connection.begin_nested()
    connection.execute(sa.text(f'SET LOCAL SESSION AUTHORIZATION "{role}"'))
    try:
        yield
    finally:
        savepoint.rollback()


def test_a_large_file_round_trips_byte_for_byte_in_parts(db, actors, patient_id, tmp_path):
    data = b"%PDF-1.7\n" + os.urandom(20 * 1024 * 1024)  # 20 MB and a little
    source = _file(tmp_path, "МРТ.pdf", data)
    row = documents.attach(db, actors["doctor"], patient_id, source, kind=DocumentKind.IMAGE)
    assert (row.mime_type, row.size_bytes, row.title) == ("application/pdf", len(data), "МРТ")
    assert row.author == "doc Т." and row.document_date == factories.clinic_today()
    with db() as session:
        parts = session.scalar(sa.select(sa.func.count()).select_from(DocumentPart))
        content = session.scalars(sa.select(DocumentContent)).one()
    assert parts == 21 and content.sha256 == hashlib.sha256(data).hexdigest()
    copy = tmp_path / "copy.pdf"
    documents.save_copy(db, actors["manager"], row.id, copy)
    assert copy.read_bytes() == data
    assert not (tmp_path / "copy.pdf.part").exists()


def test_identical_files_are_stored_once(db, actors, patient_id, tmp_path):
    first = documents.attach(
        db, actors["doctor"], patient_id, _file(tmp_path, "a.pdf", PDF), kind=DocumentKind.ANALYSIS
    )
    second = documents.attach(
        db,
        actors["manager"],
        patient_id,
        _file(tmp_path, "b.pdf", PDF),
        kind=DocumentKind.CONCLUSION,
        title="Заключение кардиолога",
    )
    assert first.id != second.id
    with db() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(DocumentContent)) == 1
        ids = session.scalars(sa.select(MedicalDocument.content_id)).all()
    assert len(set(ids)) == 1
    assert [r.title for r in documents.list_documents(db, actors["registrar"], patient_id)] == [
        "Заключение кардиолога",
        "a",
    ]


def test_a_file_over_the_limit_is_refused_naming_the_field_and_nothing_stored(
    db, actors, patient_id, tmp_path
):
    documents.set_size_limit(db, actors["admin"], 1)
    big = _file(tmp_path, "big.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024))
    with pytest.raises(ValidationError) as refused:
        documents.attach(db, actors["doctor"], patient_id, big, kind=DocumentKind.EXAMINATION)
    assert refused.value.field == "file"
    assert refused.value.message.startswith("Файл:") and "1 МБ" in refused.value.message
    assert documents.list_documents(db, actors["doctor"], patient_id) == []
    with db() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(DocumentContent)) == 0
    with pytest.raises(PermissionDenied):
        documents.set_size_limit(db, actors["manager"], 500)
    with pytest.raises(ValidationError) as bad:
        documents.set_size_limit(db, actors["admin"], 0)
    assert bad.value.field == "size_limit"


@pytest.mark.parametrize(
    ("name", "data"),
    [("virus.pdf", b"MZ\x90\x00 not a pdf"), ("empty.png", b""), ("notes.docx", b"plain text")],
)
def test_unknown_or_empty_files_are_refused(  # noqa: PLR0917 (parametrized)
    db, actors, patient_id, tmp_path, name, data
):
    with pytest.raises(ValidationError) as refused:
        documents.attach(
            db, actors["doctor"], patient_id, _file(tmp_path, name, data), kind=DocumentKind.OTHER
        )
    assert refused.value.field == "file"


def test_known_types_are_recognised(db, actors, patient_id, tmp_path):
    dicom = b"\x00" * 128 + b"DICM" + b"\x02\x00" * 20
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 30
    jpeg = b"\xff\xd8\xff\xe0" + b"\x00" * 30
    for name, data, mime in (
        ("ct.dcm", dicom, "application/dicom"),
        ("x.png", png, "image/png"),
        ("x.jpg", jpeg, "image/jpeg"),
    ):
        row = documents.attach(
            db, actors["doctor"], patient_id, _file(tmp_path, name, data), kind=DocumentKind.IMAGE
        )
        assert row.mime_type == mime


def test_a_registrar_sees_that_a_document_exists_never_its_contents(
    db, actors, patient_id, tmp_path
):
    row = documents.attach(
        db, actors["doctor"], patient_id, _file(tmp_path, "a.pdf", PDF), kind=DocumentKind.ANALYSIS
    )
    registrar = actors["registrar"]
    with as_role(db, registrar):
        [listed] = documents.list_documents(db, registrar, patient_id)
        assert listed.id == row.id and listed.size_bytes == len(PDF)
    with pytest.raises(PermissionDenied):
        documents.open_document(db, registrar, row.id)
    with pytest.raises(PermissionDenied):
        documents.save_copy(db, registrar, row.id, tmp_path / "stolen.pdf")
    assert not (tmp_path / "stolen.pdf").exists()


@pytest.mark.parametrize(
    "statement",
    [
        "SELECT data FROM document_part",
        "SELECT sha256 FROM document_content",
        "SELECT content_id FROM medical_document",
        "SELECT * FROM medical_document",
        "INSERT INTO document_part (content_id, part_no, data) VALUES (1, 99, 'x')",
        "DELETE FROM medical_document",
    ],
)
def test_the_registrars_role_cannot_read_contents_even_with_psql(
    db, actors, patient_id, tmp_path, statement
):
    documents.attach(
        db, actors["doctor"], patient_id, _file(tmp_path, "a.pdf", PDF), kind=DocumentKind.ANALYSIS
    )
    connection: sa.Connection = db.kw["bind"]
    with as_role(db, actors["registrar"]), pytest.raises(sa.exc.ProgrammingError) as refused:
        with connection.begin_nested():
            connection.execute(sa.text(statement))
    assert refused.value.orig.sqlstate == "42501"


def test_the_doctors_role_opens_and_nobody_deletes_or_rewrites(db, actors, patient_id, tmp_path):
    row = documents.attach(
        db, actors["doctor"], patient_id, _file(tmp_path, "a.pdf", PDF), kind=DocumentKind.ANALYSIS
    )
    with as_role(db, actors["doctor"]):
        assert documents.open_document(db, actors["doctor"], row.id).data == PDF
    connection: sa.Connection = db.kw["bind"]
    for statement in ("DELETE FROM medical_document", "UPDATE document_part SET data = 'x'"):
        with pytest.raises(sa.exc.DBAPIError), connection.begin_nested():
            connection.execute(sa.text(statement))  # even the owner: the triggers refuse


def test_every_opening_is_journaled(db, actors, patient_id, tmp_path):
    row = documents.attach(
        db, actors["doctor"], patient_id, _file(tmp_path, "a.pdf", PDF), kind=DocumentKind.ANALYSIS
    )
    opened = documents.open_document(db, actors["doctor"], row.id)
    assert opened.data == PDF
    documents.save_copy(db, actors["manager"], row.id, tmp_path / "copy.pdf")
    with db() as session:
        entries = session.execute(
            sa.select(JournalEntry.action, JournalEntry.user_id, JournalEntry.details)
            .where(JournalEntry.entity == "medical_document", JournalEntry.entity_id == row.id)
            .order_by(JournalEntry.id)
        ).all()
    assert entries == [
        ("create", actors["doctor"].user_id, None),
        ("document_opened", actors["doctor"].user_id, "view"),
        ("document_opened", actors["manager"].user_id, "copy"),
    ]


def test_withdraw_keeps_the_document_with_its_reason(db, actors, patient_id, tmp_path):
    row = documents.attach(
        db, actors["doctor"], patient_id, _file(tmp_path, "a.pdf", PDF), kind=DocumentKind.ANALYSIS
    )
    with pytest.raises(ValidationError) as no_reason:
        documents.withdraw(db, actors["doctor"], row.id, "  ")
    assert no_reason.value.field == "reason"
    with pytest.raises(PermissionDenied):
        documents.withdraw(db, actors["registrar"], row.id, "ошибка")
    withdrawn = documents.withdraw(db, actors["doctor"], row.id, "Прикреплён не тому пациенту")
    assert withdrawn.withdrawn and withdrawn.withdraw_reason == "Прикреплён не тому пациенту"
    with pytest.raises(DomainError):
        documents.withdraw(db, actors["doctor"], row.id, "ещё раз")
    assert documents.list_documents(db, actors["doctor"], patient_id, withdrawn=False) == []
    [kept] = documents.list_documents(db, actors["doctor"], patient_id)
    assert kept.withdrawn
    with db() as session:
        entry = session.scalars(
            sa.select(JournalEntry).where(JournalEntry.action == "withdraw")
        ).one()
    assert entry.changes == {"withdraw_reason": [None, "Прикреплён не тому пациенту"]}


def test_the_appointment_must_be_the_patients_and_the_date_not_ahead(
    db, actors, patient_id, tmp_path
):
    with db() as session, session.begin():
        branch, specialty = factories.clinic(session)
        doctor = factories.doctor(session, branch, specialty)
        other = factories.patient(session, "Сидоров")
        day = factories.clinic_today() - dt.timedelta(days=3)
        theirs = factories.appointment(session, doctor, other, factories.at(day, "10:00")).id
        mine = factories.appointment(
            session, doctor, session.get(type(other), patient_id), factories.at(day, "11:00")
        ).id
    source = _file(tmp_path, "a.pdf", PDF)
    with pytest.raises(ValidationError) as wrong:
        documents.attach(
            db,
            actors["doctor"],
            patient_id,
            source,
            kind=DocumentKind.DISCHARGE,
            appointment_id=theirs,
        )
    assert wrong.value.field == "appointment_id"
    with pytest.raises(ValidationError) as ahead:
        documents.attach(
            db,
            actors["doctor"],
            patient_id,
            source,
            kind=DocumentKind.DISCHARGE,
            document_date=factories.clinic_today() + dt.timedelta(days=1),
        )
    assert ahead.value.field == "document_date"
    row = documents.attach(
        db,
        actors["doctor"],
        patient_id,
        source,
        kind=DocumentKind.DISCHARGE,
        appointment_id=mine,
        document_date=day,
    )
    assert (row.appointment_id, row.document_date) == (mine, day)
    [choice] = documents.appointment_choices(db, actors["doctor"], patient_id)
    assert choice.id == mine and choice.doctor == "Петров П. П."
