"""Notifications that reach patients: the call list and the outbox's «not sent» status.

A «звонок» channel becomes a task on the registrar's call list (``call_task``), never
an SMS. An outbox row may end ``cancelled``: a reminder of a visit cancelled or moved
before it was due is not sent.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from crm.models.database_roles import apply_grants

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OUTBOX_STATUS = "ck_outbox_message_status"


def upgrade() -> None:
    op.drop_constraint(op.f(OUTBOX_STATUS), "outbox_message", type_="check")
    op.create_check_constraint(
        op.f(OUTBOX_STATUS), "outbox_message",
        "status IN ('pending', 'sent', 'failed', 'cancelled')",
    )  # fmt: skip
    op.create_table(
        "call_task",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("patient_id", sa.Integer, sa.ForeignKey("patient.id"), nullable=False),
        sa.Column("appointment_id", sa.Integer, sa.ForeignKey("appointment.id")),
        sa.Column("waiting_entry_id", sa.Integer, sa.ForeignKey("waiting_list_entry.id")),
        sa.Column("phone", sa.String(20)),
        sa.Column("purpose", sa.String(40), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("status", sa.String(24), server_default="open", nullable=False),
        sa.Column(
            "due_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),  # fmt: skip
        sa.Column("attempts", sa.Integer, server_default=sa.text("0"), nullable=False),
        sa.Column("done_by_id", sa.Integer, sa.ForeignKey("app_user.id")),
        sa.Column("done_at", sa.DateTime(timezone=True)),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),  # fmt: skip
        sa.CheckConstraint(
            "status IN ('open', 'reached', 'no_answer')", name=op.f("ck_call_task_status")
        ),
    )
    op.create_index("ix_call_task_patient_id", "call_task", ["patient_id"])
    op.create_index(
        "ix_call_task_open", "call_task", ["due_at"], postgresql_where=sa.text("status = 'open'")
    )
    op.execute(
        "CREATE TRIGGER crm_notify AFTER INSERT OR UPDATE OR DELETE ON call_task "
        "FOR EACH ROW EXECUTE FUNCTION crm_notify_change()"
    )
    apply_grants(op.get_bind())


def downgrade() -> None:
    op.drop_table("call_task")
    op.execute("UPDATE outbox_message SET status = 'failed' WHERE status = 'cancelled'")
    op.drop_constraint(op.f(OUTBOX_STATUS), "outbox_message", type_="check")
    op.create_check_constraint(
        op.f(OUTBOX_STATUS), "outbox_message", "status IN ('pending', 'sent', 'failed')"
    )
