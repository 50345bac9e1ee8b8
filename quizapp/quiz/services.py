"""Writes of members answering: save answers, submit, 错题本 (starting: ``starting``; 纠错:
``corrections``).

This module is the only place that grades (``grade``). Services flush and
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

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, bindparam, case, or_, select, update
from sqlalchemy.orm import Session, joinedload

from quizapp.models import (
    Activity,
    AnswerPolicy,
    Attempt,
    AttemptItem,
    AttemptKind,
    AttemptStatus,
    BankQuestion,
    QuestionType,
    WrongBookEntry,
)
from quizapp.models.base import utcnow
from quizapp.points.services import award_for_activity
from quizapp.reports.rollups import record_graded
from quizapp.quiz.errors import (
    AttemptClosed,
    AttemptNotFound,
    QuestionNotInAttempt,
    StaleSave,
)
from quizapp.quiz.responses import blank_count, from_form, to_stored
from quizapp.sql import insert_for
from quizapp.quiz.timefmt import as_utc

# --- saving ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Saved:
    position: int
    seq: int


def _take_open_attempt(session: Session, person_id: int, attempt_id: int, now: datetime,
                       position: int | None = None, check_deadline: bool = True) -> None:
    """Lock the attempt's row while it is open (and, for saves, before its deadline)."""
    values: dict[str, Any] = {"updated_at": now}
    if position is not None:
        values["current_position"] = position
    conditions = [Attempt.id == attempt_id, Attempt.person_id == person_id,
                  Attempt.status == AttemptStatus.OPEN]
    if check_deadline:
        conditions.append(or_(Attempt.deadline_at.is_(None), Attempt.deadline_at > now))
    taken = session.execute(
        update(Attempt).where(*conditions).values(**values).execution_options(
            synchronize_session=False
        )
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


# The autosave's statements, built once: building them per call cost about 0.2 ms of a
# save's 4 ms of CPU (the hottest write path; see bench/README.md, load/).
_ITEM_TO_SAVE = (
    select(AttemptItem.id, AttemptItem.position, AttemptItem.option_order,
           BankQuestion.type, BankQuestion.stem, BankQuestion.answer)
    .join(BankQuestion, AttemptItem.question_id == BankQuestion.id)
    .join(Attempt, AttemptItem.attempt_id == Attempt.id)
    .where(AttemptItem.attempt_id == bindparam("attempt_id"),
           Attempt.person_id == bindparam("person_id"))
)
_ITEM_BY_QUESTION = _ITEM_TO_SAVE.where(AttemptItem.question_id == bindparam("key"))
_ITEM_BY_POSITION = _ITEM_TO_SAVE.where(AttemptItem.position == bindparam("key"))
_STORE_ANSWER = (
    update(AttemptItem).where(AttemptItem.id == bindparam("item_id"))
    # none_as_null: an emptied answer is SQL NULL, as a literal None would be.
    .values(response=bindparam("response", type_=JSON(none_as_null=True)),
            answered_at=bindparam("answered_at"))
    .returning(AttemptItem.saved_seq)
    .execution_options(synchronize_session=False)
)
_STORE_IF_NEWER = _STORE_ANSWER.where(AttemptItem.saved_seq < bindparam("seq")).values(
    saved_seq=bindparam("seq"))
_STORE_NEXT = _STORE_ANSWER.values(saved_seq=AttemptItem.saved_seq + 1)


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
    found = session.execute(
        _ITEM_BY_QUESTION if question_id is not None else _ITEM_BY_POSITION,
        {"attempt_id": attempt_id, "person_id": person_id,
         "key": question_id if question_id is not None else position},
    ).one_or_none()
    if found is None:
        owner = session.scalar(select(Attempt.person_id).where(Attempt.id == attempt_id))
        raise QuestionNotInAttempt() if owner == person_id else AttemptNotFound()
    item_id, item_position, option_order, qtype, stem, answer = found
    blanks = blank_count(stem, len(answer) if isinstance(answer, list) else 0)
    if form_values is not None:
        shown = from_form(qtype, form_values)
    stored = to_stored(qtype, option_order, blanks, shown)

    _take_open_attempt(session, person_id, attempt_id, now, position=item_position)
    values = {"item_id": item_id, "response": stored,
              "answered_at": now if stored is not None else None}
    if seq is None:
        saved_seq = session.execute(_STORE_NEXT, values).scalar()
    else:
        saved_seq = session.execute(_STORE_IF_NEWER, {**values, "seq": seq}).scalar()
    if saved_seq is None:
        raise StaleSave(session.scalar(select(AttemptItem.saved_seq).where(AttemptItem.id == item_id)) or 0)
    return Saved(item_position, saved_seq)


# --- grading (the only place) ---------------------------------------------------------------

# After NFKC: Chinese punctuation with an ASCII twin, and quotes and 书名号 that a blank may
# or may not repeat.
_PUNCTUATION = str.maketrans({"。": ".", "、": ",", "·": ".", "－": "-", "—": "-"})
_IGNORED = set("\"'“”‘’《》〈〉「」『』")
_EDGE_PUNCTUATION = ".,;:!?"


def normalize_fill(text: str) -> str:
    """A fill answer reduced for comparison: NFKC (full-width letters, digits and
    punctuation to half-width), case folded, no whitespace, no quotes or 书名号,
    and no punctuation at either end."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(_PUNCTUATION)
    text = "".join(ch for ch in text if not ch.isspace() and ch not in _IGNORED)
    return text.strip(_EDGE_PUNCTUATION)


@dataclass(frozen=True)
class Grade:
    correct: bool
    points: int


def grade(qtype: QuestionType, answer: Any, accepted_variants: list[Any], response: Any,
          max_points: int = 1, partial_multiple: bool = False) -> Grade:
    """Grade one stored response against the key.

    Single: the one right option. Multiple: all and only the right options
    (all-or-nothing); with ``partial_multiple`` a choice of right options only
    earns its share. Judge: the right bool. Fill: every blank equal to the
    answer, or to one accepted variant, after ``normalize_fill``.
    """
    if response is None:
        return Grade(False, 0)
    if qtype is QuestionType.JUDGE:
        return _all_or_nothing(isinstance(response, bool) and response is bool(answer), max_points)
    if qtype is QuestionType.FILL:
        keys = [answer, *accepted_variants]
        given = [normalize_fill(value) for value in response]
        right = any(
            len(key) == len(given) and all(normalize_fill(k) == g for k, g in zip(key, given))
            for key in ([k] if isinstance(k, str) else k for k in keys)
        )
        return _all_or_nothing(right, max_points)
    chosen, expected = set(response), set(answer)
    if chosen == expected:
        return Grade(True, max_points)
    if qtype is QuestionType.MULTIPLE and partial_multiple and chosen < expected:
        return Grade(False, max_points * len(chosen) // len(expected))
    return Grade(False, 0)


def _all_or_nothing(right: bool, max_points: int) -> Grade:
    return Grade(right, max_points if right else 0)


# --- submitting -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Submitted:
    attempt: Attempt
    graded_now: bool  # False when it had already been submitted


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
    try:
        _take_open_attempt(session, person_id, attempt_id, now, check_deadline=False)
    except AttemptClosed:
        attempt = session.get_one(Attempt, attempt_id)
        if attempt.status is AttemptStatus.SUBMITTED:
            return Submitted(attempt, graded_now=False)
        raise
    attempt = session.get_one(Attempt, attempt_id, populate_existing=True)
    activity = session.get(Activity, attempt.activity_id) if attempt.activity_id else None
    if activity is not None:
        partial_multiple = activity.partial_multiple
    items = list(session.scalars(
        select(AttemptItem).options(joinedload(AttemptItem.question))
        .where(AttemptItem.attempt_id == attempt_id).execution_options(populate_existing=True)
    ))
    score = correct = 0
    for item in items:
        question = item.question
        result = grade(question.type, question.answer, question.accepted_variants,
                       item.response, item.max_points, partial_multiple)
        item.correct, item.points = result.correct, result.points
        score += result.points
        correct += result.correct
    deadline = as_utc(attempt.deadline_at)
    attempt.status = AttemptStatus.SUBMITTED
    attempt.submitted_at = min(now, deadline) if deadline else now
    attempt.score, attempt.max_score = score, sum(item.max_points for item in items)
    attempt.correct_count = correct
    session.flush()
    record_graded(session, attempt)
    scored = activity is not None and attempt.attempt_no is not None
    if not scored or activity.answers_shown is AnswerPolicy.AFTER_SUBMIT:  # type: ignore[union-attr]
        _update_wrong_book(session, person_id, items, now, clear_after)
    if scored:
        award_for_activity(session, person_id, activity.id, now=now)  # type: ignore[union-attr]
    return Submitted(attempt, graded_now=True)


def file_wrong_answers(session: Session, attempt: Attempt, now: datetime,
                       clear_after: int = 2) -> None:
    """Put a submitted attempt's answers in the 错题本 later (answers shown after the close)."""
    items = list(session.scalars(select(AttemptItem).where(AttemptItem.attempt_id == attempt.id)))
    _update_wrong_book(session, attempt.person_id, items, now, clear_after)


def _update_wrong_book(session: Session, person_id: int, items: list[AttemptItem],
                       now: datetime, clear_after: int) -> None:
    """Wrong answers enter (or re-enter) the book; right ones count towards leaving it.

    An unanswered question is left as it is: the member never tried it.
    """
    wrong = sorted({i.question_id for i in items if i.response is not None and not i.correct})
    right = sorted({i.question_id for i in items if i.response is not None and i.correct})
    if wrong:
        insert = insert_for(session, WrongBookEntry).values(
            [{"person_id": person_id, "question_id": qid, "wrong_count": 1, "right_streak": 0,
              "last_wrong_at": now, "cleared_at": None} for qid in wrong]
        )
        session.execute(insert.on_conflict_do_update(
            index_elements=["person_id", "question_id"],
            set_={"wrong_count": WrongBookEntry.wrong_count + 1, "right_streak": 0,
                  "last_wrong_at": now, "cleared_at": None},
        ))
    if right:
        session.execute(
            update(WrongBookEntry)
            .where(WrongBookEntry.person_id == person_id,
                   WrongBookEntry.question_id.in_(right),
                   WrongBookEntry.cleared_at.is_(None))
            .values(right_streak=WrongBookEntry.right_streak + 1,
                    cleared_at=case((WrongBookEntry.right_streak + 1 >= clear_after, now),
                                    else_=None))
            .execution_options(synchronize_session=False)
        )


def abandon_practice(session: Session, person_id: int, attempt_id: int,
                     now: datetime | None = None) -> None:
    """Give up an open practice: it is never graded. Raises AttemptNotFound, AttemptClosed."""
    now = now or utcnow()
    _take_open_attempt(session, person_id, attempt_id, now, check_deadline=False)
    attempt = session.get_one(Attempt, attempt_id, populate_existing=True)
    if attempt.kind is not AttemptKind.PRACTICE:
        raise AttemptClosed("只有自测练习可以放弃")
    attempt.status = AttemptStatus.ABANDONED
    session.flush()
