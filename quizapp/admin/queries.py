"""Reads for the admin pages."""

from __future__ import annotations

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session, joinedload

from quizapp.auth.access import units_held
from quizapp.models import Person, Role, Unit


def administered_unit_ids(session: Session, admin: Person) -> set[int]:
    """Every unit inside the subtrees where ``admin`` holds ADMIN (``auth.access.units_held``)."""
    return units_held(session, admin, (Role.ADMIN,))


def people_in_scope(session: Session, admin: Person, search: str | None) -> Select:
    """People an admin manages, optionally filtered by name, phone or member number."""
    statement = (
        select(Person)
        .options(joinedload(Person.unit).joinedload(Unit.parent))
        .where(Person.unit_id.in_(administered_unit_ids(session, admin)))
        .order_by(Person.unit_id, Person.id)
    )
    if search:
        pattern = f"%{search}%"
        statement = statement.where(
            or_(
                Person.name.like(pattern),
                Person.phone.like(pattern),
                Person.member_no.like(pattern),
            )
        )
    return statement

