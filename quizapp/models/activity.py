"""Published activities: the monthly study (月度选学) and the quarterly test (季度测试).

An ``Activity`` is published by an organizer to a unit and its subtree. Its
questions are drawn per member from the approved bank by its blueprint
(``BlueprintPart`` rows: how many of a type, from which speech or concept, at
how many points each). A study also names the passages members read
(``StudyPassage``). Timeline: the practice set may open first
(``practice_opens_at``: practised freely, never scored), then the scored window
``opens_at``–``closes_at``.

``ActivityMember`` is the audience, fixed when the activity is published (and
extended when someone who joined the subtree later opens it): each member with
the unit they belonged to then, so reports count a member where they were
during the period even after a move. It also carries the per-member overrides
(extra time, a make-up window) with their reason.

``ActivityChange`` records every edit after publication; ``Notice`` is a
reminder shown on a member's home page.
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
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quizapp.models.bank import QuestionType, Speech
from quizapp.models.base import Base, enum_column, utcnow
from quizapp.models.org import Person, Unit


class ActivityKind(enum.StrEnum):
    STUDY = "study"
    TEST = "test"

    @property
    def label(self) -> str:
        return {"study": "月度选学", "test": "季度测试"}[self.value]


class ActivityStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return {"draft": "草稿", "published": "已发布", "cancelled": "已撤销"}[self.value]


class AnswerPolicy(enum.StrEnum):
    """When a member sees the right answers of a scored attempt."""

    AFTER_SUBMIT = "after_submit"
    AFTER_CLOSE = "after_close"

    @property
    def label(self) -> str:
        return {"after_submit": "交卷后立即公布答案", "after_close": "截止后公布答案"}[self.value]


class Activity(Base):
    """A monthly study or a quarterly test published to a unit's subtree."""

    __tablename__ = "activity"
    __table_args__ = (
        CheckConstraint("title <> ''", name="title_not_blank"),
        CheckConstraint("opens_at < closes_at", name="opens_before_close"),
        CheckConstraint(
            "practice_opens_at IS NULL OR practice_opens_at <= opens_at",
            name="practice_before_scored",
        ),
        CheckConstraint(
            "time_limit_minutes IS NULL OR time_limit_minutes BETWEEN 1 AND 1440",
            name="time_limit_range",
        ),
        CheckConstraint("attempts_allowed BETWEEN 1 AND 10", name="attempts_range"),
        CheckConstraint("pass_percent BETWEEN 0 AND 100", name="pass_range"),
        CheckConstraint(
            "excellent_percent BETWEEN pass_percent AND 100", name="excellent_range"
        ),
        CheckConstraint("version >= 1", name="version_positive"),
        Index("ix_activity_unit_closes", "unit_id", "closes_at"),
        Index("ix_activity_period", "period_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ActivityKind] = mapped_column(enum_column(ActivityKind, "activity_kind"))
    status: Mapped[ActivityStatus] = mapped_column(
        enum_column(ActivityStatus, "activity_status"), default=ActivityStatus.DRAFT
    )
    title: Mapped[str] = mapped_column(String(200))
    # Published to this unit and its whole subtree.
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"))
    # The month (study) or quarter (test) it counts for: its first day.
    period_start: Mapped[date] = mapped_column(Date)
    # Reading guide of a study (what to read and why); shown above the passages.
    intro: Mapped[str] = mapped_column(Text, default="")
    practice_opens_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    opens_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    closes_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    time_limit_minutes: Mapped[int | None] = mapped_column()
    attempts_allowed: Mapped[int] = mapped_column(default=1)
    answers_shown: Mapped[AnswerPolicy] = mapped_column(
        enum_column(AnswerPolicy, "answer_policy"), default=AnswerPolicy.AFTER_SUBMIT
    )
    # 多选: a choice of right options only earns its share (else all-or-nothing).
    partial_multiple: Mapped[bool] = mapped_column(default=False)
    pass_percent: Mapped[int] = mapped_column(default=60)
    excellent_percent: Mapped[int] = mapped_column(default=90)
    # Raised by every edit after publication (each one is in ActivityChange).
    version: Mapped[int] = mapped_column(default=1)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Set by the close job once every attempt still open at the close is submitted.
    finalized_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    unit: Mapped[Unit] = relationship()
    parts: Mapped[list[BlueprintPart]] = relationship(
        back_populates="activity", order_by="BlueprintPart.position",
        cascade="all, delete-orphan", passive_deletes=True,
    )
    passages: Mapped[list[StudyPassage]] = relationship(
        back_populates="activity", order_by="StudyPassage.position",
        cascade="all, delete-orphan", passive_deletes=True,
    )

    @property
    def question_count(self) -> int:
        return sum(part.count for part in self.parts)

    @property
    def max_score(self) -> int:
        return sum(part.count * part.points_each for part in self.parts)

    def __repr__(self) -> str:
        return f"<Activity {self.id} {self.kind.value} {self.title!r}>"


class BlueprintPart(Base):
    """One line of a blueprint: ``count`` questions of ``type`` at ``points_each``,
    from one speech (or any the audience may see) and one concept (or any)."""

    __tablename__ = "blueprint_part"
    __table_args__ = (
        UniqueConstraint("activity_id", "position"),
        CheckConstraint("count BETWEEN 1 AND 100", name="count_range"),
        CheckConstraint("points_each BETWEEN 1 AND 100", name="points_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column()
    type: Mapped[QuestionType] = mapped_column(enum_column(QuestionType, "question_type"))
    count: Mapped[int] = mapped_column()
    points_each: Mapped[int] = mapped_column(default=1)
    speech_id: Mapped[int | None] = mapped_column(ForeignKey("speech.id", ondelete="RESTRICT"))
    # "" means any concept.
    concept: Mapped[str] = mapped_column(String(200), default="")

    activity: Mapped[Activity] = relationship(back_populates="parts")
    speech: Mapped[Speech | None] = relationship()


class StudyPassage(Base):
    """A passage of a speech members read in a study: paragraphs first..last (0-based)."""

    __tablename__ = "study_passage"
    __table_args__ = (
        UniqueConstraint("activity_id", "position"),
        CheckConstraint(
            "first_paragraph >= 0 AND last_paragraph >= first_paragraph", name="range_valid"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column()
    speech_id: Mapped[int] = mapped_column(ForeignKey("speech.id", ondelete="RESTRICT"))
    first_paragraph: Mapped[int] = mapped_column()
    last_paragraph: Mapped[int] = mapped_column()
    # The concept the passage is chosen for, if any ("" for none).
    concept: Mapped[str] = mapped_column(String(200), default="")

    activity: Mapped[Activity] = relationship(back_populates="passages")
    speech: Mapped[Speech] = relationship()


class ActivityMember(Base):
    """One member of an activity's audience, where they belonged, and their overrides."""

    __tablename__ = "activity_member"
    __table_args__ = (
        CheckConstraint("extra_minutes BETWEEN 0 AND 1440", name="extra_minutes_range"),
        CheckConstraint(
            "(makeup_opens_at IS NULL) = (makeup_closes_at IS NULL)", name="makeup_both_or_none"
        ),
        CheckConstraint(
            "makeup_opens_at IS NULL OR makeup_opens_at < makeup_closes_at",
            name="makeup_opens_before_close",
        ),
        CheckConstraint(
            "(extra_minutes = 0 AND makeup_opens_at IS NULL) OR override_reason <> ''",
            name="override_has_reason",
        ),
        Index("ix_activity_member_activity_unit", "activity_id", "unit_id"),
        Index("ix_activity_member_person", "person_id"),
    )

    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activity.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    # The member's unit when they joined the audience: reports count them there.
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"))
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    extra_minutes: Mapped[int] = mapped_column(default=0)
    makeup_opens_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    makeup_closes_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # 出差、病假 …: required with any override.
    override_reason: Mapped[str] = mapped_column(String(200), default="")
    override_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL")
    )
    override_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The last reminder a secretary sent this member for this activity.
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    activity: Mapped[Activity] = relationship()
    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    unit: Mapped[Unit] = relationship()


class ActivityChange(Base):
    """An edit of a published activity: who, when, and what changed (for the record)."""

    __tablename__ = "activity_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activity.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # In Chinese, for organizers: e.g. "截止时间 11月30日 18:00 → 12月2日 18:00".
    summary: Mapped[str] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The activity's version after the change.
    version: Mapped[int] = mapped_column()

    person: Mapped[Person | None] = relationship()


class Notice(Base):
    """A notice on a member's home page, e.g. a secretary's reminder of an open test."""

    __tablename__ = "notice"
    __table_args__ = (
        CheckConstraint("text <> ''", name="text_not_blank"),
        Index("ix_notice_person_read", "person_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(String(300))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    activity: Mapped[Activity | None] = relationship()
