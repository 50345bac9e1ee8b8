"""Reminders (一键提醒): a notice on the home page of each member who has not finished.

A member is reminded at most once an hour for the same activity (``REMIND_GAP``): the
conditional UPDATE of ``ActivityMember.reminded_at`` decides who gets a notice, so two
secretaries pressing the button at once still send one notice each.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from quizapp.models import Activity, ActivityMember, ActivityStatus, Notice
from quizapp.results.clock import as_utc, local_time
from quizapp.reports import queries

REMIND_GAP = timedelta(hours=1)


class ReminderError(ValueError):
    """Nobody can be reminded; the message is for the secretary (Chinese)."""


@dataclass
class Reminded:
    """Who got a notice, and who was skipped because they were reminded within the hour."""

    sent: list[str] = field(default_factory=list)
    recent: list[str] = field(default_factory=list)


def _deadline(activity: Activity, member: ActivityMember) -> datetime:
    closes = as_utc(activity.closes_at)
    makeup = as_utc(member.makeup_closes_at)
    assert closes is not None
    return max(closes, makeup) if makeup else closes


def remind(session: Session, activity: Activity, unit_id: int, person_ids: list[int] | None, *,
           by_id: int, now: datetime) -> Reminded:
    """Notify the unfinished members of ``unit_id``'s subtree (all, or those in ``person_ids``)
    whose window has not closed and who were not reminded in the last hour; flushes."""
    if activity.status is not ActivityStatus.PUBLISHED:
        raise ReminderError("该活动未发布，不能提醒")
    statuses = queries.member_statuses(session, unit_id, queries.activity_filter(activity_id=activity.id))
    wanted = {m.person_id: m.name for m in statuses
              if not m.finished and (person_ids is None or m.person_id in person_ids)}
    if not wanted:
        raise ReminderError("所选党员都已完成（或不在本单位名单中），无需提醒" if person_ids
                            else "没有需要提醒的党员")
    members = {m.person_id: m for m in session.scalars(
        select(ActivityMember).where(ActivityMember.activity_id == activity.id,
                                     ActivityMember.person_id.in_(wanted)))}
    still_open = [p for p, m in members.items() if _deadline(activity, m) > now]
    if not still_open:
        raise ReminderError("活动已截止，不能再提醒")
    claimed = set(session.scalars(
        update(ActivityMember)
        .where(ActivityMember.activity_id == activity.id, ActivityMember.person_id.in_(still_open),
               or_(ActivityMember.reminded_at.is_(None),
                   ActivityMember.reminded_at <= now - REMIND_GAP))
        .values(reminded_at=now)
        .returning(ActivityMember.person_id),
        execution_options={"synchronize_session": False},
    ))
    result = Reminded()
    for person_id in sorted(still_open, key=lambda p: wanted[p]):
        if person_id not in claimed:
            result.recent.append(wanted[person_id])
            continue
        deadline = local_time(_deadline(activity, members[person_id]), "%m月%d日 %H:%M")
        deadline = deadline.lstrip("0").replace("月0", "月")
        session.add(Notice(person_id=person_id, activity_id=activity.id, created_by_id=by_id,
                           text=f"请于{deadline}前完成{activity.kind.label}《{activity.title}》"))
        result.sent.append(wanted[person_id])
    for person_id in claimed:
        session.expire(members[person_id])
    session.flush()
    return result
