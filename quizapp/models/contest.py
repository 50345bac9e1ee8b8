"""The live 知识竞赛: a contest, its teams, rounds and questions, who joined, and the durable
record of what happened (answers, 抢答 presses, each team's points per question).

The live state (which question is on, its deadline) is written here on every move of the host
(``Contest.phase``, ``position``, ``deadline``) and mirrored in Redis for the phones' polls
(``quizapp.contest.state``): Redis may lose it, the database never does. An answer is
acknowledged only once its row is committed (one per member and question, a unique
constraint), so a node that dies loses nothing it acknowledged.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quizapp.models.bank import BankQuestion
from quizapp.models.base import Base, enum_column, utcnow
from quizapp.models.org import Person, Unit


class ContestFormat(enum.StrEnum):
    """How a round is played."""

    ALL = "all"  # 全员答题: every member answers on the phone within the countdown
    BUZZ = "buzz"  # 抢答: the first team to press answers aloud, a judge marks it

    @property
    def label(self) -> str:
        return {"all": "全员答题", "buzz": "抢答"}[self.value]


class ContestPhase(enum.StrEnum):
    """Where a contest is: the host moves it lobby → question → reveal → … → ended."""

    LOBBY = "lobby"
    QUESTION = "question"
    REVEAL = "reveal"
    ENDED = "ended"

    @property
    def label(self) -> str:
        return {"lobby": "等待开始", "question": "答题中", "reveal": "公布答案",
                "ended": "已结束"}[self.value]


class TeamMode(enum.StrEnum):
    """How members are put into teams."""

    UNITS = "units"  # one team per unit (支部 or 党小组): a member joins the team of their unit
    FREE = "free"  # named teams: a member picks one on joining

    @property
    def label(self) -> str:
        return {"units": "按支部/党小组", "free": "自由组队"}[self.value]


class Contest(Base):
    """A 知识竞赛 for the members of a unit's subtree (its audience)."""

    __tablename__ = "contest"
    __table_args__ = (
        CheckConstraint("title <> ''", name="title_not_blank"),
        CheckConstraint("position >= 0", name="position_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(100))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"), index=True)
    # What members type on their phones (or what the QR code carries).
    code: Mapped[str] = mapped_column(String(8), unique=True)
    team_mode: Mapped[TeamMode] = mapped_column(enum_column(TeamMode, "contest_team_mode"))
    phase: Mapped[ContestPhase] = mapped_column(
        enum_column(ContestPhase, "contest_phase"), default=ContestPhase.LOBBY)
    # The current question's position (0-based) once started.
    position: Mapped[int] = mapped_column(default=0)
    # The server's end of the current question's countdown (UTC).
    deadline: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    points_posted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    unit: Mapped[Unit] = relationship()
    teams: Mapped[list[ContestTeam]] = relationship(order_by="ContestTeam.position")
    rounds: Mapped[list[ContestRound]] = relationship(order_by="ContestRound.position")
    questions: Mapped[list[ContestQuestion]] = relationship(order_by="ContestQuestion.position")

    def __repr__(self) -> str:
        return f"<Contest {self.id} {self.title!r} {self.phase.value}>"


class ContestTeam(Base):
    """A team: one unit's members (TeamMode.UNITS) or a named free team."""

    __tablename__ = "contest_team"
    __table_args__ = (
        UniqueConstraint("contest_id", "name"),
        CheckConstraint("name <> ''", name="name_not_blank"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"))
    position: Mapped[int] = mapped_column(default=0)


class ContestRound(Base):
    """A round: its format, points per question, countdown, and whether teams stake (风险题)."""

    __tablename__ = "contest_round"
    __table_args__ = (
        UniqueConstraint("contest_id", "position"),
        CheckConstraint("points BETWEEN 1 AND 1000", name="points_range"),
        CheckConstraint("seconds BETWEEN 5 AND 600", name="seconds_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column()
    format: Mapped[ContestFormat] = mapped_column(enum_column(ContestFormat, "contest_format"))
    points: Mapped[int] = mapped_column()
    seconds: Mapped[int] = mapped_column()
    risk: Mapped[bool] = mapped_column(default=False)

    @property
    def title(self) -> str:
        return f"第{self.position + 1}轮 {self.format.label}" + ("（风险题）" if self.risk else "")


class ContestQuestion(Base):
    """A bank question as the contest's question number ``position`` (0-based, contest-wide)."""

    __tablename__ = "contest_question"
    __table_args__ = (UniqueConstraint("contest_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"), index=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("contest_round.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column()
    question_id: Mapped[int] = mapped_column(ForeignKey("bank_question.id", ondelete="RESTRICT"))

    round: Mapped[ContestRound] = relationship()
    question: Mapped[BankQuestion] = relationship()


class ContestEntrant(Base):
    """A member who joined, and their team."""

    __tablename__ = "contest_entrant"
    __table_args__ = (UniqueConstraint("contest_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("contest_team.id", ondelete="CASCADE"), index=True)
    joined_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    person: Mapped[Person] = relationship()
    team: Mapped[ContestTeam] = relationship()


class ContestAnswer(Base):
    """A member's answer to one 全员答题 question, graded when stored; one per member."""

    __tablename__ = "contest_answer"
    __table_args__ = (
        UniqueConstraint("contest_question_id", "person_id"),
        Index("ix_contest_answer_contest_person", "contest_id", "person_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"))
    contest_question_id: Mapped[int] = mapped_column(
        ForeignKey("contest_question.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"))
    team_id: Mapped[int] = mapped_column(ForeignKey("contest_team.id", ondelete="CASCADE"))
    response: Mapped[object] = mapped_column(JSON)
    correct: Mapped[bool] = mapped_column()
    answered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ContestBuzz(Base):
    """The first press of a 抢答 question (one per question) and the judge's mark."""

    __tablename__ = "contest_buzz"

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_question_id: Mapped[int] = mapped_column(
        ForeignKey("contest_question.id", ondelete="CASCADE"), unique=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("contest_team.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"))
    pressed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The judge's mark: None until marked.
    correct: Mapped[bool | None] = mapped_column()


class ContestStake(Base):
    """The points a team stakes on a 风险题, set by the host before the answer is shown."""

    __tablename__ = "contest_stake"
    __table_args__ = (
        UniqueConstraint("contest_question_id", "team_id"),
        CheckConstraint("stake BETWEEN 0 AND 1000", name="stake_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_question_id: Mapped[int] = mapped_column(
        ForeignKey("contest_question.id", ondelete="CASCADE"))
    team_id: Mapped[int] = mapped_column(ForeignKey("contest_team.id", ondelete="CASCADE"))
    stake: Mapped[int] = mapped_column()


class ContestScore(Base):
    """A team's points for one question, written when its answer is shown (the ranking sums
    them). ``share`` is the team's correct share (全员答题) or 1/0 (抢答)."""

    __tablename__ = "contest_score"
    __table_args__ = (UniqueConstraint("contest_question_id", "team_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"), index=True)
    contest_question_id: Mapped[int] = mapped_column(
        ForeignKey("contest_question.id", ondelete="CASCADE"))
    team_id: Mapped[int] = mapped_column(ForeignKey("contest_team.id", ondelete="CASCADE"))
    share: Mapped[float] = mapped_column(Float)
    points: Mapped[float] = mapped_column(Float)


class ContestAward(Base):
    """The ledger entry a contest gave a member (at most one per member and contest)."""

    __tablename__ = "contest_award"
    __table_args__ = (UniqueConstraint("contest_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("point_entry.id", ondelete="RESTRICT"),
                                          unique=True)
