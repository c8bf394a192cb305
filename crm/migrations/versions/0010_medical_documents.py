"""Medical documents: the bytes once per SHA-256, in parts; date, author, withdrawal.

``medical_document.content`` (one bytea per document) becomes ``document_content``
(one row per distinct SHA-256) with its bytes in ``document_part`` rows of a megabyte,
so a large file is written and read a part at a time and identical files are stored
once. A document gets its date, its author and a withdrawal (when, who, why); two new
kinds (заключение, выписка). Nothing of it is ever deleted (triggers), and the desk
never reads the bytes (grants of :mod:`crm.models.database_roles`).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from crm.models.database_roles import apply_grants

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PART = 1024 * 1024
OLD_KINDS = ("examination", "analysis", "image", "other")
NEW_KINDS = ("examination", "analysis", "image", "conclusion", "discharge", "other")

TRIGGERS = """
CREATE FUNCTION crm_refuse_document_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'medical documents are never deleted nor their bytes changed (%)',
        TG_TABLE_NAME USING ERRCODE = '42501';
END
$$;

CREATE TRIGGER crm_document_kept BEFORE DELETE ON medical_document
    FOR EACH ROW EXECUTE FUNCTION crm_refuse_document_change();
CREATE TRIGGER crm_document_content_kept BEFORE UPDATE OR DELETE ON document_content
    FOR EACH ROW EXECUTE FUNCTION crm_refuse_document_change();
CREATE TRIGGER crm_document_part_kept BEFORE UPDATE OR DELETE ON document_part
    FOR EACH ROW EXECUTE FUNCTION crm_refuse_document_change();

-- A withdrawn document stays withdrawn, and a document keeps its bytes and its patient.
CREATE FUNCTION crm_document_update_check() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.withdrawn_at IS NOT NULL AND NEW.withdrawn_at IS DISTINCT FROM OLD.withdrawn_at THEN
        RAISE EXCEPTION 'a withdrawn document stays withdrawn' USING ERRCODE = '23514';
    END IF;
    IF NEW.content_id <> OLD.content_id OR NEW.patient_id <> OLD.patient_id THEN
        RAISE EXCEPTION 'a document keeps its contents and its patient' USING ERRCODE = '23514';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER crm_document_update BEFORE UPDATE ON medical_document
    FOR EACH ROW EXECUTE FUNCTION crm_document_update_check();

-- Other desks showing the card re-read its documents (what changed, never the bytes).
CREATE TRIGGER crm_notify AFTER INSERT OR UPDATE ON medical_document
    FOR EACH ROW EXECUTE FUNCTION crm_notify_change();
