"""Shared pieces for tests of studies, tests, points and reports: a published activity made
directly as rows (not through the publishing pages), its audience, and a submitted result
with chosen per-question outcomes, so report and points tests control every figure.

Use these where the publishing or answering path is not what the test is about.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from flask import Flask
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import (
    Activity,
    ActivityKind,
    ActivityMember,
    ActivityStatus,
    Attempt,
    AttemptItem,
    AttemptKind,
    AttemptStatus,
    BlueprintPart,
    Person,
    QuestionType,
)
from quizapp.models.org import subtree_ids

UTC = timezone.utc


def at(day: str, hour: int = 9) -> datetime:
    """A UTC time on an ISO day, e.g. at("2026-11-05")."""
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


@dataclass(frozen=True)
class Outcome:
    """One question of a made-up result: right or not, and the points it earned."""

    question_id: int
    correct: bool
    points: int = 0
    max_points: int = 1
    response: object = None


def make_activity(app: Flask, unit_id: int, *, kind: ActivityKind = ActivityKind.TEST,
                  title: str = "2026年第四季度党建知识测试", period_start: date = date(2026, 10, 1),
                  opens_at: datetime | None = None, closes_at: datetime | None = None,
                  parts: Sequence[tuple[QuestionType, int, int]] = ((QuestionType.SINGLE, 1, 10),),
                  audience: bool = True, **columns: object) -> int:
    """A published activity on ``unit_id``; ``parts`` are (type, count, points each).

    With ``audience`` every person now in the unit's subtree joins it, in their unit.
    """
    with app.app_context():
        activity = Activity(
            kind=kind, title=title, unit_id=unit_id, period_start=period_start,
            status=ActivityStatus.PUBLISHED,
            opens_at=opens_at or at("2026-11-01"), closes_at=closes_at or at("2026-11-30", 18),
            published_at=at("2026-10-31"), **columns,
        )
        activity.parts = [BlueprintPart(position=i, type=t, count=c, points_each=p)
                          for i, (t, c, p) in enumerate(parts, start=1)]
        db.session.add(activity)
        db.session.flush()
        if audience:
            units = subtree_ids(db.session, unit_id)
            for person_id, person_unit in db.session.execute(
                select(Person.id, Person.unit_id).where(Person.unit_id.in_(units))
            ):
                db.session.add(ActivityMember(activity_id=activity.id, person_id=person_id,
                                              unit_id=person_unit))
        db.session.commit()
        return activity.id


def add_result(app: Flask, activity_id: int, person_id: int, outcomes: Sequence[Outcome], *,
               submitted_at: datetime | None = None, attempt_no: int = 1,
               status: AttemptStatus = AttemptStatus.SUBMITTED) -> int:
    """A scored attempt of the person with these per-question outcomes (graded as given)."""
    with app.app_context():
        activity = db.session.get_one(Activity, activity_id)
        kind = AttemptKind.STUDY if activity.kind is ActivityKind.STUDY else AttemptKind.TEST
        submitted = status is AttemptStatus.SUBMITTED
        finished = submitted_at or activity.opens_at + timedelta(days=1)
        attempt = Attempt(
            person_id=person_id, kind=kind, activity_id=activity_id, attempt_no=attempt_no,
            status=status, question_count=len(outcomes),
            started_at=finished - timedelta(minutes=20), updated_at=finished,
            submitted_at=finished if submitted else None,
            score=sum(o.points for o in outcomes) if submitted else None,
            max_score=sum(o.max_points for o in outcomes) if submitted else None,
            correct_count=sum(o.correct for o in outcomes) if submitted else None,
        )
        db.session.add(attempt)
        db.session.flush()
        db.session.add_all(
            AttemptItem(attempt_id=attempt.id, position=i, question_id=o.question_id,
                        question_version=1, option_order=[], response=o.response,
                        max_points=o.max_points,
                        correct=o.correct if submitted else None,
                        points=o.points if submitted else None)
            for i, o in enumerate(outcomes, start=1)
        )
        db.session.commit()
        return attempt.id
