"""Payments and bonus points at the desk: the rules a race between desks could break.

A refund never returns more than its payment took: a trigger locks the original
payment's row (``FOR UPDATE``), so two desks refunding the same payment at once take
turns and the second sees the first's refund. A payment for a cancelled (or moved)
visit is refused, with the appointment's row locked against a cancellation meanwhile;
a refund goes back to the same patient, visit and method, and no payment is ever
updated or deleted (a mistake is refunded, with a reason).
A patient's bonus balance (``patient.bonus_balance``) is kept by a trigger on the
ledger, and its ``CHECK (bonus_balance >= 0)`` refuses a spend over the balance: two
concurrent spends update the same row one after the other, and the second one is
checked against the first's result. Nobody writes the balance but that trigger (a
guard on ``patient`` refuses it with SQLSTATE 42501), so it always is the ledger's sum.

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from crm.models.database_roles import apply_grants

revision: str = "0009"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LEDGER_KINDS = ("accrual", "spend", "expiry", "correction", "refund")

FUNCTIONS = """
CREATE FUNCTION crm_payment_check() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    original payment;
    refunded numeric;
    visit_status text;
BEGIN
    IF NEW.refund_of_id IS NOT NULL THEN
        SELECT * INTO original FROM payment WHERE id = NEW.refund_of_id FOR UPDATE;
        IF original.refund_of_id IS NOT NULL THEN
            RAISE EXCEPTION 'a refund of a refund' USING ERRCODE = '23514',
                CONSTRAINT = 'refund_of_refund';
        END IF;
        IF NEW.patient_id IS DISTINCT FROM original.patient_id
           OR NEW.appointment_id IS DISTINCT FROM original.appointment_id
           OR NEW.method IS DISTINCT FROM original.method THEN
            RAISE EXCEPTION 'a refund goes back the way its payment came' USING
                ERRCODE = '23514', CONSTRAINT = 'refund_like_payment';
        END IF;
        SELECT coalesce(-sum(amount), 0) INTO refunded
            FROM payment WHERE refund_of_id = NEW.refund_of_id;
        IF refunded - NEW.amount > original.amount THEN
            RAISE EXCEPTION 'refund over the paid sum: paid %, refunded %, asked %',
                original.amount, refunded, -NEW.amount
                USING ERRCODE = '23514', CONSTRAINT = 'refund_over_paid';
        END IF;
    ELSIF NEW.appointment_id IS NOT NULL THEN
        SELECT status INTO visit_status FROM appointment
            WHERE id = NEW.appointment_id FOR SHARE;
        IF visit_status IN ('cancelled', 'rescheduled') THEN
            RAISE EXCEPTION 'a payment for a cancelled visit' USING ERRCODE = '23514',
                CONSTRAINT = 'payment_for_cancelled';
        END IF;
    END IF;
    RETURN NEW;
END
$$;

-- Money taken is never rewritten: a mistake is refunded, with a reason.
CREATE FUNCTION crm_payment_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'payments are append-only: refund instead' USING ERRCODE = '42501';
END
$$;

CREATE FUNCTION crm_bonus_balance_apply() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    UPDATE patient SET bonus_balance = bonus_balance + NEW.delta WHERE id = NEW.patient_id;
    RETURN NEW;
END
$$;

-- The balance changes only through the ledger (the trigger above runs one level down).
CREATE FUNCTION crm_bonus_balance_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF (TG_OP = 'INSERT' AND NEW.bonus_balance <> 0)
       OR (TG_OP = 'UPDATE' AND NEW.bonus_balance IS DISTINCT FROM OLD.bonus_balance
           AND pg_trigger_depth() < 2) THEN
        RAISE EXCEPTION 'the bonus balance changes only through the bonus ledger'
            USING ERRCODE = '42501';
    END IF;
    RETURN NEW;