"""


def _kind_check(kinds: Sequence[str]) -> None:
    op.drop_constraint(op.f("ck_medical_document_kind"), "medical_document", type_="check")
    values = ", ".join(f"'{k}'" for k in kinds)
    op.create_check_constraint("kind", "medical_document", f"kind IN ({values})")


def upgrade() -> None:
    op.create_table(
        "document_content",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("sha256 ~ '^[0-9a-f]{64}$'", name="sha256_hex"),
        sa.CheckConstraint("size_bytes > 0", name="size_positive"),
        sa.PrimaryKeyConstraint("id", name="pk_document_content"),
        sa.UniqueConstraint("sha256", name="uq_document_content_sha256"),
    )
    op.create_table(
        "document_part",
        sa.Column("content_id", sa.Integer(), nullable=False),
        sa.Column("part_no", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["content_id"],
            ["document_content.id"],
            name="fk_document_part_content_id_document_content",
        ),
        sa.PrimaryKeyConstraint("content_id", "part_no", name="pk_document_part"),
    )
    # The parts are compressed files already (PDF, JPEG, DICOM): no second compression.
    op.execute("ALTER TABLE document_part ALTER COLUMN data SET STORAGE EXTERNAL")

    op.add_column("medical_document", sa.Column("content_id", sa.Integer(), nullable=True))
    op.add_column("medical_document", sa.Column("document_date", sa.Date(), nullable=True))
    op.add_column("medical_document", sa.Column("author", sa.String(length=200), nullable=True))
    op.add_column(
        "medical_document", sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column("medical_document", sa.Column("withdrawn_by_id", sa.Integer(), nullable=True))
    op.add_column("medical_document", sa.Column("withdraw_reason", sa.Text(), nullable=True))
    op.alter_column("medical_document", "size_bytes", type_=sa.BigInteger())

    # Documents attached before: their bytes move into parts, once per SHA-256.
    op.execute(
        """
        INSERT INTO document_content (sha256, size_bytes)
        SELECT DISTINCT encode(sha256(content), 'hex'), length(content)
        FROM medical_document WHERE length(content) > 0
        """
    )
    op.execute(
        f"""
        INSERT INTO document_part (content_id, part_no, data)
        SELECT c.id, n, substring(d.content FROM n * {PART} + 1 FOR {PART})
        FROM document_content c
        JOIN LATERAL (
            SELECT content FROM medical_document
            WHERE encode(sha256(content), 'hex') = c.sha256 LIMIT 1
        ) d ON true
        CROSS JOIN LATERAL generate_series(0, ((c.size_bytes - 1) / {PART})::integer) AS n
        """
    )
    op.execute(
        """
        UPDATE medical_document m SET
            content_id = c.id,
            document_date = (m.created_at AT TIME ZONE 'Europe/Moscow')::date
        FROM document_content c WHERE c.sha256 = encode(sha256(m.content), 'hex')
        """
    )
    op.execute("DELETE FROM medical_document WHERE content_id IS NULL")  # empty files: nothing
    op.drop_column("medical_document", "content")
    op.alter_column("medical_document", "content_id", nullable=False)
    op.alter_column("medical_document", "document_date", nullable=False)
    op.create_foreign_key(
        "fk_medical_document_content_id_document_content",
        "medical_document",
        "document_content",
        ["content_id"],
        ["id"],
    )
    op.create_foreign_key(
        "fk_medical_document_withdrawn_by_id_app_user",
        "medical_document",
        "app_user",
        ["withdrawn_by_id"],
        ["id"],
    )
    op.create_index("ix_medical_document_content_id", "medical_document", ["content_id"])
    op.create_check_constraint(
        "withdrawn_with_reason",
        "medical_document",
        "(withdrawn_at IS NULL) = (withdraw_reason IS NULL)",
    )
    _kind_check(NEW_KINDS)
    op.execute(TRIGGERS)
    apply_grants(op.get_bind())


def downgrade() -> None:
    op.execute("DROP TRIGGER crm_notify ON medical_document")
    op.execute("DROP TRIGGER crm_document_update ON medical_document")
    op.execute("DROP TRIGGER crm_document_kept ON medical_document")
    op.add_column("medical_document", sa.Column("content", sa.LargeBinary(), nullable=True))
    op.execute(
        """
        UPDATE medical_document m SET content = (
            SELECT string_agg(data, ''::bytea ORDER BY part_no)
            FROM document_part p WHERE p.content_id = m.content_id
        )
        """
    )
    op.execute("DROP TABLE document_part CASCADE")  # its triggers go with it
    op.alter_column("medical_document", "content", nullable=False)
    op.execute(
        "UPDATE medical_document SET kind = 'other' WHERE kind IN ('conclusion', 'discharge')"
    )
    _kind_check(OLD_KINDS)
    op.drop_constraint(op.f("ck_medical_document_withdrawn_with_reason"), "medical_document")
    op.drop_index("ix_medical_document_content_id", table_name="medical_document")
    op.drop_constraint("fk_medical_document_withdrawn_by_id_app_user", "medical_document")
    op.drop_constraint("fk_medical_document_content_id_document_content", "medical_document")
    for column in (
        "content_id",
        "document_date",
        "author",
        "withdrawn_at",
        "withdrawn_by_id",
        "withdraw_reason",
    ):
        op.drop_column("medical_document", column)
    op.alter_column("medical_document", "size_bytes", type_=sa.Integer())
    op.execute("DROP TABLE document_content CASCADE")
    op.execute("DROP FUNCTION crm_refuse_document_change()")
    op.execute("DROP FUNCTION crm_document_update_check()")
