"""Writes of members answering: save answers, submit (starting: ``starting``; 错题本:
``wrong_book``; 纠错: ``corrections``).

Grading itself is ``grading.grade``, the only grader. Services flush and
never commit; the view commits. Concurrency rules, which hold on SQLite and
PostgreSQL alike:

- Every save first touches the attempt row (``UPDATE … WHERE status = 'open'``)
  and only then the item, and the submit takes the same row first: saves and
  the submit are ordered by that row lock, so a save lands before the grading
  or is refused after it, never in between.
- A save carries the client's sequence number and is applied only when it is
  higher than the stored one (``WHERE saved_seq < :seq``): a stale save that
  arrives late never overwrites a newer answer.
- Submitting grades only if the attempt was still open when its row was
  taken; a second submit finds it submitted and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ColumnElement, Select, Update, bindparam, exists, func, or_, select, text, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from quizapp.models import (
    Activity,
    AnswerPolicy,
    Attempt,
    AttemptItem,
    AttemptKind,
    AttemptStatus,
    BankQuestion,
)
from quizapp.models.base import utcnow
from quizapp.results.awards import award_for_activity
from quizapp.results.rollups import record_graded_best
from quizapp.results.grading import grade
from quizapp.quiz.errors import (
    AttemptClosed,
    AttemptNotFound,
    QuestionNotInAttempt,
    StaleSave,
)
from quizapp.quiz.responses import blank_count, from_form, to_stored
from quizapp.results.clock import as_utc
from quizapp.quiz.wrong_book import update_wrong_book

# --- saving ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Saved:
    position: int
    seq: int


def _taking(position: bool, check_deadline: bool) -> Update:
    statement = (
        update(Attempt.__table__)
        .where(Attempt.id == bindparam("b_attempt_id"), Attempt.person_id == bindparam("b_person_id"),
               Attempt.status == AttemptStatus.OPEN)
        .values(updated_at=bindparam("b_now"))
    )
    if position:
        statement = statement.values(current_position=bindparam("b_position"))
    if check_deadline:
        statement = statement.where(
            or_(Attempt.deadline_at.is_(None), Attempt.deadline_at > bindparam("b_now")))
    return statement


# Built once and run as Core statements (no ORM bulk-update machinery): the autosave runs one
# on every answer. Keyed by (moves the current position, checks the deadline).
_TAKE_ATTEMPT = {(moves, checks): _taking(moves, checks)
                 for moves in (False, True) for checks in (False, True)}


def take_open_attempt(session: Session, person_id: int, attempt_id: int, now: datetime,
                       position: int | None = None, check_deadline: bool = True) -> None:
    """Lock the attempt's row while it is open (and, for saves, before its deadline)."""
    taken = session.connection().execute(
        _TAKE_ATTEMPT[position is not None, check_deadline],
        {"b_attempt_id": attempt_id, "b_person_id": person_id, "b_now": now,
         "b_position": position},
    ).rowcount
    if taken:
        return
    attempt = session.get(Attempt, attempt_id, populate_existing=True)
    if attempt is None or attempt.person_id != person_id:
        raise AttemptNotFound()
    if attempt.status is AttemptStatus.OPEN:
        raise AttemptClosed("答题时间已到，答案未能保存")
    if attempt.status is AttemptStatus.ABANDONED:
        raise AttemptClosed("本次练习已放弃")
    raise AttemptClosed()


