"""Weekly working hours carry a version, as every other directory row does.

The «Справочники» screen now edits a doctor's weekly hours; two managers changing the
same hours must not overwrite each other silently (the second save shows both
versions), so ``schedule_template`` gets the optimistic-locking ``version`` of 0003.

Revision ID: 0008
Revises: 0004
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "schedule_template",
        sa.Column("version", sa.Integer, server_default="1", nullable=False),
    )


def downgrade() -> None:
    op.drop_column("schedule_template", "version")
