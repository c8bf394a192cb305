"""Declarative base, naming convention and reusable column types."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Annotated, Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg
from sqlalchemy.orm import DeclarativeBase, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base class of every ORM model."""

    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: dict[Any, Any] = {
        dt.datetime: sa.DateTime(timezone=True),
        dict[str, Any]: pg.JSONB,
        bytes: sa.LargeBinary,
    }


intpk = Annotated[int, mapped_column(primary_key=True)]
bigpk = Annotated[int, mapped_column(sa.BigInteger, sa.Identity(), primary_key=True)]
now_timestamp = Annotated[
    dt.datetime, mapped_column(sa.DateTime(timezone=True), server_default=sa.func.now())
]
name_text = Annotated[str, mapped_column(sa.String(200))]
short_text = Annotated[str, mapped_column(sa.String(60))]
long_text = Annotated[str, mapped_column(sa.Text)]
money = Annotated[Any, mapped_column(sa.Numeric(12, 2))]


def enum_type(enum_cls: type[enum.Enum], name: str) -> sa.Enum:
    """A text column restricted to an enum's values by a CHECK constraint.

    Text with a CHECK is used instead of native PostgreSQL enums because adding a
    value later is a plain constraint change in a migration.
    """
    return sa.Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=24,
        values_callable=lambda members: [m.value for m in members],
    )


def fk(target: str, *, ondelete: str | None = None) -> sa.ForeignKey:
    """A foreign key to ``target`` (``table.column``)."""
    return sa.ForeignKey(target, ondelete=ondelete)
