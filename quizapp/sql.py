"""SQL that SQLite and PostgreSQL spell differently."""

from __future__ import annotations

from typing import Any

from sqlalchemy import String
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import GenericFunction


def insert_for(session: Session, model: type) -> Any:
    """An ``INSERT`` for the session's database, with its ``ON CONFLICT`` clauses."""
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)


class json_kind(GenericFunction):  # noqa: N801 - named as SQL functions are
    """The kind of a JSON value ('array', 'object', 'null', …): ``json_typeof`` on
    PostgreSQL, ``json_type`` on SQLite."""

    type = String()
    inherit_cache = True


@compiles(json_kind, "postgresql")
def _json_kind_postgresql(element: json_kind, compiler: Any, **kw: Any) -> str:
    return f"json_typeof({compiler.process(element.clauses, **kw)})"


@compiles(json_kind)
def _json_kind_sqlite(element: json_kind, compiler: Any, **kw: Any) -> str:
    return f"json_type({compiler.process(element.clauses, **kw)})"
