"""Reads for the publishing pages: activities in an organizer's scope with their audience and
submission counts, an activity's audience with each member's progress, and its status now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from quizapp.models import (
    DrawnItem,
    Activity,
    ActivityMember,
    ActivityStatus,
    Attempt,
    AttemptStatus,
    Person,
)
from quizapp.results import windows
from quizapp.results.tally import participant_counts


@dataclass(frozen=True)
class Status:
    """An activity's state as organizers name it, with its badge colour."""

    label: str
    badge: str


def status_now(activity: Activity, now: datetime) -> Status:
    """草稿 / 已发布 (not open yet) / 进行中 / 已截止 / 已撤销."""
    if activity.status is ActivityStatus.DRAFT:
        return Status("草稿", "text-bg-secondary")
    if activity.status is ActivityStatus.CANCELLED:
        return Status("已撤销", "text-bg-dark")
    phase = windows.phase(activity, now)
    if phase == "before":
        return Status("已发布", "text-bg-info")
    if phase == "open":
        return Status("进行中", "text-bg-success")
    return Status("已截止", "text-bg-light border")


@dataclass(frozen=True)
class ActivityRow:
    activity: Activity
    status: Status
    audience: int
    submitted: int


def activities_in(session: Session, unit_ids: set[int], now: datetime) -> list[ActivityRow]:
    """Activities published (or drafted) to these units, newest period first, with how many
    members are in the audience and how many of them have taken part (``tally.participant_counts``,
    as the reports count them)."""
    activities = list(session.scalars(
        select(Activity).options(selectinload(Activity.unit))
        .where(Activity.unit_id.in_(unit_ids))
        .order_by(Activity.period_start.desc(), Activity.id.desc())
    ))
    ids = [a.id for a in activities]
    audience = dict(session.execute(
        select(ActivityMember.activity_id, func.count()).where(ActivityMember.activity_id.in_(ids))
        .group_by(ActivityMember.activity_id)
    ).tuples().all())
    submitted = participant_counts(session, ids)
    return [ActivityRow(a, status_now(a, now), audience.get(a.id, 0), submitted.get(a.id, 0))
            for a in activities]


@dataclass(frozen=True)
class MemberRow:
    """One member of the audience and how far they are."""

    member: ActivityMember
    submitted: int
    answering: bool


def audience_of(session: Session, activity_id: int, search: str | None = None) -> list[MemberRow]:
    """The audience by unit then name, optionally only names containing ``search``."""
    statement = (
        select(ActivityMember).join(ActivityMember.person)
        .options(selectinload(ActivityMember.person), selectinload(ActivityMember.unit))
        .where(ActivityMember.activity_id == activity_id)
        .order_by(ActivityMember.unit_id, Person.name, Person.id)
    )
    if search:
        pattern = search.replace("/", "//").replace("%", "/%").replace("_", "/_")
        statement = statement.where(Person.name.contains(pattern, escape="/"))
    members = list(session.scalars(statement))
    counts = {
        (person_id, status): count
        for person_id, status, count in session.execute(
            select(Attempt.person_id, Attempt.status, func.count())
            .where(Attempt.activity_id == activity_id, Attempt.attempt_no.is_not(None))
            .group_by(Attempt.person_id, Attempt.status)
        )
    }
    return [MemberRow(m, counts.get((m.person_id, AttemptStatus.SUBMITTED), 0),
                      counts.get((m.person_id, AttemptStatus.OPEN), 0) > 0) for m in members]


def counts_of(session: Session, activity_id: int) -> tuple[int, int, int]:
    """(audience, participants (``tally.participant_counts``), members answering now) of one
    activity."""
    audience = session.scalar(
        select(func.count()).select_from(ActivityMember).where(ActivityMember.activity_id == activity_id)
    ) or 0
    submitted = participant_counts(session, [activity_id]).get(activity_id, 0)
    answering = session.scalar(
        select(func.count()).select_from(Attempt)
        .where(Attempt.activity_id == activity_id, Attempt.attempt_no.is_not(None),
               Attempt.status == AttemptStatus.OPEN)
    ) or 0
    return audience, submitted, answering


def papers_drawn(session: Session, activity: Activity) -> int:
    """Members whose first paper the close-due job has drawn for the activity as it is now
    (``quiz.predraw``; an edit raises the version, and the job draws again): the publish page's
    progress."""
    return session.scalar(
        select(func.count(DrawnItem.person_id.distinct()))
        .where(DrawnItem.activity_id == activity.id,
               DrawnItem.activity_version == activity.version)) or 0
