"""A desk before login reads the clinic's timezone, so a lockout's end is in clinic time.

The row-level policy of 0004 let ``crm_gate`` read only the key's fingerprint; the
login dialog then told a locked-out person the time in Moscow's zone whatever the
clinic's. The policy now admits :data:`crm.models.database_roles.GATE_SETTINGS`.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07
"""

from collections.abc import Sequence

from alembic import op

from crm.models.database_roles import GATE, GATE_SETTINGS

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _policy(keys: Sequence[str]) -> None:
    op.execute("DROP POLICY IF EXISTS clinic_setting_gate ON clinic_setting")
    listed = ", ".join(f"'{key}'" for key in keys)
    op.execute(
        f"CREATE POLICY clinic_setting_gate ON clinic_setting FOR SELECT TO {GATE} "
        f"USING (key IN ({listed}))"
    )


def upgrade() -> None:
    _policy(GATE_SETTINGS)


def downgrade() -> None:
    _policy(("crypto.key_fingerprint",))
