"""initial schema

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-22 01:40:09.116636
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from crm.migrations.initial import clinic_and_people, records_and_money, referrals_and_visits

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# --- Written by hand: triggers and functions that autogenerate cannot see. ---------------

NOTIFY_FUNCTION = """
CREATE FUNCTION crm_clinic_timezone() RETURNS text LANGUAGE sql STABLE AS $$
    SELECT coalesce(
        (SELECT value ->> 'name' FROM clinic_setting WHERE key = 'clinic.timezone'),
        'Europe/Moscow')
$$;

-- Tells every workstation what changed (table, id, doctor, day) -- never the data itself.
CREATE FUNCTION crm_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    rec jsonb;
    old_rec jsonb;
    payload jsonb;
    tz text;
BEGIN
    IF TG_OP = 'DELETE' THEN rec := to_jsonb(OLD); ELSE rec := to_jsonb(NEW); END IF;
    payload := jsonb_build_object('table', TG_TABLE_NAME, 'op', TG_OP, 'id', rec -> 'id');
    IF rec ? 'patient_id' THEN
        payload := payload || jsonb_build_object('patient_id', rec -> 'patient_id');
    END IF;
    IF rec ? 'doctor_id' THEN
        payload := payload || jsonb_build_object('doctor_id', rec -> 'doctor_id');
    END IF;
    IF rec ? 'starts_at' THEN
        tz := crm_clinic_timezone();
        payload := payload || jsonb_build_object(
            'day', ((rec ->> 'starts_at')::timestamptz AT TIME ZONE tz)::date);
        IF TG_OP = 'UPDATE' THEN
            old_rec := to_jsonb(OLD);
            IF old_rec -> 'doctor_id' IS DISTINCT FROM rec -> 'doctor_id'
               OR old_rec -> 'starts_at' IS DISTINCT FROM rec -> 'starts_at' THEN
                payload := payload || jsonb_build_object(
                    'old_doctor_id', old_rec -> 'doctor_id',
                    'old_day', ((old_rec ->> 'starts_at')::timestamptz AT TIME ZONE tz)::date);
            END IF;
        END IF;
    END IF;
    PERFORM pg_notify('crm_events', payload::text);
    RETURN NULL;
END
$$;

CREATE FUNCTION crm_touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END
$$;

