"""Member points (党员积分): an append-only ledger, and versioned rules.

``PointEntry`` rows are only ever inserted: a correction is a new entry that
names the one it corrects (``corrects_id``), never an edit (an ORM guard below
refuses updates and deletes). Entries for a study or a test trace to their
attempt and the ``RuleVersion`` that gave them. A manual entry (奖/惩) carries
a reason and counts only once a secretary approves it: the decision is its own
row (``PointDecision``), so the entry itself is never touched.

``RuleVersion`` holds point rules or rating rules for a unit's subtree from a
date on (``rules`` JSON, validated by ``quizapp.results.rules``). The version in
effect for a member is the latest one effective on the day, of the nearest unit
up the tree that has one; a past result keeps the version it was computed under.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, Mapper, mapped_column, relationship

from quizapp.models.base import Base, enum_column, utcnow
from quizapp.models.org import Person


class RuleKind(enum.StrEnum):
    POINTS = "points"
    RATING = "rating"

    @property
    def label(self) -> str:
        return {"points": "积分规则", "rating": "评星定级规则"}[self.value]


class RuleVersion(Base):
    """Point or rating rules for a unit's subtree, in effect from ``effective_from``."""

    __tablename__ = "rule_version"
    __table_args__ = (UniqueConstraint("kind", "unit_id", "effective_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[RuleKind] = mapped_column(enum_column(RuleKind, "rule_kind"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"), index=True)
    effective_from: Mapped[date] = mapped_column(Date)
    rules: Mapped[dict[str, Any]] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(String(200), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def __repr__(self) -> str:
        return f"<RuleVersion {self.id} {self.kind.value} unit {self.unit_id} from {self.effective_from}>"


class EntryKind(enum.StrEnum):
    STUDY = "study"  # completing a monthly study
    TEST = "test"  # a quarterly test's score
    REGRADE = "regrade"  # the change after a question's answer was corrected
    AWARD = "award"  # 奖: manual, needs approval
    PENALTY = "penalty"  # 惩: manual, needs approval
    CORRECTION = "correction"  # reverses or amends an earlier entry
    CONTEST = "contest"  # a live 知识竞赛's points (quizapp.contest), needs approval

    @property
    def label(self) -> str:
        return {"study": "月度选学", "test": "季度测试", "regrade": "重新判分", "award": "奖励",
                "penalty": "扣分", "correction": "更正",
                "contest": "知识竞赛"}[self.value]


class PointEntry(Base):
    """One line of a member's points ledger. Inserted, never updated or deleted."""

    __tablename__ = "point_entry"
    __table_args__ = (
        CheckConstraint("points <> 0", name="points_not_zero"),
        CheckConstraint(
            "kind NOT IN ('award', 'penalty', 'correction') OR reason <> ''",
            name="manual_has_reason",
        ),
        CheckConstraint(
            "kind NOT IN ('study', 'test', 'regrade')"
            " OR (attempt_id IS NOT NULL AND rule_version_id IS NOT NULL)",
            name="automatic_traces",
        ),
        CheckConstraint("kind <> 'correction' OR corrects_id IS NOT NULL", name="correction_names_entry"),
        Index("ix_point_entry_person_created", "person_id", "created_at"),
        Index("ix_point_entry_unit_created", "unit_id", "created_at"),
        Index("ix_point_entry_activity_person", "activity_id", "person_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"))
    # The member's unit when the entry was made: branch totals count it there.
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"))
    kind: Mapped[EntryKind] = mapped_column(enum_column(EntryKind, "entry_kind"))
    points: Mapped[int] = mapped_column()
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activity.id", ondelete="RESTRICT"))
    attempt_id: Mapped[int | None] = mapped_column(ForeignKey("attempt.id", ondelete="RESTRICT"))
    rule_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("rule_version.id", ondelete="RESTRICT")
    )
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("point_entry.id", ondelete="RESTRICT"))
    # Manual entries count only once approved (a PointDecision with approved = true).
    needs_approval: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    rule_version: Mapped[RuleVersion | None] = relationship()
    decision: Mapped[PointDecision | None] = relationship(back_populates="entry", uselist=False)

    def __repr__(self) -> str:
        return f"<PointEntry {self.id} {self.kind.value} {self.points:+d} person {self.person_id}>"


class PointDecision(Base):
    """A secretary's approval or rejection of a manual entry; one per entry, final."""

    __tablename__ = "point_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("point_entry.id", ondelete="RESTRICT"), unique=True
    )
    approved: Mapped[bool] = mapped_column()
    note: Mapped[str] = mapped_column(String(200), default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    entry: Mapped[PointEntry] = relationship(back_populates="decision")


class PointCap(Base):
    """The most points one manual entry or correction may carry (either sign) for members in
    a unit's subtree, set by an admin over the unit. The cap for a member is the lowest one set
    on their unit or a unit above it, so a lower admin can only tighten it
    (``quizapp.points.caps``)."""

    __tablename__ = "point_cap"
    __table_args__ = (CheckConstraint("cap >= 1 AND cap <= 10000", name="cap_in_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), unique=True)
    cap: Mapped[int] = mapped_column()
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    set_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def __repr__(self) -> str:
        return f"<PointCap {self.cap} on unit {self.unit_id}>"


@event.listens_for(PointEntry, "before_update")
@event.listens_for(PointEntry, "before_delete")
def _ledger_is_append_only(_mapper: Mapper[Any], _connection: Any, target: PointEntry) -> None:
    raise ValueError(f"point entries are append-only; add a correction instead of changing {target!r}")
