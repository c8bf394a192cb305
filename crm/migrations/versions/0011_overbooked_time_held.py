"""An overbooked appointment holds its time; a notice can be withdrawn with its offer.

The exclusion constraint ``ex_appointment_doctor_overlap`` only compares rows that are
not overbooked, so an ordinary booking could be made over a manager's overbooking.
The rule (DOMAIN.md, Booking) is asymmetric — an ordinary appointment never overlaps
any live appointment of the doctor, an overbooked one may overlap others — which an
exclusion constraint cannot say, so a trigger says it. It takes the doctor's
transaction-level advisory lock (the one ``booking._insert`` takes) before looking,
so two desks take turns and the second sees the first's committed row: under READ
COMMITTED each statement of the function reads a fresh snapshot. A refusal carries
SQLSTATE 23P01 and the constraint's name, so the desk says «time taken» as before.

``outbox_message.waiting_entry_id`` links a waiting-list offer's notice to its entry,
and the status ``withdrawn`` marks a notice taken back before it was sent.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The first key of the doctor's advisory lock (``crm.controllers.schedule.booking``).
LOCK_DOCTOR = 0x43524D01

_FUNCTION = f"""
CREATE FUNCTION crm_appointment_holds_time() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock({LOCK_DOCTOR}, NEW.doctor_id);
    IF NOT NEW.overbooked AND EXISTS (
        SELECT 1 FROM appointment a
        WHERE a.doctor_id = NEW.doctor_id
          AND a.id <> NEW.id
          AND a.overbooked
          AND a.status NOT IN ('cancelled', 'rescheduled')
          AND tstzrange(a.starts_at, a.ends_at, '[)') && tstzrange(NEW.starts_at, NEW.ends_at, '[)')
    ) THEN
        RAISE EXCEPTION 'the time is held by an overbooked appointment'
            USING ERRCODE = 'exclusion_violation',
                  CONSTRAINT = 'ex_appointment_doctor_overlap',
                  TABLE = 'appointment';
    END IF;
    RETURN NEW;
END
$$
"""

_TRIGGER = """
CREATE TRIGGER appointment_holds_time
BEFORE INSERT OR UPDATE OF doctor_id, starts_at, ends_at, status, overbooked ON appointment
FOR EACH ROW WHEN (NEW.status NOT IN ('cancelled', 'rescheduled'))
EXECUTE FUNCTION crm_appointment_holds_time()
"""

_STATUSES_OLD = "'pending', 'sent', 'failed', 'cancelled'"
_STATUSES_NEW = "'pending', 'sent', 'failed', 'cancelled', 'withdrawn'"


def _status_check(values: str) -> None:
    op.execute("ALTER TABLE outbox_message DROP CONSTRAINT ck_outbox_message_status")
    op.execute(
        "ALTER TABLE outbox_message ADD CONSTRAINT ck_outbox_message_status "
        f"CHECK (status IN ({values}))"
    )


def upgrade() -> None:
    op.execute(_FUNCTION)
    op.execute(_TRIGGER)
    op.add_column(
        "outbox_message",
        sa.Column("waiting_entry_id", sa.Integer(), nullable=True),
    )
    op.create_foreign_key(
        op.f("fk_outbox_message_waiting_entry_id_waiting_list_entry"),
        "outbox_message",
        "waiting_list_entry",
        ["waiting_entry_id"],
        ["id"],
    )
    _status_check(_STATUSES_NEW)


def downgrade() -> None:
    op.execute("UPDATE outbox_message SET status = 'failed' WHERE status = 'withdrawn'")
    _status_check(_STATUSES_OLD)
    op.drop_constraint(
        op.f("fk_outbox_message_waiting_entry_id_waiting_list_entry"),
        "outbox_message",
        type_="foreignkey",
    )
    op.drop_column("outbox_message", "waiting_entry_id")
    op.execute("DROP TRIGGER appointment_holds_time ON appointment")
    op.execute("DROP FUNCTION crm_appointment_holds_time()")
