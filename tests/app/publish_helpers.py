"""Shared pieces for the publishing tests: the quiz organization plus organizers, an admin,
an inactive member, and a bank with enough approved questions for small blueprints.

Test modules import the fixtures they use (pytest finds fixtures imported into a module).
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

import pytest
from flask import Flask

from quiz_helpers import add_question, add_speech, quiz_org  # noqa: F401 - fixture re-exported
from quizapp.extensions import db
from quizapp.models import (
    Activity,
    ActivityKind,
    Attempt,
    AttemptKind,
    AttemptStatus,
    QuestionStatus,
    QuestionType,
    Role,
)
from quizapp.publish.specs import ActivitySpec, PartSpec, PassageSpec

UTC = timezone.utc
ORGANIZER = "13900000001"
OTHER_ORGANIZER = "13900000002"
ADMIN = "13900000003"


def utc(text: str) -> datetime:
    """An aware UTC time from "2026-11-20 01:00"."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def org(quiz_org: dict[str, Any], make_person: Any) -> dict[str, Any]:
    """quiz_org plus: an organizer of the first 总支, one of the second, an admin at the first,
    a member directly in the branch and an inactive one in the group."""
    units = quiz_org["units"]
    people = dict(quiz_org["people"])
    people["organizer"] = make_person(name="赵组织", phone=ORGANIZER, unit=units["general"],
                                      roles=[(Role.ORGANIZER, units["general"])])
    people["other_organizer"] = make_person(name="钱组织", phone=OTHER_ORGANIZER, unit=units["other"],
                                            roles=[(Role.ORGANIZER, units["other"])])
    people["admin"] = make_person(name="孙管理", phone=ADMIN, unit=units["general"],
                                  roles=[(Role.ADMIN, units["general"])])
    people["branch_member"] = make_person(name="周五", phone="13800000005", unit=units["branch"])
    people["inactive"] = make_person(name="吴六", phone="13800000006", unit=units["group"], active=False)
    return {"units": units, "people": people}


@pytest.fixture
def pub_bank(app: Flask, org: dict[str, Any]) -> dict[str, Any]:
    """A speech of the first 总支 with 6 single, 3 multiple, 2 judge, 2 fill approved (two of
    the singles on 四个意识, the rest on 三会一课) plus drafts; a speech of the second 总支; a
    speech of the branch (seen by the branch's members only, not by the whole 总支)."""
    units = org["units"]
    speech = add_speech(app, units["general"].id)
    for n in range(6):
        add_question(app, speech, QuestionType.SINGLE, concept="四个意识" if n < 2 else "三会一课")
    for _ in range(3):
        add_question(app, speech, QuestionType.MULTIPLE)
    for _ in range(2):
        add_question(app, speech, QuestionType.JUDGE)
        add_question(app, speech, QuestionType.FILL)
    for _ in range(3):
        add_question(app, speech, QuestionType.SINGLE, status=QuestionStatus.DRAFT)
    other = add_speech(app, units["other"].id, title="第二党总支的讲话")
    for _ in range(5):
        add_question(app, other, QuestionType.SINGLE)
    branch = add_speech(app, units["branch"].id, title="第一党支部的讲话")
    for _ in range(5):
        add_question(app, branch, QuestionType.SINGLE)
    return {"speech": speech, "other_speech": other, "branch_speech": branch}


def quarter_spec(unit_id: int, **changes: Any) -> ActivitySpec:
    """A valid quarterly test on the unit: 3 single×2 + 1 multiple×4, 2026-12-01..12-20."""
    values: dict[str, Any] = dict(
        kind=ActivityKind.TEST, title="2026年第四季度党建知识测试", unit_id=unit_id,
        period_start=date(2026, 10, 1), opens_at=utc("2026-12-01 01:00"),
        closes_at=utc("2026-12-20 10:00"), time_limit_minutes=30,
        parts=[PartSpec(QuestionType.SINGLE, 3, 2), PartSpec(QuestionType.MULTIPLE, 1, 4)],
    )
    values.update(changes)
    return ActivitySpec(**values)




def study_spec(unit_id: int, speech_id: int, **changes: Any) -> ActivitySpec:
    """A valid monthly study for 2026-12 reading paragraphs 2–4 of the speech."""
    values: dict[str, Any] = dict(
        kind=ActivityKind.STUDY, title="2026年12月党建知识选学", unit_id=unit_id,
        period_start=date(2026, 12, 1), practice_opens_at=utc("2026-11-30 16:00"),
        opens_at=utc("2026-12-19 16:00"), closes_at=utc("2026-12-31 15:59"),
        parts=[PartSpec(QuestionType.JUDGE, 2, 5)],
        passages=[PassageSpec(speech_id, 1, 3, "三会一课")],
    )
    values.update(changes)
    return ActivitySpec(**values)


def open_attempt(app: Flask, activity_id: int, person_id: int, started_at: datetime,
                 deadline_at: datetime) -> int:
    """An open scored attempt made directly as a row."""
    with app.app_context():
        attempt = Attempt(person_id=person_id, kind=AttemptKind.TEST, activity_id=activity_id,
                          attempt_no=1, status=AttemptStatus.OPEN, question_count=1,
                          started_at=started_at, updated_at=started_at, deadline_at=deadline_at)
        db.session.add(attempt)
        db.session.commit()
        return attempt.id


def set_status(app: Flask, activity_id: int, status: Any) -> int:
    """Change an activity's status directly (make_activity always publishes)."""
    with app.app_context():
        activity = db.session.get(Activity, activity_id)
        activity.status = status
        db.session.commit()
        return activity_id
