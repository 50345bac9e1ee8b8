"""Reads of the points ledger: which entries count, and totals."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, exists, func, or_, select
from sqlalchemy.orm import Session

from quizapp.models import PointDecision, PointEntry


def entry_counts() -> ColumnElement[bool]:
    """True for an entry that counts: automatic, or manual and approved by a secretary."""
    approved = exists().where(PointDecision.entry_id == PointEntry.id,
                              PointDecision.approved.is_(True))
    return or_(PointEntry.needs_approval.is_(False), approved)


def total_for(session: Session, person_id: int) -> int:
    """The member's points: the sum of their entries that count."""
    statement: Any = select(func.coalesce(func.sum(PointEntry.points), 0)).where(
        PointEntry.person_id == person_id, entry_counts()
    )
    return int(session.scalar(statement) or 0)
