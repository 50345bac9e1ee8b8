"""The declarative base shared by every model, with a constraint naming convention.

Models subclass ``Base`` directly (not ``db.Model``) so that ``quizapp.models``
depends on SQLAlchemy alone; ``extensions.db`` is built from this base and
therefore shares its metadata. Every table names itself with ``__tablename__``.
"""

from __future__ import annotations

import enum
from datetime import datetime, timezone

from sqlalchemy import Enum, MetaData
from sqlalchemy.orm import DeclarativeBase

# Deterministic constraint names, so migrations can drop and alter them by name
# on every backend (SQLite batch mode needs them).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Root of all quizapp models."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC (a callable column default)."""
    return datetime.now(timezone.utc)


def enum_column(enum_class: type[enum.Enum], name: str) -> Enum:
    """A portable enum column: VARCHAR plus a named CHECK of the values."""
    return Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )
