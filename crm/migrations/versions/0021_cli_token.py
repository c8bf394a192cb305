"""A user may hold a command-line token an administrator issued (its argon2 hash only).

Revision ID: 0021
Revises: 0014
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from crm.models.database_roles import apply_grants

revision: str = "0021"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Not among the columns the desks may read (like the password hash).
    op.add_column("app_user", sa.Column("cli_token_hash", sa.String(200), nullable=True))
    apply_grants(op.get_bind())


def downgrade() -> None:
    op.drop_column("app_user", "cli_token_hash")
