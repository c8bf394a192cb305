"""The clinic's own texts of notices, per purpose and channel, edited by a manager.

``notice_template`` holds a text per purpose (confirmation, change, cancellation,
reminder) and channel (e-mail, SMS) with the optimistic-locking ``version``; a purpose
without a row (or with ``body`` NULL) is sent with the built-in default. An outbox row
filled from a template says so (``from_template``): the sender fills it again from the
template when it sends, so a text edited after a reminder was queued is the one sent.

Revision ID: 0019
Revises: 0014
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from crm.models.database_roles import apply_grants

revision: str = "0019"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "notice_template",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("purpose", sa.String(40), nullable=False),
        sa.Column("channel", sa.String(24), nullable=False),
        sa.Column("subject", sa.String(200)),
        sa.Column("body", sa.Text),
        sa.Column("updated_by_id", sa.Integer, sa.ForeignKey("app_user.id")),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),  # fmt: skip
        sa.Column("version", sa.Integer, server_default="1", nullable=False),
        sa.CheckConstraint("channel IN ('email', 'sms')", name=op.f("ck_notice_template_channel")),
        sa.UniqueConstraint("purpose", "channel", name=op.f("uq_notice_template_purpose")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_template")),
    )
    # Another desk's editor reads the texts again when one is saved.
    op.execute(
        "CREATE TRIGGER crm_notify AFTER INSERT OR UPDATE OR DELETE ON notice_template "
        "FOR EACH ROW EXECUTE FUNCTION crm_notify_change()"
    )
    op.add_column(
        "outbox_message",
        sa.Column("from_template", sa.Boolean, server_default=sa.false(), nullable=False),
    )
    apply_grants(op.get_bind())


def downgrade() -> None:
    op.drop_column("outbox_message", "from_template")
    op.drop_table("notice_template")
