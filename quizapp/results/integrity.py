"""Attempts answered faster than a person can read: flagged for the organizer (疑似过快作答).

The rule uses what an attempt stores: when it started and was submitted, when each answer was
last saved (``AttemptItem.answered_at``) and how long each answered question's text is (stem plus
options). A reader needs at least ``MIN_SECONDS_PER_QUESTION`` per question and cannot read
faster than ``MAX_CHARS_PER_SECOND`` (fast silent reading of Chinese is about 10 characters a
second; 25 leaves a wide margin, so a flag means something). An attempt is flagged when

* the whole sitting (start to submission) is shorter than the reading time of its answered
  questions, or
* its saves came in a burst: from the first save to the last is shorter than the reading time of
  every answered question after the first (answers prepared elsewhere and fired off together).

Attempts with fewer than ``MIN_ANSWERED`` answers are never flagged. A flag is a hint for a
person to look at, never a penalty.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from quizapp.models import (
    Attempt, AttemptItem, AttemptStatus, BankQuestion, Person, QuestionType, Unit,
)

MIN_SECONDS_PER_QUESTION = 1.5
MAX_CHARS_PER_SECOND = 25
MIN_ANSWERED = 3


@dataclass(frozen=True)
class TimedAnswer:
    """One answered question: when its answer was last saved and how long its text is."""

    answered_at: datetime
    chars: int


@dataclass(frozen=True)
class Speed:
    """The verdict on one attempt; ``seconds`` taken against the ``needed`` reading time, for
    whichever of the two checks came out tighter."""

    flagged: bool
    answered: int
    seconds: float
    needed: float


@dataclass(frozen=True)
class FastAttempt:
    """A flagged attempt, for the organizer's list."""

    attempt_id: int
    person_id: int
    name: str
    unit_name: str
    attempt_no: int | None
    speed: Speed


def question_chars(qtype: QuestionType, stem: str, options: Sequence[str]) -> int:
    """The characters a member reads for a question: the stem, plus the options of a choice."""
    length = len("".join(stem.split()))
    if qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        length += sum(len("".join(option.split())) for option in options)
    return length


def reading_seconds(chars: Sequence[int]) -> float:
    """The least time in which a person can read questions of these lengths."""
    return max(MIN_SECONDS_PER_QUESTION * len(chars), sum(chars) / MAX_CHARS_PER_SECOND)


def judge(started_at: datetime, submitted_at: datetime, answers: Sequence[TimedAnswer]) -> Speed:
    """Whether an attempt was answered faster than its questions can be read (see the module)."""
    ordered = sorted(answers, key=lambda answer: answer.answered_at)
    whole = (submitted_at - started_at).total_seconds()
    whole_needed = reading_seconds([answer.chars for answer in ordered])
    if len(ordered) < MIN_ANSWERED:
        return Speed(False, len(ordered), whole, whole_needed)
    burst = (ordered[-1].answered_at - ordered[0].answered_at).total_seconds()
    burst_needed = reading_seconds([answer.chars for answer in ordered[1:]])
    checks = [(whole, whole_needed), (burst, burst_needed)]
    seconds, needed = min(checks, key=lambda check: check[0] / check[1])
    return Speed(seconds < needed, len(ordered), max(seconds, 0.0), needed)


def fast_attempts(session: Session, activity_id: int) -> list[FastAttempt]:
    """The submitted scored attempts of an activity that are flagged, the most blatant first.

    One grouped query gives each attempt's answer count and first/last save; only attempts
    that could break the rule even with the activity's longest question are read in full.
    """
    submitted = (Attempt.activity_id == activity_id, Attempt.status == AttemptStatus.SUBMITTED,
                 AttemptItem.answered_at.is_not(None))
    chars = {
        qid: question_chars(qtype, stem, options)
        for qid, qtype, stem, options in session.execute(
            select(BankQuestion.id, BankQuestion.type, BankQuestion.stem, BankQuestion.options)
            .where(BankQuestion.id.in_(
                select(AttemptItem.question_id).join(Attempt).where(*submitted).distinct()))
        )
    }
    if not chars:
        return []
    longest = max(chars.values())
    candidates = []
    for attempt_id, started, finished, count, first, last in session.execute(
        select(Attempt.id, Attempt.started_at, Attempt.submitted_at,
               func.count(AttemptItem.id), func.min(AttemptItem.answered_at),
               func.max(AttemptItem.answered_at))
        .join(AttemptItem, AttemptItem.attempt_id == Attempt.id).where(*submitted)
        .group_by(Attempt.id, Attempt.started_at, Attempt.submitted_at)
        .having(func.count(AttemptItem.id) >= MIN_ANSWERED)
    ):
        at_most = reading_seconds([longest] * count)
        if (finished - started).total_seconds() < at_most or (last - first).total_seconds() < at_most:
            candidates.append(attempt_id)
    return _judge_in_full(session, candidates, chars)


def _judge_in_full(session: Session, attempt_ids: list[int], chars: dict[int, int]
                   ) -> list[FastAttempt]:
    if not attempt_ids:
        return []
    answers: dict[int, list[TimedAnswer]] = {attempt_id: [] for attempt_id in attempt_ids}
    for attempt_id, question_id, answered_at in session.execute(
        select(AttemptItem.attempt_id, AttemptItem.question_id, AttemptItem.answered_at)
        .where(AttemptItem.attempt_id.in_(attempt_ids), AttemptItem.answered_at.is_not(None))
    ):
        answers[attempt_id].append(TimedAnswer(answered_at, chars.get(question_id, 0)))
    flagged = []
    for attempt, name, unit_name in session.execute(
        select(Attempt, Person.name, Unit.name).join(Person, Person.id == Attempt.person_id)
        .join(Unit, Unit.id == Person.unit_id).where(Attempt.id.in_(attempt_ids))
    ).tuples():
        speed = judge(attempt.started_at, attempt.submitted_at, answers[attempt.id])
        if speed.flagged:
            flagged.append(FastAttempt(attempt.id, attempt.person_id, name, unit_name,
                                       attempt.attempt_no, speed))
    return sorted(flagged, key=lambda item: (item.speed.seconds / item.speed.needed, item.attempt_id))
