"""Printed papers of a published test: each version (A, B) fixed once, for entering answers.

A ``Paper`` is one printed version of an activity: its questions in the printed order, each
with the option order printed (``items``: ``question_id``, ``question_version``,
``option_order`` as in ``AttemptItem``, ``points``, ``type``). Versions A and B hold the same questions
in another order, options shuffled again. A paper member's answers, entered by an organizer
or secretary, become a scored ``Attempt`` whose ``paper_id`` names the version sat: its items
are copied from the paper, so the letters entered are read in that version's option order and
graded like an online sitting.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quizapp.models.activity import Activity
from quizapp.models.base import Base, utcnow

PAPER_LABELS = ("A", "B")


class Paper(Base):
    """One printed version of a test's paper."""

    __tablename__ = "paper"
    __table_args__ = (
        UniqueConstraint("activity_id", "label"),
        CheckConstraint("label IN ('A', 'B')", name="label_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"),
                                             index=True)
    label: Mapped[str] = mapped_column(String(1))
    # [{"question_id", "question_version", "option_order", "points", "type"}] in printed order
    # ("type" the question's type when drawn: the sections are laid out by it).
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    activity: Mapped[Activity] = relationship()

    def __repr__(self) -> str:
        return f"<Paper {self.activity_id}{self.label}>"
