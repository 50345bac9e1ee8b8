"""Reads for the roster pages."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from quizapp.models import Person, Role, RoleGrant, Unit


def import_scopes(session: Session, person: Person) -> list[Unit]:
    """Units whose roster ``person`` may import: where they are organizer or admin."""
    unit_ids = select(RoleGrant.unit_id).where(
        RoleGrant.person_id == person.id,
        RoleGrant.role.in_([Role.ORGANIZER, Role.ADMIN]),
    )
    return list(session.scalars(select(Unit).where(Unit.id.in_(unit_ids)).order_by(Unit.id)))