# The autosave's statements, built once and run as Core statements on the session's connection
# (building them per call, and the ORM's execution path, cost more CPU than the database's work
# on the hottest write path; see bench/README.md, load/).
_ITEM_TO_SAVE = (
    select(AttemptItem.id, AttemptItem.position, AttemptItem.option_order,
           BankQuestion.type, BankQuestion.stem, BankQuestion.answer_count)
    .join(BankQuestion, AttemptItem.question_id == BankQuestion.id)
    .join(Attempt, AttemptItem.attempt_id == Attempt.id)
    .where(AttemptItem.attempt_id == bindparam("attempt_id"),
           Attempt.person_id == bindparam("person_id"))
)
_ITEM_BY_QUESTION = _ITEM_TO_SAVE.where(AttemptItem.question_id == bindparam("key"))
_ITEM_BY_POSITION = _ITEM_TO_SAVE.where(AttemptItem.position == bindparam("key"))
_STORE_ANSWER = (
    update(AttemptItem.__table__).where(AttemptItem.id == bindparam("item_id"))
    # none_as_null: an emptied answer is SQL NULL, as a literal None would be.
    .values(response=bindparam("response", type_=JSON(none_as_null=True)),
            answered_at=bindparam("answered_at"))
    .returning(AttemptItem.saved_seq)
)
_STORE_IF_NEWER = _STORE_ANSWER.where(AttemptItem.saved_seq < bindparam("seq")).values(
    saved_seq=bindparam("seq"))
_STORE_NEXT = _STORE_ANSWER.values(saved_seq=AttemptItem.saved_seq + 1)


def lock_store_move(*taking: ColumnElement[bool]) -> Select:
    """PostgreSQL: one statement that changes nothing unless it stores the answer, for a save
    in autocommit (which cannot roll back a stale save's touch of the attempt). It locks the
    attempt's row while it is open and before its deadline (``FOR NO KEY UPDATE``, with the extra
    ``taking`` conditions: the quick autosave's live login), stores the answer if ``seq`` is
    newer, and only then moves the attempt's position and ``updated_at``. The lock is taken
    before the item is written (the item's UPDATE waits on ``locked``), so saves and the
    submit stay ordered by the attempt's row. The result is the stored sequence number, NULL
    when nothing was stored."""
    attempt = Attempt.__table__
    locked = (
        select(attempt.c.id)
        .where(attempt.c.id == bindparam("b_attempt_id"), attempt.c.person_id == bindparam("b_person_id"),
               attempt.c.status == AttemptStatus.OPEN,
               or_(attempt.c.deadline_at.is_(None), attempt.c.deadline_at > bindparam("b_now")),
               *taking)
        .with_for_update(key_share=True)  # FOR NO KEY UPDATE: the lock an UPDATE of it takes
        .cte("locked")
    )
    stored = (_STORE_IF_NEWER.where(AttemptItem.attempt_id == bindparam("b_attempt_id"),
                                    exists(select(locked.c.id)))
              .cte("stored"))
    moved = (update(attempt)
             .where(attempt.c.id == bindparam("b_attempt_id"), exists(select(stored.c.saved_seq)))
             .values(updated_at=bindparam("b_now"), current_position=bindparam("b_position"))
             .returning(attempt.c.id)
             .cte("moved"))
    # A data-modifying WITH runs whether read or not, but SQLAlchemy renders only what is read.
    return select(select(stored.c.saved_seq).scalar_subquery(),
                  select(func.count()).select_from(moved).scalar_subquery())


