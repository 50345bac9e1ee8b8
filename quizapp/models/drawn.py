"""Papers drawn before the rush: each audience member's first sitting of an activity, drawn
ahead (``quiz.predraw``) so that a start only copies it into its attempt.

A ``DrawnItem`` is one question of one member's pre-drawn paper, as an ``AttemptItem`` will hold
it: position, question and version, option order, points. A paper is used only while it is
current: drawn for the activity's present ``version`` (every edit raises it), for the member's
present unit (a member moved elsewhere may see other speeches), and every question of it still
approved at the version drawn. Anything else is stale: the start draws afresh, and the draw job
replaces it.
"""

from __future__ import annotations

from sqlalchemy import JSON, CheckConstraint, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from quizapp.models.base import Base


class DrawnItem(Base):
    """One question of a member's pre-drawn paper of an activity."""

    __tablename__ = "drawn_item"
    __table_args__ = (
        CheckConstraint("position >= 1", name="position_positive"),
        CheckConstraint("max_points >= 0", name="max_points_not_negative"),
    )

    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activity.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(primary_key=True)
    # The activity's version and the member's unit the paper was drawn for.
    activity_version: Mapped[int] = mapped_column()
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(
        ForeignKey("bank_question.id", ondelete="CASCADE"), index=True
    )
    question_version: Mapped[int] = mapped_column()
    option_order: Mapped[list[int]] = mapped_column(JSON, default=list)
    max_points: Mapped[int] = mapped_column(default=1)
