"""initial schema

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-22 01:40:09.116636
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

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
    op.create_table(
        "branch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_branch")),
        sa.UniqueConstraint("name", name=op.f("uq_branch_name")),
    )
    op.create_table(
        "clinic_setting",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("value", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_clinic_setting")),
    )
    op.create_table(
        "insurer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insurer")),
        sa.UniqueConstraint("name", name=op.f("uq_insurer_name")),
    )
    op.create_table(
        "issuing_organisation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("ogrn", sa.String(length=13), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=True),
        sa.CheckConstraint(
            "ogrn ~ '^[0-9]{13}$'", name=op.f("ck_issuing_organisation_ogrn_digits")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issuing_organisation")),
        sa.UniqueConstraint("ogrn", name=op.f("uq_issuing_organisation_ogrn")),
    )
    op.create_table(
        "specialty",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("is_service", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_specialty")),
        sa.UniqueConstraint("code", name=op.f("uq_specialty_code")),
        sa.UniqueConstraint("name", name=op.f("uq_specialty_name")),
    )
    op.create_table(
        "educational_material",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("specialty_id", sa.Integer(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["specialty_id"],
            ["specialty.id"],
            name=op.f("fk_educational_material_specialty_id_specialty"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_educational_material")),
    )
    op.create_table(
        "patient",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_name", sa.String(length=60), nullable=False),
        sa.Column("first_name", sa.String(length=60), nullable=False),
        sa.Column("patronymic", sa.String(length=60), nullable=True),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column(
            "sex",
            sa.Enum(
                "male", "female", name="sex", native_enum=False, create_constraint=True, length=24
            ),
            nullable=True,
        ),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("address", sa.String(length=300), nullable=True),
        sa.Column("snils_enc", sa.LargeBinary(), nullable=True),
        sa.Column("snils_hash", sa.LargeBinary(), nullable=True),
        sa.Column("snils_tail", sa.String(length=5), nullable=True),
        sa.Column("passport_enc", sa.LargeBinary(), nullable=True),
        sa.Column("passport_hash", sa.LargeBinary(), nullable=True),
        sa.Column("passport_tail", sa.String(length=4), nullable=True),
        sa.Column(
            "other_document_kind",
            sa.Enum(
                "birth_certificate",
                "foreign_passport",
                "other",
                name="other_document_kind",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=True,
        ),
        sa.Column("other_document_enc", sa.LargeBinary(), nullable=True),
        sa.Column(
            "policy_kind",
            sa.Enum(
                "unified",
                "old",
                "temporary",
                name="policy_kind",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=True,
        ),
        sa.Column("policy_series", sa.String(length=10), nullable=True),
        sa.Column("policy_number", sa.String(length=16), nullable=True),
        sa.Column("policy_ends_on", sa.Date(), nullable=True),
        sa.Column("insurer_id", sa.Integer(), nullable=True),
        sa.Column("bonus_balance", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.CheckConstraint("birth_date >= DATE '1900-01-01'", name=op.f("ck_patient_birth_date")),
        sa.ForeignKeyConstraint(
            ["insurer_id"], ["insurer.id"], name=op.f("fk_patient_insurer_id_insurer")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patient")),
    )
    op.create_index("ix_patient_birth_date", "patient", ["birth_date"], unique=False)
    op.create_index(
        "ix_patient_full_name_trgm",
        "patient",
        [
            sa.literal_column(
                "lower(last_name || ' ' || first_name || ' ' || coalesce(patronymic, '')) gin_trgm_ops"
            )
        ],
        unique=False,
        postgresql_using="gin",
    )
    op.create_index(
        "ix_patient_last_name_trgm",
        "patient",
        [sa.literal_column("lower(last_name) gin_trgm_ops")],
        unique=False,
        postgresql_using="gin",
    )
    op.create_index(
        "ix_patient_last_name_lower",
        "patient",
        [sa.literal_column("lower(last_name) text_pattern_ops")],
        unique=False,
    )
    op.create_index(
        "ix_patient_phone_trgm",
        "patient",
        ["phone"],
        unique=False,
        postgresql_using="gin",
        postgresql_ops={"phone": "gin_trgm_ops"},
    )
    op.create_index("uq_patient_passport_hash", "patient", ["passport_hash"], unique=True)
    op.create_index(
        "uq_patient_policy_unified",
        "patient",
        ["policy_number"],
        unique=True,
        postgresql_where=sa.text("policy_kind = 'unified'"),
    )
    op.create_index("uq_patient_snils_hash", "patient", ["snils_hash"], unique=True)
    op.create_table(
        "room",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=True),
        sa.Column("active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branch.id"], name=op.f("fk_room_branch_id_branch")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_room")),
        sa.UniqueConstraint("branch_id", "number", name=op.f("uq_room_branch_id")),
    )
    op.create_table(
        "service",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("specialty_id", sa.Integer(), nullable=True),
        sa.Column("duration_slots", sa.SmallInteger(), server_default=sa.text("1"), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.CheckConstraint("duration_slots BETWEEN 1 AND 4", name=op.f("ck_service_duration")),
        sa.ForeignKeyConstraint(
            ["specialty_id"], ["specialty.id"], name=op.f("fk_service_specialty_id_specialty")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service")),
        sa.UniqueConstraint("code", name=op.f("uq_service_code")),
    )
    op.create_table(
        "specialty_alternative",
        sa.Column("specialty_id", sa.Integer(), nullable=False),
        sa.Column("alternative_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "specialty_id <> alternative_id", name=op.f("ck_specialty_alternative_not_self")
        ),
        sa.ForeignKeyConstraint(
            ["alternative_id"],
            ["specialty.id"],
            name=op.f("fk_specialty_alternative_alternative_id_specialty"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["specialty_id"],
            ["specialty.id"],
            name=op.f("fk_specialty_alternative_specialty_id_specialty"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "specialty_id", "alternative_id", name=op.f("pk_specialty_alternative")
        ),
    )
    op.create_table(
        "doctor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_name", sa.String(length=60), nullable=False),
        sa.Column("first_name", sa.String(length=60), nullable=False),
        sa.Column("patronymic", sa.String(length=60), nullable=True),
        sa.Column("specialty_id", sa.Integer(), nullable=False),
        sa.Column(
            "category",
            sa.Enum(
                "highest",
                "first",
                "second",
                "none",
                name="category",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            server_default="none",
            nullable=False,
        ),
        sa.Column(
            "degree",
            sa.Enum(
                "candidate",
                "doctor",
                "none",
                name="degree",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            server_default="none",
            nullable=False,
        ),
        sa.Column("licence_number", sa.String(length=40), nullable=True),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("default_room_id", sa.Integer(), nullable=True),
        sa.Column("offers_remote", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("slot_minutes", sa.Integer(), server_default=sa.text("15"), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.CheckConstraint("slot_minutes IN (15, 30, 45, 60)", name=op.f("ck_doctor_slot_minutes")),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branch.id"], name=op.f("fk_doctor_branch_id_branch")
        ),
        sa.ForeignKeyConstraint(
            ["default_room_id"], ["room.id"], name=op.f("fk_doctor_default_room_id_room")
        ),
        sa.ForeignKeyConstraint(
            ["specialty_id"], ["specialty.id"], name=op.f("fk_doctor_specialty_id_specialty")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_doctor")),
    )
    op.create_index(op.f("ix_doctor_branch_id"), "doctor", ["branch_id"], unique=False)
    op.create_index(op.f("ix_doctor_specialty_id"), "doctor", ["specialty_id"], unique=False)
    op.create_table(
        "patient_consent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "personal_data",
                "sms",
                "email",
                name="kind",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("given_on", sa.Date(), nullable=False),
        sa.Column("revoked_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patient.id"],
            name=op.f("fk_patient_consent_patient_id_patient"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patient_consent")),
    )
    op.create_index(
        op.f("ix_patient_consent_patient_id"), "patient_consent", ["patient_id"], unique=False
    )
    op.create_table(
        "service_price",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        postgresql.ExcludeConstraint(
            (sa.column("service_id"), "="),
            (sa.text("daterange(valid_from, valid_to, '[]')"), "&&"),
            using="gist",
            name="ex_service_price_period",
        ),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_service_price_amount")),
        sa.CheckConstraint(
            "valid_to IS NULL OR valid_from <= valid_to", name=op.f("ck_service_price_validity")
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["service.id"],
            name=op.f("fk_service_price_service_id_service"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_price")),
    )
    op.create_index(
        op.f("ix_service_price_service_id"), "service_price", ["service_id"], unique=False
    )
    op.create_table(
        "app_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("login", sa.String(length=60), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "registrar",
                "doctor",
                "manager",
                "admin",
                name="role",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("doctor_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["doctor_id"], ["doctor.id"], name=op.f("fk_app_user_doctor_id_doctor")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_user")),
    )
    op.create_index(
        "uq_app_user_login_lower", "app_user", [sa.literal_column("lower(login)")], unique=True
    )
    op.create_table(
        "schedule_template",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("doctor_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.SmallInteger(), nullable=False),
        sa.Column("starts", sa.Time(), nullable=False),
        sa.Column("ends", sa.Time(), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column(
            "works_on_holidays", sa.Boolean(), server_default=sa.text("false"), nullable=False
        ),
        sa.CheckConstraint("starts < ends", name=op.f("ck_schedule_template_hours")),
        sa.CheckConstraint(
            "valid_to IS NULL OR valid_from <= valid_to", name=op.f("ck_schedule_template_validity")
        ),
        sa.CheckConstraint("weekday BETWEEN 1 AND 7", name=op.f("ck_schedule_template_weekday")),
        sa.ForeignKeyConstraint(
            ["doctor_id"],
            ["doctor.id"],
            name=op.f("fk_schedule_template_doctor_id_doctor"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["room_id"], ["room.id"], name=op.f("fk_schedule_template_room_id_room")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schedule_template")),
    )
    op.create_index(
        op.f("ix_schedule_template_doctor_id"), "schedule_template", ["doctor_id"], unique=False
    )
    op.create_table(
        "treatment_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("doctor_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["doctor_id"], ["doctor.id"], name=op.f("fk_treatment_plan_doctor_id_doctor")
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_treatment_plan_patient_id_patient")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_treatment_plan")),
    )
    op.create_index(
        op.f("ix_treatment_plan_patient_id"), "treatment_plan", ["patient_id"], unique=False
    )
    op.create_table(
        "journal_entry",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column(
            "at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("login", sa.String(length=60), nullable=True),
        sa.Column("workstation", sa.String(length=100), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=True),
        sa.Column("entity_id", sa.BigInteger(), nullable=True),
        sa.Column("changes", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column(
            "outcome",
            sa.Enum(
                "ok",
                "refused",
                "failed",
                name="outcome",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            server_default="ok",
            nullable=False,
        ),
        sa.Column("details", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_journal_entry_user_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal_entry")),
    )
    op.create_index("ix_journal_entry_at", "journal_entry", ["at"], unique=False)
    op.create_index(
        "ix_journal_entry_entity", "journal_entry", ["entity", "entity_id"], unique=False
    )
    op.create_table(
        "patient_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column(
            "direction",
            sa.Enum(
                "from_patient",
                "to_patient",
                name="direction",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column(
            "at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_patient_message_patient_id_patient")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_patient_message_user_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patient_message")),
    )
    op.create_index(
        op.f("ix_patient_message_patient_id"), "patient_message", ["patient_id"], unique=False
    )
    op.create_table(
        "referral",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("issuing_doctor", sa.String(length=200), nullable=True),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("specialty_id", sa.Integer(), nullable=False),
        sa.Column("diagnosis_code", sa.String(length=8), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "standard",
                "therapist",
                "long_term",
                "emergency",
                name="kind",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("valid_days", sa.SmallInteger(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "active",
                "used",
                "closed",
                "expired",
                "cancelled",
                name="status",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            server_default="active",
            nullable=False,
        ),
        sa.Column("cancel_reason", sa.Text(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.CheckConstraint(
            "diagnosis_code ~ '^[A-Z][0-9]{2}(\\.[0-9]{1,2})?$'",
            name=op.f("ck_referral_diagnosis_code"),
        ),
        sa.CheckConstraint(
            "kind <> 'emergency' OR (valid_days BETWEEN 7 AND 30)",
            name=op.f("ck_referral_emergency_days"),
        ),
        sa.CheckConstraint(
            "status <> 'cancelled' OR cancel_reason IS NOT NULL",
            name=op.f("ck_referral_cancel_reason"),
        ),
        sa.CheckConstraint("valid_days BETWEEN 1 AND 90", name=op.f("ck_referral_valid_days")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["app_user.id"], name=op.f("fk_referral_created_by_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["issuing_organisation.id"],
            name=op.f("fk_referral_organisation_id_issuing_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_referral_patient_id_patient")
        ),
        sa.ForeignKeyConstraint(
            ["specialty_id"], ["specialty.id"], name=op.f("fk_referral_specialty_id_specialty")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral")),
        sa.UniqueConstraint("organisation_id", "number", name="uq_referral_number_per_org"),
    )
    op.create_index("ix_referral_number", "referral", ["number"], unique=False)
    op.create_index(op.f("ix_referral_patient_id"), "referral", ["patient_id"], unique=False)
    op.create_index(op.f("ix_referral_specialty_id"), "referral", ["specialty_id"], unique=False)
    op.create_table(
        "schedule_exception",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("doctor_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "vacation",
                "sick_leave",
                "training",
                "blocked",
                "extra_work",
                name="kind",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("starts_at < ends_at", name=op.f("ck_schedule_exception_period")),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["app_user.id"],
            name=op.f("fk_schedule_exception_created_by_id_app_user"),
        ),
        sa.ForeignKeyConstraint(
            ["doctor_id"],
            ["doctor.id"],
            name=op.f("fk_schedule_exception_doctor_id_doctor"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["room_id"], ["room.id"], name=op.f("fk_schedule_exception_room_id_room")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schedule_exception")),
    )
    op.create_index(
        op.f("ix_schedule_exception_doctor_id"), "schedule_exception", ["doctor_id"], unique=False
    )
    op.create_table(
        "treatment_task",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("remind_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "done",
                "cancelled",
                name="status",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            server_default="open",
            nullable=False,
        ),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["treatment_plan.id"],
            name=op.f("fk_treatment_task_plan_id_treatment_plan"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_treatment_task")),
    )
    op.create_index(op.f("ix_treatment_task_plan_id"), "treatment_task", ["plan_id"], unique=False)
    op.create_table(
        "appointment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("doctor_id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "referral",
                "paid",
                "follow_up",
                "remote",
                name="kind",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "booked",
                "arrived",
                "in_progress",
                "completed",
                "no_show",
                "cancelled",
                "rescheduled",
                name="status",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            server_default="booked",
            nullable=False,
        ),
        sa.Column("referral_id", sa.Integer(), nullable=True),
        sa.Column("service_id", sa.Integer(), nullable=True),
        sa.Column("overbooked", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("overbook_reason", sa.Text(), nullable=True),
        sa.Column("rescheduled_from_id", sa.Integer(), nullable=True),
        sa.Column(
            "cancelled_by",
            sa.Enum(
                "patient",
                "clinic",
                name="cancelled_by",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=True,
        ),
        sa.Column("cancel_reason", sa.Text(), nullable=True),
        sa.Column("in_holding_tray", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("video_link", sa.String(length=500), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        postgresql.ExcludeConstraint(
            (sa.column("doctor_id"), "="),
            (sa.text("tstzrange(starts_at, ends_at, '[)')"), "&&"),
            where=sa.text("status NOT IN ('cancelled', 'rescheduled') AND NOT overbooked"),
            using="gist",
            name="ex_appointment_doctor_overlap",
        ),
        postgresql.ExcludeConstraint(
            (sa.column("patient_id"), "="),
            (sa.text("tstzrange(starts_at, ends_at, '[)')"), "&&"),
            where=sa.text("status NOT IN ('cancelled', 'rescheduled')"),
            using="gist",
            name="ex_appointment_patient_overlap",
        ),
        sa.CheckConstraint(
            "NOT overbooked OR length(trim(coalesce(overbook_reason, ''))) > 0",
            name=op.f("ck_appointment_overbook_reason"),
        ),
        sa.CheckConstraint(
            "kind <> 'referral' OR referral_id IS NOT NULL",
            name=op.f("ck_appointment_referral_kind"),
        ),
        sa.CheckConstraint("starts_at < ends_at", name=op.f("ck_appointment_period")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["app_user.id"], name=op.f("fk_appointment_created_by_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["doctor_id"], ["doctor.id"], name=op.f("fk_appointment_doctor_id_doctor")
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_appointment_patient_id_patient")
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"], ["referral.id"], name=op.f("fk_appointment_referral_id_referral")
        ),
        sa.ForeignKeyConstraint(
            ["rescheduled_from_id"],
            ["appointment.id"],
            name=op.f("fk_appointment_rescheduled_from_id_appointment"),
        ),
        sa.ForeignKeyConstraint(["room_id"], ["room.id"], name=op.f("fk_appointment_room_id_room")),
        sa.ForeignKeyConstraint(
            ["service_id"], ["service.id"], name=op.f("fk_appointment_service_id_service")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appointment")),
        sa.UniqueConstraint("rescheduled_from_id", name=op.f("uq_appointment_rescheduled_from_id")),
    )
    op.create_index(
        "ix_appointment_doctor_starts", "appointment", ["doctor_id", "starts_at"], unique=False
    )
    op.create_index(
        "ix_appointment_patient_starts", "appointment", ["patient_id", "starts_at"], unique=False
    )
    op.create_index("ix_appointment_starts", "appointment", ["starts_at"], unique=False)
    op.create_index(
        "uq_appointment_live_referral",
        "appointment",
        ["referral_id"],
        unique=True,
        postgresql_where=sa.text(
            "referral_id IS NOT NULL AND status IN ('booked', 'arrived', 'in_progress', 'completed')"
        ),
    )
    op.create_table(
        "referral_extension",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("old_valid_days", sa.SmallInteger(), nullable=False),
        sa.Column("new_valid_days", sa.SmallInteger(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("extended_by_id", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("length(trim(reason)) > 0", name=op.f("ck_referral_extension_reason")),
        sa.CheckConstraint(
            "new_valid_days > old_valid_days AND new_valid_days <= 90",
            name=op.f("ck_referral_extension_days"),
        ),
        sa.ForeignKeyConstraint(
            ["extended_by_id"],
            ["app_user.id"],
            name=op.f("fk_referral_extension_extended_by_id_app_user"),
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referral.id"],
            name=op.f("fk_referral_extension_referral_id_referral"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral_extension")),
    )
    op.create_index(
        op.f("ix_referral_extension_referral_id"),
        "referral_extension",
        ["referral_id"],
        unique=False,
    )
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=True),
        sa.Column("doctor_id", sa.Integer(), nullable=True),
        sa.Column("appointment_id", sa.Integer(), nullable=True),
        sa.Column("rating", sa.SmallInteger(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name=op.f("ck_feedback_rating")),
        sa.ForeignKeyConstraint(
            ["appointment_id"],
            ["appointment.id"],
            name=op.f("fk_feedback_appointment_id_appointment"),
        ),
        sa.ForeignKeyConstraint(
            ["doctor_id"], ["doctor.id"], name=op.f("fk_feedback_doctor_id_doctor")
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_feedback_patient_id_patient")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback")),
    )
    op.create_index(op.f("ix_feedback_doctor_id"), "feedback", ["doctor_id"], unique=False)
    op.create_index(op.f("ix_feedback_patient_id"), "feedback", ["patient_id"], unique=False)
    op.create_table(
        "medical_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("appointment_id", sa.Integer(), nullable=True),
        sa.Column(
            "kind",
            sa.Enum(
                "examination",
                "analysis",
                "image",
                "other",
                name="kind",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("file_name", sa.String(length=300), nullable=False),
        sa.Column("mime_type", sa.String(length=100), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["appointment_id"],
            ["appointment.id"],
            name=op.f("fk_medical_document_appointment_id_appointment"),
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_medical_document_patient_id_patient")
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["app_user.id"],
            name=op.f("fk_medical_document_uploaded_by_id_app_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_medical_document")),
    )
    op.create_index(
        op.f("ix_medical_document_patient_id"), "medical_document", ["patient_id"], unique=False
    )
    op.create_table(
        "outbox_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=True),
        sa.Column("appointment_id", sa.Integer(), nullable=True),
        sa.Column(
            "channel",
            sa.Enum(
                "email", "sms", name="channel", native_enum=False, create_constraint=True, length=24
            ),
            nullable=False,
        ),
        sa.Column("recipient", sa.String(length=200), nullable=False),
        sa.Column("purpose", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "sent",
                "failed",
                name="status",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            server_default="pending",
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column(
            "next_attempt_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["appointment_id"],
            ["appointment.id"],
            name=op.f("fk_outbox_message_appointment_id_appointment"),
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_outbox_message_patient_id_patient")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_message")),
    )
    op.create_index(
        "ix_outbox_message_due",
        "outbox_message",
        ["next_attempt_at"],
        unique=False,
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.create_index(
        op.f("ix_outbox_message_patient_id"), "outbox_message", ["patient_id"], unique=False
    )
    op.create_table(
        "payment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("appointment_id", sa.Integer(), nullable=True),
        sa.Column("service_id", sa.Integer(), nullable=True),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column(
            "method",
            sa.Enum(
                "cash",
                "card",
                "transfer",
                "bonus",
                name="method",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column(
            "paid_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.Column("received_by_id", sa.Integer(), nullable=True),
        sa.Column("refund_of_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "(amount < 0) = (refund_of_id IS NOT NULL)", name=op.f("ck_payment_refund_sign")
        ),
        sa.CheckConstraint("amount <> 0", name=op.f("ck_payment_nonzero")),
        sa.ForeignKeyConstraint(
            ["appointment_id"],
            ["appointment.id"],
            name=op.f("fk_payment_appointment_id_appointment"),
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_payment_patient_id_patient")
        ),
        sa.ForeignKeyConstraint(
            ["received_by_id"], ["app_user.id"], name=op.f("fk_payment_received_by_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["refund_of_id"], ["payment.id"], name=op.f("fk_payment_refund_of_id_payment")
        ),
        sa.ForeignKeyConstraint(
            ["service_id"], ["service.id"], name=op.f("fk_payment_service_id_service")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment")),
    )
    op.create_index(op.f("ix_payment_patient_id"), "payment", ["patient_id"], unique=False)
    op.create_table(
        "priority_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("specialty_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "approved",
                "rejected",
                "booked",
                name="status",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            server_default="pending",
            nullable=False,
        ),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("appointment_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "status <> 'rejected' OR decision_reason IS NOT NULL",
            name=op.f("ck_priority_request_rejection_reason"),
        ),
        sa.ForeignKeyConstraint(
            ["appointment_id"],
            ["appointment.id"],
            name=op.f("fk_priority_request_appointment_id_appointment"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["app_user.id"],
            name=op.f("fk_priority_request_created_by_id_app_user"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["app_user.id"],
            name=op.f("fk_priority_request_decided_by_id_app_user"),
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_priority_request_patient_id_patient")
        ),
        sa.ForeignKeyConstraint(
            ["specialty_id"],
            ["specialty.id"],
            name=op.f("fk_priority_request_specialty_id_specialty"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_priority_request")),
    )
    op.create_index(
        op.f("ix_priority_request_patient_id"), "priority_request", ["patient_id"], unique=False
    )
    op.create_table(
        "waiting_list_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("specialty_id", sa.Integer(), nullable=True),
        sa.Column("doctor_id", sa.Integer(), nullable=True),
        sa.Column("wished_from", sa.Date(), nullable=False),
        sa.Column("wished_to", sa.Date(), nullable=False),
        sa.Column(
            "channel",
            sa.Enum(
                "phone",
                "sms",
                "email",
                name="channel",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "waiting",
                "offered",
                "booked",
                "cancelled",
                name="status",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            server_default="waiting",
            nullable=False,
        ),
        sa.Column("offered_doctor_id", sa.Integer(), nullable=True),
        sa.Column("offered_starts_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("offered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("appointment_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "specialty_id IS NOT NULL OR doctor_id IS NOT NULL",
            name=op.f("ck_waiting_list_entry_specialty_or_doctor"),
        ),
        sa.CheckConstraint("wished_from <= wished_to", name=op.f("ck_waiting_list_entry_period")),
        sa.ForeignKeyConstraint(
            ["appointment_id"],
            ["appointment.id"],
            name=op.f("fk_waiting_list_entry_appointment_id_appointment"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["app_user.id"],
            name=op.f("fk_waiting_list_entry_created_by_id_app_user"),
        ),
        sa.ForeignKeyConstraint(
            ["doctor_id"], ["doctor.id"], name=op.f("fk_waiting_list_entry_doctor_id_doctor")
        ),
        sa.ForeignKeyConstraint(
            ["offered_doctor_id"],
            ["doctor.id"],
            name=op.f("fk_waiting_list_entry_offered_doctor_id_doctor"),
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_waiting_list_entry_patient_id_patient")
        ),
        sa.ForeignKeyConstraint(
            ["specialty_id"],
            ["specialty.id"],
            name=op.f("fk_waiting_list_entry_specialty_id_specialty"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_waiting_list_entry")),
    )
    op.create_index(
        "ix_waiting_list_entry_open",
        "waiting_list_entry",
        ["created_at"],
        unique=False,
        postgresql_where=sa.text("status = 'waiting'"),
    )
    op.create_index(
        op.f("ix_waiting_list_entry_patient_id"), "waiting_list_entry", ["patient_id"], unique=False
    )
    op.create_table(
        "bonus_ledger_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("delta", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("delta <> 0", name=op.f("ck_bonus_ledger_entry_nonzero")),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_bonus_ledger_entry_patient_id_patient")
        ),
        sa.ForeignKeyConstraint(
            ["payment_id"], ["payment.id"], name=op.f("fk_bonus_ledger_entry_payment_id_payment")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bonus_ledger_entry")),
    )
    op.create_index(
        op.f("ix_bonus_ledger_entry_patient_id"), "bonus_ledger_entry", ["patient_id"], unique=False
    )
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
