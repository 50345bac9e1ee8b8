"""A published study or test as one member sees it: may they open it, and where they stand.

A member of an activity is a person of its audience (``ActivityMember``). A
person who joined the activity's subtree after it was published joins the
audience, in their current unit, the first time they open it (``member_for``).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, joinedload

from quizapp.models import (
    Activity,
    ActivityMember,
    ActivityStatus,
    Attempt,
    AttemptStatus,
    Person,
)
from quizapp.auth.access import member_unit_ids
from quizapp.results import rollups, windows
from quizapp.results.clock import as_utc


class MemberState(enum.StrEnum):
    """Where a member stands in an activity. OPEN (the window is open, not started yet) and
    IN_PROGRESS (a sitting is open) read the same to the member: 进行中."""

    NOT_YET = "not_yet"
    PRACTICE = "practice"
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CLOSED = "closed"
    MAKEUP = "makeup"

    @property
    def label(self) -> str:
        return {"not_yet": "未开始", "practice": "可练习", "open": "进行中",
                "in_progress": "进行中", "done": "已完成", "closed": "已截止",
                "makeup": "补考中"}[self.value]


def _in_subtree(session: Session, person: Person, activity: Activity) -> bool:
    return activity.unit_id in member_unit_ids(session, person)


def member_for(session: Session, person: Person, activity_id: int,
               now: datetime) -> tuple[Activity, ActivityMember] | None:
    """The published activity and the person's audience row, or None (not theirs to see).

    A person now in the activity's subtree who is not in the audience joins it
    with their current unit (flushed; the view commits).
    """
    found = session.execute(
        select(Activity, ActivityMember)
        .outerjoin(ActivityMember, and_(ActivityMember.activity_id == Activity.id,
                                        ActivityMember.person_id == person.id))
        .where(Activity.id == activity_id)
    ).first()  # one round trip for both (every start and activity page asks)
    if found is None or found[0].status is not ActivityStatus.PUBLISHED:
        return None
    activity, member = found
    if member is None:
        if not person.active or not _in_subtree(session, person, activity):
            return None
        member = ActivityMember(activity_id=activity.id, person_id=person.id,
                                unit_id=person.unit_id, added_at=now)
        session.add(member)
        rollups.members_joined(session, [member])  # flushes
    return activity, member


def scored_attempts(session: Session, person_id: int, activity_id: int) -> list[Attempt]:
    """The member's scored sittings of the activity, first first (no practices)."""
    return list(session.scalars(
        select(Attempt).where(Attempt.activity_id == activity_id,
                              Attempt.person_id == person_id,
                              Attempt.attempt_no.is_not(None))
        .order_by(Attempt.attempt_no)
    ))


def practice_open(activity: Activity, now: datetime) -> bool:
    """The practice set is open from ``practice_opens_at`` until the scored close."""
    opens = as_utc(activity.practice_opens_at)
    return opens is not None and opens <= now < as_utc(activity.closes_at)


def state_of(activity: Activity, member: ActivityMember | None, attempts: list[Attempt],
             now: datetime) -> MemberState:
    """The member's state: an open sitting first, then a submitted one, then the windows."""
    if any(a.status is AttemptStatus.OPEN for a in attempts):
        return MemberState.IN_PROGRESS
    if any(a.status is AttemptStatus.SUBMITTED for a in attempts):
        return MemberState.DONE
    window = windows.window_at(activity, member, now)
    if window is not None:
        main = (as_utc(activity.opens_at), as_utc(activity.closes_at))
        return MemberState.OPEN if window == main else MemberState.MAKEUP
    if now >= windows.final_close(activity, member):
        return MemberState.CLOSED
    if practice_open(activity, now):
        return MemberState.PRACTICE
    return MemberState.NOT_YET


def can_start(activity: Activity, member: ActivityMember | None, attempts: list[Attempt],
              now: datetime) -> bool:
    """A new scored sitting may start now: a window is open, none is open, attempts remain."""
    return (windows.window_at(activity, member, now) is not None
            and not any(a.status is AttemptStatus.OPEN for a in attempts)
            and len(attempts) < activity.attempts_allowed)


@dataclass(frozen=True)
class OpenActivity:
    """One line of 'what is open for me' on the home page."""

    activity: Activity
    state: MemberState
    deadline: datetime  # the member's final close
    open_attempt_id: int | None


def open_for(session: Session, person: Person, now: datetime) -> list[OpenActivity]:
    """Published activities of the person's audience (or now in its subtree) that are not
    past their final close, soonest deadline first."""
    units = member_unit_ids(session, person)
    mine = select(ActivityMember.activity_id).where(ActivityMember.person_id == person.id)
    makeup = mine.where(ActivityMember.makeup_closes_at > now)
    activities = session.scalars(
        select(Activity).options(joinedload(Activity.parts))
        .where(Activity.status == ActivityStatus.PUBLISHED,
               or_(Activity.id.in_(mine), Activity.unit_id.in_(units)),
               or_(Activity.closes_at > now, Activity.id.in_(makeup)))
    ).unique().all()
    if not activities:
        return []
    members = {m.activity_id: m for m in session.scalars(
        select(ActivityMember).where(ActivityMember.person_id == person.id,
                                     ActivityMember.activity_id.in_([a.id for a in activities]))
    )}
    attempts: dict[int, list[Attempt]] = {}
    for attempt in session.scalars(
        select(Attempt).where(Attempt.person_id == person.id, Attempt.attempt_no.is_not(None),
                              Attempt.activity_id.in_([a.id for a in activities]))
        .order_by(Attempt.attempt_no)
    ):
        attempts.setdefault(attempt.activity_id or 0, []).append(attempt)
    lines = []
    for activity in activities:
        member = members.get(activity.id)
        deadline = windows.final_close(activity, member)
        if deadline <= now:
            continue
        mine_attempts = attempts.get(activity.id, [])
        open_id = next((a.id for a in mine_attempts if a.status is AttemptStatus.OPEN), None)
        lines.append(OpenActivity(activity, state_of(activity, member, mine_attempts, now),
                                  deadline, open_id))
    return sorted(lines, key=lambda line: (line.deadline, line.activity.id))
