"""Writing activities: create and edit a draft, publish it (the audience snapshot), cancel a
published one, delete a draft. Services flush and never commit; the caller commits.

Edits after publication are in ``edits.py``, per-member overrides in ``overrides.py``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from quizapp.models import (
    Activity,
    ActivityMember,
    ActivityStatus,
    BlueprintPart,
    Person,
    StudyPassage,
)
from quizapp.models.base import utcnow
from quizapp.models.org import subtree_ids
from quizapp.publish.specs import ActivitySpec, PartSpec, PassageSpec, PublishError
from quizapp.publish.validation import check_spec
from quizapp.results.clock import as_utc
from quizapp.results import rollups

__all__ = ["PublishError", "create_activity", "update_draft", "publish_activity",
           "cancel_activity", "delete_draft", "spec_of"]


def apply_spec(activity: Activity, spec: ActivitySpec) -> None:
    """Copy the spec's values onto the activity, replacing its rows and passages."""
    activity.title = spec.title.strip()
    activity.unit_id = spec.unit_id
    activity.period_start = spec.period_start
    activity.intro = spec.intro.strip()
    activity.practice_opens_at = spec.practice_opens_at
    activity.opens_at = spec.opens_at
    activity.closes_at = spec.closes_at
    activity.time_limit_minutes = spec.time_limit_minutes
    activity.attempts_allowed = spec.attempts_allowed
    activity.answers_shown = spec.answers_shown
    activity.partial_multiple = spec.partial_multiple
    activity.pass_percent = spec.pass_percent
    activity.excellent_percent = spec.excellent_percent


def replace_rows(session: Session, activity: Activity, spec: ActivitySpec) -> None:
    """Replace the blueprint rows and passages (deleted first: positions are unique)."""
    activity.parts.clear()
    activity.passages.clear()
    session.flush()
    activity.parts.extend(
        BlueprintPart(position=i, type=p.type, count=p.count, points_each=p.points_each,
                      speech_id=p.speech_id, concept=p.concept.strip())
        for i, p in enumerate(spec.parts, start=1)
    )
    activity.passages.extend(
        StudyPassage(position=i, speech_id=p.speech_id, first_paragraph=p.first,
                     last_paragraph=p.last, concept=p.concept.strip())
        for i, p in enumerate(spec.passages, start=1)
    )


def create_activity(session: Session, spec: ActivitySpec, *, by: Person | None) -> Activity:
    """Create a draft study or test after checking it (``by``: the organizer, whose scope
    and speeches limit it; None from the command line without ``--by``)."""
    check_spec(session, spec, by)
    activity = Activity(kind=spec.kind, status=ActivityStatus.DRAFT,
                        created_by_id=by.id if by else None)
    apply_spec(activity, spec)
    session.add(activity)
    session.flush()
    replace_rows(session, activity, spec)
    session.flush()
    return activity


def update_draft(session: Session, activity: Activity, spec: ActivitySpec, *,
                 by: Person | None) -> Activity:
    """Change a draft freely (nothing is recorded: nobody has seen it yet)."""
    if activity.status is not ActivityStatus.DRAFT:
        raise PublishError("只有草稿可以这样修改；已发布的请用“修改”，改动会被记录")
    if spec.kind is not activity.kind:
        raise PublishError("不能改变活动的类别")
    check_spec(session, spec, by)
    apply_spec(activity, spec)
    replace_rows(session, activity, spec)
    session.flush()
    return activity


def publish_activity(session: Session, activity: Activity, *, now: datetime | None = None) -> int:
    """Publish a draft: every active person now in the unit's subtree joins the audience, in
    the unit they belong to now. Returns the audience size."""
    if activity.status is not ActivityStatus.DRAFT:
        raise PublishError(f"该活动{activity.status.label}，不能再次发布")
    now = now or utcnow()
    units = subtree_ids(session, activity.unit_id)
    people = session.execute(
        select(Person.id, Person.unit_id).where(Person.unit_id.in_(units), Person.active.is_(True))
        .order_by(Person.id)
    ).all()
    if not people:
        raise PublishError(f"{activity.unit.name}及其下级组织没有在册党员，无法发布")
    session.add_all(
        ActivityMember(activity_id=activity.id, person_id=person_id, unit_id=unit_id, added_at=now)
        for person_id, unit_id in people
    )
    activity.status = ActivityStatus.PUBLISHED
    activity.published_at = now
    session.flush()
    rollups.published(session, activity)  # its reports read the roll-up from the start
    return len(people)


def cancel_activity(session: Session, activity: Activity) -> None:
    """Withdraw a published activity (撤销): members can no longer start it; attempts stay."""
    if activity.status is not ActivityStatus.PUBLISHED:
        raise PublishError("只有已发布的活动可以撤销")
    activity.status = ActivityStatus.CANCELLED
    session.flush()


def delete_draft(session: Session, activity: Activity) -> None:
    """Delete a draft (published activities are cancelled instead, never deleted)."""
    if activity.status is not ActivityStatus.DRAFT:
        raise PublishError("只能删除草稿；已发布的活动请撤销")
    session.delete(activity)
    session.flush()


def spec_of(activity: Activity) -> ActivitySpec:
    """The activity as a spec (to fill the edit form, and to compare an edit with)."""
    return ActivitySpec(
        kind=activity.kind, title=activity.title, unit_id=activity.unit_id,
        period_start=activity.period_start, opens_at=as_utc(activity.opens_at),
        closes_at=as_utc(activity.closes_at), practice_opens_at=as_utc(activity.practice_opens_at),
        intro=activity.intro,
        time_limit_minutes=activity.time_limit_minutes, attempts_allowed=activity.attempts_allowed,
        answers_shown=activity.answers_shown, partial_multiple=activity.partial_multiple,
        pass_percent=activity.pass_percent, excellent_percent=activity.excellent_percent,
        parts=[PartSpec(p.type, p.count, p.points_each, p.speech_id, p.concept) for p in activity.parts],
        passages=[PassageSpec(p.speech_id, p.first_paragraph, p.last_paragraph, p.concept)
                  for p in activity.passages],
    )
