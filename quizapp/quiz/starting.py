"""Starting a practice: the questions and each one's option order are drawn and stored at once.

Starting is idempotent: the start form's key is unique per person, and at most one practice per
person is open (a partial unique index). The insert is ``ON CONFLICT DO NOTHING``, so of two
racing starts (a double tap) one inserts and the other finds its attempt.
"""

from __future__ import annotations

import random

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from quizapp.models import (
    Attempt,
    AttemptItem,
    AttemptKind,
    AttemptStatus,
    BankQuestion,
    Person,
    PracticeSource,
    QuestionType,
)
from quizapp.quiz import queries
from quizapp.quiz.errors import NoQuestions, OpenPracticeExists, QuizError
from quizapp.sql import insert_for

PRACTICE_SIZES = (5, 10, 20)


def _draw(session: Session, person: Person, source: PracticeSource, speech_id: int | None,
          count: int) -> list[BankQuestion]:
    if source is PracticeSource.MISTAKES:
        ids = queries.wrong_book_question_ids(session, person)
    else:
        ids = queries.approved_questions_for(session, person, speech_id).with_only_columns(
            BankQuestion.id
        )
    chosen = ids.order_by(None).order_by(func.random()).limit(count).scalar_subquery()
    return list(session.scalars(select(BankQuestion).where(BankQuestion.id.in_(chosen))))


def _open_practice_id(session: Session, person_id: int) -> int | None:
    return session.scalar(
        select(Attempt.id).where(
            Attempt.person_id == person_id,
            Attempt.kind == AttemptKind.PRACTICE,
            Attempt.status == AttemptStatus.OPEN,
        )
    )


def _attempt_by_key(session: Session, person_id: int, client_key: str | None) -> Attempt | None:
    if not client_key:
        return None
    return session.scalar(
        select(Attempt).where(Attempt.person_id == person_id, Attempt.client_key == client_key)
    )


def start_practice(
    session: Session,
    person: Person,
    source: PracticeSource,
    count: int,
    *,
    speech_id: int | None = None,
    client_key: str | None = None,
    rng: random.Random | None = None,
) -> Attempt:
    """Start a practice of ``count`` questions, or return the attempt this key already started.

    The questions and each one's option order are drawn and stored now.
    Raises NoQuestions, OpenPracticeExists, or QuizError for a speech the
    person may not see.
    """
    if count not in PRACTICE_SIZES:
        raise QuizError("题量只能是 5、10 或 20 题")
    if (source is PracticeSource.SPEECH) != (speech_id is not None):
        raise QuizError("请选择一篇讲话")
    existing = _attempt_by_key(session, person.id, client_key)
    if existing is not None:
        return existing
    open_id = _open_practice_id(session, person.id)
    if open_id is not None:
        raise OpenPracticeExists(open_id)
    if speech_id is not None and queries.visible_speech(session, person, speech_id) is None:
        raise QuizError("找不到这篇讲话")
    questions = _draw(session, person, source, speech_id, count)
    if not questions:
        raise NoQuestions()
    rng = rng or random.SystemRandom()
    rng.shuffle(questions)

    attempt_id = session.execute(
        insert_for(session, Attempt)
        .values(person_id=person.id, kind=AttemptKind.PRACTICE, source=source,
                speech_id=speech_id, client_key=client_key or None,
                question_count=len(questions))
        .on_conflict_do_nothing()
        .returning(Attempt.id)
    ).scalar()
    if attempt_id is None:  # a concurrent start with this key, or another practice, won
        existing = _attempt_by_key(session, person.id, client_key)
        if existing is not None:
            return existing
        raise OpenPracticeExists(_open_practice_id(session, person.id) or 0)
    session.add_all(
        AttemptItem(
            attempt_id=attempt_id,
            position=position,
            question_id=question.id,
            question_version=question.version,
            option_order=_shuffled_options(question, rng),
        )
        for position, question in enumerate(questions, start=1)
    )
    session.flush()
    return session.get_one(Attempt, attempt_id)


def _shuffled_options(question: BankQuestion, rng: random.Random) -> list[int]:
    if question.type not in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        return []
    order = list(range(len(question.options)))
    rng.shuffle(order)
    return order
