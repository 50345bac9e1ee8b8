"""The cap on one manual entry or correction: set by an admin per unit, lowest on the path wins.

Without a cap on the member's unit or any unit above it, ``DEFAULT_CAP`` applies. A cap set
on a unit holds for its whole subtree; a cap set lower down can only tighten it, so an admin
of a branch cannot raise what the admin above decided.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from quizapp.models import PointCap, Unit
from quizapp.models.base import utcnow
from quizapp.models.org import ancestor_ids

DEFAULT_CAP = 100
MAX_CAP = 10000


class CapError(Exception):
    """A cap that cannot be set; the message is for the admin (Chinese)."""


@dataclass(frozen=True)
class CapOnPath:
    """A cap set on the member's unit or a unit above it."""

    unit: Unit
    cap: PointCap


def caps_on_path(session: Session, unit_id: int) -> list[CapOnPath]:
    """The caps set on ``unit_id`` and the units above it, nearest first."""
    ids = ancestor_ids(session, unit_id)
    rows = session.execute(
        select(PointCap, Unit).join(Unit, PointCap.unit_id == Unit.id).where(PointCap.unit_id.in_(ids))
    ).all()
    found = {unit.id: CapOnPath(unit, cap) for cap, unit in rows}
    return [found[i] for i in ids if i in found]


def cap_for(session: Session, unit_id: int) -> int:
    """The most points one manual entry or correction may carry for a member of ``unit_id``."""
    caps = [item.cap.cap for item in caps_on_path(session, unit_id)]
    return min(caps) if caps else DEFAULT_CAP


def set_cap(session: Session, unit_id: int, cap: object, set_by_id: int | None,
            now: datetime | None = None) -> PointCap:
    """Set the cap of ``unit_id``'s subtree (the caller checks that the person is its admin).
    Raises CapError for a cap that is not a whole number from 1 to MAX_CAP. Flushes."""
    if isinstance(cap, bool) or not isinstance(cap, int) or not 1 <= cap <= MAX_CAP:
        raise CapError(f"上限必须是 1–{MAX_CAP} 之间的整数")
    row = session.scalar(select(PointCap).where(PointCap.unit_id == unit_id))
    if row is None:
        row = PointCap(unit_id=unit_id, cap=cap)
        session.add(row)
    row.cap, row.set_by_id, row.set_at = cap, set_by_id, now or utcnow()
    session.flush()
    return row
