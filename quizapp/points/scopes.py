"""Scopes for ``role_required`` on the points pages, and the units a person looks after.

A scope returns the unit a URL acts on: a member's ledger and an entry belong
to the member's current unit (their secretary now decides), a unit page to the
unit. A missing object is a 404.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import Session

from quizapp.auth.access import scope_roots
from quizapp.extensions import db
from quizapp.models import Person, PointEntry, Role, Unit
from quizapp.models.org import subtree_ids

LEDGER_ROLES = (Role.SECRETARY, Role.ORGANIZER)
RULE_ROLES = (Role.ORGANIZER,)


def person_scope(person_id: int, **_: object) -> int:
    unit_id = db.session.scalar(select(Person.unit_id).where(Person.id == person_id))
    if unit_id is None:
        abort(404)
    return unit_id


def entry_scope(entry_id: int, **_: object) -> int:
    unit_id = db.session.scalar(
        select(Person.unit_id).join(PointEntry, PointEntry.person_id == Person.id)
        .where(PointEntry.id == entry_id)
    )
    if unit_id is None:
        abort(404)
    return unit_id


def unit_scope(unit_id: int, **_: object) -> int:
    if db.session.get(Unit, unit_id) is None:
        abort(404)
    return unit_id


def looked_after(session: Session, person: Person, roles: Iterable[Role]) -> list[int]:
    """The roots of the subtrees where the person holds one of the roles (or is admin):
    ``auth.access.scope_roots``."""
    return scope_roots(session, person, roles)


def unit_choices(session: Session, roots: list[int]) -> list[tuple[int, str]]:
    """(id, "党委 / 党总支 / 支部") for every unit in the roots' subtrees, in path order
    (all units read in one query; the tree is small next to its people)."""
    units = {unit_id: (name, parent) for unit_id, name, parent
             in session.execute(select(Unit.id, Unit.name, Unit.parent_id))}
    ids: set[int] = set()
    for root in roots:
        ids |= subtree_ids(session, root)

    def path(unit_id: int) -> str:
        names, seen, current = [], set(), unit_id
        while current is not None and current in units and current not in seen:
            seen.add(current)
            names.append(units[current][0])
            current = units[current][1]
        return " / ".join(reversed(names))

    return sorted(((unit_id, path(unit_id)) for unit_id in ids), key=lambda pair: pair[1])
