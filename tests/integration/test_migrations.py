"""Migrations upgrade an empty database to head and downgrade back to empty."""

from __future__ import annotations

import warnings

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from crm.db import migrate
from crm.models import Base


def _tables(conn):
    return set(
        conn.execute(
            sa.text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        ).scalars()
    )


def test_upgrade_from_empty_then_downgrade_to_empty(pg_server):
    name = pg_server.create_database()
    engine = sa.create_engine(pg_server.url_for(name), poolclass=sa.pool.NullPool)
    try:
        migrate.upgrade(engine)
        with engine.connect() as conn:
            assert migrate.current_revision(conn) == migrate.head_revision()
            assert set(Base.metadata.tables) <= _tables(conn)
            extensions = set(conn.execute(sa.text("SELECT extname FROM pg_extension")).scalars())
            assert {"btree_gist", "pg_trgm"} <= extensions
            constraints = set(
                conn.execute(
                    sa.text("SELECT conname FROM pg_constraint WHERE contype = 'x'")
                ).scalars()
            )
            assert {
                "ex_appointment_doctor_overlap",
                "ex_appointment_patient_overlap",
            } <= constraints
            # The models and the migrations describe the same schema. (Alembic cannot
            # compare expression indexes with an operator class and says so; that
            # warning is expected.)
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", "Expression #1", UserWarning)
                assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
        migrate.downgrade(engine, "base")
        with engine.connect() as conn:
            assert _tables(conn) == {"alembic_version"}
            functions = conn.execute(
                sa.text("SELECT count(*) FROM pg_proc WHERE proname LIKE 'crm\\_%'")
            ).scalar()
            assert functions == 0
        migrate.upgrade(engine)  # and up again from there
        with engine.connect() as conn:
            assert migrate.current_revision(conn) == migrate.head_revision()
    finally:
        engine.dispose()
        pg_server.drop_database(name)
