"""Right or wrong, the key and the 解析 right after a practice answer (核对答案).

Only a practice shows it (an attempt with no sitting number): a scored sitting never
does, and a question whose key is withheld from the member now (``secrecy``: in the pool
of a live activity) shows only that its answer is saved.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from quizapp.models import Attempt, AttemptItem, BankQuestion
from quizapp.models.base import utcnow
from quizapp.quiz import secrecy
from quizapp.results.grading import grade
from quizapp.quiz.pages import _answer_text


@dataclass(frozen=True)
class Feedback:
    position: int
    correct: bool
    my_answer: str
    right_answer: str
    explanation: str
    speech_id: int
    question_id: int
    withheld: bool = False


def is_practice(attempt: Attempt) -> bool:
    """A practice (self-chosen, 错题 or an activity's practice set), never a scored sitting."""
    return attempt.attempt_no is None


def practice_feedback(session: Session, attempt: Attempt, position: int) -> Feedback | None:
    """How the saved answer at ``position`` of a practice fares; None for a scored sitting or
    an unanswered question."""
    if not is_practice(attempt):
        return None
    item = session.scalar(
        select(AttemptItem).options(joinedload(AttemptItem.question))
        .where(AttemptItem.attempt_id == attempt.id, AttemptItem.position == position))
    if item is None or item.response is None:
        return None
    question: BankQuestion = item.question
    if secrecy.withheld_among(session, attempt.person_id, [question.id], utcnow()):
        return Feedback(position, False, "", "", "", question.speech_id, question.id, withheld=True)
    order = item.option_order
    graded = grade(question.type, question.answer, question.accepted_variants or [], item.response)
    return Feedback(
        position=position,
        correct=graded.correct,
        my_answer=_answer_text(question.type, order, question.options, item.response),
        right_answer=_answer_text(question.type, order, question.options, question.answer),
        explanation=question.explanation,
        speech_id=question.speech_id,
        question_id=question.id,
    )
