"""Reads for members answering: what they may practise, their attempts, results and 错题本.

Visibility: a member sees the speeches (and their APPROVED questions) of their
own unit and of every unit above it, as ``auth.access.approved_questions_for``
and ``member_unit_ids`` define it; this module reads through them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, case, false, func, select
from sqlalchemy.orm import Session, joinedload

from quizapp.models import (
    ActivityKind,
    Attempt,
    AttemptItem,
    AttemptStatus,
    BankQuestion,
    Person,
    PracticeSource,
    QuestionReport,
    ReportStatus,
    Speech,
    WrongBookEntry,
)
from quizapp.models.base import utcnow
from quizapp.auth.access import approved_questions_for, member_unit_ids
from quizapp.quiz import secrecy
from quizapp.quiz.activities import OpenActivity, open_for

RECENT_RESULTS = 5


def visible_speech(session: Session, person: Person, speech_id: int) -> Speech | None:
    """The speech if it belongs to the person's unit or one above it, else None."""
    speech = session.get(Speech, speech_id)
    if speech is None or speech.unit_id not in member_unit_ids(session, person):
        return None
    return speech


@dataclass(frozen=True)
class SpeechChoice:
    id: int
    title: str
    question_count: int  # the questions the member may practise now
    withheld: int = 0  # approved questions withheld from practice now (``secrecy``)


def practice_speeches(session: Session, person: Person, now: datetime | None = None, *,
                      count_withheld: bool = True) -> list[SpeechChoice]:
    """Visible speeches that have approved questions, newest first, with how many of them the
    member may practise now and how many are withheld (in a live activity's pool). Without
    ``count_withheld`` (a start's choices: its draw leaves withheld questions out, and says so
    if that leaves none) none is counted withheld, which spares the secrecy query."""
    secret = BankQuestion.id.in_(secrecy.WITHHELD) if count_withheld else false()
    approved = approved_questions_for(session, person).order_by(None).with_only_columns(
        BankQuestion.id, BankQuestion.speech_id, secret.label("withheld")).subquery()
    held = func.sum(case((approved.c.withheld, 1), else_=0))
    rows = session.execute(
        select(Speech.id, Speech.title, func.count(approved.c.id), held)
        .join(approved, approved.c.speech_id == Speech.id)
        .group_by(Speech.id, Speech.title, Speech.delivered_on)
        .order_by(Speech.delivered_on.desc(), Speech.id.desc()),
        secrecy.binds(person.id, now or utcnow()) if count_withheld else None,
    )
    return [SpeechChoice(id_, title, count - (hidden or 0), hidden or 0)
            for id_, title, count, hidden in rows]


def owned_attempt(session: Session, person_id: int, attempt_id: int) -> Attempt | None:
    """The attempt if it is the person's own, else None (someone else's looks like a missing one)."""
    attempt = session.get(Attempt, attempt_id, options=[joinedload(Attempt.speech), joinedload(Attempt.activity)])
    if attempt is None or attempt.person_id != person_id:
        return None
    return attempt


def attempt_title(attempt: Attempt) -> str:
    """How an attempt is named in lists: 自测练习 · 《讲话》, 随机练习, 错题练习, 考前练习 · 测试
    (学习练习 · 选学 for a study's practice), or 季度测试 · 活动 for a scored sitting (with its
    number after the first)."""
    if attempt.activity is not None:
        if attempt.attempt_no is None:
            practice = "考前练习" if attempt.activity.kind is ActivityKind.TEST else "学习练习"
            return f"{practice} · {attempt.activity.title}"
        number = f"（第 {attempt.attempt_no} 次）" if attempt.attempt_no > 1 else ""
        return f"{attempt.kind.label} · {attempt.activity.title}{number}"
    if attempt.source is PracticeSource.SPEECH and attempt.speech is not None:
        return f"自测练习 · {attempt.speech.title}"
    if attempt.source is PracticeSource.MISTAKES:
        return "错题练习"
    return "自测练习 · 随机"


@dataclass(frozen=True)
class OpenLine:
    attempt_id: int
    title: str
    answered: int
    total: int
    started_at: datetime
    scored: bool = False  # a sitting of a study or test (never abandoned like a practice)


@dataclass(frozen=True)
class ResultLine:
    attempt_id: int
    title: str
    score: int
    max_score: int
    correct: int
    total: int
    submitted_at: datetime


@dataclass(frozen=True)
class QuizHome:
    """What the member's home shows."""

    open_attempts: list[OpenLine]
    recent: list[ResultLine]
    wrong_book_count: int
    # Monthly studies and quarterly tests open for the member, soonest deadline first.
    open_assignments: list[OpenActivity] = field(default_factory=list)


