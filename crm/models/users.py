"""Users of the program and their roles."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from crm.models.base import Base, enum_type, fk, intpk, now_timestamp
from crm.models.enums import Role


class User(Base):
    """A person who logs in: registrar, doctor, manager or admin."""

    __tablename__ = "app_user"
    __table_args__ = (
        sa.Index("uq_app_user_login_lower", sa.func.lower(sa.text("login")), unique=True),
        # A login or a name in the search box (migration 0022).
        sa.Index(
            "ix_app_user_search_trgm",
            sa.text("lower(login || ' ' || full_name) gin_trgm_ops"),
            postgresql_using="gin",
        ),
    )

    id: Mapped[intpk]
    login: Mapped[str] = mapped_column(sa.String(60))
    full_name: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[Role] = mapped_column(enum_type(Role, "role"))
    #: argon2id hash (PHC string).
    password_hash: Mapped[str] = mapped_column(sa.String(200), deferred=True)
    #: argon2id hash of the command-line token an administrator issued (``user token``).
    cli_token_hash: Mapped[str | None] = mapped_column(sa.String(200), deferred=True)
    doctor_id: Mapped[int | None] = mapped_column(fk("doctor.id"))
    active: Mapped[bool] = mapped_column(server_default=sa.true())
    failed_attempts: Mapped[int] = mapped_column(server_default=sa.text("0"))
    locked_until: Mapped[dt.datetime | None]
    last_login_at: Mapped[dt.datetime | None]
    created_at: Mapped[now_timestamp]
    #: The user's own PostgreSQL role (``login@database``), set by ``crm_sync_login``;
    #: unique, so the journal's actor taken from ``session_user`` is one person.
    db_role: Mapped[str | None] = mapped_column(sa.String(63), unique=True)
