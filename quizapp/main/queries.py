"""Reads for the member's home page."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from quizapp.models import Notice, Person, Role, RoleGrant
from quizapp.models.org import unit_path


@dataclass(frozen=True)
class RoleLine:
    """One role the person holds, with the unit path it applies to."""

    role: Role
    unit_path: str


@dataclass(frozen=True)
class HomeSummary:
    name: str
    unit_path: str
    roles: list[RoleLine]


def _path_text(session: Session, unit_id: int) -> str:
    return " / ".join(unit.name for unit in unit_path(session, unit_id))


def home_summary(session: Session, person: Person) -> HomeSummary:
    """The person's name, their unit path and their explicit role grants."""
    grants = session.scalars(
        select(RoleGrant)
        .options(joinedload(RoleGrant.unit))
        .where(RoleGrant.person_id == person.id)
        .order_by(RoleGrant.id)
    )
    return HomeSummary(
        name=person.name,
        unit_path=_path_text(session, person.unit_id),
        roles=[RoleLine(g.role, _path_text(session, g.unit_id)) for g in grants],
    )


def unread_notices(session: Session, person_id: int, limit: int = 20) -> list[Notice]:
    """The person's unread notices, newest first."""
    return list(session.scalars(
        select(Notice).options(joinedload(Notice.activity))
        .where(Notice.person_id == person_id, Notice.read_at.is_(None))
        .order_by(Notice.created_at.desc(), Notice.id.desc())
        .limit(limit)
    ))
