"""Distinct surnames for typo-tolerant search, and an index in the result order.

A surname typed with a typo is matched by trigram similarity against the distinct
surnames (tens of thousands at most) instead of against every card (a million);
the cards of the few best surnames are then read in result order straight from an
index, a page at a time. Statement-level triggers with transition tables keep the
counts, so a bulk COPY costs one grouped upsert, not a million.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TRIGGERS = """
CREATE FUNCTION crm_surnames_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO patient_surname (surname, patients)
    SELECT lower(last_name), count(*) FROM new_rows GROUP BY lower(last_name)
    ON CONFLICT (surname) DO UPDATE SET patients = patient_surname.patients + excluded.patients;
    RETURN NULL;
END
$$;

CREATE FUNCTION crm_surnames_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE patient_surname s SET patients = s.patients - gone.n
      FROM (SELECT lower(last_name) AS surname, count(*) AS n
              FROM old_rows GROUP BY lower(last_name)) gone
     WHERE s.surname = gone.surname;
    DELETE FROM patient_surname WHERE patients <= 0;
    RETURN NULL;
END
$$;

CREATE FUNCTION crm_surnames_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE patient_surname s SET patients = s.patients - gone.n
      FROM (SELECT lower(o.last_name) AS surname, count(*) AS n
              FROM old_rows o JOIN new_rows n ON n.id = o.id
             WHERE lower(o.last_name) <> lower(n.last_name)
             GROUP BY lower(o.last_name)) gone
     WHERE s.surname = gone.surname;
    INSERT INTO patient_surname (surname, patients)
    SELECT lower(n.last_name), count(*)
      FROM new_rows n JOIN old_rows o ON o.id = n.id
     WHERE lower(o.last_name) <> lower(n.last_name)
     GROUP BY lower(n.last_name)
    ON CONFLICT (surname) DO UPDATE SET patients = patient_surname.patients + excluded.patients;
    DELETE FROM patient_surname WHERE patients <= 0;
    RETURN NULL;
END
$$;

CREATE TRIGGER crm_surnames_insert AFTER INSERT ON patient
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION crm_surnames_added();
CREATE TRIGGER crm_surnames_delete AFTER DELETE ON patient
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
    EXECUTE FUNCTION crm_surnames_removed();
CREATE TRIGGER crm_surnames_update AFTER UPDATE ON patient
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION crm_surnames_changed();
"""


def upgrade() -> None:
    op.create_table(
        "patient_surname",
        sa.Column("surname", sa.String(60), primary_key=True),
        sa.Column("patients", sa.Integer(), nullable=False),
    )
    op.execute(
        "CREATE INDEX ix_patient_surname_trgm ON patient_surname USING gin (surname gin_trgm_ops)"
    )
    op.execute(
        "CREATE INDEX ix_patient_name_order ON patient "
        "(lower(last_name), first_name, patronymic, birth_date, id)"
    )
    op.execute(
        "INSERT INTO patient_surname (surname, patients) "
        "SELECT lower(last_name), count(*) FROM patient GROUP BY lower(last_name)"
    )
    op.execute(TRIGGERS)


def downgrade() -> None:
    for trigger in ("crm_surnames_insert", "crm_surnames_delete", "crm_surnames_update"):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON patient")
    for function in ("crm_surnames_added", "crm_surnames_removed", "crm_surnames_changed"):
        op.execute(f"DROP FUNCTION IF EXISTS {function}()")
    op.execute("DROP INDEX IF EXISTS ix_patient_name_order")
    op.drop_table("patient_surname")
