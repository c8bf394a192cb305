"""Trigram indexes for the one search box (Ctrl+K): referral numbers, document titles,
services, doctors and users.

Patients already have theirs (0001, 0002) and appointments are found by their id
(the ticket's code), the primary key. Each index is on the very expression the
search's ``LIKE '%…%'`` is written against (:mod:`crm.controllers.search`), so a
fragment of three characters or more is looked up in the index, not by reading the
table. ``CREATE INDEX`` builds them over the rows already there.

Revision ID: 0022
Revises: 0014
Create Date: 2026-12-07
"""

from collections.abc import Sequence

from alembic import op

from crm.models.database_roles import apply_grants

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: name → (table, the indexed expression), each with ``gin_trgm_ops``; as in the models.
INDEXES = {
    "ix_referral_number_trgm": ("referral", "number"),
    "ix_medical_document_title_trgm": ("medical_document", "lower(title)"),
    "ix_service_search_trgm": ("service", "lower(code || ' ' || name)"),
    "ix_doctor_search_trgm": (
        "doctor",
        "lower(last_name || ' ' || first_name || ' ' || coalesce(patronymic, ''))",
    ),
    "ix_app_user_search_trgm": ("app_user", "lower(login || ' ' || full_name)"),
}


def upgrade() -> None:
    for name, (table, expression) in INDEXES.items():
        op.execute(f"CREATE INDEX {name} ON {table} USING gin (({expression}) gin_trgm_ops)")
    apply_grants(op.get_bind())


def downgrade() -> None:
    for name in INDEXES:
        op.execute(f"DROP INDEX {name}")
