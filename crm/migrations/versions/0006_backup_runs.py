"""Backup runs: what the clinic's service (or «back up now») backed up, when, how big, how it went.

Every desk reads the age of the last good backup from here (the status bar warns when it
is old); only administrators (and the service, run as the owner) write it. Changes reach
the desks live through ``crm_notify_change``.

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from crm.models.database_roles import apply_grants

revision: str = "0006"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "backup_run",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "started_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        sa.Column("trigger", sa.String(20), nullable=False),
        sa.Column("result", sa.String(20), server_default="running", nullable=False),
        sa.Column("file_path", sa.Text),
        sa.Column("size_bytes", sa.BigInteger),
        sa.Column("error", sa.Text),
        sa.Column("host", sa.String(200), nullable=False),
        sa.Column("pruned_at", sa.DateTime(timezone=True)),
        sa.CheckConstraint("trigger IN ('schedule', 'manual')", name=op.f("ck_backup_run_trigger")),
        sa.CheckConstraint(
            "result IN ('running', 'ok', 'failed')", name=op.f("ck_backup_run_result")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_backup_run")),
    )
    op.create_index("ix_backup_run_started_at", "backup_run", ["started_at"])
    op.execute(
        "CREATE TRIGGER crm_notify AFTER INSERT OR UPDATE OR DELETE ON backup_run "
        "FOR EACH ROW EXECUTE FUNCTION crm_notify_change()"
    )
    apply_grants(op.get_bind())


def downgrade() -> None:
    op.drop_table("backup_run")
