"""A paid or follow-up visit is always of a service (its price and its length).

A trigger rather than a CHECK: appointments booked before this rule (old paid and
follow-up visits without a service) must still be checked in, completed, cancelled
and moved, and a CHECK — even ``NOT VALID`` — is tested again on every update of
such a row. So the rule holds for what is booked from now on: a new appointment
(a move keeps what its original had: ``rescheduled_from_id`` set), and a change that
would make a visit with a service, or of another kind, a paid one without. It raises
SQLSTATE 23514 naming ``ck_appointment_service_required``, as a CHECK would.

Revision ID: 0016
Revises: 0014
Create Date: 2026-12-07
"""

from collections.abc import Sequence

from alembic import op

from crm.models.database_roles import apply_grants

revision: str = "0016"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FUNCTION = """
CREATE FUNCTION crm_appointment_service_required() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.kind IN ('paid', 'follow_up') AND NEW.service_id IS NULL THEN
        IF TG_OP = 'INSERT' AND NEW.rescheduled_from_id IS NOT NULL THEN
            RETURN NEW;  -- a move keeps the original's terms
        END IF;
        IF TG_OP = 'UPDATE' AND OLD.kind = NEW.kind AND OLD.service_id IS NULL THEN
            RETURN NEW;  -- booked before the rule: it lives on as it was
        END IF;
        RAISE EXCEPTION 'a paid or follow-up visit needs its service'
            USING ERRCODE = 'check_violation',
                  CONSTRAINT = 'ck_appointment_service_required',
                  TABLE = 'appointment', COLUMN = 'service_id';
    END IF;
    RETURN NEW;
END
$$
"""

_TRIGGER = """
CREATE TRIGGER appointment_service_required
BEFORE INSERT OR UPDATE OF kind, service_id ON appointment
FOR EACH ROW EXECUTE FUNCTION crm_appointment_service_required()
"""


def upgrade() -> None:
    op.execute(_FUNCTION)
    op.execute(_TRIGGER)
    apply_grants(op.get_bind())


def downgrade() -> None:
    op.execute("DROP TRIGGER appointment_service_required ON appointment")
    op.execute("DROP FUNCTION crm_appointment_service_required()")
