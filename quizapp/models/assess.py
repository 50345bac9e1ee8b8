"""Assessment: a member's attempts, the questions fixed in each, and the 错题本.

An ``Attempt`` is one sitting of one person: a practice (自测练习), or a scored
sitting of a published activity (月度选学 or 季度测试, ``activity_id`` and
``attempt_no``). A practice may also draw from an activity's practice set
(source ``activity``), which is never scored.
Its questions, their order and each question's option order are fixed when it
starts (``AttemptItem``), so a reload shows the same attempt. Answers are saved
one item at a time with a client sequence number (``saved_seq``): a save
carrying a lower number than the stored one is stale and never overwrites it.
An attempt is graded once, when it leaves ``open`` (see ``quiz.services``);
the score columns are filled then and only then, as the CHECKs below enforce.

``WrongBookEntry`` is the 错题本 state of one person and one question: it enters
the book on a wrong answer and leaves after a run of right answers.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quizapp.models.activity import Activity
from quizapp.models.bank import BankQuestion, QuestionReport, Speech
from quizapp.models.base import Base, enum_column, utcnow
from quizapp.models.org import Person


class AttemptKind(enum.StrEnum):
    """Why the attempt was made."""

    PRACTICE = "practice"
    STUDY = "study"  # the scored quiz of a monthly study (月度选学)
    TEST = "test"  # a quarterly test (季度测试)

    @property
    def label(self) -> str:
        return {"practice": "自测练习", "study": "月度选学", "test": "季度测试"}[self.value]


class AttemptStatus(enum.StrEnum):
    OPEN = "open"
    SUBMITTED = "submitted"
    # A practice the member gave up: never graded, never in results.
    ABANDONED = "abandoned"

    @property
    def label(self) -> str:
        return {"open": "答题中", "submitted": "已交卷", "abandoned": "已放弃"}[self.value]


class PracticeSource(enum.StrEnum):
    """Where a practice drew its questions from."""

    SPEECH = "speech"  # one speech's approved questions
    RANDOM = "random"  # every approved question visible to the member
    MISTAKES = "mistakes"  # the member's 错题本
    ACTIVITY = "activity"  # a published activity's practice set (never scored)

    @property
    def label(self) -> str:
        return {"speech": "按讲话练习", "random": "随机练习", "mistakes": "错题练习",
                "activity": "考前练习"}[self.value]


class Attempt(Base):
    """One sitting of one person, from start to submission."""

    __tablename__ = "attempt"
    __table_args__ = (
        # A double tap or a resubmitted start form carries the same key: one attempt.
        UniqueConstraint("person_id", "client_key"),
        CheckConstraint("question_count >= 1", name="has_questions"),
        CheckConstraint("current_position BETWEEN 1 AND question_count", name="position_in_range"),
        CheckConstraint("kind <> 'practice' OR source IS NOT NULL", name="practice_has_source"),
        CheckConstraint(
            "(source = 'speech') = (speech_id IS NOT NULL)", name="speech_iff_by_speech"
        ),
        # Graded exactly when submitted: an open or abandoned attempt has no score.
        CheckConstraint(
            "(status = 'submitted') = (submitted_at IS NOT NULL AND score IS NOT NULL"
            " AND max_score IS NOT NULL AND correct_count IS NOT NULL)",
            name="graded_iff_submitted",
        ),
        CheckConstraint("score BETWEEN 0 AND max_score", name="score_in_range"),
        CheckConstraint("correct_count BETWEEN 0 AND question_count", name="correct_in_range"),
        # A scored sitting numbers its attempts; a practice has no number.
        CheckConstraint("(kind = 'practice') = (attempt_no IS NULL)", name="numbered_iff_scored"),
        CheckConstraint("attempt_no IS NULL OR attempt_no >= 1", name="attempt_no_positive"),
        CheckConstraint(
            "(kind <> 'practice' OR source = 'activity') = (activity_id IS NOT NULL)",
            name="activity_iff_scored_or_activity_practice",
        ),
        UniqueConstraint("activity_id", "person_id", "attempt_no"),
        # At most one open scored sitting per person and activity.
        Index(
            "uq_attempt_open_scored",
            "activity_id",
            "person_id",
            unique=True,
            sqlite_where=text("status = 'open' AND kind <> 'practice'"),
            postgresql_where=text("status = 'open' AND kind <> 'practice'"),
        ),
        # The close job's scan: open attempts by deadline.
        Index("ix_attempt_status_deadline", "status", "deadline_at"),
        # At most one open practice per person; it is resumed, not duplicated.
        Index(
            "uq_attempt_open_practice",
            "person_id",
            unique=True,
            sqlite_where=text("status = 'open' AND kind = 'practice'"),
            postgresql_where=text("status = 'open' AND kind = 'practice'"),
        ),
        Index("ix_attempt_person_status", "person_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"))
    kind: Mapped[AttemptKind] = mapped_column(enum_column(AttemptKind, "attempt_kind"))
    status: Mapped[AttemptStatus] = mapped_column(
        enum_column(AttemptStatus, "attempt_status"), default=AttemptStatus.OPEN
    )
    source: Mapped[PracticeSource | None] = mapped_column(
        enum_column(PracticeSource, "practice_source")
    )
    speech_id: Mapped[int | None] = mapped_column(
        ForeignKey("speech.id", ondelete="RESTRICT"), index=True
    )
    activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("activity.id", ondelete="RESTRICT"), index=True
    )
    # 1, 2, … for the scored sittings of one person in one activity.
    attempt_no: Mapped[int | None] = mapped_column()
    # The idempotency key of the start request (a token rendered into the start form).
    client_key: Mapped[str | None] = mapped_column(String(64))
    question_count: Mapped[int] = mapped_column()
    # Where the member was (the last question saved), for resuming on another visit.
    current_position: Mapped[int] = mapped_column(default=1)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Every save touches the attempt row first: that row lock orders saves and the submit.
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The server-side end: the time limit (plus extra time) or the close, whichever
    # comes first. Saves after it are refused; the close job submits what is saved.
    deadline_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    score: Mapped[int | None] = mapped_column()
    max_score: Mapped[int | None] = mapped_column()
    correct_count: Mapped[int | None] = mapped_column()
    # A paper sitting (纸质): the printed version sat, its answers entered by an organizer or
    # secretary (``paper``); None for a sitting on a phone or computer.
    paper_id: Mapped[int | None] = mapped_column(
        ForeignKey("paper.id", ondelete="RESTRICT"), index=True
    )

    person: Mapped[Person] = relationship()
    speech: Mapped[Speech | None] = relationship()
    activity: Mapped[Activity | None] = relationship()
    items: Mapped[list[AttemptItem]] = relationship(
        back_populates="attempt", order_by="AttemptItem.position", passive_deletes=True
    )

    @property
    def on_paper(self) -> bool:
        """A paper sitting (纸质), entered by an organizer or secretary."""
        return self.paper_id is not None

    def __repr__(self) -> str:
        return f"<Attempt {self.id} {self.kind.value} {self.status.value} of person {self.person_id}>"


class AttemptItem(Base):
    """One question of an attempt, in the order and with the option order shown, and the answer.

    ``option_order`` is the permutation shown: display position i shows
    ``question.options[option_order[i]]`` ([] for 判断 and 填空). ``response`` is
    kept in the question's own terms, never in display positions: single and
    multiple a sorted list of option indexes, judge a bool, fill a list of
    strings (one per blank); None when unanswered.
    """

    __tablename__ = "attempt_item"
    __table_args__ = (
        UniqueConstraint("attempt_id", "position"),
        UniqueConstraint("attempt_id", "question_id"),
        CheckConstraint("position >= 1", name="position_positive"),
        CheckConstraint("saved_seq >= 0", name="saved_seq_not_negative"),
        CheckConstraint("points BETWEEN 0 AND max_points", name="points_in_range"),
        CheckConstraint("max_points >= 0", name="max_points_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempt.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column()
    question_id: Mapped[int] = mapped_column(
        ForeignKey("bank_question.id", ondelete="RESTRICT"), index=True
    )
    # The question's version when the attempt started (regrading compares it).
    question_version: Mapped[int] = mapped_column()
    option_order: Mapped[list[int]] = mapped_column(JSON, default=list)
    response: Mapped[Any] = mapped_column(JSON, nullable=True)
    # The client's sequence number of the stored response; a save must carry a higher one.
    saved_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    max_points: Mapped[int] = mapped_column(default=1)
    # Set when graded (at submission).
    correct: Mapped[bool | None] = mapped_column()
    points: Mapped[int | None] = mapped_column()

    attempt: Mapped[Attempt] = relationship(back_populates="items")
    question: Mapped[BankQuestion] = relationship()

    def __repr__(self) -> str:
        return f"<AttemptItem {self.attempt_id}#{self.position} question {self.question_id}>"


class WrongBookEntry(Base):
    """A question in (or once in) a person's 错题本.

    It is in the book while ``cleared_at`` is None. A wrong answer puts it back
    and resets ``right_streak``; enough right answers in a row clear it.
    """

    __tablename__ = "wrong_book_entry"
    __table_args__ = (
        UniqueConstraint("person_id", "question_id"),
        CheckConstraint("wrong_count >= 1", name="wrong_count_positive"),
        CheckConstraint("right_streak >= 0", name="right_streak_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(
        ForeignKey("bank_question.id", ondelete="CASCADE"), index=True
    )
    wrong_count: Mapped[int] = mapped_column(default=1)
    right_streak: Mapped[int] = mapped_column(default=0)
    last_wrong_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    cleared_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    question: Mapped[BankQuestion] = relationship()

    def __repr__(self) -> str:
        return f"<WrongBookEntry person {self.person_id} question {self.question_id}>"


# 纠错: at most one open report per person and question. The index lives here,
# beside the other rules of what members may do, so that bank.py stays the
# organizers' module; it is part of the question_report table all the same.
Index(
    "uq_question_report_open_per_person",
    QuestionReport.person_id,
    QuestionReport.question_id,
    unique=True,
    sqlite_where=text("status = 'open'"),
    postgresql_where=text("status = 'open'"),
)