def save_answer(session: Session, person_id: int, attempt_id: int, *, shown: Any = None,
                form_values: list[str] | None = None, question_id: int | None = None,
                position: int | None = None, seq: int | None = None,
                now: datetime | None = None) -> Saved:
    """Save one answer for the item with this question (or at this position).

    The answer is ``shown`` in display form (the JSON autosave) or the plain
    form's ``form_values`` for the question. With ``seq`` the answer is stored
    only if ``seq`` is higher than the stored one, else StaleSave; without it
    (a plain form) it follows whatever is stored. Raises AttemptNotFound,
    QuestionNotInAttempt, AttemptClosed, BadResponse.
    """
    now = now or utcnow()
    connection = session.connection()
    found = connection.execute(
        _ITEM_BY_QUESTION if question_id is not None else _ITEM_BY_POSITION,
        {"attempt_id": attempt_id, "person_id": person_id,
         "key": question_id if question_id is not None else position},
    ).one_or_none()
    if found is None:
        owner = session.scalar(select(Attempt.person_id).where(Attempt.id == attempt_id))
        raise QuestionNotInAttempt() if owner == person_id else AttemptNotFound()
    item_id, item_position, option_order, qtype, stem, answers = found
    blanks = blank_count(stem, answers)
    if form_values is not None:
        shown = from_form(qtype, form_values)
    stored = to_stored(qtype, option_order, blanks, shown)

    values = {"item_id": item_id, "response": stored,
              "answered_at": now if stored is not None else None}
    # Take the attempt, then store the answer. (An autosave that checks out on PostgreSQL has
    # been stored in one statement by ``autosave.quick_save`` before the view gets here.)
    take_open_attempt(session, person_id, attempt_id, now, position=item_position)
    if seq is None:
        saved_seq = connection.execute(_STORE_NEXT, values).scalar()
    else:
        saved_seq = connection.execute(_STORE_IF_NEWER, {**values, "seq": seq}).scalar()
    if saved_seq is None:
        raise StaleSave(session.scalar(select(AttemptItem.saved_seq).where(AttemptItem.id == item_id)) or 0)
    return Saved(item_position, saved_seq)


# --- submitting -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Submitted:
    attempt: Attempt
    graded_now: bool  # False when it had already been submitted


# The submit's statements, built once (as the autosave's above). Taking the row returns the
# attempt, so the lock and the load are one statement.
_TAKE_TO_SUBMIT = (
    update(Attempt)
    .where(Attempt.id == bindparam("attempt_id"), Attempt.person_id == bindparam("member"),
           Attempt.status == AttemptStatus.OPEN)
    .values(updated_at=bindparam("now"))
    .returning(Attempt)
    .execution_options(synchronize_session=False)
)
_ATTEMPT_COLUMNS = [prop.key for prop in Attempt.__mapper__.column_attrs if prop.key != "id"]
# What grading needs of each item, as rows: loading 30 items and their questions as objects
# and flushing them one by one was most of a submit's CPU.
_TO_GRADE = (
    select(AttemptItem.id, AttemptItem.question_id, AttemptItem.response,
           AttemptItem.max_points, BankQuestion.type, BankQuestion.answer,
           BankQuestion.accepted_variants)
    .join(BankQuestion, AttemptItem.question_id == BankQuestion.id)
    .where(AttemptItem.attempt_id == bindparam("attempt_id"))
)
# The grades by item id. PostgreSQL takes them as three arrays in one statement: psycopg spent
# over a millisecond of CPU on an executemany of 30 rows (several times SQLite's).
_STORE_GRADES = (
    update(AttemptItem.__table__)
    .where(AttemptItem.__table__.c.id == bindparam("item_id"))
    .values(correct=bindparam("correct"), points=bindparam("points"))
)
_STORE_GRADES_PG = text(
    "UPDATE attempt_item SET correct = grade.correct, points = grade.points"
    " FROM unnest(CAST(:item_ids AS integer[]), CAST(:corrects AS boolean[]),"
    " CAST(:points AS integer[])) AS grade (id, correct, points)"
    " WHERE attempt_item.id = grade.id"
)


