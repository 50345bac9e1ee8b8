"""The server's end of scored sittings: submitting what is open at its deadline, and
finalizing an activity once every window of it has closed.

``close_due`` is run by ``flask attempts close-due`` (once, or every N seconds)
and lazily for one member when they open an expired sitting or the activity
page. An attempt is submitted through ``services.submit_attempt``, which takes
the attempt's row first: a member's own submit at the same moment grades it
once, whichever comes first, and the other finds it submitted.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Select, exists, select
from sqlalchemy.orm import Session

from quizapp.models import (
    Activity,
    ActivityMember,
    ActivityStatus,
    AnswerPolicy,
    Attempt,
    AttemptStatus,
)
from quizapp.models.base import utcnow
from quizapp.quiz import services, wrong_book
from quizapp.results.clock import as_utc


def _due(now: datetime, person_id: int | None = None,
         activity_id: int | None = None) -> Select[tuple[int, int]]:
    query = select(Attempt.id, Attempt.person_id).where(
        Attempt.status == AttemptStatus.OPEN, Attempt.attempt_no.is_not(None),
        Attempt.deadline_at <= now,
    ).order_by(Attempt.deadline_at, Attempt.id)
    if person_id is not None:
        query = query.where(Attempt.person_id == person_id)
    if activity_id is not None:
        query = query.where(Attempt.activity_id == activity_id)
    return query


def submit_expired(session: Session, now: datetime, *, person_id: int | None = None,
                   activity_id: int | None = None, clear_after: int = 2,
                   each: Callable[[], None] | None = None) -> int:
    """Submit the open scored sittings past their deadline (of one person or activity, if
    given) with their saved answers, as of the deadline. Returns how many were graded now.

    ``each`` (the job passes the session's commit) runs after every sitting: at the close
    thousands are due, and one transaction for all of them would hold their rows and the
    report roll-up rows they touch until the last is graded, so members submitting or saving
    meanwhile would wait for the whole round (and their requests time out)."""
    graded = 0
    # Lock the due sittings first (skipping one its member is submitting right now): a round
    # then never waits for a sitting while holding the report roll-up rows of earlier ones.
    due = _due(now, person_id, activity_id).with_for_update(skip_locked=True)
    for attempt_id, owner in session.execute(due).all():
        done = services.submit_attempt(session, owner, attempt_id, clear_after=clear_after,
                                       now=now)
        graded += done.graded_now
        if each is not None:
            each()
    return graded


def finalize_closed(session: Session, now: datetime, clear_after: int = 2) -> int:
    """Set ``finalized_at`` on published activities whose close and every make-up window
    have passed and that have no open scored sitting left. Answers shown only after the
    close enter the members' 错题本 now. Returns how many were finalized."""
    makeup_open = exists().where(ActivityMember.activity_id == Activity.id,
                                 ActivityMember.makeup_closes_at > now)
    still_open = exists().where(Attempt.activity_id == Activity.id,
                                Attempt.attempt_no.is_not(None),
                                Attempt.status == AttemptStatus.OPEN)
    closed = list(session.scalars(
        select(Activity).where(Activity.status == ActivityStatus.PUBLISHED,
                               Activity.finalized_at.is_(None), Activity.closes_at <= now,
                               ~makeup_open, ~still_open)
        .order_by(Activity.id)
    ))
    for activity in closed:
        if activity.answers_shown is AnswerPolicy.AFTER_CLOSE:
            for attempt in session.scalars(
                select(Attempt).where(Attempt.activity_id == activity.id,
                                      Attempt.attempt_no.is_not(None),
                                      Attempt.status == AttemptStatus.SUBMITTED)
                .order_by(Attempt.submitted_at, Attempt.id)
            ):
                wrong_book.file_wrong_answers(session, attempt, now, clear_after)
        activity.finalized_at = now
    session.flush()
    return len(closed)


def close_due(session: Session, now: datetime | None = None, clear_after: int = 2,
              each: Callable[[], None] | None = None) -> int:
    """Submit every open scored sitting whose deadline has passed (its saved answers,
    ``submitted_at`` = its deadline) and finalize the activities that have closed.

    Idempotent; flushes, the caller commits (and ``each`` after every sitting, see
    ``submit_expired``). Returns how many sittings it submitted.
    """
    now = now or utcnow()
    graded = submit_expired(session, now, clear_after=clear_after, each=each)
    finalize_closed(session, now, clear_after)
    return graded


def close_if_expired(session: Session, attempt: Attempt, now: datetime | None = None,
                     clear_after: int = 2) -> bool:
    """Submit this one scored sitting if it is open past its deadline; True if it was."""
    now = now or utcnow()
    deadline = as_utc(attempt.deadline_at)
    if (attempt.status is not AttemptStatus.OPEN or attempt.attempt_no is None
            or deadline is None or deadline > now):
        return False
    return services.submit_attempt(session, attempt.person_id, attempt.id,
                                   clear_after=clear_after, now=now).graded_now
