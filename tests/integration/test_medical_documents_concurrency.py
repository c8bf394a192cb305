"""Medical documents with real commits: two desks attaching the same file at once store it
once; other desks hear of a new document (what changed, never the bytes)."""

from __future__ import annotations

import json
import threading

import sqlalchemy as sa

from crm.controllers.medical import documents
from crm.models import DocumentContent, MedicalDocument
from crm.models.enums import DocumentKind, Role
from tests import booking_factories as bf
from tests import factories as f

PDF = b"%PDF-1.4\n" + b"y" * (3 * 1024 * 1024) + b"\n%%EOF\n"


def _clinic(committed_db):
    with committed_db() as session, session.begin():
        patient = f.patient(session).id
        doctor = bf.user(session, Role.DOCTOR)
        manager = bf.user(session, Role.MANAGER)
    return patient, doctor, manager


def test_the_same_file_attached_at_once_is_stored_once(committed_db, tmp_path):
    patient, doctor, manager = _clinic(committed_db)
    source = tmp_path / "скан.pdf"
    source.write_bytes(PDF)
    start = threading.Barrier(2)
    results: list[object] = []

    def attach(actor) -> None:
        start.wait()
        try:
            results.append(
                documents.attach(committed_db, actor, patient, source, kind=DocumentKind.IMAGE)
            )
        except Exception as error:  # noqa: BLE001 - reported below
            results.append(error)

    threads = [threading.Thread(target=attach, args=(a,)) for a in (doctor, manager)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert all(isinstance(r, documents.DocumentRow) for r in results), results
    with committed_db() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(DocumentContent)) == 1
        assert session.scalar(sa.select(sa.func.count()).select_from(MedicalDocument)) == 2
    assert documents.open_document(committed_db, doctor, results[1].id).data == PDF


def test_another_desk_hears_of_a_new_document(committed_engine, committed_db, tmp_path):
    patient, doctor, _manager = _clinic(committed_db)
    source = tmp_path / "a.pdf"
    source.write_bytes(PDF[:2000])
    with committed_engine.connect().execution_options(isolation_level="AUTOCOMMIT") as listen:
        listen.execute(sa.text("LISTEN crm_events"))
        row = documents.attach(committed_db, doctor, patient, source, kind=DocumentKind.ANALYSIS)
        raw = listen.connection.driver_connection
        payloads = [json.loads(n.payload) for n in raw.notifies(timeout=5, stop_after=3)]
    mine = [p for p in payloads if p.get("table") == "medical_document"]
    assert mine and mine[0]["id"] == row.id and mine[0]["patient_id"] == patient
    assert set(mine[0]) <= {"table", "op", "id", "patient_id"}
