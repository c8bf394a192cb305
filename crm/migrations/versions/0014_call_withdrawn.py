"""A call on the registrar's list can be withdrawn with the waiting-list offer it was about.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07
"""

from collections.abc import Sequence

from alembic import op

from crm.models.database_roles import apply_grants

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHECK = "ck_call_task_status"


def _statuses(values: str) -> None:
    op.drop_constraint(op.f(CHECK), "call_task", type_="check")
    op.create_check_constraint(op.f(CHECK), "call_task", f"status IN ({values})")


def upgrade() -> None:
    _statuses("'open', 'reached', 'no_answer', 'withdrawn'")
    # A doctor's action may end an offer too: she may withdraw its call.
    apply_grants(op.get_bind())


def downgrade() -> None:
    op.execute("UPDATE call_task SET status = 'reached' WHERE status = 'withdrawn'")
    _statuses("'open', 'reached', 'no_answer'")
