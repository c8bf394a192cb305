"""Ratings imported from a file: where a rating came from and its key in the source;
ratings announce themselves on ``crm_events`` (a manager's queue fills live).

Revision ID: 0017
Revises: 0014
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from crm.models.database_roles import apply_grants

revision: str = "0017"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "feedback",
        sa.Column("source", sa.String(10), server_default="desk", nullable=False),
    )
    op.add_column("feedback", sa.Column("external_ref", sa.String(120), nullable=True))
    op.create_check_constraint(
        op.f("ck_feedback_source"), "feedback", "source IN ('desk', 'import')"
    )
    # An imported rating once, however often its file is imported (two desks at once
    # included: the second insert fails on this index rather than doubling it).
    op.create_unique_constraint(op.f("uq_feedback_external_ref"), "feedback", ["external_ref"])
    op.execute(
        "CREATE TRIGGER crm_notify AFTER INSERT OR UPDATE OR DELETE ON feedback "
        "FOR EACH ROW EXECUTE FUNCTION crm_notify_change()"
    )
    apply_grants(op.get_bind())


def downgrade() -> None:
    op.execute("DROP TRIGGER crm_notify ON feedback")
    op.drop_constraint(op.f("uq_feedback_external_ref"), "feedback", type_="unique")
    op.drop_constraint(op.f("ck_feedback_source"), "feedback", type_="check")
    op.drop_column("feedback", "external_ref")
    op.drop_column("feedback", "source")