-- The journal is append-only for the application: corrections are new entries.
CREATE FUNCTION crm_journal_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'journal_entry is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
"""

NOTIFIED_TABLES = (
    "appointment",
    "patient",
    "referral",
    "schedule_template",
    "schedule_exception",
    "waiting_list_entry",
    "priority_request",
    "doctor",
    "outbox_message",
    # The journal page of every desk shows new entries (logins, prints, exports) live.
    "journal_entry",
)

HAND_WRITTEN_UPGRADE = [
    NOTIFY_FUNCTION,
    *(
        f"CREATE TRIGGER crm_notify AFTER INSERT OR UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION crm_notify_change()"
        for table in NOTIFIED_TABLES
    ),
    "CREATE TRIGGER crm_touch BEFORE UPDATE ON patient "
    "FOR EACH ROW EXECUTE FUNCTION crm_touch_updated_at()",
    "CREATE TRIGGER crm_append_only BEFORE UPDATE OR DELETE ON journal_entry "
    "FOR EACH ROW EXECUTE FUNCTION crm_journal_append_only()",
    "CREATE TRIGGER crm_append_only_truncate BEFORE TRUNCATE ON journal_entry "
    "FOR EACH STATEMENT EXECUTE FUNCTION crm_journal_append_only()",
]

HAND_WRITTEN_DOWNGRADE = [
    *(f"DROP TRIGGER IF EXISTS crm_notify ON {table}" for table in NOTIFIED_TABLES),
    "DROP TRIGGER IF EXISTS crm_touch ON patient",
    "DROP TRIGGER IF EXISTS crm_append_only ON journal_entry",
    "DROP TRIGGER IF EXISTS crm_append_only_truncate ON journal_entry",
    "DROP FUNCTION IF EXISTS crm_journal_append_only()",
    "DROP FUNCTION IF EXISTS crm_touch_updated_at()",
    "DROP FUNCTION IF EXISTS crm_notify_change()",
    "DROP FUNCTION IF EXISTS crm_clinic_timezone()",
]


def upgrade() -> None:
    # Written by hand: autogenerate knows nothing of extensions.
    op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    clinic_and_people.create()
    referrals_and_visits.create()
    records_and_money.create()
    for statement in HAND_WRITTEN_UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    for statement in HAND_WRITTEN_DOWNGRADE:
        op.execute(statement)
    op.drop_index(op.f("ix_bonus_ledger_entry_patient_id"), table_name="bonus_ledger_entry")
    op.drop_table("bonus_ledger_entry")
    op.drop_index(op.f("ix_waiting_list_entry_patient_id"), table_name="waiting_list_entry")
    op.drop_index(
        "ix_waiting_list_entry_open",
        table_name="waiting_list_entry",
        postgresql_where=sa.text("status = 'waiting'"),
    )
    op.drop_table("waiting_list_entry")
    op.drop_index(op.f("ix_priority_request_patient_id"), table_name="priority_request")
    op.drop_table("priority_request")
    op.drop_index(op.f("ix_payment_patient_id"), table_name="payment")
    op.drop_table("payment")
    op.drop_index(op.f("ix_outbox_message_patient_id"), table_name="outbox_message")
    op.drop_index(
        "ix_outbox_message_due",
        table_name="outbox_message",
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.drop_table("outbox_message")
    op.drop_index(op.f("ix_medical_document_patient_id"), table_name="medical_document")
    op.drop_table("medical_document")
    op.drop_index(op.f("ix_feedback_patient_id"), table_name="feedback")
    op.drop_index(op.f("ix_feedback_doctor_id"), table_name="feedback")
    op.drop_table("feedback")
    op.drop_index(op.f("ix_referral_extension_referral_id"), table_name="referral_extension")
    op.drop_table("referral_extension")
    op.drop_index(
        "uq_appointment_live_referral",
        table_name="appointment",
        postgresql_where=sa.text(
            "referral_id IS NOT NULL AND status IN ('booked', 'arrived', 'in_progress', 'completed')"
        ),
    )
    op.drop_index("ix_appointment_starts", table_name="appointment")
    op.drop_index("ix_appointment_patient_starts", table_name="appointment")
    op.drop_index("ix_appointment_doctor_starts", table_name="appointment")
    op.drop_table("appointment")
    op.drop_index(op.f("ix_treatment_task_plan_id"), table_name="treatment_task")
    op.drop_table("treatment_task")
    op.drop_index(op.f("ix_schedule_exception_doctor_id"), table_name="schedule_exception")
    op.drop_table("schedule_exception")
    op.drop_index(op.f("ix_referral_specialty_id"), table_name="referral")
    op.drop_index(op.f("ix_referral_patient_id"), table_name="referral")
    op.drop_index("ix_referral_number", table_name="referral")
    op.drop_table("referral")
    op.drop_index(op.f("ix_patient_message_patient_id"), table_name="patient_message")
    op.drop_table("patient_message")
    op.drop_index("ix_journal_entry_entity", table_name="journal_entry")
    op.drop_index("ix_journal_entry_at", table_name="journal_entry")
    op.drop_table("journal_entry")
    op.drop_index(op.f("ix_treatment_plan_patient_id"), table_name="treatment_plan")
    op.drop_table("treatment_plan")
    op.drop_index(op.f("ix_schedule_template_doctor_id"), table_name="schedule_template")
    op.drop_table("schedule_template")
    op.drop_index("uq_app_user_login_lower", table_name="app_user")
    op.drop_table("app_user")
    op.drop_index(op.f("ix_service_price_service_id"), table_name="service_price")
    op.drop_table("service_price")
    op.drop_index(op.f("ix_patient_consent_patient_id"), table_name="patient_consent")
    op.drop_table("patient_consent")
    op.drop_index(op.f("ix_doctor_specialty_id"), table_name="doctor")
    op.drop_index(op.f("ix_doctor_branch_id"), table_name="doctor")
    op.drop_table("doctor")
    op.drop_table("specialty_alternative")
    op.drop_table("service")
    op.drop_table("room")
    op.drop_index("uq_patient_snils_hash", table_name="patient")
    op.drop_index(
        "uq_patient_policy_unified",
        table_name="patient",
        postgresql_where=sa.text("policy_kind = 'unified'"),
    )
    op.drop_index("uq_patient_passport_hash", table_name="patient")
    op.drop_index("ix_patient_phone_trgm", table_name="patient")
    op.drop_index("ix_patient_last_name_lower", table_name="patient")
    op.drop_index("ix_patient_full_name_trgm", table_name="patient")
    op.drop_index("ix_patient_last_name_trgm", table_name="patient")
    op.drop_index("ix_patient_birth_date", table_name="patient")
    op.drop_table("patient")
    op.drop_table("educational_material")
    op.drop_table("specialty")
    op.drop_table("issuing_organisation")
    op.drop_table("insurer")
    op.drop_table("clinic_setting")
    op.drop_table("branch")
    # The extensions stay: other databases' objects on the server may use them, and
    # CREATE EXTENSION IF NOT EXISTS makes the next upgrade idempotent.
