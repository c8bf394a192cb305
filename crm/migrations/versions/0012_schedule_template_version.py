"""Weekly working hours carry a version, as every other directory row does.

The «Справочники» screen now edits a doctor's weekly hours; two managers changing the
same hours must not overwrite each other silently (the second save shows both
versions), so ``schedule_template`` gets the optimistic-locking ``version`` of 0003; and the
administrator, who edits the directories, may now write weekly hours too.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from crm.models.database_roles import apply_grants

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "schedule_template",
        sa.Column("version", sa.Integer, server_default="1", nullable=False),
    )
    # The administrator edits weekly hours in «Справочники» as well as the manager.
    apply_grants(op.get_bind())


def downgrade() -> None:
    op.drop_column("schedule_template", "version")
