"""Clinic-wide settings stored in the database (``clinic_setting``)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from crm.models import ClinicSetting

KEY_FINGERPRINT = "crypto.key_fingerprint"
# {"name", "short_name", "address", "phone", "ogrn", "licence"}: see clinic.profile
CLINIC_PROFILE = "clinic.profile"
CLINIC_TIMEZONE = "clinic.timezone"  # {"name": "Europe/Moscow"}
TICKET_FORMAT = "print.ticket_format"  # {"format": "a6"}
DEMO_MARKER = "demo.loaded"  # {"patients": N, "seed": S}


def get(session: Session, key: str) -> dict[str, Any] | None:
    """The value stored under ``key``, or ``None``."""
    return session.scalar(sa.select(ClinicSetting.value).where(ClinicSetting.key == key))


def put(session: Session, key: str, value: dict[str, Any]) -> None:
    """Store ``value`` under ``key`` (insert or replace)."""
    statement = insert(ClinicSetting).values(key=key, value=value)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[ClinicSetting.key],
            set_={"value": statement.excluded.value, "updated_at": sa.func.now()},
        )
    )