def _store_grades(session: Session, grades: list[dict[str, Any]]) -> None:
    """Write the items' grades ({"item_id", "correct", "points"} rows); items the session
    holds get the values too."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(_STORE_GRADES_PG, {
            "item_ids": [row["item_id"] for row in grades],
            "corrects": [row["correct"] for row in grades],
            "points": [row["points"] for row in grades]})
    else:
        session.execute(_STORE_GRADES, grades)
    for row in grades:
        held = session.identity_map.get(identity_key(AttemptItem, row["item_id"]))
        if held is not None:
            set_committed_value(held, "correct", row["correct"])
            set_committed_value(held, "points", row["points"])


def submit_attempt(session: Session, person_id: int, attempt_id: int, *,
                   clear_after: int = 2, partial_multiple: bool = False,
                   now: datetime | None = None) -> Submitted:
    """Grade and close the attempt, once; a repeated submit returns it unchanged.

    Past its deadline it is still graded with its saved answers, as of the
    deadline. Updates the 错题本 (a question leaves it after ``clear_after``
    right answers in a row). An attempt of an activity is graded with the
    activity's ``partial_multiple``; a scored sitting then earns its points
    (``award_for_activity``), and its wrong answers enter the 错题本 only once
    the answers may be shown (for AFTER_CLOSE, when the close job finalizes
    the activity). Raises AttemptNotFound, AttemptClosed (abandoned).
    """
    now = now or utcnow()
    held = session.identity_map.get(identity_key(Attempt, attempt_id))
    if held is not None:
        # Its columns are read again from the row taken (a deadline may have moved); unlike
        # populate_existing this keeps what it has loaded, such as the activity the view read.
        session.expire(held, _ATTEMPT_COLUMNS)
    attempt = session.scalars(_TAKE_TO_SUBMIT, {"attempt_id": attempt_id, "member": person_id,
                                                "now": now}).one_or_none()
    if attempt is None:  # not open (or not theirs): refused as a save would be, unless submitted
        try:
            take_open_attempt(session, person_id, attempt_id, now, check_deadline=False)
        except AttemptClosed:
            attempt = session.get_one(Attempt, attempt_id)
            if attempt.status is AttemptStatus.SUBMITTED:
                return Submitted(attempt, graded_now=False)
            raise
        attempt = session.get_one(Attempt, attempt_id, populate_existing=True)
    activity = session.get(Activity, attempt.activity_id) if attempt.activity_id else None
    if activity is not None:
        partial_multiple = activity.partial_multiple
    grades: list[dict[str, Any]] = []
    answered: list[tuple[int, bool]] = []  # (question id, right) of the answered questions
    score = correct = max_score = 0
    for item_id, question_id, response, max_points, qtype, answer, variants in session.execute(
        _TO_GRADE, {"attempt_id": attempt_id}
    ):
        result = grade(qtype, answer, variants, response, max_points, partial_multiple)
        grades.append({"item_id": item_id, "correct": result.correct, "points": result.points})
        if response is not None:
            answered.append((question_id, result.correct))
        score += result.points
        correct += result.correct
        max_score += max_points
    deadline = as_utc(attempt.deadline_at)
    attempt.status = AttemptStatus.SUBMITTED
    attempt.submitted_at = min(now, deadline) if deadline else now
    attempt.score, attempt.max_score, attempt.correct_count = score, max_score, correct
    session.flush()
    if grades:
        _store_grades(session, grades)
    unit, best = record_graded_best(session, attempt)
    scored = activity is not None and attempt.attempt_no is not None
    if not scored or activity.answers_shown is AnswerPolicy.AFTER_SUBMIT:  # type: ignore[union-attr]
        update_wrong_book(session, person_id, answered, now, clear_after,
                          except_activity_id=activity.id if scored else None)  # type: ignore[union-attr]
    if scored:
        award_for_activity(session, person_id, activity.id, now=now,  # type: ignore[union-attr]
                           audience_unit=unit, best=best)
    return Submitted(attempt, graded_now=True)


def abandon_practice(session: Session, person_id: int, attempt_id: int,
                     now: datetime | None = None) -> None:
    """Give up an open practice: it is never graded. Raises AttemptNotFound, AttemptClosed."""
    now = now or utcnow()
    take_open_attempt(session, person_id, attempt_id, now, check_deadline=False)
    attempt = session.get_one(Attempt, attempt_id, populate_existing=True)
    if attempt.kind is not AttemptKind.PRACTICE:
        raise AttemptClosed("只有自测练习可以放弃")
    attempt.status = AttemptStatus.ABANDONED
    session.flush()
