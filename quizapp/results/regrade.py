"""Regrading: when an organizer corrects a question's answer key, attempts graded
under the old key are graded again and the change lands in the ledger.

An attempt item remembers the question's version it was graded under
(``AttemptItem.question_version``). ``regrade_question`` finds every submitted
attempt (practice, study or test) with an item of the question at an older
version, grades that item again with ``results.grading.grade`` (the only grader),
brings the item up to the current version and moves the attempt's score by the
difference. For scored attempts whose score changed, ``award_for_members``
appends a REGRADE entry with the points difference; running it again finds no
item at an old version and appends nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from quizapp.models import Activity, Attempt, AttemptItem, AttemptStatus, BankQuestion, PointEntry
from quizapp.models.base import utcnow
from quizapp.results.awards import award_for_members
from quizapp.results.grading import grade
from quizapp.results.rollups import record_regrade

BATCH = 500


@dataclass(frozen=True)
class RegradeSummary:
    """What a regrade did: attempts brought up to the new key, those whose score moved,
    and the ledger entries appended with their net points."""

    attempts: int = 0
    changed: int = 0
    entries: int = 0
    points: int = 0

    def describe(self) -> str:
        """One Chinese sentence for the organizer's flash message."""
        if not self.attempts:
            return "没有需要重新判分的答卷"
        text = f"已重新判分 {self.attempts} 份答卷，其中 {self.changed} 份得分有变化"
        if self.entries:
            text += f"，{self.entries} 名党员的积分随之调整（合计 {self.points:+d} 分）"
        return text


def regrade_question(session: Session, question_id: int,
                     now: datetime | None = None) -> RegradeSummary:
    """Regrade every submitted attempt graded under an older version of the question.

    Reads the affected items in one query and writes items and attempts in
    batches (executemany), then awards the difference per member and activity.
    Flushes; the caller commits.
    """
    now = now or utcnow()
    # The question's row lock orders two regrades of one question: the second reads what the
    # first wrote (an edit's flush already holds it; a 纠错 resolution takes it here).
    question = session.get_one(BankQuestion, question_id, with_for_update=True)
    rows = session.execute(
        select(AttemptItem.id, AttemptItem.attempt_id, AttemptItem.response,
               AttemptItem.max_points, AttemptItem.correct, AttemptItem.points,
               Attempt.score, Attempt.correct_count, Attempt.attempt_no, Attempt.person_id,
               Attempt.activity_id, Activity.partial_multiple)
        .join(Attempt, AttemptItem.attempt_id == Attempt.id)
        .outerjoin(Activity, Attempt.activity_id == Activity.id)
        .where(AttemptItem.question_id == question_id,
               AttemptItem.question_version < question.version,
               Attempt.status == AttemptStatus.SUBMITTED)
        .order_by(AttemptItem.attempt_id)
    ).all()
    if not rows:
        return RegradeSummary()

    item_values, attempt_values, to_award = [], [], set()
    for row in rows:
        scored = row.attempt_no is not None
        result = grade(question.type, question.answer, question.accepted_variants, row.response,
                       row.max_points, bool(row.partial_multiple) if scored else False)
        item_values.append({"item_id": row.id, "correct": result.correct,
                            "points": result.points, "version": question.version})
        point_change = result.points - (row.points or 0)
        right_change = int(result.correct) - int(bool(row.correct))
        if point_change or right_change:
            attempt_values.append({"attempt_id": row.attempt_id,
                                   "score": (row.score or 0) + point_change,
                                   "correct_count": (row.correct_count or 0) + right_change})
        if scored and point_change:
            to_award.add((row.person_id, row.activity_id))

    record_regrade(session, attempt_values)
    _write(session, item_values, attempt_values)
    by_activity: dict[int, list[int]] = {}
    for person_id, activity_id in sorted(to_award):
        by_activity.setdefault(activity_id, []).append(person_id)
    made: list[PointEntry] = []
    for activity_id, person_ids in by_activity.items():
        for start in range(0, len(person_ids), BATCH):
            made.extend(award_for_members(session, activity_id, person_ids[start:start + BATCH],
                                          regrade=True, now=now).values())
    return RegradeSummary(attempts=len(rows), changed=len(attempt_values), entries=len(made),
                          points=sum(entry.points for entry in made))


def _write(session: Session, item_values: list[dict], attempt_values: list[dict]) -> None:
    """Write the regraded items and attempts in batches, then expire any loaded copies."""
    item_update = (update(AttemptItem.__table__)
                   .where(AttemptItem.__table__.c.id == bindparam("item_id"))
                   .values(correct=bindparam("correct"), points=bindparam("points"),
                           question_version=bindparam("version")))
    attempt_update = (update(Attempt.__table__)
                      .where(Attempt.__table__.c.id == bindparam("attempt_id"))
                      .values(score=bindparam("score"),
                              correct_count=bindparam("correct_count")))
    connection = session.connection()
    for statement, values in ((item_update, item_values), (attempt_update, attempt_values)):
        for start in range(0, len(values), BATCH):
            connection.execute(statement, values[start:start + BATCH])
    touched_items = {value["item_id"] for value in item_values}
    touched_attempts = {value["attempt_id"] for value in attempt_values}
    for obj in list(session.identity_map.values()):
        if (isinstance(obj, AttemptItem) and obj.id in touched_items) or (
                isinstance(obj, Attempt) and obj.id in touched_attempts):
            session.expire(obj)