END
$$;
"""


def upgrade() -> None:
    op.add_column("payment", sa.Column("reason", sa.Text))
    op.create_check_constraint(
        op.f("ck_payment_refund_reason"),
        "payment",
        "refund_of_id IS NULL OR length(btrim(coalesce(reason, ''))) > 0",
    )
    op.create_index("ix_payment_refund_of_id", "payment", ["refund_of_id"])
    op.create_index("ix_payment_appointment_id", "payment", ["appointment_id"])
    op.add_column(
        "bonus_ledger_entry",
        sa.Column("kind", sa.String(20), server_default="correction", nullable=False),
    )
    op.create_check_constraint(
        op.f("ck_bonus_ledger_entry_kind"),
        "bonus_ledger_entry",
        "kind IN (" + ", ".join(f"'{k}'" for k in LEDGER_KINDS) + ")",
    )
    op.add_column("bonus_ledger_entry", sa.Column("expires_on", sa.Date))
    op.add_column(
        "bonus_ledger_entry",
        sa.Column(
            "created_by_id",
            sa.Integer,
            sa.ForeignKey("app_user.id", name=op.f("fk_bonus_ledger_entry_created_by_id_app_user")),
        ),
    )
    # The balance is the ledger's sum from now on (the demo's rows agree already).
    op.execute(
        "UPDATE patient p SET bonus_balance = greatest(coalesce("
        "(SELECT sum(delta) FROM bonus_ledger_entry e WHERE e.patient_id = p.id), 0), 0)"
    )
    op.create_check_constraint(
        op.f("ck_patient_bonus_balance_nonnegative"), "patient", "bonus_balance >= 0"
    )
    op.execute(FUNCTIONS)
    op.execute(
        "CREATE TRIGGER crm_payment_check BEFORE INSERT ON payment "
        "FOR EACH ROW EXECUTE FUNCTION crm_payment_check()"
    )
    op.execute(
        "CREATE TRIGGER crm_append_only BEFORE UPDATE OR DELETE ON payment "
        "FOR EACH ROW EXECUTE FUNCTION crm_payment_append_only()"
    )
    op.execute(
        "CREATE TRIGGER crm_bonus_balance AFTER INSERT ON bonus_ledger_entry "
        "FOR EACH ROW EXECUTE FUNCTION crm_bonus_balance_apply()"
    )
    op.execute(
        "CREATE TRIGGER crm_bonus_balance_guard BEFORE INSERT OR UPDATE OF bonus_balance "
        "ON patient FOR EACH ROW EXECUTE FUNCTION crm_bonus_balance_guard()"
    )
    apply_grants(op.get_bind())


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS crm_bonus_balance_guard ON patient")
    op.execute("DROP TRIGGER IF EXISTS crm_bonus_balance ON bonus_ledger_entry")
    op.execute("DROP FUNCTION IF EXISTS crm_bonus_balance_guard()")
    op.execute("DROP TRIGGER IF EXISTS crm_append_only ON payment")
    op.execute("DROP TRIGGER IF EXISTS crm_payment_check ON payment")
    op.execute("DROP FUNCTION IF EXISTS crm_payment_append_only()")
    op.execute("DROP FUNCTION IF EXISTS crm_bonus_balance_apply()")
    op.execute("DROP FUNCTION IF EXISTS crm_payment_check()")
    op.drop_constraint(op.f("ck_patient_bonus_balance_nonnegative"), "patient")
    op.drop_column("bonus_ledger_entry", "created_by_id")
    op.drop_column("bonus_ledger_entry", "expires_on")
    op.drop_constraint(op.f("ck_bonus_ledger_entry_kind"), "bonus_ledger_entry")
    op.drop_column("bonus_ledger_entry", "kind")
    op.drop_index("ix_payment_appointment_id", "payment")
    op.drop_index("ix_payment_refund_of_id", "payment")
    op.drop_constraint(op.f("ck_payment_refund_reason"), "payment")
    op.drop_column("payment", "reason")
