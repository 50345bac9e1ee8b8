"""When a member may answer a published activity, and when their attempt ends.

The scored window is the activity's ``opens_at``–``closes_at``; a member with a
make-up window (补考, for someone away: 出差、病假) may also start inside it. An
attempt ends at its time limit (plus the member's extra minutes) or at the
close of the window it was started in, whichever comes first. Publishing edits
and overrides call ``refresh_deadlines`` so open attempts follow the new times.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session

from quizapp.models import Activity, ActivityMember, Attempt, AttemptStatus
from quizapp.results.clock import as_utc


def windows(activity: Activity, member: ActivityMember | None) -> list[tuple[datetime, datetime]]:
    """The scored windows open to the member: the activity's, then their make-up window."""
    spans = [(as_utc(activity.opens_at), as_utc(activity.closes_at))]
    if member is not None and member.makeup_opens_at is not None:
        spans.append((as_utc(member.makeup_opens_at), as_utc(member.makeup_closes_at)))
    return spans


def window_at(activity: Activity, member: ActivityMember | None,
              now: datetime) -> tuple[datetime, datetime] | None:
    """The window the member may start an attempt in now, or None."""
    for opens, closes in windows(activity, member):
        if opens <= now < closes:
            return opens, closes
    return None


def final_close(activity: Activity, member: ActivityMember | None) -> datetime:
    """The last moment the member may answer at all."""
    return max(closes for _, closes in windows(activity, member))


def attempt_deadline(activity: Activity, member: ActivityMember | None,
                     started_at: datetime) -> datetime:
    """When an attempt started at ``started_at`` ends (time limit + extra, or the close)."""
    started_at = as_utc(started_at)
    window = window_at(activity, member, started_at)
    closes = window[1] if window else final_close(activity, member)
    if activity.time_limit_minutes is None:
        return closes
    extra = member.extra_minutes if member is not None else 0
    return min(closes, started_at + timedelta(minutes=activity.time_limit_minutes + extra))


def refresh_deadlines(session: Session, activity_id: int, person_id: int | None = None) -> int:
    """Recompute the deadline of open scored attempts of the activity (of one person, if
    given) after its times or a member's override changed. Returns how many changed."""
    activity = session.get_one(Activity, activity_id)
    query = select(Attempt).where(Attempt.activity_id == activity_id,
                                  Attempt.attempt_no.is_not(None),
                                  Attempt.status == AttemptStatus.OPEN)
    if person_id is not None:
        query = query.where(Attempt.person_id == person_id)
    changed = 0
    for attempt in session.scalars(query):
        member = session.get(ActivityMember, (activity_id, attempt.person_id))
        deadline = attempt_deadline(activity, member, attempt.started_at)
        if attempt.deadline_at is None or as_utc(attempt.deadline_at) != deadline:
            attempt.deadline_at = deadline
            changed += 1
    session.flush()
    return changed


def phase(activity: Activity, now: datetime) -> str:
    """Where the activity's own scored window stands: "before", "open" or "closed"
    (make-up windows aside: see ``closed_for_all``)."""
    if now < as_utc(activity.opens_at):
        return "before"
    return "open" if now < as_utc(activity.closes_at) else "closed"


def open_sql(now: datetime) -> Any:
    """``phase(...) == "open"`` as a condition on ``Activity``."""
    return and_(Activity.opens_at <= now, Activity.closes_at > now)


def closed_for_all(session: Session, activity_ids: Iterable[int], now: datetime) -> set[int]:
    """The activities whose scored window and every make-up window have closed: from then on a
    member without a result has missed it (one query). Before that, only results count in a
    participation rate, and the activity is shown apart as 进行中."""
    ids = list(activity_ids)
    if not ids:
        return set()
    makeup_open = exists().where(ActivityMember.activity_id == Activity.id,
                                 ActivityMember.makeup_closes_at > now)
    return set(session.scalars(select(Activity.id).where(
        Activity.id.in_(ids), Activity.closes_at <= now, ~makeup_open)))