def _answered_counts(session: Session, attempt_ids: list[int]) -> dict[int, int]:
    if not attempt_ids:
        return {}
    rows = session.execute(
        select(AttemptItem.attempt_id, func.count())
        .where(AttemptItem.attempt_id.in_(attempt_ids), AttemptItem.response.is_not(None))
        .group_by(AttemptItem.attempt_id)
    )
    return dict(rows.tuples().all())


def quiz_home(session: Session, person: Person, recent: int = RECENT_RESULTS,
              now: datetime | None = None) -> QuizHome:
    """Open attempts with their progress, the latest results, the size of the 错题本, and
    the studies and tests open for the person."""
    opened = list(
        session.scalars(
            select(Attempt)
            .options(joinedload(Attempt.speech), joinedload(Attempt.activity))
            .where(Attempt.person_id == person.id, Attempt.status == AttemptStatus.OPEN)
            .order_by(Attempt.started_at.desc())
        )
    )
    answered = _answered_counts(session, [a.id for a in opened])
    done = session.scalars(
        select(Attempt)
        .options(joinedload(Attempt.speech), joinedload(Attempt.activity))
        .where(Attempt.person_id == person.id, Attempt.status == AttemptStatus.SUBMITTED)
        .order_by(Attempt.submitted_at.desc(), Attempt.id.desc())
        .limit(recent)
    )
    return QuizHome(
        open_attempts=[
            OpenLine(a.id, attempt_title(a), answered.get(a.id, 0), a.question_count, a.started_at,
                     a.attempt_no is not None)
            for a in opened
        ],
        recent=[
            ResultLine(a.id, attempt_title(a), a.score or 0, a.max_score or 0,
                       a.correct_count or 0, a.question_count, a.submitted_at or a.started_at)
            for a in done
        ],
        wrong_book_count=wrong_book_size(session, person),
        open_assignments=open_for(session, person, now or utcnow()),
    )


def _wrong_book_query(session: Session, person: Person) -> Select[tuple[BankQuestion]]:
    """Questions in the person's 错题本 that are still approved and visible to them."""
    return approved_questions_for(session, person).order_by(None).join(
        WrongBookEntry,
        (WrongBookEntry.question_id == BankQuestion.id)
        & (WrongBookEntry.person_id == person.id)
        & WrongBookEntry.cleared_at.is_(None),
    )


def wrong_book_question_ids(session: Session, person: Person) -> Select[tuple[int]]:
    """Ids of the questions in the person's 错题本 (a select, for drawing a practice)."""
    return _wrong_book_query(session, person).with_only_columns(BankQuestion.id)


def wrong_book_size(session: Session, person: Person) -> int:
    return session.scalar(
        _wrong_book_query(session, person).with_only_columns(func.count(BankQuestion.id))
    ) or 0


@dataclass(frozen=True)
class WrongEntry:
    question: BankQuestion
    wrong_count: int
    right_streak: int
    last_wrong_at: datetime
    withheld: bool = False  # in a live activity's pool: its key is not shown (``secrecy``)


@dataclass(frozen=True)
class ConceptGroup:
    concept: str
    entries: list[WrongEntry]


@dataclass(frozen=True)
class SpeechGroup:
    speech_id: int
    title: str
    concepts: list[ConceptGroup]


def wrong_book(session: Session, person: Person, now: datetime | None = None) -> list[SpeechGroup]:
    """The 错题本 grouped by speech and then by concept, most recent mistakes first; an entry
    whose key is withheld from the member now (``secrecy``) is marked so."""
    rows = session.execute(
        _wrong_book_query(session, person)
        .add_columns(WrongBookEntry)
        .options(joinedload(BankQuestion.speech))
        .order_by(Speech.delivered_on.desc(), Speech.id, BankQuestion.concept,
                  WrongBookEntry.last_wrong_at.desc())
    ).all()
    withheld = secrecy.withheld_among(session, person.id, [q.id for q, _ in rows], now or utcnow())
    groups: dict[int, SpeechGroup] = {}
    for question, entry in rows:
        group = groups.setdefault(
            question.speech_id, SpeechGroup(question.speech_id, question.speech.title, [])
        )
        concept = question.concept or "其他"
        if not group.concepts or group.concepts[-1].concept != concept:
            group.concepts.append(ConceptGroup(concept, []))
        group.concepts[-1].entries.append(
            WrongEntry(question, entry.wrong_count, entry.right_streak, entry.last_wrong_at,
                       question.id in withheld)
        )
    return list(groups.values())


def open_report_question_ids(session: Session, person_id: int, question_ids: list[int]) -> set[int]:
    """Which of these questions the person has reported and is still waiting on."""
    if not question_ids:
        return set()
    return set(
        session.scalars(
            select(QuestionReport.question_id).where(
                QuestionReport.person_id == person_id,
                QuestionReport.status == ReportStatus.OPEN,
                QuestionReport.question_id.in_(question_ids),
            )
        )
    )
