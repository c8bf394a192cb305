"""The clinic's directories edited from the program: versions, deactivation, rules.

Two admins editing one doctor must not overwrite each other silently, so every
directory row gets a ``version`` (optimistic locking, as patient cards have).
A specialty can be deactivated and can carry its own referral validity where it
differs from DOMAIN.md's defaults; a service says whether it is ОМС or paid and
its code in the Минздрав nomenclature. Directory changes reach every desk live.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VERSIONED = ("branch", "room", "specialty", "doctor", "service", "service_price")
NOTIFIED = ("branch", "room", "specialty", "service", "service_price", "app_user")


def upgrade() -> None:
    for table in VERSIONED:
        op.add_column(table, sa.Column("version", sa.Integer, server_default="1", nullable=False))
    op.add_column(
        "specialty", sa.Column("active", sa.Boolean, server_default=sa.true(), nullable=False)
    )
    op.add_column("specialty", sa.Column("referral_days", sa.SmallInteger))
    op.add_column("specialty", sa.Column("referral_max_days", sa.SmallInteger))
    op.create_check_constraint(
        op.f("ck_specialty_referral_days"),
        "specialty",
        "referral_days IS NULL OR referral_days BETWEEN 7 AND 90",
    )
    op.create_check_constraint(
        op.f("ck_specialty_referral_max_days"),
        "specialty",
        "referral_max_days IS NULL OR referral_max_days BETWEEN 7 AND 365",
    )
    op.add_column(
        "service", sa.Column("oms", sa.Boolean, server_default=sa.false(), nullable=False)
    )
    op.add_column("service", sa.Column("nomenclature_code", sa.String(40)))
    for table in NOTIFIED:
        op.execute(
            f"CREATE TRIGGER crm_notify AFTER INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION crm_notify_change()"
        )


def downgrade() -> None:
    for table in NOTIFIED:
        op.execute(f"DROP TRIGGER IF EXISTS crm_notify ON {table}")
    op.drop_column("service", "nomenclature_code")
    op.drop_column("service", "oms")
    op.drop_constraint(op.f("ck_specialty_referral_max_days"), "specialty")
    op.drop_constraint(op.f("ck_specialty_referral_days"), "specialty")
    op.drop_column("specialty", "referral_max_days")
    op.drop_column("specialty", "referral_days")
    op.drop_column("specialty", "active")
    for table in VERSIONED:
        op.drop_column(table, "version")
