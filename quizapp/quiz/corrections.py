"""纠错: a member's report that a question of one of their submitted attempts looks wrong."""

from __future__ import annotations

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from quizapp.models import Attempt, AttemptItem, AttemptStatus, QuestionReport
from quizapp.quiz.errors import AttemptNotFound, QuestionNotInAttempt, ReportRefused
from quizapp.sql import insert_for

MAX_REASON = 500


def report_question(session: Session, person_id: int, attempt_id: int, position: int,
                    reason: str) -> int:
    """File a 纠错 report on a question of one of the person's submitted attempts.

    One open report per person and question (a partial unique index). Returns
    the report's id; raises AttemptNotFound, QuestionNotInAttempt, ReportRefused.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ReportRefused("请写明纠错理由")
    if len(reason) > MAX_REASON:
        raise ReportRefused(f"纠错理由不能超过 {MAX_REASON} 字")
    attempt = session.get(Attempt, attempt_id)
    if attempt is None or attempt.person_id != person_id:
        raise AttemptNotFound()
    if attempt.status is not AttemptStatus.SUBMITTED:
        raise ReportRefused("交卷后才能纠错")
    question_id = session.scalar(
        select(AttemptItem.question_id).where(
            and_(AttemptItem.attempt_id == attempt_id, AttemptItem.position == position)
        )
    )
    if question_id is None:
        raise QuestionNotInAttempt()
    report_id = session.execute(
        insert_for(session, QuestionReport)
        .values(question_id=question_id, person_id=person_id, reason=reason)
        .on_conflict_do_nothing()
        .returning(QuestionReport.id)
    ).scalar()
    if report_id is None:
        raise ReportRefused("你对这道题的纠错已提交，正在处理中")
    return report_id
