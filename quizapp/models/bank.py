"""The question bank: speeches, the questions built from them (or written by hand), and members'
reports of questions that look wrong (纠错).

A speech belongs to the unit whose organizers imported it (a 党总支 or 机关党委); its bank is
managed by the organizers of that unit's subtree. Questions built by `questions/` keep the
builder's stable id in `external_id`, so re-importing a speech updates them in place; an
organizer's edit sets `edited`, and a re-import never overwrites an edited question.
Only APPROVED questions are ever shown to members.

Every question tests one key point (``point``): the builder gives the questions made on one
sentence the same point, and they are variants: a paper holds at most one of them, since one
would give another away. A question written by hand has a point of its own. ``quality`` is the
builder's own rank (0-1; None for a question written by hand): the review list shows the best
first.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any
from uuid import uuid4

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    case,
    func,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quizapp.models.base import Base, enum_column, utcnow
from quizapp.models.org import Person, Unit
from quizapp.sql import json_kind


class QuestionType(enum.StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    JUDGE = "judge"
    FILL = "fill"

    @property
    def label(self) -> str:
        return {"single": "单选", "multiple": "多选", "judge": "判断", "fill": "填空"}[self.value]


class QuestionStatus(enum.StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"
    RETIRED = "retired"

    @property
    def label(self) -> str:
        return {"draft": "待审核", "approved": "已通过", "retired": "已停用"}[self.value]


class QuestionOrigin(enum.StrEnum):
    SPEECH = "speech"  # built by questions/ from the speech
    KNOWLEDGE = "knowledge"  # built by questions/ from its knowledge file
    MANUAL = "manual"  # written by an organizer (form or Excel import)

    @property
    def label(self) -> str:
        return {"speech": "讲话原文", "knowledge": "知识库", "manual": "人工编写"}[self.value]


class ReportStatus(enum.StrEnum):
    OPEN = "open"
    CORRECTED = "corrected"
    RETIRED = "retired"
    DISMISSED = "dismissed"

    @property
    def label(self) -> str:
        return {"open": "待处理", "corrected": "已更正", "retired": "已停用题目", "dismissed": "不予采纳"}[self.value]


class Speech(Base):
    """A speech imported into a unit's bank, with its full text (one paragraph a line)."""

    __tablename__ = "speech"
    __table_args__ = (
        UniqueConstraint("unit_id", "file_name"),
        CheckConstraint("title <> ''", name="title_not_blank"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"), index=True)
    # The file name the builder saw: part of every built question's stable id.
    file_name: Mapped[str] = mapped_column(String(255))
    title: Mapped[str] = mapped_column(String(200))
    delivered_on: Mapped[date | None] = mapped_column(Date)
    occasion: Mapped[str] = mapped_column(String(200), default="")
    # Tens of kilobytes: loaded only when read (a speech joined to 30 items, or listed in a
    # menu, needs its title, not its text).
    text: Mapped[str] = mapped_column(Text, deferred=True)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    unit: Mapped[Unit] = relationship()
    questions: Mapped[list[BankQuestion]] = relationship(back_populates="speech", order_by="BankQuestion.id")

    @property
    def paragraphs(self) -> list[str]:
        return self.text.split("\n")

    def __repr__(self) -> str:
        return f"<Speech {self.id} {self.title!r}>"


def own_point() -> str:
    """A key point of its own, for a question that shares its point with no other."""
    return f"own-{uuid4().hex}"


class BankQuestion(Base):
    """One question of a bank. `options`/`answer` are JSON in the builder's format:
    single/multiple: options [str], answer [int]; judge: options [], answer bool;
    fill: options [], answer [str] (one per blank)."""

    __tablename__ = "bank_question"
    __table_args__ = (
        UniqueConstraint("speech_id", "external_id"),
        CheckConstraint("difficulty BETWEEN 1 AND 3", name="difficulty_range"),
        CheckConstraint("stem <> ''", name="stem_not_blank"),
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint("quality IS NULL OR quality BETWEEN 0 AND 1", name="quality_range"),
        Index("ix_bank_question_speech_status", "speech_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    speech_id: Mapped[int] = mapped_column(ForeignKey("speech.id", ondelete="RESTRICT"), index=True)
    # The builder's stable id; None for a question written by hand.
    external_id: Mapped[str | None] = mapped_column(String(64))
    type: Mapped[QuestionType] = mapped_column(enum_column(QuestionType, "question_type"))
    stem: Mapped[str] = mapped_column(Text)
    options: Mapped[list[str]] = mapped_column(JSON, default=list)
    answer: Mapped[Any] = mapped_column(JSON)
    # Fill: further answers an organizer accepts (同义表述); graded like the answer.
    accepted_variants: Mapped[list[list[str]]] = mapped_column(JSON, default=list)
    explanation: Mapped[str] = mapped_column(Text, default="")
    concept: Mapped[str] = mapped_column(String(200), default="", index=True)
    kind: Mapped[str] = mapped_column(String(32), default="")
    difficulty: Mapped[int] = mapped_column(default=2)
    origin: Mapped[QuestionOrigin] = mapped_column(enum_column(QuestionOrigin, "question_origin"))
    paragraph: Mapped[int | None] = mapped_column()
    # A list of headings spans paragraphs: all of them, else [].
    paragraphs: Mapped[list[int]] = mapped_column(JSON, default=list)
    sentence: Mapped[str] = mapped_column(Text, default="")
    # The key point it tests; questions of one point are variants (one per paper).
    point: Mapped[str] = mapped_column(String(255), default=own_point, index=True)
    # The builder's rank, 0-1; None for a question written by hand.
    quality: Mapped[float | None] = mapped_column(Float)
    status: Mapped[QuestionStatus] = mapped_column(
        enum_column(QuestionStatus, "question_status"), default=QuestionStatus.DRAFT
    )
    # Set when an organizer changes the question: a re-import leaves it as it is.
    edited: Mapped[bool] = mapped_column(default=False)
    # Raised whenever the answer key changes, so attempts graded under an older key can be found.
    version: Mapped[int] = mapped_column(default=1)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    speech: Mapped[Speech] = relationship(back_populates="questions")
    reports: Mapped[list[QuestionReport]] = relationship(back_populates="question", order_by="QuestionReport.id")

    @hybrid_property
    def answer_count(self) -> int:
        """How many answers the key lists (a fill's blanks are counted from it); 0 when the
        key is not a list. In SQL the same count, so that a query need not read the key."""
        return len(self.answer) if isinstance(self.answer, list) else 0

    @answer_count.inplace.expression
    @classmethod
    def _answer_count_expression(cls) -> Any:
        return case((json_kind(cls.answer) == "array", func.json_array_length(cls.answer)),
                    else_=0)

    def __repr__(self) -> str:
        return f"<BankQuestion {self.id} {self.type.value} {self.status.value}>"


class QuestionReport(Base):
    """A member's report that a question is wrong or unclear (纠错), and how it was handled."""

    __tablename__ = "question_report"
    __table_args__ = (CheckConstraint("reason <> ''", name="reason_not_blank"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("bank_question.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[ReportStatus] = mapped_column(enum_column(ReportStatus, "report_status"), default=ReportStatus.OPEN)
    resolution: Mapped[str] = mapped_column(Text, default="")
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    question: Mapped[BankQuestion] = relationship(back_populates="reports")
    person: Mapped[Person] = relationship(foreign_keys=[person_id])
