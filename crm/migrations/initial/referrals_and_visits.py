"""Revision 0001's tables, part 2: referrals and appointments."""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql


def create() -> None:
    """Create this part's tables and indexes."""
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
