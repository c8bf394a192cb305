"""Migration 0010 moves documents attached before it into parts, once per SHA-256, and
its downgrade puts the bytes back."""

from __future__ import annotations

import hashlib
import os

import sqlalchemy as sa

from crm.db import migrate

BIG = b"%PDF-1.4\n" + os.urandom(2 * 1024 * 1024 + 10)  # three parts
SMALL = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100


def test_old_contents_move_into_parts_and_back(pg_server):
    name = pg_server.create_database()
    engine = sa.create_engine(pg_server.url_for(name), poolclass=sa.pool.NullPool)
    try:
        migrate.upgrade(engine, "0004")
        with engine.begin() as conn:
            patient = conn.execute(
                sa.text(
                    "INSERT INTO patient (last_name, first_name, birth_date, phone) "
                    "VALUES ('Иванов', 'Иван', '1980-01-01', '+79160000001') RETURNING id"
                )
            ).scalar_one()
            for title, data in (("big", BIG), ("same", BIG), ("small", SMALL)):
                conn.execute(
                    sa.text(
                        "INSERT INTO medical_document (patient_id, kind, title, file_name, "
                        "mime_type, content, size_bytes) VALUES (:p, 'image', :t, :t, "
                        "'application/pdf', :c, :s)"
                    ),
                    {"p": patient, "t": title, "c": data, "s": len(data)},
                )
        migrate.upgrade(engine, "0010")
        with engine.connect() as conn:
            contents = dict(conn.execute(sa.text("SELECT sha256, id FROM document_content")).all())
            assert set(contents) == {
                hashlib.sha256(BIG).hexdigest(),
                hashlib.sha256(SMALL).hexdigest(),
            }
            joined = conn.execute(
                sa.text(
                    "SELECT string_agg(data, ''::bytea ORDER BY part_no), count(*) "
                    "FROM document_part WHERE content_id = :c"
                ),
                {"c": contents[hashlib.sha256(BIG).hexdigest()]},
            ).one()
            assert bytes(joined[0]) == BIG and joined[1] == 3
            rows = conn.execute(
                sa.text("SELECT title, content_id, document_date FROM medical_document")
            ).all()
            assert len(rows) == 3 and all(r.document_date is not None for r in rows)
            assert len({r.content_id for r in rows}) == 2
        migrate.downgrade(engine, "0004")
        with engine.connect() as conn:
            back = dict(conn.execute(sa.text("SELECT title, content FROM medical_document")).all())
        assert {k: bytes(v) for k, v in back.items()} == {
            "big": BIG,
            "same": BIG,
            "small": SMALL,
        }
    finally:
        engine.dispose()
        pg_server.drop_database(name)
