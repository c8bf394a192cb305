"""Revision 0001's tables, part 1: the clinic's structure, users and patients."""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql


def create() -> None:
    """Create this part's tables and indexes."""
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
